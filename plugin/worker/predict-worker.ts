/**
 * Predictions of one model for many frames, off the main thread: the frames go out in batches of about 100 ms
 * of work (so the caller can show progress and draw what has come), their typed arrays transferred.
 * Cancelling terminates this worker (plugin/worker/worker-job.ts), which stops the work at once.
 */
import { engineOf } from '../model-source';
import { predictionBuffers, rawPrediction, type RawPrediction } from '../../src/analysis/predictions';
import type { PredictReply, PredictRequest } from './predict-protocol';

const post = (m: PredictReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = (event: MessageEvent<PredictRequest>) => {
    const { job } = event.data;
    try {
        const model = engineOf(job.model);
        let batch: RawPrediction[] = [];
        let first = 0;
        let last = performance.now();
        const flush = () => {
            const transfer = new Set<ArrayBuffer>(); // each buffer once (a buffer listed twice cannot be transferred)
            for (const p of batch) predictionBuffers(p, transfer);
            post({ type: 'predictions', first, items: batch }, [...transfer]);
            first += batch.length;
            batch = [];
            last = performance.now();
        };
        for (const frame of job.frames) {
            batch.push(rawPrediction(model, frame)); // with the posterior σ where the model has one
            if (performance.now() - last > 100) flush();
        }
        if (batch.length) flush();
        post({ type: 'done' });
    } catch (e) {
        post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
};
