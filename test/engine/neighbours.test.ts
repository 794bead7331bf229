import { describe, expect, it } from 'vitest';
import { buildNeighbourList, nearestNeighbourDistances } from '../../src/structure/neighbours';
import { makeFrame, Frame } from '../../src/structure/frame';
import { seededRandom, randomCarbonPacking } from '../../src/structure/build';

/** Brute force: every (j, shift) with |r_j + shift − r_i| < rcut, shifts in a generous box. */
function brute(frame: Frame, rcut: number): string[] {
    const out: string[] = [];
    const c = frame.cell ?? new Float64Array(9);
    const R = [0, 1, 2].map((d) => (frame.pbc[d] ? 8 : 0));
    for (let i = 0; i < frame.natoms; i++) for (let j = 0; j < frame.natoms; j++)
        for (let a = -R[0]; a <= R[0]; a++) for (let b = -R[1]; b <= R[1]; b++) for (let s = -R[2]; s <= R[2]; s++) {
            if (i === j && a === 0 && b === 0 && s === 0) continue;
            const v = [0, 1, 2].map((d) => frame.positions[3 * j + d] + a * c[d] + b * c[3 + d] + s * c[6 + d] - frame.positions[3 * i + d]);
            const r = Math.hypot(v[0], v[1], v[2]);
            if (r < rcut) out.push(`${i} ${j} ${a} ${b} ${s} ${r.toFixed(9)}`);
        }
    return out.sort();
}

function fromList(frame: Frame, rcut: number): string[] {
    const nl = buildNeighbourList(frame, rcut);
    const out: string[] = [];
    const c = frame.cell ?? new Float64Array(9);
    for (let i = 0; i < nl.natoms; i++) for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++) {
        const j = nl.index[k];
        const [a, b, s] = [nl.shifts[3 * k], nl.shifts[3 * k + 1], nl.shifts[3 * k + 2]];
        // the stored vector must equal r_j + shift − r_i and the distance its norm
        for (let d = 0; d < 3; d++) {
            const expect = frame.positions[3 * j + d] + a * c[d] + b * c[3 + d] + s * c[6 + d] - frame.positions[3 * i + d];
            if (Math.abs(expect - nl.vectors[3 * k + d]) > 1e-9) throw new Error(`vector mismatch for pair ${i}-${j}`);
        }
        const r = Math.hypot(nl.vectors[3 * k], nl.vectors[3 * k + 1], nl.vectors[3 * k + 2]);
        if (Math.abs(r - nl.distances[k]) > 1e-12) throw new Error('distance mismatch');
        out.push(`${i} ${j} ${a} ${b} ${s} ${nl.distances[k].toFixed(9)}`);
    }
    return out.sort();
}

function randomFrame(seed: number, n: number, cell: number[] | null, pbc: [boolean, boolean, boolean], spread = 1): Frame {
    const rnd = seededRandom(seed);
    const pos: number[] = [];
    for (let a = 0; a < n; a++) {
    // positions deliberately also outside the cell (wrapping must handle them)
        const f = [rnd() * 1.6 - 0.3, rnd() * 1.6 - 0.3, rnd() * 1.6 - 0.3];
        if (cell) for (let d = 0; d < 3; d++) pos.push(f[0] * cell[d] + f[1] * cell[3 + d] + f[2] * cell[6 + d]);
        else pos.push(f[0] * spread, f[1] * spread, f[2] * spread);
    }
    return makeFrame({ positions: pos, cell, pbc });
}

