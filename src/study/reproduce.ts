/**
 * The body-order convergence study of arXiv 2502.16125, as one pure library call (no Node APIs: the CLI
 * and the browser worker both run it).
 *
 * For every training pool (C₂ dimers only; narrow; diverse), basis (standard; self-interaction-free
 * 'purified') and maximal body order K: fit a linear ACE model (src/fit/fit.ts) on a seeded train part of
 * the pool, report its train / held-out errors (and cross-dataset errors where meaningful: narrow models on
 * the diverse structures that are not in the narrow pool), the solve's rank and condition, and its C₂
 * dimer curve against DFT: minimum, RMS deviation over a window, value at a short distance, and the part
 * of every body order.
 *
 * Deterministic: the splits and subsamples are seeded; the fits are deterministic. A pool without a
 * trainable structure is reported as a row with status 'no-data' (no numbers are invented).
 */
import { AceBasis } from '../ace/basis';
import { DEFAULT_DEGREES, type BasisSpec, type BasisVariant } from '../ace/spec';
import { DEFAULT_LAMBDA, e0FromFrames, fitModel, isIsolatedAtom, seededRng, type Assembler, type FitProgress, type FitSolver } from '../fit/fit';
import { dominantEnergyError, MetricsAccumulator, type DominantEnergyError, type ErrorMetrics, type MetricsReport } from '../fit/metrics';
import type { EnergyNorm } from '../fit/normal-equations';
import { DEFAULT_PRIOR_EXPONENT } from '../fit/prior';
import { Model, type ModelFile } from '../model/model';
import { dimerCurve } from '../scan/dimer';
import { makeFrame, type Frame } from '../structure/frame';
import { curveMinimum, dftValueAt, maxAbs, rmsDeviation, type CurveMinimum } from './curve-measures';
import { pairSumSummary, type PairSumSummary } from './pair-sum';
import { dftCurveFromFrames, dftSpinPairedCurveFromFrames, BULK_POOLS, POOL_SOURCES, poolFrames, SOURCE_POOLS, STUDY_DATASETS, structureId, StudyDataError, trainableCount, type DftPoint, type StudyData, type StudyDatasetId, type StudySource } from './data';

export interface StudySettings {
  quick: boolean;
  /** maximal body orders K of the models */
  orders: number[];
  variants: BasisVariant[];
  datasets: StudyDatasetId[];
  /** D_ν for ν = 1..max(K)−1; a model of order K uses the first K − 1 */
  degrees: number[];
  rcut: number;
  rin: number;
  r0: number;
  lWeight: number;
  /** 'blr' (Bayesian regression, regularisation from the evidence) or 'ridge' with `lambda` */
  solver: FitSolver;
  /** Tikhonov λ of the ridge solver (unused by 'blr') */
  lambda: number;
  priorExponent: number;
  energyWeight: number;
  forceWeight: number;
  virialWeight: number;
  energyNorm: EnergyNorm;
  /** fraction of each pool held out (seeded, by structure) */
  validFraction: number;
  seed: number;
  /** at most this many trainable structures per pool (and per cross set), a seeded subsample; null = all */
  maxStructures: number | null;
  /** model dimer curves are sampled on this grid (Å) */
  grid: { rmin: number; rmax: number; points: number };
  /** window (Å) of the RMS deviation from DFT */
  rmsWindow: [number, number];
  /** window (Å) in which the minimum is searched */
  minimumWindow: [number, number];
  /** the short distance (Å) whose value is reported */
  shortDistance: number;
  /** window (Å) beyond the well in which the highest point ("bump") is reported */
  bumpWindow: [number, number];
}

/**
 * D_ν of the full run: the reference study's [24, 20, 16, 12] (w_L 1.5): 24 | 298 | 803 | 930 functions for
 * K = 2 | 3 | 4 | 5 (24 | +274 | +505 | +127; the paper lists 273 for K = 3, see README "Basis sizes").
 * `npm run bench -- study` (synthetic pools of the planned sizes: 120 narrow structures, 1,514 atoms; 301
 * diverse, 4,865 atoms; 36 dimers; four pools): 346 s wall for the whole full run on two cores shared with a DFT job.
 */
