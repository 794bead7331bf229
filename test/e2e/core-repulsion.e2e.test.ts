/**
 * Fit panel: the core repulsion param (Mol* PD, off by default). Switched on, its B and r_i fields appear with
 * the defaults; a K = 2 fit stores the term in the model's spec and the Models panel names it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { launchBrowser, openViewer, OutputDir, waitForStructure } from './browser';

describe('Fit panel: core repulsion', () => {
    let browser: Browser;
    beforeAll(async () => { browser = await launchBrowser(); });
    afterAll(async () => { await browser?.close(); });

    it('off by default; on shows B and r_i; a fit with it stores spec.coreRepulsion', async () => {
        const { page, errors } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        await waitForStructure(page);
        const box = page.locator('[data-testid=acelens-fit-core-repulsion]');
        await box.scrollIntoViewIfNeeded({ timeout: 120_000 }); // a loaded machine renders slowly
        // Mol*'s select control: a toggle showing the current option, opening a menu of the others
        const toggle = box.locator('.msp-select-toggle').first();
        expect(await toggle.innerText()).toMatch(/Off/);
        expect(await box.locator('input').count()).toBe(0);
        await toggle.click();
        await box.locator('button', { hasText: /^On$/ }).first().click();
        await expect.poll(() => box.locator('input').count()).toBeGreaterThanOrEqual(2);
        const text = await box.innerText();
        expect(text).toMatch(/B \(eV\)/);
        expect(text).toMatch(/r_i \(Å\)/);
        const values = await box.locator('input[type=text], input[type=number]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
        expect(values).toContain('600');
        expect(values).toContain('1');
        const panel = page.locator('[data-testid=acelens-fit-panel]');
        await panel.screenshot({ path: join(OutputDir, 'fit-core-repulsion.png') });
        const width = (await panel.boundingBox())!.width;
        expect(width).toBeGreaterThan(250);

        // one quick K = 2 model on the loaded dataset
        await page.locator('[data-testid=acelens-fit-order-3]').uncheck();
        await page.fill('[data-testid=acelens-fit-degree]', '6');
        await page.click('[data-testid=acelens-fit-start]');
        await page.waitForSelector('[data-testid=acelens-fit-message]', { timeout: 240_000 });
        expect(await page.locator('[data-testid=acelens-fit-message]').innerText()).toMatch(/fitted K=2/);
        const core = await page.evaluate(() => {
            const models = (window as any).acelens.store.models.value;
            return models[models.length - 1].file.spec.coreRepulsion;
        });
        expect(core).toEqual({ kind: 'acejl-core', strength: 600, rInner: 1 });
        // the Models panel says so for the active model
        await page.evaluate(() => {
            const store = (window as any).acelens.store, models = store.models.value;
            store.setActive(models[models.length - 1].id);
        });
        const info = page.locator('[data-testid=acelens-core-info]');
        await expect.poll(() => info.count(), { timeout: 30_000 }).toBe(1);
        const infoText = await info.innerText();
        expect(infoText, infoText).toMatch(/core repulsion: ACE\.jl core/);
        expect(infoText, infoText).toMatch(/B = 600 eV, r_i = 1 Å/);
        await info.scrollIntoViewIfNeeded({ timeout: 60_000 });
        await page.screenshot({ path: join(OutputDir, 'models-core-repulsion.png'), timeout: 120_000 });
        // a missing favicon is not an error of the page (as viewer.e2e.test.ts)
        expect(errors.filter((e) => !/favicon|Failed to load resource|GPU stall|ReadPixels/i.test(e))).toEqual([]);
    }, 400_000);
});
