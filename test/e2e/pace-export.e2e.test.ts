/**
 * Models panel "Export .yace": an acejl-radial model downloads as a .yace that predicts what the model
 * predicts (read back by acelens' loader, which test/pace/ checks against ML-PACE); an Agnesi model shows a
 * one-line message instead of a file.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitModel } from '../../src/fit/fit';
import { Model, type ModelFile } from '../../src/model/model';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { parseYace, PaceEvaluator } from '../../src/pace/potential';
import { launchBrowser, OutputDir } from './browser';

const E0 = -1.3;
function dimers(): Frame[] {
    const frames: Frame[] = [makeFrame({ positions: [0, 0, 0], energy: E0, forces: [0, 0, 0], configType: 'isolated_atom' })];
    for (let r = 1.0; r <= 4.8; r += 0.1) {
        const e = 6 * ((1 - Math.exp(-2 * (r - 1.25))) ** 2 - 1) * (r < 4 ? 1 : Math.cos(((r - 4) / 1.0) * Math.PI / 2) ** 2);
        frames.push(makeFrame({ positions: [0, 0, 0, r, 0, 0], energy: 2 * E0 + e, forces: [0, 0, 0, 0, 0, 0], configType: 'dimer' }));
    }
    frames.push(makeFrame({ positions: [0, 0, 0, 1.3, 0, 0, 0.5, 1.2, 0], energy: 3 * E0 - 12, forces: [0, 0, 0, 0, 0, 0, 0, 0, 0], configType: 'trimer' }));
    return frames;
}

describe('Models panel: Export .yace', () => {
    let browser: Browser;
    let acejl: ModelFile, agnesi: ModelFile;
    beforeAll(async () => {
        const spec = { order: 3, variant: 'standard' as const, rcut: 5, rin: 0, r0: 1.287, maxDegree: [10, 8], lWeight: 1.5 };
        acejl = (await fitModel(dimers(), { spec: { ...spec, radial: { kind: 'acejl', p: 2, rin: 0.9, pl: 2, pr: 0 } }, lambda: 1e-6, forceWeight: 0.01 })).model;
        agnesi = (await fitModel(dimers(), { spec, lambda: 1e-6, forceWeight: 0.01 })).model;
        browser = await launchBrowser();
    }, 120_000);
    afterAll(async () => { await browser?.close(); });

    it('downloads a .yace that predicts what the model predicts; an Agnesi model gets a message', async () => {
        // as openViewer, at 1600×1000 and with a longer first load (the dev server transforms on demand on a busy machine)
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        const errors: string[] = [];
        page.on('pageerror', e => errors.push(String(e)));
        page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
        await page.goto(inject('baseUrl'), { waitUntil: 'load', timeout: 240_000 });
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
        await page.evaluate((ms) => {
            const store = (window as any).acelens.store;
            for (const id of store.models.value.map((m: any) => m.id)) store.removeModel(id);
            store.addModel(ms[0], 'K=3 acejl');
            store.addModel(ms[1], 'K=3 agnesi');
        }, [acejl, agnesi] as any);
        const buttons = page.locator('[data-testid=acelens-export-yace]');
        await expect.poll(() => buttons.count(), { timeout: 60_000 }).toBe(2);
        // record what the button hands to the browser (the Blob and the anchor's file name): the browser's own
        // download machinery is not what is under test, and on a loaded machine its event is unreliable here
        await page.evaluate(() => {
            const w = window as any;
            w.__acelensDownloads = [];
            const orig = URL.createObjectURL.bind(URL);
            URL.createObjectURL = (b: Blob | MediaSource) => { w.__acelensDownloads.push({ blob: b }); return orig(b); };
            const click = HTMLAnchorElement.prototype.click;
            HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
                const last = w.__acelensDownloads[w.__acelensDownloads.length - 1];
                if (last && this.download) last.name = this.download;
                return click.call(this);
            };
        });
        await buttons.nth(0).evaluate((b) => (b as HTMLElement).click(), undefined, { timeout: 180_000 });
        await expect.poll(() => page.evaluate(() => (window as any).__acelensDownloads.length), { timeout: 60_000 }).toBe(1);
        const got = await page.evaluate(async () => { const d = (window as any).__acelensDownloads[0]; return { name: d.name as string, text: await (d.blob as Blob).text() }; });
        expect(got.name).toMatch(/\.yace$/);
        const path = join(OutputDir, 'models-panel-export.yace');
        writeFileSync(path, got.text);
        const ev = new PaceEvaluator(parseYace(readFileSync(path, 'utf8'), path));
        const model = new Model(acejl);
        const f = makeFrame({ positions: [0, 0, 0, 1.35, 0.1, 0, 0.4, 1.25, 0.2, -1.2, 0.3, 0.8], species: ['C', 'C', 'C', 'C'] });
        const a = model.predict(f), b = ev.predict(f);
        expect(Math.abs(a.energy - b.energy)).toBeLessThan(1e-10);
        for (let k = 0; k < a.forces.length; k++) expect(Math.abs(a.forces[k] - b.forces[k])).toBeLessThan(1e-10);
        await buttons.nth(1).evaluate((b) => (b as HTMLElement).click(), undefined, { timeout: 180_000 });
        await expect.poll(() => page.locator('text=/\\.yace export: .*agnesi/').count(), { timeout: 10_000 }).toBeGreaterThan(0);
        const row = page.locator('[data-model-id]').first();
        await row.locator('..').locator('..').screenshot({ path: join(OutputDir, 'models-panel-export-yace.png'), timeout: 120_000 });
        const box = await buttons.nth(0).boundingBox();
        expect(box!.width).toBeLessThan(60);
        expect(errors.filter(e => !/favicon|Failed to load resource|GPU stall|ReadPixels/i.test(e))).toEqual([]);
    }, 900_000);
});
