/**
 * The legend says when the colours cannot show the values (issue 25, item 4): every atom (nearly) one value at
 * the colour range in use, with the reason for the many-body part of a standard-basis model.
 */
import { describe, expect, it } from 'vitest';
import { colourRange, uniformNote } from '../../plugin/themes/atom-quantity';
import { ManyBodyEnergy, PerAtomEnergy } from '../../plugin/themes/quantities';

describe('uniformNote', () => {
    it('many-body part of a standard model: large, nearly equal on every atom → one colour, and why', () => {
        const v = Float64Array.from([-10.21, -10.2, -10.19, -10.2]);
        const range = colourRange(v, ManyBodyEnergy.kind, 'robust', { min: 0, max: 1 });
        const note = uniformNote(ManyBodyEnergy, v, range, 'standard')!;
        expect(note).toMatch(/^every atom -10\.20 eV \(spread 0\.020 eV\): one colour at this range\. A standard basis includes self-interaction/);
        // a self-interaction-free model gets the plain statement
        expect(uniformNote(ManyBodyEnergy, v, range, 'purified')).toBe('every atom -10.20 eV (spread 0.020 eV): one colour at this range.');
    });
    it('no note where the colours show differences, or for a single value', () => {
        const v = Float64Array.from([-1, 0.5, 2, -0.3]);
        expect(uniformNote(ManyBodyEnergy, v, colourRange(v, 'diverging', 'robust', { min: 0, max: 1 }), 'standard')).toBeUndefined();
        const w = Float64Array.from([-7.1, -7.3, -7.2]);
        expect(uniformNote(PerAtomEnergy, w, colourRange(w, 'sequential', 'minmax', { min: 0, max: 1 }))).toBeUndefined();
        expect(uniformNote(PerAtomEnergy, [1], colourRange(Float64Array.of(1), 'sequential', 'minmax', { min: 0, max: 1 }))).toBeUndefined();
    });
    it('a crystal (every atom alike) on a sequential scale: one colour, said', () => {
        const v = Float64Array.from([-7.5, -7.5, -7.5]);
        const note = uniformNote(PerAtomEnergy, v, colourRange(v, 'sequential', 'robust', { min: 0, max: 1 }));
        expect(note).toBe('every atom -7.50 eV (spread 0.000 eV): one colour at this range.');
    });
});
