/**
 * One version source: package.json. The command line (compiled lib/, no TypeScript loader), the model files'
 * "software" field and the plugin manifest all report it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SOFTWARE } from '../../src/model/model';
import { ACELENS_VERSION } from '../../src/version';
import { cliInScratchFolder } from './run-cli';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

describe('version', () => {
    it('acelens --version, the model files and the engine report package.json\'s version', () => {
        const cli = cliInScratchFolder('acelens-version-');
        const r = cli.run(['--version']);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(`acelens ${pkg.version}\n`);
        expect(r.stderr).toBe('');
        expect(ACELENS_VERSION).toBe(pkg.version);
        expect(SOFTWARE).toBe(`acelens ${pkg.version}`);
    });

    it('the built library carries the version from package.json, not a copy of the file', () => {
        const built = readFileSync(join(root, 'lib', 'package.json.js'), 'utf8');
        expect(built).toContain(`"version": "${pkg.version}"`);
        expect(built).not.toContain('"devDependencies"');
    });

    it('the compiled command line finds the package\'s assets/ and bin/ (lib/src/cli is one folder deeper than src/cli)', async () => {
        const { defaultAssetsDir } = await import(pathToFileURL(join(root, 'lib', 'src', 'cli', 'commands', 'reproduce-run.js')).href);
        expect(defaultAssetsDir()).toBe(join(root, 'assets'));
    });
});
