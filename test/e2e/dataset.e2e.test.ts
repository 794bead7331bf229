import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { writeExtXyz } from '../../src/io/extxyz';
import { makeFrame } from '../../src/structure/frame';
import { join } from 'node:path';
import { OutputDir, launchBrowser, openFilesWithMolstar, openViewer, pixelStats, screenshotViewport } from './browser';

/** Three periodic frames with general (triclinic) lattices: diamond's primitive cell, 2×2×1 of it, and a sheared cell. */
function triclinicDataset() {
    const a = 3.567;
    const prim = [0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0];
    const frames = [];
    const fractional: number[][] = [];
    const cells = [prim, [2 * prim[0], 2 * prim[1], 2 * prim[2], 2 * prim[3], 2 * prim[4], 2 * prim[5], prim[6], prim[7], prim[8]], [4.1, 0.3, 0.2, 1.2, 3.9, -0.4, 0.5, 0.7, 4.4]];
    for (let f = 0; f < 3; f++) {
        const cell = cells[f];
        const n = 6 + 2 * f;
        const frac: number[] = [];
        const pos: number[] = [];
        for (let i = 0; i < n; i++) {
            const s = [((i * 0.37 + f * 0.11) % 1), ((i * 0.61 + 0.2) % 1), ((i * 0.23 + 0.5) % 1)];
            frac.push(...s);
            for (let c = 0; c < 3; c++) pos.push(s[0] * cell[c] + s[1] * cell[3 + c] + s[2] * cell[6 + c]);
        }
        fractional.push(frac);
        const forces = pos.map((_, k) => Math.sin(k + f));
        frames.push(makeFrame({ positions: pos, cell, pbc: [true, true, true], energy: -9 * n + f, forces, configType: `cell${f}` }));
    }
    return { text: writeExtXyz(frames), frames, fractional };
}

