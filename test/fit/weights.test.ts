import { describe, expect, it } from 'vitest';
import { AceBasis } from '../../src/ace/basis';
import { designRows } from '../../src/ace/evaluate';
import { fitModel, isIsolatedAtom } from '../../src/fit/fit';
import { parseWeightsFile, parseWeightsInline, resolveWeights } from '../../src/fit/weights';
import type { Frame } from '../../src/structure/frame';
import { E0, smallSpec, syntheticData } from './data';
import { denseRidge, maxAbsDiff, rng } from './helpers';

describe('weights tables', () => {
    it('YAML and JSON files (σ or weights), inline σ lists; default fills the rest', () => {
        const yaml = parseWeightsFile('default: {sigma_E: 0.01, sigma_F: 0.5, sigma_V: 0.1}\nLiquid: {sigma_E: 0.002}\nDimer: {E: 3, F: 0.5}\n', 'w.yaml');
        const r = resolveWeights(yaml, { energy: 1, force: 1, virial: 1 });
        expect(r.global).toEqual({ energy: 100, force: 2, virial: 10 });
        expect(r.configTypes.Liquid).toEqual({ energy: 500, force: 2, virial: 10 });
        expect(r.configTypes.Dimer).toEqual({ energy: 3, force: 0.5, virial: 10 });
        const json = parseWeightsFile('{"Liquid": {"sigma_E": 0.002, "sigma_F": 0.25}}', 'w.json');
        expect(resolveWeights(json, { energy: 1, force: 1, virial: 4 }).configTypes.Liquid).toEqual({ energy: 500, force: 4, virial: 4 });
        const inline = parseWeightsInline('Liquid=0.002,0.25,0.5; default=0.01,inf');
        expect(resolveWeights(inline, { energy: 1, force: 1, virial: 1 })).toEqual({ global: { energy: 100, force: 0, virial: 1 }, configTypes: { Liquid: { energy: 500, force: 4, virial: 2 } } });
    });

    it('bad tables name file, entry and key', () => {
        expect(() => parseWeightsFile('Liquid: {sigma_E: -1}', 'w.yaml')).toThrow(/w.yaml: Liquid.sigma_E: σ must be a number > 0/);
        expect(() => parseWeightsFile('Liquid: {sigmaE: 1}', 'w.yaml')).toThrow(/unknown key 'sigmaE'/);
        expect(() => parseWeightsFile('[1, 2]', 'w.yaml')).toThrow(/expected a mapping/);
        expect(() => parseWeightsFile('a: [', 'w.yaml')).toThrow(/not valid JSON or YAML/);
        expect(() => parseWeightsInline('Liquid=0.1')).toThrow(/two or three σ values/);
    });
});

/** Stacked rows with each structure's own weights (independent of src/fit/normal-equations.ts). */
function stacked(basis: AceBasis, frames: Frame[], weightOf: (f: Frame) => { e: number; f: number; atom?: number[] }) {
    const rows: number[][] = [];
    const y: number[] = [];
    for (const fr of frames) {
        if (isIsolatedAtom(fr)) continue;
        const d = designRows(basis, fr, { forces: true, virial: false });
        const N = fr.natoms;
        const w = weightOf(fr);
        rows.push(Array.from(d.energy, (x) => (x * w.e) / N));
        y.push(((fr.energy! - N * E0) * w.e) / N);
        for (let r = 0; r < 3 * N; r++) {
            const s = (w.f / Math.sqrt(3 * N)) * (w.atom ? w.atom[Math.floor(r / 3)] : 1);
            rows.push(Array.from(d.forces.subarray(r * basis.size, (r + 1) * basis.size), (x) => x * s));
            y.push(fr.forces![r] * s);
        }
    }
    return { rows, y };
}

