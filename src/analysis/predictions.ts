/**
 * Per-atom predictions of one model on one frame, with the errors against the frame's DFT labels.
 * DFT has no per-atom energies: the per-atom error is the force error |F_model − F_DFT| of that atom.
 */
import type { Model, UncertaintyPrediction } from '../model/model';
import type { PaceModel } from '../pace/pace-model';
import type { Frame } from '../structure/frame';

export interface FramePrediction {
    natoms: number;
    /** total model energy, eV */
    energy: number;
    /** per-atom model energies E_i (including E0), eV */
    perAtomEnergy: Float64Array;
    /** E_i split by body order K (E0 not included), eV: K → per atom */
    perAtomEnergyByOrder: Record<number, Float64Array>;
    /** model forces, eV/Å, natoms × 3 */
    forces: Float64Array;
    /** |F_model − F_DFT| per atom (eV/Å), or null when the frame has no DFT forces */
    forceError: Float64Array | null;
    /** F_model − F_DFT per atom (eV/Å, natoms × 3), or null */
    forceErrorVector: Float64Array | null;
    /** (F_model − F_DFT) · F̂_DFT per atom (eV/Å; 0 where |F_DFT| = 0), or null */
    forceErrorAlongDft: Float64Array | null;
    /** (E_model − E_DFT)/N in meV/atom, or null without a DFT energy */
    energyErrorPerAtom: number | null;
    /**
     * Predicted standard deviations from the posterior of a Bayesian fit (σ of E_i in eV, of |F_i| in eV/Å;
     * src/model/model.ts `uncertainty`), or null for a model without a posterior (a λ fit, a PACE potential).
     */
    uncertainty: UncertaintyPrediction | null;
}

/** What the engine computes for one frame (Model.predict with forces); plain data, so a worker can send it. */
export interface RawPrediction {
    energy: number;
    perAtomEnergy: Float64Array;
    perAtomEnergyByOrder: Record<number, Float64Array>;
    forces: Float64Array;
    /** posterior standard deviations (models fitted by Bayesian regression), else null or absent */
    uncertainty?: UncertaintyPrediction | null;
}

/** Whether a model carries a posterior (so its predictions have an uncertainty). */
export function hasPosterior(model: Model | PaceModel): boolean {
    return 'uncertaintyFactor' in model && model.uncertaintyFactor() !== null;
}

/** What one frame's prediction consists of (energies, split, forces and, with a posterior, their σ): worker-safe. */
export function rawPrediction(model: Model | PaceModel, frame: Frame): RawPrediction {
    const p = model.predict(frame, { forces: true });
    const uncertainty = 'uncertainty' in model ? model.uncertainty(frame) : null;
    return { energy: p.energy, perAtomEnergy: p.perAtomEnergy, perAtomEnergyByOrder: p.perAtomEnergyByOrder, forces: p.forces!, uncertainty };
}

/** The typed-array buffers of a raw prediction, each once (to transfer it from a worker). */
export function predictionBuffers(p: RawPrediction, into = new Set<ArrayBuffer>()): Set<ArrayBuffer> {
    into.add(p.perAtomEnergy.buffer as ArrayBuffer).add(p.forces.buffer as ArrayBuffer);
    for (const e of Object.values(p.perAtomEnergyByOrder)) into.add(e.buffer as ArrayBuffer);
    if (p.uncertainty) into.add(p.uncertainty.perAtomEnergy.buffer as ArrayBuffer).add(p.uncertainty.perAtomForce.buffer as ArrayBuffer);
    return into;
}

export function predictFrame(model: Model | PaceModel, frame: Frame): FramePrediction {
    return withErrors(rawPrediction(model, frame), frame);
}

/** A raw prediction of `frame` with its errors against the frame's DFT labels. */
export function withErrors(p: RawPrediction, frame: Frame): FramePrediction {
    const n = frame.natoms;
    let forceError: Float64Array | null = null, forceErrorVector: Float64Array | null = null, forceErrorAlongDft: Float64Array | null = null;
    if (frame.forces) {
        forceError = new Float64Array(n);
        forceErrorVector = new Float64Array(3 * n);
        forceErrorAlongDft = new Float64Array(n);
        for (let i = 0; i < n; i++) {
            let sq = 0, along = 0, norm = 0;
            for (let a = 0; a < 3; a++) {
                const d = p.forces[3 * i + a] - frame.forces[3 * i + a];
                forceErrorVector[3 * i + a] = d;
                sq += d * d;
                along += d * frame.forces[3 * i + a];
                norm += frame.forces[3 * i + a] ** 2;
            }
            forceError[i] = Math.sqrt(sq);
            forceErrorAlongDft[i] = norm > 0 ? along / Math.sqrt(norm) : 0;
        }
    }
    return {
        natoms: n,
        energy: p.energy,
        perAtomEnergy: p.perAtomEnergy,
        perAtomEnergyByOrder: p.perAtomEnergyByOrder,
        forces: p.forces,
        forceError,
        forceErrorVector,
        forceErrorAlongDft,
        energyErrorPerAtom: frame.energy === undefined ? null : 1000 * (p.energy - frame.energy) / n,
        uncertainty: p.uncertainty ?? null,
    };
}

/** Σ_{K≥3} of the per-atom energy split (eV) per atom: the many-body part of E_i; zeros for a pair model. */
export function manyBodyEnergy(p: FramePrediction): Float64Array {
    const out = new Float64Array(p.natoms);
    if (Object.keys(p.perAtomEnergyByOrder).length === 0) return out.fill(NaN); // no split (non-linear PACE embedding)
    for (const [K, e] of Object.entries(p.perAtomEnergyByOrder)) if (Number(K) >= 3) for (let i = 0; i < p.natoms; i++) out[i] += e[i];
    return out;
}
