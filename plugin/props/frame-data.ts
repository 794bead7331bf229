/**
 * What an extended XYZ file carries for each Mol* model (frame), as a Mol* `FormatPropertyProvider`
 * (`AcelensFrameDataProvider`): the engine Frame with its DFT labels (total energy, per-atom forces, stress/virial,
 * config_type and any other info keys or per-atom columns the file has), its index in the dataset, and the
 * rotation that put it into Mol*'s standard cell orientation (vectors such as forces must be rotated by it before
 * drawing). The reader (plugin/formats/extxyz.ts) sets it on every model it builds, as Mol*'s own format readers
 * set their format properties; panels, labels and colour themes read it with `getFrameData(model)`.
 */
import type { Model } from 'molstar/lib/mol-model/structure/model';
import { CustomPropertyDescriptor } from 'molstar/lib/mol-model/custom-property';
import { FormatPropertyProvider } from 'molstar/lib/mol-model-formats/structure/common/property';
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

/** The DFT labels of one frame as the file has them (file axes; eV, eV/Å). */
export interface DftLabels {
    /** total energy (eV), if the file has one */
    energy?: number;
    /** per-atom forces (eV/Å, natoms × 3, file axes), if the file has them */
    forces?: Float64Array;
    configType?: string;
    /** the other info keys of the comment line, as read */
    info: Frame['info'];
}

export const AcelensFrameDataProvider: FormatPropertyProvider<AcelensFrameData> = FormatPropertyProvider.create<AcelensFrameData>(
    CustomPropertyDescriptor({ name: 'acelens-frame-data' }));

export function setFrameData(model: Model, data: AcelensFrameData) {
    AcelensFrameDataProvider.set(model, data);
}

export function getFrameData(model: Model | undefined): AcelensFrameData | undefined {
    return model ? AcelensFrameDataProvider.get(model) : undefined;
}

/** The engine frame of a Mol* model read from extended XYZ, or undefined for other models. */
export function frameOf(model: Model | undefined): Frame | undefined {
    const d = getFrameData(model);
    return d?.dataset.frames[d.index];
}

/** The DFT labels the file carries for a Mol* model (frame), or undefined for models not read from extended XYZ. */
export function dftLabels(model: Model | undefined): DftLabels | undefined {
    const f = frameOf(model);
    return f && { energy: f.energy, forces: f.forces, configType: f.configType, info: f.info };
}
