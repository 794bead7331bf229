/**
 * fitModel: the whole linear ACE fit — checks, E0, train/validation split, assembly of the normal
 * equations, regularised solve, error metrics — returning a Model file (src/model/model.ts).
 *
 * Decisions (documented in the model's `fit` record too):
 *  - E0 'auto': the energy of the isolated-atom frames in the training data (config_type `isolated_atom`,
 *    or a single atom without periodic boundaries); their mean when there are several. Such frames are
 *    used for E0 only: they add no rows (a lone atom has no neighbours, so all its basis functions vanish
 *    and its only residual E − E0 does not depend on c) and are left out of the split and the metrics.
 *  - Labels are used where present and weighted: a frame without forces adds only its energy row, etc.
 *    A training set without any energy (with energy weight > 0) or without any label at all is an error,
 *    and so is a non-finite label or an element other than carbon.
 *  - The split is by structure: a seeded shuffle (mulberry32) of the non-isolated frames, the first
 *    round(f·n) go to validation (at least 1 when f > 0, at most n − 1).
 *  - A λ scan (`lambdaScan`) solves the same normal equations for every candidate λ and keeps the one with the
 *    lowest validation score (w_E·RMSE_E)² + (w_F·RMSE_F)² (RMSEs in eV/atom and eV/Å, the fit's own weights):
 *    regularisation chosen on held-out structures, the linear-ACE analogue of a learning curve. Every
 *    candidate's train and validation errors are recorded in the model (`fit.lambdaScan`).
 *  - A failed or aborted fit throws; nothing passed in is modified.
 *
 * Browser-safe: no Node APIs here. Parallel assembly over Node worker threads is injected by the caller
 * (`assemble`, see ./parallel.ts); the default assembles in-process.
 */
import { AceBasis } from '../ace/basis';
import { predict } from '../ace/evaluate';
import { validateSpec, type BasisSpec } from '../ace/spec';
import { type Frame, SUPPORTED_SPECIES } from '../structure/frame';
import { assembleInProcess } from './assemble';
import { seededRandom } from '../util/random';
import { MetricsAccumulator, type MetricsReport } from './metrics';
import { atomForceWeights, quadraticForm, structureWeights, symmetrize, type ConfigTypeWeights, type EnergyNorm, type LossWeights, type NormalSums } from './normal-equations';
import { smoothnessPrior, DEFAULT_PRIOR_EXPONENT } from './prior';
import { effectiveRank, solveNormalEquations, type SolveResult } from './solve';
import { bayesianRidge, posteriorFactor, ridgeCoefficients, spectrum, type BlrResult } from './blr';
import { encodeFloat32Base64 } from '../util/base64';
import { energyRowsFor, huberIrls } from './robust';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile, type FileProvenance, type LambdaScanPoint, type RobustReport, SOFTWARE } from '../model/model';

export interface FitProgress {
  stage: 'check' | 'basis' | 'assemble' | 'solve' | 'metrics';
  done: number;
  total: number;
  message: string;
}

/** Assembles the normal equations of `frames` (e.g. across worker threads). */
export type Assembler = (
  basis: AceBasis,
  frames: readonly Frame[],
  weights: LossWeights,
  hooks: { onStructure: (done: number) => void; signal?: AbortSignal },
) => Promise<NormalSums>;

/**
 * Energies (eV) and forces (3N, eV/Å; null when not asked for) of a linear ACE model on a list of frames,
 * in frame order — the error metrics' predictions. The default predicts in-process; ./parallel.ts spreads the
 * frames over worker threads (the same `predict` per frame, so the same numbers).
 */
export type Predictor = (
  basis: AceBasis,
  coefficients: Float64Array,
  e0: number,
  frames: readonly Frame[],
  hooks: { onStructure: () => void; signal?: AbortSignal },
) => Promise<FramePredictions>;

