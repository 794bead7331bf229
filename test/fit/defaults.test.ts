/**
 * One set of fit defaults (issue 25, item 6): the CLI's and the Fit panel's settings both come from
 * src/fit/defaults.ts, so the same body order K gives the same basis (the browser test
 * test/e2e/new-user.e2e.test.ts checks the panel's model against this).
 */
import { describe, expect, it } from 'vitest';
import { AceBasis } from '../../src/ace/basis';
import { defaultSpec, scaledDegrees } from '../../src/ace/spec';
import { FIT_DEFAULTS, parseE0 } from '../../src/fit/defaults';
import { DEFAULT_LAMBDA } from '../../src/fit/fit';
import { FIT_OPTIONS } from '../../src/cli/commands/fit';
import { specFromOptions } from '../../src/cli/commands/fit-run';

describe('fit defaults shared by the CLI and the Fit panel', () => {
    it('the panel degree D₁ gives the CLI basis for every K (K = 3: 118 functions)', () => {
        for (const K of [2, 3, 4, 5]) {
            const cli = specFromOptions({ order: K });
            const panel = { ...defaultSpec(K, FIT_DEFAULTS.variant), rcut: FIT_DEFAULTS.rcut, maxDegree: scaledDegrees(FIT_DEFAULTS.degree, K) };
            expect(panel).toEqual(cli);
        }
        expect(AceBasis.create(specFromOptions({ order: 3 })).size).toBe(118);
    });
    it('the CLI help shows the shared values', () => {
        expect(FIT_OPTIONS.degree.default).toBe('16');
        // the default solver is Bayesian (issue 20) on both sides; ridge with λ = DEFAULT_LAMBDA is the option
        expect(FIT_DEFAULTS.solver).toBe('blr');
        expect(FIT_OPTIONS.solver.default).toMatch(new RegExp(`^${FIT_DEFAULTS.solver}`));
        expect(FIT_DEFAULTS.lambda).toBe(DEFAULT_LAMBDA);
        expect(FIT_OPTIONS['valid-fraction'].default).toBe(String(FIT_DEFAULTS.validFraction));
        expect(FIT_OPTIONS.e0.default).toBe('auto');
        expect(FIT_OPTIONS['virial-weight'].default).toBe(String(FIT_DEFAULTS.virialWeight));
    });
    it("E0 as typed: 'auto' or empty, or a finite number; anything else says what was expected", () => {
        expect(parseE0('auto')).toBe('auto');
        expect(parseE0('  ')).toBe('auto');
        expect(parseE0(' -0.16 ')).toBe(-0.16);
        expect(() => parseE0('abc')).toThrow("E0 expects 'auto' or a number (eV), got 'abc'");
        expect(() => parseE0('1e999')).toThrow(/expects 'auto' or a number/);
    });
});
