import { describe, expect, it } from 'vitest';
import { bondScan, bondVector, displacedFrame, scanGrid } from '../../src/scan/bond-scan';
import { SiteEvaluator } from '../../src/ace/sites';
import { buildNeighbourList } from '../../src/structure/neighbours';
import { diamond, randomCarbonPacking } from '../../src/structure/build';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { randomCell, randomCluster, TRICLINIC } from '../engine/helpers';
import { randomModel, smallSpec } from './helpers';

/** Full re-evaluation of the moved frame at every scan distance. */
function fullScan(model: ReturnType<typeof randomModel>, frame: Frame, i: number, j: number, r: number[]) {
    return r.map((ri) => {
        const moved = displacedFrame(frame, i, j, ri);
        const p = model.predict(moved, { forces: true });
        const { direction: u } = bondVector(frame, i, j);
        const f = p.forces[3 * j] * u[0] + p.forces[3 * j + 1] * u[1] + p.forces[3 * j + 2] * u[2];
        return { energy: p.energy, force: f, byOrder: p.energyByOrder, moved };
    });
}

describe('SiteEvaluator', () => {
    it('site energies and forces from G vectors equal predict', () => {
        const model = randomModel(smallSpec(4, 'purified'), 3);
        const frame = randomCluster(5, 9, 2.4, 1.1);
        const nl = buildNeighbourList(frame, model.spec.rcut);
        const ev = new SiteEvaluator(model.basis, model.coefficients, model.e0);
        const p = model.predict(frame);
        const F = new Float64Array(3 * frame.natoms);
        const G = ev.newG(), gG = ev.newG(), g = new Float64Array(3);
        for (let a = 0; a < frame.natoms; a++) {
            G.fill(0);
            for (let k = nl.offsets[a]; k < nl.offsets[a + 1]; k++) ev.addNeighbour(G, nl.vectors[3 * k], nl.vectors[3 * k + 1], nl.vectors[3 * k + 2]);
            expect(ev.siteEnergy(G, undefined, gG)).toBeCloseTo(p.perAtomEnergy[a], 11);
            for (let k = nl.offsets[a]; k < nl.offsets[a + 1]; k++) {
                ev.neighbourGradient(gG, nl.vectors[3 * k], nl.vectors[3 * k + 1], nl.vectors[3 * k + 2], g);
                const b = nl.index[k];
                for (let d = 0; d < 3; d++) { F[3 * a + d] += g[d]; F[3 * b + d] -= g[d]; }
            }
        }
        for (let t = 0; t < F.length; t++) expect(F[t]).toBeCloseTo(p.forces[t], 10);
    });
});

