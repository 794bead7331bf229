/**
 * Bond scans off the main thread: every model of the job in turn, points streamed as they come.
 * Cancelling terminates this worker (plugin/scan/scan-client.ts), which stops the work at once.
 */
import { scanBond } from '../../src/analysis/bond-scans';
import { engineOf } from '../model-source';
import type { ScanJob, ScanReply } from './scan-protocol';

const post = (m: ScanReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = (event: MessageEvent<{ type: 'scan'; job: ScanJob }>) => {
    const { job } = event.data;
    try {
        job.models.forEach(({ name, source }, index) => {
            const model = engineOf(source, name);
            const t0 = performance.now();
            let last = t0;
            const r: number[] = [], energy: number[] = [];
            const opts = {
                i: job.i, j: job.j, from: job.from, to: job.to, points: job.points,
                onPoint: (_k: number, x: number, _e: number, relative: number) => {
                    r.push(x); energy.push(relative);
                    const now = performance.now();
                    if (now - last > 100) { last = now; post({ type: 'points', model: index, r: r.slice(), energy: energy.slice() }); }
                },
            };
            // a PACE potential is evaluated in full at every distance (no per-site update)
            const scan = scanBond(model, job.frame, opts);
            post({ type: 'result', model: index, scan, ms: performance.now() - t0 });
        });
        post({ type: 'done' });
    } catch (e) {
        post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
};
