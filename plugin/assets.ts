/**
 * Loading the embedded assets (manifest.json "assets") and user files into Mol* as extended XYZ trajectories.
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { StateObjectRef, StateTransform } from 'molstar/lib/mol-state';
import { AcelensManifest, type AssetEntry } from './manifest';
import { ExtXyzFormatProvider } from './formats/extxyz';

/** Where the app serves the repository's assets/ folder (Vite serves the project root in development). */
export function assetUrl(asset: AssetEntry): string {
    const base = (import.meta as any).env?.BASE_URL ?? '/';
    return `${base}${asset.file}`;
}

export function findAsset(id: string): AssetEntry {
    const asset = AcelensManifest.assets.find(a => a.id === id);
    if (!asset) throw new Error(`acelens: no asset "${id}" in manifest.json`);
    return asset;
}

export async function fetchAssetText(asset: AssetEntry): Promise<string> {
    const response = await fetch(assetUrl(asset));
    if (!response.ok) throw new Error(`acelens: asset ${asset.file} could not be loaded (HTTP ${response.status})`);
    return response.text();
}

/** Parses extended XYZ text into a trajectory and draws its first frame with the unit cell. */
export async function loadExtXyzText(plugin: PluginContext, text: string, name: string) {
    const data = await plugin.builders.data.rawData({ data: text, label: name });
    const parsed = await ExtXyzFormatProvider.parse(plugin, data, { name });
    const cell = StateObjectRef.resolve(plugin.state.data, parsed.trajectory);
    if (!cell?.obj || cell.status !== 'ok') {
        // the reader's message names the file, frame and line; the failed nodes go, what was loaded before stays
        const reason = cell?.errorText?.replace(/^Error:\s*/, '') ?? `${name}: the file could not be read`;
        await plugin.build().delete(data.ref).commit();
        throw new Error(reason.includes(name) ? reason : `${name}: ${reason}`);
    }
    await ExtXyzFormatProvider.visuals!(plugin, parsed);
    return parsed;
}

export async function loadAsset(plugin: PluginContext, id: string) {
    const asset = findAsset(id);
    const text = await fetchAssetText(asset);
    return loadExtXyzText(plugin, text, asset.file.split('/').pop()!);
}

/**
 * Loads a dataset in place of what is shown: the new one is read and drawn first, the old one removed only then.
 * When the new file is refused, the error (file, line, frame) is thrown and the old dataset stays, untouched.
 */
export async function replaceWithExtXyzText(plugin: PluginContext, text: string, name: string) {
    const before = [...plugin.state.data.tree.children.get(StateTransform.RootRef).values()];
    const parsed = await loadExtXyzText(plugin, text, name);
    if (before.length > 0) {
        const b = plugin.build();
        for (const ref of before) b.delete(ref);
        await b.commit();
    }
    return parsed;
}

/** An embedded dataset in place of what is shown (see replaceWithExtXyzText). */
export async function replaceWithAsset(plugin: PluginContext, id: string) {
    const asset = findAsset(id);
    const text = await fetchAssetText(asset);
    return replaceWithExtXyzText(plugin, text, asset.file.split('/').pop()!);
}

export function defaultAsset(): AssetEntry | undefined {
    return AcelensManifest.assets.find(a => a.default);
}
