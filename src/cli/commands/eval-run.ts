/**
 * `acelens eval` body: predictions and errors per structure, metrics, optional extended XYZ output, and the
 * atoms with the largest force errors and the force error against the nearest-neighbour distance — with the
 * code the viewer's panels and plots run (src/analysis: predictions, worst-atoms, error-by-distance).
 */
import { withErrors, type FramePrediction } from '../../analysis/predictions';
import { worstAtoms, type WorstAtom } from '../../analysis/worst-atoms';
import { binByDistance, forceErrorByNearestNeighbour, NEAREST_RMAX, type DistanceBin } from '../../analysis/error-by-distance';
import { checkFitFrame, isIsolatedAtom } from '../../fit/fit';
import { MetricsAccumulator, structureErrors } from '../../fit/metrics';
import { writeExtXyzFrame, type ExtraColumn } from '../../io/extxyz';
import { loadModel } from '../../model/model-node';
import { AtomicFile } from '../../util/atomic-file';
import { describeFsError } from '../../model/model-node';
import { loadPredictor } from '../../pace/pace-node';
import { coreRepulsionOf, PaceModel } from '../../pace/pace-model';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { frameLocation, readDataset } from '../data';
import { CliError } from '../errors';
import { formatMetricsTable, table } from '../format';

/** Per-atom columns written by --out (units: eV, eV/Å). */
export const PREDICTION_COLUMNS = {
    energy: 'ace_energies',
    forces: 'ace_forces',
    forceError: 'ace_force_error',
} as const;
/** Per-atom uncertainty columns (models fitted by Bayesian regression): predicted standard deviations of E_i (eV) and |F_i| (eV/Å). */
export const UNCERTAINTY_COLUMNS = { energy: 'ace_energy_sigma', forces: 'ace_force_sigma' } as const;
/** Per-atom column of the part of body order K of E_i (eV, E0 not included): ace_energies_K2, _K3, … */
export const orderColumn = (K: number) => `${PREDICTION_COLUMNS.energy}_K${K}`;
/** Comment-line key of the predicted total energy (eV) written by --out. */
export const PREDICTION_ENERGY_KEY = 'ace_energy';

/** 'energy' or 'force on atom i' when a prediction is not finite, else null. */
function nonFinite(energy: number, forces: ArrayLike<number>): string | null {
    if (!Number.isFinite(energy)) return `energy (${energy})`;
    for (let k = 0; k < forces.length; k++) if (!Number.isFinite(forces[k])) return `force on atom ${Math.floor(k / 3)} (${forces[k]})`;
    return null;
}

