/**
 * Runs bond scans in a fresh web worker. `cancel()` terminates the worker: the work stops at once and no
 * further results reach the caller.
 */
import type { BondScan } from '../../src/scan/bond-scan';
import type { ScanJob, ScanReply } from './scan-protocol';

export class ScanCancelled extends Error {
    constructor() { super('scan cancelled'); this.name = 'ScanCancelled'; }
}

export interface ScanHandle {
    done: Promise<void>;
    cancel(): void;
}

export function runScanInWorker(job: ScanJob, handlers: {
    onPoints?: (model: number, r: number[], energy: number[]) => void;
    onResult: (model: number, scan: BondScan, ms: number) => void;
}): ScanHandle {
    const worker = new Worker(new URL('./scan-worker.ts', import.meta.url), { type: 'module', name: 'acelens-bond-scan' });
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    let finished = false;
    const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
    const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        worker.terminate();
        if (error) settle.reject(error); else settle.resolve();
    };
    worker.onmessage = (event: MessageEvent<ScanReply>) => {
        if (finished) return;
        const m = event.data;
        try {
            if (m.type === 'points') handlers.onPoints?.(m.model, m.r, m.energy);
            else if (m.type === 'result') handlers.onResult(m.model, m.scan, m.ms);
            else if (m.type === 'done') finish();
            else if (m.type === 'error') finish(new Error(m.message));
        } catch (e) {
            finish(e as Error);
        }
    };
    worker.onerror = e => finish(new Error(e.message || 'the bond-scan worker failed'));
    worker.postMessage({ type: 'scan', job });
    return { done, cancel: () => finish(new ScanCancelled()) };
}
