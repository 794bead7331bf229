import { describe, expect, it } from 'vitest';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { AceBasis } from '../../src/ace/basis';
import { defaultSpec, paperSpec, validateSpec, SpecError } from '../../src/ace/spec';
import { invariantCouplings, clebschGordan, mTupleSize, decodeM } from '../../src/ace/coupling';
import { SphericalHarmonics, lmIndex } from '../../src/ace/harmonics';
import { designRows } from '../../src/ace/evaluate';
import { cluster, dimer, seededRandom, randomRotation } from '../../src/structure/build';
import { basisFor, randomCell, randomCluster, smallSpec } from './helpers';

describe('basis sizes (recorded and explained)', () => {
    it('default carbon bases: D = [16, 14, 11, 8], w_L = 1.5', () => {
    // ν=1: n = 1..16 (16 pair functions). ν=2: pairs (n1,l)(n2,l), n1 ≤ n2 when l equal, n1+n2+3l ≤ 14.
    // ν=3, ν=4: all sorted triples/quadruples with Σ(n+1.5l) ≤ 11 / 8, Σl even, one function per independent coupling.
        expect(AceBasis.create(defaultSpec(2)).sizeByOrder()).toEqual({ 2: 16 });
        expect(AceBasis.create(defaultSpec(3)).sizeByOrder()).toEqual({ 2: 16, 3: 102 });
        expect(AceBasis.create(defaultSpec(4)).sizeByOrder()).toEqual({ 2: 16, 3: 102, 4: 89 });
        expect(AceBasis.create(defaultSpec(5)).sizeByOrder()).toEqual({ 2: 16, 3: 102, 4: 89, 5: 15 });
        // the purified variant has exactly the same functions (same couplings, distinct-neighbour sums)
        expect(AceBasis.create(defaultSpec(5, 'purified')).sizeByOrder()).toEqual({ 2: 16, 3: 102, 4: 89, 5: 15 });
    });

    it('ν=2 count by hand: Σ_l #{n1 ≤ n2 : n1 + n2 ≤ D − 3l}', () => {
    // independent check of the enumeration for the ν=2 block
        const count = (D: number, wL: number) => {
            let c = 0;
            for (let l = 0; 2 + 2 * wL * l <= D; l++) for (let n1 = 1; n1 <= D; n1++) for (let n2 = n1; n2 <= D; n2++) if (n1 + n2 + 2 * wL * l <= D) c++;
            return c;
        };
        expect(AceBasis.create(defaultSpec(3)).sizeByOrder()[3]).toBe(count(14, 1.5));
        expect(AceBasis.create(paperSpec(3)).sizeByOrder()[3]).toBe(count(20, 1.5));
    });

    it("the reference study's spec D = [24, 20, 16, 12], w_L = 1.5", () => {
    // Paper (ACE1x 0.1.11): 24 | 273 | 505 | 127 (total 929). acelens: 24 | 274 | 505 | 127 (930).
    // The one extra function is ν=2 (n=1,l=6)(n=1,l=6): degree 2·(1 + 1.5·6) = 20 = D_2 exactly, the only
    // l = 6 tuple of the spec. With l ≤ 5 the counts match the paper block by block, so ACE1x evidently
    // caps the angular momentum of the one-particle basis at 5 for this spec (its l_max comes from its own
    // rule, not from D_2 / (2 w_L)); the ν = 3, 4 blocks (largest l there: 4 and 2) are unaffected. We keep
    // the plain degree rule and offer `lmax` to reproduce the paper's bases exactly.
        const b = AceBasis.create(paperSpec(5));
        expect(b.sizeByOrder()).toEqual({ 2: 24, 3: 274, 4: 505, 5: 127 });
        const extra = [...Array(b.size).keys()].filter((k) => b.functions[k].l.some((l) => l === 6));
        expect(extra.map((k) => b.describe(k))).toEqual(['ν=2 (n=1,l=6)(n=1,l=6)']);
        expect(AceBasis.create({ ...paperSpec(5), lmax: 5 }).sizeByOrder()).toEqual({ 2: 24, 3: 273, 4: 505, 5: 127 });
    });

    it('describe() and bodyOrder are consistent', () => {
        const b = AceBasis.create(paperSpec(5));
        expect(b.describe(0)).toBe('ν=1 (n=1,l=0)');
        for (let k = 0; k < b.size; k++) {
            expect(b.describe(k).startsWith(`ν=${b.bodyOrder[k] - 1} `)).toBe(true);
            expect(b.degree[k]).toBeLessThanOrEqual(b.spec.maxDegree[b.bodyOrder[k] - 2] + 1e-9);
        }
        // functions that share an (n,l) tuple are numbered #2, #3, …
        expect([...Array(b.size).keys()].some((k) => b.describe(k).endsWith('#2'))).toBe(true);
    });
});

