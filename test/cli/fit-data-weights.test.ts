/**
 * acelens fit with several training files (and a glob), weights (inline σ per config_type, per-atom
 * force_weights), and eval --out with the uncertainty columns of a Bayesian model; a per-atom force_weights
 * column round-trips through eval --out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitModel } from '../../src/fit/fit';
import { parseExtXyz, writeExtXyz } from '../../src/io/extxyz';
import { Model } from '../../src/model/model';
import type { Frame } from '../../src/structure/frame';
import { smallSpec, syntheticData } from '../fit/data';
import { cliInScratchFolder } from './run-cli';

const { at, run, runJson, expectFailure } = cliInScratchFolder('acelens-cli-data-');
const SPEC = smallSpec(3);
const BASIS_ARGS = ['--order', '3', '--rcut', '4', '--degree', '6,6'];
let frames: Frame[];

beforeAll(() => {
    frames = syntheticData(SPEC, 15, 93).frames; // frame 0: isolated atom
    // per-atom force weights on two structures (one atom switched off)
    for (const i of [2, 5]) {
        const f = frames[i];
        f.arrays.force_weights = { type: 'R', ncols: 1, values: Float64Array.from({ length: f.natoms }, (_, a) => (a === 0 ? 0 : 0.5 + a / 10)) };
    }
    writeFileSync(at('part-a.xyz'), writeExtXyz(frames.slice(0, 6), { realFormat: 'exact' }));
    writeFileSync(at('part-b1.xyz'), writeExtXyz(frames.slice(6, 11), { realFormat: 'exact' }));
    writeFileSync(at('part-b2.xyz'), writeExtXyz(frames.slice(11), { realFormat: 'exact' }));
});

describe('acelens fit: several files, weights, Bayesian default', () => {
    it('fit a.xyz "part-b*.xyz" equals fitModel on the concatenated frames, with metrics per file', async () => {
        const out = runJson(['fit', 'part-a.xyz', 'part-b*.xyz', ...BASIS_ARGS, '--weights', 'bulk=0.01,0.2;cluster=0.02,0.1', '--out', 'm.json']);
        expect(out.train_files).toEqual(['part-a.xyz', 'part-b1.xyz', 'part-b2.xyz']);
        expect(out.solver).toBe('bayesian');
        const model = JSON.parse(readFileSync(at('m.json'), 'utf8'));
        const ref = await fitModel(frames, {
            spec: SPEC,
            configTypeWeights: { bulk: { energy: 100, force: 5, virial: 1 }, cluster: { energy: 50, force: 10, virial: 1 } },
        });
        expect(model.coefficients).toEqual(Array.from(ref.model.coefficients));
        expect(model.fit.bayes.alpha).toBe(ref.model.fit.bayes!.alpha);
        expect(Object.keys(model.metrics.train.per_file)).toEqual(['part-a.xyz', 'part-b1.xyz', 'part-b2.xyz']);
        expect(model.metrics.train.per_file['part-a.xyz'].structures).toBe(5); // the isolated atom is not counted
        expect(model.data.files.map((f: { name: string }) => f.name)).toEqual(['part-a.xyz', 'part-b1.xyz', 'part-b2.xyz']);
        expect(model.uncertainty.n).toBe(model.nbasis);
        // the per-atom force weights were used: without them the solution differs
        const off = runJson(['fit', 'part-a.xyz', 'part-b*.xyz', ...BASIS_ARGS, '--weights', 'bulk=0.01,0.2;cluster=0.02,0.1', '--no-frame-weights', '--no-uncertainty', '--out', 'm-off.json']);
        expect(off.solver).toBe('bayesian');
        const modelOff = JSON.parse(readFileSync(at('m-off.json'), 'utf8'));
        expect(modelOff.coefficients).not.toEqual(model.coefficients);
        expect(modelOff.uncertainty).toBeUndefined();
        // the readable report lists the files
        const text = run(['fit', 'part-a.xyz', 'part-b*.xyz', ...BASIS_ARGS, '--out', 'm-text.json']);
        expect(text.code).toBe(0);
        expect(text.stdout).toMatch(/3 training files, 16 structures/);
        expect(text.stdout).toMatch(/file part-b2\.xyz/);
        expect(text.stdout).toMatch(/bayes\s+α = /);
    });

    it('eval --out: per-atom uncertainty columns equal Model.uncertainty, and the force_weights column round-trips', () => {
        run(['fit', 'part-a.xyz', 'part-b1.xyz', ...BASIS_ARGS, '--out', 'mu.json']);
        const r = run(['eval', '--model', 'mu.json', 'part-a.xyz', '--out', 'pred.xyz']);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/ace_force_sigma/);
        const model = Model.parse(readFileSync(at('mu.json'), 'utf8'));
        const input = parseExtXyz(readFileSync(at('part-a.xyz'), 'utf8'));
        const pred = parseExtXyz(readFileSync(at('pred.xyz'), 'utf8'));
        expect(pred).toHaveLength(input.length);
        pred.forEach((f, i) => {
            const u = model.uncertainty(input[i])!;
            const se = f.arrays.ace_energy_sigma.values as Float64Array;
            const sf = f.arrays.ace_force_sigma.values as Float64Array;
            for (let a = 0; a < f.natoms; a++) {
                expect(se[a]).toBeCloseTo(u.perAtomEnergy[a], 12);
                expect(sf[a]).toBeCloseTo(u.perAtomForce[a], 12);
                if (!(i === 0)) expect(sf[a]).toBeGreaterThan(0);
            }
            if (input[i].arrays.force_weights) {
                expect(f.arrays.force_weights.type).toBe('R');
                expect(Array.from(f.arrays.force_weights.values as Float64Array)).toEqual(Array.from(input[i].arrays.force_weights.values as Float64Array));
            }
        });
        expect(pred[2].arrays.force_weights).toBeDefined();
        // and the written file is itself valid training data whose weights are read again
        const again = runJson(['fit', 'pred.xyz', ...BASIS_ARGS, '--solver', 'ridge', '--lambda', '1e-3', '--out', 'm2.json']);
        expect(again.solver).not.toBe('bayesian');
    });

    it('bad input: a glob matching nothing, a file given twice, bad --weights, --solver blr with --lambda', () => {
        expectFailure(['fit', 'nothing-*.xyz', ...BASIS_ARGS, '--out', 'x.json'], /nothing-\*\.xyz: no file matches this pattern/);
        expectFailure(['fit', 'part-a.xyz', 'part-a.xyz', ...BASIS_ARGS, '--out', 'x.json'], /part-a\.xyz: training file given twice/);
        expectFailure(['fit', 'part-a.xyz', ...BASIS_ARGS, '--weights', 'bulk=0.1', '--out', 'x.json'], /two or three σ values/);
        writeFileSync(at('w.yaml'), 'bulk: {sigma_E: 0}\n');
        expectFailure(['fit', 'part-a.xyz', ...BASIS_ARGS, '--weights', 'w.yaml', '--out', 'x.json'], /w\.yaml: bulk\.sigma_E: σ must be a number > 0/);
        expectFailure(['fit', 'part-a.xyz', ...BASIS_ARGS, '--solver', 'blr', '--lambda', '1e-3', '--out', 'x.json'], /--solver blr/);
        // a negative per-atom force weight names file and frame
        const bad = parseExtXyz(readFileSync(at('part-a.xyz'), 'utf8'));
        (bad[2].arrays.force_weights.values as Float64Array)[1] = -1;
        writeFileSync(at('bad-w.xyz'), writeExtXyz(bad, { realFormat: 'exact' }));
        expectFailure(['fit', 'bad-w.xyz', ...BASIS_ARGS, '--out', 'x.json'], /bad-w\.xyz:\d+: frame 2: force_weights of atom 1 is -1/);
    });
});