export const STUDY_DEGREES = [24, 20, 16, 12];
/** D_ν of the quick run (the default interactive basis): 16 | 118 | 207 functions for K = 2 | 3 | 4. */
export const QUICK_DEGREES = DEFAULT_DEGREES.slice(0, 3);

/**
 * Full run: K = 2..5, D = STUDY_DEGREES, every structure. Quick: K = 2..4, D = QUICK_DEGREES, at most 40
 * structures per pool (seeded subsample), a coarser curve grid.
 * Fit settings (both): r_cut 5 Å, r_in 0, r0 1.287 Å, w_L 1.5; energy rows w_E/√N with w_E = 10 and forces
 * weight 1 as the reference study (no virials); Bayesian linear regression (ACEfit's BLR, as the reference
 * study: prior and noise precisions by evidence maximisation, the default smoothness prior as the prior's
 * shape); 20 % held out.
 */
export function studySettings(quick = false): StudySettings {
    return {
        quick,
        orders: quick ? [2, 3, 4] : [2, 3, 4, 5],
        variants: ['standard', 'purified'],
        datasets: [...STUDY_DATASETS],
        degrees: quick ? QUICK_DEGREES.slice() : STUDY_DEGREES.slice(),
        rcut: 5,
        rin: 0,
        r0: 1.287,
        lWeight: 1.5,
        solver: 'blr',
        lambda: DEFAULT_LAMBDA,
        priorExponent: DEFAULT_PRIOR_EXPONENT,
        energyWeight: 10,
        forceWeight: 1,
        virialWeight: 0,
        energyNorm: 'sqrt-atoms',
        validFraction: 0.2,
        seed: 1,
        maxStructures: quick ? 40 : null,
        grid: quick ? { rmin: 0.6, rmax: 6, points: 136 } : { rmin: 0.6, rmax: 6, points: 271 },
        rmsWindow: [1.1, 3.0],
        minimumWindow: [0.9, 6],
        shortDistance: 0.9,
        bumpWindow: [1.6, 5],
    };
}

/** Errors of one model on one set, in meV/atom and meV/Å (null where the set has no such labels). */
export interface ErrorSummary {
  structures: number;
  energyRmse: number | null;
  energyMae: number | null;
  forceRmse: number | null;
  forceMae: number | null;
}

export interface DimerMeasures {
  /** minimum of the model curve in the minimum window */
  minimum: CurveMinimum | null;
  /** RMS of model − DFT over the DFT points in the RMS window (eV), and how many points */
  rms: number | null;
  rmsPoints: number;
  /** model E(r_short) − 2E0 (eV) */
  shortValue: number;
  /** highest model value in the bump window (eV) and where */
  bump: { r: number; energy: number } | null;
  /** max over the grid of |E_K| for K ≥ 3 (eV); 0 for K = 2 models */
  maxHigherOrder: number;
  /** part of each body order at the DFT minimum distance (r0 when DFT has no interior minimum) (eV) */
  byOrderAtReference: Record<number, number>;
  /** the distance those parts are taken at (Å) */
  referenceR: number;
}

/** 'no-data': the pool has no trainable structure; 'failed': the fit threw (message in `note`) */
export type RowStatus = 'fitted' | 'no-data' | 'failed';

export interface StudyRow {
  /** `${dataset}-${variant}-K${K}` */
  id: string;
  dataset: StudyDatasetId;
  variant: BasisVariant;
  K: number;
  degrees: number[];
  nbasis: number;
  status: RowStatus;
  /** why there is no model (status 'no-data' or 'failed') */
  note: string | null;
  train: ErrorSummary | null;
  valid: ErrorSummary | null;
  /** the config_type carrying the largest share of the held-out squared energy error, and how many structures
   *  of it were in the training part (a kind seen once or never is extrapolated) */
  validDominant: (DominantEnergyError & { inTraining: number }) | null;
  /** errors on another pool (out-of-sample structures only), or null */
  cross: (ErrorSummary & { dataset: StudyDatasetId }) | null;
  /** effective rank of the data, directions used by the solve, basis size, condition, method */
  rank: number | null;
  solvedRank: number | null;
  condition: number | null;
  method: string | null;
  /** regularisation of the fit: λ of the ridge solver, or α/β of the Bayesian one */
  lambda?: number | null;
  dimer: DimerMeasures | null;
  seconds: number;
}

