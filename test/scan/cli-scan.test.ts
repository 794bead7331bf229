/**
 * `acelens scan` end to end: spawn the CLI, compare its JSON with bondScan on the same model and frame, and
 * check that bad input gives a non-zero exit and one clear line on stderr.
 */
import { writeFileSync } from 'node:fs';
import { cliInScratchFolder } from '../cli/run-cli';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseExtXyz, writeExtXyz } from '../../src/io/extxyz';
import { Model, serializeModel } from '../../src/model/model';
import { bondScan } from '../../src/scan/bond-scan';
import { bondScanCsv, scanBond } from '../../src/analysis/bond-scans';
import { dimerCurve } from '../../src/scan/dimer';
import { joinAtomsArgument } from '../../src/cli/commands/scan';
import { randomCell, randomCluster, TRICLINIC } from '../engine/helpers';
import { randomModelFile, smallSpec } from './helpers';

const { at, run, runJson, expectFailure } = cliInScratchFolder('acelens-scan-');

const modelFile = randomModelFile(smallSpec(3, 'standard', 4.5), 17);
let dataText: string;

beforeAll(() => {
    writeFileSync(at('m.json'), serializeModel(modelFile));
    const frames = [randomCluster(4, 10, 2.6, 1.15), randomCell(6, 7, TRICLINIC, 1.2)];
    dataText = writeExtXyz(frames, { realFormat: 'exact' });
    writeFileSync(at('data.xyz'), dataText);
    writeFileSync(at('one.xyz'), writeExtXyz([frames[0]], { realFormat: 'exact' }));
});

