/**
 * The one set of fit defaults: `acelens fit` and the plugin's Fit panel both start from these, so the same body
 * order K gives the same basis, solver (BLR), λ of the ridge option, weights, E0 rule and train/validation split in the browser and on the
 * command line (test/fit/defaults.test.ts checks both sides against this table).
 */
import { DEFAULT_DEGREES, defaultSpec } from '../ace/spec';
import { DEFAULT_LAMBDA } from './fit';

export const FIT_DEFAULTS = {
    /** basis variant */
    variant: 'standard' as 'standard' | 'purified',
    /** cutoff radius, Å (defaultSpec) */
    rcut: defaultSpec(2).rcut,
    /** D₁ of the default basis; the other orders scale with it (scaledDegrees(D₁, K) = defaultSpec(K).maxDegree) */
    degree: DEFAULT_DEGREES[0],
    /** Bayesian linear regression (regularisation and noise from the data); 'ridge' with `lambda` is the option */
    solver: 'blr' as 'blr' | 'ridge',
    /** Tikhonov strength λ (solver 'ridge') */
    lambda: DEFAULT_LAMBDA,
    energyWeight: 1,
    forceWeight: 1,
    /** virial rows are used where a periodic frame has a stress (see README: GAP-20's dft_virial) */
    virialWeight: 1,
    /** fraction of the training structures held out for validation (seeded split); 0: every structure trains
   *  (a fit then equals the sum of its shards, `acelens assemble` + `solve`) */
    validFraction: 0,
    seed: 1,
    /** isolated-atom energy: from the data's isolated-atom frame */
    e0: 'auto' as 'auto' | number,
} as const;

/**
 * E0 as typed by a user (`acelens fit --e0`, the Fit panel's E0 field): 'auto' (or empty) for the data's
 * isolated-atom frame, else a finite number in eV. Throws with what was expected.
 */
export function parseE0(raw: string): 'auto' | number {
    const text = raw.trim();
    if (text === '' || text === 'auto') return 'auto';
    const v = Number(text);
    if (!Number.isFinite(v)) throw new Error(`E0 expects 'auto' or a number (eV), got '${raw}'`);
    return v;
}
