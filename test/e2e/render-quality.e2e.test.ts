/**
 * Software WebGL in the app (plugin/render-quality.ts): in our headless Chromium (SwiftShader) the light canvas
 * settings are applied and the 3D view says so; its one-click toggle switches Mol*'s full quality on and back off,
 * and the choice survives a reload. Screenshots at 1600×1000 in test/e2e/output/render-quality-*.png.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { launchBrowser, openViewer, OutputDir, pixelStats, screenshotViewport, waitForStructure } from './browser';

const canvasSettings = (page: Page) => page.evaluate(() => {
    const w = (window as any).acelens, p = w.plugin.canvas3d.props, s = w.renderQuality.state.value;
    return { quality: s.quality, chosen: s.chosen, kind: s.renderer?.kind, name: s.renderer?.name, occlusion: p.postprocessing.occlusion.name, bloom: p.postprocessing.bloom.name, multiSample: p.multiSample.mode, antialiasing: p.postprocessing.antialiasing.name };
});

describe('rendering quality in software WebGL', () => {
    let browser: Browser;
    beforeAll(async () => { browser = await launchBrowser(); });
    afterAll(async () => { await browser?.close(); });

    it('light settings and a note in SwiftShader; full quality one click away, remembered', async () => {
        const { page, errors } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        await waitForStructure(page);
        expect(await canvasSettings(page)).toEqual({ quality: 'light', chosen: false, kind: 'software', name: 'SwiftShader', occlusion: 'off', bloom: 'off', multiSample: 'off', antialiasing: 'fxaa' });

        const note = page.locator('[data-testid=acelens-render-quality]');
        await expect.poll(() => note.isVisible()).toBe(true);
        expect(await note.innerText()).toMatch(/^Software WebGL \(SwiftShader\): light rendering, no ambient occlusion or multi-sampling\.\s*Full quality$/);
        // a short line inside the 3D view's bottom-left corner, not over the plots
        const [nb, view] = [await note.boundingBox(), await page.locator('.acelens-workspace-3d').boundingBox()];
        expect(nb && view).toBeTruthy();
        expect(nb!.x).toBeGreaterThanOrEqual(view!.x);
        expect(nb!.x + nb!.width).toBeLessThanOrEqual(view!.x + view!.width);
        expect(nb!.y + nb!.height).toBeLessThanOrEqual(view!.y + view!.height);
        expect(nb!.height).toBeLessThan(60);
        const light = pixelStats(await screenshotViewport(page, 'render-quality-light'));
        expect(light.fraction).toBeGreaterThan(0.005); // atoms drawn
        expect(light.distinctColours).toBeGreaterThan(10);

        await page.locator('[data-testid=acelens-render-quality-toggle]').click();
        expect(await canvasSettings(page)).toMatchObject({ quality: 'full', chosen: true, occlusion: 'on', bloom: 'on', multiSample: 'temporal', antialiasing: 'smaa' });
        await expect.poll(() => note.innerText()).toMatch(/full quality, every change redraws slowly\.\s*Light rendering$/);
        await page.waitForTimeout(2500); // the multi-sample frames
        const full = pixelStats(await screenshotViewport(page, 'render-quality-full'));
        expect(full.fraction).toBeGreaterThan(0.005);

        // the choice is remembered: a reload keeps full quality; switching back to light is remembered too
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).acelens?.ready === true && (window as any).acelens.renderQuality.state.value.renderer, undefined, { timeout: 180_000 });
        expect(await canvasSettings(page)).toMatchObject({ quality: 'full', chosen: true, occlusion: 'on', multiSample: 'temporal' });
        await page.locator('[data-testid=acelens-render-quality-toggle]').click();
        expect(await canvasSettings(page)).toMatchObject({ quality: 'light', chosen: true, occlusion: 'off', bloom: 'off', multiSample: 'off' });
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).acelens?.ready === true && (window as any).acelens.renderQuality.state.value.renderer, undefined, { timeout: 180_000 });
        await waitForStructure(page);
        expect(await canvasSettings(page)).toMatchObject({ quality: 'light', chosen: true, occlusion: 'off', multiSample: 'off' });
        await page.screenshot({ path: join(OutputDir, 'render-quality-page.png') });
        expect(errors.filter(e => !/favicon|Failed to load resource/.test(e))).toEqual([]);
    });
});