describe('fitModel with weights', () => {
    it('per-config_type σ, per-structure info keys and per-atom force_weights change the solution exactly as the weighted normal equations say', async () => {
        const spec = smallSpec(3);
        const { basis, frames: clean } = syntheticData(spec, 12, 31);
        const rnd = rng(9);
        // noisy labels, two config types, some structures with info weights and per-atom force weights
        const frames: Frame[] = clean.map((f, i) => {
            if (isIsolatedAtom(f)) return f;
            const g: Frame = { ...f, info: { ...f.info }, arrays: { ...f.arrays }, configType: i % 2 ? 'A' : 'B' };
            g.energy = f.energy! + 0.05 * f.natoms * (rnd() - 0.5);
            g.forces = f.forces!.map((x) => x + 0.3 * (rnd() - 0.5));
            if (i % 3 === 0) g.info.energy_weight = 4;
            if (i % 4 === 1) g.arrays.force_weights = { type: 'R', ncols: 1, values: Float64Array.from({ length: f.natoms }, (_, a) => (a % 3 === 0 ? 0 : 1 + a / 4)) };
            return g;
        });
        const configTypeWeights = { A: { energy: 1 / 0.01, force: 1 / 0.5, virial: 1 }, B: { energy: 1 / 0.05, force: 1 / 0.1, virial: 1 } };
        const lambda = 1e-3;
        const r = await fitModel(frames, { spec, lambda, configTypeWeights, virialWeight: 0 });
        const prior = (await import('../../src/fit/prior')).smoothnessPrior(basis, 2);
        const { rows, y } = stacked(basis, frames, (f) => {
            const ct = configTypeWeights[f.configType as 'A' | 'B'];
            const e = ct.energy * (typeof f.info.energy_weight === 'number' ? f.info.energy_weight : 1);
            const col = f.arrays.force_weights;
            return { e, f: ct.force, atom: col ? Array.from(col.values as Float64Array) : undefined };
        });
        const ref = denseRidge(rows, y, lambda, prior);
        const scale = Math.max(...Array.from(ref, Math.abs));
        expect(maxAbsDiff(r.model.coefficients, ref) / scale).toBeLessThan(1e-8);
        // …and differ from the unweighted solution
        const unweighted = await fitModel(frames, { spec, lambda, virialWeight: 0, frameWeights: false });
        expect(maxAbsDiff(unweighted.model.coefficients, ref) / scale).toBeGreaterThan(1e-3);
        expect(r.model.fit.configTypeWeights).toEqual(configTypeWeights);
    });

    it('a bad info weight names the structure', async () => {
        const spec = smallSpec(2);
        const { frames } = syntheticData(spec, 4, 3);
        const bad = frames.map((f, i) => (i === 2 ? { ...f, info: { ...f.info, force_weight: -2 } } : f));
        await expect(fitModel(bad, { spec })).rejects.toThrow(/training structure 2: info key force_weight=-2/);
    });
});

describe('fitModel: Huber robust loss (IRLS)', () => {
    it('down-weights exactly the outliers, and its solution is the weighted least-squares one with the final weights', async () => {
        const spec = smallSpec(3);
        const { frames: clean } = syntheticData(spec, 16, 41);
        const rnd = rng(3);
        const outliers = [4, 12]; // clusters: their energies are not reachable through force-free directions of the small basis
        const frames: Frame[] = clean.map((f, i) => {
            if (isIsolatedAtom(f)) return f;
            const g: Frame = { ...f, info: { ...f.info } };
            g.energy = f.energy! + f.natoms * 0.002 * (rnd() - 0.5) + (outliers.includes(i) ? 1.5 * f.natoms : 0); // +1.5 eV/atom
            return g;
        });
        const lambda = 1e-6;
        const sigmaE = 0.002;
        const r = await fitModel(frames, { spec, lambda, huber: 3, energyWeight: 1 / sigmaE, forceWeight: 1 });
        const rob = r.model.fit.robust!;
        expect(rob.converged).toBe(true);
        expect(rob.downweighted.map((d) => d.index).sort((a, b) => a - b)).toEqual(outliers);
        for (const d of rob.downweighted) {
            expect(d.weight).toBeLessThan(0.05);
            expect(d.residual_meV_atom).toBeGreaterThan(1000); // the DFT label sits far above the model
        }
        // the same normal equations by hand: energy_weight √h on the down-weighted structures
        const reweighted = frames.map((f, i) => {
            const d = rob.downweighted.find((x) => x.index === i);
            return d ? { ...f, info: { ...f.info, energy_weight: Math.sqrt(d.weight) } } : f;
        });
        const plain = await fitModel(reweighted, { spec, lambda, energyWeight: 1 / sigmaE, forceWeight: 1 });
        const scale = Math.max(...r.model.coefficients.map(Math.abs));
        // rank-one updates vs a fresh assembly differ by round-off, amplified by the condition of the λ = 1e-6 system
        expect(maxAbsDiff(r.model.coefficients, plain.model.coefficients) / scale).toBeLessThan(1e-6);
        // without Huber the outliers pull the fit: larger energy errors on the clean structures
        const noRobust = await fitModel(frames, { spec, lambda, energyWeight: 1 / sigmaE, forceWeight: 1 });
        const cleanIdx = frames.map((_, i) => i).filter((i) => !outliers.includes(i) && !isIsolatedAtom(frames[i]));
        const err = (c: number[]) => {
            const basis = AceBasis.create(spec);
            let s = 0;
            for (const i of cleanIdx) {
                const d = designRows(basis, frames[i], { forces: false, virial: false }).energy;
                let e = frames[i].natoms * E0;
                for (let k = 0; k < c.length; k++) e += c[k] * d[k];
                s += ((e - frames[i].energy!) / frames[i].natoms) ** 2;
            }
            return Math.sqrt(s / cleanIdx.length);
        };
        expect(err(r.model.coefficients)).toBeLessThan(0.2 * err(noRobust.model.coefficients));
        await expect(fitModel(frames, { spec, huber: 0 })).rejects.toThrow(/Huber threshold/);
    });
});
