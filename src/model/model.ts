/**
 * The acelens model file: versioned JSON holding everything needed to predict (basis spec, E0,
 * coefficients) and to know where a model came from (fit settings, data provenance, metrics).
 *
 *   { "format": "acelens-model", "version": 1, "created": ISO date, "software": "acelens <version>",
 *     "spec": BasisSpec, "e0": eV per atom, "nbasis": n, "coefficients": [n numbers],
 *     "fit": { lambda, prior, weights, e0Source, validation, seed, solver: {method, rank, condition} },
 *     "data": { files: [{role, name, sha256, structures, atoms}], train: counts, valid: counts | null },
 *     "metrics": { train, valid },
 *     "uncertainty": { kind: "posterior-factor", alpha, beta, n, encoding: "float32-base64", factor } (optional) }
 *
 * `uncertainty` (Bayesian fits): a factor F (n × n, row-major, float32, little-endian, base64) of the posterior
 * covariance of the coefficients, Σ_c = Fᵀ F (src/fit/blr.ts). The predicted (model) standard deviation of
 * any linear quantity q = x·c — a site energy E_i (x = B_i), a force component (x = its design row) — is
 * ‖F x‖. Size: 4·n² bytes before base64 (207 functions: 0.17 MB; 803: 2.6 MB); fits of large bases that do not
 * need it can leave it out (FitOptions.storePosterior = false, `acelens fit --no-uncertainty`).
 *
 * E_i = E0 + Σ_k c_k B_ik, so E = N·E0 + c · Σ_i B_i.
 * Browser-safe (no Node APIs); file I/O is in ./model-node.ts.
 */
import { AceBasis } from '../ace/basis';
import { designRows, predict } from '../ace/evaluate';
import { decodeFloat32Base64 } from '../util/base64';
import { validateSpec, type BasisSpec } from '../ace/spec';
import { schemaError } from './schema';
import { basisCost } from '../ace/basis-cost';
import { factorVariance } from '../fit/blr';
import type { MetricsReport } from '../fit/metrics';
import type { Frame } from '../structure/frame';
import { ACELENS_VERSION } from '../version';

export const MODEL_FORMAT = 'acelens-model';
export const MODEL_VERSION = 1;
export const SOFTWARE = `acelens ${ACELENS_VERSION}`;

export interface FileProvenance {
  /** file name as given (a path relative to where the fit ran, or a browser File name) */
  name: string;
  /** hex SHA-256 of the file's bytes */
  sha256: string;
  structures: number;
  atoms: number;
}

export interface FitSettings {
  lambda: number;
  prior: { kind: 'algebraic'; exponent: number };
  energyWeight: number;
  /** energy rows weighted w_E/N ('atoms') or w_E/√N ('sqrt-atoms') */
  energyNorm: 'atoms' | 'sqrt-atoms';
  forceWeight: number;
  virialWeight: number;
  e0Source: 'isolated_atom' | 'given';
  validation: 'none' | 'fraction' | 'file';
  validFraction: number;
  seed: number;
  /**
   * rank: effective rank of the data (XᵀWX without regulariser); solvedRank: directions used by the solve;
   * condition: of the Jacobi-scaled regularised system that was solved
   */
  solver: { method: string; rank: number; solvedRank: number; condition: number | null; reason: string | null };
  /** when λ was chosen by a scan: every candidate with its errors (the kept one is `lambda`) */
  lambdaScan?: LambdaScanPoint[];
  /** Bayesian regression (solver.method 'bayesian'): evidence-maximising prior and noise precisions; lambda = α/β */
  bayes?: { alpha: number; beta: number; effectiveParameters: number; logEvidence: number; iterations: number; converged: boolean };
  /** per config_type weights used (w = 1/σ) and whether per-structure / per-atom weights were read */
  configTypeWeights?: Record<string, { energy: number; force: number; virial: number }>;
  frameWeights?: boolean;
  /** Huber robust loss (IRLS on the energy rows): the threshold and the structures it down-weighted */
  robust?: RobustReport;
}

export interface RobustReport {
  kind: 'huber';
  /** threshold on the weighted energy residual |w_E·ΔE/N| (in σ_E when w_E = 1/σ_E) */
  delta: number;
  iterations: number;
  converged: boolean;
  /** index: into the training frames as given; residual: (E_DFT − E_model)/N at the end; weight: the factor h ≤ 1 of its squared residual */
  downweighted: Array<{ index: number; source: string | null; configType: string | null; natoms: number; residual_meV_atom: number; weight: number }>;
}

