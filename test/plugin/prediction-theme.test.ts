/**
 * The Mol* side of per-atom quantities (issue 18 item 4, issue 20 item 4), in Node with real Mol* models built by
 * the extended XYZ reader: the DFT labels as a format property; a model's predictions as a custom model property
 * whose parameter is the model; colour themes that are pure functions of their parameters and the attached
 * property (no global state read while colouring); the posterior σ themes of a Bayesian fit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { Structure, StructureElement, type Model, type Trajectory } from 'molstar/lib/mol-model/structure';
import { Task } from 'molstar/lib/mol-task';
import { SyncRuntimeContext } from 'molstar/lib/mol-task/execution/synchronous';
import { AssetManager } from 'molstar/lib/mol-util/assets';
import { ColorScale } from 'molstar/lib/mol-util/color';
import { parseExtXyz } from '../../src/io/extxyz';
import { fitModel } from '../../src/fit/fit';
import { defaultSpec } from '../../src/ace/spec';
import { Model as AceModel } from '../../src/model/model';
import { trajectoryFromFrames } from '../../plugin/formats/extxyz';
import { AcelensFrameDataProvider, dftLabels, getFrameData } from '../../plugin/props/frame-data';
import { predictionsProvider } from '../../plugin/props/predictions';
import { atomQuantityThemeProvider, NoValueColor, quantityColouring } from '../../plugin/themes/atom-quantity';
import { EnergyUncertainty, ForceError, ForceUncertainty } from '../../plugin/themes/quantities';
import { acelensStore, type StoredModel } from '../../plugin/store';

const frames = parseExtXyz(readFileSync('assets/carbon-diverse.xyz', 'utf8'), { fileName: 'carbon-diverse.xyz' });
const ctx = { runtime: SyncRuntimeContext, assetManager: new AssetManager() };

async function frameModel(trajectory: Trajectory, i: number): Promise<Model> {
    const m = trajectory.getFrameAtIndex(i);
    return Task.is(m) ? await m.run() : m;
}

/** Colour of every atom of a structure under a theme. */
function colours(theme: { color: (l: StructureElement.Location) => number }, structure: Structure) {
    const out: number[] = [];
    const l = StructureElement.Location.create(structure);
    for (const unit of structure.units) {
        l.unit = unit;
        for (let k = 0; k < unit.elements.length; k++) { l.element = unit.elements[k]; out.push(theme.color(l)); }
    }
    return out;
}

