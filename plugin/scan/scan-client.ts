/**
 * Runs bond scans in a fresh web worker. `cancel()` (or an aborted `signal`) terminates the worker: the work stops at once and no
 * further results reach the caller.
 */
import type { BondScan } from '../../src/scan/bond-scan';
import type { ScanJob, ScanReply } from './scan-protocol';
import { runWorkerJob, type WorkerJobHandle } from '../worker/worker-job';
import { JobCancelled } from '../worker/worker-task';

export class ScanCancelled extends JobCancelled {
    constructor() { super('scan'); }
}

export type ScanHandle = WorkerJobHandle;

export function runScanInWorker(job: ScanJob, handlers: {
    onPoints?: (model: number, r: number[], energy: number[]) => void;
    onResult: (model: number, scan: BondScan, ms: number) => void;
}, signal?: AbortSignal): ScanHandle {
    const worker = new Worker(new URL('./scan-worker.ts', import.meta.url), { type: 'module', name: 'acelens-bond-scan' });
    return runWorkerJob<ScanReply>(worker, { type: 'scan', job }, m => {
        if (m.type === 'points') handlers.onPoints?.(m.model, m.r, m.energy);
        else if (m.type === 'result') handlers.onResult(m.model, m.scan, m.ms);
    }, () => new ScanCancelled(), signal);
}
