import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/fit/eigen';
import { rng } from './helpers';

function randomSymmetric(n: number, seed: number, rankDeficient = 0): Float64Array {
    const rnd = rng(seed);
    const m = n - rankDeficient;
    const X = Array.from({ length: n }, () => Array.from({ length: m }, () => rnd() - 0.5));
    const A = new Float64Array(n * n);
    // A = X Xᵀ − shift: PSD with rank m, plus an indefinite symmetric part when rankDeficient = 0
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += X[i][k] * X[j][k];
        A[i * n + j] = s;
    }
    if (!rankDeficient) for (let i = 0; i < n; i++) A[i * n + i] -= 0.3 * n * 0.08;
    return A;
}

describe('symmetricEigen', () => {
    for (const [n, def] of [
        [1, 0],
        [2, 0],
        [7, 0],
        [40, 0],
        [40, 5],
        [120, 0],
    ] as const) {
        it(`A v = λ v, orthonormal vectors, same spectrum as ml-matrix (n = ${n}${def ? `, rank ${n - def}` : ''})`, () => {
            const A = randomSymmetric(n, n + def, def);
            const { values, vectors } = symmetricEigen(A, n);
            const scale = Math.max(1, ...Array.from(values, Math.abs));
            for (let k = 0; k < n; k++) {
                for (let i = 0; i < n; i++) {
                    let s = 0;
                    for (let j = 0; j < n; j++) s += A[i * n + j] * vectors[k * n + j];
                    expect(Math.abs(s - values[k] * vectors[k * n + i])).toBeLessThan(1e-12 * scale * n);
                }
                for (let l = k; l < n; l++) {
                    let dot = 0;
                    for (let i = 0; i < n; i++) dot += vectors[k * n + i] * vectors[l * n + i];
                    expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-12 * n);
                }
            }
            const M = new Matrix(n, n);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j]);
            const ref = new EigenvalueDecomposition(M, { assumeSymmetric: true }).realEigenvalues.slice().sort((a, b) => a - b);
            const ours = Array.from(values).sort((a, b) => a - b);
            for (let k = 0; k < n; k++) expect(Math.abs(ours[k] - ref[k])).toBeLessThan(1e-12 * scale * n);
            if (def) expect(ours.filter((v) => Math.abs(v) < 1e-10 * scale)).toHaveLength(def);
        });
    }

    it('handles a diagonal matrix and zero blocks', () => {
        const { values } = symmetricEigen(Float64Array.of(3, 0, 0, 0, 0, 0, 0, 0, -2), 3);
        expect(Array.from(values).sort((a, b) => a - b)).toEqual([-2, 0, 3]);
    });
});
