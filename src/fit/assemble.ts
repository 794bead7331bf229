/**
 * Assembly of the normal equations over a list of structures, with progress and cancellation.
 *
 * Reproducible sums: the structures are cut into the fixed shards of ./shards.ts (`assemblyChunks`: the
 * split depends on the atom counts only); each shard is summed on its own, in order, and the shard sums are
 * added in shard order — as `acelens solve` adds the parts of `acelens assemble --shard i/16`. In-process assembly and any number of worker threads (./parallel.ts) therefore give
 * bit-identical normal equations, and the same fit gives the same model on every run.
 *
 * Free of Node APIs: the browser worker and each Node worker thread run these same loops.
 */
import type { AceBasis } from '../ace/basis';
import { designRows } from '../ace/evaluate';
import { subtractCoreRepulsion } from '../ace/core-repulsion';
import type { Frame } from '../structure/frame';
import { addStructure, createSums, mergeSums, usedLabels, type LossWeights, type NormalSums } from './normal-equations';
import { ASSEMBLY_SHARDS, shardPlanOf } from './shards';

export interface AssembleHooks {
  /** called after each structure with the number done so far (of this call's frames) */
  onStructure?: (done: number) => void;
  signal?: AbortSignal;
}

/** Number of chunks the structures are cut into (fewer when there are fewer structures). */
export const ASSEMBLY_CHUNKS = ASSEMBLY_SHARDS;

/** The chunks (structure indices, ascending) of the assembly: the non-empty shards of shardPlan(·, 16). */
export function assemblyChunks(frames: readonly Frame[]): number[][] {
    return shardPlanOf(frames, ASSEMBLY_SHARDS).filter((c) => c.length > 0);
}

/** Sums of one chunk (structures in order). Synchronous. */
export function assembleChunk(basis: AceBasis, frames: readonly Frame[], weights: LossWeights, onStructure?: () => void): NormalSums {
    const sums = createSums(basis.size);
    for (const frame of frames) {
        assembleOne(sums, basis, frame, weights);
        onStructure?.();
    }
    return sums;
}

/** Assembles all frames in-process (chunk by chunk). Async only to let an abort (or a worker message) through every ~50 ms. */
export async function assembleInProcess(basis: AceBasis, frames: readonly Frame[], weights: LossWeights, hooks: AssembleHooks = {}): Promise<NormalSums> {
    const total = createSums(basis.size);
    await assembleChunksInProcess(basis, frames, weights, total, 0, hooks);
    return total;
}

/**
 * Adds chunks fromChunk.. (of assemblyChunks(frames)) to `total`, in order. `hooks.onStructure` counts
 * the structures of these chunks from `doneBefore` on.
 */
export async function assembleChunksInProcess(
    basis: AceBasis,
    frames: readonly Frame[],
    weights: LossWeights,
    total: NormalSums,
    fromChunk: number,
    hooks: AssembleHooks = {},
    doneBefore = 0,
): Promise<void> {
    const chunks = assemblyChunks(frames);
    let last = Date.now();
    let done = doneBefore;
    for (let c = fromChunk; c < chunks.length; c++) {
        const chunk = createSums(basis.size);
        for (const s of chunks[c]) {
            hooks.signal?.throwIfAborted();
            assembleOne(chunk, basis, frames[s], weights);
            hooks.onStructure?.(++done);
            if (Date.now() - last > 50) {
                await yieldToEventLoop();
                last = Date.now();
            }
        }
        mergeSums(total, chunk);
    }
    hooks.signal?.throwIfAborted();
}

/**
 * Adds one structure: evaluates its design rows (forces/virial only when used) and accumulates them. With a
 * core repulsion in the spec the targets are the labels minus the repulsion (it is fixed, not fitted).
 */
export function assembleOne(sums: NormalSums, basis: AceBasis, frame: Frame, weights: LossWeights): void {
    if (basis.spec.coreRepulsion) frame = subtractCoreRepulsion(basis.spec.coreRepulsion, frame, frame.configType ? `structure (${frame.configType})` : 'structure');
    const use = usedLabels(frame, weights);
    if (!use.energy && !use.forces && !use.virial) {
        sums.structures += 1;
        return;
    }
    const rows = designRows(basis, frame, { forces: use.forces, virial: use.virial });
    addStructure(sums, rows, frame, weights);
}

export function yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 0));
}
