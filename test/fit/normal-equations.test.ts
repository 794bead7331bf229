import { describe, expect, it } from 'vitest';
import { addRows, addStructure, createSums, mergeSums, symmetrize, type StructureRows } from '../../src/fit/normal-equations';
import { makeFrame } from '../../src/structure/frame';
import { maxAbsDiff, rng } from './helpers';

/** Explicit weighted normal equations of stacked rows. */
function explicit(rows: number[][], y: number[], w: number[], n: number) {
    const A = new Float64Array(n * n);
    const b = new Float64Array(n);
    let yty = 0;
    rows.forEach((r, k) => {
        const w2 = w[k] * w[k];
        yty += w2 * y[k] * y[k];
        for (let i = 0; i < n; i++) {
            b[i] += w2 * r[i] * y[k];
            for (let j = 0; j < n; j++) A[i * n + j] += w2 * r[i] * r[j];
        }
    });
    return { A, b, yty };
}

function fakeStructure(natoms: number, n: number, seed: number, withStress = false) {
    const rnd = rng(seed);
    const rows: StructureRows = {
        natoms,
        nbasis: n,
        energy: Float64Array.from({ length: n }, () => rnd() * 10),
        forces: Float64Array.from({ length: 3 * natoms * n }, () => rnd() - 0.5),
        virial: Float64Array.from({ length: 9 * n }, () => rnd() - 0.5),
    };
    const L = 4 + natoms;
    const frame = makeFrame({
        positions: Array.from({ length: 3 * natoms }, () => rnd() * L),
        cell: [L, 0, 0, 0, L, 0, 0, 0, L],
        energy: -150 * natoms + rnd(),
        forces: Array.from({ length: 3 * natoms }, () => rnd() - 0.5),
        stress: withStress ? Array.from({ length: 9 }, () => (rnd() - 0.5) * 0.01) : undefined,
    });
    return { rows, frame };
}

describe('addRows', () => {
    it('equals the explicit XᵀW²X, XᵀW²y, yᵀW²y for row counts around the 4-row blocking (incl. zero rows)', () => {
        const n = 6;
        for (const count of [1, 3, 4, 5, 9]) {
            const rnd = rng(count);
            const X = Float64Array.from({ length: count * n }, () => (rnd() < 0.2 ? 0 : rnd() - 0.5));
            const y = Array.from({ length: count }, () => rnd());
            const sums = createSums(n);
            addRows(sums, X, 0, count, 0.7, y);
            symmetrize(sums);
            const rows = Array.from({ length: count }, (_, r) => Array.from(X.subarray(r * n, r * n + n)));
            const ref = explicit(rows, y, new Array(count).fill(0.7), n);
            expect(maxAbsDiff(sums.xtx, ref.A)).toBeLessThan(1e-12);
            expect(maxAbsDiff(sums.xty, ref.b)).toBeLessThan(1e-12);
            expect(sums.yty).toBeCloseTo(ref.yty, 12);
        }
    });
});

