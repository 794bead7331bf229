/**
 * The diagnosis workspace at 1600×1000: the 3D view and the plot area side by side (the split drags and is
 * remembered), plots at least 600 px wide, linked both ways with Mol*'s selection; then the whole GAP-20
 * concatenation (≈3 000 structures, 2·10⁵ atoms, 6·10⁵ force components; skipped with a message when
 * ../shared/data/gap20 is absent) drawn without a console error, a box of parity points selected in Mol*, and a
 * second dataset loaded alone with the energy-reference notice. Screenshots in test/e2e/output/workspace-*.png.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openViewer, OutputDir } from './browser';
import { fittedModelFile } from './model-fixture';
import type { ModelFile } from '../../src/model/model';

const Gap20Dir = join(import.meta.dirname, '../../../shared/data/gap20');
const Viewport = { width: 1600, height: 1000 };

const t0 = Date.now();
async function shot(page: Page, name: string) {
    console.log(`workspace e2e: ${name} at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    await page.screenshot({ path: join(OutputDir, `workspace-${name}.png`), timeout: 120_000 });
}

/** Waits until every main plot of the plot area holds data. */
async function plotsDrawn(page: Page, timeout: number) {
    await page.waitForFunction(() => ['force', 'distance', 'histogram'].every(k => ((document.querySelector(`[data-testid=acelens-plot-${k}]`) as any)?.data ?? []).length > 0)
        && (window as any).acelens.workspace.errors.value, undefined, { timeout, polling: 1000 });
}

/** The atoms selected in Mol* (model atom indices) in the shown frame of the dataset the panels act on. */
function molstarSelection(page: Page) {
    return page.evaluate(() => {
        const p = (window as any).acelens.plugin;
        const h = p.managers.structure.hierarchy;
        const traj = [...h.selection.trajectories].reverse().find((t: any) => !t.cell.state.isHidden);
        const model = traj.models[0];
        const s = model.structures[0].cell.obj.data;
        const loci = p.managers.structure.selection.getLoci(s);
        const ints = (x: any): ArrayLike<number> => { if (typeof x !== 'number') return x; const f = new Float64Array([x]); const [a, b] = new Int32Array(f.buffer); return Array.from({ length: b - a }, (_, k) => a + k); }; // Mol*'s OrderedSet/SortedArray: a contiguous set is a packed Interval number
        const atoms = new Set<number>();
        for (const e of loci.elements ?? []) { const idx = ints(e.indices), el = ints(e.unit.elements); for (let i = 0; i < idx.length; i++) atoms.add(el[idx[i]]); }
        return { frame: model.cell.transform.params.modelIndex as number, atoms: [...atoms].sort((a, b) => a - b) };
    });
}

/** The plot-area selection restricted to one frame, as model atom indices. */
function selectionInFrame(page: Page, frame: number) {
    return page.evaluate((frame) => {
        const ws = (window as any).acelens.workspace;
        const offsets = ws.errors.value.index.offsets;
        const ids: number[] = Array.from(ws.selection.value?.ids ?? []);
        return ids.filter(id => id >= offsets[frame] && id < offsets[frame + 1]).map(id => id - offsets[frame]);
    }, frame);
}

/**
 * Drags a selection box over the force-parity plot around the points with the largest F_DFT (upper right), and
 * returns the number of distinct atoms with a component inside the box, counted from the plotted data and the
 * axis scale (three components per atom, in atom order).
 */
/** what was under the drag's start point (for the error message) */
let lastBoxTarget = '';

