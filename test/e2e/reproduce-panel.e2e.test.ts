/**
 * The "Reproduce study" panel in the real app (Vite dev server + Debian's Chromium), on synthetic study data
 * served in place of the embedded assets (so the run is quick and fits every model whatever the DFT run has
 * finished): run, table, findings, figure, models added to the store; then a cancelled run.
 * Part of the end-to-end suite (npm run test:e2e).
 */
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeExtXyz } from '../../src/io/extxyz';
import { OutputDir } from './browser';
import { syntheticStudyData } from '../study/synthetic';

describe('Reproduce study panel (browser)', () => {
    let server: ViteDevServer;
    let browser: Browser;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
        const { createServer } = await import('vite');
        const { launchBrowser } = await import('./browser');
        const data = await syntheticStudyData(6);
        const files: Record<string, string> = {
            'c2-dimers.xyz': writeExtXyz([...data.datasets.dimers]),
            'carbon-narrow.xyz': writeExtXyz([...data.datasets.narrow]),
            'carbon-diverse.xyz': writeExtXyz([...data.datasets.diverse]),
            'c2-dimer-curve.xyz': writeExtXyz([...data.curve]),
        };
        server = await createServer({ configFile: 'vite.config.ts', server: { port: 5231, host: '127.0.0.1', strictPort: false, hmr: false, watch: null }, logLevel: 'warn' });
        await server.listen();
        browser = await launchBrowser();
        page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => {
            if (m.type() === 'error') errors.push(m.text());
        });
        await page.route(/\/assets\/[^/]+\.xyz$/, (route) => {
            const name = route.request().url().split('/').pop()!;
            return files[name] ? route.fulfill({ status: 200, contentType: 'text/plain', body: files[name] }) : route.continue();
        });
        await page.goto(server.resolvedUrls!.local[0], { waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
        await page.evaluate(() => localStorage.clear());
    }, 240_000);

    afterAll(async () => {
        await browser?.close();
        await server?.close();
    });

    it('runs the quick study in a worker: table, findings, figures, models in the store', async () => {
        await page.getByText('acelens · Reproduce study').click();
        await page.click('[data-testid=acelens-reproduce-start]');
        await page.waitForSelector('[data-testid=acelens-reproduce-result]', { timeout: 200_000 });
        expect(await page.locator('[data-testid=acelens-reproduce-message]').innerText()).toMatch(/24 of 24 models fitted/);
        expect(await page.locator('[data-testid=acelens-reproduce-table] tbody tr').count()).toBe(24);
        const findings = await page.locator('[data-testid=acelens-reproduce-findings] li').allTextContents();
        expect(findings.some((t) => /self-interaction-free model .* zero K ≥ 3 dimer contribution/.test(t))).toBe(true);
        await page.locator('[data-testid=acelens-reproduce-result]').screenshot({ path: join(OutputDir, 'reproduce-panel.png'), timeout: 90_000 });
        const src = await page.locator('[data-testid=acelens-reproduce-svg]').getAttribute('src');
        expect(decodeURIComponent(src!.split(',')[1])).toMatch(/^<svg /);
        // the figure opens over the whole window (click), large, and closes with Escape
        await page.click('[data-testid=acelens-reproduce-svg]');
        const big = page.locator('[data-testid=acelens-reproduce-enlarged] img');
        await big.waitFor({ timeout: 10_000 });
        const box = await big.boundingBox();
        const viewport = page.viewportSize()!;
        expect(Math.max(box!.width / viewport.width, box!.height / viewport.height)).toBeGreaterThan(0.8);
        await page.screenshot({ path: join(OutputDir, 'reproduce-figure-enlarged.png') });
        await page.keyboard.press('Escape');
        await expect.poll(() => page.locator('[data-testid=acelens-reproduce-enlarged]').count()).toBe(0);
        const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('acelens.models.v1') ?? '{"models":[]}').models.length);
        expect(stored).toBe(24);
        // the assets (and their provenance files) may not exist yet in this checkout: 404s of those are not errors of the panel
        expect(errors.filter((e) => !/Failed to load resource: .*404/.test(e))).toEqual([]);
    }, 240_000);

    it('Cancel stops a running study and keeps the models', async () => {
        await page.uncheck('[data-testid=acelens-reproduce-quick]'); // the full run: long enough to cancel
        await page.click('[data-testid=acelens-reproduce-start]');
        await page.waitForFunction(() => /%|\(\d+\/\d+\)/.test(document.querySelector('[data-testid=acelens-reproduce-progress]')?.textContent ?? ''), undefined, { timeout: 60_000 });
        // the panel re-renders with every progress message: click without waiting for a stable layout
        await page.locator('[data-testid=acelens-reproduce-cancel]').evaluate((b) => (b as HTMLButtonElement).click());
        await page.waitForFunction(() => document.querySelector('[data-testid=acelens-reproduce-message]')?.textContent === 'study cancelled', undefined, { timeout: 30_000 });
        expect(await page.locator('[data-testid=acelens-reproduce-start]').isEnabled()).toBe(true);
        const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('acelens.models.v1') ?? '{"models":[]}').models.length);
        expect(stored).toBe(24);
    }, 60_000);

    it('a second run replaces the models of the first', async () => {
        await page.check('[data-testid=acelens-reproduce-quick]');
        await page.click('[data-testid=acelens-reproduce-start]');
        await page.waitForFunction(() => /models fitted/.test(document.querySelector('[data-testid=acelens-reproduce-message]')?.textContent ?? ''), undefined, { timeout: 200_000 });
        const names: string[] = await page.evaluate(() => JSON.parse(localStorage.getItem('acelens.models.v1') ?? '{"models":[]}').models.map((m: { name: string }) => m.name));
        expect(names).toHaveLength(24);
        expect(new Set(names).size).toBe(24);
        expect(names).toContain('study · K=3 self-interaction-free · narrow');
    }, 240_000);
});
