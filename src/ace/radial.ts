/**
 * Radial basis R_n(r), n = 1..nmax (1-based; polynomial degree n − 1).
 *
 *   R_n(r) = √(2n−1) · P_{n−1}(x(r)) · f_env(r)        for r < r_cut, 0 beyond
 *
 * - P_k: Legendre polynomials (√(2k+1) P_k is orthonormal on [−1, 1] with weight 1/2).
 * - Distance transform (Agnesi type, as ACE1x uses, scaled at r0 with p = 2, q = 4, a = 1):
 *     y(r) = 1 / (1 + a s^q / (1 + s^(q−p))),  s = r / r0
 *   y is 1 at r = 0, ≈ 1 − s⁴ for small r (flat) and ≈ (r0/r)² for large r: resolution concentrated around
 *   r0. It is mapped linearly to x ∈ [−1, 1] with x(r_in) = 1 and x(r_cut) = −1.
 * - Envelope: f_env(r) = (1 − (r/r_cut)²)², which vanishes with its first derivative at r_cut (energies and
 *   forces are continuous when a neighbour crosses the cutoff) and is smooth at r = 0.
 * All derivatives are analytic.
 */

const P = 2, Q = 4, A = 1;

export class RadialBasis {
  readonly nmax: number;
  readonly rcut: number;
  readonly rin: number;
  readonly r0: number;
  private readonly yin: number;
  private readonly ycut: number;
  private readonly norm: Float64Array;

  constructor(nmax: number, rcut: number, rin: number, r0: number) {
    this.nmax = nmax;
    this.rcut = rcut;
    this.rin = rin;
    this.r0 = r0;
    this.yin = this.agnesi(rin);
    this.ycut = this.agnesi(rcut);
    this.norm = new Float64Array(nmax);
    for (let n = 0; n < nmax; n++) this.norm[n] = Math.sqrt(2 * n + 1);
  }

  /**
   * y(r_in) − y(r_cut): how much of the transform's range [0, 1] the interval [r_in, r_cut] covers. x is this
   * difference stretched to [−1, 1], so a tiny spread (r_in ≈ r_cut, or r0 far from the cutoff scale) makes
   * every R_n numerically meaningless or infinite.
   */
  static transformSpread(rcut: number, rin: number, r0: number): number {
    const b = new RadialBasis(1, rcut, rin, r0);
    return b.yin - b.ycut;
  }

  private agnesi(r: number): number {
    const s = r / this.r0;
    return 1 / (1 + (A * s ** Q) / (1 + s ** (Q - P)));
  }

  /** x(r) and dx/dr. */
  transform(r: number, out: Float64Array): void {
    const s = r / this.r0;
    const s2 = s * s, s4 = s2 * s2; // q − p = 2, q = 4
    const den = 1 + s2;
    const g = (A * s4) / den;
    const dg = (A / this.r0) * (4 * s2 * s * den - s4 * 2 * s) / (den * den);
    const y = 1 / (1 + g);
    const dy = -dg * y * y;
    const scale = 2 / (this.yin - this.ycut);
    out[0] = (y - this.ycut) * scale - 1;
    out[1] = dy * scale;
  }

  /**
   * Fills R[0..nmax) with R_1..R_nmax at r and dR with dR/dr. Zero beyond r_cut.
   * `tmp` must have length ≥ 2.
   */
  evaluate(r: number, R: Float64Array, dR: Float64Array, tmp: Float64Array): void {
    const nmax = this.nmax;
    if (r >= this.rcut) {
      for (let n = 0; n < nmax; n++) { R[n] = 0; dR[n] = 0; }
      return;
    }
    this.transform(r, tmp);
    const x = tmp[0], dx = tmp[1];
    const u = r / this.rcut;
    const w = 1 - u * u;
    const env = w * w;
    const denv = (-4 * w * u) / this.rcut;
    // Legendre P_k(x) and P'_k(x)
    let p0 = 1, p1 = x, d0 = 0, d1 = 1;
    for (let n = 0; n < nmax; n++) {
      let p: number, d: number;
      if (n === 0) { p = 1; d = 0; }
      else if (n === 1) { p = x; d = 1; }
      else {
        const k = n - 1; // computing P_{k+1}
        p = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
        d = d0 + (2 * k + 1) * p1;
        p0 = p1; p1 = p; d0 = d1; d1 = d;
      }
      const c = this.norm[n];
      R[n] = c * p * env;
      dR[n] = c * (d * dx * env + p * denv);
    }
  }
}
