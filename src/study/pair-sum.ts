/**
 * Why bulk training cannot give the dimer curve (the reference study's argument, computed on acelens' own
 * data): the DFT C₂ curve used as a pair potential, summed over every pair within the cutoff of a bulk
 * structure, against that structure's DFT energy. A bulk fit's two-body part is an effective function that
 * absorbs the many-body screening, not the dimer curve.
 *
 * Units: Å, eV; energies relative to the isolated atoms (E − N·E0), per atom.
 */
import { isIsolatedAtom } from '../fit/fit';
import type { Frame } from '../structure/frame';
import { buildNeighbourList } from '../structure/neighbours';
import type { DftPoint } from './data';

export interface PairSumSummary {
  /** structures summed (isolated atoms and structures without an energy left out) */
  structures: number;
  /** mean over the structures of Σ_pairs V_DFT(r_ij) / N (eV/atom) */
  pairSumPerAtom: number;
  /** mean over the structures of (E_DFT − N·E0) / N (eV/atom) */
  dftPerAtom: number;
  /** pairs shorter than the curve's first point (their V is the first point's value) */
  pairsBelowCurve: number;
  /** the cutoff (Å) */
  rcut: number;
}

/** V(r) by linear interpolation of the sorted DFT points; the end values outside them. */
export function interpolateCurve(points: readonly DftPoint[], r: number): number {
    const n = points.length;
    if (r <= points[0].r) return points[0].energy;
    if (r >= points[n - 1].r) return points[n - 1].energy;
    let lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (points[mid].r <= r) lo = mid; else hi = mid;
    }
    const a = points[lo], b = points[hi];
    return a.energy + ((b.energy - a.energy) * (r - a.r)) / (b.r - a.r);
}

/** Σ over pairs i < j (periodic images included) with r_ij < rcut of V_DFT(r_ij) (eV), and how many pairs lay below the curve. */
export function pairSum(frame: Frame, curve: readonly DftPoint[], rcut: number): { energy: number; below: number } {
    const nl = buildNeighbourList(frame, rcut);
    let twice = 0, below = 0;
    for (let k = 0; k < nl.distances.length; k++) {
        const d = nl.distances[k];
        if (d >= rcut) continue;
        twice += interpolateCurve(curve, d);
        if (d < curve[0].r) below++;
    }
    // the full neighbour list holds every pair twice (i → j and j → i)
    return { energy: twice / 2, below: below / 2 };
}

/** The pair sum of every structure of a pool against its DFT energy, averaged per atom; null without data. */
export function pairSumSummary(frames: readonly Frame[], curve: readonly DftPoint[], e0: number, rcut: number): PairSumSummary | null {
    if (curve.length < 2) return null;
    let n = 0, sumPair = 0, sumDft = 0, below = 0;
    for (const f of frames) {
        if (isIsolatedAtom(f) || f.energy === undefined || f.natoms < 2) continue;
        const p = pairSum(f, curve, rcut);
        sumPair += p.energy / f.natoms;
        sumDft += (f.energy - f.natoms * e0) / f.natoms;
        below += p.below;
        n++;
    }
    return n ? { structures: n, pairSumPerAtom: sumPair / n, dftPerAtom: sumDft / n, pairsBelowCurve: below, rcut } : null;
}
