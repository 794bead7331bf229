/**
 * Per-structure rows of a dataset (what the Dataset panel lists and `acelens eval` reports): atoms, config_type,
 * DFT energy per atom relative to E0, largest DFT force, and the errors of a model. No DOM, no Mol*.
 */
import type { Frame } from '../structure/frame';
import { e0FromFrames } from '../fit/fit';
import type { AcelensDatasetLike } from './dataset-errors';
import type { FramePrediction } from './predictions';

export interface FrameRow {
    index: number;
    natoms: number;
    configType: string;
    /** (E_DFT − N·E0)/N in eV/atom, or E_DFT/N when the dataset has no isolated atom */
    energyPerAtom: number | null;
    maxForce: number | null;
    /** errors of the active model: (E_model − E_DFT)/N in meV/atom and force RMSE in meV/Å, null without a model or label */
    energyError: number | null;
    forceRmse: number | null;
}

/** E0 of a dataset: the energy of its isolated-atom frame(s), as the fit takes it. */
export function datasetE0(frames: readonly Frame[]): number | null {
    return e0FromFrames(frames)?.e0 ?? null;
}

/** Per-frame rows; with `errors` (the active model's predictions), the error columns too. */
export function frameRows(dataset: AcelensDatasetLike, errors?: (frame: Frame) => FramePrediction | null): FrameRow[] {
    const e0 = datasetE0(dataset.frames) ?? 0;
    return dataset.frames.map((f, index) => {
        let maxForce: number | null = null;
        if (f.forces) {
            maxForce = 0;
            for (let i = 0; i < f.natoms; i++) {
                const fx = f.forces[3 * i], fy = f.forces[3 * i + 1], fz = f.forces[3 * i + 2];
                maxForce = Math.max(maxForce, Math.sqrt(fx * fx + fy * fy + fz * fz));
            }
        }
        return {
            index,
            natoms: f.natoms,
            configType: f.configType ?? '',
            energyPerAtom: f.energy === undefined ? null : (f.energy - f.natoms * e0) / f.natoms,
            maxForce,
            ...frameErrors(f, errors?.(f) ?? null),
        };
    });
}

function frameErrors(frame: Frame, p: FramePrediction | null): Pick<FrameRow, 'energyError' | 'forceRmse'> {
    if (!p) return { energyError: null, forceRmse: null };
    let forceRmse: number | null = null;
    if (p.forceErrorVector) {
        let sq = 0;
        for (let c = 0; c < p.forceErrorVector.length; c++) sq += p.forceErrorVector[c] ** 2;
        forceRmse = 1000 * Math.sqrt(sq / p.forceErrorVector.length);
    }
    return { energyError: frame.natoms > 1 ? p.energyErrorPerAtom : null, forceRmse };
}

