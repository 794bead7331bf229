/**
 * Site energies from an explicit neighbour environment, for incremental evaluation (bond scans: one atom
 * moves, only the sites that see it change).
 *
 * The evaluation graph of basis.ts is additive over neighbours at the level of the G's:
 *   G_g = Σ_j Π_{a ∈ g} φ_a(r_ij),  E_i = E0 + Σ_q w_q Π_{g ∈ q} G_g,  w_q = Σ_k c_k D_kq,
 * so the G vector of a site whose environment changes by one neighbour is the G vector of the fixed
 * neighbours plus the terms of the moving one. This module exposes exactly those three steps
 * (add a neighbour's terms to a G vector, site energy of a G vector with ∂E/∂G, and ∂E_i/∂r_ij of one
 * neighbour) with the same arithmetic as evaluate.ts, so results agree with `predict` to round-off.
 *
 * Nothing is allocated per call: one evaluator owns its scratch buffers (not re-entrant).
 */
import { AceBasis } from './basis';
import { contractMonomials, monomialWeights, pairGradient } from './evaluate';

export class SiteEvaluator {
  readonly nG: number;
  /** maximal body order K of the basis */
  readonly order: number;
  private readonly w: Float64Array;
  private readonly R: Float64Array;
  private readonly dR: Float64Array;
  private readonly tmp = new Float64Array(2);
  private readonly Y: Float64Array;
  private readonly dY: Float64Array;
  private readonly phi: Float64Array;
  private readonly dphi: Float64Array;
  private readonly adj: Float64Array;
  private readonly byNu: Float64Array;

  constructor(
    readonly basis: AceBasis,
    coefficients: ArrayLike<number>,
    readonly e0: number,
  ) {
    this.w = monomialWeights(basis, coefficients);
    this.nG = basis.nG;
    this.order = basis.spec.order;
    this.R = new Float64Array(basis.radial.nmax);
    this.dR = new Float64Array(basis.radial.nmax);
    this.Y = new Float64Array(basis.harmonics.size);
    this.dY = new Float64Array(3 * basis.harmonics.size);
    this.phi = new Float64Array(basis.nOne);
    this.dphi = new Float64Array(3 * basis.nOne);
    this.adj = new Float64Array(basis.nOne);
    this.byNu = new Float64Array(this.order);
  }

  /** A zeroed G vector (an empty environment). */
  newG(): Float64Array {
    return new Float64Array(this.nG);
  }

  /** φ_a at the neighbour vector (vx, vy, vz) into this.phi (and dφ into this.dphi when grad). */
  private onePartials(vx: number, vy: number, vz: number, grad: boolean): void {
    const b = this.basis;
    const { nOne, oneN, oneLM, radial, harmonics } = b;
    const { R, dR, tmp, Y, dY, phi, dphi } = this;
    const r = Math.sqrt(vx * vx + vy * vy + vz * vz);
    radial.evaluate(r, R, dR, tmp);
    if (grad) {
      harmonics.evaluate(vx, vy, vz, Y, dY);
      const ux = vx / r, uy = vy / r, uz = vz / r;
      for (let a = 0; a < nOne; a++) {
        const n = oneN[a], lm = oneLM[a];
        const Rn = R[n], y = Y[lm];
        phi[a] = Rn * y;
        const t = dR[n] * y, o = 3 * a, q = 3 * lm;
        dphi[o] = t * ux + Rn * dY[q];
        dphi[o + 1] = t * uy + Rn * dY[q + 1];
        dphi[o + 2] = t * uz + Rn * dY[q + 2];
      }
    } else {
      harmonics.evaluate(vx, vy, vz, Y);
      for (let a = 0; a < nOne; a++) phi[a] = R[oneN[a]] * Y[oneLM[a]];
    }
  }

  /**
   * Adds the terms of one neighbour at r_ij = (vx, vy, vz) (Å, strictly inside the cutoff) to the G vector
   * of a site.
   */
  addNeighbour(G: Float64Array, vx: number, vy: number, vz: number): void {
    this.onePartials(vx, vy, vz, false);
    const { nOne, nG, gStart, gOne } = this.basis;
    const phi = this.phi;
    for (let a = 0; a < nOne; a++) G[a] += phi[a];
    for (let g = nOne; g < nG; g++) {
      const s0 = gStart[g], s1 = gStart[g + 1];
      let p = phi[gOne[s0]] * phi[gOne[s0 + 1]];
      for (let s = s0 + 2; s < s1; s++) p *= phi[gOne[s]];
      G[g] += p;
    }
  }

  /**
   * Site energy E0 + Σ_q w_q M_q(G) (eV). When `byOrder` is given, byOrder[K] += the part of body order K
   * (E0 not included; length ≥ order + 1). When `gG` is given it receives ∂E/∂G.
   */
  siteEnergy(G: Float64Array, byOrder?: Float64Array, gG?: Float64Array): number {
    const byNu = this.byNu;
    if (byOrder) byNu.fill(0);
    if (gG) gG.fill(0);
    const E = contractMonomials(this.basis, this.w, G, byOrder ? byNu : null, gG ?? null);
    if (byOrder) for (let nu = 1; nu < this.order; nu++) byOrder[nu + 1] += byNu[nu];
    return this.e0 + E;
  }

  /**
   * ∂E_i/∂r_ij (eV/Å) of the neighbour at r_ij = (vx, vy, vz), given gG = ∂E_i/∂G of the site (from
   * siteEnergy), into out[0..3). The force on the site gets +this, the force on the neighbour −this.
   */
  neighbourGradient(gG: Float64Array, vx: number, vy: number, vz: number, out: Float64Array): void {
    this.onePartials(vx, vy, vz, true);
    pairGradient(this.basis, gG, this.phi, this.dphi, 0, this.adj, out);
  }
}
