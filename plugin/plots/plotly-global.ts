/**
 * plotly.js' CommonJS sources refer to Node's `global` (its bundled dependencies do); browsers have only
 * `globalThis`. Imported before Plotly in ./plotly-bundle.ts, so the name exists when Plotly's modules run.
 */
const scope = globalThis as { global?: unknown };
if (scope.global === undefined) scope.global = globalThis;

export {};
