/**
 * `npm run bench -- ui`: the workspace in Chromium (1600×1000) on the GAP-20 concatenation (../shared/data/gap20):
 * time from a box selection in the force-parity plot (mouse released) to the atoms selected in Mol* and the next
 * frame drawn, and from choosing a colour theme to the recoloured frame drawn. Wall-clock medians over a few
 * repeats, measured inside the page (performance.now); the machine is shared, so figures are noisy.
 * Goal of issue 18: under 100 ms each.
 * The theme is measured with the canvas settings the app chose for the browser's WebGL renderer (light in software
 * WebGL: plugin/render-quality.ts) and with Mol*'s full quality forced, side by side; each run starts from a page
 * that draws frames at a normal pace again. The selection part: six boxes, then the first box again from frame 0
 * (a second frame-switching box), then frame-switching selections without the plot. Options: --quality=app|full|light
 * (one of them only; --no-ssao is --quality=light), --theme-only (no selection part), --only select (no theme part),
 * --only frame (one box, then the frame-switching selections), --profile (Chromium's CPU profile of each part),
 * --trace (Chromium's trace of the boxes, every process: per box, each thread's busy time and its longest slices;
 * what the JS profiler cannot see, e.g. the canvas rasteriser or a wait on the GPU process).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { createServer } from 'vite';
import { registerBench } from './registry';
import { launchBrowser, openViewer } from '../test/e2e/browser';
import { fittedModelFile } from '../test/e2e/model-fixture';

const Gap20Dir = join(import.meta.dirname, '../../shared/data/gap20');
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ProfileDir = join(import.meta.dirname, '../test/e2e/output');

/**
 * `--profile`: Chromium's CPU profiler around an interaction; the profile is saved (test/e2e/output/NAME.cpuprofile,
 * open it in Chromium's DevTools) and the functions with the most self time are printed.
 */