describe('bondScan', () => {
    const cases: [string, () => Frame, 'standard' | 'purified', number][] = [
        ['molecule (no cell), standard K=4', () => randomCluster(11, 14, 3.0, 1.15), 'standard', 4],
        ['molecule (no cell), purified K=3', () => randomCluster(12, 12, 2.8, 1.15), 'purified', 3],
        ['triclinic periodic cell smaller than the cutoff (j sees its own images), K=4', () => randomCell(13, 6, TRICLINIC, 1.2), 'standard', 4],
        ['diamond 2×2×2, purified K=5', () => diamond([2, 2, 2]), 'purified', 5],
        ['slab (periodic along a and b only, triclinic)', () => { const f = randomCell(17, 8, [5.1, 0, 0, 1.0, 4.8, 0, 0.3, 0.2, 6.5], 1.2); f.pbc = [true, true, false]; return f; }, 'standard', 3],
    ];
    for (const [name, make, variant, K] of cases) {
        it(`equals full re-evaluation of the moved frame: ${name}`, () => {
            const frame = make();
            const model = randomModel(smallSpec(K, variant), 21 + K);
            const i = 1, j = frame.natoms - 2;
            const d0 = bondVector(frame, i, j).distance;
            // a range that crosses the start distance and reaches beyond it
            const scan = bondScan(model, frame, { i, j, from: Math.max(0.9, d0 - 0.4), to: d0 + 1.3, points: 17 });
            const ref = fullScan(model, frame, i, j, scan.r);
            const start = model.predict(frame, { forces: false }).energy;
            expect(scan.startEnergy).toBeCloseTo(start, 9);
            expect(scan.startDistance).toBeCloseTo(d0, 14);
            scan.r.forEach((r, p) => {
                // the moved frame has the tracked image of j at distance r from i (in a small cell it need not stay the nearest image)
                const v0 = bondVector(frame, i, j).vector;
                const tracked = [0, 1, 2].map((d) => v0[d] + ref[p].moved.positions[3 * j + d] - frame.positions[3 * j + d]);
                expect(Math.hypot(tracked[0], tracked[1], tracked[2])).toBeCloseTo(r, 12);
                expect(Math.abs(scan.energy[p] - ref[p].energy)).toBeLessThan(1e-9);
                expect(Math.abs(scan.relativeEnergy[p] - (ref[p].energy - start))).toBeLessThan(1e-9);
                expect(Math.abs(scan.forceAlongBond[p] - ref[p].force)).toBeLessThan(1e-9);
                for (let k = 2; k <= K; k++) expect(Math.abs(scan.energyByOrder[k][p] - ref[p].byOrder[k])).toBeLessThan(1e-9);
            });
            // the energy changes along the scan (the test is not vacuous) and fewer sites than atoms were needed for big frames
            expect(Math.max(...scan.energy) - Math.min(...scan.energy)).toBeGreaterThan(1e-3);
            expect(scan.maxSitesPerPoint).toBeLessThanOrEqual(frame.natoms);
        });
    }

    it('scan that does not include the start position (old neighbours lose j), reversed direction', () => {
        const frame = randomCluster(31, 16, 3.2, 1.15);
        const model = randomModel(smallSpec(3), 5);
        const i = 0, j = 7;
        const d0 = bondVector(frame, i, j).distance;
        const streamed: number[][] = [];
        const scan = bondScan(model, frame, { i, j, from: d0 + 2.5, to: d0 + 1.0, points: 9, onPoint: (k, r, e, rel) => streamed.push([k, r, e, rel]) });
        expect(streamed).toEqual(scan.r.map((r, k) => [k, r, scan.energy[k], scan.relativeEnergy[k]]));
        expect(scan.r[0]).toBeCloseTo(d0 + 2.5, 12);
        const ref = fullScan(model, frame, i, j, scan.r);
        scan.r.forEach((_, p) => {
            expect(Math.abs(scan.energy[p] - ref[p].energy)).toBeLessThan(1e-9);
            expect(Math.abs(scan.forceAlongBond[p] - ref[p].force)).toBeLessThan(1e-9);
        });
    });

    it('force along the bond is −dE/dr (finite differences)', () => {
        const frame = randomCell(41, 10, [6, 0, 0, 0, 6.5, 0, 0.5, 0, 7], 1.2);
        const model = randomModel(smallSpec(4, 'purified'), 9);
        const h = 1e-5;
        const scan = bondScan(model, frame, { i: 2, j: 5, from: 1.4, to: 1.4 + 2 * h, points: 3 });
        const fd = -(scan.energy[2] - scan.energy[0]) / (2 * h);
        expect(scan.forceAlongBond[1]).toBeCloseTo(fd, 5);
    });

    it('a model with a core repulsion: the scan shows the wall (full evaluation, equal to predict)', () => {
        const frame = randomCell(41, 10, [6, 0, 0, 0, 6.5, 0, 0.5, 0, 7], 1.2);
        const spec = { ...smallSpec(3), coreRepulsion: { kind: 'acejl-core' as const, strength: 600, rInner: 1.0 } };
        const model = randomModel(spec, 9), plain = randomModel(smallSpec(3), 9);
        const scan = bondScan(model, frame, { i: 2, j: 5, from: 0.5, to: 1.4, points: 10 });
        const r = scan.r; // 0.5, 0.6, …, 1.4
        const ref = fullScan(model, frame, 2, 5, r), noWall = fullScan(plain, frame, 2, 5, r);
        r.forEach((_, k) => {
            expect(scan.energy[k]).toBeCloseTo(ref[k].energy, 9);
            expect(scan.forceAlongBond[k]).toBeCloseTo(ref[k].force, 8);
        });
        // V(0.6 Å) ≈ 70 eV is added at 0.6 Å, nothing at 1.4 Å; the force pushes j away from i on the wall
        expect(scan.energy[1] - noWall[1].energy).toBeCloseTo(600 * (Math.exp(-0.4) / 0.6 - 1), 6);
        expect(scan.energy[9]).toBeCloseTo(noWall[9].energy, 9);
        expect(scan.forceAlongBond[0] - noWall[0].force).toBeGreaterThan(100);
    });

    it('only atoms near the moving atom are re-evaluated in a large structure', () => {
        const frame = randomCarbonPacking(400, 2.5, 1.3, 3);
        const model = randomModel(smallSpec(2, 'standard', 4), 2);
        const scan = bondScan(model, frame, { i: 0, j: 1, from: 1.2, to: 2.2, points: 5 });
        expect(scan.maxSitesPerPoint).toBeLessThan(frame.natoms / 3);
        const ref = fullScan(model, frame, 0, 1, scan.r);
        scan.r.forEach((_, p) => expect(Math.abs(scan.energy[p] - ref[p].energy)).toBeLessThan(1e-9));
    });

    it('minimum-image bond across the cell boundary', () => {
        const frame = makeFrame({ positions: [0.2, 0.2, 0.2, 4.7, 0.3, 0.1, 2.5, 2.5, 2.5], cell: [5, 0, 0, 0, 5, 0, 0, 0, 5], pbc: [true, true, true] });
        const b = bondVector(frame, 0, 1);
        expect(b.vector[0]).toBeCloseTo(-0.5, 12);
        expect(b.distance).toBeCloseTo(Math.hypot(0.5, 0.1, 0.1), 12);
        const moved = displacedFrame(frame, 0, 1, 1.3);
        expect(bondVector(moved, 0, 1).distance).toBeCloseTo(1.3, 12);
        // j moves away from i through the boundary: x decreases from 4.7
        expect(moved.positions[3]).toBeLessThan(4.7);
    });

    it('rejects bad input with clear messages', () => {
        const frame = randomCluster(3, 5, 2.0, 1.1);
        const model = randomModel(smallSpec(2), 1);
        expect(() => bondScan(model, frame, { i: 0, j: 5, from: 1, to: 2, points: 5 })).toThrow(/atom j = 5 is not an atom index.*0\.\.4, 5 atoms/);
        expect(() => bondScan(model, frame, { i: -1, j: 2, from: 1, to: 2, points: 5 })).toThrow(/atom i = -1/);
        expect(() => bondScan(model, frame, { i: 1.5, j: 2, from: 1, to: 2, points: 5 })).toThrow(/atom i = 1.5/);
        expect(() => bondScan(model, frame, { i: 2, j: 2, from: 1, to: 2, points: 5 })).toThrow(/must differ/);
        expect(() => bondScan(model, frame, { i: 0, j: 1, from: 0, to: 2, points: 5 })).toThrow(/'from' must be a distance > 0/);
        expect(() => bondScan(model, frame, { i: 0, j: 1, from: 1, to: NaN, points: 5 })).toThrow(/'to'/);
        expect(() => bondScan(model, frame, { i: 0, j: 1, from: 1, to: 1, points: 5 })).toThrow(/give a range/);
        expect(() => bondScan(model, frame, { i: 0, j: 1, from: 1, to: 2, points: 1 })).toThrow(/points must be an integer ≥ 2/);
        expect(scanGrid(1, 2, 3)).toEqual([1, 1.5, 2]);
        // j driven through another atom
        const line = makeFrame({ positions: [0, 0, 0, 1, 0, 0, 2, 0, 0] });
        expect(() => bondScan(model, line, { i: 0, j: 1, from: 1.5, to: 2.5, points: 3 })).toThrow(/lands on atom 2/);
    });
});
