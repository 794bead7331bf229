import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { bayesianRidge, factorVariance, posteriorFactor, ridgeCoefficients, spectrum } from '../../src/fit/blr';
import { addRows, createSums, symmetrize } from '../../src/fit/normal-equations';
import { solveNormalEquations } from '../../src/fit/solve';
import { decodeFloat32Base64, encodeFloat32Base64 } from '../../src/util/base64';
import { maxAbsDiff, rng } from './helpers';

/** Gaussian deviates (Box–Muller) from the seeded uniform generator. */
function gauss(rnd: () => number): () => number {
    return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** Rows X (m × n, correlated columns), y = X c + σ ε. */
function synthetic(m: number, n: number, sigma: number, seed: number) {
    const rnd = rng(seed);
    const g = gauss(rnd);
    const c = Float64Array.from({ length: n }, (_, k) => g() / (1 + k));
    const X = new Float64Array(m * n);
    const y = new Float64Array(m);
    for (let r = 0; r < m; r++) {
        const t = g();
        let s = 0;
        for (let k = 0; k < n; k++) {
            const v = g() + 0.5 * t; // shared component: correlated columns
            X[r * n + k] = v;
            s += v * c[k];
        }
        y[r] = s + sigma * g();
    }
    const sums = createSums(n);
    addRows(sums, X, 0, m, 1, y);
    symmetrize(sums);
    return { X, y, c, sums };
}

/** Dense log marginal likelihood ln N(y | 0, β⁻¹ I + α⁻¹ X Γ⁻² Xᵀ) (independent of src/fit/blr.ts). */
function denseLogEvidence(X: Float64Array, y: Float64Array, m: number, n: number, gamma: number[], alpha: number, beta: number): number {
    const C = new Matrix(m, m);
    for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += (X[i * n + k] * X[j * n + k]) / (gamma[k] * gamma[k]);
            C.set(i, j, s / alpha + (i === j ? 1 / beta : 0));
        }
    }
    const ch = new CholeskyDecomposition(C);
    const L = ch.lowerTriangularMatrix;
    let logdet = 0;
    for (let i = 0; i < m; i++) logdet += 2 * Math.log(L.get(i, i));
    const z = ch.solve(Matrix.columnVector(Array.from(y)));
    let q = 0;
    for (let i = 0; i < m; i++) q += y[i] * z.get(i, 0);
    return -0.5 * logdet - 0.5 * q - 0.5 * m * Math.log(2 * Math.PI);
}

