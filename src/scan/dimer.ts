/**
 * Dimer curve of a model: an isolated C₂ (no cell) at distances r, binding energy E(r) − 2·E0 in eV, and
 * its split by body order K (the linear model's energy is Σ_K c_K·B_K, so the parts add up to the curve).
 * For a standard basis every K contributes (self-interaction); for the purified basis only K = 2 does.
 */
import type { Model } from '../model/model';
import { makeFrame } from '../structure/frame';

export interface DimerOptions {
  /** smallest distance (Å), default 0.6 */
  rmin?: number;
  /** largest distance (Å), default 6 */
  rmax?: number;
  /** number of distances, evenly spaced with both ends included, default 200 */
  points?: number;
  /** the distances (Å, each > 0) instead of rmin/rmax/points: e.g. an even grid with the DFT distances merged in */
  grid?: readonly number[];
  /** called after each point (e.g. to stream points into a plot) */
  onPoint?: (index: number, r: number, energy: number) => void;
  signal?: AbortSignal;
}

export interface DimerCurve {
  /** distances (Å) */
  r: number[];
  /** E(r) − 2·E0 (eV) */
  energy: number[];
  /** force on the second atom along the bond, −dE/dr (eV/Å); positive = repulsive */
  force: number[];
  /** body order K (2..order) → its part of the energy (eV); Σ_K contributions[K][i] = energy[i] */
  contributions: Record<number, number[]>;
}

export function dimerGrid(rmin: number, rmax: number, points: number): number[] {
    if (!Number.isFinite(rmin) || !Number.isFinite(rmax) || !(rmin > 0)) throw new Error(`dimer scan: rmin must be a number > 0 Å, got ${rmin}`);
    if (!(rmax > rmin)) throw new Error(`dimer scan: rmax (${rmax}) must be larger than rmin (${rmin})`);
    if (!Number.isInteger(points) || points < 2) throw new Error(`dimer scan: points must be an integer ≥ 2, got ${points}`);
    const r: number[] = [];
    for (let i = 0; i < points; i++) r.push(rmin + ((rmax - rmin) * i) / (points - 1));
    return r;
}

function checkedGrid(grid: readonly number[]): number[] {
    if (grid.length === 0) throw new Error('dimer scan: no distances given');
    for (const x of grid) if (!(Number.isFinite(x) && x > 0)) throw new Error(`dimer scan: every distance must be a number > 0 Å, got ${x}`);
    return [...grid];
}

export function dimerCurve(model: Pick<Model, 'order' | 'e0' | 'predict'>, opts: DimerOptions = {}): DimerCurve {
    const r = opts.grid ? checkedGrid(opts.grid) : dimerGrid(opts.rmin ?? 0.6, opts.rmax ?? 6, opts.points ?? 200);
    const orders: number[] = [];
    for (let K = 2; K <= model.order; K++) orders.push(K);
    const contributions: Record<number, number[]> = {};
    for (const K of orders) contributions[K] = [];
    const energy: number[] = [];
    const force: number[] = [];
    r.forEach((ri, i) => {
        opts.signal?.throwIfAborted();
        const frame = makeFrame({ positions: [0, 0, 0, ri, 0, 0], species: ['C', 'C'] });
        const p = model.predict(frame, { forces: true });
        const e = p.energy - 2 * model.e0;
        energy.push(e);
        force.push(p.forces[3]);
        for (const K of orders) contributions[K].push(p.energyByOrder[K] ?? 0);
        opts.onPoint?.(i, ri, e);
    });
    return { r, energy, force, contributions };
}