describe('acelens scan', () => {
    it('--json matches bondScan on the same frame (periodic frame, --atoms I J)', () => {
        const out = runJson(['scan', '--model', 'm.json', 'data.xyz', '--frame', '1', '--atoms', '2', '5', '--from', '1.1', '--to', '2.9', '--points', '13']);
        const frame = parseExtXyz(dataText)[1];
        const ref = bondScan(new Model(modelFile), frame, { i: 2, j: 5, from: 1.1, to: 2.9, points: 13 });
        expect(out.frame).toBe(1);
        expect(out.atoms).toEqual([2, 5]);
        expect(out.units).toEqual({ r: 'Å', energy: 'eV', force: 'eV/Å' });
        expect(out.r).toEqual(ref.r);
        expect(out.energy).toEqual(ref.energy);
        expect(out.relative_energy).toEqual(ref.relativeEnergy);
        expect(out.force_along_bond).toEqual(ref.forceAlongBond);
        expect(out.energy_by_order['3']).toEqual(ref.energyByOrder[3]);
        expect(out.start_energy).toBe(ref.startEnergy);
        // relative energies are against the unperturbed structure: energy − start_energy
        out.energy.forEach((e: number, k: number) => expect(out.relative_energy[k]).toBeCloseTo(e - out.start_energy, 9));
    });

    it('--csv is the bond-scan panel\'s CSV (src/analysis/bond-scans.ts) of the same scan', () => {
        const frame = parseExtXyz(dataText)[1];
        const ref = scanBond(new Model(modelFile), frame, { i: 2, j: 5, from: 1.1, to: 2.9, points: 7 });
        const t = run(['scan', '--model', 'm.json', 'data.xyz', '--frame', '1', '--atoms', '2', '5', '--from', '1.1', '--to', '2.9', '--points', '7', '--csv']);
        expect(t.code).toBe(0);
        expect(t.stdout).toBe(bondScanCsv([{ name: 'm.json', scan: ref }]));
        expect(t.stdout.trimEnd().split('\n')).toHaveLength(1 + 7);
        expectFailure(['scan', '--model', 'm.json', 'data.xyz', '--frame', '1', '--atoms', '2', '5', '--from', '1.1', '--to', '2.9', '--json', '--csv'], /exclude each other/);
    });

    it('one-structure file: --frame defaults to 0; --atoms I,J; table output names the columns', () => {
        const a = runJson(['scan', '--model', 'm.json', 'one.xyz', '--atoms', '0,3', '--from', '1.0', '--to', '2.0', '--points', '3']);
        const b = runJson(['scan', '--model', 'm.json', 'data.xyz', '--frame', '0', '--atoms', '0', '3', '--from', '1.0', '--to', '2.0', '--points', '3']);
        expect(a.energy).toEqual(b.energy);
        const t = run(['scan', '--model', 'm.json', 'one.xyz', '--atoms', '0', '3', '--from', '1.0', '--to', '2.0', '--points', '3']);
        expect(t.code).toBe(0);
        expect(t.stdout).toMatch(/E − E_start \(eV\)/);
        expect(t.stdout).toMatch(/F_bond \(eV\/Å\)/);
        expect(t.stdout.trimEnd().split('\n').length).toBeGreaterThanOrEqual(3 + 2 + 3);
    });

    it('bad input: clear one-line errors', () => {
        const base = ['scan', '--model', 'm.json', 'data.xyz'];
        expectFailure([...base, '--atoms', '0', '1', '--from', '1', '--to', '2'], /data\.xyz: has 2 structures; choose one with --frame F \(0\.\.1\)/);
        expectFailure([...base, '--frame', '2', '--atoms', '0', '1', '--from', '1', '--to', '2'], /--frame 2 is out of range \(the file has 2 structures: 0\.\.1\)/);
        expectFailure([...base, '--frame', '1', '--atoms', '0', '7', '--from', '1', '--to', '2'], /data\.xyz:\d+: frame 1: atom J = 7 is out of range \(the structure has 7 atoms: 0\.\.6\)/);
        expectFailure([...base, '--frame', '1', '--atoms', '3', '3', '--from', '1', '--to', '2'], /I and J must be different atoms/);
        expectFailure([...base, '--frame', '1', '--atoms', 'a,b', '--from', '1', '--to', '2'], /'--atoms' expects two integer atom indices/);
        expectFailure([...base, '--frame', '1', '--from', '1', '--to', '2'], /'--atoms I J' is required/);
        expectFailure([...base, '--frame', '1', '--atoms', '0', '1', '--to', '2'], /'--from A' is required/);
        expectFailure([...base, '--frame', '1', '--atoms', '0', '1', '--from', '-1', '--to', '2'], /'from' must be a distance > 0/);
        expectFailure([...base, '--frame', '1', '--atoms', '0', '1', '--from', '1', '--to', '2', '--points', '1'], /points must be an integer ≥ 2/);
        expectFailure(['scan', '--model', 'm.json', '--atoms', '0', '1', '--from', '1', '--to', '2'], /missing DATA\.xyz/);
        expectFailure(['scan', '--model', 'nope.json', 'data.xyz', '--atoms', '0', '1', '--from', '1', '--to', '2'], /nope\.json/);
        expectFailure(['scan', '--model', 'm.json', 'nope.xyz', '--atoms', '0', '1', '--from', '1', '--to', '2'], /nope\.xyz: cannot read/);
        const r = run([...base, '--atoms', '0', '1', '--from', '1', '--to', '2', '--json']);
        expect(JSON.parse(r.stdout).error).toMatch(/choose one with --frame/);
    });

    it('joinAtomsArgument merges `--atoms I J` and leaves other forms alone', () => {
        expect(joinAtomsArgument(['--atoms', '1', '2', 'x.xyz'])).toEqual(['--atoms', '1,2', 'x.xyz']);
        expect(joinAtomsArgument(['--atoms', '1,2', 'x.xyz'])).toEqual(['--atoms', '1,2', 'x.xyz']);
        expect(joinAtomsArgument(['--atoms=1,2'])).toEqual(['--atoms=1,2']);
    });
});

describe('acelens dimer --json (issue 8 item 4)', () => {
    it('r, binding energy and body-order parts match dimerCurve; the library curve has the force −dE/dr', () => {
        const out = runJson(['dimer', '--model', 'm.json', '--rmin', '0.8', '--rmax', '5', '--points', '22']);
        const ref = dimerCurve(new Model(modelFile), { rmin: 0.8, rmax: 5, points: 22 });
        expect(out.r).toEqual(ref.r);
        expect(out.energy).toEqual(ref.energy);
        expect(ref.force).toHaveLength(22);
        // the force is −dE/dr (central differences of the library's curve)
        const h = 1e-5;
        const fd = dimerCurve(new Model(modelFile), { rmin: 1.5 - h, rmax: 1.5 + h, points: 3 });
        expect(fd.force[1]).toBeCloseTo(-(fd.energy[2] - fd.energy[0]) / (2 * h), 5);
        expect(Math.abs(fd.force[1])).toBeGreaterThan(1e-4);
        expect(out.contributions['2']).toEqual(ref.contributions[2]);
        expect(out.contributions['3']).toEqual(ref.contributions[3]);
    });
});
