/**
 * What a worker needs to evaluate a stored model (plain data, posted as is): an acelens model file, or the text
 * of a PACE potential (.yace) — and the evaluator of either, with the same `predict` (src/model, src/pace).
 */
import { Model, type ModelFile } from '../src/model/model';
import { PaceModel } from '../src/pace/pace-model';

/** A PACE potential as uploaded: the .yace text (parsed again, the same way, when restored) and its file name. */
export interface PaceSource {
    text: string;
    fileName: string;
}

export type ModelSource = { file: ModelFile } | { pace: PaceSource };

/** The evaluator of a model source: the acelens linear model, or a PACE potential. */
export function engineOf(source: ModelSource, name?: string): Model | PaceModel {
    return 'pace' in source ? PaceModel.parse(source.pace.text, source.pace.fileName) : new Model(source.file, name);
}
