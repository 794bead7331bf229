/**
 * Solves the regularised normal equations (XᵀWX + λ Γ²) c = XᵀWy.
 *
 * 1. Jacobi scaling: S = D⁻¹ M D⁻¹ with D = diag(√M_kk), so basis functions of very different magnitude
 *    (products of many atomic bases at high body order) do not spoil the factorisation. A column whose
 *    M_kk is below 1e-24 of the largest (zero up to round-off) is dropped: coefficient 0, not in the rank.
 *    The reported condition number is the one of S.
 * 2. Cholesky of S. Its condition number is estimated with power iteration (largest eigenvalue) and
 *    inverse iteration through the Cholesky factor (smallest). When the factorisation succeeds and
 *    cond(S) ≤ `maxCondition` the Cholesky solution is returned (method 'cholesky', full rank).
 * 3. Otherwise (not positive definite, or ill-conditioned — e.g. dimer-only training at K ≥ 3): a symmetric
 *    eigen-decomposition of S; eigen-directions with eigenvalue ≤ rcond·λ_max are dropped (a pseudo-inverse,
 *    minimum-norm solution in the scaled variables). Reports the effective rank (eigenvalues kept) and the
 *    condition number λ_max / max(|λ_min|, ε·λ_max) (finite, at most ~4.5e15).
 *
 * Pure TypeScript (the eigen-decomposition is ./eigen.ts, tested against ml-matrix); no Node APIs.
 */
import { symmetricEigen } from './eigen';

export interface SolveOptions {
  /** regularisation strength λ ≥ 0 */
  lambda: number;
  /** diagonal of Γ (length n); default: all ones */
  prior?: ArrayLike<number>;
  /** above this condition number of the scaled system, use the eigen-decomposition. Default 1e12 */
  maxCondition?: number;
  /** relative eigenvalue cut-off of the eigen solve. Default 1e-12 */
  rcond?: number;
  /** relative pivot tolerance of the data rank (squared relative distance of a column from the span of the others). Default 1e-11 */
  rankTolerance?: number;
  /** the data rank of this `xtx` when already known (a λ scan solves the same matrix many times); computed otherwise */
  rank?: number;
}

/** 'bayesian': evidence-maximising Bayesian regression (./blr.ts) */
export type SolveMethod = 'cholesky' | 'eigen' | 'bayesian';

export interface SolveResult {
  coefficients: Float64Array;
  /**
   * effective rank of the data, i.e. of XᵀWX without the regulariser (Jacobi-scaled, pivoted Cholesky,
   * relative tolerance `rankTolerance`): how many independent directions the training data determine.
   * Below n the data are rank-deficient (e.g. dimer-only training at K ≥ 3) and the regulariser (λ > 0)
   * or the pseudo-inverse (λ = 0) fixes the rest.
   */
  rank: number;
  /** directions used by the solve: n for Cholesky, the eigenvalues kept for the eigen solve */
  solvedRank: number;
  /** condition number of the Jacobi-scaled regularised matrix */
  condition: number;
  method: SolveMethod;
  /** why the eigen solve was used, when it was */
  reason?: string;
}

const EPS = 2.220446049250313e-16;
/** Relative size (of its diagonal entry, i.e. squared norm) below which a column counts as zero. */
const NEGLIGIBLE_COLUMN = 1e-24;

/**
 * `xtx`: full symmetric n×n matrix (row-major; not modified). `xty`: right-hand side (not modified).
 */
