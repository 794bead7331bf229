/**
 * The errors of one model on a whole dataset, column by column (typed arrays, one entry per atom or per
 * force component), so that plots of 10⁵–10⁶ points, their selections and the 3D view can refer to the same
 * atoms by one integer: the atom's id in the dataset (frame offset + atom index). No DOM, no Mol*: the plot
 * area of the plugin and the CLI share it.
 */
import type { Frame } from '../structure/frame';
import { isIsolatedAtom } from '../fit/fit';
import { nearestOf } from './error-by-distance';
import type { FramePrediction } from './predictions';

export interface AcelensDatasetLike { name?: string; frames: readonly Frame[] }

/** Dataset-wide atom ids: id = offsets[frame] + atom. */
export class AtomIndex {
    readonly offsets: Int32Array;
    readonly total: number;
    constructor(frames: readonly Frame[]) {
        this.offsets = new Int32Array(frames.length + 1);
        for (let k = 0; k < frames.length; k++) this.offsets[k + 1] = this.offsets[k] + frames[k].natoms;
        this.total = this.offsets[frames.length];
    }
    id(frame: number, atom: number): number { return this.offsets[frame] + atom; }
    /** The frame an id belongs to (binary search). */
    frameOf(id: number): number {
        if (!(id >= 0 && id < this.total)) throw new RangeError(`atom id ${id} outside the dataset (0…${this.total - 1})`);
        let lo = 0, hi = this.offsets.length - 2;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.offsets[mid] <= id) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
    atomOf(id: number): number { return id - this.offsets[this.frameOf(id)]; }
}

/** Label of frames without config_type. */
export const NO_CONFIG_TYPE = 'no config_type';

export interface DatasetErrors {
    index: AtomIndex;
    /** distinct config_types in order of first appearance */
    configTypes: string[];
    /** per frame: index into configTypes */
    frameConfigType: Int32Array;
    /** per atom: index into configTypes */
    atomConfigType: Int32Array;
    /** per atom: |F_model − F_DFT| (eV/Å); NaN without DFT forces */
    forceError: Float64Array;
    /** per atom: |F_DFT| (eV/Å); NaN without DFT forces */
    dftForce: Float64Array;
    /** per atom: distance to the nearest neighbour, periodic images included (Å); NaN when none within NEAREST_RMAX */
    nearest: Float64Array;
    /** per frame: (E − N·E0)/N of DFT and of the model (eV/atom, E0 of the model); NaN without a DFT energy or for one atom */
    energyDft: Float64Array;
    energyModel: Float64Array;
    /** force components of the atoms with DFT forces (eV/Å), in atom order, x y z per atom; `atom` is the atom id of each */
    force: { dft: Float64Array; model: Float64Array; atom: Int32Array };
    /** per atom: the row of its x component in `force`, or −1 */
    forceRowOfAtom: Int32Array;
    /**
     * per atom: the predicted standard deviation of its force, √(Σ_α var F_iα) (eV/Å), from the posterior of a
     * Bayesian fit; null when the model has none (NaN for frames predicted without it)
     */
    forceSigma: Float64Array | null;
}

/**
 * Columns of the errors of a model on `frames`; `predict` gives its prediction of a frame (the store's cache in the
 * plugin), `e0` its isolated-atom energy (eV). With `nearest: false` the nearest-neighbour distances are NaN.
 */