export interface SampledCurve {
  r: number[];
  energy: number[];
  contributions: Record<number, number[]>;
}

export interface StudyResult {
  settings: StudySettings;
  /** isolated-atom energy of the dimer curve's data (eV), null without one */
  e0: number | null;
  dft: {
    /** e.g. "DFT (GPAW PBE)" */
    label: string;
    source: StudySource | null;
    points: DftPoint[];
    minimum: CurveMinimum | null;
    shortValue: number | null;
    /** the same dimers in the spin-unpolarised convention (data.dftSpinPairedCurveFromFrames), when recorded */
    spinPaired: { points: DftPoint[]; minimum: CurveMinimum | null } | null;
  };
  /** the DFT curve as a pair potential summed over the bulk pools' pairs within r_cut, against their DFT energies */
  pairSum: Partial<Record<'narrow' | 'diverse', PairSumSummary>>;
  data: Record<StudyDatasetId, { structures: number; trainable: number; used: number; atoms: number; source: StudySource | null }>;
  rows: StudyRow[];
  /** model dimer curves by row id (fitted rows only) */
  curves: Record<string, SampledCurve>;
  /** the fitted models by row id */
  models: Record<string, ModelFile>;
  seconds: number;
}

export interface StudyProgress {
  /** 0-based index of the model being made, and how many there are */
  model: number;
  models: number;
  id: string;
  stage: FitProgress['stage'] | 'cross' | 'dimer' | 'done';
  /** overall fraction done, 0..1 */
  fraction: number;
  message: string;
}

export interface StudyOptions {
  /** defaults: studySettings(quick) */
  settings?: Partial<StudySettings>;
  quick?: boolean;
  onProgress?: (p: StudyProgress) => void;
  signal?: AbortSignal;
  /** assembler of the normal equations (e.g. Node worker threads); default in-process */
  assemble?: Assembler;
}

export function rowId(dataset: StudyDatasetId, variant: BasisVariant, K: number): string {
    return `${dataset}-${variant}-K${K}`;
}

function summary(m: ErrorMetrics): ErrorSummary {
    return {
        structures: m.structures,
        energyRmse: m.energy_rmse_meV_atom,
        energyMae: m.energy_mae_meV_atom,
        forceRmse: m.force_rmse_meV_A,
        forceMae: m.force_mae_meV_A,
    };
}

function dominantWithTraining(valid: MetricsReport, train: MetricsReport): StudyRow['validDominant'] {
    const d = dominantEnergyError(valid);
    return d ? { ...d, inTraining: train.per_config_type[d.configType]?.structures ?? 0 } : null;
}

/** The files a model was trained on (name, hash, how many of the pool's frames came from each), when hashed. */
function trainProvenance(data: StudyData, dataset: StudyDatasetId, pool: readonly Frame[]) {
    const train = POOL_SOURCES[dataset].flatMap((src) => {
        const source = data.sources?.[src];
        if (!source?.sha256) return [];
        const from = new Set(data.datasets[src] ?? []);
        const frames = pool.filter((f) => from.has(f));
        return [{ name: source.name, sha256: source.sha256, structures: frames.length, atoms: frames.reduce((a, f) => a + f.natoms, 0) }];
    });
    return train.length === POOL_SOURCES[dataset].length ? { train } : undefined;
}

/** Seeded subsample: isolated atoms are kept; of the other frames at most `max` (original order kept). */
export function subsample(frames: readonly Frame[], max: number | null, seed: number): Frame[] {
    const idx: number[] = [];
    frames.forEach((f, i) => {
        if (!isIsolatedAtom(f)) idx.push(i);
    });
    if (max === null || idx.length <= max) return frames.slice();
    const rnd = seededRng(seed);
    for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const keep = new Set(idx.slice(0, max));
    return frames.filter((f, i) => isIsolatedAtom(f) || keep.has(i));
}

