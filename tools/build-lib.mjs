#!/usr/bin/env node
/**
 * The library build: src/ and plugin/ (not plugin/app, the repository's own viewer) → lib/ as ES modules
 * that plain Node and any bundler can load.
 *
 *   node tools/build-lib.mjs           JavaScript only (esbuild, ≈1 s): run by `prepare`, i.e. by `npm ci`;
 *                                      enough for the CLI (bin/acelens.mjs) and the repository's tests
 *   node tools/build-lib.mjs --types   also the .d.ts files (tsc, ≈20–60 s): run by `prepack` (npm pack)
 *
 * The sources import without extensions ('./basis', as Vite and tsc's "Bundler" resolution allow); Node's
 * ES-module loader needs the file, so every relative specifier is rewritten to the built file
 * ('./basis.js', './ace/index.js'), the worker URLs `new URL('./fit-worker.ts', import.meta.url)` to '.js', and
 * the other `new URL('../assets/…', import.meta.url)` so that they still name the package's own files.
 * JSON imports (manifest.json, package.json) become small ES modules next to the importing file, so that no
 * JSON import attribute is needed; from package.json only the name and version are kept (src/version.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'lib');
const withTypes = process.argv.includes('--types');

function sources(dir, skip) {
    const out = [];
    for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (skip.includes(p)) continue;
        if (statSync(p).isDirectory()) out.push(...sources(p, skip));
        else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
    }
    return out;
}

const entryPoints = [
    ...sources(join(root, 'src'), []),
    ...sources(join(root, 'plugin'), [join(root, 'plugin', 'app')]),
];

// a full build starts afresh; the JavaScript-only one keeps the .d.ts files (`npm pack` runs prepack, the full
// build, and then prepare, this one)
if (withTypes) rmSync(outDir, { recursive: true, force: true });
else if (existsSync(outDir)) removeJs(outDir);

function removeJs(dir) {
    for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) removeJs(p);
        else if (name.endsWith('.js')) rmSync(p);
    }
}
await build({
    entryPoints,
    outdir: outDir,
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    jsx: 'automatic',
    logLevel: 'warning',
});

if (withTypes) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
}

/** The built file a relative specifier of `fromSource` (a path in src/ or plugin/) points to, as a specifier. */
function builtSpecifier(fromSource, spec) {
    const target = resolve(dirname(fromSource), spec);
    if (/\.json$/.test(spec)) return spec + '.js';
    for (const ext of ['.ts', '.tsx']) {
        if (existsSync(target + ext)) return spec + '.js';
        if (existsSync(join(target, 'index' + ext))) return spec + '/index.js';
    }
    if (/\.tsx?$/.test(spec) && existsSync(target)) return spec.replace(/\.tsx?$/, '.js');
    throw new Error(`build-lib: ${relative(root, fromSource)} imports '${spec}', which is no source file`);
}

function relativeSpecifier(fromDir, target) {
    if (!existsSync(target)) throw new Error(`build-lib: ${relative(root, target)} does not exist`);
    const r = relative(fromDir, target).split('\\').join('/');
    return r.startsWith('.') ? r : './' + r;
}

const jsonModules = new Map();

function rewrite(builtFile) {
    const source = join(root, relative(outDir, builtFile)).replace(/(\.d)?\.(js|ts)$/, '');
    const sourceFile = existsSync(source + '.ts') ? source + '.ts' : source + '.tsx';
    let text = readFileSync(builtFile, 'utf8');
    const fix = (spec) => {
        if (!spec.startsWith('.')) return spec;
        if (/\.json$/.test(spec)) jsonModules.set(resolve(dirname(builtFile), spec + '.js'), resolve(dirname(sourceFile), spec));
        return builtSpecifier(sourceFile, spec);
    };
    // import … from '…' · export … from '…' · import '…' · import('…') · new URL('…', import.meta.url)
    text = text.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\2/g, (_, head, q, spec) => head + q + fix(spec) + q);
    // a worker module → its built file; any other file (assets/…) → the same file, seen from lib/
    const fixUrl = (spec) => /\.tsx?$/.test(spec) ? fix(spec) : relativeSpecifier(dirname(builtFile), resolve(dirname(sourceFile), spec));
    text = text.replace(/(new URL\(\s*)(['"])(\.{1,2}\/[^'"]*)\2(\s*,\s*import\.meta\.url)/g, (_, head, q, spec, tail) => head + q + fixUrl(spec) + q + tail);
    writeFileSync(builtFile, text);
}

function walk(dir) {
    for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        // the .d.ts files are rewritten once, by the full build that writes them
        else if (name.endsWith('.js') || withTypes && name.endsWith('.d.ts')) rewrite(p);
    }
}
walk(outDir);

for (const [moduleFile, jsonFile] of jsonModules) {
    let value = JSON.parse(readFileSync(jsonFile, 'utf8'));
    if (jsonFile === join(root, 'package.json')) value = { name: value.name, version: value.version };
    mkdirSync(dirname(moduleFile), { recursive: true });
    writeFileSync(moduleFile, `// built by tools/build-lib.mjs from ${relative(root, jsonFile)}\nexport default ${JSON.stringify(value, null, 2)};\n`);
}
