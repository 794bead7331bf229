/**
 * Bayesian linear regression and the ridge path, both from ONE symmetric eigendecomposition.
 *
 * Model: weighted residuals r = W^½(y − Xc) ~ N(0, β⁻¹ I) (β: noise precision of the weighted rows; with
 * weights 1/σ it is ≈ 1 when the σ are right), prior c ~ N(0, (α Γ²)⁻¹) with Γ the smoothness prior
 * (./prior.ts) as the prior's shape and α its precision. In u = Γc the prior is isotropic:
 *
 *   Ã = Γ⁻¹ XᵀWX Γ⁻¹ = V diag(s) Vᵀ,   b̃ = Γ⁻¹ XᵀWy,   p = Vᵀ b̃.
 *
 * Posterior mean  u = V diag(β/(β s + α)) p, covariance Σ_u = V diag(1/(β s + α)) Vᵀ, so every α, β costs
 * O(n) once V, s and p are known. α, β maximise the evidence (type-II maximum likelihood) by MacKay's
 * fixed-point updates (Bishop, PRML §3.5.2; the scheme of ACEfit's BLR):
 *
 *   γ = Σ β s_i/(β s_i + α),   α ← γ / ‖u‖²,   β ← (N − γ) / E_D,   E_D = yᵀWy − 2 uᵀb̃ + uᵀÃu,
 *
 * with N the number of rows. The ridge solution of (XᵀWX + λΓ²) c = XᵀWy is c = Γ⁻¹ V diag(1/(s + λ)) p: the
 * same decomposition serves every λ of a scan.
 *
 * Pure TypeScript, no Node APIs.
 */
import { symmetricEigen } from './eigen';

export interface Spectrum {
  n: number;
  /** eigenvalues s_i of Ã (clamped at 0) */
  values: Float64Array;
  /** row i = unit eigenvector v_i of Ã (n × n row-major) */
  vectors: Float64Array;
  /** p = Vᵀ b̃ */
  p: Float64Array;
  /** diagonal of Γ */
  gamma: Float64Array;
  /** yᵀWy */
  yty: number;
  /** number of (weighted) rows */
  nrows: number;
}

/** Eigendecomposition of the prior-scaled normal equations (xtx full symmetric, not modified). */
export function spectrum(xtx: Float64Array, xty: Float64Array, yty: number, nrows: number, gamma: ArrayLike<number>): Spectrum {
    const n = xty.length;
    if (xtx.length !== n * n) throw new Error(`spectrum: expected ${n}×${n} matrix`);
    const g = Float64Array.from(gamma);
    for (let k = 0; k < n; k++) if (!(g[k] > 0) || !Number.isFinite(g[k])) throw new Error(`prior Γ_${k} = ${g[k]}: expected > 0`);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
            const v = xtx[i * n + j] / (g[i] * g[j]);
            if (!Number.isFinite(v)) throw new Error('normal equations contain a non-finite entry (NaN or infinite design rows)');
            A[i * n + j] = v;
        }
    }
    const { values, vectors } = symmetricEigen(A, n);
    for (let i = 0; i < n; i++) if (!(values[i] > 0)) values[i] = 0;
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        let s = 0;
        const ri = i * n;
        for (let k = 0; k < n; k++) s += vectors[ri + k] * (xty[k] / g[k]);
        p[i] = s;
    }
    return { n, values, vectors, p, gamma: g, yty, nrows };
}

/** c = Γ⁻¹ V diag(f) p for per-eigenvalue factors f (e.g. 1/(s + λ)). */
export function coefficientsFromFactors(sp: Spectrum, f: (s: number, i: number) => number): Float64Array {
    const { n, values, vectors, p, gamma } = sp;
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        const t = f(values[i], i) * p[i];
        if (t === 0) continue;
        const ri = i * n;
        for (let k = 0; k < n; k++) c[k] += t * vectors[ri + k];
    }
    for (let k = 0; k < n; k++) c[k] /= gamma[k];
    return c;
}

/** Ridge solution of (XᵀWX + λΓ²) c = XᵀWy (λ = 0: pseudo-inverse, eigenvalues ≤ 1e-12·max dropped). */
export function ridgeCoefficients(sp: Spectrum, lambda: number): Float64Array {
    let smax = 0;
    for (const s of sp.values) smax = Math.max(smax, s);
    const tol = 1e-12 * smax;
    return coefficientsFromFactors(sp, (s) => (lambda > 0 ? 1 / (s + lambda) : s > tol ? 1 / s : 0));
}

/** Weighted training loss ‖W^½(y − Xc)‖² of c = Γ⁻¹Vm-form coefficients expressed by eigen-coordinates m. */
function residual(sp: Spectrum, m: Float64Array): number {
    let e = sp.yty;
    for (let i = 0; i < sp.n; i++) if (m[i] !== 0) e += -2 * sp.p[i] * m[i] + sp.values[i] * m[i] * m[i];
    return Math.max(e, 0);
}

export interface BlrResult {
  /** prior precision α (of u = Γc) */
  alpha: number;
  /** noise precision β of the weighted rows */
  beta: number;
  /** effective number of parameters γ = Σ βs/(βs + α) */
  effectiveParameters: number;
  /** log evidence ln p(y | α, β) */
  logEvidence: number;
  iterations: number;
  converged: boolean;
  coefficients: Float64Array;
  /** the equivalent Tikhonov strength λ = α/β */
  lambda: number;
}

