/**
 * The sharded fit on the command line: `acelens assemble --shard i/n` + `acelens solve` against
 * `acelens fit`, the refusals of solve, and the job scripts of `fit --slurm --dry-run` run by hand (as
 * Slurm would run them; the real Slurm run is test/slurm/slurm.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// each test spawns the CLI up to 15 times (≈ 1–2 s each, more on a loaded machine)
vi.setConfig({ testTimeout: 400_000, hookTimeout: 120_000 });
import { decodeNeFile } from '../../src/fit/ne-file';
import { writeExtXyz } from '../../src/io/extxyz';
import { smallSpec, syntheticData } from '../fit/data';
import { cliInScratchFolder } from './run-cli';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/acelens.mjs');

const { dir, at, run, runJson, expectFailure } = cliInScratchFolder('acelens-shards-');
const SPEC = smallSpec(3);
const BASIS = ['--order', '3', '--rcut', '4', '--degree', '6,6', '--virial-weight', '0.5'];

function relativeDiff(a: number[], b: number[]): number {
    let d = 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) {
        d = Math.max(d, Math.abs(a[i] - b[i]));
        s = Math.max(s, Math.abs(a[i]));
    }
    return d / s;
}
const model = (name: string) => JSON.parse(readFileSync(at(name), 'utf8'));

beforeAll(() => {
    const { frames } = syntheticData(SPEC, 24, 311, { stress: true });
    writeFileSync(at('train.xyz'), writeExtXyz(frames, { realFormat: 'exact' }));
    // the same structures in two files, for the file-order test
    writeFileSync(at('a.xyz'), writeExtXyz(frames.slice(0, 12), { realFormat: 'exact' }));
    writeFileSync(at('b.xyz'), writeExtXyz(frames.slice(12), { realFormat: 'exact' }));
    writeFileSync(at('other.xyz'), writeExtXyz(syntheticData(SPEC, 10, 312).frames, { realFormat: 'exact' }));
    runJson(['fit', 'train.xyz', ...BASIS, '--workers', '1', '--out', 'fit.json']);
});

describe('acelens assemble + solve', () => {
    it('1, 3 and 7 shards: the coefficients of acelens fit (≤ 1e-10 relative) and its train metrics (to round-off)', () => {
        const ref = model('fit.json');
        for (const n of [1, 3, 7]) {
            const names: string[] = [];
            for (let i = 0; i < n; i++) {
                const out = runJson(['assemble', 'train.xyz', ...BASIS, '--shard', `${i}/${n}`, '--out', `s${n}-${i}.acelens-ne`]);
                expect(out.shard).toBe(`${i}/${n}`);
                names.push(`s${n}-${i}.acelens-ne`);
            }
            const solved = runJson(['solve', ...names.reverse(), '--out', `solve-${n}.json`]);
            expect(solved.parts).toBe(n);
            const m = model(`solve-${n}.json`);
            expect(m.nbasis).toBe(ref.nbasis);
            expect(m.e0).toBe(ref.e0);
            expect(m.data.train).toEqual(ref.data.train);
            expect(relativeDiff(ref.coefficients, m.coefficients)).toBeLessThanOrEqual(1e-10);
            for (const key of ['energy_rmse_meV_atom', 'force_rmse_meV_A', 'energy_mae_meV_atom', 'force_mae_meV_A'] as const) {
                // relative round-off, with a floor for a near-exact fit of noise-free data (RMSE ~1e-11 meV: its round-off is absolute)
                expect(Math.abs(m.metrics.train[key] - ref.metrics.train[key])).toBeLessThanOrEqual(1e-9 * ref.metrics.train[key] + 1e-9);
            }
            expect(Object.keys(m.metrics.train.per_config_type)).toEqual(Object.keys(ref.metrics.train.per_config_type));
        }
    });

    it('with --core-repulsion (and --radial): 2 shards give the model of acelens fit, and the Slurm scripts pass both', () => {
        const opts = [...BASIS, '--radial', 'acejl', '--core-repulsion=300,1.6'];
        runJson(['fit', 'train.xyz', ...opts, '--workers', '1', '--out', 'core-fit.json']);
        for (let i = 0; i < 2; i++) runJson(['assemble', 'train.xyz', ...opts, '--shard', `${i}/2`, '--out', `core-${i}.acelens-ne`]);
        runJson(['solve', 'core-0.acelens-ne', 'core-1.acelens-ne', '--out', 'core-solve.json']);
        const ref = model('core-fit.json'), m = model('core-solve.json');
        expect(m.spec.coreRepulsion).toEqual({ kind: 'acejl-core', strength: 300, rInner: 1.6 });
        expect(m.spec.radial.kind).toBe('acejl');
        expect(relativeDiff(ref.coefficients, m.coefficients)).toBeLessThanOrEqual(1e-10);
        expect(relativeDiff(ref.coefficients, model('fit.json').coefficients)).toBeGreaterThan(1e-3); // the wall and radial changed the fit
        const out = runJson(['fit', 'train.xyz', ...BASIS, '--core-repulsion', '--slurm', '2', '--dry-run', '--out', 'core-slurm.json']);
        expect(readFileSync(out.scripts.assemble, 'utf8')).toMatch(/ --core-repulsion /);
    });

    it('the split does not depend on the order the files are named in', () => {
        runJson(['assemble', 'a.xyz', 'b.xyz', ...BASIS, '--shard', '1/3', '--out', 'ab.acelens-ne']);
        runJson(['assemble', 'b.xyz', 'a.xyz', ...BASIS, '--shard', '1/3', '--out', 'ba.acelens-ne']);
        const ab = decodeNeFile(readFileSync(at('ab.acelens-ne')), 'ab');
        const ba = decodeNeFile(readFileSync(at('ba.acelens-ne')), 'ba');
        expect(ba.header.data).toEqual(ab.header.data);
        expect(ba.header.counts).toEqual(ab.header.counts);
        expect(ba.sums.xtx).toEqual(ab.sums.xtx);
        expect(ba.sums.xty).toEqual(ab.sums.xty);
    });

    it('solve refuses a missing, duplicated, corrupted or foreign part, and data changed since assembly, in one line', () => {
        const three = ['s3-0.acelens-ne', 's3-1.acelens-ne', 's3-2.acelens-ne'];
        expectFailure(['solve', three[0], three[2], '--out', 'x.json'], /^acelens solve: error: missing part of shard 1 of 3 \(have 2\); run acelens assemble … --shard 1\/3 for it$/);
        copyFileSync(at(three[1]), at('dup.acelens-ne'));
        expectFailure(['solve', ...three, 'dup.acelens-ne', '--out', 'x.json'], /^acelens solve: error: shard 1\/3 is given twice: s3-1.acelens-ne and dup.acelens-ne$/);
        const bytes = readFileSync(at(three[2]));
        bytes[bytes.length - 100] ^= 1;
        writeFileSync(at('bad.acelens-ne'), bytes);
        expectFailure(['solve', three[0], three[1], 'bad.acelens-ne', '--out', 'x.json'], /^acelens solve: error: bad.acelens-ne: corrupted part file \(the numbers do not match their SHA-256 checksum\)$/);
        writeFileSync(at('short.acelens-ne'), bytes.subarray(0, 1000));
        expectFailure(['solve', three[0], three[1], 'short.acelens-ne', '--out', 'x.json'], /^acelens solve: error: short.acelens-ne: corrupted or truncated part file/);
        runJson(['assemble', 'other.xyz', ...BASIS, '--shard', '2/3', '--out', 'foreign.acelens-ne']);
        expectFailure(['solve', three[0], three[1], 'foreign.acelens-ne', '--out', 'x.json'], /^acelens solve: error: foreign.acelens-ne is a foreign part: its training data differs from the other 2 parts's \(.*other.xyz/);
        runJson(['assemble', 'train.xyz', ...BASIS, '--degree', '5,5', '--shard', '2/3', '--out', 'basis.acelens-ne']);
        expectFailure(['solve', three[0], three[1], 'basis.acelens-ne', '--out', 'x.json'], /^acelens solve: error: basis.acelens-ne is a foreign part: its basis differs .*D = 5,5.*not .*D = 6,6/);
        expect(existsSync(at('x.json'))).toBe(false);
        // the training file edited after assembly
        runJson(['assemble', 'a.xyz', ...BASIS, '--shard', '0/1', '--out', 'a.acelens-ne']);
        writeFileSync(at('a.xyz'), readFileSync(at('a.xyz'), 'utf8') + '\n');
        expectFailure(['solve', 'a.acelens-ne', '--out', 'x.json'], /a.xyz: the training file changed since the parts were assembled/);
    });

    it('assemble refuses bad shards and options in one line and leaves no file', () => {
        expectFailure(['assemble', 'train.xyz', ...BASIS, '--shard', '3/3', '--out', 'y.acelens-ne'], /^acelens assemble: error: option '--shard': a shard is written i\/n with 0 ≤ i < n/);
        expectFailure(['assemble', 'train.xyz', ...BASIS, '--out', 'y.acelens-ne'], /--shard i\/n' is required/);
        expectFailure(['assemble', 'train.xyz', ...BASIS, '--shard', '0/2', '--out', 'nodir/y.acelens-ne'], /y.acelens-ne: cannot write the part file: directory .*nodir: no such file/);
        expectFailure(['assemble', 'nope.xyz', ...BASIS, '--shard', '0/2', '--out', 'y.acelens-ne'], /nope.xyz: cannot read: no such file/);
        expect(readdirSync(dir).filter((f) => f.startsWith('y.') || f.includes('.tmp-'))).toEqual([]);
    });
});

describe('a killed assemble task (Slurm time limit: SIGTERM)', () => {
    it('leaves either the whole part or nothing — never a temporary file', async () => {
        const { spawn } = await import('node:child_process');
        for (const delay of [300, 1500, 3000]) {
            const child = spawn(process.execPath, [BIN, 'assemble', 'train.xyz', ...BASIS, '--shard', '0/1', '--out', `killed-${delay}.acelens-ne`], { cwd: dir, stdio: 'ignore' });
            setTimeout(() => child.kill('SIGTERM'), delay);
            await new Promise((res) => child.on('exit', res));
            const left = readdirSync(dir).filter((f) => f.includes(`killed-${delay}`));
            expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
            if (left.length) expect(decodeNeFile(readFileSync(at(`killed-${delay}.acelens-ne`)), 'p').header.shard).toEqual({ index: 0, count: 1 });
        }
    });
});

describe('acelens fit --slurm --dry-run', () => {
    it('writes an array script and a solve script that, run as Slurm runs them, give the model of acelens fit', () => {
        const out = runJson(['fit', 'train.xyz', ...BASIS, '--slurm', '3', '--time', '0:10:00', '--mem', '1G', '--dry-run', '--out', "it's-model.json"]);
        expect(out.submitted).toBe(false);
        expect(out.to_assemble).toEqual([0, 1, 2]);
        const script = readFileSync(out.scripts.assemble, 'utf8');
        expect(script).toMatch(/^#SBATCH --time=0:10:00$/m);
        expect(script).toMatch(/^#SBATCH --mem=1G$/m);
        expect(script).toMatch(/--shard "\$i\/3"/);
        for (const s of [out.scripts.assemble, out.scripts.solve]) expect(spawnSync('bash', ['-n', s]).status).toBe(0);
        for (let i = 0; i < 3; i++) {
            const r = spawnSync('bash', [out.scripts.assemble], { env: { ...process.env, SLURM_ARRAY_TASK_ID: String(i) }, encoding: 'utf8' });
            expect(r.status, r.stderr).toBe(0);
        }
        const r = spawnSync('bash', [out.scripts.solve], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        const m = JSON.parse(readFileSync(out.model, 'utf8'));
        expect(relativeDiff(model('fit.json').coefficients, m.coefficients)).toBeLessThanOrEqual(1e-10);
        // the same command again: all parts there, only the solve left
        expect(runJson(['fit', 'train.xyz', ...BASIS, '--slurm', '3', '--dry-run', '--out', "it's-model.json"]).to_assemble).toEqual([]);
        expectFailure(['fit', 'train.xyz', ...BASIS, '--slurm', '3', '--partition', 'a;rm -rf /', '--dry-run', '--out', 'm.json'], /option '--partition' has characters Slurm does not take there/);
        expectFailure(['fit', 'train.xyz', ...BASIS, '--degree', '5,5', '--slurm', '3', '--dry-run', '--out', "it's-model.json"], /part-0.acelens-ne is a part of another fit/);
        expectFailure(['fit', 'train.xyz', ...BASIS, '--time', '1:00', '--out', 'm.json'], /option '--time' goes with '--slurm N'/);
    });
});
