import { describe, expect, it } from 'vitest';
import { extent, maxOf } from '../../src/util/extent';

describe('extent', () => {
    it('finds min and max of 10⁶ values without overflowing the stack (Math.max(...a) throws there)', () => {
        const a = new Float64Array(1_000_000);
        for (let i = 0; i < a.length; i++) a[i] = Math.sin(i) * 7;
        a[123_456] = -9; a[654_321] = 11;
        expect(() => Math.max(...a)).toThrow(RangeError);
        expect(extent(a)).toEqual({ min: -9, max: 11 });
    });
    it('pools several arrays and skips NaN and infinities', () => {
        expect(extent([1, NaN, 3], [Infinity, -2])).toEqual({ min: -2, max: 3 });
        expect(extent([])).toEqual({ min: NaN, max: NaN });
        expect(maxOf([], 1)).toBe(1);
        expect(maxOf([0, 4, 2])).toBe(4);
    });
});
