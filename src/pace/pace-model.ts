/**
 * A PACE potential (.yace) as an acelens predictor: what `acelens eval`, `dimer` and `scan` need from a model
 * (order, E0, cutoff, predict). Browser-safe; file reading is in ./pace-node.ts.
 *
 * Body order: for a linear embedding (one density, F(ρ) = ρ) the energy splits by the rank r of the C-tilde
 * products, body order K = r + 1 (for a standard ACE basis this is exactly its body-order split; for a
 * self-interaction-free one exported by acelens, same-neighbour terms sit at lower rank). For a non-linear
 * embedding F(ρ_1, ρ_2, …) no split exists: `bodyOrderNote` says so and the split is empty.
 */
import type { Frame } from '../structure/frame';
import { describeCoreRepulsion, type CoreRepulsionSpec } from '../ace/core-repulsion';
import { fullBondScan, type BondScan, type BondScanOptions } from '../scan/bond-scan';
import { parseYace, PaceEvaluator, type PacePotential, type PacePrediction } from './potential';

export class PaceModel {
    readonly kind = 'pace' as const;
    readonly evaluator: PaceEvaluator;
    readonly order: number;
    readonly e0: number;
    readonly spec: { rcut: number; variant: string; order: number };
    /** number of C-tilde functions (rank 1 included), reported where acelens reports its basis size */
    readonly coefficients: { length: number };
    readonly bodyOrderNote: string | null;
    /** one line describing the potential's core repulsion, null when it has none */
    readonly coreRepulsion: string | null;

    constructor(readonly potential: PacePotential, readonly fileName = 'potential') {
        this.evaluator = new PaceEvaluator(potential);
        this.order = potential.rankmax + 1;
        this.e0 = potential.e0;
        const emb = `${potential.npoti}, ndensity ${potential.ndensity}`;
        this.spec = { rcut: potential.rcut, variant: `PACE ${potential.radbasename}, ${emb}`, order: this.order };
        this.coefficients = { length: potential.rank1.length + potential.functions.length };
        this.coreRepulsion = potential.radial.hasCore ? potential.radial.coreDescription() : null;
        this.bodyOrderNote = potential.linear
            ? null
            : `no body-order split: the embedding ${emb} is non-linear, so the energy is not a sum of body-order terms`;
    }

    static parse(text: string, fileName = 'potential'): PaceModel {
        return new PaceModel(parseYace(text, fileName), fileName);
    }

    predict(frame: Frame, opts: { forces?: boolean } = {}): PacePrediction {
        return this.evaluator.predict(frame, { forces: opts.forces ?? true });
    }
}

/** Bond scan of a PACE potential by full evaluation at every distance (same result type as bondScan). */
export function paceBondScan(model: PaceModel, frame: Frame, opts: BondScanOptions): BondScan {
    return fullBondScan(model, frame, opts, model.bodyOrderNote === null);
}

/** One line describing the core repulsion of an acelens model or a PACE potential; null when there is none. */
export function coreRepulsionOf(model: PaceModel | { spec: { coreRepulsion?: CoreRepulsionSpec } }): string | null {
    if (model instanceof PaceModel) return model.coreRepulsion;
    return model.spec.coreRepulsion ? describeCoreRepulsion(model.spec.coreRepulsion) : null;
}
