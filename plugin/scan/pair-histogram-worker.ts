/**
 * The pair-distance histogram of a whole dataset (plugin/scan/dimer-data.ts), off the main thread: a neighbour
 * list per frame is seconds to minutes of work on a GAP-20-sized file, which blocked the page when a dataset was
 * opened. Frames come in with their positions, cell and pbc (copied); the histogram goes back.
 */
import { pairDistanceHistogram } from '../../src/analysis/dimer-curves';
import type { PairHistogramReply, PairHistogramRequest } from './pair-histogram-client';

self.onmessage = (event: MessageEvent<PairHistogramRequest>) => {
    const { frames, rmax, bins } = event.data;
    let reply: PairHistogramReply;
    try {
        reply = { type: 'done', histogram: pairDistanceHistogram(frames.map(f => ({ ...f, species: [], info: {}, arrays: {} })), rmax, bins) };
    } catch (e) {
        reply = { type: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    (self as unknown as Worker).postMessage(reply);
};
