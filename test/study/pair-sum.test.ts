/**
 * The DFT curve as a pair potential summed over a structure's pairs (src/study/pair-sum.ts), checked against
 * pair counts worked out by hand and against a brute-force double loop over periodic images.
 */
import { describe, expect, it } from 'vitest';
import { diamond } from '../../src/structure/build';
import { makeFrame } from '../../src/structure/frame';
import { interpolateCurve, pairSum, pairSumSummary } from '../../src/study/pair-sum';

const curve = (pts: [number, number][]) => pts.map(([r, energy]) => ({ r, energy, magmom: null }));

describe('pair sum of the DFT curve', () => {
    it('interpolates linearly between the points and holds the end values outside', () => {
        const c = curve([[1, -4], [2, -2], [4, 0]]);
        expect(interpolateCurve(c, 1.5)).toBeCloseTo(-3, 14);
        expect(interpolateCurve(c, 3)).toBeCloseTo(-1, 14);
        expect(interpolateCurve(c, 0.5)).toBe(-4);
        expect(interpolateCurve(c, 9)).toBe(0);
    });

    it('a constant potential counts the pairs: diamond has 4 first and 12 second neighbours per atom', () => {
        const a = 3.57, d1 = (a * Math.sqrt(3)) / 4, d2 = a / Math.SQRT2, d3 = (a * Math.sqrt(11)) / 4;
        const flat = curve([[0.5, -1], [10, -1]]);
        const cell = diamond([1, 1, 1], a);
        // cutoff between the first and second shell: 4 neighbours per atom, 2 pairs per atom
        expect(pairSum(cell, flat, (d1 + d2) / 2).energy / cell.natoms).toBeCloseTo(-2, 10);
        // between the second and third shell: (4 + 12) / 2 = 8 pairs per atom
        expect(pairSum(cell, flat, (d2 + d3) / 2).energy / cell.natoms).toBeCloseTo(-8, 10);
    });

    it('equals a brute-force double loop over periodic images for a varying potential', () => {
        const c = curve([[0.9, 3], [1.3, -6.9], [2, -3.3], [3, -0.6], [5, 0]]);
        const f = makeFrame({
            positions: [0, 0, 0, 1.4, 0.2, 0, 0.3, 1.5, 0.4, 2.2, 1.7, 1.1],
            cell: [3.1, 0, 0, 0.4, 3.3, 0, 0.2, 0.3, 3.6], pbc: [true, true, true],
        });
        const rc = 4.2;
        let e = 0;
        for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let x = -3; x <= 3; x++) for (let y = -3; y <= 3; y++) for (let z = -3; z <= 3; z++) {
            if (i === j && x === 0 && y === 0 && z === 0) continue;
            const p = [0, 1, 2].map((k) => f.positions[3 * j + k] + x * f.cell![k] + y * f.cell![3 + k] + z * f.cell![6 + k] - f.positions[3 * i + k]);
            const r = Math.hypot(p[0], p[1], p[2]);
            if (r < rc) e += interpolateCurve(c, r) / 2;
        }
        expect(pairSum(f, c, rc).energy).toBeCloseTo(e, 9);
    });

    it('the summary averages per atom over the structures with an energy, leaving out isolated atoms', () => {
        const flat = curve([[0.5, -1], [10, -1]]);
        const atom = makeFrame({ positions: [0, 0, 0], species: ['C'], energy: -1, configType: 'isolated_atom' });
        const cell = { ...diamond([1, 1, 1], 3.57), energy: 8 * -9.0 };
        const s = pairSumSummary([atom, cell], flat, -1, 2.0)!;
        expect(s.structures).toBe(1);
        expect(s.pairSumPerAtom).toBeCloseTo(-2, 10);
        expect(s.dftPerAtom).toBeCloseTo(-8, 12);
        expect(pairSumSummary([atom], flat, -1, 2.0)).toBeNull();
    });
});
