/**
 * How a frame was spelled in its file, kept beside the frame (keyed by its `info` object, which survives
 * `{ ...frame }` copies) so that writing it back reproduces the file's choices:
 *  - which info keys were real (float) numbers, so 5.0 stays 5.0 and not the integer 5 (JavaScript numbers do
 *    not tell them apart; ASE does);
 *  - under which keys the labels were found (e.g. energy from 'free_energy', forces from 'force', stress from
 *    'dft_virial'), so they are written back under the same keys.
 * Frames built in code, or cloned to a worker, have no record and are written with ASE's default keys.
 */
export interface FrameSpelling {
  realKeys: ReadonlySet<string>;
  energyKey?: string;
  forcesKey?: string;
  stressKey?: string;
  /** the numbers of a virial key as read, and the stress they gave: written back verbatim while the stress is unchanged */
  virial?: { numbers: readonly number[]; stress: Float64Array };
}

const SPELLING = new WeakMap<object, FrameSpelling>();

export function recordSpelling(info: object, spelling: FrameSpelling): void {
    SPELLING.set(info, spelling);
}

export function spellingOf(info: object): FrameSpelling | undefined {
    return SPELLING.get(info);
}

export function isRealInfoKey(info: object, key: string): boolean {
    return SPELLING.get(info)?.realKeys.has(key) ?? false;
}

/** True when a stress key holds a virial (W = −σV) rather than a stress. */
export function isVirialKey(key: string): boolean {
    return key.toLowerCase().includes('virial');
}
