/**
 * The embedded files are located from the package (not from the host page's root), every file of
 * manifest.json is reachable, and a failed fetch or an HTML page served in place of a data file is a clear error.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { AcelensManifest } from '../../plugin/manifest';
import { assetFileUrl, checkAssetResponse, EmbeddedFiles, setAssetBaseUrl } from '../../plugin/assets';

const root = join(import.meta.dirname, '..', '..');

describe('embedded files', () => {
    it('every asset and provenance file of manifest.json resolves, from the module, to the file itself', () => {
        const files = AcelensManifest.assets.flatMap(a => [a.file, a.provenance]);
        expect(Object.keys(EmbeddedFiles).sort()).toEqual([...files].sort());
        for (const file of files) {
            const url = assetFileUrl(file);
            expect(url.startsWith('file:')).toBe(true);
            const path = fileURLToPath(url);
            expect(path).toBe(join(root, file));
            expect(existsSync(path)).toBe(true);
        }
    });

    it('AcelensConfig.AssetBaseUrl moves every file under the given base', () => {
        try {
            setAssetBaseUrl('https://example.org/static/acelens');
            expect(assetFileUrl('assets/carbon-diverse.xyz')).toBe('https://example.org/static/acelens/carbon-diverse.xyz');
            setAssetBaseUrl('https://example.org/data/');
            expect(assetFileUrl('assets/c2-dimers.provenance.json')).toBe('https://example.org/data/c2-dimers.provenance.json');
        } finally {
            setAssetBaseUrl(undefined);
        }
        expect(assetFileUrl('assets/carbon-diverse.xyz')).toBe(EmbeddedFiles['assets/carbon-diverse.xyz']().href);
        expect(() => assetFileUrl('assets/nope.xyz')).toThrow(/not one of the package's embedded files/);
    });

    it('a 404 or an HTML page in place of the data is an error that names the file, the URL and the fix', () => {
        const xyz = readFileSync(join(root, 'assets/c2-dimers.xyz'), 'utf8');
        expect(checkAssetResponse('assets/c2-dimers.xyz', 'http://h/x.xyz', 200, 'application/octet-stream', xyz)).toBe(xyz);
        expect(() => checkAssetResponse('assets/c2-dimers.xyz', 'http://h/x.xyz', 404, 'text/plain', 'Not found'))
            .toThrow(/assets\/c2-dimers\.xyz could not be loaded from http:\/\/h\/x\.xyz \(HTTP 404\).*AssetBaseUrl/);
        const page = '<!DOCTYPE html>\n<html><head><title>host</title></head><body><div id="app"></div></body></html>';
        expect(() => checkAssetResponse('assets/c2-dimers.xyz', 'http://h/x.xyz', 200, 'text/html; charset=utf-8', page))
            .toThrow(/answered with an HTML page, not the file/);
        // a server that labels its index.html as something else is caught by the content
        expect(() => checkAssetResponse('assets/c2-dimers.xyz', 'http://h/x.xyz', 200, null, '  ' + page))
            .toThrow(/HTML page/);
    });
});
