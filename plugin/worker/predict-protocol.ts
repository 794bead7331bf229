/**
 * Messages between the store and the prediction worker: one model's energies, per-atom energies (split by body
 * order) and forces for many frames, off the main thread. Plain data only; typed arrays are transferred.
 */
import type { ModelSource } from '../model-source';
import type { Frame } from '../../src/structure/frame';
import type { RawPrediction } from '../../src/analysis/predictions';

export interface PredictJob {
    /** an acelens model file or a PACE potential's text */
    model: ModelSource;
    frames: Frame[];
}

export type PredictRequest = { type: 'predict'; job: PredictJob };

export type PredictReply =
    /** predictions of frames `first` … `first + items.length − 1` of the job, in order */
    | { type: 'predictions'; first: number; items: RawPrediction[] }
    | { type: 'done' }
    | { type: 'error'; message: string };
