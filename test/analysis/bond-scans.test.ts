/**
 * src/analysis/bond-scans.ts: the evaluator chosen for the model (a PACE potential in full, an acelens model
 * incrementally: both give the energy of the displaced structure evaluated from scratch), the grid index, the CSV.
 */
import { describe, expect, it } from 'vitest';
import { bondScanCsv, nearestScanIndex, scanBond } from '../../src/analysis/bond-scans';
import { Model } from '../../src/model/model';
import { displacedFrame } from '../../src/scan/bond-scan';
import { randomCell, TRICLINIC } from '../engine/helpers';
import { randomModelFile, smallSpec } from '../scan/helpers';

describe('bond scans shared by the panel and acelens scan', () => {
    const model = new Model(randomModelFile(smallSpec(3, 'standard', 4.5), 5));
    const frame = randomCell(6, 7, TRICLINIC, 1.2);

    it('scanBond (acelens model: incremental) gives the energy of each displaced structure evaluated in full', () => {
        const scan = scanBond(model, frame, { i: 1, j: 4, from: 1.2, to: 2.6, points: 6 });
        expect(scan.r).toHaveLength(6);
        scan.r.forEach((r, k) => {
            const full = model.predict(displacedFrame(frame, 1, 4, r), { forces: false }).energy;
            expect(scan.energy[k]).toBeCloseTo(full, 9);
            expect(scan.relativeEnergy[k]).toBeCloseTo(full - scan.startEnergy, 9);
        });
    });

    it('nearestScanIndex: nearest grid point, lower index on ties, −1 for no grid', () => {
        const g = [1, 1.5, 2, 2.5];
        expect(nearestScanIndex(g, 0.2)).toBe(0);
        expect(nearestScanIndex(g, 1.74)).toBe(1);
        expect(nearestScanIndex(g, 1.75)).toBe(1);
        expect(nearestScanIndex(g, 1.76)).toBe(2);
        expect(nearestScanIndex(g, 9)).toBe(3);
        expect(nearestScanIndex([], 1)).toBe(-1);
    });

    it('bondScanCsv: one r column, three columns per model, full precision; refuses scans of another bond or grid', () => {
        const a = scanBond(model, frame, { i: 1, j: 4, from: 1.2, to: 2.6, points: 4 });
        const csv = bondScanCsv([{ name: 'A', scan: a }, { name: 'B, "quoted"', scan: a }]).trimEnd().split('\n');
        expect(csv).toHaveLength(5);
        expect(csv[0]).toBe('r_A,A E-E_start eV,A E eV,A F_bond eV/A,"B, ""quoted"" E-E_start eV","B, ""quoted"" E eV","B, ""quoted"" F_bond eV/A"');
        const row = csv[2].split(',').map(Number);
        expect(row[0]).toBe(a.r[1]);
        expect(row[1]).toBe(a.relativeEnergy[1]);
        expect(row[2]).toBe(a.energy[1]);
        expect(row[3]).toBe(a.forceAlongBond[1]);
        const other = scanBond(model, frame, { i: 1, j: 4, from: 1.2, to: 2.6, points: 5 });
        expect(() => bondScanCsv([{ name: 'A', scan: a }, { name: 'C', scan: other }])).toThrow(/C is not a scan of atoms 1–4 on the same distances as A/);
        expect(() => bondScanCsv([])).toThrow(/no scan/);
    });
});
