import { describe, expect, it } from 'vitest';
import { SphericalHarmonics, lmIndex } from '../../src/ace/harmonics';
import { RadialBasis } from '../../src/ace/radial';
import { seededRandom } from '../../src/structure/build';

const PI = Math.PI;
/** Closed forms of the real harmonics (no Condon–Shortley phase) for l ≤ 3 on a unit vector. */
function closed(l: number, m: number, x: number, y: number, z: number): number {
    const t: Record<string, number> = {
        '0,0': 0.5 * Math.sqrt(1 / PI),
        '1,-1': Math.sqrt(3 / (4 * PI)) * y,
        '1,0': Math.sqrt(3 / (4 * PI)) * z,
        '1,1': Math.sqrt(3 / (4 * PI)) * x,
        '2,-2': 0.5 * Math.sqrt(15 / PI) * x * y,
        '2,-1': 0.5 * Math.sqrt(15 / PI) * y * z,
        '2,0': 0.25 * Math.sqrt(5 / PI) * (3 * z * z - 1),
        '2,1': 0.5 * Math.sqrt(15 / PI) * x * z,
        '2,2': 0.25 * Math.sqrt(15 / PI) * (x * x - y * y),
        '3,-3': 0.25 * Math.sqrt(35 / (2 * PI)) * y * (3 * x * x - y * y),
        '3,-2': 0.5 * Math.sqrt(105 / PI) * x * y * z,
        '3,-1': 0.25 * Math.sqrt(21 / (2 * PI)) * y * (5 * z * z - 1),
        '3,0': 0.25 * Math.sqrt(7 / PI) * (5 * z * z * z - 3 * z),
        '3,1': 0.25 * Math.sqrt(21 / (2 * PI)) * x * (5 * z * z - 1),
        '3,2': 0.25 * Math.sqrt(105 / PI) * z * (x * x - y * y),
        '3,3': 0.25 * Math.sqrt(35 / (2 * PI)) * x * (x * x - 3 * y * y),
    };
    return t[`${l},${m}`];
}

describe('real spherical harmonics', () => {
    const sh = new SphericalHarmonics(12);
    const Y = new Float64Array(sh.size);
    const dY = new Float64Array(3 * sh.size);
    const rnd = seededRandom(11);

    it('match closed forms for l ≤ 3 (non-unit input vectors)', () => {
        for (let s = 0; s < 20; s++) {
            const v = [rnd() * 2 - 1, rnd() * 2 - 1, rnd() * 2 - 1];
            const r = Math.hypot(v[0], v[1], v[2]);
            const scale = 0.3 + 3 * rnd();
            sh.evaluate(v[0] * scale, v[1] * scale, v[2] * scale, Y);
            for (let l = 0; l <= 3; l++) for (let m = -l; m <= l; m++)
                expect(Y[lmIndex(l, m)]).toBeCloseTo(closed(l, m, v[0] / r, v[1] / r, v[2] / r), 13);
        }
    });

    it('are orthonormal (Gauss–Legendre × trapezoid quadrature, exact for these degrees)', () => {
        const L = 12;
        const nth = 2 * L + 2, nph = 2 * L + 3;
        // Gauss–Legendre nodes by Newton iteration
        const nodes: number[] = [], weights: number[] = [];
        for (let i = 1; i <= nth; i++) {
            let x = Math.cos((PI * (i - 0.25)) / (nth + 0.5));
            for (let it = 0; it < 100; it++) {
                let p0 = 1, p1 = x;
                for (let k = 2; k <= nth; k++) { const p = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p; }
                const dp = (nth * (x * p1 - p0)) / (x * x - 1);
                const dx = p1 / dp;
                x -= dx;
                if (Math.abs(dx) < 1e-16) break;
            }
            let p0 = 1, p1 = x;
            for (let k = 2; k <= nth; k++) { const p = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p; }
            const dp = (nth * (x * p1 - p0)) / (x * x - 1);
            nodes.push(x); weights.push(2 / ((1 - x * x) * dp * dp));
        }
        const n = sh.size;
        const G = new Float64Array(n * n);
        for (let a = 0; a < nth; a++) for (let b = 0; b < nph; b++) {
            const z = nodes[a], s = Math.sqrt(1 - z * z), ph = (2 * PI * b) / nph;
            sh.evaluate(s * Math.cos(ph), s * Math.sin(ph), z, Y);
            const w = (weights[a] * 2 * PI) / nph;
            for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) G[i * n + j] += w * Y[i] * Y[j];
        }
        let maxErr = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) maxErr = Math.max(maxErr, Math.abs(G[i * n + j] - (i === j ? 1 : 0)));
        expect(maxErr).toBeLessThan(1e-12);
    });

    it('gradients equal central finite differences', () => {
        const Yp = new Float64Array(sh.size), Ym = new Float64Array(sh.size);
        for (let s = 0; s < 10; s++) {
            const v = [rnd() * 4 - 2, rnd() * 4 - 2, rnd() * 4 - 2];
            sh.evaluate(v[0], v[1], v[2], Y, dY);
            const h = 1e-6;
            for (let a = 0; a < 3; a++) {
                const vp = [...v], vm = [...v];
                vp[a] += h; vm[a] -= h;
                sh.evaluate(vp[0], vp[1], vp[2], Yp);
                sh.evaluate(vm[0], vm[1], vm[2], Ym);
                for (let i = 0; i < sh.size; i++) {
                    const fd = (Yp[i] - Ym[i]) / (2 * h);
                    expect(Math.abs(fd - dY[3 * i + a])).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
                }
            }
        }
    });

    it('poles (r along ±z) are finite and have finite gradients', () => {
        sh.evaluate(0, 0, 2, Y, dY);
        expect(Y.every(Number.isFinite) && dY.every(Number.isFinite)).toBe(true);
        sh.evaluate(0, 0, -0.5, Y, dY);
        expect(Y.every(Number.isFinite) && dY.every(Number.isFinite)).toBe(true);
    });
});