export function datasetErrors(frames: readonly Frame[], predict: (f: Frame) => FramePrediction, e0: number, opts: { nearest?: boolean } = {}): DatasetErrors {
    const index = new AtomIndex(frames);
    const n = index.total;
    const configTypes: string[] = [];
    const typeIndex = new Map<string, number>();
    const frameConfigType = new Int32Array(frames.length);
    const atomConfigType = new Int32Array(n);
    const forceError = new Float64Array(n).fill(NaN);
    const dftForce = new Float64Array(n).fill(NaN);
    const nearest = new Float64Array(n).fill(NaN);
    const energyDft = new Float64Array(frames.length).fill(NaN);
    const energyModel = new Float64Array(frames.length).fill(NaN);
    const forceRowOfAtom = new Int32Array(n).fill(-1);
    let rows = 0;
    for (const f of frames) if (f.forces) rows += 3 * f.natoms;
    const force = { dft: new Float64Array(rows), model: new Float64Array(rows), atom: new Int32Array(rows) };
    let row = 0;
    let forceSigma: Float64Array | null = null;
    for (let k = 0; k < frames.length; k++) {
        const f = frames[k];
        const type = f.configType ?? NO_CONFIG_TYPE;
        let t = typeIndex.get(type);
        if (t === undefined) { t = configTypes.length; configTypes.push(type); typeIndex.set(type, t); }
        frameConfigType[k] = t;
        const first = index.offsets[k];
        atomConfigType.fill(t, first, first + f.natoms);
        const p = predict(f);
        if (p.uncertainty) {
            forceSigma ??= new Float64Array(n).fill(NaN);
            forceSigma.set(p.uncertainty.perAtomForce, first);
        }
        if (f.energy !== undefined && f.natoms > 1) {
            energyDft[k] = (f.energy - f.natoms * e0) / f.natoms;
            energyModel[k] = (p.energy - f.natoms * e0) / f.natoms;
        }
        if (f.forces) {
            const F = f.forces;
            for (let i = 0; i < f.natoms; i++) {
                const id = first + i;
                if (p.forceError) forceError[id] = p.forceError[i];
                dftForce[id] = Math.hypot(F[3 * i], F[3 * i + 1], F[3 * i + 2]);
                forceRowOfAtom[id] = row;
                for (let c = 0; c < 3; c++) {
                    force.dft[row] = F[3 * i + c];
                    force.model[row] = p.forces[3 * i + c];
                    force.atom[row] = id;
                    row++;
                }
            }
        }
        if (opts.nearest !== false && f.natoms > 1) {
            const d = nearestOf(f);
            for (let i = 0; i < f.natoms; i++) if (d[i] !== Infinity) nearest[first + i] = d[i];
        }
    }
    return { index, configTypes, frameConfigType, atomConfigType, forceError, dftForce, nearest, energyDft, energyModel, force, forceRowOfAtom, forceSigma };
}

/** eV/atom: a mean model − DFT energy offset larger than this, without an isolated atom, means another reference. */
export const ENERGY_REFERENCE_TOLERANCE = 0.5;

export interface EnergyReference {
    /** the dataset has an isolated-atom frame with an energy (its E0 can be compared to the model's) */
    isolatedAtom: boolean;
    /** mean of (E_model − E_DFT)/N over the structures with a DFT energy (eV/atom), or null */
    meanOffset: number | null;
    /** the energies are not on the model's reference: no isolated atom and |meanOffset| > tolerance */
    mismatch: boolean;
}

/** Whether the dataset's DFT energies are on the model's reference (GAP-20 files against a PBE model are not). */
export function energyReference(frames: readonly Frame[], errors: Pick<DatasetErrors, 'energyDft' | 'energyModel'>, tolerance = ENERGY_REFERENCE_TOLERANCE): EnergyReference {
    const isolatedAtom = frames.some(f => isIsolatedAtom(f) && f.energy !== undefined);
    let sum = 0, count = 0;
    for (let k = 0; k < errors.energyDft.length; k++) {
        const d = errors.energyModel[k] - errors.energyDft[k];
        if (Number.isFinite(d)) { sum += d; count++; }
    }
    const meanOffset = count ? sum / count : null;
    return { isolatedAtom, meanOffset, mismatch: !isolatedAtom && meanOffset !== null && Math.abs(meanOffset) > tolerance };
}

