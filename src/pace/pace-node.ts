/** Reading models from disk (Node only): acelens model JSON or a PACE potential (.yace), by extension. */
import { readFileSync } from 'node:fs';
import { loadModel } from '../model/model-node';
import { describeFsError } from '../model/model-node';
import type { Model } from '../model/model';
import { PaceModel } from './pace-model';
import { PaceFormatError } from './potential';

export function isPacePath(path: string): boolean {
    return /\.(yace|yaml)$/i.test(path);
}

/** An acelens model (.json) or a PACE potential (.yace C-tilde). */
export function loadPredictor(path: string): Model | PaceModel {
    if (!isPacePath(path)) return loadModel(path);
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (err) {
        throw new PaceFormatError(`${path}: cannot read the potential file: ${describeFsError(err)}`);
    }
    return PaceModel.parse(text, path);
}
