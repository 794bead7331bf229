/**
 * acelens as an installed package, as README "Using acelens in your own Mol* app" tells a user to do it:
 * `npm pack` the repository, install the tarball into scratch apps this test writes, and use it there.
 *
 *  1. the tarball holds the built library, bin/, manifest.json and assets/ — no sources, tests or tools;
 *  2. a plain Node + tsc consumer of `acelens/engine` (NodeNext resolution, the package's .d.ts checked,
 *     skipLibCheck off) compiles, reads the packaged data and fits a K = 2 model, in-process and over the
 *     compiled worker threads of `acelens/engine/node`; `npx acelens --version` prints package.json's version;
 *  3. a Mol* host app (Vite; molstar, react and react-dom its own, acelens' peers) is built with `vite build`,
 *     served by `vite preview` (a single-page-app server: a missing file is answered with index.html), opened
 *     in Chromium; the embedded dataset is opened through the acelens · Dataset panel and a K = 2 model fitted
 *     through the acelens · Fit panel (a web worker from the package).
 *
 * Network: only the npm registry, for the scratch apps' dependencies at the versions this repository has
 * installed (so `--prefer-offline` takes them from npm's cache, filled by `npm ci`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExtXyz } from '../../src/io/extxyz';
import { launchBrowser, OutputDir, pixelStats } from './browser';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const installed = (name: string) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version as string;

function run(cmd: string, args: string[], cwd: string): string {
    try {
        return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    }
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
        s.on('error', reject);
    });
}

// ---- the scratch apps (their files are what README's section shows) ----

const NodeConsumer = `import { fileURLToPath } from 'node:url';
import { ACELENS_VERSION, defaultSpec, fitModel, type Frame } from 'acelens/engine';
import { createParallelAssembler, readExtXyzFile } from 'acelens/engine/node';

const file = fileURLToPath(import.meta.resolve('acelens/assets/carbon-narrow.xyz'));
const frames: Frame[] = await readExtXyzFile(file);
const spec = { ...defaultSpec(2), maxDegree: [8] };
const serial = await fitModel(frames, { spec, validFraction: 0.1, seed: 1 });
const threads = await fitModel(frames, { spec, validFraction: 0.1, seed: 1, assemble: createParallelAssembler({ workers: 2, probe: false }) });
console.log(JSON.stringify({
    version: ACELENS_VERSION,
    software: serial.model.software,
    structures: frames.length,
    order: serial.model.spec.order,
    nbasis: serial.model.nbasis,
    energyRmse: serial.metrics.train.energy_rmse_meV_atom,
    forceRmse: serial.metrics.train.force_rmse_meV_A,
    sameCoefficients: serial.model.coefficients.every((c, k) => c === threads.model.coefficients[k]),
}));
`;

const NodeTsconfig = {
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], strict: true, skipLibCheck: false, outDir: 'out' },
    files: ['consumer.ts'],
};

const HostHtml = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8" /><title>a Mol* app with acelens</title><link rel="icon" href="data:," />
<style>html, body { margin: 0; width: 100%; height: 100%; overflow: hidden; } #app { position: absolute; inset: 0; }</style></head>
<body><div id="app"></div><script type="module" src="/main.ts"></script></body>
</html>
`;

const HostMain = `import { createPluginUI } from 'molstar/lib/mol-plugin-ui';
import { renderReact18 } from 'molstar/lib/mol-plugin-ui/react18';
import { DefaultPluginUISpec } from 'molstar/lib/mol-plugin-ui/spec';
import { PluginSpec } from 'molstar/lib/mol-plugin/spec';
import 'molstar/build/viewer/molstar.css';
import { AcelensPlugin, acelensUISpec } from 'acelens/plugin';

const base = DefaultPluginUISpec();
// ?layout=molstar: the behaviour only, in Mol*'s own layout; otherwise the acelens workspace (README)
const spec = new URLSearchParams(location.search).get('layout') === 'molstar'
    ? { ...base, behaviors: [...base.behaviors, PluginSpec.Behavior(AcelensPlugin)] }
    : acelensUISpec(base);
const plugin = await createPluginUI({
    target: document.getElementById('app')!,
    render: renderReact18,
    spec: { ...spec, components: { ...spec.components, remoteState: 'none' } },
});
(window as any).host = { plugin, ready: true };
`;

const HostViteConfig = `import { defineConfig } from 'vite';

export default defineConfig({
    worker: { format: 'es' },
});
`;

describe('acelens as an installed package', () => {
    let scratch: string;
    let tarball: string;
    let browser: Browser | undefined;
    let preview: ChildProcess | undefined;

    let packed: { filename: string; files: { path: string }[] };

    beforeAll(() => {
        scratch = mkdtempSync(join(tmpdir(), 'acelens-package-'));
        // `npm pack` runs the prepack build (lib/ with .d.ts); its output precedes the JSON report
        const out = run('npm', ['pack', '--json', '--pack-destination', scratch], root);
        packed = (JSON.parse(out.slice(out.search(/^\[/m))) as typeof packed[])[0];
        tarball = join(scratch, packed.filename);
    }, 300_000);
    afterAll(async () => {
        await browser?.close();
        if (preview && preview.exitCode === null) preview.kill('SIGTERM');
        if (scratch && !process.env.ACELENS_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
    });

    it('npm pack ships the built library, bin/, manifest.json and assets/ only', () => {
        expect(readFileSync(tarball).length).toBeGreaterThan(0);
        const files = packed.files.map(f => f.path);
        for (const f of ['package.json', 'manifest.json', 'bin/acelens.mjs', 'lib/src/engine.js', 'lib/src/engine.d.ts', 'lib/src/engine-node.js',
            'lib/plugin/index.js', 'lib/plugin/index.d.ts', 'lib/plugin/worker/fit-worker.js', 'lib/src/fit/assemble-worker.js', 'assets/carbon-diverse.xyz']) {
            expect(files, f).toContain(f);
        }
        const stray = files.filter(f => !/^(lib\/|bin\/|assets\/|manifest\.json$|package\.json$|README\.md$|LICENSE)/.test(f) || /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
        expect(stray).toEqual([]);
        // the library is one .js and one .d.ts per source module (≈150 modules), plus bin/, assets/ and the manifest:
        // far from the 594 files (tests, tools, docs, bench) the repository itself holds
        expect(files.length).toBeLessThan(400);
    });

    it('a plain Node + tsc consumer of acelens/engine compiles, fits K = 2 (in-process and on worker threads), and `npx acelens --version` is package.json\'s', () => {
        const dir = join(scratch, 'node-consumer');
        mkdirSync(dir);
        writeFileSync(join(dir, 'package.json'), JSON.stringify({
            name: 'node-consumer', private: true, type: 'module',
            dependencies: { acelens: `file:${tarball}` },
            devDependencies: { typescript: installed('typescript'), '@types/node': installed('@types/node') },
        }, null, 2));
        writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(NodeTsconfig, null, 2));
        writeFileSync(join(dir, 'consumer.ts'), NodeConsumer);
        // acelens' peers (molstar, react) are not needed by acelens/engine: leave them out
        run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--legacy-peer-deps'], dir);
        run('npx', ['tsc', '-p', 'tsconfig.json'], dir);
        const result = JSON.parse(run(process.execPath, ['out/consumer.js'], dir).trim());
        expect(result.version).toBe(pkg.version);
        expect(result.software).toBe(`acelens ${pkg.version}`);
        expect(result.order).toBe(2);
        expect(result.nbasis).toBe(8);
        expect(result.structures).toBeGreaterThan(50);
        expect(Number.isFinite(result.energyRmse) && result.energyRmse > 0).toBe(true);
        expect(Number.isFinite(result.forceRmse) && result.forceRmse > 0).toBe(true);
        expect(result.sameCoefficients).toBe(true);
        expect(run('npx', ['acelens', '--version'], dir)).toBe(`acelens ${pkg.version}\n`);
    }, 600_000);

    it('a Vite + Mol* host app builds with it (Mol*\'s layout, and acelensUISpec\'s workspace), opens the embedded dataset in the acelens panel, fits K = 2 and draws the plots', async () => {
        const dir = join(scratch, 'molstar-host');
        mkdirSync(dir);
        writeFileSync(join(dir, 'package.json'), JSON.stringify({
            name: 'molstar-host', private: true, type: 'module',
            scripts: { build: 'vite build', preview: 'vite preview' },
            dependencies: { acelens: `file:${tarball}`, molstar: installed('molstar'), react: installed('react'), 'react-dom': installed('react-dom') },
            devDependencies: { vite: installed('vite') },
        }, null, 2));
        writeFileSync(join(dir, 'index.html'), HostHtml);
        writeFileSync(join(dir, 'main.ts'), HostMain);
        writeFileSync(join(dir, 'vite.config.js'), HostViteConfig);
        run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
        // one Mol* in the host: acelens uses the host's (a peer dependency), not a copy of its own
        expect(run('npm', ['ls', 'molstar', '--parseable'], dir).trim().split('\n')).toEqual([join(dir, 'node_modules', 'molstar')]);
        run('npx', ['vite', 'build'], dir);

        const port = await freePort();
        preview = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: dir, stdio: 'ignore' });
        const url = `http://127.0.0.1:${port}/`;
        for (let t = 0; ; t++) {
            try { if ((await fetch(url)).ok) break; } catch { /* not up yet */ }
            if (t > 100) throw new Error('vite preview did not start');
            await new Promise(r => setTimeout(r, 300));
        }

        browser = await launchBrowser();
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        const errors: string[] = [];
        page.on('pageerror', e => errors.push(String(e)));
        page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
        // the behaviour alone in Mol*'s own layout: panels there, no plot area, and the Models panel says how to get it
        await page.goto(`${url}?layout=molstar`, { waitUntil: 'load', timeout: 180_000 });
        await page.waitForFunction(() => (window as any).host?.ready === true, undefined, { timeout: 180_000 });
        await page.waitForSelector('[data-testid=acelens-dataset-panel]', { timeout: 60_000 });
        expect(await page.locator('[data-testid=acelens-plot-area]').count()).toBe(0);
        // the Models, C₂ dimer and Bond scan panels, whose plots live in the plot area, each say so
        expect(await page.locator('[data-testid=acelens-no-workspace]').count()).toBe(3);
        expect(await page.locator('[data-testid=acelens-no-workspace]').first().innerText()).toMatch(/acelensUISpec\(\)/);
        mkdirSync(OutputDir, { recursive: true });
        await page.screenshot({ path: join(OutputDir, 'package-host-molstar-layout.png'), timeout: 120_000 });

        // acelensUISpec(): the workspace, as the README shows
        await page.goto(url, { waitUntil: 'load', timeout: 180_000 });
        await page.waitForFunction(() => (window as any).host?.ready === true, undefined, { timeout: 180_000 });
        await page.waitForSelector('[data-testid=acelens-plot-area]', { timeout: 60_000 });
        expect(await page.locator('[data-testid=acelens-no-workspace]').count()).toBe(0);

        // open the embedded dataset through the acelens · Dataset panel
        await page.waitForSelector('[data-testid=acelens-dataset-panel]', { timeout: 60_000 });
        await page.selectOption('[data-testid=acelens-load-asset]', 'carbon-diverse');
        await page.waitForFunction(() => {
            const p = (window as any).host.plugin;
            const s = p.managers.structure.hierarchy.current.structures;
            return s.length > 0 && s[0].components.length > 0;
        }, undefined, { timeout: 120_000 });
        await page.waitForSelector('[data-testid=acelens-dataset-summary]', { timeout: 60_000 });
        const frames = parseExtXyz(readFileSync(join(root, 'assets', 'carbon-diverse.xyz'), 'utf8')).length;
        expect(await page.locator('[data-testid=acelens-dataset-summary]').innerText()).toMatch(new RegExp(`^carbon-diverse\\.xyz: ${frames} frames`));
        await page.waitForTimeout(1500);
        // (screenshots with a generous timeout: SwiftShader draws slowly on a loaded machine)
        mkdirSync(OutputDir, { recursive: true });
        const canvas = await page.locator('.msp-viewport canvas').first().boundingBox();
        const viewport = pixelStats(await page.screenshot({ clip: canvas!, timeout: 120_000 }));
        expect(viewport.fraction).toBeGreaterThan(0.01);

        // fit K = 2 through the acelens · Fit panel (the fit runs in the package's web worker)
        await page.fill('[data-testid=acelens-fit-degree]', '8');
        for (const k of [3, 4, 5]) {
            const box = page.locator(`[data-testid=acelens-fit-order-${k}]`);
            if (await box.count() && await box.isChecked()) await box.uncheck();
        }
        if (!await page.locator('[data-testid=acelens-fit-order-2]').isChecked()) await page.check('[data-testid=acelens-fit-order-2]');
        await page.click('[data-testid=acelens-fit-start]');
        await page.waitForSelector('[data-testid=acelens-fit-message]', { timeout: 200_000 });
        const message = await page.locator('[data-testid=acelens-fit-message]').innerText();
        expect(message).toMatch(/fitted K=2/);
        expect(await page.locator('[data-testid=acelens-models-table] tbody tr').count()).toBe(1);
        const cells = await page.locator('[data-testid=acelens-models-table] td[data-metric]').allInnerTexts();
        expect(cells.length).toBe(2);
        for (const c of cells) expect(Number.isFinite(Number(c.split('/')[0])), `metric cell "${c}"`).toBe(true);
        // the plot area draws the new model's errors on the dataset (predictions in the package's worker)
        await page.waitForFunction(() => ['force', 'distance', 'histogram'].every(k => ((document.querySelector(`[data-testid=acelens-plot-${k}]`) as any)?.data ?? []).length > 0), undefined, { timeout: 300_000 }).catch(async (e) => {
            await page.screenshot({ path: join(OutputDir, 'package-host-no-plots.png'), timeout: 120_000 }).catch(() => undefined);
            const area = await page.locator('[data-testid=acelens-plot-area]').innerText().catch(() => '(no plot area)');
            throw new Error(`the host's plot area drew no errors: ${area.slice(0, 400)} | page errors: ${errors.join(' | ').slice(0, 800)} (${(e as Error).message})`);
        });
        const plotBox = await page.locator('[data-testid=acelens-plot-force]').boundingBox();
        expect(plotBox!.width).toBeGreaterThan(600);
        await page.screenshot({ path: join(OutputDir, 'package-host-fitted.png'), timeout: 120_000 });
        expect(errors).toEqual([]);
    }, 900_000);
});
