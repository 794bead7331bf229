/**
 * Messages between the fit panel and the fit worker. Plain data only (frames carry typed arrays, cloned once).
 */
import type { Frame } from '../../src/structure/frame';
import type { ModelFile } from '../../src/model/model';
import type { FitProgress } from '../../src/fit/fit';
import type { CoreRepulsionSpec } from '../../src/ace/core-repulsion';

/**
 * One training dataset: a loaded dataset's frames, or the text of an extended XYZ file (an embedded asset),
 * parsed in the worker. Each structure keeps its dataset's name (metrics per file) and its config_type.
 */
export type FitSource = ({ name: string; frames: Frame[] } | { name: string; text: string }) & {
    /** SHA-256 of the file's bytes where known (recorded in the model's data.files; a text is hashed in the worker) */
    sha256?: string;
};

/** Hex SHA-256 of a text's UTF-8 bytes, or undefined where Web Crypto is not available (an insecure context). */
export async function sha256Hex(text: string): Promise<string | undefined> {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return undefined;
    const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
    return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('');
}

export interface FitJob {
    /** training datasets, concatenated in this order (an isolated-atom frame gives E0) */
    training: FitSource[];
    /** body orders to fit, one model each, e.g. [2, 3, 4] */
    orders: number[];
    variant: 'standard' | 'purified';
    rcut: number;
    /** D_1; the other orders scale with it (scaledDegrees) */
    degree: number;
    /** 'blr' (the default, as `acelens fit`): Bayesian linear regression; 'ridge': Tikhonov with `lambda` */
    solver: 'blr' | 'ridge';
    /** ridge only */
    lambda: number;
    /** ridge only: choose λ on the validation split instead (the scan of `acelens fit --lambda auto`); `lambda` is then unused */
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

/** The stages of a fit as a user sees them (the engine's 'check' and 'basis' are part of preparing). */
export type FitStage = 'preparing' | 'assembling' | 'solving' | 'evaluating';

export function fitStage(p: FitProgress): FitStage {
    switch (p.stage) {
        case 'check': case 'basis': return 'preparing';
        case 'assemble': return 'assembling';
        case 'solve': return 'solving';
        case 'metrics': return 'evaluating';
    }
}

export type FitReply =
    /** posted at once when the stage changes, else at most every ~100 ms */
    | { type: 'progress'; stage: FitStage; order: number; index: number; count: number; progress: FitProgress }
    | { type: 'model'; order: number; file: ModelFile; seconds: number }
    | { type: 'done' }
    | { type: 'error'; message: string };