describe('radial basis', () => {
    const rb = new RadialBasis(16, 5, 0, 1.287);
    const R = new Float64Array(16), dR = new Float64Array(16), tmp = new Float64Array(2);
    const Rp = new Float64Array(16), Rm = new Float64Array(16);

    it('derivatives equal central finite differences', () => {
        for (const r of [0.6, 1.0, 1.287, 1.9, 2.7, 3.5, 4.4, 4.95]) {
            rb.evaluate(r, R, dR, tmp);
            const h = 1e-6;
            rb.evaluate(r + h, Rp, dR.slice(), tmp);
            rb.evaluate(r - h, Rm, dR.slice(), tmp);
            for (let n = 0; n < 16; n++) {
                const fd = (Rp[n] - Rm[n]) / (2 * h);
                expect(Math.abs(fd - dR[n])).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
            }
        }
    });

    it('values and first derivatives vanish smoothly at r_cut (quadratically)', () => {
        for (const eps of [1e-2, 1e-3, 1e-4]) {
            rb.evaluate(5 - eps, R, dR, tmp);
            for (let n = 0; n < 16; n++) {
                // |R| = O(eps²), |R'| = O(eps) with n-dependent constants
                expect(Math.abs(R[n])).toBeLessThan(2 * (n + 1) * (n + 1) * eps * eps);
                expect(Math.abs(dR[n])).toBeLessThan(4 * (n + 1) * (n + 1) * eps);
            }
        }
        rb.evaluate(5, R, dR, tmp);
        expect(R.every((v) => v === 0) && dR.every((v) => v === 0)).toBe(true);
        rb.evaluate(7, R, dR, tmp);
        expect(R.every((v) => v === 0)).toBe(true);
    });

    it('distance transform maps [r_in, r_cut] monotonically onto [1, −1]', () => {
        const t = new Float64Array(2);
        rb.transform(0, t); expect(t[0]).toBeCloseTo(1, 14);
        rb.transform(5, t); expect(t[0]).toBeCloseTo(-1, 14);
        let prev = 2;
        for (let r = 0.05; r < 5; r += 0.05) { rb.transform(r, t); expect(t[0]).toBeLessThan(prev); expect(t[1]).toBeLessThan(0); prev = t[0]; }
    });

    it('R_1 is the envelope alone and the functions are linearly independent on a grid', () => {
        rb.evaluate(2, R, dR, tmp);
        expect(R[0]).toBeCloseTo((1 - 0.16) ** 2, 14);
        // Gram matrix over a fine grid has full rank (smallest pivot of Cholesky > 0)
        const n = 16, G = new Float64Array(n * n);
        for (let r = 0.8; r < 5; r += 0.002) {
            rb.evaluate(r, R, dR, tmp);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += R[i] * R[j] * 0.002;
        }
        for (let k = 0; k < n; k++) {
            const d = G[k * n + k];
            expect(d).toBeGreaterThan(1e-14);
            for (let i = k + 1; i < n; i++) {
                const f = G[i * n + k] / d;
                for (let j = k; j < n; j++) G[i * n + j] -= f * G[k * n + j];
            }
        }
    });
});

describe('real Gaunt coefficients', () => {
    it('products of 2 and 3 real harmonics at a point equal their Gaunt expansion', async () => {
        const { GauntTable } = await import('../../src/ace/gaunt');
        const table = new GauntTable(9);
        const sh = new SphericalHarmonics(9);
        const Y = new Float64Array(sh.size);
        const rnd = seededRandom(99);
        const products: [number, number][][] = [[[1, 1], [1, -1]], [[2, 0], [3, -2]], [[4, 3], [4, -3]], [[1, 0], [2, 1], [3, -3]], [[2, 2], [2, -1], [4, 4]], [[0, 0], [3, 1]]];
        for (const lms of products) {
            const terms = table.expand(lms);
            expect(terms.length).toBeGreaterThan(0);
            for (const [L] of terms) expect((L + lms.reduce((s, x) => s + x[0], 0)) % 2).toBe(0);
            for (let s = 0; s < 5; s++) {
                sh.evaluate(rnd() - 0.5, rnd() - 0.5, rnd() - 0.5, Y);
                const direct = lms.reduce((p, [l, m]) => p * Y[lmIndex(l, m)], 1);
                const expanded = terms.reduce((acc, [L, M, v]) => acc + v * Y[lmIndex(L, M)], 0);
                expect(Math.abs(direct - expanded)).toBeLessThan(1e-12);
            }
        }
        expect(() => table.expand([[5, 0], [5, 0]])).toThrow(/Σl = 10/);
    });
});
