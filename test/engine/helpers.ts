import { Frame, makeFrame } from '../../src/structure/frame';
import { seededRandom } from '../../src/structure/build';
import { AceBasis } from '../../src/ace/basis';
import { BasisSpec } from '../../src/ace/spec';

/** A small test spec (fast): degrees kept low so every order and variant can be checked quickly. */
export function smallSpec(order: number, variant: 'standard' | 'purified' = 'standard'): BasisSpec {
    return { order, variant, rcut: 4.5, rin: 0, r0: 1.287, maxDegree: [8, 8, 7, 6].slice(0, order - 1), lWeight: 1.5 };
}

const basisCache = new Map<string, AceBasis>();
export function basisFor(spec: BasisSpec): AceBasis {
    const key = JSON.stringify(spec);
    let b = basisCache.get(key);
    if (!b) { b = AceBasis.create(spec); basisCache.set(key, b); }
    return b;
}

/** Random atoms in a (triclinic) periodic cell with a minimum distance. */
export function randomCell(seed: number, natoms: number, cell: number[], dmin = 1.1): Frame {
    const rnd = seededRandom(seed);
    const pos: number[] = [];
    let tries = 0;
    while (pos.length < 3 * natoms) {
        if (++tries > 100000) throw new Error('randomCell: could not place atoms');
        const f = [rnd(), rnd(), rnd()];
        const p = [0, 1, 2].map((d) => f[0] * cell[d] + f[1] * cell[3 + d] + f[2] * cell[6 + d]);
        let ok = true;
        for (let j = 0; j < pos.length / 3 && ok; j++) {
            for (let a = -1; a <= 1 && ok; a++) for (let b = -1; b <= 1 && ok; b++) for (let c = -1; c <= 1 && ok; c++) {
                const d = [0, 1, 2].map((k) => p[k] - pos[3 * j + k] + a * cell[k] + b * cell[3 + k] + c * cell[6 + k]);
                if (Math.hypot(d[0], d[1], d[2]) < dmin) ok = false;
            }
        }
        if (ok) pos.push(...p);
    }
    return makeFrame({ positions: pos, cell, pbc: [true, true, true] });
}

/** Random cluster in vacuum: atoms in a ball of radius `radius` with a minimum distance. */
export function randomCluster(seed: number, natoms: number, radius = 2.5, dmin = 1.0): Frame {
    const rnd = seededRandom(seed);
    const pos: number[] = [];
    let tries = 0;
    while (pos.length < 3 * natoms) {
        if (++tries > 100000) throw new Error('randomCluster: could not place atoms');
        const p = [rnd() * 2 - 1, rnd() * 2 - 1, rnd() * 2 - 1];
        if (Math.hypot(p[0], p[1], p[2]) > 1) continue;
        const q = p.map((x) => x * radius);
        let ok = true;
        for (let j = 0; j < pos.length / 3; j++) if (Math.hypot(q[0] - pos[3 * j], q[1] - pos[3 * j + 1], q[2] - pos[3 * j + 2]) < dmin) ok = false;
        if (ok) pos.push(...q);
    }
    return makeFrame({ positions: pos, cell: null, pbc: [false, false, false] });
}

export const TRICLINIC = [4.3, 0.2, -0.3, 1.1, 4.0, 0.25, -0.6, 0.9, 4.6];

/** Coefficients that keep every order at a comparable scale (B values of order ν grow like A^ν). */
export function randomCoefficients(basis: AceBasis, seed: number): Float64Array {
    const rnd = seededRandom(seed);
    return Float64Array.from({ length: basis.size }, (_, k) => (rnd() - 0.5) * 10 ** -(basis.bodyOrder[k] - 2));
}

export function maxAbs(a: ArrayLike<number>): number {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
    return m;
}