/** Frames of `pool` that are not isolated atoms and whose structure_id is not among `exclude`'s. */
function outOfSample(pool: readonly Frame[], exclude: readonly Frame[]): Frame[] {
    const ids = new Set<string>();
    for (const f of exclude) {
        const id = structureId(f);
        if (id !== null) ids.add(id);
    }
    return pool.filter((f) => {
        if (isIsolatedAtom(f)) return false;
        const id = structureId(f);
        return id === null || !ids.has(id);
    });
}

/** Which pool a model trained on `d` is also tested on (out-of-sample structures only). */
export const CROSS_DATASET: Partial<Record<StudyDatasetId, StudyDatasetId>> = { narrow: 'diverse' };

function evaluateOn(model: Model, frames: readonly Frame[], signal?: AbortSignal): ErrorSummary {
    const acc = new MetricsAccumulator();
    for (const f of frames) {
        signal?.throwIfAborted();
        const p = model.predict(f, { forces: f.forces !== undefined });
        acc.add(f.configType, f.natoms, p.energy, p.forces ?? null, f.energy, f.forces);
    }
    return summary(acc.report());
}

/** Model energy E(r) − 2E0 and its parts by body order for an isolated C₂ at distance r. */
export function dimerAt(model: Model, r: number): { energy: number; byOrder: Record<number, number> } {
    const p = model.predict(makeFrame({ positions: [0, 0, 0, r, 0, 0], species: ['C', 'C'] }), { forces: false });
    const byOrder: Record<number, number> = {};
    for (let K = 2; K <= model.order; K++) byOrder[K] = p.energyByOrder[K] ?? 0;
    return { energy: p.energy - 2 * model.e0, byOrder };
}

function measureDimer(model: Model, curve: SampledCurve, dft: DftPoint[], dftMin: CurveMinimum | null, s: StudySettings): DimerMeasures {
    const minimum = curveMinimum(curve.r, curve.energy, s.minimumWindow[0], s.minimumWindow[1]);
    const { rms, count } = rmsDeviation(dft, (r) => dimerAt(model, r).energy, s.rmsWindow[0], s.rmsWindow[1]);
    let bump: { r: number; energy: number } | null = null;
    curve.r.forEach((r, i) => {
        if (r < s.bumpWindow[0] || r > s.bumpWindow[1]) return;
        if (!bump || curve.energy[i] > bump.energy) bump = { r, energy: curve.energy[i] };
    });
    let maxHigherOrder = 0;
    for (let K = 3; K <= model.order; K++) maxHigherOrder = Math.max(maxHigherOrder, maxAbs(curve.r, curve.contributions[K]));
    const referenceR = dftMin && !dftMin.atEdge ? dftMin.r : s.r0;
    return {
        minimum,
        rms,
        rmsPoints: count,
        shortValue: dimerAt(model, s.shortDistance).energy,
        bump,
        maxHigherOrder,
        byOrderAtReference: dimerAt(model, referenceR).byOrder,
        referenceR,
    };
}

function specFor(s: StudySettings, K: number, variant: BasisVariant): BasisSpec {
    return { order: K, variant, rcut: s.rcut, rin: s.rin, r0: s.r0, maxDegree: s.degrees.slice(0, K - 1), lWeight: s.lWeight };
}

function checkSettings(s: StudySettings): void {
    const maxK = Math.max(...s.orders);
    if (s.orders.length === 0 || s.orders.some((K) => !Number.isInteger(K) || K < 2 || K > 5)) throw new StudyDataError(`study: orders must be integers 2..5, got ${JSON.stringify(s.orders)}`);
    if (s.degrees.length < maxK - 1) throw new StudyDataError(`study: ${s.degrees.length} degrees given, K = ${maxK} needs ${maxK - 1} (D_1..D_${maxK - 1})`);
    if (!(s.validFraction >= 0 && s.validFraction < 1)) throw new StudyDataError(`study: validFraction must be in [0, 1), got ${s.validFraction}`);
    if (s.maxStructures !== null && !(Number.isInteger(s.maxStructures) && s.maxStructures >= 1)) throw new StudyDataError(`study: maxStructures must be an integer ≥ 1 or null, got ${s.maxStructures}`);
}