async function boxSelectForceParity(page: Page): Promise<number> {
    const geometry = await page.evaluate(() => {
        const div: any = document.querySelector('[data-testid=acelens-plot-force]');
        div.scrollIntoView();
        const fl = div._fullLayout;
        const trace = div.data[1];
        const xs = trace.x as ArrayLike<number>, ys = trace.y as ArrayLike<number>;
        let xmax = -Infinity;
        for (let i = 0; i < xs.length; i++) xmax = Math.max(xmax, xs[i]);
        // a box over the upper-right quarter of the populated range
        // (inside the axes: a drag must start on the plot area)
        const xr = fl.xaxis.range, yr = fl.yaxis.range;
        const x0 = 0.35 * xmax, x1 = Math.min(1.05 * xmax, xr[1] - 0.01 * (xr[1] - xr[0])), y0 = 0.35 * xmax, y1 = Math.min(1.2 * xmax, yr[1] - 0.01 * (yr[1] - yr[0]));
        const box = div.getBoundingClientRect();
        const px = (x: number) => box.left + fl._size.l + fl.xaxis.l2p(x);
        const py = (y: number) => box.top + fl._size.t + fl.yaxis.l2p(y);
        const from = [px(x0), py(y1)], to = [px(x1), py(y0)];
        // the box in data coordinates as Plotly reads those pixels (read now: the selection table that the drag
        // fills sits above the plot and moves it down afterwards)
        const dx = (p: number) => fl.xaxis.p2l(p - box.left - fl._size.l), dy = (p: number) => fl.yaxis.p2l(p - box.top - fl._size.t);
        const hit = document.elementFromPoint(from[0] + 2, from[1] + 2);
        const hitName = hit ? `${hit.tagName}.${typeof hit.className === 'string' ? hit.className : (hit.className as any)?.baseVal}` : 'nothing';
        return { from, to, hitName, xr: [dx(from[0]), dx(to[0])].sort((a, b) => a - b), yr: [dy(from[1]), dy(to[1])].sort((a, b) => a - b) };
    });
    await page.mouse.move(geometry.from[0], geometry.from[1]);
    await page.mouse.down();
    await page.mouse.move((geometry.from[0] + geometry.to[0]) / 2, (geometry.from[1] + geometry.to[1]) / 2, { steps: 4 });
    await page.mouse.move(geometry.to[0], geometry.to[1], { steps: 4 });
    await page.mouse.up();
    // the box in data coordinates as Plotly reads the pixels, and the atoms with a component inside it
    return page.evaluate((g) => {
        const div: any = document.querySelector('[data-testid=acelens-plot-force]');
        const [xa, xb] = g.xr, [ya, yb] = g.yr;
        const xs = div.data[1].x, ys = div.data[1].y;
        const atoms = new Set<number>();
        for (let i = 0; i < xs.length; i++) if (xs[i] >= xa && xs[i] <= xb && ys[i] >= ya && ys[i] <= yb) atoms.add(Math.floor(i / 3));
        return atoms.size;
    }, geometry).then(n => { lastBoxTarget = `${geometry.hitName} at (${geometry.from.map(v => v.toFixed(0)).join(', ')})`; return n; });
}

/**
 * The selected points' rings are drawn (pixels, not only the marks' data): at a sample of up to 200 selected points
 * inside the plot, the marks canvas has the selection colour on the ring (radius 4.5 px, 2 px wide) left, right,
 * above or below the point.
 */
async function checkRingsDrawn(page: Page, plot: 'force' | 'distance') {
    const check = () => page.evaluate((plot) => new Promise<{ sampled: number; ringed: number; painted: number; size: string }>(res => requestAnimationFrame(() => requestAnimationFrame(() => {
        const canvas = document.querySelector(`[data-testid=acelens-marks-${plot}]`) as HTMLCanvasElement;
        const div: any = document.querySelector(`[data-testid=acelens-plot-${plot}]`);
        const { x, y } = (canvas as any).acelensMarks.shown.selected as { x: number[]; y: number[] };
        const fl = div._fullLayout, dpr = canvas.width / Math.round(fl._size.w);
        const px = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height).data;
        const red = (u: number, v: number) => { const o = 4 * (v * canvas.width + u); return px[o + 3] > 100 && px[o] > 200 && px[o + 1] < 120; };
        let painted = 0;
        for (let o = 3; o < px.length; o += 4) if (px[o] > 0) painted++;
        let sampled = 0, ringed = 0;
        const r = Math.round(4.5 * dpr), step = Math.max(1, Math.floor(x.length / 200));
        for (let k = 0; k < x.length; k += step) {
            const u = Math.round(fl.xaxis.c2p(x[k]) * dpr), v = Math.round(fl.yaxis.c2p(y[k]) * dpr);
            if (u < r + 1 || v < r + 1 || u >= canvas.width - r - 1 || v >= canvas.height - r - 1) continue;
            sampled++;
            if (red(u + r, v) || red(u - r - 1, v) || red(u, v + r) || red(u, v - r - 1)) ringed++;
        }
        const first = x.length ? `${x.length} points, first at (${(fl.xaxis.c2p(x[0]) * dpr).toFixed(1)}, ${(fl.yaxis.c2p(y[0]) * dpr).toFixed(1)})` : 'no points';
        res({ sampled, ringed, painted, size: `${canvas.width}×${canvas.height}, ${first}, plot area ${fl._size.w}×${fl._size.h}` });
    }))), plot);
    let last: Awaited<ReturnType<typeof check>> | undefined;
    await expect.poll(async () => { last = await check(); return last.sampled > 0 && last.ringed === last.sampled; }, { timeout: 20_000 }).toBe(true)
        .catch(() => { throw new Error(`rings of the selected points in the ${plot} plot: ${last?.ringed} of ${last?.sampled} sampled points have one (canvas ${last?.size}, ${last?.painted} pixels painted)`); });
}

