/**
 * acelens as a Mol* plugin behaviour. `register()` reads manifest.json and adds what it lists: data formats
 * (in place of Mol*'s own XYZ reader: every .xyz/.extxyz is read by acelens' strict reader), colour themes and
 * panels (each inside an error boundary).
 *
 * Use: add `PluginSpec.Behavior(AcelensPlugin)` to a Mol* plugin spec (see plugin/app/main.ts); a host app
 * may set `AcelensConfig.AssetBaseUrl` in the spec's config (plugin/config.ts).
 */
import { PluginBehavior } from 'molstar/lib/mol-plugin/behavior/behavior';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { DataFormatProvider } from 'molstar/lib/mol-plugin-state/formats/provider';
import { AcelensManifest } from './manifest';
import { FormatImplementations, PanelImplementations, ThemeImplementations } from './registry';
import { atomLabelProvider } from './atom-label';
import { withErrorBoundary } from './error-boundary';
import { setAssetBaseUrl } from './assets';
import { AcelensConfig } from './config';
import { disposePredictionWorker, predictionsProvider } from './props/predictions';
import { prepareSelectionHighlight } from './workspace/linking';
import { initRenderQuality, renderQuality } from './render-quality';

function lookup<T>(table: Record<string, T>, kind: string, id: string): T {
    const impl = table[id];
    if (!impl) throw new Error(`acelens: manifest.json lists ${kind} "${id}" but the plugin has no implementation for it`);
    return impl;
}

export function registerAcelens(ctx: PluginContext) {
    const m = AcelensManifest;
    setAssetBaseUrl(ctx.config.get(AcelensConfig.AssetBaseUrl));
    // every .xyz goes through acelens' strict reader (plain XYZ included): Mol*'s own XYZ reader is set aside while
    // acelens is registered (it drew a frame announcing 3 atoms with 2, and threw a TypeError on binary garbage)
    const builtinXyz = ctx.dataFormats.list.find(e => e.name === 'xyz');
    if (builtinXyz) { ctx.dataFormats.remove('xyz'); builtinFormats.set(ctx, builtinXyz.provider); }
    for (const f of m.formats) ctx.dataFormats.add(f.id, lookup(FormatImplementations, 'format', f.id));
    // a model's predictions as a Mol* custom model property (attached by the model properties node of each frame)
    ctx.customModelProperties.register(predictionsProvider(ctx), false);
    for (const t of m.themes) ctx.representation.structure.themes.colorThemeRegistry.add(lookup(ThemeImplementations, 'theme', t.id)(ctx));
    // every panel inside an error boundary: a panel that throws shows its error, the viewer stays alive
    for (const p of m.panels) ctx.customStructureControls.set(p.id, withErrorBoundary(lookup(PanelImplementations, 'panel', p.id), p.name));
    const label = atomLabelProvider(ctx);
    labelProviders.set(ctx, label);
    // the first selection in 3D is not the one that waits for the selection outline's shaders
    ctx.canvas3dInitialized.then(() => { if (labelProviders.get(ctx) === label) highlightWarmers.set(ctx, prepareSelectionHighlight(ctx)); }).catch(() => {});
    ctx.managers.lociLabels.addProvider(label);
    // software WebGL (SwiftShader, llvmpipe, …): Mol*'s costly passes off, said in the 3D view (./render-quality.ts)
    initRenderQuality(ctx);
}

const labelProviders = new WeakMap<PluginContext, ReturnType<typeof atomLabelProvider>>();
const highlightWarmers = new WeakMap<PluginContext, () => void>();
const builtinFormats = new WeakMap<PluginContext, DataFormatProvider>();

export function unregisterAcelens(ctx: PluginContext) {
    const m = AcelensManifest;
    for (const f of m.formats) ctx.dataFormats.remove(f.id);
    const builtinXyz = builtinFormats.get(ctx);
    if (builtinXyz) ctx.dataFormats.add('xyz', builtinXyz);
    for (const t of m.themes) {
        const provider = ctx.representation.structure.themes.colorThemeRegistry.get(t.id);
        if (provider) ctx.representation.structure.themes.colorThemeRegistry.remove(provider);
    }
    for (const p of m.panels) ctx.customStructureControls.delete(p.id);
    ctx.customModelProperties.unregister(predictionsProvider(ctx).descriptor.name);
    disposePredictionWorker(ctx);
    const label = labelProviders.get(ctx);
    if (label) ctx.managers.lociLabels.removeProvider(label);
    labelProviders.delete(ctx);
    highlightWarmers.get(ctx)?.();
    highlightWarmers.delete(ctx);
    renderQuality(ctx).restore();
}

export const AcelensPlugin = PluginBehavior.create({
    name: AcelensManifest.id,
    category: 'misc',
    display: { name: AcelensManifest.name, description: AcelensManifest.description },
    ctor: class extends PluginBehavior.Handler {
        register() { registerAcelens(this.ctx); }
        unregister() { unregisterAcelens(this.ctx); }
    },
});

export { AcelensManifest, AcelensConfig };
export { acelensUISpec } from './workspace/ui-spec';
export { AcelensWorkspace } from './workspace/workspace';
export { AcelensStructureTools } from './workspace/structure-tools';
