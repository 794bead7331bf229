/**
 * Spearman's rank correlation ρ (Pearson correlation of the ranks; ties get their average rank). Used to
 * check predicted uncertainties against actual errors: ρ > 0 means larger predicted uncertainty goes with
 * larger error. Browser-safe.
 */

/** Ranks 1..n of the values, ties sharing their average rank. */
export function ranks(values: ArrayLike<number>): Float64Array {
    const n = values.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
    const r = new Float64Array(n);
    let i = 0;
    while (i < n) {
        let j = i;
        while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
        const avg = (i + j) / 2 + 1;
        for (let k = i; k <= j; k++) r[order[k]] = avg;
        i = j + 1;
    }
    return r;
}

/** Spearman's ρ of two equally long samples; NaN with fewer than two values or a constant sample. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
    if (x.length !== y.length) throw new Error(`spearman: samples of ${x.length} and ${y.length} values`);
    const n = x.length;
    if (n < 2) return NaN;
    const rx = ranks(x);
    const ry = ranks(y);
    const mean = (n + 1) / 2;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
        const a = rx[i] - mean, b = ry[i] - mean;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
