/**
 * The acelens package's root folder (where package.json, bin/ and assets/ are), found from this module:
 * src/cli/ when run from the TypeScript sources, lib/src/cli/ in the compiled library — so it is looked up,
 * not counted in '../'.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
    if (root) return root;
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json'))) {
        const up = dirname(dir);
        if (up === dir) throw new Error(`acelens: no package.json above ${fileURLToPath(import.meta.url)}`);
        dir = up;
    }
    root = dir;
    return root;
}