/** Posterior covariance factor of a Bayesian fit (see the module comment). */
export interface ModelUncertainty {
  kind: 'posterior-factor';
  alpha: number;
  beta: number;
  n: number;
  encoding: 'float32-base64';
  factor: string;
}

/** Predicted standard deviations (model uncertainty) of one structure. */
export interface UncertaintyPrediction {
  /** of the total energy (eV) */
  energy: number;
  /** of each site energy E_i (eV) */
  perAtomEnergy: Float64Array;
  /** √(Σ_α var F_iα) of each atom's force (eV/Å) */
  perAtomForce: Float64Array;
}

/** One candidate of a λ scan: its validation score (lower is better) and its train and validation RMSEs. */
export interface LambdaScanPoint {
  lambda: number;
  /** (w_E·RMSE_E)² + (w_F·RMSE_F)² on the validation set, RMSEs in eV/atom and eV/Å */
  score: number;
  method: string;
  train: { energy_rmse_meV_atom: number | null; force_rmse_meV_A: number | null };
  valid: { energy_rmse_meV_atom: number | null; force_rmse_meV_A: number | null };
}

export interface DataProvenance {
  files: Array<FileProvenance & { role: 'train' | 'valid' }>;
  train: { structures: number; atoms: number; energyRows: number; forceRows: number; virialRows: number };
  valid: { structures: number; atoms: number } | null;
  /** isolated-atom frames E0 was taken from (0 when given) */
  e0Frames: number;
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  created: string;
  software: string;
  spec: BasisSpec;
  /** isolated-atom energy, eV per atom */
  e0: number;
  nbasis: number;
  coefficients: number[];
  fit: FitSettings;
  data: DataProvenance;
  metrics: { train: MetricsReport; valid: MetricsReport | null };
  uncertainty?: ModelUncertainty;
}

export class ModelError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'ModelError';
    }
}

/** JSON text of a model (stable key order, numbers round-trip exactly). */
export function serializeModel(model: ModelFile): string {
    return JSON.stringify(model, null, 1) + '\n';
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let start = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            start = i + 1;
        }
    }
    return { line, column: offset - start + 1 };
}

/**
 * Parses and checks a model file's text. `fileName` prefixes every error message.
 * Checks: JSON syntax (with line), format tag, version, then the whole file against docs/model.schema.json
 * (every section a panel or command reads, with bounds), then the spec's physics (src/ace/spec.ts) and the
 * coefficients (finite, nbasis of them).
 * The basis size itself is checked against the engine in `Model` (it needs the basis).
 */
export function parseModel(text: string, fileName = 'model'): ModelFile {
    let obj: unknown;
    try {
        obj = JSON.parse(text);
    } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        const pos = /position (\d+)/.exec(msg);
        const where = pos ? `:${lineColumn(text, Number(pos[1])).line}` : '';
        throw new ModelError(`${fileName}${where}: not a valid model file: corrupt JSON (${msg.split('\n')[0]})`);
    }
    return checkModel(obj, fileName);
}