describe('Bayesian linear regression (evidence maximisation)', () => {
    it('recovers the known noise level of synthetic data and the generating coefficients', () => {
        for (const [sigma, seed] of [
            [0.05, 1],
            [0.3, 2],
            [2, 3],
        ] as const) {
            const m = 3000;
            const n = 12;
            const { c, sums } = synthetic(m, n, sigma, seed);
            const gamma = Array.from({ length: n }, (_, k) => (1 + k) ** 1);
            const r = bayesianRidge(spectrum(sums.xtx, sums.xty, sums.yty, m, gamma));
            expect(r.converged).toBe(true);
            const sigmaFit = 1 / Math.sqrt(r.beta);
            // the noise estimate of 3000 rows is good to a few per cent (its sampling error is ≈ σ/√(2m) ≈ 1.3 %)
            expect(Math.abs(sigmaFit - sigma) / sigma).toBeLessThan(0.05);
            expect(r.effectiveParameters).toBeGreaterThan(n / 2); // large noise: the small coefficients are shrunk
            expect(r.effectiveParameters).toBeLessThanOrEqual(n);
            const err = maxAbsDiff(r.coefficients, c);
            expect(err).toBeLessThan(10 * sigma / Math.sqrt(m) * 3);
        }
    });

    it('its α, β maximise the dense marginal likelihood, and it reports the value of that likelihood', () => {
        const m = 40;
        const n = 5;
        const { X, y, sums } = synthetic(m, n, 0.4, 7);
        const gamma = [1, 2, 3, 4, 6];
        const sp = spectrum(sums.xtx, sums.xty, sums.yty, m, gamma);
        const r = bayesianRidge(sp);
        expect(r.converged).toBe(true);
        const best = denseLogEvidence(X, y, m, n, gamma, r.alpha, r.beta);
        expect(Math.abs(r.logEvidence - best)).toBeLessThan(1e-6);
        for (const [fa, fb] of [
            [1.2, 1],
            [1 / 1.2, 1],
            [1, 1.2],
            [1, 1 / 1.2],
        ]) {
            expect(denseLogEvidence(X, y, m, n, gamma, r.alpha * fa, r.beta * fb)).toBeLessThan(best);
        }
    });

    it('the ridge path from one eigendecomposition equals the Cholesky solve of (XᵀWX + λΓ²) c = XᵀWy for every λ', () => {
        const m = 200;
        const n = 10;
        const { sums } = synthetic(m, n, 0.1, 4);
        const gamma = Array.from({ length: n }, (_, k) => (1 + k) ** 2);
        const sp = spectrum(sums.xtx, sums.xty, sums.yty, m, gamma);
        for (const lambda of [1e-8, 1e-4, 1e-1, 10, 1e3]) {
            const ref = solveNormalEquations(sums.xtx, sums.xty, n, { lambda, prior: gamma }).coefficients;
            const c = ridgeCoefficients(sp, lambda);
            expect(maxAbsDiff(c, ref) / Math.max(...Array.from(ref, Math.abs))).toBeLessThan(1e-9);
        }
    });

    it('the posterior factor F gives Σ_c = FᵀF = (β XᵀX + α Γ²)⁻¹, and survives the float32 base64 round trip', () => {
        const m = 300;
        const n = 8;
        const { sums } = synthetic(m, n, 0.2, 5);
        const gamma = Array.from({ length: n }, (_, k) => 1 + k);
        const sp = spectrum(sums.xtx, sums.xty, sums.yty, m, gamma);
        const r = bayesianRidge(sp);
        const F = posteriorFactor(sp, r.alpha, r.beta);
        const P = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * n + j] = r.beta * sums.xtx[i * n + j] + (i === j ? r.alpha * gamma[i] ** 2 : 0);
        // P · (FᵀF) = I
        const S = new Float64Array(n * n);
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += F[i * n + a] * F[i * n + b];
            S[a * n + b] = s;
        }
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += P[a * n + k] * S[k * n + b];
            expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-8);
        }
        // variance of x·c through the factor, before and after float32 base64 storage
        const x = Float64Array.from({ length: n }, (_, k) => Math.sin(k + 1));
        let direct = 0;
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) direct += x[a] * S[a * n + b] * x[b];
        expect(Math.abs(factorVariance(F, n, x) - direct) / direct).toBeLessThan(1e-10);
        const stored = decodeFloat32Base64(encodeFloat32Base64(F), n * n);
        expect(Math.abs(factorVariance(stored, n, x) - direct) / direct).toBeLessThan(1e-5);
    });

    it('base64 float32 blocks round-trip for every length mod 3 and reject a wrong length', () => {
        for (const len of [0, 1, 2, 3, 7]) {
            const v = Float32Array.from({ length: len }, (_, i) => (i - 3.25) * 1e-3);
            expect(Array.from(decodeFloat32Base64(encodeFloat32Base64(v), len))).toEqual(Array.from(v));
        }
        expect(() => decodeFloat32Base64(encodeFloat32Base64([1, 2]), 3)).toThrow(/expected 12/);
    });
});

describe('Bayesian regression on rank-deficient data', () => {
    it('stays finite on dimer-only data at K = 4 (the null directions keep the prior mean)', async () => {
        const { fitModel } = await import('../../src/fit/fit');
        const { dimer } = await import('../../src/structure/build');
        const { smallSpec, E0 } = await import('./data');
        const spec = { ...smallSpec(4), maxDegree: [10, 8, 6] };
        // a Morse-like dimer curve: only pair directions are determined, every K ≥ 3 direction is in the null space
        const frames = [0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 1.8, 2.2, 2.7, 3.3].map((r) => {
            const f = dimer(r);
            const x = Math.exp(-2 * (r - 1.3));
            f.energy = 2 * E0 + 6 * (x * x - 2 * x);
            return f;
        });
        frames.push({ ...dimer(10), natoms: 1, positions: Float64Array.from([0, 0, 0]), species: ['C'], energy: E0, configType: 'isolated_atom' } as any);
        const r = await fitModel(frames, { spec, energyWeight: 1, forceWeight: 0 });
        expect(r.model.coefficients.every(Number.isFinite)).toBe(true);
        expect(r.model.fit.solver.rank).toBeLessThan(r.model.nbasis);
        expect(r.model.fit.bayes!.alpha).toBeGreaterThan(0);
        expect(r.metrics.train.energy_rmse_meV_atom!).toBeLessThan(1000);
    });
});