describe('acelens Mol* properties and themes', () => {
    const plugin = {} as PluginContext; // the store and the providers are keyed by the plugin instance
    let trajectory: Trajectory;
    let bayes: StoredModel, ridge: StoredModel;
    const k = 5; // a frame with DFT forces and more than two atoms

    beforeAll(async () => {
        trajectory = await trajectoryFromFrames({ name: 'carbon-diverse.xyz', frames }).run();
        const train = frames.slice(0, 40);
        const blr = await fitModel(train, { spec: defaultSpec(2), seed: 1 });
        const lam = await fitModel(train, { spec: defaultSpec(2), lambda: 1e-6, seed: 1 });
        expect(blr.model.uncertainty, 'the default solver (Bayesian) stores the posterior').toBeDefined();
        expect(lam.model.uncertainty).toBeUndefined();
        const store = acelensStore(plugin);
        bayes = store.addModel(blr.model, 'bayes');
        ridge = store.addModel(lam.model, 'ridge');
    }, 120_000);

    it('DFT labels: a format property of every frame model, as the file has them', async () => {
        for (const i of [0, k, frames.length - 1]) {
            const model = await frameModel(trajectory, i);
            expect(AcelensFrameDataProvider.get(model)?.index).toBe(i);
            expect(getFrameData(model)?.dataset.frames[i]).toBe(frames[i]);
            const labels = dftLabels(model)!;
            expect(labels.energy).toBe(frames[i].energy);
            expect(labels.configType).toBe(frames[i].configType);
            expect(Array.from(labels.forces ?? [])).toEqual(Array.from(frames[i].forces ?? []));
        }
    });

    it('predictions: a custom model property whose parameter is the model; the themes colour from it alone', async () => {
        const store = acelensStore(plugin);
        const provider = predictionsProvider(plugin);
        const model = await frameModel(trajectory, k);
        const frame = frames[k];
        // computed in the worker in the app; here the cache is filled on the main thread (Node has no Worker)
        store.predict(ridge, frame);
        await provider.attach(ctx, model, { model: ridge.id, scope: 'frame' });
        expect(provider.get(model).value?.model.id).toBe(ridge.id);
        expect(provider.props(model).model).toBe(ridge.id);

        const theme = atomQuantityThemeProvider(plugin, ForceError);
        const params = theme.getParams({} as any) as any;
        expect(params.model.options.map((o: [string, string]) => o[0])).toEqual([bayes.id, ridge.id]);
        const structure = Structure.ofModel(model);
        const props = { ...theme.defaultValues, model: ridge.id, range: 'minmax', scope: 'frame' };
        const t = theme.factory({ structure }, props);
        const got = colours(t as any, structure);
        // the colours are the force errors of that model on the palette over their min–max
        const err = new AceModel(ridge.file!).predict(frame).forces!;
        const e = Array.from({ length: frame.natoms }, (_, i) => Math.hypot(err[3 * i] - frame.forces![3 * i], err[3 * i + 1] - frame.forces![3 * i + 1], err[3 * i + 2] - frame.forces![3 * i + 2]));
        const scale = ColorScale.create({ domain: [Math.min(...e), Math.max(...e)], listOrName: ForceError.colours });
        expect(got).toEqual(e.map(x => scale.color(x)));
        expect(new Set(got).size).toBeGreaterThan(1);

        // pure: the store's active model and its cache do not enter; the same parameters give the same colours
        store.setActive(bayes.id);
        expect(colours(theme.factory({ structure }, props) as any, structure)).toEqual(got);
        // a model whose predictions are not attached: grey, and the legend function says why
        const other = { ...props, model: bayes.id };
        expect(new Set(colours(theme.factory({ structure }, other) as any, structure))).toEqual(new Set([NoValueColor]));
        expect(quantityColouring(provider, ForceError, structure, other).missing).toMatch(/not attached/);
        // the property follows its parameter: attaching the other model replaces the values
        store.predict(bayes, frame);
        await provider.attach(ctx, model, { model: bayes.id, scope: 'frame' });
        expect(provider.get(model).value?.model.id).toBe(bayes.id);
        expect(new Set(colours(theme.factory({ structure }, props) as any, structure))).toEqual(new Set([NoValueColor]));
        expect(new Set(colours(theme.factory({ structure }, other) as any, structure)).size).toBeGreaterThan(1);
    });

    it('uncertainty themes: the posterior σ of a Bayesian fit; grey with the reason for a model without posterior', async () => {
        const store = acelensStore(plugin);
        const provider = predictionsProvider(plugin);
        const model = await frameModel(trajectory, k);
        const frame = frames[k];
        store.predict(bayes, frame);
        await provider.attach(ctx, model, { model: bayes.id, scope: 'frame' });
        const structure = Structure.ofModel(model);
        const sigma = new AceModel(bayes.file!).uncertainty(frame)!;
        for (const [q, want] of [[EnergyUncertainty, sigma.perAtomEnergy], [ForceUncertainty, sigma.perAtomForce]] as const) {
            const c = quantityColouring(provider, q, structure, { model: bayes.id, range: 'minmax', scope: 'frame', min: 0, max: 1 });
            expect(c.missing).toBeUndefined();
            const v = c.perModel.get(model.id)!;
            expect(v.length).toBe(frame.natoms);
            for (let i = 0; i < frame.natoms; i++) {
                expect(v[i]).toBeGreaterThan(0);
                expect(v[i]).toBeCloseTo(want[i], 12);
            }
            expect(c.range.min).toBeCloseTo(Math.min(...want), 12);
            expect(c.range.max).toBeCloseTo(Math.max(...want), 12);
        }
        store.predict(ridge, frame);
        await provider.attach(ctx, model, { model: ridge.id, scope: 'frame' });
        const none = quantityColouring(provider, ForceUncertainty, structure, { model: ridge.id, range: 'robust', scope: 'frame', min: 0, max: 1 });
        expect(none.missing).toMatch(/ridge has no posterior/);
        expect(none.pooled.length).toBe(0);
    });

    it('scope "dataset": the range pools every frame the property carries', async () => {
        const store = acelensStore(plugin);
        const provider = predictionsProvider(plugin);
        const model = await frameModel(trajectory, k);
        for (const f of frames) store.predict(ridge, f); // all cached: predictAll resolves at once
        await provider.attach(ctx, model, { model: ridge.id, scope: 'dataset' });
        const structure = Structure.ofModel(model);
        const all = quantityColouring(provider, ForceError, structure, { model: ridge.id, range: 'minmax', scope: 'dataset', min: 0, max: 1 });
        const one = quantityColouring(provider, ForceError, structure, { model: ridge.id, range: 'minmax', scope: 'frame', min: 0, max: 1 });
        expect(all.scopeFallback).toBe(false);
        const n = frames.filter(f => f.forces).reduce((s, f) => s + f.natoms, 0);
        expect(all.pooled.filter(Number.isFinite).length).toBe(n);
        expect(one.pooled.length).toBe(frames[k].natoms);
        expect(all.range.max).toBeGreaterThanOrEqual(one.range.max);
        // the dataset's values are gathered and sorted once (a memo of the cached predictions): the same array again,
        // equal to every frame's |ΔF| sorted, and the range its ends
        const again = quantityColouring(provider, ForceError, structure, { model: ridge.id, range: 'robust', scope: 'dataset', min: 0, max: 1 });
        expect(again.pooled).toBe(all.pooled);
        const expected = Float64Array.from(frames.flatMap(f => f.forces ? Array.from(ForceError.values(all.model!, store.predict(ridge, f), {})!) : [])).sort();
        expect(Array.from(all.pooled)).toEqual(Array.from(expected));
        expect(all.range.min).toBe(expected[0]);
        expect(all.range.max).toBe(expected[expected.length - 1]);
    });
});
