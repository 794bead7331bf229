/**
 * Messages between the fit panel and the fit worker. Plain data only (frames carry typed arrays, cloned once).
 */
import type { Frame } from '../../src/structure/frame';
import type { ModelFile } from '../../src/model/model';
import type { FitProgress } from '../../src/fit/fit';
import type { CoreRepulsionSpec } from '../../src/ace/core-repulsion';

export interface FitJob {
    /** training structures (the isolated-atom frame gives E0) */
    frames: Frame[];
    dataName: string;
    /** body orders to fit, one model each, e.g. [2, 3, 4] */
    orders: number[];
    variant: 'standard' | 'purified';
    rcut: number;
    /** D_1; the other orders scale with it (scaledDegrees) */
    degree: number;
    lambda: number;
    /** choose λ on the validation split instead (the scan of `acelens fit --lambda auto`); `lambda` is then unused */
    lambdaAuto: boolean;
    energyWeight: number;
    forceWeight: number;
    /** weight of virial rows (periodic frames with a stress); default FIT_DEFAULTS.virialWeight */
    virialWeight?: number;
    /** isolated-atom energy (eV), or 'auto': from the data's isolated-atom frame (as `acelens fit --e0`) */
    e0?: 'auto' | number;
    validFraction: number;
    seed: number;
    /** fixed short-range repulsion added to every model (spec.coreRepulsion); absent = none */
    coreRepulsion?: CoreRepulsionSpec;
}

export type FitRequest = { type: 'fit'; job: FitJob };

export type FitReply =
    | { type: 'progress'; order: number; index: number; count: number; progress: FitProgress }
    | { type: 'model'; order: number; file: ModelFile; seconds: number }
    | { type: 'done' }
    | { type: 'error'; message: string };
