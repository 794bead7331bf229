#!/usr/bin/env node
// acelens command line. Runs the TypeScript sources directly (no build step): tsx's ESM loader is
// registered here, then the CLI entry point is imported.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
