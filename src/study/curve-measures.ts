/**
 * Measures of a dimer curve against the DFT reference: position and depth of the minimum, RMS deviation
 * over a distance window, the value at a short distance, and the size of each body order's part.
 * Pure numbers in, numbers out (no models here), so every measure can be tested on known curves.
 */
import type { DftPoint } from './data';

/** Vertex of the parabola through three points (x need not be evenly spaced); null when degenerate. */
export function parabolaVertex(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): { x: number; y: number } | null {
    // Newton form: y = y0 + a(x − x0) + b(x − x0)(x − x1)
    const a = (y1 - y0) / (x1 - x0);
    const b = ((y2 - y1) / (x2 - x1) - a) / (x2 - x0);
    if (!(b > 0)) return null;
    // dy/dx = a + b(2x − x0 − x1) = 0
    const x = (x0 + x1) / 2 - a / (2 * b);
    if (!(x >= x0 && x <= x2)) return null;
    return { x, y: y0 + a * (x - x0) + b * (x - x0) * (x - x1) };
}

export interface CurveMinimum {
  /** distance of the minimum (Å) */
  r: number;
  /** value at the minimum (eV) */
  energy: number;
  /** the lowest sample is the first or last one (the true minimum may lie outside the range) */
  atEdge: boolean;
}

/**
 * Lowest point of sampled values (x ascending), refined by the parabola through it and its neighbours
 * (not beyond the sampled values). Only samples with lo ≤ x ≤ hi are considered. Null with no sample.
 */
export function curveMinimum(x: readonly number[], y: readonly number[], lo = -Infinity, hi = Infinity): CurveMinimum | null {
    let best = -1;
    let first = -1;
    let last = -1;
    for (let i = 0; i < x.length; i++) {
        if (x[i] < lo || x[i] > hi || !Number.isFinite(y[i])) continue;
        if (first < 0) first = i;
        last = i;
        if (best < 0 || y[i] < y[best]) best = i;
    }
    if (best < 0) return null;
    const atEdge = best === first || best === last;
    if (!atEdge) {
        const v = parabolaVertex(x[best - 1], y[best - 1], x[best], y[best], x[best + 1], y[best + 1]);
        if (v && v.y <= y[best]) return { r: v.x, energy: v.y, atEdge };
    }
    return { r: x[best], energy: y[best], atEdge };
}

/** RMS of model − DFT over the DFT points with lo ≤ r ≤ hi; `model` gives the model at those r. */
export function rmsDeviation(points: readonly DftPoint[], model: (r: number) => number, lo: number, hi: number): { rms: number | null; count: number } {
    let s = 0;
    let n = 0;
    for (const p of points) {
        if (p.r < lo - 1e-9 || p.r > hi + 1e-9) continue;
        const d = model(p.r) - p.energy;
        s += d * d;
        n++;
    }
    return { rms: n ? Math.sqrt(s / n) : null, count: n };
}

/** Linear interpolation of sampled values (x ascending); null outside the sampled range. */
export function interpolate(x: readonly number[], y: readonly number[], at: number): number | null {
    if (x.length === 0 || at < x[0] - 1e-12 || at > x[x.length - 1] + 1e-12) return null;
    let i = 0;
    while (i < x.length - 2 && x[i + 1] < at) i++;
    if (x.length === 1) return y[0];
    const t = (at - x[i]) / (x[i + 1] - x[i]);
    return y[i] + Math.min(1, Math.max(0, t)) * (y[i + 1] - y[i]);
}

/** The DFT value at r when a point lies within `tol` Å of it, else null. */
export function dftValueAt(points: readonly DftPoint[], r: number, tol = 1e-3): number | null {
    for (const p of points) if (Math.abs(p.r - r) <= tol) return p.energy;
    return null;
}

/** max_i |values[i]| over samples with lo ≤ x ≤ hi (0 with none). */
export function maxAbs(x: readonly number[], values: readonly number[], lo = -Infinity, hi = Infinity): number {
    let m = 0;
    for (let i = 0; i < values.length; i++) if (x[i] >= lo && x[i] <= hi) m = Math.max(m, Math.abs(values[i]));
    return m;
}
