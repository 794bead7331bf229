import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, effectiveRank, solveNormalEquations } from '../../src/fit/solve';
import { denseLeastSquares, denseRidge, maxAbsDiff, norm, rng } from './helpers';

function normal(rows: number[][], y: number[]) {
    const n = rows[0].length;
    const A = new Float64Array(n * n);
    const b = new Float64Array(n);
    for (let r = 0; r < rows.length; r++) {
        for (let i = 0; i < n; i++) {
            b[i] += rows[r][i] * y[r];
            for (let j = 0; j < n; j++) A[i * n + j] += rows[r][i] * rows[r][j];
        }
    }
    return { A, b, n };
}

function randomProblem(m: number, n: number, seed: number, scales?: number[]) {
    const rnd = rng(seed);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let r = 0; r < m; r++) {
        rows.push(Array.from({ length: n }, (_, k) => (rnd() - 0.5) * (scales ? scales[k] : 1)));
        y.push(rnd() - 0.5);
    }
    return { rows, y };
}

describe('Cholesky', () => {
    it('factorises and solves a random SPD system', () => {
        const { rows, y } = randomProblem(30, 8, 3);
        const { A, b, n } = normal(rows, y);
        const L = cholesky(A, n)!;
        expect(L).not.toBeNull();
        const x = choleskySolve(L, n, b);
        const Ax = new Float64Array(n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Ax[i] += A[i * n + j] * x[j];
        expect(maxAbsDiff(Ax, b)).toBeLessThan(1e-12);
    });

    it('returns null for a matrix that is not positive definite', () => {
        expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    });
});

describe('effectiveRank', () => {
    it('counts independent columns whatever their scale; near-dependence below the tolerance counts as dependent', () => {
        const { rows } = randomProblem(20, 5, 17, [1, 1e3, 1e-3, 1, 1e6]);
        const ext = rows.map((r) => [...r, r[0] + 2 * r[1], 1e-9 * r[2] + r[3]]);
        expect(effectiveRank(normal(rows, rows.map(() => 0)).A, 5)).toBe(5);
        expect(effectiveRank(normal(ext, ext.map(() => 0)).A, 7)).toBe(5);
        expect(effectiveRank(new Float64Array(9), 3)).toBe(0);
    });
});

describe('solveNormalEquations', () => {
    it('λ → 0 gives the plain least-squares solution of the stacked rows (QR)', () => {
    // very different column scales, as between body orders
        const scales = [1, 10, 0.1, 1000, 3, 0.01, 50];
        const { rows, y } = randomProblem(40, 7, 11, scales);
        const { A, b, n } = normal(rows, y);
        const ref = denseLeastSquares(rows, y);
        const res = solveNormalEquations(A, b, n, { lambda: 0 });
        expect(res.method).toBe('cholesky');
        expect(res.rank).toBe(n);
        for (let k = 0; k < n; k++) expect(Math.abs(res.coefficients[k] - ref[k])).toBeLessThan(1e-8 * (1 + Math.abs(ref[k])));
        const tiny = solveNormalEquations(A, b, n, { lambda: 1e-14 });
        for (let k = 0; k < n; k++) expect(Math.abs(tiny.coefficients[k] - ref[k])).toBeLessThan(1e-6 * (1 + Math.abs(ref[k])));
    });

    it('matches the ridge solution of the augmented system for λ > 0 with a prior', () => {
        const { rows, y } = randomProblem(25, 6, 5);
        const { A, b, n } = normal(rows, y);
        const prior = [1, 2, 3, 4, 9, 16];
        const ref = denseRidge(rows, y, 0.3, prior);
        const res = solveNormalEquations(A, b, n, { lambda: 0.3, prior });
        expect(maxAbsDiff(res.coefficients, ref)).toBeLessThan(1e-10);
    });

    it('large λ shrinks ‖c‖ monotonically towards 0', () => {
        const { rows, y } = randomProblem(25, 6, 7);
        const { A, b, n } = normal(rows, y);
        const norms = [0, 1e-2, 1, 100, 1e4, 1e8].map((lambda) => norm(solveNormalEquations(A, b, n, { lambda }).coefficients));
        for (let i = 1; i < norms.length; i++) expect(norms[i]).toBeLessThan(norms[i - 1]);
        expect(norms[norms.length - 1]).toBeLessThan(1e-5 * norms[0]);
    });

    it('a stronger prior on a function shrinks that coefficient more', () => {
        const { rows, y } = randomProblem(25, 4, 9);
        const { A, b, n } = normal(rows, y);
        const flat = solveNormalEquations(A, b, n, { lambda: 1 });
        const rough = solveNormalEquations(A, b, n, { lambda: 1, prior: [1, 1, 1, 100] });
        expect(Math.abs(rough.coefficients[3])).toBeLessThan(0.05 * Math.abs(flat.coefficients[3]));
    });

    it('rank-deficient data: falls back to the eigen solve, reports rank < n, does not throw', () => {
        const { rows, y } = randomProblem(30, 4, 13);
        // append duplicated and zero columns: rank 4 of 6
        const rows6 = rows.map((r) => [...r, 2 * r[1], 0]);
        const { A, b, n } = normal(rows6, y);
        const res = solveNormalEquations(A, b, n, { lambda: 0 });
        expect(res.method).toBe('eigen');
        expect(res.rank).toBe(4);
        expect(res.solvedRank).toBe(4);
        // with λ > 0: Cholesky, all directions used, data rank still 4
        const reg = solveNormalEquations(A, b, n, { lambda: 1e-3 });
        expect(reg.method).toBe('cholesky');
        expect(reg.rank).toBe(4);
        expect(reg.solvedRank).toBe(6);
        expect(res.condition).toBeGreaterThan(1e12);
        expect(res.reason).toBeTruthy();
        // still a least-squares solution: the normal-equation residual vanishes
        for (let i = 0; i < n; i++) {
            let s = -b[i];
            for (let j = 0; j < n; j++) s += A[i * n + j] * res.coefficients[j];
            expect(Math.abs(s)).toBeLessThan(1e-9);
        }
        // and its predictions equal the full-rank fit on the independent columns
        const ref = denseLeastSquares(rows, y);
        const pred = rows6.map((r) => r.reduce((s, x, k) => s + x * res.coefficients[k], 0));
        const predRef = rows.map((r) => r.reduce((s, x, k) => s + x * ref[k], 0));
        expect(maxAbsDiff(pred, predRef)).toBeLessThan(1e-9);
        // the zero column gets coefficient 0
        expect(res.coefficients[5]).toBe(0);
    });

    it('reports the condition number of a well-conditioned system', () => {
    // diagonal system with known spectrum after Jacobi scaling: identity → condition 1
        const A = Float64Array.of(4, 0, 0, 0, 9, 0, 0, 0, 1);
        const res = solveNormalEquations(A, Float64Array.of(4, 9, 1), 3, { lambda: 0 });
        expect(res.condition).toBeCloseTo(1, 6);
        expect(Array.from(res.coefficients)).toEqual([1, 1, 1]);
        // off-diagonal coupling: scaled matrix [[1, .5], [.5, 1]] has eigenvalues 1.5 and 0.5 → condition 3
        const B = Float64Array.of(4, 2 * 0.5 * 2, 2 * 0.5 * 2, 4);
        expect(solveNormalEquations(B, Float64Array.of(1, 1), 2, { lambda: 0 }).condition).toBeCloseTo(3, 5);
    });

    it('rejects NaN in the normal equations with a clear message', () => {
        expect(() => solveNormalEquations(Float64Array.of(NaN), Float64Array.of(1), 1, { lambda: 0 })).toThrow(/non-finite/);
        expect(() => solveNormalEquations(Float64Array.of(1), Float64Array.of(1), 1, { lambda: -1 })).toThrow(/lambda/);
    });
});
