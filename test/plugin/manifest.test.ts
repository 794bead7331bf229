import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcelensManifest, checkManifest } from '../../plugin/manifest';

const root = join(import.meta.dirname, '..', '..');
const manifest = checkManifest(JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('manifest.json', () => {
    it('agrees with package.json and names an existing entry module', () => {
        expect(manifest.id).toBe(pkg.name);
        // one version source: package.json (manifest.json carries none)
        expect('version' in manifest).toBe(false);
        expect(AcelensManifest.version).toBe(pkg.version);
        expect(existsSync(join(root, manifest.entry))).toBe(true);
    });

    it('names a Mol* range that contains the installed Mol*', () => {
        const installed = JSON.parse(readFileSync(join(root, 'node_modules/molstar/package.json'), 'utf8')).version as string;
        const major = Number(installed.split('.')[0]);
        const m = /^>=(\d+)\.(\d+)\.(\d+) <(\d+)\.0\.0$/.exec(manifest.molstar);
        expect(m, `molstar range "${manifest.molstar}" has the form ">=X.Y.Z <W.0.0"`).not.toBeNull();
        expect(major).toBeGreaterThanOrEqual(Number(m![1]));
        expect(major).toBeLessThan(Number(m![4]));
    });

    it('lists modules that exist, and every asset with its provenance', () => {
        for (const e of [...manifest.panels, ...manifest.themes, ...manifest.formats]) {
            expect(existsSync(join(root, e.module)), `${e.id}: ${e.module}`).toBe(true);
        }
        for (const a of manifest.assets) {
            expect(existsSync(join(root, a.file)), `${a.id}: ${a.file}`).toBe(true);
            expect(existsSync(join(root, a.provenance)), `${a.id}: ${a.provenance}`).toBe(true);
        }
        expect(manifest.assets.filter(a => a.default).length).toBe(1);
    });

    it('has an implementation for every entry and no implementation missing from it', async () => {
        const registry = await import('../../plugin/registry');
        expect(Object.keys(registry.PanelImplementations).sort()).toEqual(manifest.panels.map(p => p.id).sort());
        expect(Object.keys(registry.ThemeImplementations).sort()).toEqual(manifest.themes.map(p => p.id).sort());
        expect(Object.keys(registry.FormatImplementations).sort()).toEqual(manifest.formats.map(p => p.id).sort());
        for (const f of manifest.formats) {
            const provider = registry.FormatImplementations[f.id];
            expect([...(provider.stringExtensions ?? []), ...(provider.binaryExtensions ?? [])].sort()).toEqual([...f.extensions].sort());
        }
    });

    it('rejects a manifest with a duplicate id or a missing field', () => {
        expect(() => checkManifest({ ...manifest, panels: [...manifest.panels, manifest.panels[0]] })).toThrow(/duplicate id/);
        const { name: _, ...noName } = manifest;
        expect(() => checkManifest(noName)).toThrow(/"name"/);
        expect(() => checkManifest({ ...manifest, version: '9.9.9' })).toThrow(/package\.json/);
    });
});
