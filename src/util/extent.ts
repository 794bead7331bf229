/**
 * Smallest and largest finite value of an array, by a loop: `Math.min(...values)` passes every value as a call
 * argument and overflows the call stack at ~10⁵ values (a parity plot of a real dataset has 10⁵–10⁶).
 */
export interface Extent { min: number; max: number }

/** Extent of the finite values of one or more arrays; { min: NaN, max: NaN } when there is none. */
export function extent(...arrays: ArrayLike<number>[]): Extent {
    let min = Infinity, max = -Infinity;
    for (const a of arrays) {
        for (let i = 0; i < a.length; i++) {
            const v = a[i];
            if (!Number.isFinite(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
    }
    return min <= max ? { min, max } : { min: NaN, max: NaN };
}

/** Largest finite value, or `fallback` when there is none. */
export function maxOf(values: ArrayLike<number>, fallback = -Infinity): number {
    const e = extent(values);
    return Number.isNaN(e.max) ? fallback : e.max;
}