/** Predictions of a Predictor: energy[s] and forces[s] (null for a frame without forces or when not asked) */
export interface FramePredictions {
  energy: Float64Array;
  forces: (Float64Array | null)[];
}

export type FitSolver = 'blr' | 'ridge';

export interface FitOptions {
  spec: BasisSpec;
  /**
   * 'blr' (default unless `lambda` or `lambdaScan` is given): Bayesian linear regression, prior and noise
   * precisions by evidence maximisation, the smoothness prior as the prior's shape (./blr.ts).
   * 'ridge': Tikhonov with a fixed λ or a λ scan.
   */
  solver?: FitSolver;
  /** Bayesian fits: store the posterior covariance factor in the model (uncertainty). Default true */
  storePosterior?: boolean;
  /** per config_type weights replacing energyWeight/forceWeight/virialWeight for that type (./weights.ts) */
  configTypeWeights?: Record<string, ConfigTypeWeights>;
  /** read energy_weight/force_weight/virial_weight info keys and force_weights per-atom columns. Default true */
  frameWeights?: boolean;
  /** file (or dataset) name of each training / validation frame: metrics per file */
  trainSources?: readonly string[];
  validSources?: readonly string[];
  /**
   * Huber robust loss on the energy rows by iteratively reweighted least squares: a structure whose weighted
   * energy residual |w_E·ΔE/N| exceeds δ (with w_E = 1/σ_E: δ standard deviations) has its energy row weight
   * scaled by √(δ/|…|). The down-weighted structures are listed in the model (fit.robust). Not with a λ scan.
   */
  huber?: number;
  /** Tikhonov strength λ of λ‖Γc‖² (solver 'ridge'). Default 1e-6 */
  lambda?: number;
  /**
   * candidate λ values (at least two): each is solved and the one with the lowest validation score is kept
   * (see the module comment). Needs validation data; takes the place of `lambda`.
   */
  lambdaScan?: readonly number[];
  /** exponent p of the smoothness prior Γ_kk = (1 + degree_k)^p (see ./prior.ts). Default 2; 0 = ridge */
  priorExponent?: number;
  /** weights of the loss (see normal-equations.ts); defaults 1, 1, 1 (virials only where a periodic frame has a stress) */
  energyWeight?: number;
  forceWeight?: number;
  virialWeight?: number;
  /** energy rows weighted w_E/N ('atoms', default, ACE_NOTES) or w_E/√N ('sqrt-atoms', the reference study) */
  energyNorm?: EnergyNorm;
  /** isolated-atom energy (eV) or 'auto' (from the data). Default 'auto' */
  e0?: 'auto' | number;
  /** a separate validation set (takes precedence over validFraction) */
  validFrames?: readonly Frame[];
  /** fraction of the training structures held out for validation (seeded). Default 0 */
  validFraction?: number;
  seed?: number;
  onProgress?: (p: FitProgress) => void;
  signal?: AbortSignal;
  assemble?: Assembler;
  /** predictions for the error metrics (default: in-process, frame by frame) */
  predict?: Predictor;
  /** data provenance recorded in the model (file names, hashes); counts are filled in here */
  provenance?: { train?: FileProvenance[]; valid?: FileProvenance[] };
  /**
   * names a frame (or one atom of it) in error messages, e.g. "train.xyz:120: frame 3";
   * default "training structure 3" / "training structure 3, atom 5"
   */
  describe?: FrameNamer;
}

export interface FitResult {
  model: ModelFile;
  solve: SolveResult;
  metrics: { train: MetricsReport; valid: MetricsReport | null };
  /** indices (into the training frames) used for fitting and for validation */
  split: { train: number[]; valid: number[] };
  seconds: number;
}

/** Names a frame, or an atom of it (0-based indices), for error messages. */
export type FrameNamer = (set: 'train' | 'valid', index: number, atom?: number) => string;

export class FitError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'FitError';
    }
}

export const DEFAULT_LAMBDA = 1e-6;

