/**
 * `acelens solve` body: read and check the parts, add them in shard order, then `fitModel` with the sum as
 * its assembler — the same checks, E0, solve, λ scan and metrics as `acelens fit`. The training files named
 * in the parts are read again (and must still have the SHA-256 they had) for the train metrics.
 */
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fitModel, FitError, type Assembler } from '../../fit/fit';
import { NO_CONFIG_TYPE } from '../../fit/metrics';
import { readNeFile } from '../../fit/ne-file';
import { checkParts, sumParts, type LoadedPart } from '../../fit/ne-parts';
import { describeFsError, saveModel } from '../../model/model-node';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { frameLocation, readDataset, type Dataset } from '../data';
import { CliError } from '../errors';
import { formatMetricsTable } from '../format';
import { parseLambda } from './fit-run';
import { readTrainingData } from './training-data';

export async function runSolve(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    if (args.positionals.length === 0) throw new CliError('missing part files (PART.acelens-ne…, see acelens solve --help)');
    const out = o.out as string | undefined;
    if (!out) throw new CliError("option '--out M.json' is required");
    try {
        accessSync(dirname(resolve(out)), constants.W_OK);
    } catch (err) {
        throw new CliError(`${out}: cannot write the model file: directory ${dirname(resolve(out))}: ${describeFsError(err)}`);
    }
    const lambdas = parseLambda(o.lambda);
    if (lambdas.lambdaScan && o.valid === undefined) throw new CliError("a λ scan ('--lambda auto' or a list) chooses λ on validation data: give '--valid FILE'");

    const t0 = Date.now();
    const parts: LoadedPart[] = args.positionals.map((name) => ({ name, ...readNeFile(name) }));
    const ordered = checkParts(parts);
    const h = ordered[0].header;
    const sum = sumParts(ordered);

    const data = await readTrainingData(h.data.map((d) => d.name));
    for (const [k, d] of h.data.entries()) {
        const now = data.datasets[k];
        if (now.sha256 !== d.sha256) throw new CliError(`${d.name}: the training file changed since the parts were assembled (SHA-256 ${now.sha256.slice(0, 12)}…, the parts have ${d.sha256.slice(0, 12)}…)`);
    }
    const valid: Dataset | null = o.valid !== undefined ? await readDataset(o.valid as string) : null;

    // the parts' sum stands in for fitModel's assembly, after checking that fitModel chose the same structures and E0
    const assemble: Assembler = async (basis, frames, weights) => {
        if (basis.size !== sum.nbasis) throw new FitError(`the parts have ${sum.nbasis} basis functions, the spec gives ${basis.size}`);
        if (frames.length !== h.fitted.structures) throw new FitError(`the training data has ${frames.length} fitted structures, the parts ${h.fitted.structures}`);
        if (weights.e0 !== h.weights.e0) throw new FitError(`E0 from the training data is ${weights.e0} eV, the parts were assembled with ${h.weights.e0} eV`);
        // the per-config_type counts of the parts against the structures fitModel is about to evaluate
        const fromParts = new Map<string, number>();
        for (const p of ordered) for (const [t, c] of Object.entries(p.header.perConfigType)) fromParts.set(t, (fromParts.get(t) ?? 0) + c.atoms);
        const fromData = new Map<string, number>();
        for (const f of frames) fromData.set(f.configType ?? NO_CONFIG_TYPE, (fromData.get(f.configType ?? NO_CONFIG_TYPE) ?? 0) + f.natoms);
        for (const t of new Set([...fromParts.keys(), ...fromData.keys()])) {
            if (fromParts.get(t) !== fromData.get(t)) throw new FitError(`config_type '${t}': the parts hold ${fromParts.get(t) ?? 0} atoms, the training data ${fromData.get(t) ?? 0}`);
        }
        return { ...sum, xtx: sum.xtx.slice(), xty: sum.xty.slice() };
    };
    const result = await fitModel(data.frames, {
        spec: h.spec,
        ...lambdas,
        energyWeight: h.weights.energyWeight,
        forceWeight: h.weights.forceWeight,
        virialWeight: h.weights.virialWeight,
        energyNorm: h.weights.energyNorm,
        priorExponent: o['prior-exponent'] as number | undefined,
        e0: h.e0Source === 'given' ? h.weights.e0 : 'auto',
        validFrames: valid?.frames,
        assemble,
        describe: (set, i, atom) => (set === 'train' ? data.describe(i, atom) : frameLocation(valid!, i, atom)),
        provenance: {
            train: data.provenance,
            valid: valid ? [{ name: valid.path, sha256: valid.sha256, structures: valid.frames.length, atoms: valid.frames.reduce((s, f) => s + f.natoms, 0) }] : [],
        },
    });
    saveModel(out, result.model);
    const m = result.model;
    const seconds = (Date.now() - t0) / 1000;
    if (o.json) {
        printJson(io, {
            model: out,
            parts: ordered.length,
            nbasis: m.nbasis,
            lambda: m.fit.lambda,
            rank: result.solve.rank,
            seconds,
            train: { structures: m.metrics.train.structures, energy_rmse_meV_atom: m.metrics.train.energy_rmse_meV_atom, force_rmse_meV_A: m.metrics.train.force_rmse_meV_A },
            valid: m.metrics.valid ? { structures: m.metrics.valid.structures, energy_rmse_meV_atom: m.metrics.valid.energy_rmse_meV_atom, force_rmse_meV_A: m.metrics.valid.force_rmse_meV_A } : null,
        });
        return 0;
    }
    io.stdout(
        [
            `model     ${out}`,
            `parts     ${ordered.length} shards, ${h.fitted.structures} structures, ${h.fitted.atoms} atoms`,
            `basis     K = ${m.spec.order}, ${m.spec.variant}, ${m.nbasis} functions`,
            `rows      ${m.data.train.energyRows} energy, ${m.data.train.forceRows} force, ${m.data.train.virialRows} virial`,
            `solve     ${result.solve.method}, data rank ${result.solve.rank}/${m.nbasis}, λ ${m.fit.lambda}`,
            `time      ${seconds.toFixed(2)} s`,
            '',
            formatMetricsTable({ train: result.metrics.train, valid: result.metrics.valid }),
        ].join('\n') + '\n',
    );
    return 0;
}
