/**
 * Runs a fit job in a fresh web worker. Cancelling (`cancel()` or the `signal`) terminates the worker: the work
 * stops at once, and nothing the job would have produced reaches the caller (models arrive only through
 * `onModel`, one per finished order; the fit panel adds them only when the whole job succeeded).
 */
import type { ModelFile } from '../../src/model/model';
import type { FitJob, FitReply } from './fit-protocol';
import { runWorkerJob, type WorkerJobHandle } from './worker-job';
import { JobCancelled } from './worker-task';

export type FitHandle = WorkerJobHandle;

export function runFitInWorker(job: FitJob, handlers: {
    onProgress?: (reply: Extract<FitReply, { type: 'progress' }>) => void;
    onModel: (file: ModelFile, order: number, seconds: number) => void;
}, signal?: AbortSignal): FitHandle {
    const worker = new Worker(new URL('./fit-worker.ts', import.meta.url), { type: 'module', name: 'acelens-fit' });
    return runWorkerJob<FitReply>(worker, { type: 'fit', job }, m => {
        if (m.type === 'progress') handlers.onProgress?.(m);
        else if (m.type === 'model') handlers.onModel(m.file, m.order, m.seconds);
    }, () => new JobCancelled('fit'), signal);
}
