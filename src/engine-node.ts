/**
 * `acelens/engine/node`: the engine's Node-only helpers — extended XYZ and model files on disk, and the
 * normal-equation assembly spread over worker threads.
 */
export { iterateExtXyzFile, readExtXyzFile } from './io/extxyz-node';
export { saveModel, readModelFile, loadModel, sha256File, describeFsError } from './model/model-node';
export type { ParallelOptions } from './fit/parallel';
export { createParallelAssembler, assembleParallel, defaultWorkerCount } from './fit/parallel';