describe('neighbour list vs brute force', () => {
    const tri = [4.1, 0.3, -0.2, 1.7, 3.6, 0.4, -0.9, 1.1, 3.9];
    it('triclinic cell, full pbc', () => {
        const f = randomFrame(1, 12, tri, [true, true, true]);
        expect(fromList(f, 3.3)).toEqual(brute(f, 3.3));
    });
    it('small strongly skewed cell: many images, self-images', () => {
        const small = [1.6, 0, 0, 1.4, 1.2, 0, 0.7, 0.5, 1.3];
        const f = randomFrame(2, 2, small, [true, true, true]);
        const l = fromList(f, 4.2);
        expect(l.length).toBeGreaterThan(100);
        expect(l.some((s) => s.startsWith('0 0 '))).toBe(true);
        expect(l).toEqual(brute(f, 4.2));
    });
    it('single atom in a tiny cubic cell', () => {
        const f = makeFrame({ positions: [0.3, 0.2, 0.1], cell: [1.5, 0, 0, 0, 1.5, 0, 0, 0, 1.5] });
        const l = fromList(f, 3.1);
        expect(l).toEqual(brute(f, 3.1));
    });
    it('open boundaries (no cell)', () => {
        const f = randomFrame(3, 40, null, [false, false, false], 9);
        expect(fromList(f, 3.0)).toEqual(brute(f, 3.0));
    });
    it('open boundaries with a cell present and far-apart atoms', () => {
        const f = makeFrame({ positions: [0, 0, 0, 1.2, 0, 0, 500, 0, 0, 501, 0.5, 0], cell: [10, 0, 0, 0, 10, 0, 0, 0, 10], pbc: [false, false, false] });
        expect(fromList(f, 2)).toEqual(brute(f, 2));
    });
    for (const pbc of [[true, false, false], [false, true, true], [true, false, true]] as [boolean, boolean, boolean][]) {
        it(`mixed pbc ${pbc.map((p) => (p ? 'T' : 'F')).join('')}`, () => {
            const f = randomFrame(4, 10, tri, pbc);
            expect(fromList(f, 3.7)).toEqual(brute(f, 3.7));
        });
    }
    it('full list is symmetric: every i→j has j→i with the opposite vector', () => {
        const f = randomFrame(5, 9, tri, [true, true, true]);
        const nl = buildNeighbourList(f, 3.5);
        const keys = new Set<string>();
        for (let i = 0; i < nl.natoms; i++) for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++)
            keys.add(`${i} ${nl.index[k]} ${nl.shifts[3 * k]} ${nl.shifts[3 * k + 1]} ${nl.shifts[3 * k + 2]}`);
        for (let i = 0; i < nl.natoms; i++) for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++)
            expect(keys.has(`${nl.index[k]} ${i} ${-nl.shifts[3 * k]} ${-nl.shifts[3 * k + 1]} ${-nl.shifts[3 * k + 2]}`)).toBe(true);
    });
    it('1000-atom random packing: counts match brute force per atom (sampled)', () => {
        const f = randomCarbonPacking(300, 2.5, 1.3, 7);
        const nl = buildNeighbourList(f, 5);
        const L = f.cell![0];
        for (const i of [0, 17, 123, 299]) {
            let cnt = 0;
            for (let j = 0; j < f.natoms; j++) for (let a = -2; a <= 2; a++) for (let b = -2; b <= 2; b++) for (let c = -2; c <= 2; c++) {
                if (i === j && a === 0 && b === 0 && c === 0) continue;
                const r = Math.hypot(f.positions[3 * j] + a * L - f.positions[3 * i], f.positions[3 * j + 1] + b * L - f.positions[3 * i + 1], f.positions[3 * j + 2] + c * L - f.positions[3 * i + 2]);
                if (r < 5) cnt++;
            }
            expect(nl.offsets[i + 1] - nl.offsets[i]).toBe(cnt);
        }
    });
    it('rejects overlapping atoms and bad cutoffs with clear errors', () => {
        expect(() => buildNeighbourList(makeFrame({ positions: [0, 0, 0, 0, 0, 0] }), 2)).toThrow(/same position/);
        expect(() => buildNeighbourList(makeFrame({ positions: [0, 0, 0] }), -1)).toThrow(/cutoff/);
    });
});

describe('nearest-neighbour distances', () => {
    /** Smallest brute-force distance of each atom (any j and image), Infinity where none is within rmax. */
    function bruteNearest(frame: Frame, rmax: number): number[] {
        const out = new Array<number>(frame.natoms).fill(Infinity);
        for (const line of brute(frame, rmax)) {
            const parts = line.split(' ');
            const i = Number(parts[0]), r = Number(parts[5]);
            if (r < out[i]) out[i] = r;
        }
        return out;
    }
    const cases: [string, Frame, number][] = [
        ['triclinic, full pbc', randomFrame(11, 10, [4.1, 0.3, -0.2, 1.7, 3.6, 0.4, -0.9, 1.1, 3.9], [true, true, true]), 3],
        ['small skewed cell (the nearest is often an own image)', randomFrame(12, 2, [1.6, 0, 0, 1.4, 1.2, 0, 0.7, 0.5, 1.3], [true, true, true]), 2.5],
        ['slab', randomFrame(13, 6, [3.2, 0, 0, 0, 3.4, 0, 0, 0, 12], [true, true, false]), 3],
        ['open boundaries, one atom far from the others', makeFrame({ positions: [0, 0, 0, 1.4, 0.1, 0, 0.3, 1.3, 0.2, 9, 0, 0] }), 2],
    ];
    for (const [name, f, rmax] of cases) {
        it(name, () => {
            const got = Array.from(nearestNeighbourDistances(f, rmax));
            const want = bruteNearest(f, rmax);
            expect(want.some((d) => d < Infinity)).toBe(true);
            for (let i = 0; i < f.natoms; i++) {
                if (want[i] === Infinity) expect(got[i]).toBe(Infinity);
                else expect(got[i]).toBeCloseTo(want[i], 8);
            }
        });
    }
    it('the open-boundary case has an atom without a neighbour within rmax (the Infinity branch is exercised)', () => {
        expect(Array.from(nearestNeighbourDistances(cases[3][1], cases[3][2])).some((d) => d === Infinity)).toBe(true);
    });
});
