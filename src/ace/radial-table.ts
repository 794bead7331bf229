/**
 * Tabulated radial functions: R_n(r) and dR_n/dr by cubic Hermite interpolation on a uniform grid over
 * [TABLE_RMIN = 0.5 Å, r_cut] (closer pairs are evaluated analytically), built from the analytic RadialBasis (radial.ts, which stays the reference and the path tests use).
 *
 * Two interpolants per n on the same nodes r_i = i·h:
 *   R_n  from (R_n(r_i), R_n'(r_i))      (error ~ h⁴ |R⁗| / 384)
 *   R_n' from (R_n'(r_i), R_n''(r_i))    (R'' by a fourth-order finite difference of the analytic R')
 * so values and derivatives are both accurate to O(h⁴). The grid is refined (h halved) until the error
 * measured against the analytic form at every interval midpoint (where a cubic Hermite interpolant's error
 * is largest) is at most `tolerance` relative to max_r |R_n| (values) and max_r |R_n'| (derivatives), for
 * every n. The measured errors are kept (`errorValue`, `errorDerivative`) and the tests check them again at
 * random points. Default tolerance 5e-11, a 2× margin under the promised 1e-10.
 *
 * Memory: (intervals + 1) · nmax · 4 doubles, e.g. 16 384 intervals × 24 radial functions ≈ 12.6 MB for the
 * study's basis (the Agnesi radial of degree 23 needs h ≈ 3e-4 Å); 8 192 × 16 ≈ 4 MB for the default bases.
 * Tables are shared between all evaluators of one RadialBasis.
 */
import type { RadialBasis } from './radial';

/** The accuracy the tabulated radials promise (relative to max |R_n| and max |R_n'|). */
export const RADIAL_TABLE_ACCURACY = 1e-10;
/** Lower end of the tables (Å): no two carbon atoms come this close in any data set (C–C bonds ≥ 1.2 Å). */
export const TABLE_RMIN = 0.5;

export class RadialTable {
    readonly nmax: number;
    readonly rcut: number;
    /** the table covers [rmin, r_cut]; closer pairs (unphysical, rare) are evaluated analytically */
    readonly rmin: number;
    readonly intervals: number;
    readonly h: number;
    /** largest measured |R_table − R| / max_r |R_n| (over n and interval midpoints) */
    readonly errorValue: number;
    /** largest measured |R'_table − R'| / max_r |R_n'| */
    readonly errorDerivative: number;
    private readonly invh: number;
    private readonly tmp = new Float64Array(2);
    /** node-major: for node i and radial n, [R, h·R', R', h·R''] at stride 4·nmax */
    private readonly data: Float64Array;

    constructor(readonly radial: RadialBasis, tolerance = RADIAL_TABLE_ACCURACY / 2, maxIntervals = 1 << 16) {
        this.nmax = radial.nmax;
        this.rcut = radial.rcut;
        this.rmin = Math.min(TABLE_RMIN, radial.rcut / 2);
        let intervals = 2048;
        let built = this.build(intervals);
        let err = this.measure(built, intervals);
        while (Math.max(err.value, err.derivative) > tolerance && intervals < maxIntervals) {
            // error ∝ h⁴: jump straight to the predicted size (a power of two), then check again
            const factor = Math.pow(Math.max(err.value, err.derivative) / tolerance, 0.25);
            intervals = Math.min(maxIntervals, intervals * Math.max(2, 2 ** Math.ceil(Math.log2(factor))));
            built = this.build(intervals);
            err = this.measure(built, intervals);
        }
        this.data = built;
        this.intervals = intervals;
        this.h = (this.rcut - this.rmin) / intervals;
        this.invh = intervals / (this.rcut - this.rmin);
        this.errorValue = err.value;
        this.errorDerivative = err.derivative;
    }

    /** Analytic R and R' at r, evaluated just inside the cutoff at r = r_cut (the left limit) and never at exactly 0. */
    private analytic(r: number, R: Float64Array, dR: Float64Array, tmp: Float64Array): void {
        const rr = r >= this.rcut ? this.rcut * (1 - 1e-15) : r;
        this.radial.evaluate(rr, R, dR, tmp);
        // 0·∞ at exactly x = x(r_in) in the acejl envelope's derivative (pr = 0): use the limit from a hair away
        if (!Number.isFinite(R[0]) || !Number.isFinite(dR[0])) this.radial.evaluate(rr * (1 - 1e-13), R, dR, tmp);
    }