describe('addStructure', () => {
    it('weights energy rows by w_E/N (target E − N·E0), forces by w_F/√(3N), virials by w_V/(3N) with W = −σV', () => {
        const n = 5;
        const natoms = 3;
        const { rows, frame } = fakeStructure(natoms, n, 42, true);
        const w = { e0: -155.5, energyWeight: 2, forceWeight: 0.5, virialWeight: 3 };
        const sums = createSums(n);
        addStructure(sums, rows, frame, w);
        symmetrize(sums);
        const stacked: number[][] = [Array.from(rows.energy)];
        const y = [frame.energy! - natoms * w.e0];
        const ws = [w.energyWeight / natoms];
        for (let r = 0; r < 3 * natoms; r++) {
            stacked.push(Array.from(rows.forces!.subarray(r * n, r * n + n)));
            y.push(frame.forces![r]);
            ws.push(w.forceWeight / Math.sqrt(3 * natoms));
        }
        const V = frame.cell![0] * frame.cell![4] * frame.cell![8];
        for (let r = 0; r < 9; r++) {
            stacked.push(Array.from(rows.virial!.subarray(r * n, r * n + n)));
            y.push(-frame.stress![r] * V);
            ws.push(w.virialWeight / (3 * natoms));
        }
        const ref = explicit(stacked, y, ws, n);
        expect(maxAbsDiff(sums.xtx, ref.A) / Math.max(...ref.A.map(Math.abs))).toBeLessThan(1e-13);
        expect(maxAbsDiff(sums.xty, ref.b) / Math.max(...ref.b.map(Math.abs))).toBeLessThan(1e-13);
        expect(sums.energyRows).toBe(1);
        expect(sums.forceRows).toBe(9);
        expect(sums.virialRows).toBe(9);
        expect(sums.structures).toBe(1);
    });

    it("energyNorm 'sqrt-atoms' weights energy rows w_E/√N", () => {
        const n = 4;
        const natoms = 5;
        const { rows, frame } = fakeStructure(natoms, n, 7);
        const w = { e0: -150, energyWeight: 3, forceWeight: 0, virialWeight: 0 };
        const a = createSums(n);
        addStructure(a, rows, frame, { ...w, energyNorm: 'sqrt-atoms' });
        symmetrize(a);
        const ref = explicit([Array.from(rows.energy)], [frame.energy! - natoms * w.e0], [3 / Math.sqrt(natoms)], n);
        expect(maxAbsDiff(a.xtx, ref.A) / Math.max(...ref.A.map(Math.abs))).toBeLessThan(1e-14);
        expect(maxAbsDiff(a.xty, ref.b) / Math.max(...ref.b.map(Math.abs))).toBeLessThan(1e-14);
    });

    it('adds no rows for labels with weight 0 or missing', () => {
        const { rows, frame } = fakeStructure(2, 4, 1, false);
        const sums = createSums(4);
        addStructure(sums, rows, frame, { e0: 0, energyWeight: 0, forceWeight: 1, virialWeight: 1 });
        expect(sums.energyRows).toBe(0);
        expect(sums.forceRows).toBe(6);
        expect(sums.virialRows).toBe(0); // no stress labelled
    });

    it('partial sums over disjoint subsets merge to the sum over all', () => {
        const n = 7;
        const w = { e0: -150, energyWeight: 1, forceWeight: 1, virialWeight: 0.1 };
        const structures = [2, 5, 1, 4, 3].map((N, k) => fakeStructure(N, n, 100 + k, k % 2 === 0));
        const all = createSums(n);
        for (const s of structures) addStructure(all, s.rows, s.frame, w);
        const a = createSums(n);
        const b = createSums(n);
        structures.forEach((s, k) => addStructure(k < 2 ? a : b, s.rows, s.frame, w));
        mergeSums(a, b);
        expect(maxAbsDiff(a.xtx, all.xtx)).toBeLessThan(1e-9);
        expect(maxAbsDiff(a.xty, all.xty)).toBeLessThan(1e-9);
        expect(a.yty).toBeCloseTo(all.yty, 6);
        expect(a.structures).toBe(5);
        expect(a.forceRows).toBe(all.forceRows);
        expect(() => mergeSums(createSums(3), createSums(4))).toThrow(/3 and 4/);
    });
});

describe('assemblyChunks', () => {
    it('cuts the structures into the non-empty shards of shardPlan(·, 16): every structure exactly once, ascending', async () => {
        const { assemblyChunks } = await import('../../src/fit/assemble');
        const frame = (natoms: number) => ({ natoms }) as never;
        expect(assemblyChunks([])).toEqual([]);
        expect(assemblyChunks([frame(2), frame(5), frame(3)])).toEqual([[1], [2], [0]]);
        const frames = Array.from({ length: 100 }, (_, s) => frame(1 + ((s * 7) % 13)));
        const chunks = assemblyChunks(frames);
        expect(chunks).toHaveLength(16);
        expect(chunks.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, s) => s));
        for (const c of chunks) expect(c).toEqual([...c].sort((a, b) => a - b));
    });
});