async function profiled<T>(page: Page, on: boolean, name: string, run: () => Promise<T>): Promise<T> {
    if (!on) return run();
    const cdp: CDPSession = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
    try {
        return await run();
    } finally {
        const { profile } = await cdp.send('Profiler.stop') as any;
        mkdirSync(ProfileDir, { recursive: true });
        writeFileSync(join(ProfileDir, `${name}.cpuprofile`), JSON.stringify(profile));
        const dt = new Map<number, number>();
        for (let k = 0; k < profile.samples.length; k++) dt.set(profile.samples[k], (dt.get(profile.samples[k]) ?? 0) + (profile.timeDeltas[k + 1] ?? 0) / 1000);
        const self = new Map<string, number>();
        let total = 0;
        for (const n of profile.nodes) {
            const ms = dt.get(n.id) ?? 0;
            total += ms;
            const f = n.callFrame;
            const key = `${f.functionName || '(anonymous)'} ${String(f.url).replace(/^.*\/(node_modules\/.vite\/deps|src|plugin|node_modules)\//, '$1/').replace(/\?.*$/, '')}:${f.lineNumber + 1}`;
            self.set(key, (self.get(key) ?? 0) + ms);
        }
        console.log(`  profile ${name}: ${total.toFixed(0)} ms sampled; most self time:`);
        for (const [k, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${ms.toFixed(0).padStart(7)} ms  ${k}`);
        await cdp.detach();
    }
}

/**
 * Frame-switching selections alone, without Plotly: the atoms of the last plot selection are selected again with
 * the workspace's own `selectAtomsInViewer` (plugin/workspace/linking.ts) after a frame holding none of them was
 * shown (settled, drawn); from the call → its promise resolved (frame shown and atoms selected in Mol*: JS done)
 * → the next animation frame (drawn).
 */
async function frameSwitches(page: Page, profile: boolean) {
    const runs: { js: number; frame: number; select: number; drawn: number; pixels: number; atoms: number; from: number; to: number }[] = [];
    await profiled(page, profile, 'ui-frame-switch', async () => {
        for (let r = 0; r < 7; r++) {
            const run = await page.evaluate(async (r) => {
                const w = window as any, p = w.acelens.plugin;
                const { selectAtomsInViewer } = await import('/plugin/workspace/linking.ts' as any);
                const { showFrame, currentDataset } = await import('/plugin/current-dataset.ts' as any);
                const index = w.acelens.workspace.errors.value.index;
                const ids: Int32Array = w.acelens.workspace.selection.value.ids;
                const frames = new Set<number>();
                for (const id of ids) frames.add(index.frameOf(id));
                // a frame holding none of the atoms (a different one each run: a frame model is built or taken from the kept ones)
                let away = (37 * (r + 1)) % (index.offsets.length - 1);
                while (frames.has(away)) away = (away + 1) % (index.offsets.length - 1);
                await showFrame(p, away);
                // settled: no state update running and the page drawing again at its pace (three animation frames in a row
                // < 50 ms apart: what the last frame switch started, e.g. the plots' recolouring, is over); at most 30 s
                const settled = () => new Promise<void>(res => {
                    const t0 = performance.now();
                    let last = 0, quiet = 0;
                    const frame = (t: number) => {
                        quiet = last && t - last < 50 ? quiet + 1 : 0;
                        last = t;
                        if ((quiet >= 3 && !p.behaviors.state.isUpdating.value) || t - t0 > 30_000) res(); else requestAnimationFrame(frame);
                    };
                    requestAnimationFrame(frame);
                });
                await settled();
                await new Promise(res => setTimeout(res, 300));
                const from = currentDataset(p).frameIndex;
                const t0 = performance.now();
                const shown = await selectAtomsInViewer(p, index, ids, ids[(r * 7919) % ids.length]);
                const js = performance.now() - t0;
                const drawn = await new Promise<number>(res => requestAnimationFrame(() => res(performance.now() - t0)));
                // and its pixels: a 1-pixel read of Mol*'s canvas waits until the GPU process has drawn that frame
                const pixels = await new Promise<number>(res => setTimeout(() => { const gl = p.canvas3dContext.webgl.gl; gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4)); res(performance.now() - t0); }, 0));
                const at = (name: string) => { const e = performance.getEntriesByName(name).filter(m => m.startTime >= t0); return e.length ? Math.round(e[e.length - 1].startTime - t0) : -1; };
                const result = { js, frame: at('acelens:select:frame-shown'), select: at('acelens:select:mol-select'), drawn, pixels, atoms: shown?.atoms ?? 0, from, to: shown?.frame ?? -1 };
                await settled();
                return result;
            }, r);
            runs.push(run);
            console.log(`  frame switch ${r + 1}: frame ${run.from} → ${run.to}, ${run.atoms} atoms selected: JS done ${run.js.toFixed(0)} ms (frame shown ${run.frame}, Mol* select ${run.select} ms), next frame drawn ${run.drawn.toFixed(0)} ms, its pixels ${run.pixels.toFixed(0)} ms`);
        }
    });
    const m = (f: (x: typeof runs[number]) => number) => median(runs.map(f)).toFixed(0);
    console.log(`frame-switching selection (selectAtomsInViewer, no plot): → Mol* selection done (JS) median ${m(x => x.js)} ms (frame shown ${m(x => x.frame)} ms); → next frame drawn median ${m(x => x.drawn)} ms, its pixels rendered median ${m(x => x.pixels)} ms (${runs.length} runs)`);
}

const TraceCategories = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame',
    'blink.user_timing', 'gpu', 'viz', 'cc', 'benchmark', 'input', 'v8.execute', 'blink', 'disabled-by-default-gpu.service'];

/**
 * `--trace`: for each box selection, from the mouse released (the renderer's `mouseup` dispatch) to the animation frame
 * that saw the atoms selected (`acelens:bench:select-drawn`), each thread of each process (renderer main thread,
 * compositor, GPU process, …) with its busy time (top-level slices) and the slices that took most of it.
 */
function summariseTrace(buffer: Buffer) {
    const events: any[] = JSON.parse(buffer.toString('utf8')).traceEvents ?? [];
    const names = new Map<string, string>(), procs = new Map<number, string>();
    for (const e of events) {
        if (e.ph !== 'M') continue;
        if (e.name === 'process_name') procs.set(e.pid, e.args.name);
        if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    }
    const ups = events.filter(e => e.name === 'EventDispatch' && e.args?.data?.type === 'mouseup').map(e => e.ts as number).sort((a, b) => a - b);
    const drawn = events.filter(e => e.name === 'acelens:bench:select-drawn').map(e => e.ts as number).sort((a, b) => a - b);
    const slices = events.filter(e => e.ph === 'X' && e.dur > 0).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    for (const up of ups) {
        const end = drawn.find(t => t > up);
        if (end === undefined) continue;
        console.log(`  trace: mouse released → selection drawn ${((end - up) / 1000).toFixed(0)} ms`);
        const perThread = new Map<string, { busy: number; until: number; byName: Map<string, number> }>();
        for (const e of slices) {
            const a = Math.max(e.ts, up), b = Math.min(e.ts + e.dur, end);
            if (b <= a) continue;
            const key = `${procs.get(e.pid) ?? e.pid} / ${names.get(`${e.pid}:${e.tid}`) ?? e.tid}`;
            const t = perThread.get(key) ?? { busy: 0, until: 0, byName: new Map() };
            perThread.set(key, t);
            // busy: the union of slices (nested ones counted once)
            if (b > t.until) { t.busy += b - Math.max(a, t.until); t.until = b; }
            t.byName.set(e.name, (t.byName.get(e.name) ?? 0) + (b - a));
        }
        for (const [k, t] of [...perThread].sort((x, y) => y[1].busy - x[1].busy).slice(0, 6)) {
            if (t.busy < 2000) continue;
            const top = [...t.byName].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}`).join(', ');
            console.log(`    ${k}: busy ${(t.busy / 1000).toFixed(0)} ms (${top})`);
        }
    }
}

