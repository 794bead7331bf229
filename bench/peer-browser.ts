/**
 * The acelens side of `npm run bench -- peer --browser`: the same `predict` in a Web Worker of Debian's
 * Chromium (headless, flags of test/e2e/browser.ts). bench/peer-browser-worker.ts is bundled with esbuild and
 * served to the page through Playwright's request routing (no server, no network).
 */
import { build } from 'esbuild';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/browser';
import type { BasisSpec } from '../src/ace/spec';
import type { Frame } from '../src/structure/frame';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const Origin = 'http://acelens-bench.invalid';

export class BrowserPredictWorker {
    private constructor(private readonly browser: Browser, private readonly page: Page, readonly version: string) {}

    static async start(): Promise<BrowserPredictWorker> {
        const bundle = await build({
            entryPoints: [resolve(ROOT, 'bench/peer-browser-worker.ts')], bundle: true, format: 'iife', platform: 'browser',
            target: 'es2022', write: false, minify: false, logLevel: 'error',
        });
        const workerCode = bundle.outputFiles[0].text;
        const browser = await launchBrowser();
        const page = await browser.newPage();
        page.on('pageerror', (e) => console.error(`browser: ${e}`));
        await page.route(`${Origin}/**`, (route) => {
            const url = route.request().url();
            if (url.endsWith('/worker.js')) return route.fulfill({ contentType: 'text/javascript', body: workerCode });
            return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>acelens peer bench</title>' });
        });
        await page.goto(`${Origin}/`);
        await page.evaluate(() => {
            const w = new Worker('/worker.js');
            const queue: ((r: unknown) => void)[] = [];
            w.onmessage = (e) => queue.shift()?.(e.data);
            w.onerror = (e) => queue.shift()?.({ kind: 'error', message: e.message });
            (window as any).__ask = (q: unknown) => new Promise((res) => { queue.push(res); w.postMessage(q); });
        });
        return new BrowserPredictWorker(browser, page, browser.version());
    }

    private async ask(q: unknown): Promise<any> {
        const r = await this.page.evaluate((q) => (window as any).__ask(q), q as any);
        if (r.kind === 'error') throw new Error(`browser worker: ${r.message}`);
        return r;
    }

    async setup(spec: BasisSpec, coefficients: Float64Array, frame: Frame): Promise<void> {
        if (frame.species.some((s) => s !== 'C')) throw new Error('the browser side of the peer bench takes carbon cells only');
        await this.ask({
            kind: 'setup', spec, coefficients: Array.from(coefficients), positions: Array.from(frame.positions),
            cell: frame.cell ? Array.from(frame.cell) : null, pbc: frame.pbc,
        });
    }

    /** One predict of the whole cell in the worker: wall ms and the energy (eV). */
    async run(): Promise<{ wall: number; energy: number }> {
        const r = await this.ask({ kind: 'run' });
        return { wall: r.wallMs, energy: r.energy };
    }

    async close(): Promise<void> {
        await this.browser.close();
    }
}
