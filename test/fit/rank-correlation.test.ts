import { describe, expect, it } from 'vitest';
import { ranks, spearman } from '../../src/fit/rank-correlation';

describe('Spearman rank correlation', () => {
    it('average ranks for ties; ρ = ±1 for monotone samples, invariant under monotone maps; a textbook value', () => {
        expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
        const x = [0.1, 0.5, 0.3, 2, 1.1];
        expect(spearman(x, x.map((v) => Math.exp(3 * v)))).toBeCloseTo(1, 14);
        expect(spearman(x, x.map((v) => -v * v * v))).toBeCloseTo(-1, 14);
        // ranks x: 1..5 as given, y reverses two neighbours: d² sum = 2 → ρ = 1 − 6·2/(5·24) = 0.9
        expect(spearman([1, 2, 3, 4, 5], [1, 2, 4, 3, 5])).toBeCloseTo(0.9, 14);
        expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
        expect(() => spearman([1], [1, 2])).toThrow(/samples of 1 and 2/);
    });
});