/** The candidates of `--lambda auto`: 1e-8 … 1 in decades. */
export const AUTO_LAMBDA_GRID: readonly number[] = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

/** Periodic images of a lone atom farther than this (Å) leave it isolated (GAP-20's Single_Atom: 25 Å box). */
export const ISOLATED_ATOM_MIN_IMAGE_DISTANCE = 10;

/**
 * A frame that only serves for E0: config_type isolated_atom, or one atom without periodic boundaries, or one
 * atom in a periodic box whose lattice vectors are all at least 10 Å long (as GAP-20's Single_Atom frame).
 */
export function isIsolatedAtom(frame: Frame): boolean {
    if ((frame.configType ?? '').toLowerCase() === 'isolated_atom') return true;
    if (frame.natoms !== 1) return false;
    if (!frame.pbc.some((p) => p) || !frame.cell) return true;
    const c = frame.cell;
    for (let r = 0; r < 3; r++) {
        if (frame.pbc[r] && Math.hypot(c[3 * r], c[3 * r + 1], c[3 * r + 2]) < ISOLATED_ATOM_MIN_IMAGE_DISTANCE) return false;
    }
    return true;
}

/** E0 from the isolated-atom frames (mean of their energies), or null when there is none with an energy. */
export function e0FromFrames(frames: readonly Frame[]): { e0: number; count: number } | null {
    let sum = 0;
    let count = 0;
    for (const f of frames) {
        if (!isIsolatedAtom(f) || f.energy === undefined) continue;
        sum += f.energy / f.natoms;
        count++;
    }
    return count ? { e0: sum / count, count } : null;
}

/** The seeded PRNG of the train/validation split (mulberry32). */
export const seededRng = seededRandom;

/** Seeded split of the indices into [train, valid]; each keeps ascending order. */
export function splitIndices(indices: readonly number[], fraction: number, seed: number): { train: number[]; valid: number[] } {
    if (!(fraction >= 0 && fraction < 1)) throw new FitError(`validation fraction must be in [0, 1), got ${fraction}`);
    const n = indices.length;
    let nvalid = Math.round(fraction * n);
    if (fraction > 0) nvalid = Math.max(1, nvalid);
    nvalid = Math.min(nvalid, Math.max(0, n - 1));
    const order = [...indices];
    const rnd = seededRng(seed);
    for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
    }
    const valid = order.slice(0, nvalid).sort((a, b) => a - b);
    const train = order.slice(nvalid).sort((a, b) => a - b);
    return { train, valid };
}

/**
 * Checks the species and labels of one frame; throws a FitError naming it. `where(atom)` names the frame
 * (atom undefined) or one of its atoms (0-based).
 */
export function checkFitFrame(frame: Frame, where: (atom?: number) => string): void {
    for (let i = 0; i < frame.natoms; i++) {
        if (!SUPPORTED_SPECIES.has(frame.species[i])) {
            throw new FitError(`${where(i)}: atom ${i} is '${frame.species[i]}'; acelens models carbon only (expected C)`);
        }
    }
    for (let k = 0; k < frame.positions.length; k++) {
        const a = Math.floor(k / 3);
        if (!Number.isFinite(frame.positions[k])) throw new FitError(`${where(a)}: position of atom ${a} is not a finite number`);
    }
    if (frame.energy !== undefined && !Number.isFinite(frame.energy)) throw new FitError(`${where()}: energy is ${frame.energy}, expected a finite number (eV)`);
    if (frame.forces) {
        for (let k = 0; k < frame.forces.length; k++) {
            const a = Math.floor(k / 3);
            if (!Number.isFinite(frame.forces[k])) throw new FitError(`${where(a)}: force on atom ${a} is ${frame.forces[k]}, expected a finite number (eV/Å)`);
        }
    }
    if (frame.stress) {
        for (let k = 0; k < 9; k++) if (!Number.isFinite(frame.stress[k])) throw new FitError(`${where()}: stress has a non-finite entry (${frame.stress[k]})`);
    }
}