describe('coupling coefficients', () => {
    it('Clebsch–Gordan values (known closed forms) and orthogonality', () => {
        expect(clebschGordan(1, 1, 1, -1, 0, 0)).toBeCloseTo(1 / Math.sqrt(3), 14);
        expect(clebschGordan(1, 0, 1, 0, 0, 0)).toBeCloseTo(-1 / Math.sqrt(3), 14);
        expect(clebschGordan(1, 1, 1, 0, 2, 1)).toBeCloseTo(Math.SQRT1_2, 14);
        expect(clebschGordan(2, 0, 2, 0, 2, 0)).toBeCloseTo(-Math.sqrt(2 / 7), 14);
        for (const [j1, j2] of [[2, 3], [4, 4]]) for (let J = Math.abs(j1 - j2); J <= j1 + j2; J++) for (let Jp = Math.abs(j1 - j2); Jp <= j1 + j2; Jp++) {
            let s = 0;
            for (let m1 = -j1; m1 <= j1; m1++) for (let m2 = -j2; m2 <= j2; m2++) s += clebschGordan(j1, m1, j2, m2, J, m1 + m2) * clebschGordan(j1, m1, j2, m2, Jp, m1 + m2);
            expect(s).toBeCloseTo(J === Jp ? 2 * J + 1 : 0, 10); // Σ over M as well (M = m1 + m2) gives 2J+1
        }
    });

    it('numbers of independent invariants (distinct factors) equal the number of coupling paths', () => {
        const d = (ls: number[]) => invariantCouplings(ls, ls.map((_, t) => t)).length;
        expect(d([0])).toBe(1);
        expect(d([3, 3])).toBe(1);
        expect(d([1, 2])).toBe(0);
        expect(d([1, 1, 2])).toBe(1);
        expect(d([1, 1, 1])).toBe(0); // Σl odd: pseudoscalar, not reflection invariant
        expect(d([1, 2, 4])).toBe(0); // triangle violated
        expect(d([2, 2, 2, 2])).toBe(5); // L = 0..4
        expect(d([1, 2, 3, 4])).toBe(3); // L ∈ [1,3] ∩ [1,7]
        // symmetrised over equal factors: (l,l,l,l) with all four factors equal
        // four equal factors: the degree-4 invariants of one l-vector = SL2 invariants of degree 4 of a binary
        // 2l-ic: l=1 (quadratic: disc²) 1, l=2 (quartic: i²) 1, l=3 (sextic: I2², I4) 2
        expect(invariantCouplings([1, 1, 1, 1], [0, 0, 0, 0]).length).toBe(1);
        expect(invariantCouplings([2, 2, 2, 2], [0, 0, 0, 0]).length).toBe(1);
        expect(invariantCouplings([3, 3, 3, 3], [0, 0, 0, 0]).length).toBe(2);
        // three equal l=2 factors: the cubic invariant tr(A³) exists (1); l=1: none (Σl odd)
        expect(invariantCouplings([2, 2, 2], [0, 0, 0]).length).toBe(1);
        expect(invariantCouplings([1, 1, 2], [0, 0, 1]).length).toBe(1);
    });

    it('every coupled product of real harmonics is rotation and reflection invariant', () => {
        const rnd = seededRandom(5);
        const sh = new SphericalHarmonics(5);
        const Y = new Float64Array(sh.size);
        for (const ls of [[2, 2], [1, 2, 3], [3, 3, 4], [1, 1, 2, 2], [2, 3, 3, 4], [1, 2, 2, 5]]) {
            const groups = ls.map((_, t) => t);
            const cs = invariantCouplings(ls, groups);
            expect(cs.length).toBeGreaterThan(0);
            const pts = ls.map(() => [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5]);
            const R = randomRotation(rnd);
            for (let c = 0; c < 3; c++) R[c] = -R[c]; // improper
            const value = (ps: number[][], coef: Float64Array) => {
                const Ys = ps.map((p) => { sh.evaluate(p[0], p[1], p[2], Y); return Y.slice(); });
                const ms = new Array<number>(ls.length).fill(0);
                let s = 0;
                for (let idx = 0; idx < mTupleSize(ls); idx++) {
                    if (coef[idx] === 0) continue;
                    decodeM(ls, idx, ms);
                    let p = coef[idx];
                    for (let t = 0; t < ls.length; t++) p *= Ys[t][lmIndex(ls[t], ms[t])];
                    s += p;
                }
                return s;
            };
            const rotated = pts.map((p) => [0, 1, 2].map((r) => R[3 * r] * p[0] + R[3 * r + 1] * p[1] + R[3 * r + 2] * p[2]));
            for (const coef of cs) {
                const a = value(pts, coef), b = value(rotated, coef);
                expect(Math.abs(a - b)).toBeLessThan(1e-12);
                expect(Math.abs(a)).toBeGreaterThan(1e-8);
            }
        }
    });
});