/**
 * Waits until the page draws animation frames at a normal pace again (5 intervals in a row under 50 ms, at most
 * 30 s): the GPU work queued by a previous change (Mol*'s multi-sample frames, a restyle of the WebGL plots) is done.
 * Returns the time waited, ms.
 */
async function settle(page: Page): Promise<number> {
    return page.evaluate(() => new Promise<number>(res => {
        const t0 = performance.now();
        let last = t0, calm = 0;
        const step = (t: number) => {
            calm = t - last < 50 ? calm + 1 : 0;
            last = t;
            if (calm >= 5 || t - t0 > 30_000) res(Math.round(t - t0)); else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
    }));
}

registerBench({
    name: 'ui',
    description: 'workspace on GAP-20: plot selection → 3D highlight, theme → recoloured frame (Chromium, wall ms)',
    onlyWhenNamed: true,
    run: async (args: string[]) => {
        const profile = args.includes('--profile');
        // `--only frame`: only the frame-switching selections (below)
        const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
        const onlyFrame = only === 'frame';
        // `--trace`: Chromium's trace of the box selections (every process: renderer, compositor, GPU), saved and summarised
        const trace = args.includes('--trace');
        if (!existsSync(Gap20Dir)) { console.log(`skipped: ${Gap20Dir} is absent`); return; }
        const text = readdirSync(Gap20Dir).filter(f => f.endsWith('.xyz')).sort().map(f => { const t = readFileSync(join(Gap20Dir, f), 'utf8'); return t.endsWith('\n') ? t : t + '\n'; }).join('');
        const model = await fittedModelFile();
        const server = await createServer({ configFile: 'vite.config.ts', server: { port: 5299, host: '127.0.0.1', strictPort: false, hmr: false, watch: null }, logLevel: 'warn' });
        await server.listen();
        const browser = await launchBrowser();
        try {
            const { page } = await openViewer(browser, server.resolvedUrls!.local[0], { width: 1600, height: 1000 });
            page.setDefaultTimeout(600_000);
            // tsx (esbuild, keepNames) wraps named functions in the closures below in a __name(...) helper that the page
            // does not have: define it there (a string, so it is not transformed itself)
            await page.evaluate('window.__name = (f) => f');
            await page.evaluate((f) => (window as any).acelens.store.addModel(f, 'K=2 carbon-diverse'), model as any);
            const t0 = Date.now();
            await page.evaluate(async (t) => { await (window as any).acelens.loadText(t, 'gap20-all.xyz'); }, text);
            await page.waitForFunction(() => (window as any).acelens.workspace.errors.value?.index.total > 190_000, undefined, { timeout: 1_200_000, polling: 1000 });
            console.log(`GAP-20 loaded, predicted in a worker and plotted: ${((Date.now() - t0) / 1000).toFixed(0)} s wall`);
            await page.waitForTimeout(3000);
            console.log(`load average ${loadavg().map(x => x.toFixed(1)).join(' ')}`);
            // Mol*'s canvas settings: as the app chose them for this renderer (light in software WebGL, ./plugin/render-quality.ts),
            // and Mol*'s full quality forced (its defaults: ambient occlusion, bloom, temporal multi-sampling), side by side.
            // --quality=app|full|light measures one of them only (--no-ssao: the same as --quality=light).
            const quality = args.find(a => a.startsWith('--quality='))?.split('=')[1] ?? (args.includes('--no-ssao') ? 'light' : 'both');
            const app = await page.evaluate(() => { const rq = (window as any).acelens.renderQuality.state.value; return { quality: rq.quality as string, renderer: rq.renderer?.string as string, kind: rq.renderer?.kind as string }; });
            console.log(`WebGL renderer: ${app.renderer} (${app.kind}); the app chose ${app.quality} rendering`);
            const modes = onlyFrame || only === 'select' ? [] : quality === 'both' ? ['app', 'full'] : [quality];
            const results: { mode: string; props: string; firstFrame: number; settled: number; frames: number; theme: number[]; pixels: number[]; updated: number[]; cpu: number[]; load: string }[] = [];
            // the acelens themes alternately, as a user does: a quantity chosen in the Models panel's colouring list (it
            // applies at once); in the page, from the list's change event until every representation of the shown
            // structure has that theme, Mol*'s state is idle and the next animation frame is drawn
            await page.evaluate(() => {
                const w = window as any;
                w.__theme = { done: [] as number[], pixels: [] as number[], steps: [] as any[] };
                document.addEventListener('change', e => {
                    const el = e.target as HTMLSelectElement;
                    if (el?.dataset?.testid !== 'acelens-colour-theme') return;
                    const t0 = performance.now(), want = el.value;
                    const p = w.acelens.plugin;
                    const check = () => {
                        const traj = [...p.managers.structure.hierarchy.selection.trajectories].reverse().find((t: any) => !t.cell.state.isHidden);
                        const reprs = traj.models[0].structures[0].components.flatMap((c: any) => c.representations);
                        const ok = reprs.length > 0 && reprs.every((r: any) => r.cell.transform.params.colorTheme.name === want && r.cell.status === 'ok') && !p.behaviors.state.isUpdating.value;
                        if (ok) {
                            const cond = performance.now() - t0;
                            requestAnimationFrame(() => {
                                const at = (name: string) => { const e = performance.getEntriesByName(name).filter(m => m.startTime >= t0); return e.length ? Math.round(e[e.length - 1].startTime - t0) : -1; };
                                w.__theme.steps.push({ start: at('acelens:theme:start'), attached: at('acelens:theme:predictions-attached'), updated: at('acelens:theme:representations-updated'), idle: Math.round(cond) });
                                w.__theme.done.push(performance.now() - t0);
                                // after this frame's callbacks (Mol*'s tick among them), a 1-pixel read of Mol*'s canvas
                                // waits until the GPU process (SwiftShader: the CPU) has drawn the frame: the pixels exist
                                setTimeout(() => {
                                    const gl = p.canvas3dContext.webgl.gl;
                                    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
                                    w.__theme.pixels.push(performance.now() - t0);
                                }, 0);
                            });
                        } else requestAnimationFrame(check);
                    };
                    requestAnimationFrame(check);
                }, true);
            });
            const cdp = await page.context().newCDPSession(page);
            await cdp.send('Performance.enable');
            // main-thread time of the page's tasks (Chromium's TaskDuration), ms
            const busy = async () => 1000 * ((await cdp.send('Performance.getMetrics')).metrics.find((m: any) => m.name === 'TaskDuration')?.value ?? NaN);
            const themes = ['acelens-per-atom-energy', 'acelens-force-error'];
            let nTheme = 0;
            for (const mode of modes) {
                const props = await page.evaluate((mode) => {
                    const w = window as any, rq = w.acelens.renderQuality;
                    if (mode === 'app') rq.set(rq.state.value.renderer?.kind === 'software' ? 'light' : 'full', false);
                    else rq.set(mode, false);
                    const p = w.acelens.plugin.canvas3d.props;
                    return `ambient occlusion ${p.postprocessing.occlusion.name}, bloom ${p.postprocessing.bloom.name}, multi-sampling ${p.multiSample.mode}, antialiasing ${p.postprocessing.antialiasing.name}`;
                }, mode);
                console.log(`\n${mode === 'app' ? `the app's settings (${app.quality})` : `${mode} quality forced`}: ${props}`);
                const settleMs = await settle(page);
                // what one animation frame costs with nothing changing (Mol*'s canvas and the plots drawn by software WebGL)
                const frameMs = await page.evaluate(() => new Promise<number[]>(res => {
                    const t: number[] = [];
                    const step = () => { t.push(performance.now()); if (t.length < 21) requestAnimationFrame(step); else res(t.slice(1).map((x, k) => x - t[k])); };
                    requestAnimationFrame(step);
                }));
                console.log(`  animation frame interval with the page idle: median ${median(frameMs).toFixed(0)} ms (max ${Math.max(...frameMs).toFixed(0)})`);
                // what a change costs Mol*'s canvas alone (the GPU work of SwiftShader included: a 1-pixel read after each draw
                // waits for it): the first frame, and every frame Mol* draws until the view is still (temporal multi-sampling
                // draws a series of jittered frames after each change)
                const cost = await page.evaluate(async () => {
                    const p = (window as any).acelens.plugin, c = p.canvas3d, gl = p.canvas3dContext.webgl.gl as WebGL2RenderingContext;
                    const px = new Uint8Array(4);
                    const sync = () => gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
                    const first: number[] = [], settled: number[] = [], frames: number[] = [];
                    for (let r = 0; r < 5; r++) {
                        await new Promise(res => setTimeout(res, 300));
                        sync();
                        let n = 0, firstMs = -1, last = 0, armed = false;
                        const t0 = performance.now();
                        const sub = c.didDraw.subscribe(() => {
                            if (!armed) return;
                            sync();
                            n++; last = performance.now();
                            if (n === 1) firstMs = last - t0;
                        });
                        armed = true;
                        c.requestDraw();
                        await new Promise<void>(res => { const chk = () => { if (n > 0 && performance.now() - last > 500) res(); else setTimeout(chk, 50); }; chk(); });
                        sub.unsubscribe();
                        first.push(firstMs); settled.push(last - t0); frames.push(n);
                    }
                    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
                    return { first: med(first), settled: med(settled), frames: med(frames), size: `${gl.drawingBufferWidth}×${gl.drawingBufferHeight}` };
                });
                console.log(`  Mol*'s canvas (${cost.size} pixels, page settled ${settleMs} ms): one redraw → first frame ${cost.first.toFixed(0)} ms, ${cost.frames} frame(s) drawn until still, ${cost.settled.toFixed(0)} ms (medians of 5)`);
                const themeMs: number[] = [], pixelMs: number[] = [], themeCpu: number[] = [], updated: number[] = [];
                await profiled(page, profile, `ui-theme-${mode}`, async () => {
                    for (let r = 0; r < 6; r++, nTheme++) {
                        // each run from a still page: the frames a previous change queued (multi-sampling, the plots'
                        // restyle) are drawn first, or they would be counted in this run (the growing "state idle" seen before)
                        const waited = await settle(page);
                        const b0 = await busy();
                        await page.selectOption('[data-testid=acelens-colour-theme]', themes[nTheme % 2]);
                        await page.waitForFunction((n) => (window as any).__theme.pixels.length > n, nTheme, { timeout: 300_000, polling: 100 });
                        themeCpu.push(await busy() - b0);
                        const { ms, px, steps } = await page.evaluate((n) => ({ ms: (window as any).__theme.done[n], px: (window as any).__theme.pixels[n], steps: (window as any).__theme.steps[n] }), nTheme);
                        themeMs.push(ms);
                        pixelMs.push(px);
                        updated.push(steps.updated);
                        console.log(`  ${themes[nTheme % 2]}: ${ms.toFixed(0)} ms, pixels drawn ${px.toFixed(0)} ms (page settled ${waited} ms before; applyTheme started ${steps.start}, predictions attached ${steps.attached}, representations updated ${steps.updated}, state idle ${steps.idle} ms; main thread busy ${themeCpu[r].toFixed(0)} ms)`);
                    }
                });
                results.push({ mode, props, firstFrame: cost.first, settled: cost.settled, frames: cost.frames, theme: themeMs, pixels: pixelMs, updated, cpu: themeCpu, load: loadavg().map(x => x.toFixed(1)).join(' ') });
            }
            console.log('\ncolour theme chosen → recoloured frame drawn (next animation frame) / its pixels rendered by the GPU process (medians of 6, wall ms):');
            for (const r of results) {
                console.log(`  ${(r.mode === 'app' ? `app (${app.quality})` : r.mode).padEnd(12)} ${median(r.theme).toFixed(0).padStart(6)} ms / ${median(r.pixels).toFixed(0).padStart(6)} ms  (runs: ${r.theme.map(x => x.toFixed(0)).join(', ')} / ${r.pixels.map(x => x.toFixed(0)).join(', ')}); Mol* state update done ${median(r.updated).toFixed(0)} ms; main thread busy ${median(r.cpu).toFixed(0)} ms; one redraw: first frame ${r.firstFrame.toFixed(0)} ms, ${r.frames} frames until still ${r.settled.toFixed(0)} ms; load ${r.load}`);
            }
            // the selection part below with the settings a user gets
            await page.evaluate(() => { const rq = (window as any).acelens.renderQuality; rq.set(rq.state.value.renderer?.kind === 'software' ? 'light' : 'full', false); });
            if (args.includes('--theme-only')) return;
            if (onlyFrame) {
                // atoms coloured as after the theme part (the colouring follows the frame shown)
                await page.selectOption('[data-testid=acelens-colour-theme]', 'acelens-force-error');
                await page.waitForTimeout(5000);
            }
            try {
                // in the page: mouse released → Mol* selection changed → next animation frame (the highlight drawn)
                await page.evaluate(() => {
                    const w = window as any;
                    w.__bench = { up: 0, selected: [] as number[], steps: [] as any[] };
                    document.addEventListener('mouseup', () => { w.__bench.up = performance.now(); }, true);
                    w.acelens.plugin.managers.structure.selection.events.changed.subscribe(() => {
                        const up = w.__bench.up;
                        // not the selection Mol* drops when a frame switch replaces the structure: the one made after it
                        if (up && performance.getEntriesByName('acelens:select:mol-select').some(m => m.startTime >= up)) requestAnimationFrame(() => {
                            performance.mark('acelens:bench:select-drawn');
                            const at = (name: string) => { const e = performance.getEntriesByName(name).filter(m => m.startTime >= up); return e.length ? Math.round(e[e.length - 1].startTime - up) : -1; };
                            w.__bench.steps.push({ plotly: at('acelens:select:plot-selected'), frame: at('acelens:select:frame-shown'), select: at('acelens:select:mol-select') });
                            w.__bench.selected.push(performance.now() - up); w.__bench.up = 0;
                        });
                    });
                });
                const selectMs: number[] = [], inFrame: number[] = [], switched: number[] = [], plotlyMs: number[] = [], molMs: number[] = [];
                if (trace) await browser.startTracing(page, { path: join(ProfileDir, 'ui-select.trace.json'), categories: TraceCategories });
                await profiled(page, profile, 'ui-select', async () => {
                    // six boxes, then (not with --only frame) the first box again from frame 0: a second frame-switching box
                    for (let r = 0; r < (onlyFrame ? 1 : 7); r++) {
                        if (r === 6) await page.evaluate(async () => { const { showFrame } = await import('/plugin/current-dataset.ts' as any); await showFrame((window as any).acelens.plugin, 0); });
                        const g = await page.evaluate((r) => {
                            const div: any = document.querySelector('[data-testid=acelens-plot-force]');
                            div.scrollIntoView();
                            const fl = div._fullLayout, box = div.getBoundingClientRect();
                            const xr = fl.xaxis.range, yr = fl.yaxis.range;
                            // boxes towards the large forces of both axes, alternately positive and negative (a drag that starts
                            // inside the previous box would move that box: Plotly's selections are editable shapes)
                            const f = 0.1 + 0.05 * Math.floor(r / 2), sx = r % 2 ? xr[0] : xr[1], sy = r % 2 ? yr[0] : yr[1];
                            const px = (x: number) => box.left + fl._size.l + fl.xaxis.l2p(x), py = (y: number) => box.top + fl._size.t + fl.yaxis.l2p(y);
                            return { from: [px(f * sx), py(0.95 * sy)], to: [px(0.95 * sx), py(f * sy)] };
                        }, r % 6);
                        // from a settled page (what the previous selection drew is done), as the theme runs
                        const settledBefore = await settle(page);
                        const before = await page.evaluate(() => (window as any).__bench.selected.length);
                        const frameIndex = () => page.evaluate(() => { const h = (window as any).acelens.plugin.managers.structure.hierarchy; const t = [...h.selection.trajectories].reverse().find((x: any) => !x.cell.state.isHidden); return t.models[0].cell.transform.params.modelIndex as number; });
                        const frame0 = await frameIndex();
                        await page.mouse.move(g.from[0], g.from[1]);
                        await page.mouse.down();
                        await page.mouse.move(g.to[0], g.to[1], { steps: 4 });
                        await page.mouse.up();
                        await page.waitForFunction((n) => (window as any).__bench.selected.length > n, before, { timeout: 120_000 });
                        const { ms, steps, atoms } = await page.evaluate(() => { const b = (window as any).__bench; return { ms: b.selected[b.selected.length - 1], steps: b.steps[b.steps.length - 1], atoms: (window as any).acelens.workspace.selection.value?.ids.length ?? 0 }; });
                        selectMs.push(ms);
                        const frame1 = await frameIndex();
                        (frame1 === frame0 ? inFrame : switched).push(ms);
                        if (steps.plotly >= 0) plotlyMs.push(steps.plotly);
                        if (steps.select >= 0) molMs.push(steps.select);
                        console.log(`  selection ${r + 1}: ${ms.toFixed(0)} ms, ${atoms} atoms, ${frame1 === frame0 ? 'in the frame shown' : `frame ${frame0} → ${frame1}`} (page settled ${settledBefore} ms before; plot selection at ${steps.plotly}, frame shown ${steps.frame}, Mol* select ${steps.select} ms)`);
                    }
                });
                if (trace) summariseTrace(await browser.stopTracing());
                console.log(`plot box selection → atoms selected in Mol*, frame drawn: median ${median(selectMs).toFixed(0)} ms wall (runs: ${selectMs.map(x => x.toFixed(0)).join(', ')}); atoms in the frame shown: ${inFrame.length ? `median ${median(inFrame).toFixed(0)} ms (${inFrame.length})` : 'none'}; frame switched: ${switched.length ? `median ${median(switched).toFixed(0)} ms (${switched.length})` : 'none'}`);
                if (molMs.length) console.log(`  of which: mouse released → points selected in the plot median ${median(plotlyMs).toFixed(0)} ms; → atoms selected in Mol* (JS done) median ${median(molMs).toFixed(0)} ms; the rest is waiting for the next frame`);
                await frameSwitches(page, profile);
            } catch (e) {
                console.log(`plot box selection → atoms selected in Mol*: not measured (${(e as Error).message.split('\n')[0]})`);
            }
            console.log(`load average ${loadavg().map(x => x.toFixed(1)).join(' ')}`);
            console.log('(wall clock in headless Chromium with software WebGL on a shared machine: noisy; goal < 100 ms each)');
        } finally {
            await browser.close();
            await server.close();
        }
    },
});
