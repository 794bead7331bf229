/**
 * The acelens data attached to each Mol* model loaded from extended XYZ: the engine Frame with its DFT labels
 * (energy, forces, stress, config_type), its index in the dataset, and the rotation that put it into Mol*'s
 * standard cell orientation (vectors such as forces must be rotated by it before drawing).
 */
import type { Model } from 'molstar/lib/mol-model/structure/model';
import type { Frame } from '../../src/structure/frame';

export interface AcelensDataset {
    /** file or asset name */
    name: string;
    frames: Frame[];
}

export interface AcelensFrameData {
    dataset: AcelensDataset;
    /** index of this frame in dataset.frames */
    index: number;
    /** x_drawn = x_frame · rotation (row vectors), or null when the frame was drawn as is */
    rotation: Float64Array | null;
}

const Key = 'acelens-frame-data';

export function setFrameData(model: Model, data: AcelensFrameData) {
    model._staticPropertyData[Key] = data;
}

export function getFrameData(model: Model | undefined): AcelensFrameData | undefined {
    return model?._staticPropertyData[Key] as AcelensFrameData | undefined;
}