describe('self-interaction-free ("purified") basis', () => {
    const tri = cluster([0, 0, 0, 1.35, 0.1, 0, 0.5, 1.2, 0.3]);
    const quad = cluster([0, 0, 0, 1.35, 0.1, 0, 0.5, 1.2, 0.3, -0.4, 0.3, 1.4]);
    const B = (variant: 'standard' | 'purified', f: ReturnType<typeof dimer>) => {
        const basis = basisFor(smallSpec(5, variant));
        return { basis, rows: designRows(basis, f, { forces: false }).perAtom };
    };
    /** max |B_ik| over atoms for functions of correlation order ≥ minNu, relative to the largest |B| of that order elsewhere */
    const maxOfOrder = (basis: AceBasis, rows: Float64Array, natoms: number, nu: number) => {
        let m = 0;
        for (let k = 0; k < basis.size; k++) if (basis.bodyOrder[k] - 1 === nu) for (let i = 0; i < natoms; i++) m = Math.max(m, Math.abs(rows[i * basis.size + k]));
        return m;
    };

    it('isolated dimer: every ν ≥ 2 function is exactly zero; standard basis is not', () => {
        for (const r of [1.0, 1.287, 2.2, 3.9]) {
            const p = B('purified', dimer(r)), s = B('standard', dimer(r));
            for (const nu of [2, 3, 4]) {
                expect(maxOfOrder(p.basis, p.rows, 2, nu)).toBeLessThan(1e-14 * (1 + maxOfOrder(s.basis, s.rows, 2, nu)));
                expect(maxOfOrder(s.basis, s.rows, 2, nu)).toBeGreaterThan(1e-8);
            }
            expect(maxOfOrder(p.basis, p.rows, 2, 1)).toBeGreaterThan(1e-3);
        }
    });

    it('trimer: every ν ≥ 3 function is zero to round-off, ν = 2 is not; 4 atoms: ν = 4 zero, ν = 3 not', () => {
        const p3 = B('purified', tri), s3 = B('standard', tri);
        for (const nu of [3, 4]) {
            expect(maxOfOrder(p3.basis, p3.rows, 3, nu)).toBeLessThan(1e-12 * maxOfOrder(s3.basis, s3.rows, 3, nu));
            expect(maxOfOrder(s3.basis, s3.rows, 3, nu)).toBeGreaterThan(1e-4);
        }
        expect(maxOfOrder(p3.basis, p3.rows, 3, 2)).toBeGreaterThan(1e-4);
        const p4 = B('purified', quad), s4 = B('standard', quad);
        expect(maxOfOrder(p4.basis, p4.rows, 4, 4)).toBeLessThan(1e-12 * maxOfOrder(s4.basis, s4.rows, 4, 4));
        expect(maxOfOrder(p4.basis, p4.rows, 4, 3)).toBeGreaterThan(1e-4);
    });

    it('the purified ν=2 function equals the explicit sum over distinct neighbour pairs', () => {
    // (n=1,l=0)(n=2,l=0): standard B = c·A_1·A_2 with A_n = Σ_j R_n(r_j) Y_00; purified B = c·Σ_{j≠k} φ_1(r_j) φ_2(r_k)
        const spec = { ...smallSpec(3, 'purified') };
        const pure = basisFor(spec), std = basisFor({ ...spec, variant: 'standard' as const });
        const f = randomCluster(77, 5, 2.0, 1.0);
        const P = designRows(pure, f, { forces: false }).perAtom, S = designRows(std, f, { forces: false }).perAtom;
        const k = [...Array(pure.size).keys()].find((t) => pure.describe(t) === 'ν=2 (n=1,l=0)(n=2,l=0)')!;
        const Y00 = 0.5 / Math.sqrt(Math.PI);
        const R = new Float64Array(pure.radial.nmax), dR = R.slice(), tmp = new Float64Array(2);
        for (let i = 0; i < 5; i++) {
            const phi1: number[] = [], phi2: number[] = [];
            for (let j = 0; j < 5; j++) {
                if (j === i) continue;
                const r = Math.hypot(...[0, 1, 2].map((d) => f.positions[3 * j + d] - f.positions[3 * i + d]));
                pure.radial.evaluate(r, R, dR, tmp);
                phi1.push(R[0] * Y00); phi2.push(R[1] * Y00);
            }
            const A1 = phi1.reduce((a, b) => a + b, 0), A2 = phi2.reduce((a, b) => a + b, 0);
            let distinct = 0;
            for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) if (a !== b) distinct += phi1[a] * phi2[b];
            const c = S[i * pure.size + k] / (A1 * A2);
            expect(Math.abs(Math.abs(c) - 1)).toBeLessThan(1e-12); // a normalised single coupling coefficient
            expect(P[i * pure.size + k]).toBeCloseTo(c * distinct, 12);
        }
    });
});

