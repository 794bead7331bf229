/**
 * Parallel assembly of the normal equations over Node worker threads (Node only; the browser uses its own
 * web worker around ./assemble.ts). The structures are cut into the fixed chunks of `assemblyChunks` (the shards of ./shards.ts); chunks
 * are handed out on demand (workers stay busy whatever the sizes), each worker returns the sums of one
 * chunk at a time, and the main thread adds them in chunk order — so the result is bit-identical to the
 * in-process assembly, whatever the number of workers or the timing.
 *
 * Workers start from ./assemble-worker: the compiled lib/src/fit/assemble-worker.js when this module is
 * itself the compiled library (the CLI, `acelens/engine/node`); under vitest or tsx (TypeScript sources)
 * from a tiny ES-module bootstrap (a data: URL) that first registers tsx's public loader API
 * (`tsx/esm/api`, a dev dependency) and then imports ./assemble-worker.ts.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AceBasis } from '../ace/basis';
import type { Frame } from '../structure/frame';
import { predict } from '../ace/evaluate';
import { assembleChunksInProcess, assembleInProcess, assembleOne, assemblyChunks, yieldToEventLoop } from './assemble';
import type { Assembler, FramePredictions, Predictor } from './fit';
import { createSums, ENERGY_WEIGHT_KEY, FORCE_WEIGHT_KEY, FORCE_WEIGHTS_COLUMN, mergeSums, VIRIAL_WEIGHT_KEY, type LossWeights, type NormalSums } from './normal-equations';

export interface ParallelOptions {
  /** number of worker threads; default: the machine's cores (defaultWorkerCount). ≤ 1 assembles in-process */
  workers?: number;
  /**
   * The first chunk is assembled in-process and timed; workers start only when the other chunks would
   * take longer than `minSeconds` in-process (default 3 s — a worker needs ~1 s to start, loading the
   * TypeScript sources, and runs cold code at first). `probe: false` sends every chunk to the workers.
   */
  minSeconds?: number;
  /** seconds of in-process work on the first chunk before its projection is trusted and the workers may start (default 0.25) */
  probeSeconds?: number;
  probe?: boolean;
}

/** The labels, geometry and weights a worker needs (drops the other verbatim info/arrays). */
function leanFrame(f: Frame): Frame {
    const info: Frame['info'] = {};
    for (const k of [ENERGY_WEIGHT_KEY, FORCE_WEIGHT_KEY, VIRIAL_WEIGHT_KEY]) if (Object.hasOwn(f.info, k)) info[k] = f.info[k];
    const arrays: Frame['arrays'] = {};
    if (f.arrays?.[FORCE_WEIGHTS_COLUMN]) arrays[FORCE_WEIGHTS_COLUMN] = f.arrays[FORCE_WEIGHTS_COLUMN];
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
        info,
        arrays,
    };
}

