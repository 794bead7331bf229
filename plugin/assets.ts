/**
 * Loading the embedded assets (manifest.json "assets") and user files into Mol* as extended XYZ trajectories.
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { StateObjectRef, StateTransform } from 'molstar/lib/mol-state';
import { AcelensManifest, type AssetEntry } from './manifest';
import { Asset } from 'molstar/lib/mol-util/assets';
import { ExtXyzFormatProvider, TrajectoryFromExtXyzFile } from './formats/extxyz';

/**
 * The embedded files, located from this module: `new URL(path, import.meta.url)` with literal
 * paths is what bundlers (Vite, webpack 5, Rollup, esbuild) recognise and emit, in this repository's app and
 * in a host app that installs acelens (the library build keeps each path pointing at the package's assets/).
 * Every asset and provenance file of manifest.json has an entry (test/plugin/assets.test.ts checks).
 */
export const EmbeddedFiles: Record<string, () => URL> = {
    'assets/carbon-diverse.xyz': () => new URL('../assets/carbon-diverse.xyz', import.meta.url),
    'assets/carbon-diverse.provenance.json': () => new URL('../assets/carbon-diverse.provenance.json', import.meta.url),
    'assets/carbon-narrow.xyz': () => new URL('../assets/carbon-narrow.xyz', import.meta.url),
    'assets/carbon-narrow.provenance.json': () => new URL('../assets/carbon-narrow.provenance.json', import.meta.url),
    'assets/c2-dimers.xyz': () => new URL('../assets/c2-dimers.xyz', import.meta.url),
    'assets/c2-dimers.provenance.json': () => new URL('../assets/c2-dimers.provenance.json', import.meta.url),
    'assets/c2-dimer-curve.xyz': () => new URL('../assets/c2-dimer-curve.xyz', import.meta.url),
    'assets/c2-dimer-curve.provenance.json': () => new URL('../assets/c2-dimer-curve.provenance.json', import.meta.url),
};

/** Set from `AcelensConfig.AssetBaseUrl` when the plugin registers (plugin/index.ts); undefined: the package's own files. */
let assetBaseUrl: string | undefined;

export function setAssetBaseUrl(base: string | undefined) {
    assetBaseUrl = base || undefined;
}

/** The URL of an embedded file, `file` as manifest.json names it (assets/…). */
export function assetFileUrl(file: string): string {
    if (assetBaseUrl) {
        const base = assetBaseUrl.endsWith('/') ? assetBaseUrl : assetBaseUrl + '/';
        const here = typeof location !== 'undefined' ? location.href : undefined;
        return new URL(file.replace(/^assets\//, ''), new URL(base, here)).href;
    }
    const embedded = EmbeddedFiles[file];
    if (!embedded) throw new Error(`acelens: ${file} is not one of the package's embedded files`);
    return embedded().href;
}

/** Where the embedded data file of an asset is served. */
export function assetUrl(asset: AssetEntry): string {
    return assetFileUrl(asset.file);
}

export function findAsset(id: string): AssetEntry {
    const asset = AcelensManifest.assets.find(a => a.id === id);
    if (!asset) throw new Error(`acelens: no asset "${id}" in manifest.json`);
    return asset;
}

/**
 * Checks a fetched embedded file: a failed request, or an HTML page where data was expected (a host app's
 * single-page fallback answers a missing file with its index.html and HTTP 200), is an error that says
 * where acelens looked and how to point it at the files.
 */
export function checkAssetResponse(file: string, url: string, status: number, contentType: string | null, text: string): string {
    const fix = 'serve the acelens package\'s assets/ folder (a bundler that handles `new URL(…, import.meta.url)` does this), or set AcelensConfig.AssetBaseUrl to where they are served';
    if (status < 200 || status >= 300) throw new Error(`acelens: embedded file ${file} could not be loaded from ${url} (HTTP ${status}); ${fix}`);
    const head = text.slice(0, 512).trimStart().toLowerCase();
    if (/text\/html/i.test(contentType ?? '') || head.startsWith('<!doctype') || head.startsWith('<html')) {
        throw new Error(`acelens: embedded file ${file} could not be loaded from ${url}: the server answered with an HTML page, not the file; ${fix}`);
    }
    return text;
}

export async function fetchAssetText(asset: AssetEntry): Promise<string> {
    const url = assetUrl(asset);
    let response: Response;
    try {
        response = await fetch(url);
    } catch (e) {
        throw new Error(`acelens: embedded file ${asset.file} could not be fetched from ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return checkAssetResponse(asset.file, url, response.status, response.headers.get('content-type'), await response.text());
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

/**
 * Reads a file from disk into a trajectory (in a web worker, streamed from the File: the text is never whole on
 * the main thread) and draws its first frame with the unit cell. A refused file throws its reader error (file,
 * line, frame) and leaves nothing behind.
 */
export async function loadExtXyzFile(plugin: PluginContext, file: File) {
    const build = plugin.state.data.build().toRoot().apply(TrajectoryFromExtXyzFile, { file: Asset.File(file) });
    const ref = build.ref;
    try {
        await build.commit();
    } catch { /* the cell's error is read below */ }
    const cell = plugin.state.data.cells.get(ref);
    if (!cell?.obj || cell.status !== 'ok') {
        const reason = cell?.errorText?.replace(/^\w*Error:\s*/, '') ?? `${file.name}: the file could not be read`;
        if (cell) await plugin.build().delete(ref).commit();
        throw new Error(reason.includes(file.name) ? reason : `${file.name}: ${reason}`);
    }
    const parsed = { trajectory: cell.transform.ref };
    await ExtXyzFormatProvider.visuals!(plugin, parsed as any);
    return parsed;
}

/** A file from disk in place of what is shown (see replaceWithExtXyzText). */
export async function replaceWithExtXyzFile(plugin: PluginContext, file: File) {
    const before = [...plugin.state.data.tree.children.get(StateTransform.RootRef).values()];
    const parsed = await loadExtXyzFile(plugin, file);
    if (before.length > 0) {
        const b = plugin.build();
        for (const ref of before) b.delete(ref);
        await b.commit();
    }
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
