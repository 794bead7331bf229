/**
 * Debian's Chromium, headless, WebGL2 through SwiftShader, no network but loopback. Helpers shared by the e2e tests.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OutputDir = join(import.meta.dirname, 'output');

export async function launchBrowser(): Promise<Browser> {
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: the e2e tests need Debian's chromium (apt-get install chromium; README, Quick start) or CHROMIUM_PATH`);
    return chromium.launch({
        executablePath,
        headless: true,
        args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
}

export async function openViewer(browser: Browser, baseUrl: string, opts: { width?: number; height?: number } = {}): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 } });
    const errors: string[] = [];
    page.on('pageerror', e => errors.push(String(e)));
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    page.setDefaultNavigationTimeout(180_000); // a first load on a loaded 2-core machine can take minutes
    await page.goto(baseUrl, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
    return { page, errors };
}

/** Waits until the Mol* canvas has drawn something (at least one structure and a few rendered frames). */
export async function waitForStructure(page: Page) {
    await page.waitForFunction(() => {
        const p = (window as any).acelens?.plugin;
        return p && p.managers.structure.hierarchy.current.structures.length > 0 && p.managers.structure.hierarchy.current.structures[0].components.length > 0;
    }, undefined, { timeout: 120_000 });
    await page.waitForTimeout(1500);
}

export interface PixelStats { width: number; height: number; nonBackground: number; fraction: number; distinctColours: number }

/** Counts pixels of the viewport that differ from its background colour (the corner pixel). */
export function pixelStats(png: Buffer): PixelStats {
    const img = PNG.sync.read(png);
    const { width, height, data } = img;
    const br = data[0], bg = data[1], bb = data[2];
    let nonBackground = 0;
    const colours = new Set<number>();
    for (let k = 0; k < width * height; k++) {
        const r = data[4 * k], g = data[4 * k + 1], b = data[4 * k + 2];
        if (Math.abs(r - br) + Math.abs(g - bg) + Math.abs(b - bb) > 30) {
            nonBackground++;
            colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
        }
    }
    return { width, height, nonBackground, fraction: nonBackground / (width * height), distinctColours: colours.size };
}

export async function screenshotViewport(page: Page, name: string): Promise<Buffer> {
    mkdirSync(OutputDir, { recursive: true });
    const box = await page.locator('.msp-viewport canvas').first().boundingBox();
    if (!box) throw new Error('no Mol* canvas on the page');
    const png = await page.screenshot({ clip: box });
    writeFileSync(join(OutputDir, `${name}.png`), png);
    await page.screenshot({ path: join(OutputDir, `${name}-page.png`) });
    return png;
}

/**
 * Opens a file through Mol*'s own Home › Open Files, as a user does in the acelens app: the workspace's
 * 'Mol* panels' button shows Mol*'s left panel (hidden by default), its Home tab lists Open Files; the file is
 * chosen in the form and Apply pressed. Leaves the left panel shown.
 */
export async function openFilesWithMolstar(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
    const left = page.locator('.msp-layout-left');
    if (!(await left.isVisible())) await page.locator('[data-testid=acelens-toggle-molstar-panels]').click();
    await left.waitFor({ state: 'visible' });
    const home = left.getByRole('button', { name: 'Home' });
    const openFiles = left.getByRole('button', { name: 'Open Files' }).first();
    if (!(await openFiles.isVisible())) await home.click();
    await openFiles.click();
    const input = left.locator('input[type=file][accept*=".xyz"]').first();
    await input.setInputFiles(file);
    const form = input.locator('xpath=ancestor::div[contains(@class,"msp-transform-wrapper")][1]');
    for (let k = 0; !(await form.innerText()).includes(file.name); k++) {
        if (k > 200) throw new Error(`Mol*'s Open Files form does not show ${file.name}`);
        await page.waitForTimeout(100);
    }
    await form.getByRole('button', { name: 'Apply' }).click();
}