export async function runEval(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    const modelPath = o.model as string | undefined;
    if (!modelPath) throw new CliError("option '--model M.json' is required");
    if (args.positionals.length !== 1) {
        throw new CliError(args.positionals.length === 0 ? 'missing DATA.xyz (see acelens eval --help)' : `expected one data file, got ${args.positionals.length}: ${args.positionals.join(' ')}`);
    }
    const model = loadPredictor(modelPath);
    const data = await readDataset(args.positionals[0]);
    data.frames.forEach((f, i) => checkFitFrame(f, (atom) => frameLocation(data, i, atom)));

    const worstCount = (o.worst as number | undefined) ?? 10;
    if (!(worstCount >= 0)) throw new CliError(`option '--worst' expects a number of atoms ≥ 0, got ${worstCount}`);
    const binWidth = (o['distance-bin'] as number | undefined) ?? 0.05;
    if (!(binWidth > 0)) throw new CliError(`option '--distance-bin' expects a positive width in Å, got ${binWidth}`);
    // per-frame predictions with their errors against DFT, as the viewer computes them (src/analysis/predictions)
    const predictions: FramePrediction[] = [];
    const acc = new MetricsAccumulator();
    const structures: Array<{
    index: number;
    natoms: number;
    energy: number;
    energy_dft: number | null;
    energy_error_meV_atom: number | null;
    force_rmse_meV_A: number | null;
  }> = [];
    const out = o.out as string | undefined;
    // predictions go to a temporary renamed over --out only when every frame is done: an error or an interrupt
    // leaves an existing file as it was and no partial one
    let file: AtomicFile | null = null;
    if (out) {
        try {
            file = new AtomicFile(out, 'predictions file');
        } catch (err) {
            throw new CliError((err as Error).message);
        }
    }
    try {
        for (let index = 0; index < data.frames.length; index++) {
            const frame = data.frames[index];
            // let the event loop run between frames: SIGINT/SIGTERM handlers (which remove the temporary) get their turn
            if (index > 0) await new Promise((r) => setImmediate(r));
            let p;
            try {
                p = model.predict(frame, { forces: true });
            } catch (err) {
                throw new CliError(`${frameLocation(data, index)}: cannot evaluate the model: ${err instanceof Error ? err.message : String(err)}`);
            }
            const bad = nonFinite(p.energy, p.forces!);
            if (bad) throw new CliError(`${frameLocation(data, index)}: the model gives a non-finite ${bad} (model ${modelPath}: absurd coefficients or spec?)`);
            const prediction = withErrors({ energy: p.energy, perAtomEnergy: p.perAtomEnergy, perAtomEnergyByOrder: p.perAtomEnergyByOrder, forces: p.forces! }, frame);
            predictions.push(prediction);
            // isolated atoms define E0: listed, but not counted in the metrics (as in acelens fit)
            const errs = isIsolatedAtom(frame)
                ? structureErrors(frame.natoms, p.energy, p.forces, frame.energy, frame.forces)
                : acc.add(frame.configType, frame.natoms, p.energy, p.forces, frame.energy, frame.forces);
            structures.push({
                index,
                natoms: frame.natoms,
                energy: p.energy,
                energy_dft: frame.energy ?? null,
                energy_error_meV_atom: errs.energy_error_meV_atom,
                force_rmse_meV_A: errs.force_rmse_meV_A,
            });
            if (out) {
                const extraColumns: Record<string, ExtraColumn> = {
                    [PREDICTION_COLUMNS.energy]: { type: 'R', ncols: 1, values: p.perAtomEnergy },
                    [PREDICTION_COLUMNS.forces]: { type: 'R', ncols: 3, values: p.forces! },
                };
                for (const [K, e] of Object.entries(p.perAtomEnergyByOrder)) extraColumns[orderColumn(Number(K))] = { type: 'R', ncols: 1, values: e };
                const sigma = model instanceof PaceModel ? null : model.uncertainty(frame);
                if (sigma) {
                    extraColumns[UNCERTAINTY_COLUMNS.energy] = { type: 'R', ncols: 1, values: sigma.perAtomEnergy };
                    extraColumns[UNCERTAINTY_COLUMNS.forces] = { type: 'R', ncols: 1, values: sigma.perAtomForce };
                }
                if (prediction.forceError) extraColumns[PREDICTION_COLUMNS.forceError] = { type: 'R', ncols: 1, values: prediction.forceError };
                const text = writeExtXyzFrame({ ...frame, info: { ...frame.info, [PREDICTION_ENERGY_KEY]: p.energy } }, { extraColumns, realFormat: 'exact' });
                try {
          file!.write(text);
                } catch (err) {
                    throw new CliError((err as Error).message);
                }
            }
        }
        file?.commit();
    } catch (err) {
        file?.abort();
        throw err;
    }
    const report = acc.report();
    const per: Record<string, object> = {};
    for (const [k, m] of Object.entries(report.per_config_type)) {
        per[k] = {
            structures: m.structures,
            energy_rmse_meV_atom: m.energy_rmse_meV_atom,
            energy_mae_meV_atom: m.energy_mae_meV_atom,
            force_rmse_meV_A: m.force_rmse_meV_A,
            force_mae_meV_A: m.force_mae_meV_A,
        };
    }
    // where the model fails, atom by atom (isolated atoms have no force error: worstAtoms skips one-atom frames)
    const predictionOf = new Map(data.frames.map((f, k) => [f, predictions[k]]));
    const predict = (f: typeof data.frames[number]) => predictionOf.get(f)!;
    const worst: WorstAtom[] = worstCount > 0 ? worstAtoms(data.frames, predict, worstCount) : [];
    const points = forceErrorByNearestNeighbour(data.frames, predict);
    const bins: DistanceBin[] = binByDistance(points, binWidth);
    if (o.json) {
        printJson(io, {
            ...(coreRepulsionOf(model) ? { core_repulsion: coreRepulsionOf(model) } : {}),
            worst_atoms: worst.map(w => ({ frame: w.frame, atom: w.atom, config_type: w.configType, force_error_eV_A: w.forceError, dft_force_eV_A: w.dftForce, neighbours: w.neighbours, many_body_eV: w.manyBody })),
            force_error_by_nearest_neighbour: { bin_width_A: binWidth, atoms: points.length, bins: bins.map(b => ({ from_A: b.lo, to_A: b.hi, atoms: b.count, median_eV_A: b.median, p90_eV_A: b.p90, rms_eV_A: b.rms })) },
            structures,
            metrics: { energy_rmse_meV_atom: report.energy_rmse_meV_atom, force_rmse_meV_A: report.force_rmse_meV_A, per_config_type: per },
        });
        return 0;
    }
    const f = (x: number | null, d: number) => (x === null ? '—' : x.toFixed(d));
    // a long data set: only the worst structures (by |ΔE| per atom, then force RMSE); --json has them all
    const MAX_ROWS = 30;
    const listed =
    structures.length <= MAX_ROWS
        ? structures
        : [...structures]
            .sort((a, b) => Math.abs(b.energy_error_meV_atom ?? 0) - Math.abs(a.energy_error_meV_atom ?? 0) || (b.force_rmse_meV_A ?? 0) - (a.force_rmse_meV_A ?? 0))
            .slice(0, MAX_ROWS);
    const rows = listed.map((s) => [
        String(s.index),
        data.frames[s.index].configType ?? '',
        String(s.natoms),
        s.energy.toFixed(6),
        s.energy_dft === null ? '—' : s.energy_dft.toFixed(6),
        f(s.energy_error_meV_atom, 2),
        f(s.force_rmse_meV_A, 1),
    ]);
    const core = coreRepulsionOf(model);
    const lines = [`model ${modelPath} (K = ${model.order}, ${model.spec.variant}, ${model.coefficients.length} functions) on ${data.path}`, ...(core ? [`core repulsion: ${core}`] : []), ''];
    if (listed.length < structures.length) lines.push(`the ${listed.length} structures with the largest energy errors (of ${structures.length}; --json lists all):`);
    lines.push(table(['index', 'config_type', 'atoms', 'E model (eV)', 'E DFT (eV)', 'ΔE meV/atom', 'F RMSE meV/Å'], rows), '');
    lines.push(formatMetricsTable({ [data.path]: report }));
    if (worst.length > 0) {
        lines.push('', `the ${worst.length} atoms with the largest force errors (neighbours: within 1.85 Å; many-body: Σ_{K≥3} of E_i):`);
        lines.push(table(['frame', 'atom', 'config_type', '|ΔF| (eV/Å)', '|F_DFT| (eV/Å)', 'neighbours', 'many-body (eV)'],
            worst.map(w => [String(w.frame), String(w.atom), w.configType ?? '', w.forceError.toFixed(3), w.dftForce.toFixed(3), String(w.neighbours), w.manyBody.toFixed(3)])));
    }
    if (bins.length > 0) {
        lines.push('', `force error against the nearest-neighbour distance (${points.length} atoms with a neighbour within ${NEAREST_RMAX} Å; bins of ${binWidth} Å with at least 5 atoms):`);
        lines.push(table(['d_nn (Å)', 'atoms', 'median |ΔF| (eV/Å)', '90 % (eV/Å)', 'RMS (eV/Å)'],
            bins.filter(b => b.count >= 5).map(b => [`${b.lo.toFixed(2)}–${b.hi.toFixed(2)}`, String(b.count), b.median.toFixed(3), b.p90.toFixed(3), b.rms.toFixed(3)])));
    }
    const noSplit = model instanceof PaceModel ? model.bodyOrderNote : null;
    if (out) {
        const orderCols = noSplit ? `no body-order columns: ${noSplit}` : `${orderColumn(2)}…${orderColumn(model.order)} (E_i by body order, E0 not included)`;
        const sigmaCols = !(model instanceof PaceModel) && model.file.uncertainty ? `, ${Object.values(UNCERTAINTY_COLUMNS).join(', ')} (model uncertainty)` : '';
        lines.push('', `predictions written to ${out} (columns ${Object.values(PREDICTION_COLUMNS).join(', ')}${sigmaCols}, ${orderCols}; key ${PREDICTION_ENERGY_KEY})`);
    }
    io.stdout(lines.join('\n') + '\n');
    return 0;
}
