/**
 * Bond scans off the main thread: every model of the job in turn, points streamed as they come.
 * Cancelling terminates this worker (plugin/scan/scan-client.ts), which stops the work at once.
 */
import { Model } from '../../src/model/model';
import { bondScan } from '../../src/scan/bond-scan';
import type { ScanJob, ScanReply } from './scan-protocol';

const post = (m: ScanReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = (event: MessageEvent<{ type: 'scan'; job: ScanJob }>) => {
    const { job } = event.data;
    try {
        job.models.forEach(({ name, file }, index) => {
            const model = new Model(file, name);
            const t0 = performance.now();
            let last = t0;
            const r: number[] = [], energy: number[] = [];
            const scan = bondScan(model, job.frame, {
                i: job.i, j: job.j, from: job.from, to: job.to, points: job.points,
                onPoint: (_k, x, _e, relative) => {
                    r.push(x); energy.push(relative);
                    const now = performance.now();
                    if (now - last > 100) { last = now; post({ type: 'points', model: index, r: r.slice(), energy: energy.slice() }); }
                },
            });
            post({ type: 'result', model: index, scan, ms: performance.now() - t0 });
        });
        post({ type: 'done' });
    } catch (e) {
        post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
};
