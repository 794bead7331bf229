/**
 * The worker behind the acelens prediction property (./predictions.ts): predictions of single frames, one request
 * at a time, kept alive between requests so that the model's basis is built once (the evaluator of each model is
 * cached by its id; a stored model never changes under its id). Replies carry the request id; typed arrays are
 * transferred.
 */
import { engineOf, type ModelSource } from '../model-source';
import { predictionBuffers, rawPrediction, type RawPrediction } from '../../src/analysis/predictions';
import type { Frame } from '../../src/structure/frame';
import type { Model } from '../../src/model/model';
import type { PaceModel } from '../../src/pace/pace-model';

export type FrameRequest = { id: number; modelId: string; model: ModelSource; frame: Frame };
export type FrameReply = { id: number; prediction: RawPrediction } | { id: number; error: string };

const engines = new Map<string, Model | PaceModel>();

self.onmessage = (event: MessageEvent<FrameRequest>) => {
    const { id, modelId, model, frame } = event.data;
    try {
        let engine = engines.get(modelId);
        if (!engine) { engine = engineOf(model); engines.clear(); engines.set(modelId, engine); }
        const prediction = rawPrediction(engine, frame);
        (self as unknown as Worker).postMessage({ id, prediction } satisfies FrameReply, [...predictionBuffers(prediction)]);
    } catch (e) {
        (self as unknown as Worker).postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies FrameReply);
    }
};