async function checkBoxSelection(page: Page) {
    const expected = await boxSelectForceParity(page);
    expect(expected).toBeGreaterThan(0);
    // Plotly decides points on the box edges at pixel resolution: a point or two there may fall either way
    const selectedCount = () => page.evaluate(() => (window as any).acelens.workspace.selection.value?.ids.length ?? 0);
    await expect.poll(async () => Math.abs(await selectedCount() - expected) <= Math.max(2, 0.01 * expected), { timeout: 60_000 }).toBe(true).catch(async (e) => {
        const said = await page.evaluate(() => [...document.querySelectorAll('[data-testid=acelens-plot-message], [data-testid=acelens-selection-label]')].map(el => el.textContent).join(' | '));
        throw new Error(`box selection: ${await selectedCount()} atoms selected, ${expected} in the box; the drag started on ${lastBoxTarget}; the plot area says: ${said} (${(e as Error).message})`);
    });
    const selected: number = await page.evaluate(() => (window as any).acelens.workspace.selection.value.ids.length);
    expect(await page.locator('[data-testid=acelens-selection-label]').innerText()).toMatch(/force parity: box/);
    // the same atoms selected in Mol* in the frame shown (switched to one that holds selected atoms)
    await expect.poll(async () => {
        const mol = await molstarSelection(page);
        const mine = await selectionInFrame(page, mol.frame);
        return mine.length > 0 && JSON.stringify(mine) === JSON.stringify(mol.atoms);
    }, { timeout: 60_000 }).toBe(true);
    await checkRingsDrawn(page, 'force');
    // the table lists them, largest error first
    const errs = (await page.locator('[data-testid=acelens-selection-table] tbody tr td:nth-child(4)').allInnerTexts()).map(Number);
    expect(errs.length).toBe(Math.min(selected, 300));
    for (let i = 1; i < errs.length; i++) expect(errs[i]).toBeLessThanOrEqual(errs[i - 1]);
}

/**
 * Our own selection of plot points (plugin/plots/point-select.ts): the box outline stays drawn; a lasso (chosen in
 * Plotly's mode bar) on the error-against-distance plot, whose y axis is logarithmic, selects the atoms whose points
 * lie inside the shape drawn in pixels; a click picks the atom of the point under the mouse; Shift-click adds one.
 */
