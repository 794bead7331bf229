/**
 * Side by side with ML-PACE (the C++ evaluator LAMMPS' `pair_style pace` runs): energy + forces (+ virial) of a
 * 1000-atom amorphous carbon cell (random packing at 2.5 g/cm³, minimum distance 1.3 Å, seed 1: ~65 neighbours
 * per atom within 5 Å), CPU time per atom, for the same model on both sides:
 *   - the acelens basis (default K = 2..5 and the reference study's K = 4, 5; standard variant) with the
 *     'acejl' radial so it exports exactly, random smooth coefficients;
 *   - written as a .yace file (src/pace/export.ts) and loaded by ML-PACE's recursive evaluator (LAMMPS' default)
 *     through ../shared/peers/pace_bench.cpp in its --serve mode (one evaluation per request).
 * Runs are interleaved (acelens, ML-PACE, acelens, …) in one process pair so both see the same machine load;
 * each side's CPU time is its own process's (process.cpuUsage / CLOCK_PROCESS_CPUTIME_ID). Medians are
 * reported with the load average and the wall/CPU ratio (how much the machine was shared).
 *
 * ML-PACE is built from ../shared/peers by tools/peers/build-pace-bench.sh into .peers-build/bench/ (ignored),
 * with -O3 -march=native; without ../shared/peers the benchmark says so and stops.
 * Options: --rounds N (default 9), --bases default2,default3,…,study4,study5 (default: all six), --purified,
 * --radial analytic|tabulated (default analytic, predict's default),
 * --with-before (also time the evaluator this one replaced, kept as test/engine/reference-evaluator.ts),
 * --browser (also time the same predict in a Web Worker of Debian's Chromium, bench/peer-browser.ts; a worker
 * has no CPU clock, so that column is the fastest wall time of the rounds, against ML-PACE's fastest CPU time).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { registerBench } from './registry';
import { AceBasis } from '../src/ace/basis';
import { defaultSpec, paperSpec, type BasisSpec } from '../src/ace/spec';
import { predict } from '../src/ace/evaluate';
import { buildNeighbourList } from '../src/structure/neighbours';
import { randomCarbonPacking } from '../src/structure/build';
import { writeExtXyz } from '../src/io/extxyz-writer';
import { exportYace } from '../src/pace/export';
import { predict as predictBefore } from '../test/engine/reference-evaluator';
import { testCoefficients as coefficients } from '../test/pace/helpers';
import { BrowserPredictWorker } from './peer-browser';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function median(a: number[]): number {
    const s = a.slice().sort((x, y) => x - y);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/** A pace_bench --serve process: one request line → "cpu_ms wall_ms energy". */
