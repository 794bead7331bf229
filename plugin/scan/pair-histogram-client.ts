/**
 * The dataset's pair-distance histogram computed in a web worker (./pair-histogram-worker.ts), once per dataset
 * and range. A request for another dataset stops the one running (its worker is terminated).
 */
import type { AcelensDataset } from '../props/frame-data';
import type { PairHistogram } from '../../src/analysis/dimer-curves';

/** What the histogram needs of a frame: positions, cell and periodicity (a copy goes to the worker). */
export interface PairHistogramFrame { natoms: number; positions: Float64Array; cell: Float64Array | null; pbc: [boolean, boolean, boolean] }
export interface PairHistogramRequest { frames: PairHistogramFrame[]; rmax: number; bins: number }
export type PairHistogramReply = { type: 'done'; histogram: PairHistogram } | { type: 'error'; message: string };

export class PairHistogramSuperseded extends Error {
    constructor() { super('pair-distance histogram: superseded by another dataset'); this.name = 'PairHistogramSuperseded'; }
}

const cache = new WeakMap<AcelensDataset, Map<string, Promise<PairHistogram>>>();
let running: { dataset: AcelensDataset; stop: () => void } | null = null;

export function pairHistogramInWorker(dataset: AcelensDataset, rmax: number, bins: number): Promise<PairHistogram> {
    let m = cache.get(dataset);
    if (!m) { m = new Map(); cache.set(dataset, m); }
    const key = `${rmax}/${bins}`;
    const known = m.get(key);
    if (known) return known;
    if (running && running.dataset !== dataset) running.stop();
    const worker = new Worker(new URL('./pair-histogram-worker.ts', import.meta.url), { type: 'module', name: 'acelens-pair-histogram' });
    const job = new Promise<PairHistogram>((resolve, reject) => {
        const stop = (error?: Error) => {
            worker.terminate();
            if (running?.stop === onStop) running = null;
            if (error) { m!.delete(key); reject(error); }
        };
        const onStop = () => stop(new PairHistogramSuperseded());
        running = { dataset, stop: onStop };
        worker.onmessage = (e: MessageEvent<PairHistogramReply>) => {
            if (e.data.type === 'done') { stop(); resolve(e.data.histogram); } else stop(new Error(e.data.message));
        };
        worker.onerror = e => { e.preventDefault(); stop(new Error(e.message || 'the pair-distance worker failed')); };
        const frames: PairHistogramFrame[] = dataset.frames.map(f => ({ natoms: f.natoms, positions: f.positions, cell: f.cell, pbc: f.pbc }));
        worker.postMessage({ frames, rmax, bins } satisfies PairHistogramRequest);
    });
    m.set(key, job);
    return job;
}
