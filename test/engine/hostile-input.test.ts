/**
 * Issue 21, items 3–6: cost checked before work, garbage refused or handled, atomic outputs, control characters
 * quoted. Engine-level cases here; the CLI cases run the real command line.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { AceBasis } from '../../src/ace/basis';
import { BASIS_LIMITS, basisCost } from '../../src/ace/basis-cost';
import { paperSpec, validateSpec, type BasisSpec } from '../../src/ace/spec';
import { predict } from '../../src/ace/evaluate';
import { buildNeighbourList, MAX_NEIGHBOURS_PER_ATOM } from '../../src/structure/neighbours';
import { makeFrame } from '../../src/structure/frame';
import { checkModel, Model, ModelError, parseModel } from '../../src/model/model';
import { ExtXyzReader, MAX_LINE_LENGTH, MAX_ATOMS_PER_FRAME } from '../../src/io/extxyz-reader';
import { misspeltStandardKey } from '../../src/io/extxyz-frame';
import { safeText } from '../../src/util/text';
import { writeExtXyz } from '../../src/io/extxyz';
import { diamond } from '../../src/structure/build';
import { cliInScratchFolder } from '../cli/run-cli';
import { emptyMetrics, randomModelFile, smallSpec } from '../scan/helpers';

const spec = (over: Partial<BasisSpec>): BasisSpec => ({ ...paperSpec(3), ...over });

describe('cost checked before the work', () => {
    it('a huge basis spec is refused from the spec, with the number, before anything is built', () => {
        expect(() => AceBasis.create(spec({ order: 2, maxDegree: [1e9] }))).toThrow(/more than 2000 one-particle functions/);
        expect(() => AceBasis.create(spec({ lWeight: 1e-9 }))).toThrow(/allows l up to 18000000001; acelens supports l ≤ 20/);
        expect(() => AceBasis.create({ ...paperSpec(5), maxDegree: [30, 30, 28, 28] })).toThrow(new RegExp(`more than ${BASIS_LIMITS.maxTuples} basis functions`));
    });
    it('the count is exact for K ≤ 3 and a model whose coefficients disagree is refused before its basis is built', () => {
        for (const K of [2, 3]) for (const v of ['standard', 'purified'] as const) {
            const s = { ...paperSpec(K, v) };
            expect(basisCost(s).total).toBe(AceBasis.create(s).size);
        }
        const file = randomModelFile(smallSpec(3), 1);
        expect(() => new Model({ ...file, coefficients: file.coefficients.slice(1) }, 'm.json')).toThrow(/m.json: the basis of its spec has \d+ functions but the model has/);
        // the 1e9 spec in a model file: refused in microseconds, not built for a minute
        expect(() => new Model({ ...file, spec: { ...file.spec, order: 2, maxDegree: [1e9] } } as any, 'm.json')).toThrow(/m.json: invalid basis spec: .*one-particle/);
    });
    it('neighbour lists: far-away coordinates, tiny and flat cells, too dense cells are refused with the number', () => {
        const two = (x: number) => makeFrame({ positions: [0, 0, 0, x, 0, 0] });
        expect(() => buildNeighbourList(two(1e308), 5)).toThrow(/atom 1 has x = 1\.000e\+308 Å, beyond the ±1e\+6 Å/);
        expect(() => buildNeighbourList(makeFrame({ positions: [0, 0, 0], cell: [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01] }), 5)).toThrow(/too small or flat .* about 1\.0e\+9 periodic images/);
        expect(() => buildNeighbourList(makeFrame({ positions: [0, 0, 0], cell: [5, 0, 0, 0, 5, 0, 0, 0, 1e-6] }), 5)).toThrow(/too small or flat/);
        const dense = makeFrame({ positions: Array.from({ length: 3 * 80 }, (_, k) => ((k * 0.37) % 2.9) + 0.001 * k), cell: [3, 0, 0, 0, 3, 0, 0, 0, 3] });
        expect(() => buildNeighbourList(dense, 5)).toThrow(new RegExp(`neighbours per atom within 5 Å \\(limit ${MAX_NEIGHBOURS_PER_ATOM}`));
        // non-periodic clusters are counted while building: 1100 atoms within one cutoff
        const blob = makeFrame({ positions: Array.from({ length: 3 * 1100 }, (_, k) => (k % 3 === 0 ? 0.004 * Math.floor(k / 3) : 0)) });
        expect(() => buildNeighbourList(blob, 5)).toThrow(/has \d+ neighbours within 5 Å \(limit 1000\)/);
    });
    it('the reader refuses an over-long line (a file without newlines) and absurd atom counts, with the line', () => {
        const r = new ExtXyzReader({ fileName: 'zero.bin' });
        const chunk = '\u0000'.repeat(1 << 18);
        let err: Error | null = null;
        try { for (let k = 0; k < 8; k++) r.push(chunk); } catch (e) { err = e as Error; }
        expect(err?.message).toBe(`zero.bin:1: frame 0: line longer than ${MAX_LINE_LENGTH} characters (not an extended XYZ text file? no newlines?)`);
        expect(() => new ExtXyzReader({ fileName: 'a.xyz' }).push(`${MAX_ATOMS_PER_FRAME + 1}\n`)).toThrow(/a\.xyz:1: frame 0: atom count \d+ is too large/);
    });
});

describe('garbage refused or handled', () => {
    const file = () => {
        const f = randomModelFile(smallSpec(2), 3);
        return JSON.parse(JSON.stringify({ ...f, metrics: { train: emptyMetrics(), valid: null } }));
    };
    it('absurd e0, r0, rin ≈ rcut and missing sections are refused by the model schema and the spec check', () => {
        expect(() => checkModel({ ...file(), e0: 1e308 }, 'm.json')).toThrow(/m.json: not a valid model file: e0 must be <= 1000000, got 1e\+308/);
        expect(() => checkModel({ ...file(), spec: { ...file().spec, r0: 1e300 } }, 'm.json')).toThrow(/spec.r0 must be <= 100/);
        expect(() => checkModel({ ...file(), spec: { ...file().spec, r0: 1e-300 } }, 'm.json')).toThrow(/spec.r0 must be >= 0.01/);
        expect(() => checkModel({ ...file(), spec: { ...file().spec, rin: 4.4999 } }, 'm.json')).toThrow(/distance transform maps \[rin, rcut\] = \[4.4999, 4.5\] Å onto only/);
        expect(() => checkModel({ ...file(), coefficients: file().coefficients.map(() => 1e299) }, 'm.json')).toThrow(/coefficients\[0\] must be <= 1000000000000/);
        const noMetrics = file();
        delete noMetrics.metrics;
        expect(() => parseModel(JSON.stringify(noMetrics), 'm.json')).toThrow(/the model has no 'metrics'/);
        expect(() => validateSpec({ ...paperSpec(2), rcut: 1e6 })).toThrow(/'rcut' must be ≤ 20 Å/);
    });
    it('an atom far outside the cell is wrapped exactly: the energy is that of the wrapped structure', () => {
        const model = new Model(checkModel(file(), 'm.json'));
        const frame = diamond([1, 1, 1]);
        const e = model.predict(frame).energy;
        const cell = frame.cell!;
        for (const shift of [[1000, 0, 0], [-317, 25, 999], [0, 0, -99999]]) {
            const far = Float64Array.from(frame.positions);
            for (let c = 0; c < 3; c++) far[3 + c] += shift[0] * cell[c] + shift[1] * cell[3 + c] + shift[2] * cell[6 + c];
            const p = model.predict({ ...frame, positions: far });
            expect(Math.abs(p.energy - e)).toBeLessThan(1e-8);
        }
    });
    it('info keys that look like misspelt standard keys are warned about, with file and line', () => {
        expect(misspeltStandardKey('forc\u2212es')).toBe('forces');
        expect(misspeltStandardKey('ener\u0000gy')).toBe('energy');
        expect(misspeltStandardKey('config_\ufffdype')).toBe('config_type');
        expect(misspeltStandardKey('my_energy')).toBeNull();
        expect(misspeltStandardKey('énergie')).toBeNull();
        const r = new ExtXyzReader({ fileName: 'k.xyz' });
        r.push('1\nProperties=species:S:1:pos:R:3:forc\u2212es:R:3 ener\ufffdgy=-1.5\nC 0 0 0 1 2 3\n');
        r.finish();
        expect(r.warnings).toHaveLength(2);
        expect(r.warnings[0]).toMatch(/^k\.xyz:2: frame 0: key "ener\\ufffdgy" looks like 'energy'/);
        expect(r.warnings[1]).toMatch(/^k\.xyz:2: frame 0: Properties column "forc\\u2212es" looks like 'forces'/);
    });
    it('control characters are escaped and long input is capped in messages', () => {
        expect(safeText('a\u001b]0;title\u0007b')).toBe('a\\x1b]0;title\\x07b');
        expect(safeText('x'.repeat(5000), 100)).toBe(`${'x'.repeat(100)}… (4900 more characters)`);
        let msg = '';
        try { new ExtXyzReader({ fileName: 'c.xyz' }).push(`1\n\nC\u001b[2J${'y'.repeat(100_000)} 0 0 0\n`); } catch (e) { msg = (e as Error).message; }
        expect(msg).toMatch(/^c\.xyz:3: frame 0: /);
        expect(msg).toContain('\\x1b[2J');
        expect(msg).not.toMatch(/[\u0000-\u001f]/);
        expect(msg.length).toBeLessThan(1400);
    });
});

describe('CLI: atomic outputs, located and quoted errors', () => {
    const cli = cliInScratchFolder('acelens-hostile-');
    const modelFile = randomModelFile(smallSpec(2), 5);
    writeFileSync(cli.at('m.json'), JSON.stringify({ ...modelFile, metrics: { train: emptyMetrics(), valid: null } }));
    const frames = [diamond([1, 1, 1]), diamond([1, 1, 1])].map((f, i) => ({ ...f, energy: -9 * f.natoms + i, forces: new Float64Array(3 * f.natoms), configType: `c\u001b]0;pwned\u0007${i}` }));
    const good = writeExtXyz(frames);
    it('eval --out: a failing last frame leaves the previous predictions file untouched, no partial file, no temporaries', () => {
        writeFileSync(cli.at('data.xyz'), good);
        const ok = cli.run(['eval', '--model', 'm.json', '--out', 'pred.xyz', 'data.xyz']);
        expect(ok.code, ok.stderr).toBe(0);
        // the eval table shows the config_type with its escape quoted, never raw
        expect(ok.stdout).toContain('c\\x1b]0;pwned\\x07');
        expect(ok.stdout).not.toMatch(/\u001b/);
        const before = readFileSync(cli.at('pred.xyz'), 'utf8');
        // the second frame's atom far away: the engine refuses it
        const lines = good.split('\n');
        const second = 2 + frames[0].natoms;
        lines[second + 2] = lines[second + 2].replace(/^C\s+\S+/, 'C 1e20');
        writeFileSync(cli.at('bad.xyz'), lines.join('\n'));
        cli.expectFailure(['eval', '--model', 'm.json', '--out', 'pred.xyz', 'bad.xyz'], new RegExp(`^acelens eval: error: bad\\.xyz:${second + 1}: frame 1: cannot evaluate the model: neighbour list: atom 0 has x = 1\\.000e\\+20 Å`));
        expect(readFileSync(cli.at('pred.xyz'), 'utf8')).toBe(before);
        expect(readdirSync(cli.dir).filter((n) => n.includes('.tmp'))).toEqual([]);
    });
    it('--out a directory is refused before any work; a 0-atom frame is refused with its line', () => {
        mkdirSync(cli.at('outdir'), { recursive: true });
        writeFileSync(cli.at('data.xyz'), good);
        cli.expectFailure(['eval', '--model', 'm.json', '--out', 'outdir', 'data.xyz'], /^acelens eval: error: outdir: cannot write the predictions file: it is a directory$/);
        cli.expectFailure(['fit', '--order', '2', '--out', 'outdir', 'data.xyz'], /^acelens fit: error: outdir: cannot write the model file: it is a directory$/);
        writeFileSync(cli.at('zero.xyz'), `${good}0\nenergy=0\n`);
        cli.expectFailure(['eval', '--model', 'm.json', 'zero.xyz'], new RegExp(`^acelens eval: error: zero\\.xyz:${2 * (frames[0].natoms + 2) + 1}: frame 2: a frame with 0 atoms is not a structure`));
        expect(readdirSync(cli.dir).filter((n) => n.includes('.tmp'))).toEqual([]);
    });
    it('SIGTERM during eval --out: the previous file stays, the temporary is removed', async () => {
    // a dataset that takes a while to evaluate with the paper's K = 3 basis
        const big = Array.from({ length: 400 }, (_, i) => ({ ...diamond([2, 2, 2]), energy: -1000 - i }));
        writeFileSync(cli.at('k3.json'), JSON.stringify({ ...randomModelFile(paperSpec(3), 7), metrics: { train: emptyMetrics(), valid: null } }));
        writeFileSync(cli.at('big.xyz'), writeExtXyz(big));
        writeFileSync(cli.at('pred.xyz'), 'previous predictions\n');
        const child = spawn(process.execPath, [resolve(__dirname, '../../bin/acelens.mjs'), 'eval', '--model', 'k3.json', '--out', 'pred.xyz', 'big.xyz'], { cwd: cli.dir });
        // wait until the temporary exists (the work has started), then interrupt
        for (let k = 0; k < 600 && !readdirSync(cli.dir).some((n) => n.includes('.tmp')); k++) await new Promise((r) => setTimeout(r, 50));
        const started = readdirSync(cli.dir).some((n) => n.includes('.tmp'));
        child.kill('SIGTERM');
        const signal = await new Promise((r) => child.on('exit', (_code, sig) => r(sig)));
        expect(started).toBe(true);
        expect(signal).toBe('SIGTERM');
        expect(readFileSync(cli.at('pred.xyz'), 'utf8')).toBe('previous predictions\n');
        expect(readdirSync(cli.dir).filter((n) => n.includes('.tmp'))).toEqual([]);
        expect(existsSync(cli.at('pred.xyz'))).toBe(true);
    }, 120_000);
});
