/**
 * `acelens dimer` body: the C₂ dimer curve of a model with the code the viewer's dimer panel runs
 * (src/analysis/dimer-curves.ts): the same grid (with the DFT distances merged in when compared), the same
 * shape warnings, the same K ≥ 3 (self-interaction) line, the same CSV.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { curveGrid, curveWarnings, dftAt, dftDeviation, dimerCsv, modelDimerCurve, parseDftDimerCurve, selfInteractionLine, type DftDimerCurve } from '../../analysis/dimer-curves';
import { loadPredictor } from '../../pace/pace-node';
import { coreRepulsionOf, PaceModel } from '../../pace/pace-model';
import { dimerGrid } from '../../scan/dimer';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { CliError } from '../errors';
import { table } from '../format';
import { packageRoot } from '../package-root';

/** The DFT C₂ curve embedded in the package (the one the viewer shows). */
export const EMBEDDED_DFT_CURVE = 'assets/c2-dimer-curve.xyz';
/** Distances (Å) over which the deviation from DFT is summarised, as in `acelens reproduce`. */
const DEVIATION_RANGE: [number, number] = [1.1, 3.0];

function readDft(path: string): DftDimerCurve {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (err) {
        throw new CliError(`${path}: cannot read the DFT dimer curve: ${(err as Error).message}`);
    }
    let curve: DftDimerCurve;
    try {
        curve = parseDftDimerCurve(text, path);
    } catch (err) {
        throw new CliError((err as Error).message);
    }
    if (curve.points.length === 0) throw new CliError(`${path}: no DFT dimer point (frames with config_type=dimer_curve and info keys r, binding_energy)`);
    return curve;
}

export async function runDimer(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    const modelPath = o.model as string | undefined;
    if (!modelPath) throw new CliError("option '--model M.json' is required");
    if (args.positionals.length > 0) throw new CliError(`unexpected argument '${args.positionals[0]}' (see acelens dimer --help)`);
    if (o.json && o.csv) throw new CliError("options '--json' and '--csv' exclude each other");
    const model = loadPredictor(modelPath);
    const dftPath = (o['dft-file'] as string | undefined) ?? (o.dft ? join(packageRoot(), EMBEDDED_DFT_CURVE) : undefined);
    const dft = dftPath ? readDft(dftPath) : null;
    let curve;
    try {
        const rmin = (o.rmin as number | undefined) ?? 0.6, rmax = (o.rmax as number | undefined) ?? 6, points = (o.points as number | undefined) ?? 200;
        dimerGrid(rmin, rmax, points); // checks the range: one clear line for a bad one
        curve = modelDimerCurve(model, modelPath, curveGrid(rmin, rmax, points, dft?.points.map(p => p.r) ?? []));
    } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err));
    }
    const note = model instanceof PaceModel ? model.bodyOrderNote : null;
    const dftPoints = dft?.points ?? [];
    const warnings = curveWarnings(curve, dftPoints);
    const selfInteraction = note ? null : selfInteractionLine(curve);
    const deviation = dft ? dftDeviation(curve, dftPoints, ...DEVIATION_RANGE) : null;
    if (o.csv) {
        io.stdout(dimerCsv([curve], dftPoints, note ? null : curve));
        return 0;
    }
    if (o.json) {
    // binding energy E(r) − 2·E0 (eV), its part of each body order K, and the force −dE/dr (eV/Å)
        printJson(io, {
            ...(coreRepulsionOf(model) ? { core_repulsion: coreRepulsionOf(model) } : {}),
            r: curve.r, energy: curve.energy, contributions: note ? {} : curve.contributions, force: curve.force, ...(note ? { bodyOrderNote: note } : {}),
            warnings, ...(selfInteraction ? { self_interaction: selfInteraction } : {}),
            ...(dft ? {
                dft: { file: dftPath, r: dftPoints.map(p => p.r), binding_energy: dftPoints.map(p => p.binding), magmom: dftPoints.map(p => p.magmom) },
                deviation: { range_A: DEVIATION_RANGE, points: deviation!.points, rms_eV: deviation!.rms, max_abs_eV: deviation!.maxAbs, model_minimum: deviation!.modelMinimum, dft_minimum: deviation!.dftMinimum },
            } : {}),
        });
        return 0;
    }
    const orders = note ? [] : Object.keys(curve.contributions);
    const rows = curve.r.map((r, i) => {
        const d = dft ? dftAt(dftPoints, r) : null;
        return [r.toFixed(4), curve.energy[i].toFixed(6), ...orders.map((K) => curve.contributions[Number(K)][i].toFixed(6)), ...(dft ? [d ? d.binding.toFixed(6) : ''] : [])];
    });
    const lines = [
        `C2 dimer of ${modelPath} (K = ${model.order}, ${model.spec.variant}): E(r) − 2·E0 and the part of each body order, eV${dft ? `; DFT from ${dftPath}` : ''}`,
        ...(coreRepulsionOf(model) ? [`core repulsion: ${coreRepulsionOf(model)} (its energy is in K=2)`] : []),
        '',
        table(['r (Å)', 'E − 2E0', ...orders.map((K) => `K=${K}`), ...(dft ? ['DFT'] : [])], rows),
        '',
    ];
    if (note) lines.push(`(${note})`);
    if (selfInteraction) lines.push(selfInteraction);
    if (deviation) {
        const m = deviation.modelMinimum, dm = deviation.dftMinimum;
        lines.push(`against DFT over ${DEVIATION_RANGE[0]}–${DEVIATION_RANGE[1]} Å (${deviation.points} points): RMS ${deviation.rms.toFixed(3)} eV, largest |ΔE| ${deviation.maxAbs.toFixed(3)} eV;` +
            ` minimum ${m ? `${m.energy.toFixed(3)} eV at ${m.r.toFixed(3)} Å` : '—'} (DFT ${dm ? `${dm.energy.toFixed(3)} eV at ${dm.r.toFixed(3)} Å` : '—'})`);
    }
    for (const w of warnings) lines.push(`warning: ${w}`);
    io.stdout(lines.join('\n') + '\n');
    return 0;
}
