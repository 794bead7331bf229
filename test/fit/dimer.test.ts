import { describe, expect, it } from 'vitest';
import { AceBasis } from '../../src/ace/basis';
import { predict } from '../../src/ace/evaluate';
import { fitModel } from '../../src/fit/fit';
import { Model } from '../../src/model/model';
import { dimerCurve } from '../../src/scan/dimer';
import { dimer } from '../../src/structure/build';
import { E0, smallSpec, syntheticData } from './data';

async function fitted(variant: 'standard' | 'purified') {
    const spec = smallSpec(4, variant);
    const { frames } = syntheticData(spec, 10, 81);
    return new Model((await fitModel(frames, { spec, lambda: 1e-6 })).model);
}

describe('dimerCurve', () => {
    it('E(r) − 2E0 on an even grid; the body-order parts add up to it (standard basis: all K contribute)', async () => {
        const model = await fitted('standard');
        const curve = dimerCurve(model, { rmin: 0.8, rmax: 4.5, points: 38 });
        expect(curve.r).toHaveLength(38);
        expect(curve.r[0]).toBe(0.8);
        expect(curve.r[37]).toBeCloseTo(4.5, 12);
        expect(curve.r[1] - curve.r[0]).toBeCloseTo(0.1, 12);
        expect(Object.keys(curve.contributions)).toEqual(['2', '3', '4']);
        curve.r.forEach((r, i) => {
            const direct = predict(model.basis, model.coefficients, model.e0, dimer(r), { forces: false }).energy - 2 * E0;
            expect(curve.energy[i]).toBeCloseTo(direct, 9);
            const sum = curve.contributions[2][i] + curve.contributions[3][i] + curve.contributions[4][i];
            expect(sum).toBeCloseTo(curve.energy[i], 9);
        });
        // self-interaction: higher orders are not zero on a dimer inside the cutoff
        expect(Math.max(...curve.contributions[3].map(Math.abs))).toBeGreaterThan(1e-6);
        // beyond the cutoff the dimer does not interact
        expect(curve.energy[37]).toBe(0);
    });

    it('purified basis: only K = 2 contributes to a dimer', async () => {
        const model = await fitted('purified');
        const curve = dimerCurve(model, { rmin: 0.8, rmax: 4.5, points: 20 });
        for (const K of [3, 4]) for (const v of curve.contributions[K]) expect(Math.abs(v)).toBeLessThan(1e-10);
        curve.energy.forEach((e, i) => expect(curve.contributions[2][i]).toBeCloseTo(e, 9));
    });

    it('defaults 0.6–6 Å, 200 points; rejects bad ranges', async () => {
        const model = new Model({ ...(await fitted('standard')).file });
        const curve = dimerCurve(model);
        expect(curve.r).toHaveLength(200);
        expect(curve.r[0]).toBe(0.6);
        expect(curve.r[199]).toBeCloseTo(6, 12);
        expect(() => dimerCurve(model, { rmin: 3, rmax: 2 })).toThrow(/rmax/);
        expect(() => dimerCurve(model, { points: 1 })).toThrow(/points/);
        expect(AceBasis.create(model.spec).size).toBe(model.coefficients.length);
    });
});