/** Checks an already-parsed object (e.g. received from a worker). */
export function checkModel(obj: unknown, fileName = 'model'): ModelFile {
    const fail = (what: string): never => {
        throw new ModelError(`${fileName}: ${what}`);
    };
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail('not a valid model file: expected a JSON object');
    const m = obj as Record<string, unknown>;
    if (m.format !== MODEL_FORMAT) fail(`not an acelens model file (format is ${JSON.stringify(m.format ?? null)}, expected "${MODEL_FORMAT}")`);
    if (typeof m.version !== 'number' || !Number.isInteger(m.version)) fail(`model version is ${JSON.stringify(m.version ?? null)}, expected an integer`);
    if ((m.version as number) > MODEL_VERSION) {
        fail(`model format version ${m.version} is newer than this acelens reads (version ${MODEL_VERSION}); upgrade acelens`);
    }
    if ((m.version as number) !== MODEL_VERSION) fail(`model format version ${m.version} is not supported (this acelens reads version ${MODEL_VERSION})`);
    // the whole file against the published schema (docs/model.schema.json) before anything uses it
    const schemaProblem = schemaError(m);
    if (schemaProblem) fail(`not a valid model file: ${schemaProblem}`);
    try {
        m.spec = validateSpec(m.spec);
    } catch (err) {
        fail(`invalid basis spec: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof m.e0 !== 'number' || !Number.isFinite(m.e0)) fail(`e0 is ${JSON.stringify(m.e0 ?? null)}, expected a finite number (eV)`);
    if (!Array.isArray(m.coefficients)) fail('coefficients missing: expected an array of numbers');
    const c = m.coefficients as unknown[];
    for (let k = 0; k < c.length; k++) {
        if (typeof c[k] !== 'number' || !Number.isFinite(c[k] as number)) fail(`coefficient ${k} is ${JSON.stringify(c[k])}, expected a finite number`);
    }
    if (m.nbasis !== undefined && m.nbasis !== c.length) fail(`nbasis is ${m.nbasis} but there are ${c.length} coefficients`);
    m.nbasis = c.length;
    if (m.uncertainty !== undefined) {
        const u = m.uncertainty as Record<string, unknown> | null;
        if (!u || u.kind !== 'posterior-factor' || u.encoding !== 'float32-base64' || typeof u.factor !== 'string') fail('uncertainty: expected {kind: "posterior-factor", encoding: "float32-base64", factor}');
        if (u!.n !== c.length) fail(`uncertainty: factor of ${u!.n} functions, the model has ${c.length}`);
    }
    return m as unknown as ModelFile;
}

/** Options of Model.predict (as the engine's predict). */
export interface PredictOptions {
  forces?: boolean;
}

/** A loaded model: the basis built from its spec and its coefficients, ready to predict. */
export class Model {
    readonly basis: AceBasis;
    readonly coefficients: Float64Array;
    readonly e0: number;

    constructor(
    readonly file: ModelFile,
    fileName = 'model',
    ) {
    // the basis size from the spec before building it: exact for orders ν ≤ 2 (K ≤ 3), a refusal above the limits
        let cost;
        try {
            cost = basisCost(validateSpec(file.spec));
        } catch (err) {
            throw new ModelError(`${fileName}: invalid basis spec: ${err instanceof Error ? err.message : String(err)}`);
        }
        const exactPart = cost.tuples.slice(0, 2).reduce((a, b) => a + b, 0);
        if (file.spec.order <= 3 ? exactPart !== file.coefficients.length : exactPart > file.coefficients.length) {
            throw new ModelError(
                `${fileName}: the basis of its spec has ${file.spec.order <= 3 ? '' : 'at least '}${exactPart} functions but the model has ${file.coefficients.length} coefficients (written by another acelens version?)`,
            );
        }
        this.basis = AceBasis.create(file.spec);
        if (this.basis.size !== file.coefficients.length) {
            throw new ModelError(
                `${fileName}: the basis of its spec has ${this.basis.size} functions but the model has ${file.coefficients.length} coefficients (written by another acelens version?)`,
            );
        }
        this.coefficients = Float64Array.from(file.coefficients);
        this.e0 = file.e0;
    }

    static parse(text: string, fileName = 'model'): Model {
        return new Model(parseModel(text, fileName), fileName);
    }

    get spec(): BasisSpec {
        return this.file.spec;
    }

    /** Body order K of the model. */
    get order(): number {
        return this.file.spec.order;
    }

    private factor: Float32Array | null | undefined;

    /** The posterior covariance factor F (Σ_c = FᵀF), or null when the model has none. */
    uncertaintyFactor(): Float32Array | null {
        if (this.factor === undefined) {
            const u = this.file.uncertainty;
            this.factor = u ? decodeFloat32Base64(u.factor, u.n * u.n) : null;
        }
        return this.factor;
    }

    /** Predicted standard deviations of the energy, site energies and forces of a frame; null without a posterior. */
    uncertainty(frame: Frame): UncertaintyPrediction | null {
        const F = this.uncertaintyFactor();
        if (!F) return null;
        const n = this.coefficients.length;
        const rows = designRows(this.basis, frame, { forces: true, virial: false });
        const N = frame.natoms;
        const perAtomEnergy = new Float64Array(N);
        const perAtomForce = new Float64Array(N);
        for (let i = 0; i < N; i++) {
            perAtomEnergy[i] = Math.sqrt(factorVariance(F, n, rows.perAtom, i * n));
            let v = 0;
            for (let a = 0; a < 3; a++) v += factorVariance(F, n, rows.forces, (3 * i + a) * n);
            perAtomForce[i] = Math.sqrt(v);
        }
        return { energy: Math.sqrt(factorVariance(F, n, rows.energy)), perAtomEnergy, perAtomForce };
    }

    predict(frame: Frame, opts: PredictOptions = {}): ReturnType<typeof predict> {
        return predict(this.basis, this.coefficients, this.e0, frame, { forces: opts.forces ?? true });
    }
}
