/**
 * Hostile input in the viewer (issue 21): HTML/JS payloads in file names, model names, config_types, info keys
 * and Properties names never run (hover and click the atoms, open the panels, reload); a model without metrics is
 * refused before it is stored and a panel that throws shows its error while the viewer lives on, with a way to
 * remove the stored model; a refused data file shows its error in the Dataset panel and the previous dataset stays.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputDir, launchBrowser, openFilesWithMolstar, waitForStructure } from './browser';

/** openViewer with patient timeouts (the first load compiles the app; CI machines may be busy). */
async function openViewer(browser: Browser, baseUrl: string, opts: { width: number; height: number }) {
    const page = await browser.newPage({ viewport: { width: opts.width, height: opts.height } });
    page.setDefaultTimeout(120_000);
    await page.goto(baseUrl, { waitUntil: 'load', timeout: 180_000 });
    await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
    return { page };
}

const Img = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">';
const Svg = '<svg><script>alert(1)</script>';
const ModelPath = join(import.meta.dirname, '../../docs/reproduce/models/dimers-standard-K2.json');

/** Two periodic carbon frames whose config_type, info key and a Properties column carry payloads. */
function payloadDataset(): string {
    const frame = (dx: number) => [
        '4',
        `Lattice="3.567 0 0 0 3.567 0 0 0 3.567" Properties=species:S:1:pos:R:3:forces:R:3:${Svg}:R:1 energy=-36.5 config_type='${Img}' ${Svg}=3 pbc="T T T"`,
        `C ${0 + dx} 0 0 0.1 0 0 1`,
        'C 0 1.7835 1.7835 -0.1 0 0 2',
        'C 1.7835 0 1.7835 0 0.1 0 3',
        'C 1.7835 1.7835 0 0 -0.1 0 4',
    ].join('\n');
    return `${frame(0)}\n${frame(0.05)}\n`;
}

/** Atoms under the canvas, as CSS pixel offsets into it (Mol*'s own picking). */
async function atomPixels(page: Page, max = 4): Promise<Array<[number, number]>> {
    return page.evaluate(async (max) => {
        const c3d = (window as any).acelens.plugin.canvas3d;
        const canvas = document.querySelector('.msp-viewport canvas') as HTMLCanvasElement;
        const out: Array<[number, number]> = [];
        for (let gy = 0.2; gy <= 0.8 && out.length < max; gy += 0.04) {
            for (let gx = 0.2; gx <= 0.8 && out.length < max; gx += 0.04) {
                const x = gx * canvas.clientWidth, y = gy * canvas.clientHeight;
                const pick = c3d.identify([x, y]);
                if (!pick) continue;
                const { loci } = c3d.getLoci(pick.id);
                if (loci?.kind === 'element-loci') out.push([x, y]);
            }
        }
        return out;
    }, max);
}

function watchForScript(page: Page) {
    const seen = { dialogs: 0 };
    page.on('dialog', d => { seen.dialogs++; d.dismiss().catch(() => {}); });
    return async () => ({
        dialogs: seen.dialogs,
        pwned: await page.evaluate(() => (window as any).__pwned ?? null),
        injected: await page.evaluate(() => document.querySelectorAll('img[src="x"], .msp-highlight-info svg script').length),
    });
}

