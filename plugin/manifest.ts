/**
 * The plugin manifest (manifest.json at the repository root), typed and checked.
 * One source of truth: registration (plugin/index.ts) reads the panels, themes, formats and assets from here.
 * The version is package.json's (src/version.ts), not repeated in manifest.json.
 */
import manifestJson from '../manifest.json';
import { ACELENS_VERSION } from '../src/version';

export interface ManifestEntry { id: string; name: string; module: string }
export interface FormatEntry extends ManifestEntry { extensions: string[] }
export interface AssetEntry {
    id: string;
    name: string;
    kind: 'dataset' | 'dimer-curve';
    /** path relative to the repository root, e.g. assets/carbon-diverse.xyz */
    file: string;
    provenance: string;
    /** loaded when the viewer starts */
    default?: boolean;
}
export interface AcelensManifestFile {
    id: string;
    name: string;
    description: string;
    entry: string;
    /** semver range of Mol* versions supported */
    molstar: string;
    panels: ManifestEntry[];
    themes: ManifestEntry[];
    formats: FormatEntry[];
    assets: AssetEntry[];
}
export interface AcelensManifest extends AcelensManifestFile {
    /** package.json's version */
    version: string;
}

export function checkManifest(m: unknown): AcelensManifestFile {
    const fail = (what: string): never => { throw new Error(`manifest.json: ${what}`); };
    if (!m || typeof m !== 'object') fail('not an object');
    const o = m as Record<string, unknown>;
    if ('version' in o) fail('"version" is package.json\'s; remove it from manifest.json');
    for (const key of ['id', 'name', 'description', 'entry', 'molstar']) {
        if (typeof o[key] !== 'string' || !(o[key] as string).length) fail(`"${key}" must be a non-empty string`);
    }
    for (const key of ['panels', 'themes', 'formats', 'assets']) {
        if (!Array.isArray(o[key])) fail(`"${key}" must be an array`);
    }
    const ids = new Set<string>();
    for (const key of ['panels', 'themes', 'formats', 'assets']) {
        for (const e of o[key] as Record<string, unknown>[]) {
            if (typeof e.id !== 'string') fail(`an entry of "${key}" has no id`);
            if (ids.has(e.id as string)) fail(`duplicate id "${e.id}"`);
            ids.add(e.id as string);
            if (key === 'assets') {
                if (typeof e.file !== 'string' || typeof e.provenance !== 'string') fail(`asset "${e.id}" needs "file" and "provenance"`);
                if (e.kind !== 'dataset' && e.kind !== 'dimer-curve') fail(`asset "${e.id}" has unknown kind "${e.kind}"`);
            } else if (typeof e.module !== 'string') fail(`${key} entry "${e.id}" needs "module"`);
        }
    }
    return o as unknown as AcelensManifestFile;
}

export const AcelensManifest: AcelensManifest = { ...checkManifest(manifestJson), version: ACELENS_VERSION };