let bootstrapUrl: URL | null = null;
function workerBootstrap(): URL {
    if (!bootstrapUrl) {
        const here = import.meta.url;
        if (here.endsWith('.js')) {
            bootstrapUrl = new URL('./assemble-worker.js', here);
        } else {
            const api = import.meta.resolve('tsx/esm/api');
            const target = new URL('./assemble-worker.ts', here).href;
            const code = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(target)});\n`;
            bootstrapUrl = new URL('data:text/javascript,' + encodeURIComponent(code));
        }
    }
    return bootstrapUrl;
}

/**
 * Worker threads by default: the machine's cores (os.availableParallelism), whatever the load. A busy
 * machine shares its cores between processes anyway; turning the workers off because of load would run
 * the assembly on one core for the whole fit. `--workers N` overrides.
 */
export function defaultWorkerCount(): number {
    return Math.max(1, availableParallelism());
}

/** An Assembler that spreads structures over worker threads (in-process when that is quicker). */
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
    const plan = assemblyChunks(frames);
    const nchunks = plan.length;
    const maxWorkers = Math.min(opts.workers ?? defaultWorkerCount(), nchunks);
    if (maxWorkers <= 1) return assembleInProcess(basis, frames, weights, hooks);
    hooks.signal?.throwIfAborted();

    const total = createSums(basis.size);
    let done = 0;
    const onStructure = () => hooks.onStructure?.(++done);
    const lean = (from: number) => {
        const chunks: Frame[][] = [];
        for (let c = from; c < nchunks; c++) chunks.push(plan[c].map((s) => leanFrame(frames[s])));
        return chunks;
    };
    if (opts.probe === false) {
        const chunks = lean(0);
        await chunksOnWorkers(basis, chunks, weights, total, { signal: hooks.signal, onStructure }, Math.min(maxWorkers, chunks.length));
        return total;
    }
    // Chunk 0 in-process, timed. As soon as the other chunks are projected to take longer than minSeconds
    // in-process (after ≥ 0.25 s of work), the workers start on chunks 1.. while this thread finishes chunk 0,
    // yielding every ~50 ms so that their messages get through. The chunk sums are still added in chunk order
    // (worker sums that arrive before chunk 0 is done wait), so the sums are the in-process ones bit for bit.
    const minSeconds = opts.minSeconds ?? 3;
    const start = Date.now();
    const chunk0 = createSums(basis.size);
    const waiting: NormalSums[] = [];
    let chunk0Added = false;
    let workers: Promise<void> | null = null;
    const stop = new AbortController();
    const onAbort = () => stop.abort(hooks.signal!.reason);
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    const startWorkers = () => {
        const chunks = lean(1);
        workers = onWorkers(
            basis,
            weights,
            chunks.length,
            (index) => ({ type: 'chunk', index, frames: chunks[index] }),
            'chunk-sums',
            (_, msg) => {
                if (chunk0Added) mergeSums(total, msg.sums as NormalSums);
                else waiting.push(msg.sums as NormalSums);
            },
            { signal: stop.signal, onStructure },
            Math.min(maxWorkers, chunks.length),
        );
        workers.catch(() => {}); // observed below; not an unhandled rejection meanwhile
    };
    try {
        let last = start;
        const list = plan[0];
        for (let t = 0; t < list.length; t++) {
            hooks.signal?.throwIfAborted();
            assembleOne(chunk0, basis, frames[list[t]], weights);
            onStructure();
            const now = Date.now();
            if (!workers && nchunks - 1 >= 2 && now - start >= 1000 * (opts.probeSeconds ?? 0.25)) {
                const estimate = ((now - start) / 1000) * ((frames.length - (t + 1)) / (t + 1));
                if (estimate >= minSeconds) startWorkers();
            }
            if (workers && now - last > 50) {
                await yieldToEventLoop();
                last = Date.now();
            }
        }
        mergeSums(total, chunk0);
        chunk0Added = true;
        for (const w of waiting) mergeSums(total, w);
        waiting.length = 0;
        if (!workers) {
            const estimate = ((Date.now() - start) / 1000) * ((frames.length - list.length) / Math.max(1, list.length));
            if (nchunks - 1 < 2 || estimate < minSeconds) {
                await assembleChunksInProcess(basis, frames, weights, total, 1, hooks, done);
                return total;
            }
            startWorkers();
        }
        await workers;
        return total;
    } catch (err) {
        stop.abort(err);
        throw err;
    } finally {
        hooks.signal?.removeEventListener('abort', onAbort);
    }
}

/** Sums `chunks` on worker threads and adds the chunk sums to `total` in chunk order. */
function chunksOnWorkers(
    basis: AceBasis,
    chunks: Frame[][],
    weights: LossWeights,
    total: NormalSums,
    hooks: { onStructure: () => void; signal?: AbortSignal },
    nworkers: number,
): Promise<void> {
    return onWorkers(basis, weights, chunks.length, (index) => ({ type: 'chunk', index, frames: chunks[index] }), 'chunk-sums', (_, msg) => mergeSums(total, msg.sums as NormalSums), hooks, nworkers);
}

/**
 * Runs `njobs` jobs on worker threads (jobs handed out on demand); `onResult` sees the results (messages of
 * type `resultType`) in job order.
 */
function onWorkers(
    basis: AceBasis,
    weights: LossWeights,
    njobs: number,
    job: (index: number) => { type: string; index: number } & Record<string, unknown>,
    resultType: string,
    onResult: (index: number, msg: Record<string, unknown>) => void,
    hooks: { onStructure: () => void; signal?: AbortSignal },
    nworkers: number,
): Promise<void> {
    let next = 0; // next job to hand out
    let merged = 0; // results handed to onResult
    const pending = new Map<number, Record<string, unknown>>(); // results that arrived out of order
    const workers: Worker[] = [];

    return new Promise<void>((resolve, reject) => {
        let settled = false;
        const stopAll = () => {
            for (const w of workers) void w.terminate();
        };
        const finish = (err?: unknown) => {
            if (settled) return;
            settled = true;
            hooks.signal?.removeEventListener('abort', onAbort);
            stopAll();
            if (err !== undefined) reject(err);
            else resolve();
        };
        const onAbort = () => finish(hooks.signal!.reason ?? new Error('aborted'));
        hooks.signal?.addEventListener('abort', onAbort, { once: true });

        for (let k = 0; k < nworkers; k++) {
            const w = new Worker(workerBootstrap());
            workers.push(w);
            w.on('message', (msg: { type: string; index?: number; message?: string } & Record<string, unknown>) => {
                if (settled) return;
                if (msg.type === 'need') {
                    if (next < njobs) {
                        w.postMessage(job(next));
                        next++;
                    }
                } else if (msg.type === 'progress') {
                    hooks.onStructure();
                } else if (msg.type === resultType) {
                    pending.set(msg.index!, msg);
                    try {
                        while (pending.has(merged)) {
                            onResult(merged, pending.get(merged)!);
                            pending.delete(merged);
                            merged++;
                        }
                    } catch (err) {
                        finish(err);
                        return;
                    }
                    if (merged === njobs) finish();
                } else if (msg.type === 'error') {
                    finish(new Error(`${resultType === 'predictions' ? 'prediction' : 'assembly'} worker: ${msg.message}`));
                }
            });
            w.on('error', (err) => finish(err));
            w.on('exit', (code) => {
                if (!settled) finish(new Error(`${resultType === 'predictions' ? 'prediction' : 'assembly'} worker exited with code ${code}`));
            });
            w.postMessage({ type: 'init', spec: basis.spec, weights });
        }
    });
}

/**
 * A Predictor (energies and forces for the error metrics) that spreads the frames over worker threads, in the
 * chunks of `assemblyChunks`; in-process when there are few frames (the first chunk is timed as in the
 * assembly). Each frame is predicted by the same `predict` as in-process, so the metrics are the same.
 */
export function createParallelPredictor(opts: ParallelOptions = {}): Predictor {
    return (basis, coefficients, e0, frames, hooks) => predictParallel(basis, coefficients, e0, frames, hooks, opts);
}

export async function predictParallel(
    basis: AceBasis,
    coefficients: Float64Array,
    e0: number,
    frames: readonly Frame[],
    hooks: { onStructure: () => void; signal?: AbortSignal },
    opts: ParallelOptions = {},
): Promise<FramePredictions> {
    const energy = new Float64Array(frames.length);
    const forces: (Float64Array | null)[] = new Array<Float64Array | null>(frames.length).fill(null);
    const one = (s: number) => {
        const f = frames[s];
        const p = predict(basis, coefficients, e0, f, { forces: f.forces !== undefined });
        energy[s] = p.energy;
        forces[s] = f.forces !== undefined ? p.forces : null;
        hooks.onStructure();
    };
    const plan = assemblyChunks(frames);
    const maxWorkers = Math.min(opts.workers ?? defaultWorkerCount(), plan.length);
    let first = 0;
    let last = Date.now();
    // chunks from..end in-process, yielding to the event loop every ~50 ms (abort, progress)
    const inProcess = async (from: number) => {
        for (let c = from; c < plan.length; c++) {
            for (const s of plan[c]) {
                hooks.signal?.throwIfAborted();
                one(s);
                if (Date.now() - last > 50) {
                    await yieldToEventLoop();
                    last = Date.now();
                }
            }
        }
    };
    if (maxWorkers <= 1) {
        await inProcess(0);
        return { energy, forces };
    }
    if (opts.probe !== false) {
        const start = Date.now();
        for (const s of plan[0]) {
            hooks.signal?.throwIfAborted();
            one(s);
        }
        first = 1;
        const estimate = ((Date.now() - start) / 1000) * ((frames.length - plan[0].length) / Math.max(1, plan[0].length));
        if (plan.length - 1 < 2 || estimate < (opts.minSeconds ?? 3)) {
            await inProcess(1);
            return { energy, forces };
        }
    }
    hooks.signal?.throwIfAborted();
    const chunks = plan.slice(first);
    const lean = chunks.map((c) => c.map((s) => leanFrame(frames[s])));
    await onWorkers(
        basis,
        { e0, energyWeight: 0, forceWeight: 0, virialWeight: 0 },
        chunks.length,
        (index) => ({ type: 'predict', index, frames: lean[index], coefficients, e0 }),
        'predictions',
        (index, msg) => {
            const e = msg.energy as Float64Array, fs = msg.forces as (Float64Array | null)[];
            chunks[index].forEach((s, t) => {
                energy[s] = e[t];
                forces[s] = fs[t];
            });
        },
        { onStructure: hooks.onStructure, signal: hooks.signal },
        Math.min(maxWorkers, chunks.length),
    );
    return { energy, forces };
}