class PaceServer {
    private readonly proc;
    private readonly lines: string[] = [];
    private waiting: ((l: string) => void) | null = null;
    readonly header: string[] = [];
    constructor(exe: string, potential: string, cell: string) {
        this.proc = spawn(exe, [potential, cell, '--eval', 'rec', '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
        const rl = createInterface({ input: this.proc.stdout! });
        rl.on('line', (l) => {
            if (this.waiting) { const w = this.waiting; this.waiting = null; this.failed = null; w(l); } else this.lines.push(l);
        });
        this.proc.on('exit', (code) => { this.exited = `pace_bench exited (${code})`; this.failed?.(new Error(this.exited)); });
    }
    private failed: ((e: Error) => void) | null = null;
    private exited: string | null = null;
    next(): Promise<string> {
        const l = this.lines.shift();
        if (l !== undefined) return Promise.resolve(l);
        if (this.exited) return Promise.reject(new Error(this.exited));
        return new Promise((res, rej) => { this.waiting = res; this.failed = rej; });
    }
    async ready(): Promise<void> {
        for (;;) {
            const l = await this.next();
            if (l === 'READY') return;
            this.header.push(l);
        }
    }
    async run(): Promise<{ cpu: number; wall: number; energy: number }> {
    this.proc.stdin!.write('rec\n');
    const l = await this.next();
    const [cpu, wall, energy] = l.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(cpu)) throw new Error(`pace_bench: unexpected answer '${l}'`);
    return { cpu, wall, energy };
    }
    close(): void {
    this.proc.stdin!.end('quit\n');
    }
}

registerBench({
    name: 'peer',
    description: 'acelens vs ML-PACE recursive (LAMMPS default): energy+forces µs/atom, same model exported as .yace, interleaved, CPU time',
    onlyWhenNamed: true,
    async run(args) {
        const build = spawnSync(resolve(ROOT, 'tools/peers/build-pace-bench.sh'), { encoding: 'utf8' });
        if (build.status === 2) { console.log(`ML-PACE is absent (${build.stderr.trim()}): nothing to compare with; stopping.`); return; }
        if (build.status !== 0) throw new Error(`building ML-PACE failed (${build.status}):\n${build.stderr}`);
        const exe = build.stdout.trim().split('\n').pop()!;
        const at = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
        const rounds = Number(at('--rounds') ?? 9);
        const variant = args.includes('--purified') ? 'purified' : 'standard';
        const radial = at('--radial') ?? 'analytic';
        if (radial !== 'analytic' && radial !== 'tabulated') throw new Error(`--radial must be analytic or tabulated, got ${radial}`);
        const acejl = { kind: 'acejl', p: 2, pl: 2, pr: 0 } as const;
        const all: [string, BasisSpec][] = [
            ['default2', { ...defaultSpec(2, variant), radial: acejl }],
            ['default3', { ...defaultSpec(3, variant), radial: acejl }],
            ['default4', { ...defaultSpec(4, variant), radial: acejl }],
            ['default5', { ...defaultSpec(5, variant), radial: acejl }],
            ['study4', { ...paperSpec(4, variant), radial: acejl }],
            ['study5', { ...paperSpec(5, variant), radial: acejl }],
        ];
        const wanted = (at('--bases') ?? all.map((b) => b[0]).join(',')).split(',');
        const frame = randomCarbonPacking(1000, 2.5, 1.3, 1);
        const dir = mkdtempSync(join(tmpdir(), 'acelens-peer-'));
        const cellPath = join(dir, 'cell.extxyz');
        writeFileSync(cellPath, writeExtXyz([frame], { realFormat: 'exact' }));
        const nl = buildNeighbourList(frame, 5);
        console.log(`cell: ${frame.natoms} atoms, ${(nl.index.length / frame.natoms).toFixed(1)} neighbours/atom within 5 Å; ${variant} bases, acejl radial; ${rounds} interleaved rounds after one warm-up each`);
        console.log(`ML-PACE: ${exe} (recursive evaluator, -O3 -march=native); acelens: predict with ${radial} radials${radial === 'analytic' ? ' (the default, what users run)' : ''}, neighbour list prebuilt on both sides`);
        console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores)`);
        const before = args.includes('--with-before');
        const browser = args.includes('--browser') ? await BrowserPredictWorker.start() : null;
        if (browser) console.log(`browser: acelens predict in a Web Worker of Chromium ${browser.version} (headless); its column is the fastest wall time of the rounds, compared with ML-PACE's fastest CPU time`);
        console.log(`\n| basis (functions) | acelens µs/atom | ML-PACE µs/atom | acelens / ML-PACE |${before ? ' previous acelens evaluator µs/atom (its ratio) |' : ''}${browser ? ' acelens in a Chromium worker, fastest wall µs/atom | ML-PACE fastest CPU µs/atom | Chromium / ML-PACE |' : ''} dE/atom (meV) | wall/CPU acelens, ML-PACE |`);
        console.log(`|---|---|---|---|${before ? '---|' : ''}${browser ? '---|---|---|' : ''}---|---|`);
        const rows: string[] = [];
        try {
            for (const [name, spec] of all) {
                if (!wanted.includes(name)) continue;
                const basis = AceBasis.create(spec);
                const c = coefficients(basis);
                const e0 = 0;
                const pot = join(dir, `${name}.yace`);
                writeFileSync(pot, exportYace({ basis, coefficients: c, e0 }).text);
                const server = new PaceServer(exe, pot, cellPath);
                await server.ready();
                const ace = () => {
                    const c0 = process.cpuUsage(), t0 = performance.now();
                    const p = predict(basis, c, e0, frame, { neighbours: nl, radial });
                    const wall = performance.now() - t0, cu = process.cpuUsage(c0);
                    return { cpu: (cu.user + cu.system) / 1000, wall, energy: p.energy };
                };
                const old = () => {
                    const c0 = process.cpuUsage();
                    predictBefore(basis, c, e0, frame, { neighbours: nl });
                    const cu = process.cpuUsage(c0);
                    return (cu.user + cu.system) / 1000;
                };
                if (browser) await browser.setup(spec, c, frame);
                ace(); await server.run(); if (before) old(); // warm-up (JIT, tables, caches)
                const bw: { wall: number; energy: number }[] = [];
                if (browser) { await browser.run(); await browser.run(); }
                const a: { cpu: number; wall: number; energy: number }[] = [], m: typeof a = [], o: number[] = [];
                for (let r = 0; r < rounds; r++) {
                    if (r % 2 === 0) { a.push(ace()); m.push(await server.run()); } else { m.push(await server.run()); a.push(ace()); }
                    if (before) o.push(old());
                    if (browser) bw.push(await browser.run());
                }
                server.close();
                const us = (ms: number) => (1000 * ms) / frame.natoms;
                const ta = us(median(a.map((x) => x.cpu))), tm = us(median(m.map((x) => x.cpu)));
                const wa = median(a.map((x) => x.wall / x.cpu)), wm = median(m.map((x) => x.wall / x.cpu));
                const dE = (1000 * Math.abs(a[0].energy - m[0].energy)) / frame.natoms;
                const label = `${name.startsWith('study') ? "the study's" : 'default'} K = ${name.slice(-1)} (${basis.size})`;
                const to = before ? us(median(o)) : 0;
                let browserCells = '';
                if (browser) {
                    const tb = us(Math.min(...bw.map((x) => x.wall))), tmMin = us(Math.min(...m.map((x) => x.cpu)));
                    const dEb = (1000 * Math.abs(bw[0].energy - m[0].energy)) / frame.natoms;
                    if (!(dEb < 1e-6)) throw new Error(`the browser's energy differs from ML-PACE's by ${dEb} meV/atom`);
                    browserCells = ` ${tb.toFixed(1)} | ${tmMin.toFixed(1)} | ${(tb / tmMin).toFixed(2)} |`;
                }
                const row = `| ${label} | ${ta.toFixed(1)} | ${tm.toFixed(1)} | ${(ta / tm).toFixed(2)} |${before ? ` ${to.toFixed(1)} (${(to / tm).toFixed(2)}) |` : ''}${browserCells} ${dE.toExponential(1)} | ${wa.toFixed(2)}, ${wm.toFixed(2)} |`;
                console.log(row);
                rows.push(row);
            }
        } finally {
            await browser?.close();
            rmSync(dir, { recursive: true, force: true });
        }
        console.log(`\nload average at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores). Medians of CPU time per evaluation of the whole cell; wall/CPU > 1 means the process waited for a core.`);
    },
});
