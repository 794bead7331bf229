/**
 * End-to-end tests of the acelens command line: spawn `node bin/acelens.mjs ... --json`, compare with the
 * library, and check that bad input gives a non-zero exit and a one-line message naming file and line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cliInScratchFolder } from './run-cli';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitModel } from '../../src/fit/fit';
import { parseExtXyz, writeExtXyz } from '../../src/io/extxyz';
import { Model, parseModel } from '../../src/model/model';
import { dimerCurve } from '../../src/scan/dimer';
import { predictFrame } from '../../src/analysis/predictions';
import { worstAtoms } from '../../src/analysis/worst-atoms';
import { binByDistance, forceErrorByNearestNeighbour } from '../../src/analysis/error-by-distance';
import { curveGrid, curveWarnings, dftDeviation, dimerCsv, modelDimerCurve, parseDftDimerCurve, selfInteractionLine } from '../../src/analysis/dimer-curves';
import type { Frame } from '../../src/structure/frame';
import { smallSpec, syntheticData } from '../fit/data';

const { at, run, runJson, expectFailure } = cliInScratchFolder('acelens-cli-');

const SPEC = smallSpec(3); // order 3, rcut 4, D = 6,6
const BASIS_ARGS = ['--order', '3', '--rcut', '4', '--degree', '6,6'];
let train: Frame[];
let trainText: string;

beforeAll(() => {
    train = syntheticData(SPEC, 18, 91).frames;
    trainText = writeExtXyz(train, { realFormat: 'exact' });
    writeFileSync(at('train.xyz'), trainText);
    writeFileSync(at('valid.xyz'), writeExtXyz(syntheticData(SPEC, 6, 92).frames.slice(1), { realFormat: 'exact' }));
});

describe('acelens fit / eval / dimer', () => {
    it('fit --json matches fitModel on the same data', async () => {
        const out = runJson(['fit', 'train.xyz', ...BASIS_ARGS, '--lambda', '1e-4', '--valid', 'valid.xyz', '--out', 'm.json']);
        expect(Object.keys(out).sort()).toEqual(['basis', 'condition', 'lambda', 'model', 'nbasis', 'order', 'rank', 'seconds', 'solver', 'train', 'train_files', 'valid'].sort());
        expect(out.solver).toBe('cholesky'); // --lambda: the ridge solver
        expect(out.lambda).toBe(1e-4);
        const frames = parseExtXyz(trainText);
        const valid = parseExtXyz(readFileSync(at('valid.xyz'), 'utf8'));
        const lib = await fitModel(frames, { spec: SPEC, lambda: 1e-4, validFrames: valid });
        const file = parseModel(readFileSync(at('m.json'), 'utf8'), 'm.json');
        expect(out.model).toBe('m.json');
        expect(out.order).toBe(3);
        expect(out.basis).toBe('standard');
        expect(out.nbasis).toBe(lib.model.nbasis);
        expect(out.rank).toBe(lib.solve.rank);
        expect(out.condition).toBeCloseTo(lib.solve.condition, -Math.log10(lib.solve.condition) + 6);
        expect(typeof out.seconds).toBe('number');
        for (let k = 0; k < lib.model.nbasis; k++) expect(file.coefficients[k]).toBeCloseTo(lib.model.coefficients[k], 10);
        expect(out.train.structures).toBe(18);
        expect(out.train.energy_rmse_meV_atom).toBeCloseTo(lib.metrics.train.energy_rmse_meV_atom!, 8);
        expect(out.train.force_rmse_meV_A).toBeCloseTo(lib.metrics.train.force_rmse_meV_A!, 8);
        expect(out.valid.structures).toBe(6);
        expect(out.valid.force_rmse_meV_A).toBeCloseTo(lib.metrics.valid!.force_rmse_meV_A!, 8);
        // provenance: names and hashes of the files
        expect(file.data.files.map((f) => f.role)).toEqual(['train', 'valid']);
        expect(file.data.files[0]).toMatchObject({ name: 'train.xyz', structures: 19 });
        expect(file.data.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(file.spec).toEqual(SPEC);
    });

    it('fit --valid-fraction with a seed is reproducible; a readable table without --json', () => {
        const a = runJson(['fit', 'train.xyz', ...BASIS_ARGS, '--valid-fraction', '0.25', '--seed', '4', '--out', 'a.json']);
        const t = run(['fit', 'train.xyz', ...BASIS_ARGS, '--valid-fraction', '0.25', '--seed', '4', '--out', 'b.json']);
        expect(t.code).toBe(0);
        expect(t.stdout).toMatch(/E RMSE meV\/atom/);
        expect(t.stdout).toMatch(/^valid /m);
        expect(a.valid.structures).toBe(5);
        const ca = parseModel(readFileSync(at('a.json'), 'utf8')).coefficients;
        const cb = parseModel(readFileSync(at('b.json'), 'utf8')).coefficients;
        expect(ca).toEqual(cb);
    });

    it('eval --json matches Model.predict; --out writes per-atom energies, forces and force errors', () => {
        const out = runJson(['eval', '--model', 'm.json', 'valid.xyz', '--out', 'pred.xyz']);
        const model = Model.parse(readFileSync(at('m.json'), 'utf8'));
        const frames = parseExtXyz(readFileSync(at('valid.xyz'), 'utf8'));
        expect(out.structures).toHaveLength(frames.length);
        let se = 0;
        frames.forEach((f, i) => {
            const p = model.predict(f);
            const s = out.structures[i];
            expect(Object.keys(s).sort()).toEqual(['energy', 'energy_dft', 'energy_error_meV_atom', 'force_rmse_meV_A', 'index', 'natoms']);
            expect(s.index).toBe(i);
            expect(s.natoms).toBe(f.natoms);
            expect(s.energy).toBeCloseTo(p.energy, 9);
            expect(s.energy_dft).toBe(f.energy);
            expect(s.energy_error_meV_atom).toBeCloseTo((1000 * (p.energy - f.energy!)) / f.natoms, 6);
            se += ((p.energy - f.energy!) / f.natoms) ** 2;
        });
        expect(out.metrics.energy_rmse_meV_atom).toBeCloseTo(1000 * Math.sqrt(se / frames.length), 6);
        expect(out.metrics.per_config_type.bulk.structures + out.metrics.per_config_type.cluster.structures).toBe(frames.length);

        const pred = parseExtXyz(readFileSync(at('pred.xyz'), 'utf8'));
        expect(pred).toHaveLength(frames.length);
        pred.forEach((f, i) => {
            const p = model.predict(frames[i]);
            expect(f.info.ace_energy as number).toBeCloseTo(p.energy, 9);
            const e = f.arrays.ace_energies.values as Float64Array;
            const F = f.arrays.ace_forces.values as Float64Array;
            const err = f.arrays.ace_force_error.values as Float64Array;
            // E_i split by body order: one column per K of the model, adding up to E_i − E0
            const orders = Object.keys(p.perAtomEnergyByOrder).map(Number);
            expect(orders.length).toBe(model.order - 1);
            for (let a = 0; a < f.natoms; a++) {
                expect(e[a]).toBeCloseTo(p.perAtomEnergy[a], 9);
                let sum = 0;
                for (const K of orders) {
                    const col = f.arrays[`ace_energies_K${K}`].values as Float64Array;
                    expect(col[a]).toBeCloseTo(p.perAtomEnergyByOrder[K][a], 9);
                    sum += col[a];
                }
                expect(sum + model.e0).toBeCloseTo(e[a], 8);
                const d = [0, 1, 2].map((k) => p.forces[3 * a + k] - frames[i].forces![3 * a + k]);
                expect(err[a]).toBeCloseTo(Math.hypot(...d), 9);
                for (let k = 0; k < 3; k++) expect(F[3 * a + k]).toBeCloseTo(p.forces[3 * a + k], 9);
            }
            expect(Array.from(f.forces!)).toEqual(Array.from(frames[i].forces!)); // DFT labels kept
        });
    });

    it('eval on the training file reproduces the train metrics of fit (isolated atom listed, not counted)', () => {
        const ev = runJson(['eval', '--model', 'm.json', 'train.xyz']);
        const file = parseModel(readFileSync(at('m.json'), 'utf8'));
        expect(ev.structures).toHaveLength(19);
        expect(ev.structures[0].energy_error_meV_atom).toBeCloseTo(0, 9);
        expect(ev.metrics.per_config_type.isolated_atom).toBeUndefined();
        expect(ev.metrics.energy_rmse_meV_atom).toBeCloseTo(file.metrics.train.energy_rmse_meV_atom!, 9);
        expect(ev.metrics.force_rmse_meV_A).toBeCloseTo(file.metrics.train.force_rmse_meV_A!, 9);
    });

    it('eval: worst atoms and force error by nearest-neighbour distance are the viewer\'s (src/analysis)', () => {
        const model = Model.parse(readFileSync(at('m.json'), 'utf8'));
        const frames = parseExtXyz(readFileSync(at('train.xyz'), 'utf8'));
        const cache = new Map(frames.map(f => [f, predictFrame(model, f)]));
        const predict = (f: Frame) => cache.get(f)!;
        const out = runJson(['eval', '--model', 'm.json', 'train.xyz', '--worst', '4', '--distance-bin', '0.1']);
        const worst = worstAtoms(frames, predict, 4);
        expect(out.worst_atoms).toHaveLength(4);
        out.worst_atoms.forEach((w: any, k: number) => {
            expect([w.frame, w.atom, w.neighbours]).toEqual([worst[k].frame, worst[k].atom, worst[k].neighbours]);
            expect(w.force_error_eV_A).toBeCloseTo(worst[k].forceError, 12);
            expect(w.many_body_eV).toBeCloseTo(worst[k].manyBody, 12);
        });
        expect(out.worst_atoms[0].force_error_eV_A).toBeGreaterThanOrEqual(out.worst_atoms[3].force_error_eV_A);
        const points = forceErrorByNearestNeighbour(frames, predict);
        const bins = binByDistance(points, 0.1);
        expect(out.force_error_by_nearest_neighbour.atoms).toBe(points.length);
        expect(out.force_error_by_nearest_neighbour.bins.map((b: any) => [b.from_A, b.atoms])).toEqual(bins.map(b => [b.lo, b.count]));
        out.force_error_by_nearest_neighbour.bins.forEach((b: any, k: number) => expect(b.median_eV_A).toBeCloseTo(bins[k].median, 12));
        const t = run(['eval', '--model', 'm.json', 'train.xyz', '--worst', '3']);
        expect(t.stdout).toMatch(/the 3 atoms with the largest force errors/);
        expect(t.stdout).toMatch(/force error against the nearest-neighbour distance/);
        expect(runJson(['eval', '--model', 'm.json', 'train.xyz', '--worst', '0']).worst_atoms).toEqual([]);
    });

    it('dimer --json matches dimerCurve', () => {
        const out = runJson(['dimer', '--model', 'm.json', '--rmin', '0.8', '--rmax', '5', '--points', '22']);
        const lib = dimerCurve(Model.parse(readFileSync(at('m.json'), 'utf8')), { rmin: 0.8, rmax: 5, points: 22 });
        expect(Object.keys(out).sort()).toEqual(['contributions', 'energy', 'force', 'r', 'self_interaction', 'warnings']);
        expect(out.r).toEqual(lib.r);
        expect(out.energy).toEqual(lib.energy);
        expect(out.force).toEqual(lib.force);
        expect(Object.keys(out.contributions)).toEqual(['2', '3']);
        expect(out.contributions['3']).toEqual(lib.contributions[3]);
        const t = run(['dimer', '--model', 'm.json', '--points', '3']);
        expect(t.code).toBe(0);
        expect(t.stdout).toMatch(/r \(Å\)\s+E − 2E0\s+K=2\s+K=3/);
    });

    it('dimer --dft / --csv: the viewer\'s dimer-panel code (grid with the DFT distances, deviation, warnings, CSV)', () => {
        const dftPath = resolve(__dirname, '../../assets/c2-dimer-curve.xyz');
        if (!existsSync(dftPath)) { console.warn(`skipped: ${dftPath} absent`); return; }
        const dft = parseDftDimerCurve(readFileSync(dftPath, 'utf8'));
        const model = Model.parse(readFileSync(at('m.json'), 'utf8'));
        const lib = modelDimerCurve(model, 'm.json', curveGrid(0.8, 5, 22, dft.points.map(p => p.r)));
        const out = runJson(['dimer', '--model', 'm.json', '--rmin', '0.8', '--rmax', '5', '--points', '22', '--dft']);
        // every DFT distance inside the range is on the grid, and the curve is the panel's
        expect(out.r).toEqual(lib.r);
        expect(out.r.length).toBeGreaterThan(22);
        expect(out.energy).toEqual(lib.energy);
        expect(out.warnings).toEqual(curveWarnings(lib, dft.points));
        expect(out.self_interaction).toBe(selfInteractionLine(lib));
        expect(out.dft.r).toEqual(dft.points.map(p => p.r));
        const dev = dftDeviation(lib, dft.points, 1.1, 3.0);
        expect(out.deviation.points).toBe(dev.points);
        expect(out.deviation.points).toBe(dft.points.filter(p => p.r >= 1.1 && p.r <= 3.0).length);
        expect(out.deviation.rms_eV).toBeCloseTo(dev.rms, 12);
        const csv = run(['dimer', '--model', 'm.json', '--rmin', '0.8', '--rmax', '5', '--points', '22', '--dft', '--csv']);
        expect(csv.code).toBe(0);
        expect(csv.stdout).toBe(dimerCsv([lib], dft.points, lib));
        const t = run(['dimer', '--model', 'm.json', '--rmin', '0.8', '--rmax', '5', '--points', '22', '--dft']);
        expect(t.stdout).toMatch(/DFT$/m);
        expect(t.stdout).toMatch(/against DFT over 1\.1–3 Å \(\d+ points\): RMS \d+\.\d{3} eV/);
        expectFailure(['dimer', '--model', 'm.json', '--dft-file', 'train.xyz'], /train\.xyz: no DFT dimer point/);
        expectFailure(['dimer', '--model', 'm.json', '--json', '--csv'], /exclude each other/);
    });
});

describe('acelens: bad input', () => {
    const withLine = (lines: string[], lineNo: number, edit: (fields: string[]) => void) => {
        const copy = lines.slice();
        const f = copy[lineNo - 1].trim().split(/\s+/);
        edit(f);
        copy[lineNo - 1] = f.join(' ');
        return copy.join('\n');
    };
    // train.xyz: line 1-3 isolated atom, line 4 = atom count of frame 1, line 6 = its first atom
    it('missing file, malformed extended XYZ, NaN force, non-carbon atom, no energies', () => {
        const lines = trainText.split('\n');
        expectFailure(['fit', 'nope.xyz', ...BASIS_ARGS, '--out', 'x.json'], /^acelens fit: error: nope.xyz: cannot read: no such file$/);
        writeFileSync(at('bad.xyz'), withLine(lines, 7, (f) => (f[2] = '1.2.3')));
        expectFailure(['fit', 'bad.xyz', ...BASIS_ARGS, '--out', 'x.json'], /bad.xyz:7: frame 1: atom 1: .*not a number: '1.2.3'/);
        writeFileSync(at('nan.xyz'), withLine(lines, 7, (f) => (f[5] = 'nan')));
        expectFailure(['fit', 'nan.xyz', ...BASIS_ARGS, '--out', 'x.json'], /nan.xyz:7: frame 1: (atom 1: force .*not finite \(NaN\)|force on atom 1 is NaN)/);
        writeFileSync(at('si.xyz'), withLine(lines, 8, (f) => (f[0] = 'Si')));
        expectFailure(['fit', 'si.xyz', ...BASIS_ARGS, '--out', 'x.json'], /si.xyz:8: frame 1: atom 2 is 'Si'/);
        expectFailure(['eval', '--model', 'm.json', 'si.xyz'], /si.xyz:8: frame 1: atom 2 is 'Si'/);
        writeFileSync(at('noe.xyz'), trainText.replace(/ energy=\S+/g, ''));
        expectFailure(['fit', 'noe.xyz', ...BASIS_ARGS, '--out', 'x.json'], /noe.xyz:4: frame 1: no energy label/);
        writeFileSync(at('empty.xyz'), '');
        expectFailure(['eval', '--model', 'm.json', 'empty.xyz'], /empty.xyz:1: no structures/);
    });

    it('fit --lambda auto scans on the validation data, keeps the lowest score, prints the scan; a list works too', async () => {
        const out = runJson(['fit', 'train.xyz', ...BASIS_ARGS, '--lambda', 'auto', '--valid', 'valid.xyz', '--out', 'auto.json']);
        const scan = out.lambda_scan as { lambda: number; score: number }[];
        expect(scan.map((p) => p.lambda)).toEqual([1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
        expect(scan.find((p) => p.lambda === out.lambda)!.score).toBe(Math.min(...scan.map((p) => p.score)));
        const file = parseModel(readFileSync(at('auto.json'), 'utf8'), 'auto.json');
        expect(file.fit.lambda).toBe(out.lambda);
        expect(file.fit.lambdaScan).toEqual(scan);
        const lib = await fitModel(parseExtXyz(trainText), { spec: SPEC, lambda: out.lambda, validFrames: parseExtXyz(readFileSync(at('valid.xyz'), 'utf8')) });
        // the scan solves from one eigendecomposition, the plain fit by Cholesky: equal to round-off
        const cmax = Math.max(...lib.model.coefficients.map(Math.abs));
        for (let k = 0; k < lib.model.nbasis; k++) expect(Math.abs(file.coefficients[k] - lib.model.coefficients[k]) / cmax).toBeLessThan(1e-7);
        const t = run(['fit', 'train.xyz', ...BASIS_ARGS, '--lambda', '1e-6,1e-2', '--valid-fraction', '0.25', '--out', 'list.json']);
        expect(t.code).toBe(0);
        expect(t.stdout).toMatch(/lowest validation error of 2 scanned/);
        expect(t.stdout).toMatch(/^\* {1,2}1\.0e-[26] /m);
    });

    it('bad options and bad model files', () => {
        expectFailure(['fit', 'train.xyz', '--out', 'x.json'], /--order K.*required/);
        expectFailure(['fit', 'train.xyz', '--order', '7', '--out', 'x.json'], /--order' must be 2..5/);
        expectFailure(['fit', 'train.xyz', ...BASIS_ARGS, '--lambda', 'abc', '--out', 'x.json'], /--lambda' expects a number ≥ 0, a comma list of them or 'auto', got 'abc'/);
        expectFailure(['fit', 'train.xyz', ...BASIS_ARGS, '--lambda', '1e-6,-1', '--out', 'x.json'], /--lambda' expects a number ≥ 0/);
        expectFailure(['fit', 'train.xyz', ...BASIS_ARGS, '--lambda', 'auto', '--valid-fraction', '0', '--out', 'x.json'], /chooses λ on validation data: give '--valid FILE' or '--valid-fraction F'/);
        expectFailure(['fit', 'train.xyz', ...BASIS_ARGS, '--valid', 'valid.xyz', '--valid-fraction', '0.1', '--out', 'x.json'], /not both/);
        writeFileSync(at('v2.json'), JSON.stringify({ ...JSON.parse(readFileSync(at('m.json'), 'utf8')), version: 2 }));
        expectFailure(['eval', '--model', 'v2.json', 'valid.xyz'], /v2.json: model format version 2 is newer/);
        writeFileSync(at('corrupt.json'), readFileSync(at('m.json'), 'utf8').slice(0, 200));
        expectFailure(['dimer', '--model', 'corrupt.json'], /corrupt.json:\d+: not a valid model file: corrupt JSON/);
        expectFailure(['dimer', '--model', 'm.json', '--rmin', '3', '--rmax', '1'], /rmax \(1\) must be larger than rmin \(3\)/);
        const j = run(['eval', '--model', 'missing.json', 'valid.xyz', '--json']);
        expect(j.code).toBe(1);
        expect(JSON.parse(j.stdout).error).toMatch(/missing.json: cannot read the model file: no such file/);
    });
});
