import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openViewer, pixelStats, screenshotViewport, waitForStructure } from './browser';

describe('viewer (npm start) in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => { browser = await launchBrowser(); });
    afterAll(async () => { await browser?.close(); });

    it('draws the default embedded dataset and shows the acelens panel', async () => {
        const { page, errors } = await openViewer(browser, inject('baseUrl'));
        await waitForStructure(page);
        const info = await page.evaluate(() => {
            const p = (window as any).acelens.plugin;
            return {
                error: (window as any).acelens.error ?? null,
                behaviours: p.state.behaviors.cells.size,
                structures: p.managers.structure.hierarchy.current.structures.length,
                frames: p.managers.structure.hierarchy.current.trajectories[0]?.cell.obj?.data.frameCount ?? 0,
                webgl2: !!p.canvas3d?.webgl.isWebGL2,
            };
        });
        expect(info.error).toBeNull();
        expect(info.structures).toBeGreaterThan(0);
        expect(info.frames).toBeGreaterThan(0);
        expect(info.webgl2).toBe(true);
        await expect.poll(() => page.locator('[data-testid=acelens-dataset-panel]').count()).toBe(1);
        const summary = await page.locator('[data-testid=acelens-dataset-summary]').innerText();
        expect(summary).toMatch(/\d+ frames/);
        const png = await screenshotViewport(page, 'viewer-default');
        const stats = pixelStats(png);
        // atoms are drawn: a visible share of the viewport is not background, in more than one shade
        expect(stats.fraction).toBeGreaterThan(0.005);
        expect(stats.distinctColours).toBeGreaterThan(10);
        expect(errors.filter(e => !/favicon|Failed to load resource/.test(e))).toEqual([]);
    });
});
