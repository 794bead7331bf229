import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtXyz } from '../../src/io/extxyz';
import { dimerCurve } from '../../src/scan/dimer';
import { diamond } from '../../src/structure/build';
import { makeFrame } from '../../src/structure/frame';
import {
    curveGrid, curveWarnings, dftDeviation, dimerCsv, dimerShapeWarnings, modelCurveLabel, nearestGridIndex, dimerXyz, modelDimerCurve, pairDistanceHistogram, parseDftDimerCurve, selfInteractionLine, spinStateName,
} from '../../src/analysis/dimer-curves';
import { randomModel, smallSpec } from '../scan/helpers';

const ASSET = resolve(__dirname, '../../assets/c2-dimer-curve.xyz');

describe('DFT dimer curve asset', () => {
    it('reads every dimer point of the file as it is now: binding energy E − 2E0, r, spin state', () => {
        const text = readFileSync(ASSET, 'utf8');
        const curve = parseDftDimerCurve(text);
        const frames = parseExtXyz(text);
        const dimers = frames.filter(f => f.configType === 'dimer_curve');
        expect(curve.points.length).toBe(dimers.length);
        expect(curve.points.length).toBeGreaterThan(0);
        const e0 = frames.find(f => f.configType === 'isolated_atom')!.energy!;
        expect(curve.e0).toBe(e0);
        for (const f of dimers) {
            const p = curve.points.find(q => q.r === Number(f.info.r))!;
            expect(p.binding).toBeCloseTo(f.energy! - 2 * e0, 6);
            expect([0, 2, 4]).toContain(p.magmom);
            // the distance of the two atoms is r
            const d = Math.hypot(f.positions[3] - f.positions[0], f.positions[4] - f.positions[1], f.positions[5] - f.positions[2]);
            expect(d).toBeCloseTo(p.r, 6);
        }
        for (let k = 1; k < curve.points.length; k++) expect(curve.points[k].r).toBeGreaterThan(curve.points[k - 1].r);
        expect(spinStateName(2)).toBe('triplet (M = 2 μB)');
    });

    it('a frame still being written is skipped, the earlier points are kept', () => {
        const text = readFileSync(ASSET, 'utf8');
        const full = parseDftDimerCurve(text);
        const cut = text.slice(0, text.trimEnd().lastIndexOf('\n'));
        const partial = parseDftDimerCurve(cut);
        expect(partial.points.length).toBe(full.points.length - 1);
        expect(partial.skipped.length).toBe(1);
    });
});

/** Three frames in the asset's format (as written by tools/dft for the DFT curve), built here. */
const SAMPLE = [
    '1',
    'Lattice="10.0 0.0 0.0 0.0 10.5 0.0 0.0 0.0 11.0" Properties=species:S:1:pos:R:3:forces:R:3 config_type=isolated_atom magmom=2 energy=-1.25 pbc="F F F"',
    'C 5.0 5.25 5.5 0.0 0.0 0.0',
    '2',
    'Lattice="10.0 0.0 0.0 0.0 10.5 0.0 0.0 0.0 16.0" Properties=species:S:1:pos:R:3:forces:R:3 config_type=dimer_curve r=2.0 magmom=4 energy_m0=1.0 energy_m2=-3.0 energy_m4=-3.5 binding_energy=-1.0 binding_energy_spin_paired=3.6 energy=-3.5 pbc="F F F"',
    'C 5.0 5.25 7.0 0.0 0.0 -1.0',
    'C 5.0 5.25 9.0 0.0 0.0 1.0',
    '2',
    'Lattice="10.0 0.0 0.0 0.0 10.5 0.0 0.0 0.0 16.0" Properties=species:S:1:pos:R:3:forces:R:3 config_type=dimer_curve r=1.25 magmom=2 energy_m0=-6.0 energy_m2=-8.0 energy_m4=-2.0 binding_energy=-5.5 energy=-8.0 pbc="F F F"',
    'C 5.0 5.25 7.0 0.0 0.0 -1.0',
    'C 5.0 5.25 8.25 0.0 0.0 1.0',
    '',
].join('\n');

describe('DFT dimer curve format (sample built here, independent of the asset)', () => {
    it('E0 from the isolated atom, points sorted by r with binding energy and spin moment', () => {
        const c = parseDftDimerCurve(SAMPLE);
        expect(c.e0).toBe(-1.25);
        expect(c.points).toEqual([{ r: 1.25, binding: -5.5, magmom: 2 }, { r: 2.0, binding: -1.0, magmom: 4 }]);
        // the spin-unpolarised convention only where the frame records it
        expect(c.spinPaired).toEqual([{ r: 2.0, binding: 3.6 }]);
        expect(c.skipped).toEqual([]);
        const cut = parseDftDimerCurve(SAMPLE.slice(0, SAMPLE.lastIndexOf('C 5.0')));
        expect(cut.points).toEqual([{ r: 2.0, binding: -1.0, magmom: 4 }]);
        expect(cut.skipped).toHaveLength(1);
    });
});