function checkWeight(name: string, v: number): number {
    if (!Number.isFinite(v) || v < 0) throw new FitError(`${name} must be a finite number ≥ 0, got ${v}`);
    return v;
}

export async function fitModel(trainFrames: readonly Frame[], opts: FitOptions): Promise<FitResult> {
    const t0 = Date.now();
    const signal = opts.signal;
    signal?.throwIfAborted();
    const progress = (p: FitProgress) => opts.onProgress?.(p);
    const describe: FrameNamer =
    opts.describe ?? ((set, i, atom) => `${set === 'train' ? 'training' : 'validation'} structure ${i}${atom === undefined ? '' : `, atom ${atom}`}`);

    // --- settings
    const scan = opts.lambdaScan ? [...new Set(opts.lambdaScan)].sort((a, b) => a - b) : null;
    for (const l of scan ?? [opts.lambda ?? DEFAULT_LAMBDA]) {
        if (!Number.isFinite(l) || l < 0) throw new FitError(`lambda must be a finite number ≥ 0, got ${l}`);
    }
    if (scan && scan.length < 2) throw new FitError(`a λ scan needs at least two different values, got ${scan.join(', ')}`);
    if (scan && !opts.validFrames && !(opts.validFraction && opts.validFraction > 0)) {
        throw new FitError('a λ scan chooses λ on validation data: give a validation set or a validation fraction > 0');
    }
    const solver: FitSolver = opts.solver ?? (scan || opts.lambda !== undefined ? 'ridge' : 'blr');
    if (solver !== 'blr' && solver !== 'ridge') throw new FitError(`solver must be 'blr' or 'ridge', got '${solver}'`);
    if (solver === 'blr' && scan) throw new FitError('a λ scan needs the ridge solver (Bayesian regression sets the regularisation from the data)');
    const huber = opts.huber ?? null;
    if (huber !== null && !(huber > 0 && Number.isFinite(huber))) throw new FitError(`Huber threshold δ must be a number > 0, got ${huber}`);
    if (huber !== null && scan) throw new FitError('the Huber loss is not available with a λ scan (use the Bayesian solver or one λ)');
    const priorExponent = opts.priorExponent ?? DEFAULT_PRIOR_EXPONENT;
    if (!Number.isFinite(priorExponent) || priorExponent < 0) throw new FitError(`prior exponent must be ≥ 0, got ${priorExponent}`);
    const energyWeight = checkWeight('energy weight', opts.energyWeight ?? 1);
    const forceWeight = checkWeight('force weight', opts.forceWeight ?? 1);
    const virialWeight = checkWeight('virial weight', opts.virialWeight ?? 1);
    if (energyWeight === 0 && forceWeight === 0 && virialWeight === 0) throw new FitError('all loss weights are 0: nothing to fit');
    const energyNorm: EnergyNorm = opts.energyNorm ?? 'atoms';
    if (energyNorm !== 'atoms' && energyNorm !== 'sqrt-atoms') throw new FitError(`energy normalisation must be 'atoms' or 'sqrt-atoms', got '${energyNorm}'`);
    const seed = opts.seed ?? 1;
    const validFraction = opts.validFrames ? 0 : (opts.validFraction ?? 0);
    let spec: BasisSpec;
    try {
        spec = validateSpec(opts.spec);
    } catch (err) {
        throw new FitError(`basis spec: ${err instanceof Error ? err.message : String(err)}`);
    }

    // --- data checks
    progress({ stage: 'check', done: 0, total: trainFrames.length, message: `checking ${trainFrames.length} structures` });
    if (trainFrames.length === 0) throw new FitError('the training set is empty');
    trainFrames.forEach((f, i) => checkFitFrame(f, (atom) => describe('train', i, atom)));
    const frameWeights = opts.frameWeights ?? true;
    const configTypes = opts.configTypeWeights;
    if (configTypes) {
        for (const [ct, w] of Object.entries(configTypes)) {
            checkWeight(`energy weight of config_type ${ct}`, w.energy);
            checkWeight(`force weight of config_type ${ct}`, w.force);
            checkWeight(`virial weight of config_type ${ct}`, w.virial);
        }
    }
    if (frameWeights) {
        trainFrames.forEach((f, i) => {
            try {
                structureWeights(f, { e0: 0, energyWeight: 1, forceWeight: 1, virialWeight: 1, frameWeights: true });
                atomForceWeights(f);
            } catch (err) {
                throw new FitError(`${describe('train', i)}: ${err instanceof Error ? err.message : String(err)}`);
            }
        });
    }
    opts.validFrames?.forEach((f, i) => checkFitFrame(f, (atom) => describe('valid', i, atom)));
    const candidates: number[] = [];
    trainFrames.forEach((f, i) => {
        if (!isIsolatedAtom(f)) candidates.push(i);
    });
    if (candidates.length === 0) throw new FitError('the training set has no structure besides isolated atoms');
    if (energyWeight > 0 && !candidates.some((i) => trainFrames[i].energy !== undefined)) {
        throw new FitError(`${describe('train', candidates[0])}: no energy label, and no training structure has one (give energy weight 0 to fit forces only)`);
    }

    let e0: number;
    let e0Frames = 0;
    if (opts.e0 === undefined || opts.e0 === 'auto') {
        const found = e0FromFrames(trainFrames);
        if (!found) {
            throw new FitError(
                'E0 auto: the training data has no isolated-atom frame with an energy (config_type=isolated_atom, or a single non-periodic atom); give E0 explicitly (acelens fit --e0 VALUE; in the viewer, the Fit panel\'s E0 field)',
            );
        }
        e0 = found.e0;
        e0Frames = found.count;
    } else {
        e0 = opts.e0;
        if (!Number.isFinite(e0)) throw new FitError(`E0 must be a finite number, got ${e0}`);
    }

    if (!candidates.some((i) => {
        const f = trainFrames[i];
        return (energyWeight > 0 && f.energy !== undefined) || (forceWeight > 0 && f.forces !== undefined) || (virialWeight > 0 && f.stress !== undefined);
    })) {
        throw new FitError('no training structure has a label with a non-zero weight (energies, forces or stresses)');
    }
    const split = splitIndices(candidates, validFraction, seed);
    const fitFrames = split.train.map((i) => trainFrames[i]);
    const fitSources = opts.trainSources ? split.train.map((i) => opts.trainSources![i]) : null;
    const validSources = opts.validFrames
        ? opts.validSources
            ? opts.validFrames.flatMap((f, i) => (isIsolatedAtom(f) ? [] : [opts.validSources![i]]))
            : null
        : fitSources
            ? split.valid.map((i) => opts.trainSources![i])
            : null;
    const validFrames: readonly Frame[] | null = opts.validFrames
        ? opts.validFrames.filter((f) => !isIsolatedAtom(f))
        : split.valid.length
            ? split.valid.map((i) => trainFrames[i])
            : null;

    // --- basis and assembly
    progress({ stage: 'basis', done: 0, total: 1, message: 'building the basis' });
    const basis = AceBasis.create(spec);
    signal?.throwIfAborted();
    const weights: LossWeights = { e0, energyWeight, forceWeight, virialWeight, energyNorm, ...(configTypes ? { configTypes } : {}), frameWeights };
    const total = fitFrames.length;
    const onStructure = (done: number) =>
        progress({ stage: 'assemble', done, total, message: `assembled ${done}/${total} structures` });
    progress({ stage: 'assemble', done: 0, total, message: `assembled 0/${total} structures` });
    const assemble = opts.assemble ?? ((b, fr, w, hooks) => assembleInProcess(b, fr, w, hooks));
    const sums = await assemble(basis, fitFrames, weights, { onStructure, signal });
    signal?.throwIfAborted();
    const nrows = sums.energyRows + sums.forceRows + sums.virialRows;
    if (nrows === 0) throw new FitError('no rows were assembled (no labels with a non-zero weight)');

    // --- solve and metrics
    const xtx = symmetrize(sums);
    const prior = smoothnessPrior(basis, priorExponent);
    const metricsTotal = fitFrames.length + (validFrames?.length ?? 0);
    let done = 0;
    const evaluate = async (frames: readonly Frame[], sources: readonly string[] | null, coefficients: Float64Array): Promise<MetricsReport> => {
        const acc = new MetricsAccumulator();
        let last = Date.now();
        const tick = () => {
            done++;
            if (Date.now() - last > 50) {
                progress({ stage: 'metrics', done, total: metricsTotal, message: `evaluated ${done}/${metricsTotal} structures` });
                last = Date.now();
                return true;
            }
            return false;
        };
        if (opts.predict) {
            const p = await opts.predict(basis, coefficients, e0, frames, { onStructure: () => void tick(), signal });
            signal?.throwIfAborted();
            for (const [i, f] of frames.entries()) acc.add(f.configType, f.natoms, p.energy[i], p.forces[i], f.energy, f.forces, sources?.[i]);
            return acc.report();
        }
        for (const [i, f] of frames.entries()) {
            signal?.throwIfAborted();
            const p = predict(basis, coefficients, e0, f, { forces: f.forces !== undefined });
            acc.add(f.configType, f.natoms, p.energy, p.forces ?? null, f.energy, f.forces, sources?.[i]);
            if (tick()) await new Promise<void>((r) => setTimeout(r, 0));
        }
        return acc.report();
    };

    let solved!: SolveResult;
    let lambda!: number;
    let bayes: BlrResult | null = null;
    let posterior: Float64Array | null = null;
    const scanPoints: LambdaScanPoint[] = [];
    let robust: RobustReport | null = null;
    // one solve of (A, b, yᵀWy) by the chosen fixed solver (Bayesian, or ridge with the given λ)
    const solveFixed = (A: Float64Array, b: Float64Array, yy: number) => {
        if (solver === 'blr') {
            const sp = spectrum(A, b, yy, nrows, prior);
            const br = bayesianRidge(sp);
            let smax = 0;
            for (const v of sp.values) smax = Math.max(smax, v);
            const sr: SolveResult = { coefficients: br.coefficients, rank: 0, solvedRank: basis.size, condition: (br.beta * smax + br.alpha) / br.alpha, method: 'bayesian' };
            return { solved: sr, bayes: br as BlrResult | null, sp, lambda: br.lambda };
        }
        const l = opts.lambda ?? DEFAULT_LAMBDA;
        return { solved: solveNormalEquations(A, b, basis.size, { lambda: l, prior }), bayes: null, sp: null, lambda: l };
    };
    if (!scan) {
        progress({ stage: 'solve', done: 0, total: 1, message: solver === 'blr' ? `Bayesian regression: eigendecomposition of ${basis.size} × ${basis.size}` : `solving ${basis.size} × ${basis.size} normal equations` });
        let out: ReturnType<typeof solveFixed>;
        if (huber !== null) {
            const rows = energyRowsFor(basis, fitFrames, weights, signal);
            const irls = huberIrls(xtx, sums.xty, sums.yty, rows, huber, (A, b, yy) => {
                const o = solveFixed(A, b, yy);
                signal?.throwIfAborted();
                return { coefficients: o.solved.coefficients, state: o };
            });
            out = irls.state;
            robust = {
                kind: 'huber',
                delta: huber,
                iterations: irls.iterations,
                converged: irls.converged,
                downweighted: irls.downweighted.map((d) => ({
                    index: split.train[d.row],
                    source: fitSources?.[d.row] ?? null,
                    configType: fitFrames[d.row].configType ?? null,
                    natoms: fitFrames[d.row].natoms,
                    residual_meV_atom: d.residual * 1000,
                    weight: d.weight,
                })),
            };
        } else {
            out = solveFixed(xtx, sums.xty, sums.yty);
        }
        solved = out.solved;
        lambda = out.lambda;
        bayes = out.bayes;
        if (bayes) {
            solved.rank = effectiveRank(xtx, basis.size);
            if (opts.storePosterior !== false) posterior = posteriorFactor(out.sp!, bayes.alpha, bayes.beta);
        }
        progress({ stage: 'solve', done: 1, total: 1, message: bayes ? `Bayesian regression: α = ${bayes.alpha.toExponential(2)}, β = ${bayes.beta.toExponential(2)}` : `solved (${solved.method}, data rank ${solved.rank}/${basis.size})` });
    } else if (scan) {
    // one eigendecomposition for every λ; validation errors as quadratic forms assembled (in the workers) once
        progress({ stage: 'solve', done: 0, total: scan.length, message: `λ scan: eigendecomposition of ${basis.size} × ${basis.size}` });
        const sp = spectrum(xtx, sums.xty, sums.yty, nrows, prior);
        signal?.throwIfAborted();
        const vf = validFrames ?? [];
        progress({ stage: 'metrics', done: 0, total: vf.length, message: `assembling the validation errors of ${vf.length} structures` });
        const qE = await assemble(basis, vf, { e0, energyWeight: 1, forceWeight: 0, virialWeight: 0, energyNorm: 'atoms' }, { onStructure: () => {}, signal });
        const qF = await assemble(basis, vf, { e0, energyWeight: 0, forceWeight: 1, virialWeight: 0, forceNorm: 'none' }, { onStructure: () => {}, signal });
        symmetrize(qE);
        symmetrize(qF);
        const rank = effectiveRank(xtx, basis.size);
        let best: { lambda: number; c: Float64Array; score: number } | null = null;
        for (const [k, l] of scan.entries()) {
            const c = ridgeCoefficients(sp, l);
            for (const v of c) if (!Number.isFinite(v)) throw new FitError(`the solve produced non-finite coefficients for λ = ${l}`);
            const eR = qE.energyRows ? 1000 * Math.sqrt(quadraticForm(qE, c) / qE.energyRows) : null;
            const fR = qF.forceRows ? 1000 * Math.sqrt(quadraticForm(qF, c) / qF.forceRows) : null;
            const score = eR === null && fR === null ? NaN : (energyWeight * (eR ?? 0) / 1000) ** 2 + (forceWeight * (fR ?? 0) / 1000) ** 2;
            scanPoints.push({ lambda: l, score, method: 'eigen', train: { energy_rmse_meV_atom: null, force_rmse_meV_A: null }, valid: { energy_rmse_meV_atom: eR, force_rmse_meV_A: fR } });
            // ties keep the larger λ (the smoother model); an unscorable candidate (NaN) is never chosen over a scored one
            if (!best || score <= best.score || Number.isNaN(best.score)) best = { lambda: l, c, score };
            progress({ stage: 'solve', done: k + 1, total: scan.length, message: `λ = ${l.toExponential(1)}: validation score ${score.toExponential(3)}` });
        }
        if (Number.isNaN(best!.score)) throw new FitError('the validation structures have neither energies nor forces: a λ scan cannot choose');
        lambda = best!.lambda;
        let smax = 0;
        for (const v of sp.values) smax = Math.max(smax, v);
        const kept = sp.values.filter((v) => v > 1e-12 * smax).length;
        solved = { coefficients: best!.c, rank, solvedRank: lambda > 0 ? basis.size : kept, condition: lambda > 0 ? (smax + lambda) / lambda : Infinity, method: 'eigen' };
    }
    for (const c of solved.coefficients) if (!Number.isFinite(c)) throw new FitError('the solve produced non-finite coefficients');
    signal?.throwIfAborted();
    const coefficients = solved.coefficients;
    const trainMetrics = await evaluate(fitFrames, fitSources, coefficients);
    const validMetrics = validFrames && validFrames.length ? await evaluate(validFrames, validSources, coefficients) : null;
    if (scan) {
        const keptPoint = scanPoints.find((q) => q.lambda === lambda)!;
        keptPoint.train = { energy_rmse_meV_atom: trainMetrics.energy_rmse_meV_atom, force_rmse_meV_A: trainMetrics.force_rmse_meV_A };
    }
    progress({ stage: 'metrics', done: metricsTotal, total: metricsTotal, message: `evaluated ${metricsTotal}/${metricsTotal} structures` });

    const count = (frames: readonly Frame[]) => ({ structures: frames.length, atoms: frames.reduce((s, f) => s + f.natoms, 0) });
    const model: ModelFile = {
        format: MODEL_FORMAT,
        version: MODEL_VERSION,
        created: new Date().toISOString(),
        software: SOFTWARE,
        spec,
        e0,
        nbasis: basis.size,
        coefficients: Array.from(coefficients),
        fit: {
            lambda,
            prior: { kind: 'algebraic', exponent: priorExponent },
            energyWeight,
            energyNorm,
            forceWeight,
            virialWeight,
            e0Source: opts.e0 === undefined || opts.e0 === 'auto' ? 'isolated_atom' : 'given',
            validation: opts.validFrames ? 'file' : validFraction > 0 ? 'fraction' : 'none',
            validFraction,
            seed,
            solver: { method: solved.method, rank: solved.rank, solvedRank: solved.solvedRank, condition: finiteOrNull(solved.condition), reason: solved.reason ?? null },
            ...(scan ? { lambdaScan: scanPoints } : {}),
            ...(bayes
                ? { bayes: { alpha: bayes.alpha, beta: bayes.beta, effectiveParameters: bayes.effectiveParameters, logEvidence: bayes.logEvidence, iterations: bayes.iterations, converged: bayes.converged } }
                : {}),
            ...(configTypes ? { configTypeWeights: configTypes } : {}),
            ...(robust ? { robust } : {}),
            frameWeights,
        },
        data: {
            files: [
                ...(opts.provenance?.train ?? []).map((f) => ({ ...f, role: 'train' as const })),
                ...(opts.provenance?.valid ?? []).map((f) => ({ ...f, role: 'valid' as const })),
            ],
            train: { ...count(fitFrames), energyRows: sums.energyRows, forceRows: sums.forceRows, virialRows: sums.virialRows },
            valid: validFrames && validFrames.length ? count(validFrames) : null,
            e0Frames,
        },
        metrics: { train: trainMetrics, valid: validMetrics },
        ...(posterior && bayes
            ? { uncertainty: { kind: 'posterior-factor' as const, alpha: bayes.alpha, beta: bayes.beta, n: basis.size, encoding: 'float32-base64' as const, factor: encodeFloat32Base64(posterior) } }
            : {}),
    };
    return {
        model,
        solve: solved,
        metrics: { train: trainMetrics, valid: validMetrics },
        split: opts.validFrames ? { train: split.train, valid: [] } : split,
        seconds: (Date.now() - t0) / 1000,
    };
}

/**
 * Score of a model on the validation set, lower is better: (w_E·RMSE_E)² + (w_F·RMSE_F)² with the RMSEs in
 * eV/atom and eV/Å (a term without labels counts 0); NaN without validation metrics or labels.
 */
export function validationScore(valid: MetricsReport | null, energyWeight: number, forceWeight: number): number {
    if (!valid || (valid.energy_rmse_meV_atom === null && valid.force_rmse_meV_A === null)) return NaN;
    const e = (valid.energy_rmse_meV_atom ?? 0) / 1000;
    const f = (valid.force_rmse_meV_A ?? 0) / 1000;
    return (energyWeight * e) ** 2 + (forceWeight * f) ** 2;
}

function finiteOrNull(x: number): number | null {
    return Number.isFinite(x) ? x : null;
}
