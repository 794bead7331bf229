/**
 * Site energies from an explicit neighbour environment, for incremental evaluation (bond scans: one atom
 * moves, only the sites that see it change).
 *
 * The evaluation graph of basis.ts is additive over neighbours at the level of the G's:
 *   G_g = Σ_j Π_{a ∈ g} φ_a(r_ij),  E_i = E0 + Σ_q w_q Π_{g ∈ q} G_g,  w_q = Σ_k c_k D_kq,
 * so the G vector of a site whose environment changes by one neighbour is the G vector of the fixed
 * neighbours plus the terms of the moving one. This module exposes exactly those three steps
 * (add a neighbour's terms to a G vector, site energy of a G vector with ∂E/∂G, and ∂E_i/∂r_ij of one
 * neighbour) through the same evaluator (evaluator.ts) as `predict`, so results agree with it to round-off.
 *
 * Nothing is allocated per call: one evaluator owns its scratch buffers (not re-entrant).
 */
import { AceBasis } from './basis';
import { monomialWeights } from './evaluate';
import { AceEvaluator, type RadialMode } from './evaluator';

export class SiteEvaluator {
    readonly nG: number;
    /** maximal body order K of the basis */
    readonly order: number;
    private readonly w: Float64Array;
    private readonly ev: AceEvaluator;
    private readonly byNu: Float64Array;

    constructor(
    readonly basis: AceBasis,
    coefficients: ArrayLike<number>,
    readonly e0: number,
    radial: RadialMode = 'analytic',
    ) {
        this.w = monomialWeights(basis, coefficients);
        this.nG = basis.nG;
        this.order = basis.spec.order;
        this.ev = new AceEvaluator(basis, radial);
        this.byNu = new Float64Array(this.order);
    }

    /** A zeroed G vector (an empty environment). */
    newG(): Float64Array {
        return new Float64Array(this.nG);
    }

    /**
   * Adds the terms of one neighbour at r_ij = (vx, vy, vz) (Å, strictly inside the cutoff) to the G vector
   * of a site.
   */
    addNeighbour(G: Float64Array, vx: number, vy: number, vz: number): void {
        this.ev.setNeighbour(0, vx, vy, vz, Math.sqrt(vx * vx + vy * vy + vz * vz));
        this.ev.addToG(0, G);
    }

    /**
   * Site energy E0 + Σ_q w_q M_q(G) (eV). When `byOrder` is given, byOrder[K] += the part of body order K
   * (E0 not included; length ≥ order + 1). When `gG` is given it receives ∂E/∂G.
   */
    siteEnergy(G: Float64Array, byOrder?: Float64Array, gG?: Float64Array): number {
        const byNu = this.byNu;
        if (byOrder) byNu.fill(0);
        this.ev.V.set(G);
        const E = this.ev.contract(this.w, byOrder ? byNu : null, gG ?? null);
        if (byOrder) for (let nu = 1; nu < this.order; nu++) byOrder[nu + 1] += byNu[nu];
        return this.e0 + E;
    }

    /**
   * ∂E_i/∂r_ij (eV/Å) of the neighbour at r_ij = (vx, vy, vz), given gG = ∂E_i/∂G of the site (from
   * siteEnergy), into out[0..3). The force on the site gets +this, the force on the neighbour −this.
   */
    neighbourGradient(gG: Float64Array, vx: number, vy: number, vz: number, out: Float64Array): void {
        const r = Math.sqrt(vx * vx + vy * vy + vz * vz);
        this.ev.setNeighbour(0, vx, vy, vz, r);
        this.ev.pairGradient(gG, 0, vx, vy, vz, r, out);
    }
}