export function solveNormalEquations(xtx: Float64Array, xty: Float64Array, n: number, opts: SolveOptions): SolveResult {
    const { lambda } = opts;
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new Error(`lambda must be a finite number ≥ 0, got ${lambda}`);
    if (xtx.length !== n * n || xty.length !== n) throw new Error(`normal equations: expected ${n}×${n} matrix and ${n} right-hand side`);
    const maxCondition = opts.maxCondition ?? 1e12;
    const rcond = opts.rcond ?? 1e-12;
    if (n === 0) return { coefficients: new Float64Array(0), rank: 0, solvedRank: 0, condition: 1, method: 'cholesky' };
    for (let k = 0; k < n * n; k++) if (!Number.isFinite(xtx[k])) throw new Error('normal equations contain a non-finite entry (NaN or infinite design rows)');
    for (let k = 0; k < n; k++) if (!Number.isFinite(xty[k])) throw new Error('normal equations contain a non-finite right-hand side (NaN or infinite labels)');

    // S = D⁻¹ (XᵀWX + λΓ²) D⁻¹, r = D⁻¹ XᵀWy
    const S = new Float64Array(n * n);
    const dinv = new Float64Array(n);
    let maxDiag = 0;
    for (let k = 0; k < n; k++) {
        const g = opts.prior ? opts.prior[k] : 1;
        maxDiag = Math.max(maxDiag, xtx[k * n + k] + lambda * g * g);
    }
    for (let k = 0; k < n; k++) {
        const g = opts.prior ? opts.prior[k] : 1;
        const m = xtx[k * n + k] + lambda * g * g;
        // a column that is zero up to round-off (e.g. purified ν-functions on clusters of ≤ ν neighbours, which
        // vanish exactly in exact arithmetic) is dropped, not scaled up to unit size
        dinv[k] = m > NEGLIGIBLE_COLUMN * maxDiag ? 1 / Math.sqrt(m) : 0;
    }
    for (let i = 0; i < n; i++) {
        const di = dinv[i];
        for (let j = 0; j < n; j++) S[i * n + j] = xtx[i * n + j] * di * dinv[j];
        const g = opts.prior ? opts.prior[i] : 1;
        S[i * n + i] += lambda * g * g * di * di;
    }
    const r = new Float64Array(n);
    for (let k = 0; k < n; k++) r[k] = xty[k] * dinv[k];

    const rank = opts.rank ?? effectiveRank(xtx, n, opts.rankTolerance ?? 1e-11);
    let reason: string;
    const L = cholesky(S, n);
    if (L) {
        const lmax = largestEigenvalue(S, n);
        const lmin = smallestEigenvalueCholesky(L, n);
        const condition = lmax / Math.max(lmin, EPS * lmax);
        if (condition <= maxCondition) {
            const z = choleskySolve(L, n, r);
            for (let k = 0; k < n; k++) z[k] *= dinv[k];
            return { coefficients: z, rank, solvedRank: n, condition, method: 'cholesky' };
        }
        reason = `ill-conditioned (condition ${condition.toExponential(2)} > ${maxCondition.toExponential(0)})`;
    } else {
        reason = 'not positive definite';
    }
    return { ...eigenSolve(S, n, r, dinv, rcond), rank, reason };
}

/**
 * Numerical rank of a symmetric PSD matrix (row-major n×n, not modified): Jacobi-scale it to unit diagonal
 * (round-off-zero columns dropped), then greedy pivoted Cholesky until the largest remaining pivot is
 * ≤ tol. A pivot is the squared distance of a scaled column from the span of the columns already taken.
 */
export function effectiveRank(A: Float64Array, n: number, tol = 1e-11): number {
    let maxDiag = 0;
    for (let k = 0; k < n; k++) maxDiag = Math.max(maxDiag, A[k * n + k]);
    if (!(maxDiag > 0)) return 0;
    const idx: number[] = [];
    for (let k = 0; k < n; k++) if (A[k * n + k] > NEGLIGIBLE_COLUMN * maxDiag) idx.push(k);
    const m = idx.length;
    const d = idx.map((k) => 1 / Math.sqrt(A[k * n + k]));
    // remaining pivots (Schur complement diagonal) and L row-major m × m: row i holds L[i][0..step)
    const diag = new Float64Array(m).fill(1);
    const L = new Float64Array(m * m);
    const done = new Uint8Array(m);
    for (let step = 0; step < m; step++) {
        let p = -1;
        let best = tol;
        for (let i = 0; i < m; i++) {
            if (!done[i] && diag[i] > best) {
                best = diag[i];
                p = i;
            }
        }
        if (p < 0) return step;
        done[p] = 1;
        const lpp = Math.sqrt(diag[p]);
        const rp = p * m;
        L[rp + step] = lpp;
        const ap = idx[p] * n;
        for (let i = 0; i < m; i++) {
            if (done[i]) continue;
            const ri = i * m;
            let v = A[ap + idx[i]] * d[p] * d[i];
            for (let t = 0; t < step; t++) v -= L[ri + t] * L[rp + t];
            const lip = v / lpp;
            L[ri + step] = lip;
            diag[i] -= lip * lip;
        }
    }
    return m;
}

