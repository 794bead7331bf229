/**
 * vitest global setup: rebuilds lib/ (JavaScript only, ≈1 s) from the sources, so that tests which spawn the
 * real command line (bin/acelens.mjs runs lib/) always run the code under test.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup() {
    const root = join(import.meta.dirname, '..');
    execFileSync(process.execPath, [join(root, 'tools', 'build-lib.mjs')], { cwd: root, stdio: 'inherit' });
}
