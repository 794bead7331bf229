/**
 * `npm run bench -- open-file [--repeats N] [--file PATH]`: opening a large extended XYZ file in the viewer, as a
 * user does (the Dataset panel's "Open .xyz / .extxyz file…" input), in Debian's Chromium at 1600 × 1000. Default
 * file: the GAP-20 concatenation (../shared/data/gap20/*.xyz joined in name order, ≈21 MB, 3 000 frames; skipped
 * with a message where absent).
 *
 * Measured inside the page, from the file input's `change` event:
 *  - time until the first structure of the new file is drawn (its representation built, two animation frames),
 *  - time until the Dataset panel lists every frame,
 *  - main-thread blocking while loading: the longest task and the sum of tasks over 50 ms (Long Tasks API), and
 *    the longest gap between animation frames (what a user sees as a frozen page),
 *  - memory: the page's JS heap (CDP, main thread) and the resident size of all Chromium processes (ps), after a
 *    garbage collection, before and after the load.
 * Wall-clock medians over the repeats; the machine is shared (load average printed), so figures are noisy upper bounds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { registerBench } from './registry';

const Gap20Dir = join(import.meta.dirname, '../../shared/data/gap20');

function median(v: number[]): number {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Resident memory (MB) of the Chromium this process started: its child processes named chrom*, with all their descendants (Linux ps). */
function chromiumRssMb(): number {
    const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' });
    const rows = out.trim().split('\n').map(l => l.trim().split(/\s+/));
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of rows) children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(pid)]);
    const rss = new Map(rows.map(([pid, , r]) => [Number(pid), Number(r)]));
    let total = 0;
    const stack = rows.filter(([, ppid, , comm]) => Number(ppid) === process.pid && /chrom/i.test(comm ?? '')).map(([pid]) => Number(pid));
    while (stack.length) {
        const p = stack.pop()!;
        total += rss.get(p) ?? 0;
        stack.push(...(children.get(p) ?? []));
    }
    return total / 1024;
}

/** In-page probes from the file input's change event: long tasks (Long Tasks API) and gaps between animation frames. */
const Instrument = `(() => {
    const b = window.__open = { t0: 0, longTasks: [], lastRaf: 0, maxGap: 0, running: false };
    new PerformanceObserver(list => { for (const e of list.getEntries()) if (b.t0 && e.startTime >= b.t0) b.longTasks.push(e.duration); }).observe({ type: 'longtask' });
    function tick(t) { b.maxGap = Math.max(b.maxGap, t - b.lastRaf); b.lastRaf = t; if (b.running) requestAnimationFrame(tick); }
    document.addEventListener('change', () => { b.t0 = performance.now(); b.lastRaf = b.t0; b.running = true; requestAnimationFrame(tick); }, true);
})()`;

