/**
 * Force error against the nearest-neighbour distance, atom by atom. Carbon potentials usually break at short
 * range (the repulsive wall, compressed cells, hot rattles): this tells whether a model's large force errors
 * sit on atoms with a close neighbour, and from which distance on the errors grow. No DOM, no Mol*: tested
 * in Node; the Models panel plots it.
 */
import { csvLine } from '../io/csv';
import type { Frame } from '../structure/frame';
import { nearestNeighbourDistances } from '../structure/neighbours';
import type { FramePrediction } from './predictions';

/** Å: an atom without a neighbour closer than this (an isolated atom, a far fragment) is left out. */
export const NEAREST_RMAX = 3.0;

/** Nearest-neighbour distances per frame (Infinity: none within NEAREST_RMAX), cached: they depend only on the geometry, the plots are redrawn for every model. */
const nearestCache = new WeakMap<Frame, Float64Array>();

export function nearestOf(f: Frame): Float64Array {
    let d = nearestCache.get(f);
    if (!d) nearestCache.set(f, d = nearestNeighbourDistances(f, NEAREST_RMAX));
    return d;
}

export interface AtomErrorPoint {
    frame: number;
    atom: number;
    configType: string | null;
    /** distance to the nearest neighbour, periodic images included (Å) */
    nearest: number;
    /** |F_model − F_DFT| (eV/Å) */
    forceError: number;
}

/**
 * Every atom with a DFT force and a neighbour within NEAREST_RMAX, over all frames: its nearest-neighbour
 * distance and force error. `predict` gives the model's prediction of a frame (the store's cached one in the
 * plugin). Frames in order, atoms in order. The distances are cached per frame object (frames are not mutated).
 */
export function forceErrorByNearestNeighbour(frames: readonly Frame[], predict: (f: Frame) => FramePrediction): AtomErrorPoint[] {
    const out: AtomErrorPoint[] = [];
    frames.forEach((f, k) => {
        if (!f.forces || f.natoms === 0) return;
        const err = predict(f).forceError;
        if (!err) return;
        const nearest = nearestOf(f);
        for (let i = 0; i < f.natoms; i++) {
            if (nearest[i] === Infinity) continue;
            out.push({ frame: k, atom: i, configType: f.configType ?? null, nearest: nearest[i], forceError: err[i] });
        }
    });
    return out;
}

export interface DistanceBin {
    /** bin [lo, hi) of nearest-neighbour distance (Å) */
    lo: number;
    hi: number;
    count: number;
    /** median, 90th percentile (nearest rank) and root mean square of |ΔF| in the bin (eV/Å) */
    median: number;
    p90: number;
    rms: number;
}

/** Nearest-rank quantile q ∈ (0, 1] of ascending values. */
function quantile(sorted: readonly number[], q: number): number {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The points binned by nearest-neighbour distance in bins of `width` Å aligned to multiples of the width:
 * the non-empty bins in ascending order, each with the median, 90th percentile and RMS of |ΔF|. The median
 * (robust) is the curve to read; the 90th percentile shows where the tail of bad atoms starts.
 */
export function binByDistance(points: readonly AtomErrorPoint[], width = 0.05): DistanceBin[] {
    if (!(width > 0)) throw new Error(`binByDistance: the bin width must be a positive number of Å, got ${width}`);
    const bins = new Map<number, number[]>();
    for (const p of points) {
        const b = Math.floor(p.nearest / width);
        let v = bins.get(b);
        if (!v) bins.set(b, v = []);
        v.push(p.forceError);
    }
    return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([b, v]) => {
        v.sort((x, y) => x - y);
        let sq = 0;
        for (const x of v) sq += x * x;
        return { lo: b * width, hi: (b + 1) * width, count: v.length, median: quantile(v, 0.5), p90: quantile(v, 0.9), rms: Math.sqrt(sq / v.length) };
    });
}

/** The points grouped by config_type (null → 'no config_type'), groups in order of first appearance. */
export function groupByConfigType(points: readonly AtomErrorPoint[]): Map<string, AtomErrorPoint[]> {
    const out = new Map<string, AtomErrorPoint[]>();
    for (const p of points) {
        const key = p.configType ?? 'no config_type';
        let g = out.get(key);
        if (!g) out.set(key, g = []);
        g.push(p);
    }
    return out;
}

/** CSV of the points: frame, atom, config_type, nearest-neighbour distance (Å), |ΔF| (eV/Å), full precision. */
export function atomErrorsCsv(points: readonly AtomErrorPoint[]): string {
    const lines = [csvLine(['frame', 'atom', 'config_type', 'nearest_neighbour_A', 'force_error_eV_A'])];
    for (const p of points) lines.push(csvLine([p.frame, p.atom, p.configType, p.nearest, p.forceError]));
    return lines.join('\n') + '\n';
}