describe('addStructure: per-config_type, per-structure and per-atom weights', () => {
    it('a config_type entry replaces the global weights; info keys multiply; force_weights weight each atom (zero drops it)', () => {
        const n = 5;
        const natoms = 4;
        const { rows, frame } = fakeStructure(natoms, n, 11, true);
        frame.configType = 'Liquid';
        frame.info.energy_weight = 2;
        frame.info.force_weight = 0.5;
        frame.info.virial_weight = 3;
        const atomW = [1, 0, 2.5, 0.1];
        frame.arrays.force_weights = { type: 'R', ncols: 1, values: Float64Array.from(atomW) };
        const w = {
            e0: -155.5,
            energyWeight: 7,
            forceWeight: 7,
            virialWeight: 7,
            configTypes: { Liquid: { energy: 1 / 0.004, force: 1 / 0.3, virial: 1 / 0.05 }, Other: { energy: 1, force: 1, virial: 1 } },
            frameWeights: true,
        };
        const sums = createSums(n);
        addStructure(sums, rows, frame, w);
        symmetrize(sums);
        const stacked: number[][] = [Array.from(rows.energy)];
        const y = [frame.energy! - natoms * w.e0];
        const ws = [(2 / 0.004) / natoms];
        for (let r = 0; r < 3 * natoms; r++) {
            stacked.push(Array.from(rows.forces!.subarray(r * n, r * n + n)));
            y.push(frame.forces![r]);
            ws.push(((0.5 / 0.3) / Math.sqrt(3 * natoms)) * atomW[Math.floor(r / 3)]);
        }
        const V = frame.cell![0] * frame.cell![4] * frame.cell![8];
        for (let r = 0; r < 9; r++) {
            stacked.push(Array.from(rows.virial!.subarray(r * n, r * n + n)));
            y.push(-frame.stress![r] * V);
            ws.push((3 / 0.05) / (3 * natoms));
        }
        const ref = explicit(stacked, y, ws, n);
        expect(maxAbsDiff(sums.xtx, ref.A) / Math.max(...ref.A.map(Math.abs))).toBeLessThan(1e-13);
        expect(maxAbsDiff(sums.xty, ref.b) / Math.max(...ref.b.map(Math.abs))).toBeLessThan(1e-13);
        expect(sums.yty / ref.yty - 1).toBeLessThan(1e-13);

        // frameWeights off: info keys and the column are ignored; a config_type not in the table keeps the global weights
        const plain = createSums(n);
        addStructure(plain, rows, { ...frame, configType: 'Unlisted' }, { ...w, frameWeights: false });
        const global = createSums(n);
        addStructure(global, rows, { ...frame, configType: 'Unlisted', info: {}, arrays: {} }, { e0: w.e0, energyWeight: 7, forceWeight: 7, virialWeight: 7 });
        expect(maxAbsDiff(plain.xtx, global.xtx)).toBe(0);
    });

    it('bad weights are clear errors', () => {
        const { rows, frame } = fakeStructure(2, 3, 5);
        const w = { e0: 0, energyWeight: 1, forceWeight: 1, virialWeight: 0, frameWeights: true };
        expect(() => addStructure(createSums(3), rows, { ...frame, info: { energy_weight: -1 } }, w)).toThrow(/energy_weight=-1: expected a finite number ≥ 0/);
        expect(() => addStructure(createSums(3), rows, { ...frame, info: { force_weight: 'x' } }, w)).toThrow(/force_weight="x"/);
        const bad = { ...frame, arrays: { force_weights: { type: 'R' as const, ncols: 3, values: new Float64Array(6) } } };
        expect(() => addStructure(createSums(3), rows, bad, w)).toThrow(/force_weights must be one real number per atom/);
    });
});
