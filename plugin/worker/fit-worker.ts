/**
 * The fit, off the main thread: one model per requested body order, progress after every structure.
 * Cancelling terminates this worker (plugin/worker/fit-client.ts), which stops the work at once.
 */
import { AUTO_LAMBDA_GRID, fitModel } from '../../src/fit/fit';
import { defaultSpec, scaledDegrees } from '../../src/ace/spec';
import { FIT_DEFAULTS } from '../../src/fit/defaults';
import type { FitReply, FitRequest } from './fit-protocol';

const post = (m: FitReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (event: MessageEvent<FitRequest>) => {
    const { job } = event.data;
    try {
        for (let index = 0; index < job.orders.length; index++) {
            const order = job.orders[index];
            const spec = { ...defaultSpec(order, job.variant), rcut: job.rcut, maxDegree: scaledDegrees(job.degree, order), ...(job.coreRepulsion ? { coreRepulsion: job.coreRepulsion } : {}) };
            let last = 0;
            const result = await fitModel(job.frames, {
                spec,
                ...(job.lambdaAuto ? { lambdaScan: AUTO_LAMBDA_GRID } : { lambda: job.lambda }),
                energyWeight: job.energyWeight,
                forceWeight: job.forceWeight,
                virialWeight: job.virialWeight ?? FIT_DEFAULTS.virialWeight,
                validFraction: job.validFraction,
                seed: job.seed,
                e0: job.e0 ?? FIT_DEFAULTS.e0,
                provenance: { train: [{ name: job.dataName } as any] },
                onProgress: progress => {
                    const now = performance.now();
                    if (progress.done === progress.total || now - last > 100) {
                        last = now;
                        post({ type: 'progress', order, index, count: job.orders.length, progress });
                    }
                },
            });
            post({ type: 'model', order, file: result.model, seconds: result.seconds });
        }
        post({ type: 'done' });
    } catch (e) {
        post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
};
