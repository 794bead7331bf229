/**
 * Runs a fit job in a fresh web worker. `cancel()` terminates the worker: the work stops at once, and nothing
 * the job would have produced reaches the caller (models arrive only through `onModel`, one per finished order).
 */
import type { ModelFile } from '../../src/model/model';
import type { FitJob, FitReply } from './fit-protocol';

export class FitCancelled extends Error {
    constructor() { super('fit cancelled'); this.name = 'FitCancelled'; }
}

export interface FitHandle {
    done: Promise<void>;
    cancel(): void;
}

export function runFitInWorker(job: FitJob, handlers: {
    onProgress?: (reply: Extract<FitReply, { type: 'progress' }>) => void;
    onModel: (file: ModelFile, order: number, seconds: number) => void;
}): FitHandle {
    const worker = new Worker(new URL('./fit-worker.ts', import.meta.url), { type: 'module', name: 'acelens-fit' });
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    let finished = false;
    const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
    const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        worker.terminate();
        if (error) settle.reject(error); else settle.resolve();
    };
    worker.onmessage = (event: MessageEvent<FitReply>) => {
        if (finished) return;
        const m = event.data;
        if (m.type === 'progress') handlers.onProgress?.(m);
        else if (m.type === 'model') {
            try { handlers.onModel(m.file, m.order, m.seconds); } catch (e) { finish(e as Error); }
        } else if (m.type === 'done') finish();
        else if (m.type === 'error') finish(new Error(m.message));
    };
    worker.onerror = e => finish(new Error(e.message || 'the fit worker failed'));
    worker.postMessage({ type: 'fit', job });
    return { done, cancel: () => finish(new FitCancelled()) };
}