    private build(intervals: number): Float64Array {
        const nmax = this.nmax, h = (this.rcut - this.rmin) / intervals, stride = 4 * nmax;
        const data = new Float64Array((intervals + 1) * stride);
        const R = new Float64Array(nmax), dR = new Float64Array(nmax), tmp = new Float64Array(2);
        const f = [0, 1, 2, 3, 4].map(() => new Float64Array(nmax));
        const scratch = new Float64Array(nmax);
        const d = Math.min(1e-4, h / 4); // finite-difference step for R''
        for (let i = 0; i <= intervals; i++) {
            const r = this.rmin + i * h;
            this.analytic(r, R, dR, tmp);
            // R'' by a fourth-order difference of R' (central; one-sided at r_cut, where the cutoff truncates)
            let offs: number[], w: number[];
            if (r + 2 * d < this.rcut) { offs = [-2, -1, 1, 2]; w = [1, -8, 8, -1]; } else { offs = [0, -1, -2, -3, -4]; w = [25, -48, 36, -16, 3]; }
            for (let s = 0; s < offs.length; s++) {
                this.analytic(r + offs[s] * d, scratch, f[s], tmp);
            }
            const o = i * stride;
            for (let n = 0; n < nmax; n++) {
                let d2 = 0;
                for (let s = 0; s < offs.length; s++) d2 += w[s] * f[s][n];
                d2 /= 12 * d;
                data[o + 4 * n] = R[n];
                data[o + 4 * n + 1] = h * dR[n];
                data[o + 4 * n + 2] = dR[n];
                data[o + 4 * n + 3] = h * d2;
            }
        }
        return data;
    }

    /** Largest relative errors at the interval midpoints (values and derivatives). */
    private measure(data: Float64Array, intervals: number): { value: number; derivative: number } {
        const nmax = this.nmax, h = (this.rcut - this.rmin) / intervals, invh = intervals / (this.rcut - this.rmin);
        const R = new Float64Array(nmax), dR = new Float64Array(nmax), tmp = new Float64Array(2);
        const T = new Float64Array(nmax), dT = new Float64Array(nmax);
        const eR = new Float64Array(nmax), eD = new Float64Array(nmax), mR = new Float64Array(nmax), mD = new Float64Array(nmax);
        for (let i = 0; i < intervals; i++) {
            this.analytic(this.rmin + i * h, R, dR, tmp);
            for (let n = 0; n < nmax; n++) { mR[n] = Math.max(mR[n], Math.abs(R[n])); mD[n] = Math.max(mD[n], Math.abs(dR[n])); }
            const r = this.rmin + (i + 0.5) * h;
            this.analytic(r, R, dR, tmp);
            interpolate(data, nmax, invh, r - this.rmin, T, dT);
            for (let n = 0; n < nmax; n++) { eR[n] = Math.max(eR[n], Math.abs(T[n] - R[n])); eD[n] = Math.max(eD[n], Math.abs(dT[n] - dR[n])); }
        }
        let value = 0, derivative = 0;
        for (let n = 0; n < nmax; n++) {
            value = Math.max(value, mR[n] > 0 ? eR[n] / mR[n] : eR[n]);
            derivative = Math.max(derivative, mD[n] > 0 ? eD[n] / mD[n] : eD[n]);
        }
        if (!Number.isFinite(value) || !Number.isFinite(derivative)) throw new Error('internal: radial table has non-finite entries');
        return { value, derivative };
    }

    /** R[off + n·stride] = R_n(r), dR[off + n·stride] = R_n'(r) (n = 0..nmax); zero at and beyond r_cut. */
    evaluate(r: number, R: Float64Array, dR: Float64Array, off = 0, stride = 1): void {
        const nmax = this.nmax;
        if (!(r < this.rcut)) {
            for (let n = 0, o = off; n < nmax; n++, o += stride) { R[o] = 0; dR[o] = 0; }
            return;
        }
        if (r < this.rmin) {
            this.radial.evaluate(r, R, dR, this.tmp, off, stride);
            return;
        }
        interpolate(this.data, nmax, this.invh, r - this.rmin, R, dR, off, stride);
    }
}

function interpolate(data: Float64Array, nmax: number, invh: number, r: number, R: Float64Array, dR: Float64Array, off = 0, stride = 1): void {
    let t = r * invh;
    let i = t | 0;
    if (i < 0) i = 0;
    t -= i;
    const t2 = t * t, t3 = t2 * t;
    const h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = 3 * t2 - 2 * t3, h11 = t3 - t2;
    const step = 4 * nmax;
    let a = i * step, b = a + step;
    for (let n = 0, o = off; n < nmax; n++, o += stride, a += 4, b += 4) {
        R[o] = h00 * data[a] + h10 * data[a + 1] + h01 * data[b] + h11 * data[b + 1];
        dR[o] = h00 * data[a + 2] + h10 * data[a + 3] + h01 * data[b + 2] + h11 * data[b + 3];
    }
}

const tables = new WeakMap<RadialBasis, RadialTable>();
/** The shared table of a radial basis (built on first use). */
export function radialTable(radial: RadialBasis): RadialTable {
    let t = tables.get(radial);
    if (!t) { t = new RadialTable(radial); tables.set(radial, t); }
    return t;
}
