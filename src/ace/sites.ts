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
import { addNeighbourToG, contractMonomials, monomialWeights, oneParticleValues, pairGradient, type OneParticleScratch } from './evaluate';

export class SiteEvaluator {
  readonly nG: number;
  /** maximal body order K of the basis */
  readonly order: number;
  private readonly w: Float64Array;
  private readonly scratch: OneParticleScratch;
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
    this.scratch = {
      R: new Float64Array(basis.radial.nmax),
      dR: new Float64Array(basis.radial.nmax),
      tmp: new Float64Array(2),
      Y: new Float64Array(basis.harmonics.size),
      dY: new Float64Array(3 * basis.harmonics.size),
    };
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
    const r = Math.sqrt(vx * vx + vy * vy + vz * vz);
    oneParticleValues(this.basis, this.scratch, vx, vy, vz, r, this.phi, grad ? this.dphi : null, 0);
  }

  /**
   * Adds the terms of one neighbour at r_ij = (vx, vy, vz) (Å, strictly inside the cutoff) to the G vector
   * of a site.
   */
  addNeighbour(G: Float64Array, vx: number, vy: number, vz: number): void {
    this.onePartials(vx, vy, vz, false);
    addNeighbourToG(this.basis, this.phi, 0, G);
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