describe('linear independence', () => {
    for (const variant of ['standard', 'purified'] as const) {
        it(`${variant}: numerical rank of the design matrix over random environments equals the basis size (default K=4)`, () => {
            const basis = basisFor(defaultSpec(4, variant));
            const rows: number[][] = [];
            let seed = 1000;
            while (rows.length < 3 * basis.size) {
                const n = 4 + (seed % 9);
                const f = seed % 2 === 0 ? randomCluster(seed, n, 1.6 + 0.25 * (seed % 7), 0.95) : randomCell(seed, 3 + (seed % 4), [3.6 + (seed % 3) * 0.5, 0.3, 0.1, 0.2, 3.9, 0.1, 0.1, 0.4, 4.2], 1.0);
                const B = designRows(basis, f, { forces: false });
                for (let i = 0; i < f.natoms; i++) rows.push(Array.from(B.perAtom.subarray(i * basis.size, (i + 1) * basis.size)));
                seed++;
            }
            const X = new Matrix(rows);
            // scale columns to unit norm (orders differ by orders of magnitude)
            for (let k = 0; k < basis.size; k++) {
                let s = 0;
                for (let r = 0; r < X.rows; r++) s += X.get(r, k) ** 2;
                s = Math.sqrt(s);
                for (let r = 0; r < X.rows; r++) X.set(r, k, X.get(r, k) / s);
            }
            const sv = new SingularValueDecomposition(X, { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
            const smax = Math.max(...sv), smin = Math.min(...sv);
            expect(sv.length).toBe(basis.size);
            expect(smin / smax).toBeGreaterThan(1e-9);
        });
    }
});

describe('spec validation', () => {
    it('accepts defaults and round-trips through JSON', () => {
        for (const K of [2, 3, 4, 5]) expect(validateSpec(JSON.parse(JSON.stringify(defaultSpec(K, 'purified'))))).toEqual(defaultSpec(K, 'purified'));
    });
    it('rejects bad specs with clear messages', () => {
        expect(() => validateSpec(null)).toThrow(SpecError);
        expect(() => validateSpec({ ...defaultSpec(4), order: 6 })).toThrow(/integer 2..5/);
        expect(() => validateSpec({ ...defaultSpec(4), maxDegree: [10, 8] })).toThrow(/array of 3 numbers/);
        expect(() => validateSpec({ ...defaultSpec(4), variant: 'pure' })).toThrow(/'standard' or 'purified'/);
        expect(() => validateSpec({ ...defaultSpec(4), rcut: -1 })).toThrow(/rcut/);
        expect(() => validateSpec({ ...defaultSpec(4), rin: 6 })).toThrow(/rin/);
        expect(() => validateSpec({ ...defaultSpec(4), maxDegree: [10, 8, 2] })).toThrow(/D_3/);
        expect(() => validateSpec({ ...defaultSpec(4), extra: 1 })).toThrow(/unknown key 'extra'/);
        expect(() => validateSpec({ ...defaultSpec(4), lmax: 1.5 })).toThrow(/lmax/);
        expect(() => defaultSpec(1)).toThrow(/2..5/);
    });
});