function eigenSolve(S: Float64Array, n: number, r: Float64Array, dinv: Float64Array, rcond: number): Omit<SolveResult, 'reason' | 'rank'> {
    const { values, vectors } = symmetricEigen(S, n);
    let lmax = 0;
    for (const v of values) lmax = Math.max(lmax, Math.abs(v));
    const tol = rcond * lmax;
    let lminAbs = Infinity;
    for (const v of values) lminAbs = Math.min(lminAbs, Math.abs(v));
    const z = new Float64Array(n);
    let rank = 0;
    for (let k = 0; k < n; k++) {
        const lam = values[k];
        if (!(lam > tol)) continue;
        rank++;
        const rk = k * n;
        let proj = 0;
        for (let i = 0; i < n; i++) proj += vectors[rk + i] * r[i];
        const s = proj / lam;
        for (let i = 0; i < n; i++) z[i] += s * vectors[rk + i];
    }
    for (let k = 0; k < n; k++) z[k] *= dinv[k];
    const condition = lmax === 0 ? Infinity : lmax / Math.max(lminAbs, EPS * lmax);
    return { coefficients: z, solvedRank: rank, condition, method: 'eigen' };
}

/** Lower Cholesky factor (row-major n×n, L Lᵀ = A), or null when A is not numerically positive definite. */
export function cholesky(A: Float64Array, n: number): Float64Array | null {
    const L = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
        const rj = j * n;
        let d = A[rj + j];
        for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
        if (!(d > 0) || !Number.isFinite(d)) return null;
        const ljj = Math.sqrt(d);
        L[rj + j] = ljj;
        const inv = 1 / ljj;
        for (let i = j + 1; i < n; i++) {
            const ri = i * n;
            let s = A[ri + j];
            for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
            L[ri + j] = s * inv;
        }
    }
    return L;
}

/** Solves L Lᵀ x = b. */
export function choleskySolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
    const x = Float64Array.from(b);
    for (let i = 0; i < n; i++) {
        const ri = i * n;
        let s = x[i];
        for (let k = 0; k < i; k++) s -= L[ri + k] * x[k];
        x[i] = s / L[ri + i];
    }
    // Lᵀ x = y, column-oriented so that rows of L are read contiguously
    for (let i = n - 1; i >= 0; i--) {
        const ri = i * n;
        const xi = x[i] / L[ri + i];
        x[i] = xi;
        for (let k = 0; k < i; k++) x[k] -= L[ri + k] * xi;
    }
    return x;
}

/** Deterministic start vector with components in every direction. */
function startVector(n: number): Float64Array {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = 1 + 0.5 * Math.sin(1.7 * i + 0.3);
    return normalize(v);
}

function normalize(v: Float64Array): Float64Array {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < v.length; i++) v[i] *= inv;
    return v;
}

/** Largest eigenvalue of a symmetric PSD matrix by power iteration. */
function largestEigenvalue(A: Float64Array, n: number, iterations = 100, tol = 1e-6): number {
    const v = startVector(n);
    let est = 0;
    const w = new Float64Array(n);
    for (let it = 0; it < iterations; it++) {
        for (let i = 0; i < n; i++) {
            let s = 0;
            const ri = i * n;
            for (let j = 0; j < n; j++) s += A[ri + j] * v[j];
            w[i] = s;
        }
        let norm = 0;
        for (let i = 0; i < n; i++) norm += w[i] * w[i];
        norm = Math.sqrt(norm);
        if (norm === 0) return 0;
        const converged = Math.abs(norm - est) <= tol * norm;
        est = norm;
        for (let i = 0; i < n; i++) v[i] = w[i] / norm;
        if (converged) break;
    }
    return est;
}

/** Smallest eigenvalue of L Lᵀ by inverse iteration (1 / largest eigenvalue of (L Lᵀ)⁻¹). */
function smallestEigenvalueCholesky(L: Float64Array, n: number, iterations = 100, tol = 1e-6): number {
    const v = startVector(n);
    let est = 0;
    for (let it = 0; it < iterations; it++) {
        const w = choleskySolve(L, n, v);
        let norm = 0;
        for (let i = 0; i < n; i++) norm += w[i] * w[i];
        norm = Math.sqrt(norm);
        if (!Number.isFinite(norm) || norm === 0) return 0;
        const converged = Math.abs(norm - est) <= tol * norm;
        est = norm;
        for (let i = 0; i < n; i++) v[i] = w[i] / norm;
        if (converged) break;
    }
    return 1 / est;
}