export async function runStudy(data: StudyData, opts: StudyOptions = {}): Promise<StudyResult> {
    const t0 = Date.now();
    const s: StudySettings = { ...studySettings(opts.quick ?? opts.settings?.quick ?? false), ...opts.settings };
    checkSettings(s);
    const signal = opts.signal;
    signal?.throwIfAborted();

    const dftPoints = dftCurveFromFrames(data.curve);
    const dftMin = curveMinimum(
        dftPoints.map((p) => p.r),
        dftPoints.map((p) => p.energy),
    );
    const spinPairedPoints = dftSpinPairedCurveFromFrames(data.curve);
    const e0Found = e0FromFrames(data.curve) ?? SOURCE_POOLS.map((d) => e0FromFrames(data.datasets[d] ?? [])).find((x) => x) ?? null;

    const pools = {} as Record<StudyDatasetId, Frame[]>;
    const dataSummary = {} as StudyResult['data'];
    for (const d of STUDY_DATASETS) {
        const frames = poolFrames(data, d);
        pools[d] = subsample(frames, s.maxStructures, s.seed);
        dataSummary[d] = {
            structures: frames.length,
            trainable: trainableCount(frames),
            used: trainableCount(pools[d]),
            atoms: pools[d].reduce((a, f) => a + (isIsolatedAtom(f) ? 0 : f.natoms), 0),
            source: d === 'diverse_dimers' ? null : data.sources?.[d] ?? null,
        };
    }

    const plan: { dataset: StudyDatasetId; variant: BasisVariant; K: number }[] = [];
    for (const dataset of s.datasets) for (const variant of s.variants) for (const K of s.orders) plan.push({ dataset, variant, K });
    // cost weights for the overall fraction: the number of basis functions × structures, roughly
    const sizes = new Map<string, number>();
    const sizeOf = (K: number, v: BasisVariant) => {
        const key = `${v}${K}`;
        if (!sizes.has(key)) sizes.set(key, AceBasis.create(specFor(s, K, v)).size);
        return sizes.get(key)!;
    };
    const cost = plan.map((p) => (1 + sizeOf(p.K, p.variant)) * (1 + dataSummary[p.dataset].used));
    const totalCost = cost.reduce((a, b) => a + b, 0);
    let doneCost = 0;

    const rows: StudyRow[] = [];
    const curves: Record<string, SampledCurve> = {};
    const models: Record<string, ModelFile> = {};
    for (let m = 0; m < plan.length; m++) {
        signal?.throwIfAborted();
        const { dataset, variant, K } = plan[m];
        const id = rowId(dataset, variant, K);
        const tRow = Date.now();
        const report = (stage: StudyProgress['stage'], within: number, message: string) =>
            opts.onProgress?.({ model: m, models: plan.length, id, stage, fraction: (doneCost + within * cost[m]) / totalCost, message: `${id} (${m + 1}/${plan.length}): ${message}` });
        const spec = specFor(s, K, variant);
        const base: StudyRow = {
            id, dataset, variant, K, degrees: spec.maxDegree, nbasis: sizeOf(K, variant), status: 'no-data', note: null,
            train: null, valid: null, validDominant: null, cross: null, rank: null, solvedRank: null, condition: null, method: null, dimer: null, seconds: 0,
        };
        const pool = pools[dataset];
        if (dataSummary[dataset].used === 0) {
            rows.push({ ...base, note: `no structures in the ${dataset} pool besides the isolated atom` });
            doneCost += cost[m];
            continue;
        }
        const e0 = e0FromFrames(pool)?.e0 ?? e0Found?.e0;
        if (e0 === undefined) throw new StudyDataError(`study: no isolated-atom frame with an energy in the ${dataset} data or the dimer curve: E0 unknown`);

        let fit: Awaited<ReturnType<typeof fitModel>>;
        try {
            fit = await fitModel(pool, {
                spec,
                solver: s.solver ?? 'ridge',
                ...(s.solver === 'blr' ? { storePosterior: false } : { lambda: s.lambda }),
                priorExponent: s.priorExponent,
                energyWeight: s.energyWeight,
                forceWeight: s.forceWeight,
                virialWeight: s.virialWeight,
                energyNorm: s.energyNorm,
                e0,
                validFraction: dataSummary[dataset].used >= 2 ? s.validFraction : 0,
                seed: s.seed,
                signal,
                assemble: opts.assemble,
                onProgress: (p) => {
                    const within = p.stage === 'assemble' ? 0.1 + 0.5 * (p.done / Math.max(1, p.total)) : p.stage === 'solve' ? 0.62 : p.stage === 'metrics' ? 0.65 + 0.15 * (p.done / Math.max(1, p.total)) : 0.05;
                    report(p.stage, within, p.message);
                },
                provenance: trainProvenance(data, dataset, pool),
            });
        } catch (err) {
            // a cancelled run stops; a failed fit (bad data, a failed solve) is recorded and the study goes on
            if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) throw err;
            rows.push({ ...base, status: 'failed', note: `fit failed: ${err instanceof Error ? err.message : String(err)}`, seconds: (Date.now() - tRow) / 1000 });
            doneCost += cost[m];
            continue;
        }
        const model = new Model(fit.model, id);

        let cross: StudyRow['cross'] = null;
        const crossSet = CROSS_DATASET[dataset];
        if (crossSet) {
            const frames = subsample(outOfSample(poolFrames(data, crossSet), poolFrames(data, dataset)), s.maxStructures, s.seed + 1).filter((f) => !isIsolatedAtom(f));
            if (frames.length) {
                report('cross', 0.82, `errors on ${frames.length} ${crossSet} structures`);
                cross = { ...evaluateOn(model, frames, signal), dataset: crossSet };
            }
        }

        report('dimer', 0.95, 'dimer curve');
        const c = dimerCurve(model, { ...s.grid, signal });
        const curve: SampledCurve = { r: c.r, energy: c.energy, contributions: c.contributions };
        curves[id] = curve;
        models[id] = fit.model;
        rows.push({
            ...base,
            nbasis: fit.model.nbasis,
            status: 'fitted',
            train: summary(fit.metrics.train),
            valid: fit.metrics.valid ? summary(fit.metrics.valid) : null,
            validDominant: fit.metrics.valid ? dominantWithTraining(fit.metrics.valid, fit.metrics.train) : null,
            cross,
            rank: fit.solve.rank,
            solvedRank: fit.solve.solvedRank,
            condition: Number.isFinite(fit.solve.condition) ? fit.solve.condition : null,
            method: fit.solve.method,
            lambda: fit.model.fit.lambda,
            dimer: measureDimer(model, curve, dftPoints, dftMin, s),
            seconds: (Date.now() - tRow) / 1000,
        });
        doneCost += cost[m];
        report('done', 0, 'done');
        await new Promise<void>((r) => setTimeout(r, 0));
    }

    const pairSums: StudyResult['pairSum'] = {};
    if (e0Found) {
        for (const d of BULK_POOLS) {
            const p = pairSumSummary(pools[d], dftPoints, e0Found.e0, s.rcut);
            if (p) pairSums[d] = p;
        }
    }

    return {
        settings: s,
        e0: e0Found?.e0 ?? null,
        pairSum: pairSums,
        dft: {
            label: data.dftLabel ?? 'DFT',
            source: data.sources?.curve ?? null,
            points: dftPoints,
            minimum: dftMin,
            shortValue: dftValueAt(dftPoints, s.shortDistance),
            spinPaired: spinPairedPoints.length
                ? { points: spinPairedPoints, minimum: curveMinimum(spinPairedPoints.map((p) => p.r), spinPairedPoints.map((p) => p.energy)) }
                : null,
        },
        data: dataSummary,
        rows,
        curves,
        models,
        seconds: (Date.now() - t0) / 1000,
    };
}