describe('hostile input in the viewer', () => {
    let browser: Browser;
    let model: any;
    beforeAll(async () => {
        browser = await launchBrowser();
        model = JSON.parse(readFileSync(ModelPath, 'utf8'));
        model.metrics.train.per_config_type = { [Img]: model.metrics.train, [Svg]: model.metrics.train };
        model.data.files[0].name = `${Img}.xyz`;
    });
    afterAll(async () => { await browser?.close(); });

    it('payloads in file, model, config_type, info key and Properties names never run: hover, click, panels, reload', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        const check = watchForScript(page);
        await page.evaluate(async ({ model, text, name, Img }) => {
            const a = (window as any).acelens;
            for (const id of a.store.models.value.map((m: any) => m.id)) a.store.removeModel(id);
            a.store.addModel(model, Img);
            await a.loadText(text, name);
        }, { model, text: payloadDataset(), name: `${Img}.xyz`, Img });
        await waitForStructure(page);
        // atom picking mode: the hover label is acelens' per-atom label (with the model name)
        await page.evaluate(() => (window as any).acelens.plugin.managers.interactivity.setProps({ granularity: 'element' }));
        // the Models panel lists the model by its (escaped) name and its per-config_type rows
        await expect.poll(() => page.locator('[data-testid=acelens-models-table]').innerText()).toContain('<img src=x');
        const atoms = await atomPixels(page);
        expect(atoms.length).toBeGreaterThan(0);
        const box = (await page.locator('.msp-viewport canvas').first().boundingBox())!;
        let label = '';
        for (const [x, y] of atoms) {
            await page.mouse.move(box.x + x, box.y + y);
            await page.waitForTimeout(1500);
            label = await page.locator('.msp-highlight-info').innerText().catch(() => '');
            if (label.includes('acelens')) break;
        }
        // the hover label names the model literally: the payload is shown as text, not parsed as HTML
        expect(label).toContain('acelens');
        expect(label).toContain('<img src=x');
        for (const [x, y] of atoms) await page.mouse.click(box.x + x, box.y + y);
        // the Dataset panel's table with the config_type, and the Plotly plots (hover over their middle)
        await expect.poll(() => page.locator('[data-testid=acelens-frame-table]').innerText()).toContain('<img src=x');
        for (const id of ['acelens-parity-energy', 'acelens-error-distance']) {
            const plot = page.locator(`[data-testid=${id}]`);
            if (await plot.count() === 0) continue;
            await plot.scrollIntoViewIfNeeded();
            const b = await plot.boundingBox();
            if (b && b.height > 20) for (let k = 1; k < 8; k++) { await page.mouse.move(b.x + (k / 8) * b.width, b.y + b.height / 2); await page.waitForTimeout(100); }
        }
        await page.screenshot({ path: join(OutputDir, 'hostile-payloads.png') });
        expect(await check()).toEqual({ dialogs: 0, pwned: null, injected: 0 });

        // the model name is stored in localStorage: after a reload, hover again
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
        await page.evaluate(async ({ text, name }) => { await (window as any).acelens.loadText(text, name); }, { text: payloadDataset(), name: `${Img}.xyz` });
        await waitForStructure(page);
        await page.evaluate(() => (window as any).acelens.plugin.managers.interactivity.setProps({ granularity: 'element' }));
        for (const [x, y] of await atomPixels(page)) { await page.mouse.move(box.x + x, box.y + y); await page.waitForTimeout(300); }
        expect(await check()).toEqual({ dialogs: 0, pwned: null, injected: 0 });
        await page.close();
    }, 480_000);

    it('a model without metrics is refused before it is stored; a panel that throws shows its error, the viewer lives, the model can be removed', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        const broken = { ...model };
        delete broken.metrics;
        const refused = await page.evaluate((m) => {
            const store = (window as any).acelens.store;
            for (const id of store.models.value.map((x: any) => x.id)) store.removeModel(id);
            try { store.addModel(m, 'no-metrics'); return null; } catch (e) { return { message: (e as Error).message, stored: store.models.value.length, saved: localStorage.getItem('acelens.models.v1') }; }
        }, broken);
        expect(refused?.message).toMatch(/has no 'metrics'/);
        expect(refused?.stored).toBe(0);
        expect(refused?.saved ?? '').not.toContain('no-metrics');
        // the same file through the Models panel's upload: the message is shown there
        const upload = page.locator('[data-testid=acelens-model-upload]');
        await upload.setInputFiles({ name: 'no-metrics.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
        await expect.poll(() => page.locator('[data-testid=acelens-models-panel]').innerText()).toMatch(/no-metrics\.json: not a valid model file: the model has no 'metrics'/);

        // a stored model that a panel cannot show (put in behind the store's back, as an old version might have)
        await page.evaluate((m) => {
            const store = (window as any).acelens.store;
            store.addModel(m, 'good');
            store.models.next([...store.models.value, { id: 'broken', name: 'broken model', file: { ...m, metrics: undefined } }]);
            store.setActive('broken');
        }, model);
        const error = page.locator('[data-testid=acelens-panel-error]').first();
        await expect.poll(() => error.innerText(), { timeout: 20_000 }).toMatch(/This panel failed/);
        // the rest of the viewer lives: the Dataset panel still renders, Mol* still draws
        expect(await page.locator('[data-testid=acelens-dataset-panel]').count()).toBe(1);
        await page.screenshot({ path: join(OutputDir, 'hostile-panel-error.png') });
        const buttons = error.locator('[data-testid=acelens-remove-broken-model]');
        expect(await buttons.count()).toBe(2);
        await error.locator('.msp-control-row', { hasText: 'broken model' }).getByRole('button').dispatchEvent('click');
        await expect.poll(() => page.locator('[data-testid=acelens-panel-error]').count()).toBe(0);
        expect(await page.evaluate(() => (window as any).acelens.store.models.value.map((m: any) => m.name))).toEqual(['good']);
        await page.close();
    }, 480_000);

    it('a stored model that fails the schema on reload is named with its failing field and can be removed; the other models load', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        const good = JSON.parse(readFileSync(ModelPath, 'utf8'));
        const bad = { ...JSON.parse(readFileSync(ModelPath, 'utf8')), e0: 'zero' };
        // as an older or hand-edited acelens might have left it in the browser's storage
        await page.evaluate(({ good, bad }) => {
            localStorage.setItem('acelens.models.v1', JSON.stringify({ models: [{ id: 'g', name: 'good K=2', file: good }, { id: 'b', name: 'edited K=2', file: bad }], active: 'b' }));
        }, { good, bad });
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
        const warning = page.locator('[data-testid=acelens-rejected-model]');
        await expect.poll(() => warning.count()).toBe(1);
        // the warning names the model and the failing field (JSON path and what the schema expects)
        const text = await warning.innerText();
        expect(text).toContain('edited K=2');
        expect(text).toMatch(/e0 must be number, got "zero"/);
        expect(text).toContain('docs/model.schema.json');
        // the rest loads: the good model is listed and active, the panels work
        await expect.poll(() => page.locator('[data-testid=acelens-models-table]').innerText()).toContain('good K=2');
        expect(await page.evaluate(() => (window as any).acelens.store.models.value.map((m: any) => m.name))).toEqual(['good K=2']);
        expect(await page.evaluate(() => (window as any).acelens.store.activeModel?.name)).toBe('good K=2');
        expect(await page.locator('[data-testid=acelens-panel-error]').count()).toBe(0);
        await page.locator('[data-testid=acelens-rejected-models]').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(OutputDir, 'hostile-rejected-model.png') });
        // kept stored (not dropped silently) until the user removes it
        expect(await page.evaluate(() => localStorage.getItem('acelens.models.v1'))).toContain('edited K=2');
        await page.locator('[data-testid=acelens-remove-rejected-model]').click();
        await expect.poll(() => warning.count()).toBe(0);
        const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('acelens.models.v1')!).models.map((m: any) => m.name));
        expect(saved).toEqual(['good K=2']);
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
        await expect.poll(() => page.locator('[data-testid=acelens-models-table]').innerText()).toContain('good K=2');
        expect(await page.locator('[data-testid=acelens-rejected-models]').count()).toBe(0);
        await page.close();
    }, 480_000);

    it('a refused .xyz shows its error in the Dataset panel, the previous dataset stays; plain XYZ goes through the acelens reader', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        await waitForStructure(page);
        const summary = page.locator('[data-testid=acelens-dataset-summary]');
        const before = await summary.innerText();
        const open = page.locator('[data-testid=acelens-open-xyz]');
        const error = page.locator('[data-testid=acelens-dataset-error]');
        // plain XYZ announcing 3 atoms with 2 (Mol*'s reader drew it)
        await open.setInputFiles({ name: 'short.xyz', mimeType: 'text/plain', buffer: Buffer.from('3\nplain\nC 0 0 0\nC 1.4 0 0\n') });
        await expect.poll(() => error.innerText()).toMatch(/short\.xyz:5: frame 0: .*2 of 3 atom lines.*still showing/);
        expect(await summary.innerText()).toBe(before);
        // binary garbage (Mol*'s reader threw a TypeError)
        const garbage = Buffer.from(Array.from({ length: 4096 }, (_, k) => (k * 7919 + 13) % 256));
        await open.setInputFiles({ name: 'garbage.xyz', mimeType: 'application/octet-stream', buffer: garbage });
        await expect.poll(() => error.innerText()).toMatch(/garbage\.xyz:\d+: frame 0: .*still showing/);
        expect(await summary.innerText()).toBe(before);
        // a frame of 0 atoms between good ones: refused with file, line and frame (the reader runs in a worker)
        await open.setInputFiles({ name: 'empty-frame.xyz', mimeType: 'text/plain', buffer: Buffer.from('2\nplain\nC 0 0 0\nC 1.4 0 0\n0\nenergy=0\n1\nplain\nC 0 0 0\n') });
        await expect.poll(() => error.innerText()).toMatch(/empty-frame\.xyz:5: frame 1: a frame with 0 atoms is not a structure.*still showing/);
        expect(await summary.innerText()).toBe(before);
        await page.screenshot({ path: join(OutputDir, 'hostile-load-error.png') });
        // the same refusal through Mol*'s own Home › Open Files (shown with the workspace's 'Mol* panels' button):
        // the error reaches the Dataset panel, not only Mol*'s log
        await openFilesWithMolstar(page, { name: 'dropped-short.xyz', mimeType: 'text/plain', buffer: Buffer.from('3\nplain\nC 0 0 0\nC 1.4 0 0\n') });
        await expect.poll(() => error.innerText(), { timeout: 60_000 }).toMatch(/dropped-short\.xyz:5: frame 0: .*2 of 3 atom lines/);
        expect(await summary.innerText()).toBe(before);
        // a good plain XYZ (no Properties) is read by acelens: the frames carry acelens' frame data
        await open.setInputFiles({ name: 'plain.xyz', mimeType: 'text/plain', buffer: Buffer.from('3\nwater-free carbon\nC 0 0 0\nC 1.4 0 0\nC 0 1.4 0\n') });
        await expect.poll(() => summary.innerText()).toMatch(/plain\.xyz: 1 frames/);
        expect(await page.locator('[data-testid=acelens-dataset-error]').count()).toBe(0);
        await page.close();
    }, 480_000);
});