async function checkLassoAndClick(page: Page) {
    const outline = await page.evaluate(() => (document.querySelector('[data-testid=acelens-marks-force]') as any).acelensMarks.shownOutline);
    expect(outline?.length).toBe(4);
    // lasso: a triangle over the middle of the populated distance range, in pixels
    const dist = await page.evaluate(() => {
        const div: any = document.querySelector('[data-testid=acelens-plot-distance]');
        div.scrollIntoView();
        const fl = div._fullLayout, box = div.getBoundingClientRect(), w = fl._size.w, h = fl._size.h;
        const corners = [[0.25 * w, 0.85 * h], [0.75 * w, 0.85 * h], [0.5 * w, 0.15 * h]];
        return { corners, client: corners.map(([u, v]) => [box.left + fl._size.l + u, box.top + fl._size.t + v]) };
    });
    await page.locator('[data-testid=acelens-plot-distance] .modebar-btn[data-val="lasso"]').click();
    await page.mouse.move(dist.client[0][0], dist.client[0][1]);
    await page.mouse.down();
    for (const k of [1, 2, 0]) await page.mouse.move(dist.client[k][0], dist.client[k][1], { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => page.locator('[data-testid=acelens-selection-label]').innerText(), { timeout: 30_000 }).toMatch(/error against distance: lasso/);
    const lasso = await page.evaluate((tri) => {
        const ws = (window as any).acelens.workspace, e = ws.errors.value;
        const div: any = document.querySelector('[data-testid=acelens-plot-distance]');
        const fl = div._fullLayout;
        // the triangle as drawn (the mouse path's pixels), and every atom's point in pixels by Plotly's own conversion
        const inside = (u: number, v: number) => {
            let c = false;
            for (let i = 0, j = tri.length - 1; i < tri.length; j = i++) {
                const [xi, yi] = tri[i], [xj, yj] = tri[j];
                if ((yi > v) !== (yj > v) && u < xj + (v - yj) * (xi - xj) / (yi - yj)) c = !c;
            }
            return c;
        };
        // the mouse path's pixels are whole numbers: points within 1.5 px of an edge may fall either way
        const edgeDistance = (u: number, v: number) => {
            let d = Infinity;
            for (let i = 0, j = tri.length - 1; i < tri.length; j = i++) {
                const [ax, ay] = tri[j], [bx, by] = tri[i];
                const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
                d = Math.min(d, Math.hypot(u - ax - t * (bx - ax), v - ay - t * (by - ay)));
            }
            return d;
        };
        const surelyIn: number[] = [], surelyOut: number[] = [];
        for (let id = 0; id < e.index.total; id++) {
            if (!Number.isFinite(e.nearest[id]) || !Number.isFinite(e.forceError[id])) continue;
            const u = fl.xaxis.c2p(e.nearest[id]), v = fl.yaxis.c2p(e.forceError[id]);
            if (edgeDistance(u, v) <= 1.5) continue;
            (inside(u, v) ? surelyIn : surelyOut).push(id);
        }
        return { surelyIn, surelyOut, got: Array.from(ws.selection.value.ids as Int32Array) };
    }, dist.corners);
    expect(lasso.surelyIn.length).toBeGreaterThan(0);
    const got = new Set(lasso.got);
    expect(lasso.surelyIn.filter(id => !got.has(id))).toEqual([]);
    await checkRingsDrawn(page, 'distance');
    expect(lasso.surelyOut.filter(id => got.has(id))).toEqual([]);
    await shot(page, 'lasso-selection');
    // click: the force component with the largest |F_DFT| (alone at the edge of the plot) → its atom
    const click = async (k: number, shift: boolean) => {
        const target = await page.evaluate((k) => {
            const div: any = document.querySelector('[data-testid=acelens-plot-force]');
            div.scrollIntoView();
            const e = (window as any).acelens.workspace.errors.value, f = e.force;
            const order = Array.from({ length: f.dft.length }, (_, i) => i).sort((a, b) => Math.abs(f.dft[b]) - Math.abs(f.dft[a]));
            const i = order[k], fl = div._fullLayout, box = div.getBoundingClientRect();
            return { atom: f.atom[i] as number, x: box.left + fl._size.l + fl.xaxis.c2p(f.dft[i]), y: box.top + fl._size.t + fl.yaxis.c2p(f.model[i]) };
        }, k);
        if (shift) await page.keyboard.down('Shift');
        await page.mouse.click(target.x, target.y);
        if (shift) await page.keyboard.up('Shift');
        return target.atom;
    };
    const first = await click(0, false);
    await expect.poll(() => page.evaluate(() => Array.from((window as any).acelens.workspace.selection.value?.ids ?? [])), { timeout: 30_000 }).toEqual([first]);
    expect(await page.locator('[data-testid=acelens-selection-label]').innerText()).toMatch(/force parity: click/);
    await page.waitForTimeout(500); // not a double click
    // Shift-click on another atom's point adds it
    let k = 1, second = first;
    while (second === first && k < 12) second = await page.evaluate((k) => { const f = (window as any).acelens.workspace.errors.value.force; const order = Array.from({ length: f.dft.length }, (_, i) => i).sort((a, b) => Math.abs(f.dft[b]) - Math.abs(f.dft[a])); return f.atom[order[k]] as number; }, k++);
    await click(k - 1, true);
    await expect.poll(() => page.evaluate(() => Array.from((window as any).acelens.workspace.selection.value?.ids ?? [])), { timeout: 30_000 }).toEqual([first, second].sort((a, b) => a - b));
    // the Mol* selection follows (the shown frame's part of it)
    await expect.poll(async () => {
        const mol = await molstarSelection(page);
        const mine = await selectionInFrame(page, mol.frame);
        return mine.length > 0 && JSON.stringify(mine) === JSON.stringify(mol.atoms);
    }, { timeout: 60_000 }).toBe(true);
    // in zoom mode our selector leaves the gesture to Plotly: its own click event (after its hover found the point)
    // picks the same atom through the same per-plot ids
    await page.locator('[data-testid=acelens-plot-force] .modebar-btn[data-val="zoom"]').click();
    expect(await page.evaluate(() => (document.querySelector('[data-testid=acelens-plot-force]') as any)._fullLayout.dragmode)).toBe('zoom');
    const hoverThenClick = await page.evaluate(() => {
        const div: any = document.querySelector('[data-testid=acelens-plot-force]');
        const e = (window as any).acelens.workspace.errors.value, f = e.force;
        let i = 0;
        for (let j = 1; j < f.dft.length; j++) if (Math.abs(f.dft[j]) > Math.abs(f.dft[i])) i = j;
        const fl = div._fullLayout, box = div.getBoundingClientRect();
        return { atom: f.atom[i] as number, x: box.left + fl._size.l + fl.xaxis.c2p(f.dft[i]), y: box.top + fl._size.t + fl.yaxis.c2p(f.model[i]) };
    });
    expect(hoverThenClick.atom).toBe(first);
    const xRange = () => page.evaluate(() => JSON.stringify((document.querySelector('[data-testid=acelens-plot-force]') as any)._fullLayout.xaxis.range));
    const rangeBefore = await xRange();
    await page.mouse.move(hoverThenClick.x - 3, hoverThenClick.y);
    await page.mouse.move(hoverThenClick.x, hoverThenClick.y);
    await page.waitForTimeout(300); // Plotly's hover (it clicks the hovered point)
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(() => page.evaluate(() => Array.from((window as any).acelens.workspace.selection.value?.ids ?? [])), { timeout: 30_000 }).toEqual([first]);
    expect(await xRange()).toBe(rangeBefore); // a click did not zoom
    await page.waitForTimeout(500); // not a double click
    // back to box selection for what follows
    await page.locator('[data-testid=acelens-plot-force] .modebar-btn[data-val="select"]').click();
    await page.locator('[data-testid=acelens-plot-distance] .modebar-btn[data-val="select"]').click();
}

describe('diagnosis workspace', () => {
    let browser: Browser;
    let model: ModelFile;
    beforeAll(async () => { browser = await launchBrowser(); model = await fittedModelFile(); });
    afterAll(async () => { await browser?.close(); });

    it('puts plots ≥ 600 px wide beside the 3D view, remembers the split, and links plots and 3D both ways', async () => {
        const { page, errors } = await openViewer(browser, inject('baseUrl'), Viewport);
        page.setDefaultTimeout(120_000);
        await page.evaluate((f) => (window as any).acelens.store.addModel(f, 'K=2 carbon-diverse'), model as any);
        await plotsDrawn(page, 240_000);
        // layout: Mol*'s left panel hidden, the 3D view and the plots side by side, each plot ≥ 600 px wide
        const boxes = await page.evaluate(() => {
            const r = (sel: string) => { const b = document.querySelector(sel)?.getBoundingClientRect(); return b ? { x: b.x, w: b.width, h: b.height } : null; };
            return { canvas: r('.msp-viewport canvas'), plots: ['energy', 'force', 'distance', 'histogram'].map(k => r(`[data-testid=acelens-plot-${k}]`)), right: r('.msp-layout-right'), left: r('.msp-layout-left') };
        });
        expect(boxes.left === null || boxes.left.w === 0).toBe(true);
        for (const p of boxes.plots) expect(p!.w).toBeGreaterThanOrEqual(600);
        expect(boxes.canvas!.w).toBeGreaterThan(500);
        expect(boxes.canvas!.x + boxes.canvas!.w).toBeLessThanOrEqual(boxes.plots[0]!.x);
        for (const k of ['energy', 'force', 'distance', 'histogram']) {
            const layout = await page.evaluate((k) => { const l = (document.querySelector(`[data-testid=acelens-plot-${k}]`) as any).layout; return { x: l.xaxis.title.text, y: l.yaxis.title.text }; }, k);
            expect(layout.x).toMatch(/\((eV\/atom|eV\/Å|Å)\)/);
            expect(layout.y).toMatch(/\((eV\/atom|eV\/Å|Å)\)|atoms/);
        }
        // every trace drawn as the type it asks for (Plotly draws a trace of a type its bundle lacks as a scatter line)
        const types = await page.evaluate(() => [...document.querySelectorAll('.js-plotly-plot')].flatMap((div: any) => (div.data ?? []).map((t: any, k: number) => ({ plot: div.closest('[data-testid]')?.dataset.testid, asked: t.type ?? 'scatter', drawn: div._fullData?.[k]?.type }))));
        expect(types.filter(t => t.asked === 'bar').length).toBeGreaterThan(0);
        expect(types.filter(t => t.asked !== t.drawn)).toEqual([]);
        await shot(page, 'embedded');
        // Mol*'s own panels come back on request
        await page.click('[data-testid=acelens-toggle-molstar-panels]');
        await expect.poll(() => page.evaluate(() => (window as any).acelens.plugin.layout.state.regionState.left)).toBe('full');
        await page.click('[data-testid=acelens-toggle-molstar-panels]');
        await expect.poll(() => page.evaluate(() => (window as any).acelens.plugin.layout.state.regionState.left)).toBe('hidden');
        // the main region changed width twice: wait until the plots have relaid out (same size and axes 1 s apart)
        const plotGeometry = () => page.evaluate(() => { const d: any = document.querySelector('[data-testid=acelens-plot-force]'); return JSON.stringify([d.getBoundingClientRect().width, d._fullLayout?._size, d._fullLayout?.xaxis?.range]); });
        await expect.poll(async () => { const a = await plotGeometry(); await page.waitForTimeout(1000); return a === await plotGeometry(); }, { timeout: 60_000 }).toBe(true);

        // plots → 3D: a box in the force parity plot selects those atoms in Mol*
        await checkBoxSelection(page);
        await shot(page, 'box-selection');
        await checkLassoAndClick(page);

        // histogram range → those atoms
        const hist = await page.evaluate(() => {
            const div: any = document.querySelector('[data-testid=acelens-plot-histogram]');
            div.scrollIntoView();
            const fl = div._fullLayout, box = div.getBoundingClientRect();
            const lo = fl.xaxis.range[0] + 0.5 * (fl.xaxis.range[1] - fl.xaxis.range[0]), hi = fl.xaxis.range[0] + 0.8 * (fl.xaxis.range[1] - fl.xaxis.range[0]);
            return { y: box.top + fl._size.t + fl._size.h / 2, x0: box.left + fl._size.l + fl.xaxis.l2p(lo), x1: box.left + fl._size.l + fl.xaxis.l2p(hi) };
        });
        await page.mouse.move(hist.x0, hist.y);
        await page.mouse.down();
        await page.mouse.move(hist.x1, hist.y + 20, { steps: 5 });
        await page.mouse.up();
        await expect.poll(() => page.locator('[data-testid=acelens-selection-label]').innerText(), { timeout: 30_000 }).toMatch(/histogram: /);
        const inRange = await page.evaluate(() => {
            const ws = (window as any).acelens.workspace;
            const [lo, hi] = ws.selection.value.range;
            const err = ws.errors.value.forceError;
            let n = 0;
            for (let i = 0; i < err.length; i++) if (err[i] >= lo && err[i] <= hi) n++;
            const ids: number[] = Array.from(ws.selection.value.ids);
            return { n, selected: ids.length, allIn: ids.every(id => err[id] >= lo && err[id] <= hi) };
        });
        expect(inRange.selected).toBe(inRange.n);
        expect(inRange.allIn).toBe(true);
        await expect.poll(async () => {
            const mol = await molstarSelection(page);
            const mine = await selectionInFrame(page, mol.frame);
            return mine.length > 0 && JSON.stringify(mine) === JSON.stringify(mol.atoms);
        }, { timeout: 60_000 }).toBe(true);
        await shot(page, 'histogram-range');

        // 3D → plots: the camera on one atom, the mouse over the 3D view until Mol* reports an atom under it
        // (picking runs on a render: slow on a loaded machine), then a click on that atom marks it in every plot
        await page.evaluate(async () => {
            const p = (window as any).acelens.plugin;
            const h = p.managers.structure.hierarchy;
            const traj = [...h.selection.trajectories].reverse().find((t: any) => !t.cell.state.isHidden);
            const s = traj.models[0].structures[0].cell.obj.data;
            p.managers.interactivity.lociSelects.deselectAll();
            const loci = { kind: 'element-loci', structure: s, elements: [{ unit: s.units[0], indices: Int32Array.of(0) }] };
            p.managers.camera.focusLoci(loci, { durationMs: 0, extraRadius: 1 });
        });
        await page.waitForTimeout(1500);
        const canvas = (await page.locator('.msp-viewport canvas').first().boundingBox())!;
        const cx = canvas.x + canvas.width / 2, cy = canvas.y + canvas.height / 2;
        let wiggle = 0;
        await expect.poll(async () => {
            await page.mouse.move(cx + (wiggle++ % 2), cy);
            await page.waitForTimeout(300);
            return page.evaluate(() => { const l = (window as any).acelens.plugin.behaviors.interaction.hover.value.current.loci; return l.kind === 'element-loci' && l.elements.length > 0; });
        }, { timeout: 60_000 }).toBe(true);
        const target = await page.evaluate(() => {
            const p = (window as any).acelens.plugin;
            const h = p.managers.structure.hierarchy;
            const traj = [...h.selection.trajectories].reverse().find((t: any) => !t.cell.state.isHidden);
            const ints = (x: any): ArrayLike<number> => { if (typeof x !== 'number') return x; const f = new Float64Array([x]); const [a, b] = new Int32Array(f.buffer); return Array.from({ length: b - a }, (_, k) => a + k); };
            const e = p.behaviors.interaction.hover.value.current.loci.elements[0];
            return { frame: traj.models[0].cell.transform.params.modelIndex, atom: ints(e.unit.elements)[ints(e.indices)[0]] };
        });
        await page.mouse.click(cx + ((wiggle - 1) % 2), cy);
        await expect.poll(() => page.evaluate(() => (window as any).acelens.workspace.selection.value?.label ?? ''), { timeout: 30_000 }).toMatch(/^3D/);
        const readMarks = () => page.evaluate((t) => {
            const ws = (window as any).acelens.workspace;
            const e = ws.errors.value;
            const id = e.index.offsets[t.frame] + t.atom;
            const sel: number[] = Array.from(ws.selection.value.ids);
            // the rings drawn over the plot (plugin/workspace/point-marks.ts), by the name of their legend entry
            const trace = (k: string, name: string) => (document.querySelector(`[data-testid=acelens-marks-${k}]`) as any).acelensMarks.shown[name];
            const force = trace('force', 'selected'), hover = trace('force', 'under the mouse in 3D'), dist = trace('distance', 'selected');
            const row = e.forceRowOfAtom[id];
            return {
                sel, id,
                forceX: Array.from(force.x as number[]), expectedForceX: [0, 1, 2].map(c => e.force.dft[row + c]),
                hoverX: Array.from(hover.x as number[]),
                distX: Array.from(dist.x as number[]), expectedDistX: Number.isFinite(e.nearest[id]) ? [e.nearest[id]] : [],
            };
        }, target);
        // the rings follow the selection (drawn after the table's state)
        await expect.poll(async () => { const m = await readMarks(); return JSON.stringify(m.forceX) === JSON.stringify(m.expectedForceX); }, { timeout: 30_000 }).toBe(true);
        const marked = await readMarks();
        expect(marked.sel).toEqual([marked.id]);
        expect(marked.forceX).toEqual(marked.expectedForceX);
        expect(marked.hoverX).toEqual(marked.expectedForceX);
        expect(marked.distX).toEqual(marked.expectedDistX);
        await shot(page, '3d-click');

        // the split drags and is remembered after a reload
        const divider = (await page.locator('[data-testid=acelens-workspace-divider]').boundingBox())!;
        await page.mouse.move(divider.x + 3, divider.y + 200);
        await page.mouse.down();
        await page.mouse.move(divider.x - 150, divider.y + 200, { steps: 5 });
        await page.mouse.up();
        const stored = await page.evaluate(() => Number(localStorage.getItem('acelens.workspace.split.v1')));
        expect(stored).toBeLessThan(0.45);
        await page.reload();
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
        const after = (await page.locator('[data-testid=acelens-workspace-divider]').boundingBox())!;
        expect(Math.abs(after.x - (divider.x - 150))).toBeLessThan(8);
        expect(errors.filter(e => !/Failed to load resource/.test(e))).toEqual([]);
    }, 900_000);

    it('draws every plot on the whole GAP-20 concatenation, selects a box of its parity points in Mol*, and shows the next dataset alone', async () => {
        if (!existsSync(Gap20Dir)) {
            console.warn(`workspace e2e: ${Gap20Dir} is absent — the GAP-20 part is skipped`);
            return;
        }
        const files = readdirSync(Gap20Dir).filter(f => f.endsWith('.xyz')).sort();
        const text = files.map(f => { const t = readFileSync(join(Gap20Dir, f), 'utf8'); return t.endsWith('\n') ? t : t + '\n'; }).join('');
        const { page, errors } = await openViewer(browser, inject('baseUrl'), Viewport);
        page.setDefaultTimeout(120_000);
        await page.evaluate((f) => (window as any).acelens.store.addModel(f, 'K=2 carbon-diverse'), model as any);
        const started = Date.now();
        const loaded = await page.evaluate(async (t) => {
            await (window as any).acelens.loadText(t, 'gap20-all.xyz');
            const h = (window as any).acelens.plugin.managers.structure.hierarchy.current;
            return { frames: h.trajectories[h.trajectories.length - 1].cell.obj.data.frameCount, hidden: h.trajectories.map((x: any) => !!x.cell.state.isHidden) };
        }, text);
        expect(loaded.frames).toBeGreaterThan(2900);
        // one dataset shown at a time: the embedded one loaded first is hidden now
        expect(loaded.hidden).toEqual([true, false]);
        await expect.poll(() => page.locator('[data-testid=acelens-plot-subject]').innerText(), { timeout: 60_000 }).toMatch(/gap20-all\.xyz/);
        await plotsDrawn(page, 900_000);
        // the plots of GAP-20, not those of the dataset shown before
        await page.waitForFunction((frames) => {
            const e = (window as any).acelens.workspace.errors.value;
            const force = (document.querySelector('[data-testid=acelens-plot-force]') as any)?.data?.[1];
            return e && e.index.offsets.length === frames + 1 && force && force.x.length === e.force.dft.length;
        }, loaded.frames, { timeout: 900_000, polling: 1000 });
        console.log(`workspace e2e: GAP-20 (${loaded.frames} structures) loaded, predicted and plotted in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        const sizes = await page.evaluate(() => {
            const e = (window as any).acelens.workspace.errors.value;
            const data = (k: string) => (document.querySelector(`[data-testid=acelens-plot-${k}]`) as any).data;
            return { atoms: e.index.total, components: e.force.dft.length, forceTrace: data('force')[1].x.length, forceType: data('force')[1].type, distanceType: data('distance')[0].type, energyTraces: data('energy').filter((t: any) => t.customdata).length };
        });
        expect(sizes.atoms).toBeGreaterThan(190_000);
        expect(sizes.components).toBeGreaterThan(500_000);
        expect(sizes.forceTrace).toBe(sizes.components);
        expect(sizes.forceType).toBe('scattergl');
        expect(sizes.distanceType).toBe('scattergl');
        expect(sizes.energyTraces).toBeGreaterThan(10);
        expect(await page.locator('[data-testid=acelens-plot-message]').count()).toBe(0);
        await shot(page, 'gap20');
        await checkBoxSelection(page);
        await shot(page, 'gap20-box-selection');

        // the next dataset is shown alone and the panels act on it; its energies are on another reference
        const graphene = readFileSync(join(Gap20Dir, 'Training_Dataset_Graphene.xyz'), 'utf8');
        await page.evaluate(async (t) => { await (window as any).acelens.loadText(t, 'graphene.xyz'); }, graphene);
        await expect.poll(() => page.locator('[data-testid=acelens-plot-subject]').innerText(), { timeout: 60_000 }).toMatch(/graphene\.xyz \(2 structures\)/);
        expect(await page.evaluate(() => (window as any).acelens.plugin.managers.structure.hierarchy.current.trajectories.map((x: any) => !!x.cell.state.isHidden))).toEqual([true, true, false]);
        await expect.poll(() => page.locator('[data-testid=acelens-energy-reference]').count(), { timeout: 120_000 }).toBe(1);
        expect(await page.locator('[data-testid=acelens-energy-reference]').innerText()).toMatch(/no isolated-atom structure/);
        await page.click('[data-testid=acelens-energy-forces-only]');
        await expect.poll(() => page.locator('[data-testid=acelens-plot-energy]').isVisible()).toBe(false);
        await shot(page, 'energy-reference');
        expect(errors.filter(e => !/Failed to load resource/.test(e))).toEqual([]);
    }, 1_500_000);
});
