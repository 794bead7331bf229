/**
 * Parallel assembly of the normal equations over Node worker threads (Node only; the browser uses its own
 * web worker around ./assemble.ts). Structures are handed out in small batches on demand, so workers stay
 * busy whatever the sizes; each worker sums its share and the partial sums are added (mergeSums).
 *
 * Workers run the TypeScript sources directly: each starts from a tiny ES-module bootstrap (a data: URL)
 * that registers tsx's loader and imports ./assemble-worker.ts. This works the same under the CLI
 * (bin/acelens.mjs), tsx and vitest, with no build step.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AceBasis } from '../ace/basis';
import type { Frame } from '../structure/frame';
import { assembleInProcess, assembleOne } from './assemble';
import type { Assembler } from './fit';
import { createSums, mergeSums, type LossWeights, type NormalSums } from './normal-equations';

export interface ParallelOptions {
  /** number of worker threads; default: available cores. ≤ 1 assembles in-process */
  workers?: number;
  /** below workers × this many structures, assemble in-process. Default 4 */
  minStructuresPerWorker?: number;
  /**
   * The first structures are assembled in-process for up to `probeSeconds` (default 0.2 s) to measure the
   * cost per structure; workers start only when the rest would take longer than `minSeconds` in-process
   * (default 1.5 s — a worker needs ~0.5–1 s to start, loading the TypeScript sources).
   */
  probeSeconds?: number;
  minSeconds?: number;
}

/** The labels and geometry a worker needs (drops verbatim info/arrays). */
function leanFrame(f: Frame): Frame {
  return {
    natoms: f.natoms,
    positions: f.positions,
    species: f.species,
    cell: f.cell,
    pbc: f.pbc,
    energy: f.energy,
    forces: f.forces,
    stress: f.stress,
    configType: f.configType,
    info: {},
    arrays: {},
  };
}

let bootstrapUrl: URL | null = null;
function workerBootstrap(): URL {
  if (!bootstrapUrl) {
    const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
    const api = new URL('dist/esm/api/index.mjs', pathToFileURL(tsxPackage)).href;
    const target = new URL('./assemble-worker.ts', import.meta.url).href;
    const code = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(target)});\n`;
    bootstrapUrl = new URL('data:text/javascript,' + encodeURIComponent(code));
  }
  return bootstrapUrl;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** An Assembler that spreads structures over worker threads (in-process for few structures). */
export function createParallelAssembler(opts: ParallelOptions = {}): Assembler {
  return (basis, frames, weights, hooks) => assembleParallel(basis, frames, weights, hooks, opts);
}

export async function assembleParallel(
  basis: AceBasis,
  frames: readonly Frame[],
  weights: LossWeights,
  hooks: { onStructure?: (done: number) => void; signal?: AbortSignal },
  opts: ParallelOptions = {},
): Promise<NormalSums> {
  const minPer = opts.minStructuresPerWorker ?? 4;
  const nworkers = Math.min(opts.workers ?? defaultWorkerCount(), Math.floor(frames.length / minPer));
  if (nworkers <= 1) return assembleInProcess(basis, frames, weights, hooks);
  hooks.signal?.throwIfAborted();

  // probe: assemble in-process while measuring the cost per structure
  const probe = createSums(basis.size);
  const probeMs = 1000 * (opts.probeSeconds ?? 0.2);
  const start = Date.now();
  let first = 0;
  while (first < frames.length && Date.now() - start < probeMs) {
    assembleOne(probe, basis, frames[first], weights);
    hooks.onStructure?.(++first);
  }
  const perStructure = first ? (Date.now() - start) / first / 1000 : Infinity;
  const rest = frames.slice(first);
  if (rest.length === 0) return probe;
  const after = { signal: hooks.signal, onStructure: (d: number) => hooks.onStructure?.(first + d) };
  if (rest.length < 2 * minPer || perStructure * rest.length < (opts.minSeconds ?? 1.5)) {
    return mergeSums(probe, await assembleInProcess(basis, rest, weights, after));
  }
  return mergeSums(await assembleWorkers(basis, rest, weights, after, nworkers), probe);
}

/** Assembles all `frames` on `nworkers` worker threads (batches handed out on demand). */
function assembleWorkers(
  basis: AceBasis,
  frames: readonly Frame[],
  weights: LossWeights,
  hooks: { onStructure?: (done: number) => void; signal?: AbortSignal },
  nworkers: number,
): Promise<NormalSums> {
  const batch = Math.max(1, Math.min(8, Math.ceil(frames.length / (nworkers * 4))));
  let next = 0;
  const doneBy = new Array<number>(nworkers).fill(0);
  const total = createSums(basis.size);
  const workers: Worker[] = [];

  return new Promise<NormalSums>((resolve, reject) => {
    let finished = 0;
    const delivered = new Array<boolean>(nworkers).fill(false);
    let settled = false;
    const stopAll = () => {
      for (const w of workers) void w.terminate();
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      stopAll();
      reject(err);
    };
    const onAbort = () => fail(hooks.signal!.reason ?? new Error('aborted'));
    hooks.signal?.addEventListener('abort', onAbort, { once: true });

    for (let k = 0; k < nworkers; k++) {
      const w = new Worker(workerBootstrap());
      workers.push(w);
      w.on('message', (msg: { type: string; done?: number; sums?: NormalSums; message?: string }) => {
        if (settled) return;
        if (msg.type === 'need') {
          if (next < frames.length) {
            const part = frames.slice(next, next + batch).map(leanFrame);
            next += part.length;
            w.postMessage({ type: 'batch', frames: part });
          } else {
            w.postMessage({ type: 'finish' });
          }
        } else if (msg.type === 'progress') {
          doneBy[k] = msg.done!;
          hooks.onStructure?.(doneBy.reduce((a, b) => a + b, 0));
        } else if (msg.type === 'sums') {
          delivered[k] = true;
          mergeSums(total, msg.sums!);
          void w.terminate();
          if (++finished === nworkers) {
            settled = true;
            hooks.signal?.removeEventListener('abort', onAbort);
            resolve(total);
          }
        } else if (msg.type === 'error') {
          fail(new Error(`assembly worker: ${msg.message}`));
        }
      });
      w.on('error', (err) => fail(err));
      w.on('exit', (code) => {
        if (!settled && !delivered[k]) fail(new Error(`assembly worker exited with code ${code}`));
      });
      w.postMessage({ type: 'init', spec: basis.spec, weights });
    }
  });
}
