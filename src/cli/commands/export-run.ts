/** `acelens export` body. */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { describeFsError, loadModel } from '../../model/model-node';
import { exportYace, ExportError } from '../../pace/export';
import { pairTable } from '../../pace/table';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { CliError } from '../errors';

/** Writes text via a temporary file in the same folder and a rename: never half a file. */
export function writeAtomic(path: string, text: string): void {
    const tmp = `${path}.tmp-${process.pid}`;
    try {
        writeFileSync(tmp, text);
        renameSync(tmp, path);
    } catch (err) {
        try { unlinkSync(tmp); } catch { /* nothing to clean */ }
        throw new CliError(`${path}: cannot write: ${describeFsError(err)}`);
    }
}

export async function runExport(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    if (!!o.yace === !!o.table) throw new CliError('choose one format: --yace or --table');
    if (args.positionals.length !== 1) throw new CliError('expected one model file (acelens export --yace MODEL.json -o OUT)');
    const out = o.output as string | undefined;
    if (!out) throw new CliError("option '-o FILE' (--output) is required");
    const modelPath = args.positionals[0];
    const model = loadModel(modelPath);
    const m = { basis: model.basis, coefficients: model.coefficients, e0: model.e0 };
    try {
        if (o.yace) {
            const { text, report } = exportYace(m);
            writeAtomic(out, text);
            if (o.json) printJson(io, { output: out, format: 'yace', ...report });
            else {
                io.stdout(
                    `${out}: ML-PACE C-tilde potential of ${modelPath} (K = ${model.order}, ${model.spec.variant}, ${model.basis.size} functions): ` +
            `${Object.entries(report.functionsByRank).map(([r, n]) => `rank ${r}: ${n} functions/${report.msCombsByRank[Number(r)]} m-combinations`).join(', ')}; ` +
            `radial ACE.jl.base maxn ${report.maxn}, lmax ${report.lmax}` +
            (report.radialProjectionResidual > 0 ? `; same-neighbour radial products projected with relative residual ${report.radialProjectionResidual.toExponential(1)}` : '') +
            (report.coreRepulsion ? `; core repulsion B = ${report.coreRepulsion.strength} eV, r_i = ${report.coreRepulsion.rInner} Å written as ACE.jl polypairpot + reppot` : '') +
            `\nLAMMPS: pair_style pace / pair_coeff * * ${out} C\n`,
                );
            }
        } else {
            const t = pairTable(m, { n: o.points as number | undefined, rmin: o.rmin as number | undefined, source: modelPath });
            writeAtomic(out, t.text);
            if (o.json) printJson(io, { output: out, format: 'table', keyword: t.keyword, points: t.n, rmin: t.rmin, rmax: t.rmax, maxEnergyError: t.maxEnergyError, maxForceError: t.maxForceError });
            else {
                io.stdout(
                    `${out}: pair table of ${modelPath}, ${t.n} points in r² from ${t.rmin} to ${t.rmax} Å; LAMMPS linear interpolation error ≤ ${t.maxEnergyError.toExponential(2)} eV, ${t.maxForceError.toExponential(2)} eV/Å\n` +
            `LAMMPS: pair_style table linear ${t.n} / pair_coeff * * ${out} ${t.keyword} ${t.rmax}   (energies exclude N·E0 = N × ${model.e0} eV)\n`,
                );
            }
        }
    } catch (err) {
        if (err instanceof ExportError) throw new CliError(err.message);
        throw err;
    }
    return 0;
}
