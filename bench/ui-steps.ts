/**
 * (Registered under the name `ui` beside bench/ui.ts: `npm run bench -- ui` runs both.)
 * What a user waits for in the viewer (issue 25), in Debian's Chromium at 1600 × 1000 (run only when named:
 * `npm run bench -- ui`): the first page load until the first structure is drawn and until the page is ready,
 * reloads, a frame-table click until that frame is drawn, a recolour (theme chosen, Apply) until the atoms
 * have it, and a fit from the click to its message (with the time the message states).
 * Wall-clock milliseconds, medians over the repeats; the machine is shared (load average printed), so these are
 * upper bounds. Options: --url URL (measure a server already running instead of starting Vite's dev server
 * from this checkout), --repeats N (default 3).
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { registerBench } from './registry';

function median(v: number[]): number {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const fmt = (v: number[]) => `${(median(v) / 1000).toFixed(1)} s (median of ${v.length}: ${v.map((x) => (x / 1000).toFixed(1)).join(', ')})`;

async function run(args: string[]) {
    const { launchBrowser } = await import('../test/e2e/browser');
    const urlArg = args.indexOf('--url');
    const repeatsArg = args.indexOf('--repeats');
    const repeats = repeatsArg >= 0 ? Number(args[repeatsArg + 1]) : 3;
    let url = urlArg >= 0 ? args[urlArg + 1] : '';
    let server: { close(): Promise<void> } | undefined;
    if (!url) {
        const { createServer } = await import('vite');
        const vite = await createServer({ configFile: 'vite.config.ts', server: { port: 5198, host: '127.0.0.1', strictPort: false, hmr: false, watch: null }, logLevel: 'warn' });
        await vite.listen();
        url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5198/';
        server = vite;
    }
    console.log(`viewer ${url}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on this machine (shared: upper bounds)`);
    const browser = await launchBrowser();
    try {
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        page.setDefaultTimeout(600_000); // a busy main thread (the point of this benchmark) must not fail a step
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        const structureShown = () => page.waitForFunction(() => {
            const p = (window as any).acelens?.plugin;
            return !!p && p.managers.structure.hierarchy.current.structures.some((s: any) => s.components.some((c: any) => c.representations.some((r: any) => r.cell.obj)));
        }, undefined, { timeout: 600_000, polling: 50 });
        const pageReady = () => page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 600_000, polling: 50 });
        const twoFrames = () => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

        // first load (fresh browser profile: nothing cached) and reloads
        const firstStructure: number[] = [], firstReady: number[] = [], reloadStructure: number[] = [];
        let t0 = Date.now();
        await page.goto(url, { waitUntil: 'commit', timeout: 600_000 });
        await structureShown(); await twoFrames(); firstStructure.push(Date.now() - t0);
        await pageReady(); firstReady.push(Date.now() - t0);
        console.log(`first load → first structure drawn   ${fmt(firstStructure)}`);
        console.log(`first load → page ready              ${fmt(firstReady)}`);
        for (let r = 0; r < repeats; r++) {
            t0 = Date.now();
            await page.reload({ waitUntil: 'commit', timeout: 600_000 });
            await structureShown(); await twoFrames(); reloadStructure.push(Date.now() - t0);
            await pageReady();
        }
        console.log(`reload → first structure drawn       ${fmt(reloadStructure)}`);

        // frame-table clicks: from the click until that frame is drawn
        await page.waitForTimeout(3000); // what runs after the first structure (plots) has started
        const frameClick: number[] = [];
        const rows = await page.locator('[data-testid=acelens-frame-table] tbody tr').count();
        const targets = [Math.floor(rows * 0.2), Math.floor(rows * 0.5), Math.floor(rows * 0.8), 2].slice(0, Math.max(repeats, 1) + 1);
        for (const k of targets) {
            const row = page.locator(`[data-testid=acelens-frame-table] tr[data-frame-index="${k}"]`);
            await row.scrollIntoViewIfNeeded();
            t0 = Date.now();
            await row.click();
            await page.waitForFunction((want) => {
                const p = (window as any).acelens.plugin;
                const h = p.managers.structure.hierarchy.current;
                const s = h.structures[0];
                return h.models[0]?.cell.transform.params.modelIndex === want && h.models[0].cell.status === 'ok' && s?.cell.status === 'ok' && s.components.length > 0 && s.components.every((c: any) => c.representations.every((r: any) => r.cell.status === 'ok')) && !p.behaviors.state.isUpdating.value;
            }, k, { timeout: 600_000, polling: 20 });
            await twoFrames();
            frameClick.push(Date.now() - t0);
        }
        console.log(`frame-table click → frame drawn      ${fmt(frameClick)}`);

        // a model (fitted here in Node on the embedded narrow set, K = 2) to colour by
        const { parseExtXyz } = await import('../src/io/extxyz');
        const { fitModel } = await import('../src/fit/fit');
        const { defaultSpec } = await import('../src/ace/spec');
        const { serializeModel } = await import('../src/model/model');
        const narrow = parseExtXyz(readFileSync('assets/carbon-narrow.xyz', 'utf8'));
        const fitted = await fitModel(narrow, { spec: defaultSpec(2) });
        await page.evaluate(async (json) => {
            const { parseModel } = await import('/src/model/model.ts' as any);
            const w = (window as any).acelens;
            const m = w.store.addModel(parseModel(json, 'bench.json'), 'bench K=2');
            w.store.setActive(m.id);
        }, serializeModel(fitted.model));
        await page.waitForTimeout(2000);
        const recolour: number[] = [];
        const themes = ['acelens-per-atom-energy', 'acelens-force-error', 'acelens-many-body-energy', 'acelens-force-error'].slice(0, repeats + 1);
        for (const theme of themes) {
            await page.selectOption('[data-testid=acelens-colour-theme]', theme);
            t0 = Date.now();
            await page.click('[data-testid=acelens-colour-apply]');
            await page.waitForFunction((want) => {
                const p = (window as any).acelens.plugin;
                const reprs = p.managers.structure.hierarchy.current.structures.flatMap((s: any) => s.components.flatMap((c: any) => c.representations));
                return reprs.length > 0 && reprs.every((r: any) => r.cell.transform.params.colorTheme.name === want && r.cell.status === 'ok') && !p.behaviors.state.isUpdating.value;
            }, theme, { timeout: 600_000, polling: 20 });
            await twoFrames();
            recolour.push(Date.now() - t0);
        }
        console.log(`recolour (Apply) → atoms recoloured  ${fmt(recolour)}`);

        // a fit from the panel: the wait against what the message says
        await page.uncheck('[data-testid=acelens-fit-order-3]').catch(() => {});
        await page.check('[data-testid=acelens-fit-order-2]');
        const before = await page.locator('[data-testid=acelens-fit-message]').count();
        t0 = Date.now();
        await page.click('[data-testid=acelens-fit-start]');
        await page.waitForFunction((n) => {
            const el = document.querySelector('[data-testid=acelens-fit-message]');
            return !!el && /fitted|failed/.test(el.textContent ?? '') && (n === 0 || true);
        }, before, { timeout: 600_000, polling: 20 });
        const waited = Date.now() - t0;
        const message = await page.locator('[data-testid=acelens-fit-message]').innerText();
        const stated = Number(message.match(/in ([\d.]+) s/)?.[1] ?? NaN) * 1000;
        console.log(`fit K = 2 on the loaded dataset      waited ${(waited / 1000).toFixed(1)} s, message says ${(stated / 1000).toFixed(1)} s ("${message}")`);
        if (errors.length) console.log(`page errors: ${errors.slice(0, 5).join(' | ')}`);
    } finally {
        await browser.close();
        await server?.close();
    }
}

registerBench({
    name: 'ui',
    description: 'viewer in Chromium 1600×1000: first load, reload, frame click, recolour, fit message (wall ms, medians; shared machine)',
    run,
    onlyWhenNamed: true,
});
