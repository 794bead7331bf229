/**
 * Radial basis R_n(r), n = 1..nmax (1-based; polynomial degree n − 1). Two kinds, chosen by the spec's
 * `radial` (every transform and envelope parameter is stored there; see RadialSpec in spec.ts):
 *
 * 'agnesi' (the default, and what model files without `radial` mean):
 *   R_n(r) = √(2n−1) · P_{n−1}(x(r)) · (1 − (r/r_cut)²)^e        for r < r_cut, 0 beyond
 *   P_k Legendre; x(r) the Agnesi-type distance transform (as ACE1x), scaled at r0:
 *     y(r) = 1 / (1 + a s^q / (1 + s^(q−p))),  s = r / r0          (defaults p = 2, q = 4, a = 1, e = 2)
 *   y is 1 at r = 0, ≈ 1 − s⁴ for small r (flat) and ≈ (r0/r)² for large r: resolution concentrated around
 *   r0; mapped linearly to x ∈ [−1, 1] with x(r_in) = 1 and x(r_cut) = −1. The envelope vanishes with its
 *   first derivative at r_cut (for e = 2). ML-PACE has no such radial kind: models with it export to .yace
 *   only approximately (src/pace/export.ts says by how much).
 *
 * 'acejl' (ML-PACE's `ACE.jl.base` radial kind, so exported models are exact):
 *   x(r) = ((1 + r0)/(1 + r))^p,  f(x) = (x − xl)^pl (x − xr)^pr,  xl = x(r_cut), xr = x(r_in)
 *   R_1 = A_0 f,  R_2 = (A_1 x + B_1) R_1,  R_{k+1} = (A_k x + B_k) R_k + C_k R_{k−1}
 *   with the recursion coefficients of √(2k+1)·Legendre_k(t), t = 2 (x − xl)/(xr − xl) − 1 (orthonormal in t
 *   on [−1, 1]), A_0 = 1 / (xr − xl)^pl (so f ∈ [0, 1] on [r_in, r_cut] when pr = 0). This is exactly what
 *   ML-PACE's SHIPsRadPolyBasis::calcP computes from (p, r0, xl, xr, pl, pr, A, B, C).
 * All derivatives are analytic.
 */
import type { RadialSpec } from './spec';

export const DEFAULT_RADIAL: RadialSpec = { kind: 'agnesi', p: 2, q: 4, a: 1, envelope: 2 };

export class RadialBasis {
    readonly nmax: number;
    readonly rcut: number;
    readonly rin: number;
    readonly r0: number;
    readonly kind: RadialSpec['kind'];
    private readonly yin: number;
    private readonly ycut: number;
    private readonly norm: Float64Array;
    // agnesi parameters
    private readonly ap: number;
    private readonly aq: number;
    private readonly aa: number;
    private readonly env: number;
    // acejl parameters and recursion coefficients
    readonly p: number;
    readonly xl: number;
    readonly xr: number;
    readonly pl: number;
    readonly pr: number;
    readonly recA: Float64Array;
    readonly recB: Float64Array;
    readonly recC: Float64Array;

    constructor(nmax: number, rcut: number, rin: number, r0: number, radial: RadialSpec = DEFAULT_RADIAL) {
        this.nmax = nmax;
        this.rcut = rcut;
        this.rin = rin;
        this.kind = radial.kind;
        this.norm = new Float64Array(nmax);
        for (let n = 0; n < nmax; n++) this.norm[n] = Math.sqrt(2 * n + 1);
        if (radial.kind === 'agnesi') {
            this.r0 = r0;
            this.ap = radial.p; this.aq = radial.q; this.aa = radial.a; this.env = radial.envelope;
            this.yin = this.agnesi(rin);
            this.ycut = this.agnesi(rcut);
            this.p = 0; this.xl = 0; this.xr = 0; this.pl = 0; this.pr = 0;
            this.recA = new Float64Array(0); this.recB = new Float64Array(0); this.recC = new Float64Array(0);
        } else {
            this.r0 = radial.r0 ?? r0;
            this.ap = 0; this.aq = 0; this.aa = 0; this.env = 0; this.yin = 0; this.ycut = 0;
            this.p = radial.p; this.pl = radial.pl; this.pr = radial.pr;
            this.xl = this.acejlX(rcut);
            this.xr = this.acejlX(radial.rin ?? rin);
            const rec = legendreRecursion(nmax, this.xl, this.xr, this.pl);
            this.recA = rec.A; this.recB = rec.B; this.recC = rec.C;
        }
    }

