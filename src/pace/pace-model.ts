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
import { makeFrame } from '../structure/frame';
import { bondVector, scanGrid, type BondScan, type BondScanOptions } from '../scan/bond-scan';
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

    constructor(readonly potential: PacePotential, readonly fileName = 'potential') {
        this.evaluator = new PaceEvaluator(potential);
        this.order = potential.rankmax + 1;
        this.e0 = potential.e0;
        const emb = `${potential.npoti}, ndensity ${potential.ndensity}`;
        this.spec = { rcut: potential.rcut, variant: `PACE ${potential.radbasename}, ${emb}`, order: this.order };
        this.coefficients = { length: potential.rank1.length + potential.functions.length };
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
    const { i, j } = opts;
    const grid = scanGrid(opts.from, opts.to, opts.points);
    const { distance: d0, direction } = bondVector(frame, i, j);
    const start = model.predict(frame, { forces: false }).energy;
    const out: BondScan = {
        i, j, r: grid, energy: [], relativeEnergy: [], forceAlongBond: [], energyByOrder: {}, startDistance: d0, startEnergy: start,
        direction, maxSitesPerPoint: frame.natoms,
    };
    if (model.bodyOrderNote === null) for (let K = 2; K <= model.order; K++) out.energyByOrder[K] = [];
    const p = frame.positions;
    grid.forEach((r, k) => {
        const pos = Float64Array.from(p);
        for (let a = 0; a < 3; a++) pos[3 * j + a] = p[3 * j + a] + (r - d0) * direction[a];
        const f = makeFrame({ positions: pos, species: frame.species, cell: frame.cell, pbc: frame.pbc });
        const q = model.predict(f, { forces: true });
        out.energy.push(q.energy);
        out.relativeEnergy.push(q.energy - start);
        out.forceAlongBond.push(q.forces[3 * j] * direction[0] + q.forces[3 * j + 1] * direction[1] + q.forces[3 * j + 2] * direction[2]);
        for (const K of Object.keys(out.energyByOrder)) out.energyByOrder[Number(K)].push(q.energyByOrder[Number(K)] ?? 0);
        opts.onPoint?.(k, r, q.energy, q.energy - start);
    });
    return out;
}
