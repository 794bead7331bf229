#!/usr/bin/env node
// acelens command line. Runs the compiled library in lib/ (built from src/ by tools/build-lib.mjs, which
// `npm ci` / `npm install` run as the `prepare` step); no TypeScript loader at run time.
const entry = new URL('../lib/src/cli/main.js', import.meta.url);
let main;
try {
    ({ main } = await import(entry.href));
} catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && err.url === entry.href) {
        process.stderr.write(`acelens: error: ${entry.pathname} is missing; build the library first (npm run build:lib)\n`);
        process.exit(1);
    }
    throw err;
}
process.exitCode = await main(process.argv.slice(2));
