/**
 * In-process assembly of the normal equations over a list of structures, with progress and cancellation.
 * Free of Node APIs: the browser worker and each Node worker thread run this same loop on their share.
 */
import type { AceBasis } from '../ace/basis';
import { designRows } from '../ace/evaluate';
import type { Frame } from '../structure/frame';
import { addStructure, createSums, usedLabels, type LossWeights, type NormalSums } from './normal-equations';

export interface AssembleHooks {
  /** called after each structure with the number done so far (of this call's frames) */
  onStructure?: (done: number) => void;
  signal?: AbortSignal;
}

/** Assembles frames into fresh sums. Async only to let an abort (or a worker message) through every ~50 ms. */
export async function assembleInProcess(basis: AceBasis, frames: readonly Frame[], weights: LossWeights, hooks: AssembleHooks = {}): Promise<NormalSums> {
  const sums = createSums(basis.size);
  let last = Date.now();
  for (let s = 0; s < frames.length; s++) {
    hooks.signal?.throwIfAborted();
    assembleOne(sums, basis, frames[s], weights);
    hooks.onStructure?.(s + 1);
    if (Date.now() - last > 50) {
      await yieldToEventLoop();
      last = Date.now();
    }
  }
  hooks.signal?.throwIfAborted();
  return sums;
}

/** Adds one structure: evaluates its design rows (forces/virial only when used) and accumulates them. */
export function assembleOne(sums: NormalSums, basis: AceBasis, frame: Frame, weights: LossWeights): void {
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