async function run(args: string[]) {
    const fileArg = args.indexOf('--file');
    const repeatsArg = args.indexOf('--repeats');
    const repeats = repeatsArg >= 0 ? Number(args[repeatsArg + 1]) : 1;
    let path = fileArg >= 0 ? args[fileArg + 1] : '';
    let tmp: string | undefined;
    if (!path) {
        if (!existsSync(Gap20Dir)) { console.log(`skipped: ${Gap20Dir} is absent`); return; }
        tmp = mkdtempSync(join(tmpdir(), 'acelens-open-'));
        path = join(tmp, 'gap20-all.xyz');
        writeFileSync(path, readdirSync(Gap20Dir).filter(f => f.endsWith('.xyz')).sort().map(f => { const t = readFileSync(join(Gap20Dir, f), 'utf8'); return t.endsWith('\n') ? t : t + '\n'; }).join(''));
    }
    const name = basename(path);
    console.log(`file ${name}: ${(statSync(path).size / 1e6).toFixed(1)} MB; load average ${loadavg().map(x => x.toFixed(1)).join(' ')} (2 shared cores: noisy upper bounds)`);

    const { launchBrowser } = await import('../test/e2e/browser');
    const { createServer } = await import('vite');
    const vite = await createServer({ configFile: 'vite.config.ts', server: { port: 5197, host: '127.0.0.1', strictPort: false, hmr: false, watch: null }, logLevel: 'warn' });
    await vite.listen();
    const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5197/';
    const browser = await launchBrowser();
    const results: { first: number; listed: number; longest: number; blocked: number; gap: number; heap: number; rss: number }[] = [];
    try {
        for (let r = 0; r < repeats; r++) {
            const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
            page.setDefaultTimeout(900_000);
            const errors: string[] = [];
            page.on('pageerror', e => errors.push(String(e)));
            await page.goto(url, { waitUntil: 'load', timeout: 600_000 });
            await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 600_000 });
            await page.waitForTimeout(3000);
            const cdp = await page.context().newCDPSession(page);
            await cdp.send('Performance.enable');
            const heapMb = async () => {
                await cdp.send('HeapProfiler.collectGarbage');
                const { metrics } = await cdp.send('Performance.getMetrics');
                return (metrics.find(m => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1e6;
            };
            const heap0 = await heapMb();
            const rss0 = chromiumRssMb();
            // as a string: functions passed to page.evaluate are compiled by tsx, whose name helpers do not exist in the page
            await page.evaluate(Instrument);
            await page.locator('[data-testid=acelens-open-xyz]').setInputFiles(path);
            const first = await page.waitForFunction((label) => {
                const p = (window as any).acelens.plugin;
                const s = p.managers.structure.hierarchy.current.structures.find((x: any) => x.model?.trajectory?.cell.obj?.label === label);
                return !!s && s.components.length > 0 && s.components.every((c: any) => c.representations.length > 0 && c.representations.every((x: any) => x.cell.status === 'ok' && x.cell.obj));
            }, name, { timeout: 900_000, polling: 20 }).then(() => page.evaluate(() => new Promise<number>(res => requestAnimationFrame(() => requestAnimationFrame(() => res(performance.now() - (window as any).__open.t0))))));
            const listed = await page.waitForFunction((label) => {
                const s = document.querySelector('[data-testid=acelens-dataset-summary]')?.textContent ?? '';
                return s.startsWith(`${label}:`) && document.querySelectorAll('[data-testid=acelens-frame-table] tbody tr').length > 0;
            }, name, { timeout: 900_000, polling: 20 }).then(() => page.evaluate(() => performance.now() - (window as any).__open.t0));
            await page.waitForTimeout(2000); // tasks right after the table (plots, images) count too
            const b = await page.evaluate(() => { const o = (window as any).__open; o.running = false; return { longTasks: o.longTasks as number[], maxGap: o.maxGap as number }; });
            const heap1 = await heapMb();
            const rss1 = chromiumRssMb();
            const summary = await page.locator('[data-testid=acelens-dataset-summary]').innerText();
            results.push({ first, listed, longest: Math.max(0, ...b.longTasks), blocked: b.longTasks.reduce((s, x) => s + x, 0), gap: b.maxGap, heap: heap1 - heap0, rss: rss1 - rss0 });
            const x = results[results.length - 1];
            console.log(`run ${r + 1}: "${summary}"; first structure ${(x.first / 1000).toFixed(1)} s, all frames listed ${(x.listed / 1000).toFixed(1)} s; ` +
                `main thread: longest task ${(x.longest / 1000).toFixed(2)} s, ${b.longTasks.length} long tasks totalling ${(x.blocked / 1000).toFixed(1)} s, longest gap between animation frames ${(x.gap / 1000).toFixed(2)} s; ` +
                `JS heap ${heap0.toFixed(0)} → ${heap1.toFixed(0)} MB, Chromium RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`);
            if (errors.length) console.log(`page errors: ${errors.slice(0, 5).join(' | ')}`);
            await page.close();
        }
        const m = (k: keyof typeof results[number]) => median(results.map(x => x[k]));
        console.log(`median of ${results.length}: first structure drawn ${(m('first') / 1000).toFixed(1)} s; all frames listed ${(m('listed') / 1000).toFixed(1)} s; ` +
            `longest main-thread task ${(m('longest') / 1000).toFixed(2)} s; long tasks in total ${(m('blocked') / 1000).toFixed(1)} s; longest frame gap ${(m('gap') / 1000).toFixed(2)} s; ` +
            `JS heap +${m('heap').toFixed(0)} MB; Chromium RSS +${m('rss').toFixed(0)} MB`);
    } finally {
        await browser.close();
        await vite.close();
        if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
}

registerBench({
    name: 'open-file',
    description: 'open the GAP-20 concatenation (21 MB) in the viewer: time to first structure, main-thread blocking, memory (Chromium, wall s; shared machine)',
    run,
    onlyWhenNamed: true,
});
