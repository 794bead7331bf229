import { describe, expect, it } from 'vitest';
import { dominantEnergyError, MetricsAccumulator, structureErrors } from '../../src/fit/metrics';

describe('MetricsAccumulator', () => {
    it('energy errors per atom (meV/atom) per structure, force errors over components (meV/Å), per config_type', () => {
        const acc = new MetricsAccumulator();
        // structure A: 2 atoms, ΔE = +0.02 eV → +10 meV/atom; ΔF components: 0.001 × 6 → RMSE 1 meV/Å
        const a = acc.add('bulk', 2, -10.02 + 0.04, [1, 0, 0, 0, 0, 0].map((x) => x + 0.001), -10.02, [1, 0, 0, 0, 0, 0]);
        expect(a.energy_error_meV_atom).toBeCloseTo(20, 9);
        expect(a.force_rmse_meV_A).toBeCloseTo(1, 9);
        // structure B: 1 atom... 4 atoms, ΔE = −0.004 eV → −1 meV/atom; forces with errors 0.003 on 3 of 12 components
        const fB = new Array(12).fill(0);
        const fBp = fB.slice();
        fBp[0] = 0.003;
        fBp[4] = -0.003;
        fBp[11] = 0.003;
        const b = acc.add('surface', 4, -20.004, fBp, -20, fB);
        expect(b.energy_error_meV_atom).toBeCloseTo(-1, 9);
        expect(b.force_rmse_meV_A).toBeCloseTo(1000 * Math.sqrt((3 * 0.003 ** 2) / 12), 9);
        // structure C: no labels at all
        const c = acc.add(undefined, 3, -1, null, undefined, undefined);
        expect(c).toEqual({ energy_error_meV_atom: null, force_rmse_meV_A: null });

        const r = acc.report();
        expect(r.structures).toBe(3);
        expect(r.atoms).toBe(9);
        expect(r.energy_count).toBe(2);
        expect(r.energy_rmse_meV_atom).toBeCloseTo(Math.sqrt((20 ** 2 + 1 ** 2) / 2), 9);
        expect(r.energy_mae_meV_atom).toBeCloseTo((20 + 1) / 2, 9);
        expect(r.force_count).toBe(18);
        expect(r.force_rmse_meV_A).toBeCloseTo(1000 * Math.sqrt((6 * 0.001 ** 2 + 3 * 0.003 ** 2) / 18), 9);
        expect(r.force_mae_meV_A).toBeCloseTo((1000 * (6 * 0.001 + 3 * 0.003)) / 18, 9);
        expect(Object.keys(r.per_config_type)).toEqual(['bulk', 'default', 'surface']);
        expect(r.per_config_type.bulk.energy_rmse_meV_atom).toBeCloseTo(20, 9);
        expect(r.per_config_type.surface.force_rmse_meV_A).toBeCloseTo(b.force_rmse_meV_A!, 9);
        expect(r.per_config_type.default.energy_rmse_meV_atom).toBeNull();
        expect(r.per_config_type.default.force_rmse_meV_A).toBeNull();
    });
});

describe('structureErrors', () => {
    it('equals the errors returned by MetricsAccumulator.add', () => {
        const f = [0.1, -0.2, 0.3, 0, 0, 0.05];
        const fd = [0.1, -0.25, 0.3, 0.01, 0, 0];
        const a = new MetricsAccumulator().add('x', 2, -3.1, f, -3, fd);
        const b = structureErrors(2, -3.1, f, -3, fd);
        expect(b.energy_error_meV_atom).toBeCloseTo(a.energy_error_meV_atom!, 12);
        expect(b.force_rmse_meV_A).toBeCloseTo(a.force_rmse_meV_A!, 12);
        expect(structureErrors(2, -3.1, f, undefined, undefined)).toEqual({ energy_error_meV_atom: null, force_rmse_meV_A: null });
    });
});

describe('dominantEnergyError', () => {
    it('names the config_type with the largest summed squared energy error and its share of the total', () => {
        const acc = new MetricsAccumulator();
        // per-atom errors (eV): a: 0.01, 0.01 (2 structures); b: 0.1 (1); c: no energy label
        acc.add('a', 2, 0.02, null, 0, undefined);
        acc.add('a', 4, 0.04, null, 0, undefined);
        acc.add('b', 1, 0.1, null, 0, undefined);
        acc.add('c', 3, 5, null, undefined, undefined);
        const d = dominantEnergyError(acc.report())!;
        expect(d.configType).toBe('b');
        expect(d.structures).toBe(1);
        expect(d.energy_rmse_meV_atom).toBeCloseTo(100, 9);
        // Σ (ΔE/N)²: a 2 × 0.01², b 0.1² → b's share 0.01 / 0.0102
        expect(d.share).toBeCloseTo(0.01 / 0.0102, 12);
    });
    it('is null without energy labels or when every energy is exact', () => {
        const none = new MetricsAccumulator();
        none.add('a', 2, 1, null, undefined, undefined);
        expect(dominantEnergyError(none.report())).toBeNull();
        const exact = new MetricsAccumulator();
        exact.add('a', 2, 1, null, 1, undefined);
        expect(dominantEnergyError(exact.report())).toBeNull();
    });
});
