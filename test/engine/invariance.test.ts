import { describe, expect, it } from 'vitest';
import { designRows } from '../../src/ace/evaluate';
import { Frame, makeFrame } from '../../src/structure/frame';
import { randomRotation, seededRandom, transformFrame } from '../../src/structure/build';
import { basisFor, randomCell, randomCluster, smallSpec, TRICLINIC } from './helpers';
import { AceBasis } from '../../src/ace/basis';

/** max over (i,k) of |B_ik − B'_{π(i),k}| / scale_k, scale_k = max_i |B_ik| (+ tiny). */
function relDiff(basis: AceBasis, a: Float64Array, b: Float64Array, natoms: number, perm?: number[]): number {
    const K = basis.size;
    let worst = 0;
    for (let k = 0; k < K; k++) {
        let scale = 1e-300;
        for (let i = 0; i < natoms; i++) scale = Math.max(scale, Math.abs(a[i * K + k]));
        for (let i = 0; i < natoms; i++) {
            const ib = perm ? perm[i] : i;
            worst = Math.max(worst, Math.abs(a[i * K + k] - b[ib * K + k]) / scale);
        }
    }
    return worst;
}

function permuted(frame: Frame, perm: number[]): Frame {
    // atom i of the original becomes atom perm[i]
    const pos = new Float64Array(3 * frame.natoms);
    for (let i = 0; i < frame.natoms; i++) for (let d = 0; d < 3; d++) pos[3 * perm[i] + d] = frame.positions[3 * i + d];
    return makeFrame({ positions: pos, cell: frame.cell, pbc: frame.pbc });
}

const structures: [string, Frame][] = [
    ['cluster of 7', randomCluster(21, 7, 2.2, 1.0)],
    ['triclinic cell of 5', randomCell(22, 5, TRICLINIC, 1.2)],
];

describe('invariance of every basis function (rotation, reflection, translation, permutation; 1e-10 relative)', () => {
    for (const variant of ['standard', 'purified'] as const) {
        for (const K of [2, 3, 4, 5]) {
            const basis = basisFor(smallSpec(K, variant));
            for (const [name, frame] of structures) {
                it(`${variant} K=${K} (${basis.size} functions), ${name}`, () => {
                    const rnd = seededRandom(100 + K);
                    const ref = designRows(basis, frame, { forces: false }).perAtom;
                    // the structure must actually excite every order
                    const R = randomRotation(rnd);
                    const rot = designRows(basis, transformFrame(frame, R), { forces: false }).perAtom;
                    expect(relDiff(basis, ref, rot, frame.natoms)).toBeLessThan(1e-10);
                    // reflection (improper rotation, det = −1)
                    const P = Float64Array.from(R);
                    for (let c = 0; c < 3; c++) P[c] = -P[c];
                    const refl = designRows(basis, transformFrame(frame, P), { forces: false }).perAtom;
                    expect(relDiff(basis, ref, refl, frame.natoms)).toBeLessThan(1e-10);
                    // translation
                    const tr = designRows(basis, transformFrame(frame, [1, 0, 0, 0, 1, 0, 0, 0, 1], [3.7, -11.2, 0.45]), { forces: false }).perAtom;
                    expect(relDiff(basis, ref, tr, frame.natoms)).toBeLessThan(1e-10);
                    // permutation
                    const perm = Array.from({ length: frame.natoms }, (_, i) => i);
                    for (let i = perm.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
                    const pe = designRows(basis, permuted(frame, perm), { forces: false }).perAtom;
                    expect(relDiff(basis, ref, pe, frame.natoms, perm)).toBeLessThan(1e-10);
                });
            }
        }
    }

    it('the test structures excite every order (no function is identically zero there)', () => {
        for (const variant of ['standard', 'purified'] as const) {
            const basis = basisFor(smallSpec(5, variant));
            const B = designRows(basis, structures[0][1], { forces: false });
            for (let k = 0; k < basis.size; k++) {
                let m = 0;
                for (let i = 0; i < B.natoms; i++) m = Math.max(m, Math.abs(B.perAtom[i * basis.size + k]));
                expect(m, `${variant} ${basis.describe(k)}`).toBeGreaterThan(1e-8);
            }
        }
    });

    it('a chiral pair of environments (mirror images) gives identical B (reflection invariance is not trivial)', () => {
        const basis = basisFor(smallSpec(4, 'standard'));
        const pts = [0, 0, 0, 1.4, 0.1, 0.0, -0.3, 1.5, 0.2, 0.2, -0.4, 1.6, 1.1, 1.0, 1.2];
        const mirror = pts.map((v, t) => (t % 3 === 0 ? -v : v));
        const a = designRows(basis, makeFrame({ positions: pts }), { forces: false }).perAtom;
        const b = designRows(basis, makeFrame({ positions: mirror }), { forces: false }).perAtom;
        expect(relDiff(basis, a, b, 5)).toBeLessThan(1e-10);
    });
});
