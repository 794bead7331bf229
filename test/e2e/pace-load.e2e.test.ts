/**
 * Models panel: loading a PACE potential (.yace) through the upload button. A .yace written by ML-PACE itself
 * (non-linear Finnis–Sinclair embedding, ndensity 2, core repulsion) is uploaded next to an acelens model; the
 * panel's energy parity plot (predictions made in the prediction worker through src/pace) matches ML-PACE's
 * energies on the loaded structures, the worst-atoms table names ML-PACE's worst atom, the panel says why there is
 * no body-order split; a malformed file gets a one-line message naming the field and nothing loaded is lost; the
 * potential is still there after a reload. Skips with a message where ../shared/peers (ML-PACE) is absent.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fitModel } from '../../src/fit/fit';
import type { ModelFile } from '../../src/model/model';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { parseExtXyz } from '../../src/io/extxyz-reader';
import { writeExtXyz } from '../../src/io/extxyz';
import { parseYace } from '../../src/pace/potential';
import { paceDriver, runPace } from '../pace/helpers';
import { launchBrowser, OutputDir } from './browser';

const driver = paceDriver();
const E0 = -1.3;

function dimers(): Frame[] {
    const frames: Frame[] = [makeFrame({ positions: [0, 0, 0], energy: E0, forces: [0, 0, 0], configType: 'isolated_atom' })];
    for (let r = 1.0; r <= 4.8; r += 0.1) {
        const e = 6 * ((1 - Math.exp(-2 * (r - 1.25))) ** 2 - 1) * (r < 4 ? 1 : Math.cos(((r - 4) / 1.0) * Math.PI / 2) ** 2);
        frames.push(makeFrame({ positions: [0, 0, 0, r, 0, 0], energy: 2 * E0 + e, forces: [0, 0, 0, 0, 0, 0], configType: 'dimer' }));
    }
    return frames;
}

describe.skipIf(!driver)('Models panel: load a PACE potential (.yace)', () => {
    let browser: Browser;
    let acelensModel: ModelFile;
    let yacePath: string, badPath: string, xyzPath: string;
    let xyzText: string;
    beforeAll(async () => {
        acelensModel = (await fitModel(dimers(), { spec: { order: 2, variant: 'standard', rcut: 5, rin: 0, r0: 1.287, maxDegree: [8], lWeight: 1.5 }, lambda: 1e-6, forceWeight: 0.01 })).model;
        // a pacemaker-style potential written by ML-PACE: ChebExpCos, ndensity 2, FinnisSinclairShiftedScaled, core repulsion
        const yaml = join(OutputDir, 'pace-load-bbasis.yaml');
        yacePath = join(OutputDir, 'pace-load-nonlinear.yace');
        execFileSync(driver!, ['--gen-bbasis', yaml, 'ChebExpCos', '2', 'FinnisSinclairShiftedScaled', '1', 'density']);
        execFileSync(driver!, [yaml, '--save-yace', yacePath]);
        // malformed: the element is not carbon
        badPath = join(OutputDir, 'pace-load-bad.yace');
        writeFileSync(badPath, readFileSync(yacePath, 'utf8').replace(/elements: \[C\]/, 'elements: [Si]'));
        // the structures shown: the first 25 bulk/surface frames of the embedded narrow set
        const frames = parseExtXyz(readFileSync(resolve(import.meta.dirname, '../../assets/carbon-narrow.xyz'), 'utf8')).filter(f => f.natoms > 1).slice(0, 25);
        xyzText = writeExtXyz(frames);
        xyzPath = join(OutputDir, 'pace-load-frames.xyz');
        writeFileSync(xyzPath, xyzText);
        browser = await launchBrowser();
    }, 300_000);
    afterAll(async () => { await browser?.close(); });

    it('uploads a .yace, plots ML-PACE\'s energies, names the worst atom, keeps models on a bad file and after a reload', async () => {
        expect(readFileSync(badPath, 'utf8')).toMatch(/elements: \[Si\]/);
        const pot = parseYace(readFileSync(yacePath, 'utf8'), yacePath);
        expect(pot.linear).toBe(false);
        const ref = runPace(yacePath, xyzPath);
        const frames = parseExtXyz(xyzText);

        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        const errors: string[] = [];
        page.on('pageerror', e => errors.push(String(e)));
        page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
        await page.goto(inject('baseUrl'), { waitUntil: 'load', timeout: 240_000 });
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 400_000 });
        await page.evaluate(async ([m, text]) => {
            const a = (window as any).acelens;
            for (const id of a.store.models.value.map((x: any) => x.id)) a.store.removeModel(id);
            a.store.addModel(m, 'K=2 acelens');
            await a.loadText(text, 'pace-load-frames.xyz');
        }, [acelensModel, xyzText] as const);
        const rows = page.locator('[data-model-id]');
        await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(1);
        const upload = page.locator('[data-testid=acelens-model-upload]');

        // a malformed file: one line naming the field, the model list unchanged
        await upload.setInputFiles(badPath, { timeout: 180_000 });
        const message = page.locator('text=/elements/');
        await expect.poll(() => message.count(), { timeout: 60_000 }).toBeGreaterThan(0);
        const text = (await message.first().textContent())!;
        expect(text).not.toMatch(/\n/);
        expect(text).toMatch(/Si/);
        expect(await rows.count()).toBe(1);

        // the real file
        await upload.setInputFiles(yacePath, { timeout: 180_000 });
        await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2);
        await expect.poll(() => page.locator('[data-testid=acelens-pace-info]').textContent(), { timeout: 60_000 }).toMatch(/non-linear/);
        expect(await rows.nth(1).textContent()).toMatch(/PACE/);

        // energy parity plot of the active (PACE) model: the model's energies per atom are ML-PACE's
        const plotted = async () => page.evaluate(() => {
            const d = document.querySelector('[data-testid=acelens-plot-energy]') as any;
            const y: number[] = [], frame: number[] = [];
            for (const t of d?.data ?? []) if (t.customdata && t.y) (t.y as number[]).forEach((v, i) => { y.push(v); frame.push(Number(t.customdata[i])); });
            return y.length ? { y, frame } : null;
        });
        // (the acelens model's plot is there first: wait for the PACE potential's, up to the time its predictions take)
        const parityError = async () => {
            const got = await plotted();
            if (!got || got.y.length !== frames.length) return Infinity;
            let d = 0;
            got.frame.forEach((k, i) => {
                const f = frames[k];
                const expected = (ref[k].energy - f.natoms * pot.e0) / f.natoms;
                d = Math.max(d, Math.abs(got.y[i] - expected) / Math.max(1, Math.abs(expected)));
            });
            return d;
        };
        await expect.poll(parityError, { timeout: 300_000, interval: 2000 }).toBeLessThanOrEqual(1e-8);
        const dE = await parityError();
        console.log(`parity plot vs ML-PACE: ${frames.length} structures, max relative ΔE/atom ${dE.toExponential(2)}`);
        expect(dE).toBeLessThanOrEqual(1e-8);

        // worst atoms: ML-PACE's largest |F_model − F_DFT|
        let worst = { frame: -1, atom: -1, err: -1 };
        frames.forEach((f, k) => {
            for (let i = 0; i < f.natoms; i++) {
                let sq = 0;
                for (let a = 0; a < 3; a++) sq += (ref[k].forces[3 * i + a] - f.forces![3 * i + a]) ** 2;
                if (Math.sqrt(sq) > worst.err) worst = { frame: k, atom: i, err: Math.sqrt(sq) };
            }
        });
        const firstRow = page.locator('[data-testid=acelens-selection-table] tbody tr').first();
        await expect.poll(() => firstRow.count(), { timeout: 60_000 }).toBe(1);
        const cells = await firstRow.locator('td').allTextContents();
        expect(Number(cells[0])).toBe(worst.frame);
        expect(Number(cells[1])).toBe(worst.atom);
        expect(Number(cells[3])).toBeCloseTo(worst.err, 3);

        // C₂ dimer panel: the potential's curve is drawn; asked to decompose it, the panel says why it cannot
        const decompose = page.locator('[data-testid=acelens-dimer-decompose]');
        const paceId = await page.evaluate(() => (window as any).acelens.store.models.value.find((x: any) => x.pace)?.id);
        await decompose.selectOption(paceId, { timeout: 120_000 });
        await expect.poll(() => page.locator('[data-testid=acelens-dimer-no-split]').textContent(), { timeout: 120_000 }).toMatch(/pace-load-nonlinear: no body-order split/);

        // what the user sees at 1600×1000: the model list with the potential and its summary, then the plots
        await page.locator('[data-model-id]').first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(OutputDir, 'models-panel-pace-load.png'), timeout: 120_000 });
        expect(await page.locator('[data-testid=acelens-pace-info]').isVisible()).toBe(true);

        // persisted: after a reload the potential is still listed and evaluable
        await page.reload({ waitUntil: 'load', timeout: 240_000 });
        await page.waitForFunction(() => (window as any).acelens?.ready === true, undefined, { timeout: 180_000 });
        await expect.poll(() => page.locator('[data-model-id]').count(), { timeout: 60_000 }).toBe(2);
        const restored = await page.evaluate(() => {
            const s = (window as any).acelens.store;
            const m = s.models.value.find((x: any) => x.pace);
            return m ? { name: m.name, order: s.engine(m).order, note: s.bodyOrderNote(m) } : null;
        });
        expect(restored?.order).toBe(pot.rankmax + 1);
        expect(restored?.note).toMatch(/non-linear/);
        expect(errors.filter(e => !/favicon|Failed to load resource|GPU stall|ReadPixels/i.test(e))).toEqual([]);
    }, 900_000);
});