export interface GroupHistogram {
    /** nbins + 1 bin edges; the last bin includes its upper edge */
    edges: Float64Array;
    /** per group: counts per bin */
    counts: Int32Array[];
}

/**
 * Histogram of `values` (NaN skipped) split by group (`group[i]` ∈ [0, ngroups)), over [lo, hi] (default: 0 or the
 * smallest value, to the largest) in `nbins` equal bins; values outside [lo, hi] are left out.
 */
export function histogramByGroup(values: ArrayLike<number>, group: ArrayLike<number>, ngroups: number, nbins: number, range?: { lo: number; hi: number }): GroupHistogram {
    if (!(nbins >= 1)) throw new Error(`histogram: need at least one bin, got ${nbins}`);
    let lo = range?.lo, hi = range?.hi;
    if (lo === undefined || hi === undefined) {
        let min = Infinity, max = -Infinity;
        for (let i = 0; i < values.length; i++) { const v = values[i]; if (v < min) min = v; if (v > max) max = v; }
        if (!(min <= max)) { min = 0; max = 1; }
        lo ??= Math.min(0, min);
        hi ??= max > lo ? max : lo + 1;
    }
    const width = (hi - lo) / nbins;
    const edges = new Float64Array(nbins + 1);
    for (let b = 0; b <= nbins; b++) edges[b] = lo + b * width;
    const counts = Array.from({ length: ngroups }, () => new Int32Array(nbins));
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!(v >= lo && v <= hi)) continue;
        const b = Math.min(nbins - 1, Math.floor((v - lo) / width));
        counts[group[i]][b]++;
    }
    return { edges, counts };
}

/** Ids (ascending) of the atoms whose value is in [lo, hi] (NaN never is). */
export function atomsInRange(values: ArrayLike<number>, lo: number, hi: number): Int32Array {
    let count = 0;
    for (let i = 0; i < values.length; i++) if (values[i] >= lo && values[i] <= hi) count++;
    const out = new Int32Array(count);
    let k = 0;
    for (let i = 0; i < values.length; i++) if (values[i] >= lo && values[i] <= hi) out[k++] = i;
    return out;
}

/** The atom ids of all atoms of some frames (ascending when the frames are). */
export function atomsOfFrames(index: AtomIndex, frames: ArrayLike<number>): Int32Array {
    let count = 0;
    for (let k = 0; k < frames.length; k++) count += index.offsets[frames[k] + 1] - index.offsets[frames[k]];
    const out = new Int32Array(count);
    let j = 0;
    for (let k = 0; k < frames.length; k++) for (let id = index.offsets[frames[k]]; id < index.offsets[frames[k] + 1]; id++) out[j++] = id;
    return out;
}

export interface AtomRow {
    id: number;
    frame: number;
    atom: number;
    configType: string;
    /** eV/Å, NaN without DFT forces */
    forceError: number;
    dftForce: number;
    /** Å, NaN when no neighbour within NEAREST_RMAX */
    nearest: number;
    /** posterior σ of the atom's force (eV/Å), NaN without a posterior */
    forceSigma: number;
}

/** Rows of the given atoms, largest force error first (NaN last; ties by id). */
export function atomRows(errors: DatasetErrors, ids: ArrayLike<number>): AtomRow[] {
    const rows: AtomRow[] = [];
    for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        const frame = errors.index.frameOf(id);
        rows.push({ id, frame, atom: id - errors.index.offsets[frame], configType: errors.configTypes[errors.atomConfigType[id]], forceError: errors.forceError[id], dftForce: errors.dftForce[id], nearest: errors.nearest[id], forceSigma: errors.forceSigma ? errors.forceSigma[id] : NaN });
    }
    rows.sort((a, b) => {
        const x = Number.isNaN(a.forceError) ? -Infinity : a.forceError, y = Number.isNaN(b.forceError) ? -Infinity : b.forceError;
        return y - x || a.id - b.id;
    });
    return rows;
}
