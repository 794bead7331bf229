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
import { symmetrize, type EnergyNorm, type LossWeights, type NormalSums } from './normal-equations';
import { smoothnessPrior, DEFAULT_PRIOR_EXPONENT } from './prior';
import { solveNormalEquations, type SolveResult } from './solve';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile, type FileProvenance, type LambdaScanPoint, SOFTWARE } from '../model/model';

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

export interface FitOptions {
  spec: BasisSpec;
  /** Tikhonov strength λ of λ‖Γc‖². Default 1e-6 */
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
  const validFrames: readonly Frame[] | null = opts.validFrames
    ? opts.validFrames.filter((f) => !isIsolatedAtom(f))
    : split.valid.length
      ? split.valid.map((i) => trainFrames[i])
      : null;

  // --- basis and assembly
  progress({ stage: 'basis', done: 0, total: 1, message: 'building the basis' });
  const basis = AceBasis.create(spec);
  signal?.throwIfAborted();
  const weights: LossWeights = { e0, energyWeight, forceWeight, virialWeight, energyNorm };
  const total = fitFrames.length;
  const onStructure = (done: number) =>
    progress({ stage: 'assemble', done, total, message: `assembled ${done}/${total} structures` });
  progress({ stage: 'assemble', done: 0, total, message: `assembled 0/${total} structures` });
  const assemble = opts.assemble ?? ((b, fr, w, hooks) => assembleInProcess(b, fr, w, hooks));
  const sums = await assemble(basis, fitFrames, weights, { onStructure, signal });
  signal?.throwIfAborted();
  const nrows = sums.energyRows + sums.forceRows + sums.virialRows;
  if (nrows === 0) throw new FitError('no rows were assembled (no labels with a non-zero weight)');

  // --- solve (for every candidate λ of a scan) and metrics
  const xtx = symmetrize(sums);
  const prior = smoothnessPrior(basis, priorExponent);
  const lambdas = scan ?? [opts.lambda ?? DEFAULT_LAMBDA];
  const metricsTotal = lambdas.length * (fitFrames.length + (validFrames?.length ?? 0));
  let done = 0;
  const evaluate = async (frames: readonly Frame[], coefficients: Float64Array): Promise<MetricsReport> => {
    const acc = new MetricsAccumulator();
    let last = Date.now();
    for (const f of frames) {
      signal?.throwIfAborted();
      const p = predict(basis, coefficients, e0, f, { forces: f.forces !== undefined });
      acc.add(f.configType, f.natoms, p.energy, p.forces ?? null, f.energy, f.forces);
      done++;
      if (Date.now() - last > 50) {
        progress({ stage: 'metrics', done, total: metricsTotal, message: `evaluated ${done}/${metricsTotal} structures` });
        await new Promise<void>((r) => setTimeout(r, 0));
        last = Date.now();
      }
    }
    return acc.report();
  };
  let best: { lambda: number; solved: SolveResult; train: MetricsReport; valid: MetricsReport | null; score: number } | null = null;
  const scanPoints: LambdaScanPoint[] = [];
  for (const [k, lambda] of lambdas.entries()) {
    const which = scan ? ` for λ = ${lambda.toExponential(1)} (${k + 1}/${scan.length})` : '';
    progress({ stage: 'solve', done: k, total: lambdas.length, message: `solving ${basis.size} × ${basis.size} normal equations${which}` });
    // the data rank does not depend on λ: computed by the first solve, passed to the others
    const solved = solveNormalEquations(xtx, sums.xty, basis.size, { lambda, prior, rank: best?.solved.rank });
    for (const c of solved.coefficients) if (!Number.isFinite(c)) throw new FitError(`the solve produced non-finite coefficients${which}`);
    signal?.throwIfAborted();
    progress({ stage: 'solve', done: k + 1, total: lambdas.length, message: `solved${which} (${solved.method}, data rank ${solved.rank}/${basis.size})` });
    const train = await evaluate(fitFrames, solved.coefficients);
    const valid = validFrames && validFrames.length ? await evaluate(validFrames, solved.coefficients) : null;
    const score = validationScore(valid, energyWeight, forceWeight);
    if (scan) {
      scanPoints.push({
        lambda, score, method: solved.method,
        train: { energy_rmse_meV_atom: train.energy_rmse_meV_atom, force_rmse_meV_A: train.force_rmse_meV_A },
        valid: { energy_rmse_meV_atom: valid?.energy_rmse_meV_atom ?? null, force_rmse_meV_A: valid?.force_rmse_meV_A ?? null },
      });
    }
    // ties keep the larger λ (the smoother model); an unscorable candidate (NaN) is never chosen over a scored one
    if (!best || score <= best.score || Number.isNaN(best.score)) best = { lambda, solved, train, valid, score };
  }
  if (scan && Number.isNaN(best!.score)) throw new FitError('the validation structures have neither energies nor forces: a λ scan cannot choose');
  const { lambda, solved } = best!;
  const trainMetrics = best!.train;
  const validMetrics = best!.valid;
  const coefficients = solved.coefficients;
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
