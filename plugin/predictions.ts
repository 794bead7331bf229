/** Moved to src/analysis/predictions.ts (no Mol* needed; the CLI shares it); kept so older imports resolve. */
export * from '../src/analysis/predictions';