    /**
   * y(r_in) − y(r_cut): how much of the transform's range [0, 1] the interval [r_in, r_cut] covers. x is this
   * difference stretched to [−1, 1], so a tiny spread (r_in ≈ r_cut, or r0 far from the cutoff scale) makes
   * every R_n numerically meaningless or infinite.
   */
    static transformSpread(rcut: number, rin: number, r0: number, radial?: RadialSpec): number {
        const b = new RadialBasis(1, rcut, rin, r0, radial);
        return b.yin - b.ycut;
    }

    private agnesi(r: number): number {
        const s = r / this.r0;
        return 1 / (1 + (this.aa * s ** this.aq) / (1 + s ** (this.aq - this.ap)));
    }

    /** the acejl transform x(r) = ((1 + r0)/(1 + r))^p (as ML-PACE computes it) */
    acejlX(r: number): number {
        return Math.pow((1 + this.r0) / (1 + r), this.p);
    }

    /** x(r) and dx/dr (agnesi kind: the Legendre argument in [−1, 1]). */
    transform(r: number, out: Float64Array): void {
        if (this.kind === 'acejl') {
            out[0] = Math.pow((1 + this.r0) / (1 + r), this.p);
            out[1] = (-this.p * Math.pow((1 + r) / (1 + this.r0), -this.p - 1)) / (1 + this.r0);
            return;
        }
        const s = r / this.r0;
        let y: number, dy: number;
        if (this.ap === 2 && this.aq === 4) {
            const s2 = s * s, s4 = s2 * s2; // q − p = 2, q = 4
            const den = 1 + s2;
            const g = (this.aa * s4) / den;
            const dg = (this.aa / this.r0) * (4 * s2 * s * den - s4 * 2 * s) / (den * den);
            y = 1 / (1 + g);
            dy = -dg * y * y;
        } else {
            const p = this.ap, q = this.aq;
            const sq = s ** q, sqp = s ** (q - p);
            const den = 1 + sqp;
            const g = (this.aa * sq) / den;
            const dg = (this.aa / this.r0) * ((q * s ** (q - 1)) * den - sq * (q - p) * s ** (q - p - 1)) / (den * den);
            y = 1 / (1 + g);
            dy = -dg * y * y;
        }
        const scale = 2 / (this.yin - this.ycut);
        out[0] = (y - this.ycut) * scale - 1;
        out[1] = dy * scale;
    }

    /**
   * Fills R[off + n·stride] (n = 0..nmax) with R_1..R_nmax at r and dR likewise with dR/dr. Zero beyond r_cut.
   * `tmp` must have length ≥ 2 (kept for callers; unused by the acejl kind).
   */
    evaluate(r: number, R: Float64Array, dR: Float64Array, tmp: Float64Array, off = 0, stride = 1): void {
        const nmax = this.nmax;
        if (!(r < this.rcut)) {
            for (let n = 0, o = off; n < nmax; n++, o += stride) { R[o] = 0; dR[o] = 0; }
            return;
        }
        if (this.kind === 'acejl') { this.evaluateAcejl(r, R, dR, off, stride); return; }
        this.transform(r, tmp);
        const x = tmp[0], dx = tmp[1];
        const u = r / this.rcut;
        const w = 1 - u * u;
        let env: number, denv: number;
        if (this.env === 2) { env = w * w; denv = (-4 * w * u) / this.rcut; } else { env = w ** this.env; denv = (-2 * this.env * w ** (this.env - 1) * u) / this.rcut; }
        // Legendre P_k(x) and P'_k(x)
        const norm = this.norm;
        let p0 = 1, p1 = x, d0 = 0, d1 = 1;
        for (let n = 0, o = off; n < nmax; n++, o += stride) {
            let p: number, d: number;
            if (n === 0) { p = 1; d = 0; } else if (n === 1) { p = x; d = 1; } else {
                const k = n - 1; // computing P_{k+1}
                p = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
                d = d0 + (2 * k + 1) * p1;
                p0 = p1; p1 = p; d0 = d1; d1 = d;
            }
            const c = norm[n];
            R[o] = c * p * env;
            dR[o] = c * (d * dx * env + p * denv);
        }
    }

