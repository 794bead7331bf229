/**
 * Where a model fails, atom by atom: the atoms of a dataset with the largest force error against DFT, each
 * with what helps to read it (its configuration type, how many neighbours it has within a bond length, the
 * DFT force it should feel and the many-body part of its energy). No DOM, no Mol*: tested in Node.
 */
import type { Frame } from '../structure/frame';
import { buildNeighbourList } from '../structure/neighbours';
import { manyBodyEnergy, type FramePrediction } from './predictions';

/** C–C distance (Å) below which two atoms count as bonded neighbours (first shell of sp, sp², sp³ carbon). */
export const BOND_CUTOFF = 1.85;

export interface WorstAtom {
    frame: number;
    atom: number;
    configType: string | null;
    /** |F_model − F_DFT| (eV/Å) */
    forceError: number;
    /** |F_DFT| (eV/Å) */
    dftForce: number;
    /** neighbours within BOND_CUTOFF (periodic images included) */
    neighbours: number;
    /** Σ_{K≥3} of the model's per-atom energy split (eV); 0 for a pair model */
    manyBody: number;
}

/**
 * The `count` atoms with the largest force error over all frames with DFT forces (ties: lower frame, then atom
 * first). `predict` gives the model's prediction of a frame (the store's cached one in the plugin).
 */
export function worstAtoms(frames: readonly Frame[], predict: (f: Frame) => FramePrediction, count = 8): WorstAtom[] {
    const top: { frame: number; atom: number; err: number }[] = [];
    frames.forEach((f, k) => {
        if (!f.forces || f.natoms < 2) return;
        const p = predict(f);
        if (!p.forceError) return;
        for (let i = 0; i < f.natoms; i++) top.push({ frame: k, atom: i, err: p.forceError[i] });
    });
    top.sort((a, b) => b.err - a.err || a.frame - b.frame || a.atom - b.atom);
    return top.slice(0, count).map(({ frame, atom, err }) => {
        const f = frames[frame];
        const p = predict(f);
        const nl = buildNeighbourList(f, BOND_CUTOFF);
        let neighbours = 0;
        for (let q = nl.offsets[atom]; q < nl.offsets[atom + 1]; q++) if (nl.distances[q] < BOND_CUTOFF) neighbours++;
        const F = f.forces!;
        return {
            frame, atom, configType: f.configType ?? null, forceError: err,
            dftForce: Math.hypot(F[3 * atom], F[3 * atom + 1], F[3 * atom + 2]),
            neighbours, manyBody: manyBodyEnergy(p)[atom],
        };
    });
}
