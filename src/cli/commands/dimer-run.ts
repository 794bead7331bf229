/** `acelens dimer` body. */
import { loadPredictor } from '../../pace/pace-node';
import { coreRepulsionOf, PaceModel } from '../../pace/pace-model';
import { dimerCurve } from '../../scan/dimer';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { CliError } from '../errors';
import { table } from '../format';

export async function runDimer(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    const modelPath = o.model as string | undefined;
    if (!modelPath) throw new CliError("option '--model M.json' is required");
    if (args.positionals.length > 0) throw new CliError(`unexpected argument '${args.positionals[0]}' (see acelens dimer --help)`);
    const model = loadPredictor(modelPath);
    let curve;
    try {
        curve = dimerCurve(model, { rmin: o.rmin as number | undefined, rmax: o.rmax as number | undefined, points: o.points as number | undefined });
    } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err));
    }
    if (o.json) {
    // binding energy E(r) − 2·E0 (eV), its part of each body order K, and the force −dE/dr (eV/Å)
        const note = model instanceof PaceModel ? model.bodyOrderNote : null;
        printJson(io, { ...(coreRepulsionOf(model) ? { core_repulsion: coreRepulsionOf(model) } : {}), r: curve.r, energy: curve.energy, contributions: note ? {} : curve.contributions, force: curve.force, ...(note ? { bodyOrderNote: note } : {}) });
        return 0;
    }
    const note = model instanceof PaceModel ? model.bodyOrderNote : null;
    const orders = note ? [] : Object.keys(curve.contributions);
    const rows = curve.r.map((r, i) => [r.toFixed(4), curve.energy[i].toFixed(6), ...orders.map((K) => curve.contributions[Number(K)][i].toFixed(6))]);
    io.stdout(
        `C2 dimer of ${modelPath} (K = ${model.order}, ${model.spec.variant}): E(r) − 2·E0 and the part of each body order, eV\n` +
      (coreRepulsionOf(model) ? `core repulsion: ${coreRepulsionOf(model)} (its energy is in K=2)\n` : '') + '\n' +
      table(['r (Å)', 'E − 2E0', ...orders.map((K) => `K=${K}`)], rows) +
      '\n' +
      (note ? `(${note})\n` : ''),
    );
    return 0;
}