    /** ML-PACE's SHIPsRadPolyBasis::calcP (the same recursion; integer powers multiplied out). */
    private evaluateAcejl(r: number, P: Float64Array, dP: Float64Array, off: number, stride: number): void {
        const { xl, xr, pl, pr, recA: A, recB: B, recC: C, nmax, p } = this;
        // x = ((1 + r0)/(1 + r))^p, dx/dr = −p x / (1 + r)
        const q = (1 + this.r0) / (1 + r);
        const x = p === 2 ? q * q : Math.pow(q, p);
        const dx = (-p * x) / (1 + r);
        let f: number, df: number;
        if ((x < xl && pl > 0) || (x > xr && pr > 0)) { f = 0; df = 0; } else if (pr === 0 && pl === 2) {
            const t = x - xl;
            f = t * t; df = 2 * t;
        } else {
            f = Math.pow(x - xl, pl) * Math.pow(x - xr, pr);
            df = pl * Math.pow(x - xl, pl - 1) * Math.pow(x - xr, pr) + Math.pow(x - xl, pl) * pr * Math.pow(x - xr, pr - 1);
        }
        let pm2 = A[0] * f, dm2 = A[0] * df * dx;
        P[off] = pm2; dP[off] = dm2;
        if (nmax === 1) return;
        let pm1 = (A[1] * x + B[1]) * pm2, dm1 = A[1] * dx * pm2 + (A[1] * x + B[1]) * dm2;
        P[off + stride] = pm1; dP[off + stride] = dm1;
        for (let n = 2, o = off + 2 * stride; n < nmax; n++, o += stride) {
            const a = A[n], ax = a * x + B[n], c = C[n];
            const pn = ax * pm1 + c * pm2;
            const dn = a * dx * pm1 + ax * dm1 + c * dm2;
            P[o] = pn; dP[o] = dn;
            pm2 = pm1; pm1 = pn; dm2 = dm1; dm1 = dn;
        }
    }
}

/**
 * Three-term recursion coefficients (ML-PACE convention, index 0..n−1) of Q_k = A_0 √(2k+1) L_k(t) · f,
 * t = α x + β mapping [xl, xr] to [−1, 1], A_0 = 1/|xr − xl|^pl.
 */
export function legendreRecursion(n: number, xl: number, xr: number, pl: number): { A: Float64Array; B: Float64Array; C: Float64Array } {
    const A = new Float64Array(n), B = new Float64Array(n), C = new Float64Array(n);
    const alpha = 2 / (xr - xl), beta = -2 * xl / (xr - xl) - 1;
    const c = (k: number) => Math.sqrt(2 * k + 1);
    if (n > 0) A[0] = 1 / Math.pow(Math.abs(xr - xl), pl);
    if (n > 1) { A[1] = c(1) * alpha; B[1] = c(1) * beta; }
    for (let k = 1; k + 1 < n; k++) {
    // L_{k+1} = ((2k+1) t L_k − k L_{k−1}) / (k+1)
        const s = (c(k + 1) * (2 * k + 1)) / ((k + 1) * c(k));
        A[k + 1] = s * alpha;
        B[k + 1] = s * beta;
        C[k + 1] = (-c(k + 1) * k) / ((k + 1) * c(k - 1));
    }
    return { A, B, C };
}