describe('extended XYZ in the viewer', () => {
    let browser: Browser;
    beforeAll(async () => { browser = await launchBrowser(); });
    afterAll(async () => { await browser?.close(); });

    it('loads all frames of a triclinic periodic file, draws the cell aligned with the atoms, and switches frames from the table', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'));
        const { text, frames, fractional } = triclinicDataset();
        await page.evaluate(async (t) => {
            await (window as any).acelens.plugin.clear();
            await (window as any).acelens.loadText(t, 'triclinic.xyz');
        }, text);
        await page.waitForTimeout(1500);
        const drawn = await page.evaluate(() => {
            const p = (window as any).acelens.plugin;
            const h = p.managers.structure.hierarchy.current;
            const traj = h.trajectories[0].cell.obj.data;
            const model = h.models[0].cell.obj.data;
            const cell = model._staticPropertyData.model_symmetry.spacegroup.cell;
            const c = model.atomicConformation;
            const n = c.x.length;
            const toFrac = Array.from(cell.toFractional as ArrayLike<number>);
            const frac: number[] = [];
            for (let i = 0; i < n; i++) {
                const x = c.x[i], y = c.y[i], z = c.z[i];
                // Mol*'s Mat4 is column-major
                frac.push(toFrac[0] * x + toFrac[4] * y + toFrac[8] * z + toFrac[12], toFrac[1] * x + toFrac[5] * y + toFrac[9] * z + toFrac[13], toFrac[2] * x + toFrac[6] * y + toFrac[10] * z + toFrac[14]);
            }
            return { frameCount: traj.frameCount, lengths: Array.from(cell.size as ArrayLike<number>), angles: Array.from(cell.anglesInRadians as ArrayLike<number>), frac, hasUnitcell: !!h.models[0].unitcell, modelIndex: h.models[0].cell.transform.params.modelIndex };
        });
        expect(drawn.frameCount).toBe(3);
        expect(drawn.hasUnitcell).toBe(true);
        const k = drawn.modelIndex;
        const cell = frames[k].cell!;
        const len = (r: number) => Math.hypot(cell[3 * r], cell[3 * r + 1], cell[3 * r + 2]);
        expect(drawn.lengths[0]).toBeCloseTo(len(0), 4);
        expect(drawn.lengths[1]).toBeCloseTo(len(1), 4);
        expect(drawn.lengths[2]).toBeCloseTo(len(2), 4);
        const angle = (p: number, q: number) => Math.acos((cell[3 * p] * cell[3 * q] + cell[3 * p + 1] * cell[3 * q + 1] + cell[3 * p + 2] * cell[3 * q + 2]) / (len(p) * len(q)));
        expect(drawn.angles[0]).toBeCloseTo(angle(1, 2), 5);
        expect(drawn.angles[1]).toBeCloseTo(angle(0, 2), 5);
        expect(drawn.angles[2]).toBeCloseTo(angle(0, 1), 5);
        // atoms and cell line up: fractional coordinates of the drawn atoms equal the file's (Mol* stores float32)
        expect(drawn.frac.length).toBe(fractional[k].length);
        for (let i = 0; i < drawn.frac.length; i++) expect(Math.abs(drawn.frac[i] - fractional[k][i])).toBeLessThan(1e-4);

        const png = await screenshotViewport(page, 'dataset-triclinic');
        const stats = pixelStats(png);
        expect(stats.fraction).toBeGreaterThan(0.003);

        // the dataset panel lists every frame; a click on a row shows that frame
        await expect.poll(() => page.locator('[data-testid=acelens-frame-table] tbody tr').count()).toBe(3);
        await page.locator('[data-testid=acelens-frame-table] tbody tr[data-frame-index="2"]').click();
        await expect.poll(() => page.evaluate(() => (window as any).acelens.plugin.managers.structure.hierarchy.current.models[0].cell.transform.params.modelIndex)).toBe(2);
        await expect.poll(() => page.evaluate(() => (window as any).acelens.plugin.managers.structure.hierarchy.current.models[0].cell.obj.data.atomicConformation.x.length)).toBe(frames[2].natoms);
    });

    it('a dropped .xyz file with a Lattice (Mol*\'s drag-and-drop path, as Open Files) goes to the acelens reader', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'));
        const { text } = triclinicDataset();
        const result = await page.evaluate(async (t) => {
            const p = (window as any).acelens.plugin;
            await p.clear();
            await p.managers.dragAndDrop.handle([new File([t], 'dropped.xyz')]);
            for (let k = 0; k < 100 && p.managers.structure.hierarchy.current.structures.length === 0; k++) await new Promise(r => setTimeout(r, 100));
            const h = p.managers.structure.hierarchy.current;
            return { frames: h.trajectories[0]?.cell.obj?.data.frameCount, label: h.trajectories[0]?.cell.obj?.label, unitcell: h.models.map((m: any) => !!m.unitcell) };
        }, text);
        expect(result).toEqual({ frames: 3, label: 'dropped.xyz', unitcell: [true] });
        await expect.poll(() => page.locator('[data-testid=acelens-dataset-summary]').innerText()).toMatch(/dropped\.xyz: 3 frames/);
    });

    it('Mol*\'s Home › Open Files menu with an .xyz file (format Auto) loads it through the acelens reader', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        const { text } = triclinicDataset();
        // Mol*'s left panel starts hidden in the acelens app: the workspace's 'Mol* panels' button shows it, then
        // Home › Open Files as a user would (test/e2e/browser.ts)
        await openFilesWithMolstar(page, { name: 'opened.xyz', mimeType: 'text/plain', buffer: Buffer.from(text) });
        await page.screenshot({ path: join(OutputDir, 'dataset-molstar-open-files.png') });
        await expect.poll(() => page.evaluate(() => {
            const h = (window as any).acelens.plugin.managers.structure.hierarchy.current;
            const t = h.trajectories.find((x: any) => x.cell.obj?.label === 'opened.xyz');
            return t ? { frames: t.cell.obj.data.frameCount, unitcell: h.models.some((m: any) => !!m.unitcell) } : null;
        }), { timeout: 60_000 }).toEqual({ frames: 3, unitcell: true });
        await expect.poll(() => page.locator('[data-testid=acelens-dataset-summary]').innerText()).toMatch(/opened\.xyz: 3 frames/);
    });

    it('shows periodic images along the periodic directions only, following the shown frame, and switches them off', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'));
        const { frames } = triclinicDataset();
        const slab = makeFrame({ positions: [0, 0, 5, 1.3, 0.75, 5, 0, 1.5, 6.2, 1.3, 2.25, 6.2], cell: [2.6, 0, 0, 0, 3.0, 0, 0, 0, 14], pbc: [true, true, false], energy: -30, configType: 'slab' });
        const molecule = makeFrame({ positions: [0, 0, 0, 1.3, 0, 0, 2.0, 1.1, 0], energy: -20, configType: 'cluster' });
        const text = writeExtXyz([frames[0], slab, molecule]);
        await page.evaluate(async (t) => {
            await (window as any).acelens.plugin.clear();
            await (window as any).acelens.loadText(t, 'images.xyz');
        }, text);
        const shown = () => page.evaluate(() => {
            const h = (window as any).acelens.plugin.managers.structure.hierarchy.current;
            return { frame: h.models[0].cell.transform.params.modelIndex, atoms: h.structures[0]?.cell.obj?.data.elementCount };
        });
        await expect.poll(shown, { timeout: 30_000 }).toEqual({ frame: 0, atoms: frames[0].natoms });
        await page.waitForTimeout(1000);
        const cellOnly = await screenshotViewport(page, 'dataset-images-off');
        await page.selectOption('[data-testid=acelens-periodic-images]', '1');
        await expect.poll(shown, { timeout: 30_000 }).toEqual({ frame: 0, atoms: 27 * frames[0].natoms });
        await page.waitForTimeout(1500);
        const withImages = await screenshotViewport(page, 'dataset-images-on');
        expect(pixelStats(withImages).nonBackground).toBeGreaterThan(1.5 * pixelStats(cellOnly).nonBackground);
        // a slab: images in its plane only (3 × 3), not across the vacuum; a molecule: alone
        await page.locator('[data-testid=acelens-frame-table] tbody tr[data-frame-index="1"]').click();
        await expect.poll(shown, { timeout: 30_000 }).toEqual({ frame: 1, atoms: 9 * slab.natoms });
        await page.locator('[data-testid=acelens-frame-table] tbody tr[data-frame-index="2"]').click();
        await expect.poll(shown, { timeout: 30_000 }).toEqual({ frame: 2, atoms: molecule.natoms });
        await page.locator('[data-testid=acelens-frame-table] tbody tr[data-frame-index="0"]').click();
        await expect.poll(shown, { timeout: 30_000 }).toEqual({ frame: 0, atoms: 27 * frames[0].natoms });
        await page.selectOption('[data-testid=acelens-periodic-images]', '0');
        await expect.poll(shown, { timeout: 30_000 }).toEqual({ frame: 0, atoms: frames[0].natoms });
    });

    it('reports a malformed file with its name and line, and keeps what was loaded', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'));
        const before = await page.evaluate(() => (window as any).acelens.plugin.managers.structure.hierarchy.current.structures.length);
        const message = await page.evaluate(async () => {
            try { await (window as any).acelens.loadText('2\nLattice="1 0 0 0 1 0 0 0 1" Properties=species:S:1:pos:R:3\nC 0 0 0\nC 0.5 x 0\n', 'broken.xyz'); return 'no error'; } catch (e) { return String((e as Error).message); }
        });
        expect(message).toMatch(/broken\.xyz/);
        expect(message).toMatch(/:4\b|line 4/);
        const after = await page.evaluate(() => (window as any).acelens.plugin.managers.structure.hierarchy.current.structures.length);
        expect(after).toBe(before);
    });

    it('a long dataset (1 200 frames) draws only the frame-table rows in view; scrolling brings any frame, and a click shows it', async () => {
        const { page } = await openViewer(browser, inject('baseUrl'), { width: 1600, height: 1000 });
        const n = 1200;
        const frames = Array.from({ length: n }, (_, k) => makeFrame({ positions: [0, 0, 0, 1.2 + 0.001 * k, 0, 0], cell: [8, 0, 0, 0, 8, 0, 0, 0, 8], pbc: [true, true, true], energy: -10 + 0.001 * k, forces: [1, 0, 0, -1, 0, 0], configType: `c${k % 7}` }));
        const text = writeExtXyz(frames);
        await page.evaluate(async (t) => { await (window as any).acelens.plugin.clear(); await (window as any).acelens.loadText(t, 'many.xyz'); }, text);
        await page.waitForSelector('[data-testid=acelens-frame-table] tbody tr[data-frame-index="0"]', { timeout: 120_000 });
        const drawn = await page.locator('[data-testid=acelens-frame-table] tbody tr[data-frame-index]').count();
        expect(drawn).toBeGreaterThan(10);
        expect(drawn).toBeLessThan(100);
        // the scroll range is that of every row: the last frame is reached by scrolling to the end
        await page.locator('[data-testid=acelens-frame-table]').evaluate(t => { const box = t.parentElement!; box.scrollTop = box.scrollHeight; });
        const last = page.locator(`[data-testid=acelens-frame-table] tbody tr[data-frame-index="${n - 1}"]`);
        await last.waitFor({ timeout: 30_000 });
        await last.click();
        await expect.poll(() => page.evaluate(() => (window as any).acelens.plugin.managers.structure.hierarchy.current.models[0].cell.transform.params.modelIndex), { timeout: 60_000 }).toBe(n - 1);
        await expect.poll(() => page.locator('[data-testid=acelens-dataset-summary]').innerText(), { timeout: 30_000 }).toMatch(new RegExp(`many\\.xyz: ${n} frames; showing #${n - 1}`));
        await page.screenshot({ path: join(OutputDir, 'dataset-long-table.png'), timeout: 120_000 });
    }, 600_000);
});