describe('model curves', () => {
    it('curveGrid merges the DFT distances inside the range', () => {
        expect(curveGrid(1, 2, 3, [1.25, 2, 3, 0.5])).toEqual([1, 1.25, 1.5, 2]);
    });

    it('modelDimerCurve equals dimerCurve on the grid; force is −dE/dr', () => {
        const model = randomModel(smallSpec(3), 4);
        const grid = curveGrid(0.8, 4, 9, [1.234]);
        const c = modelDimerCurve(model, 'm', grid);
        const ref = dimerCurve(model, { rmin: 0.8, rmax: 4, points: 9 });
        expect(c.r).toEqual(grid);
        const k = grid.indexOf(ref.r[3]);
        expect(c.energy[k]).toBe(ref.energy[3]);
        expect(c.force[k]).toBe(ref.force[3]);
        expect(c.contributions[3][k]).toBe(ref.contributions[3][3]);
        const h = 1e-5;
        const fd = modelDimerCurve(model, 'm', [1.7 - h, 1.7, 1.7 + h]);
        expect(fd.force[1]).toBeCloseTo(-(fd.energy[2] - fd.energy[0]) / (2 * h), 5);
    });

    it('self-interaction line: exactly zero for the purified basis, non-zero for the standard one', () => {
        const grid = curveGrid(0.8, 4.4, 30);
        const p = modelDimerCurve(randomModel(smallSpec(4, 'purified'), 8), 'p', grid);
        expect(selfInteractionLine(p)).toMatch(/^self-interaction-free basis: K ≥ 3 contributions (are exactly zero|vanish to round-off) \(max \|E_K\| = /);
        const s = modelDimerCurve(randomModel(smallSpec(4, 'standard'), 8), 's', grid);
        expect(selfInteractionLine(s)).toMatch(/^standard basis: self-interaction/);
        expect(selfInteractionLine(modelDimerCurve(randomModel(smallSpec(2), 8), 'k2', grid))).toMatch(/K = 2 model/);
    });
});

describe('shared by the panel, the plot and acelens dimer', () => {
    it('dimerCurve on an explicit grid: the same values as on the even grid, one evaluation per distance; bad grids throw', () => {
        const model = randomModel(smallSpec(3), 4);
        const even = dimerCurve(model, { rmin: 0.8, rmax: 4, points: 5 });
        const given = dimerCurve(model, { grid: even.r });
        expect(given).toEqual(even);
        let calls = 0;
        const counting = { order: model.order, e0: model.e0, predict: (f: any, o: any) => { calls++; return model.predict(f, o); } };
        dimerCurve(counting, { grid: [1, 1.5, 2] });
        expect(calls).toBe(3);
        expect(() => dimerCurve(model, { grid: [] })).toThrow(/no distances/);
        expect(() => dimerCurve(model, { grid: [1, -1] })).toThrow(/every distance must be a number > 0 Å, got -1/);
    });

    it('modelCurveLabel adds K and the basis when the name does not say them', () => {
        expect(modelCurveLabel({ name: 'K=3 standard · carbon', order: 3, variant: 'standard' })).toBe('K=3 standard · carbon');
        expect(modelCurveLabel({ name: 'carbon.yace', order: 4, variant: 'standard' })).toBe('carbon.yace (K = 4)');
        expect(modelCurveLabel({ name: 'mine', order: 5, variant: 'purified' })).toBe('mine (K = 5, self-interaction-free)');
        expect(modelCurveLabel({ name: 'K = 2 self-interaction-free', order: 2, variant: 'purified' })).toBe('K = 2 self-interaction-free');
    });

    it('nearestGridIndex: binary search on a sorted grid', () => {
        const g = [0.5, 1, 1.25, 3];
        expect([0, 0.76, 1.1, 1.2, 2.2, 9].map(x => nearestGridIndex(g, x))).toEqual([0, 1, 1, 2, 3, 3]);
        expect(nearestGridIndex([], 1)).toBe(-1);
    });

    it('dftDeviation: RMS and largest |ΔE| over the DFT points in range, the minima', () => {
        const curve = { r: [1, 1.2, 1.5, 2, 3], energy: [2, -5, -6, -3, -0.5], force: [0, 0, 0, 0, 0], contributions: {}, name: 'm', order: 2, variant: 'standard', rcut: 5 };
        const dft = [{ r: 1.2, binding: -6, magmom: 2 }, { r: 2, binding: -2, magmom: 2 }, { r: 3, binding: -0.5, magmom: 4 }, { r: 1.7, binding: -4, magmom: 2 }];
        // 1.7 Å is not on the model grid: skipped; 3 Å is outside [1.1, 2.5]
        const d = dftDeviation(curve, dft, 1.1, 2.5);
        expect(d.points).toBe(2);
        expect(d.rms).toBeCloseTo(1, 12);
        expect(d.maxAbs).toBe(1);
        expect(d.modelMinimum).toEqual({ r: 1.5, energy: -6 });
        expect(d.dftMinimum).toEqual({ r: 1.2, energy: -6 });
        expect(dftDeviation(curve, [], 1, 2).rms).toBeNaN();
    });

    it('curveWarnings: the asymptote is the DFT point at the last distance when there is one, else 0', () => {
        const r = [0.9, 1.3, 2, 3, 4, 6];
        const energy = [5, -6, -3, -1, -0.6, -0.5];
        const force = [20, 0.5, -3, -1, -0.1, -0.01];
        expect(curveWarnings({ r, energy, force }, []).some(w => /wrong asymptote/.test(w))).toBe(true);
        expect(curveWarnings({ r, energy, force }, [{ r: 6, binding: -0.45, magmom: 4 }])).toEqual([]);
    });
});

describe('dimerShapeWarnings', () => {
    const r = curveGrid(0.7, 5, 200);
    const morse = (x: number) => 6 * ((1 - Math.exp(-2 * (x - 1.3))) ** 2 - 1);
    const dmorse = (x: number) => -6 * 2 * (1 - Math.exp(-2 * (x - 1.3))) * 2 * Math.exp(-2 * (x - 1.3));
    it('a Morse curve passes', () => {
        expect(dimerShapeWarnings(r, r.map(morse), r.map(dmorse))).toEqual([]);
    });
    it('flags a missing wall, a bump in the tail and a wrong asymptote', () => {
        const noWall = r.map(x => (x < 1.3 ? morse(1.3) : morse(x)));
        const w1 = dimerShapeWarnings(r, noWall.map((e, k) => e - 1e-4 * k * 0), r.map(x => (x < 1.3 ? 0 : dmorse(x))));
        expect(w1.join('\n')).toMatch(/no repulsive wall|no minimum/);
        const bump = (x: number) => morse(x) + 2 * Math.exp(-((x - 2.8) ** 2) / 0.02);
        const dbump = (x: number) => dmorse(x) + 2 * Math.exp(-((x - 2.8) ** 2) / 0.02) * (2 * (x - 2.8)) / 0.02;
        const w2 = dimerShapeWarnings(r, r.map(bump), r.map(dbump));
        expect(w2.join('\n')).toMatch(/force changes sign 2× beyond the minimum/);
        const shifted = dimerShapeWarnings(r, r.map(x => morse(x) - 1), r.map(dmorse));
        expect(shifted.join('\n')).toMatch(/wrong asymptote: E\(5\.00 Å\) = -1\.0\d eV/);
        expect(dimerShapeWarnings(r, r.map(x => morse(x) - 1), r.map(dmorse), { asymptote: -1 })).toEqual([]);
    });
});

describe('pairDistanceHistogram', () => {
    it('diamond: 2 nearest-neighbour pairs per atom at 1.545 Å, counted once', () => {
        const f = diamond([1, 1, 1]);
        const h = pairDistanceHistogram([f], 2.0, 40);
        expect(h.nearest!.min).toBeCloseTo(3.567 * Math.sqrt(3) / 4, 9);
        expect(h.nearest!.max).toBeCloseTo(h.nearest!.min, 9);
        expect(h.pairs).toBe(2 * f.natoms);
        const b = Math.floor(h.nearest!.min / (2.0 / 40));
        expect(h.counts[b]).toBe(16);
    });
    it('a one-atom cell: its own images are pairs, each counted once', () => {
        const f = makeFrame({ positions: [0, 0, 0], cell: [2, 0, 0, 0, 2, 0, 0, 0, 2], pbc: [true, true, true] });
        const h = pairDistanceHistogram([f], 2.5, 25);
        expect(h.pairs).toBe(3);
        const m = pairDistanceHistogram([makeFrame({ positions: [0, 0, 0, 1.25, 0, 0] })], 3, 30);
        expect(m.pairs).toBe(1);
        expect(m.counts[12]).toBe(1);
    });
});

describe('export and 3D', () => {
    it('CSV: one row per grid point, DFT where it has a point, every model and each K of the chosen one', () => {
        const grid = curveGrid(1, 2, 3, [1.25]);
        const a = modelDimerCurve(randomModel(smallSpec(3), 1), 'model A', grid);
        const b = modelDimerCurve(randomModel(smallSpec(2), 2), 'B, "quoted"', grid);
        const csv = dimerCsv([a, b], [{ r: 1.25, binding: -5.5, magmom: 2 }, { r: 0.9, binding: 3.3, magmom: 2 }], a);
        const lines = csv.trimEnd().split('\n');
        expect(lines[0]).toBe('r_A,dft_binding_eV,dft_magmom_muB,model A E-2E0 eV,"B, ""quoted"" E-2E0 eV",model A K=2 eV,model A K=3 eV');
        expect(lines).toHaveLength(1 + 4 + 1);
        expect(lines[2].split(',').slice(0, 4)).toEqual(['1.25', '-5.5', '2', String(a.energy[1])]);
        expect(lines[1].split(',')[1]).toBe('');
        expect(lines[5]).toBe('0.9,3.3,2');
    });
    it('dimerXyz: two C atoms at distance r', () => {
        const lines = dimerXyz(1.2345).trim().split('\n');
        expect(lines[0]).toBe('2');
        const x = lines.slice(2).map(l => Number(l.split(/\s+/)[1]));
        expect(x[1] - x[0]).toBeCloseTo(1.2345, 6);
    });
});