export interface BlrOptions {
  maxIterations?: number;
  /** relative change of α and β at which to stop. Default 1e-10 */
  tol?: number;
}

/**
 * Posterior mean in eigen-coordinates, m_i = β p_i / (β s_i + α) (written into m), with ‖m‖², the effective
 * number of parameters γ = Σ β s_i/(β s_i + α) and ln|β S + α I| = Σ ln(β s_i + α).
 */
function posteriorMean(s: Float64Array, p: Float64Array, alpha: number, beta: number, m: Float64Array): { norm2: number; gammaEff: number; logdet: number } {
    let norm2 = 0, gammaEff = 0, logdet = 0;
    for (let i = 0; i < s.length; i++) {
        const d = beta * s[i] + alpha;
        m[i] = (beta * p[i]) / d;
        norm2 += m[i] * m[i];
        gammaEff += (beta * s[i]) / d;
        logdet += Math.log(d);
    }
    return { norm2, gammaEff, logdet };
}

/** Evidence maximisation over α, β (module comment); O(n) per iteration on the spectrum. */
export function bayesianRidge(sp: Spectrum, opts: BlrOptions = {}): BlrResult {
    const { n, values: s } = sp;
    const N = sp.nrows;
    // directions the data do not determine (s ≤ 1e-12·s_max, the eigen solve's cut-off): their p is round-off, so
    // the posterior mean stays at the prior mean 0 there (otherwise α → 0 and the mean diverges on rank-deficient data)
    let smaxAll = 0;
    for (let i = 0; i < n; i++) smaxAll = Math.max(smaxAll, s[i]);
    const p = Float64Array.from(sp.p, (v, i) => (s[i] > 1e-12 * smaxAll ? v : 0));
    if (!(N > 0)) throw new Error('Bayesian regression needs at least one row');
    const maxIt = opts.maxIterations ?? 10000;
    const tol = opts.tol ?? 1e-10;
    let smean = 0;
    for (let i = 0; i < n; i++) smean += s[i];
    smean = Math.max(smean / Math.max(n, 1), 1e-300);
    let beta = N / Math.max(sp.yty, 1e-300);
    let alpha = 1e-6 * beta * smean;
    const m = new Float64Array(n);
    let gammaEff = 0;
    let converged = false;
    let it = 0;
    for (; it < maxIt; it++) {
        const pm = posteriorMean(s, p, alpha, beta, m);
        gammaEff = pm.gammaEff;
        const norm2 = pm.norm2;
        const ed = residual(sp, m);
        const alphaNew = gammaEff / Math.max(norm2, 1e-300);
        // a residual below round-off of yᵀWy cannot be resolved: it bounds β (an exact interpolation would send β → ∞)
        const betaNew = Math.max(N - gammaEff, 1e-12) / Math.max(ed, 1e-14 * sp.yty, 1e-300);
        const change = Math.max(Math.abs(alphaNew - alpha) / alpha, Math.abs(betaNew - beta) / beta);
        alpha = Math.min(Math.max(alphaNew, 1e-300), 1e300);
        beta = Math.min(Math.max(betaNew, 1e-300), 1e300);
        if (change < tol) {
            converged = true;
            it++;
            break;
        }
    }
    // final mean and evidence at the converged α, β
    const final = posteriorMean(s, p, alpha, beta, m);
    const { norm2, logdet } = final;
    gammaEff = final.gammaEff;
    const ed = Math.max(residual(sp, m), 1e-14 * sp.yty);
    // ln p(y|α,β) (PRML eq. 3.86 in u = Γc; the ln|Γ| of the prior and of the posterior precision cancel)
    const logEvidence =
    0.5 * n * Math.log(alpha) + 0.5 * N * Math.log(beta) - 0.5 * beta * ed - 0.5 * alpha * norm2 - 0.5 * logdet - 0.5 * N * Math.log(2 * Math.PI);
    const coefficients = coefficientsFromFactors(sp, (si, i) => (p[i] === 0 ? 0 : beta / (beta * si + alpha)));
    return { alpha, beta, effectiveParameters: gammaEff, logEvidence, iterations: it, converged, coefficients, lambda: alpha / beta };
}

/**
 * A factor F (n × n row-major) of the posterior covariance of the coefficients,
 * Σ_c = Γ⁻¹ V diag(1/(β s + α)) Vᵀ Γ⁻¹ = Fᵀ F, with row i of F = v_iᵀ Γ⁻¹ / √(β s_i + α). The predictive
 * (model) variance of a linear quantity q = x·c is xᵀ Σ_c x = ‖F x‖² = Σ_i (F_i · x)².
 */
export function posteriorFactor(sp: Spectrum, alpha: number, beta: number): Float64Array {
    const { n, values, vectors, gamma } = sp;
    const F = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
        const w = 1 / Math.sqrt(beta * values[i] + alpha);
        const ri = i * n;
        for (let k = 0; k < n; k++) F[ri + k] = (vectors[ri + k] * w) / gamma[k];
    }
    return F;
}

/** ‖F x‖² for a factor F (n × n row-major, any float array): the predictive variance of x·c. */
export function factorVariance(F: ArrayLike<number>, n: number, x: ArrayLike<number>, offset = 0): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
        const ri = i * n;
        let t = 0;
        for (let k = 0; k < n; k++) t += F[ri + k] * x[offset + k];
        v += t * t;
    }
    return v;
}
