/**
 * `acelens/engine`: the pure-TypeScript ACE engine (no DOM, no Mol*, no Node APIs) — read and write extended
 * XYZ, build bases, fit linear ACE models, evaluate them, scan dimers and bonds. Runs in Node, web workers
 * and the browser. Node file helpers and worker-thread assembly are in `acelens/engine/node`.
 */
export * from './ace/index';
export * from './io/extxyz';
export type { Frame, InfoValue, PerAtomColumn } from './structure/frame';
export { FrameError, SUPPORTED_SPECIES, cellVolume, makeFrame, checkFrame, assertSupportedSpecies } from './structure/frame';
export { diamond, randomCarbonPacking, cluster, dimer, supercell, transformFrame, randomRotation, seededRandom } from './structure/build';
export type { FitProgress, Assembler, FitOptions, FitResult, FrameNamer } from './fit/fit';
export { fitModel, FitError, DEFAULT_LAMBDA, AUTO_LAMBDA_GRID, e0FromFrames, isIsolatedAtom, splitIndices, checkFitFrame, validationScore } from './fit/fit';
export type { ErrorMetrics, MetricsReport, StructureErrors, DominantEnergyError } from './fit/metrics';
export { MetricsAccumulator, structureErrors, dominantEnergyError, NO_CONFIG_TYPE } from './fit/metrics';
export type { ModelFile, FileProvenance, FitSettings, LambdaScanPoint, DataProvenance, PredictOptions } from './model/model';
export { Model, ModelError, MODEL_FORMAT, MODEL_VERSION, SOFTWARE, serializeModel, parseModel, checkModel } from './model/model';
export type { DimerOptions, DimerCurve } from './scan/dimer';
export { dimerCurve, dimerGrid } from './scan/dimer';
export type { BondScanOptions, BondScan } from './scan/bond-scan';
export { bondScan, bondVector, displacedFrame, scanGrid } from './scan/bond-scan';
export { ACELENS_VERSION } from './version';
