/**
 * The inputs of the body-order study: the three data files' pools (dimers, narrow, diverse) and the DFT C₂
 * curve, as parsed frames, and the training pools made of them (the three, and diverse + dimers).
 * Browser-safe (no Node APIs): the CLI reads the asset files, the plugin fetches them.
 */
import { isIsolatedAtom } from '../fit/fit';
import type { Frame } from '../structure/frame';

/** The pools that come from data files. */
export type SourcePoolId = 'dimers' | 'narrow' | 'diverse';
export const SOURCE_POOLS: readonly SourcePoolId[] = ['dimers', 'narrow', 'diverse'];

/** The training pools of the study: the source pools and the diverse pool with the training dimers added. */
export type StudyDatasetId = SourcePoolId | 'diverse_dimers';
export const STUDY_DATASETS: readonly StudyDatasetId[] = ['dimers', 'narrow', 'diverse', 'diverse_dimers'];

/** Pools without any dimer: the narrow and the diverse pool ("bulk-trained" in the paper's words). */
export const BULK_POOLS = ['narrow', 'diverse'] as const;
export type BulkPoolId = (typeof BULK_POOLS)[number];
export const isBulk = (d: StudyDatasetId): d is BulkPoolId => (BULK_POOLS as readonly StudyDatasetId[]).includes(d);

/** Human names of the training pools (figures, report). */
export const DATASET_LABEL: Record<StudyDatasetId, string> = {
    dimers: 'C₂ dimers only',
    narrow: 'narrow (diamond/graphite/graphene)',
    diverse: 'diverse carbon (no dimers)',
    diverse_dimers: 'diverse carbon + C₂ dimers',
};

/** Short names of the training pools (table rows). */
export const DATASET_SHORT: Record<StudyDatasetId, string> = { dimers: 'dimers', narrow: 'narrow', diverse: 'diverse', diverse_dimers: 'diverse + dimers' };

/** Where a pool came from (file name and hash), recorded in the results. */
export interface StudySource {
  name: string;
  sha256?: string;
  frames: number;
}

export interface StudyData {
  /** the source pools; each starts with (or contains) the isolated atom that gives E0 */
  datasets: Record<SourcePoolId, readonly Frame[]>;
  /** the DFT dimer curve: the isolated atom and C₂ frames (info r, binding_energy) */
  curve: readonly Frame[];
  sources?: Partial<Record<SourcePoolId | 'curve', StudySource>>;
  /** how the reference is named in figures and tables, e.g. "DFT (GPAW PBE)"; default "DFT" */
  dftLabel?: string;
}

/** One DFT point of the dimer curve. */
export interface DftPoint {
  /** C–C distance (Å) */
  r: number;
  /** E(C₂, r) − 2·E0 (eV) */
  energy: number;
  /** total magnetic moment of the kept spin state (μB), when recorded */
  magmom: number | null;
}

export class StudyDataError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'StudyDataError';
    }
}

function distance(f: Frame, a: number, b: number): number {
    const p = f.positions;
    return Math.hypot(p[3 * b] - p[3 * a], p[3 * b + 1] - p[3 * a + 1], p[3 * b + 2] - p[3 * a + 2]);
}

/**
 * The DFT reference curve from its frames, sorted by r. Binding energy from info `binding_energy` when
 * present, else E − 2·E0 with E0 from the isolated-atom frame. Frames that are not two-atom structures
 * (the isolated atom) are skipped; a dimer without an energy is an error naming the frame.
 */
export function dftCurveFromFrames(frames: readonly Frame[], where = 'dimer curve'): DftPoint[] {
    const atom = frames.find((f) => isIsolatedAtom(f) && f.energy !== undefined);
    const e0 = atom ? atom.energy! / atom.natoms : null;
    const points: DftPoint[] = [];
    frames.forEach((f, i) => {
        if (isIsolatedAtom(f)) return;
        if (f.natoms !== 2) throw new StudyDataError(`${where}: frame ${i} has ${f.natoms} atoms, expected a C₂ dimer (2 atoms)`);
        const r = distance(f, 0, 1);
        const be = f.info.binding_energy;
        let energy: number;
        if (typeof be === 'number' && Number.isFinite(be)) energy = be;
        else if (f.energy !== undefined && e0 !== null) energy = f.energy - 2 * e0;
        else throw new StudyDataError(`${where}: frame ${i} has neither info binding_energy nor an energy with an isolated-atom frame for E0`);
        const m = f.info.magmom;
        points.push({ r, energy, magmom: typeof m === 'number' ? m : null });
    });
    return points.sort((a, b) => a.r - b.r);
}

/**
 * The same C₂ dimers in the spin-unpolarised convention, from info `binding_energy_spin_paired`
 * (E of the moment-0, spin-paired state − 2·E0 of a spin-paired atom), sorted by r; empty when the frames do
 * not carry it. Reference data computed without spin polarisation (most likely the study's) compare with this.
 */
export function dftSpinPairedCurveFromFrames(frames: readonly Frame[]): DftPoint[] {
    const points: DftPoint[] = [];
    for (const f of frames) {
        if (isIsolatedAtom(f) || f.natoms !== 2) continue;
        const e = f.info.binding_energy_spin_paired;
        if (typeof e === 'number' && Number.isFinite(e)) points.push({ r: distance(f, 0, 1), energy: e, magmom: 0 });
    }
    return points.sort((a, b) => a.r - b.r);
}

/**
 * The frames of a training pool. diverse_dimers: the diverse pool (with its isolated atom) and the training
 * dimers (without theirs), as the reference study's "diverse + N dimers"; empty unless both have structures.
 */
export function poolFrames(data: StudyData, id: StudyDatasetId): readonly Frame[] {
    if (id !== 'diverse_dimers') return data.datasets[id] ?? [];
    const diverse = data.datasets.diverse ?? [], dimers = data.datasets.dimers ?? [];
    if (!trainableCount(diverse) || !trainableCount(dimers)) return [];
    const withAtom = diverse.some(isIsolatedAtom) ? diverse : [...dimers.filter(isIsolatedAtom).slice(0, 1), ...diverse];
    return [...withAtom, ...dimers.filter((f) => !isIsolatedAtom(f))];
}

/** The source pools a training pool is made of. */
export const POOL_SOURCES: Record<StudyDatasetId, readonly SourcePoolId[]> = {
    dimers: ['dimers'], narrow: ['narrow'], diverse: ['diverse'], diverse_dimers: ['diverse', 'dimers'],
};

/** Frames that can be fitted to (everything except isolated atoms). */
export function trainableCount(frames: readonly Frame[]): number {
    let n = 0;
    for (const f of frames) if (!isIsolatedAtom(f)) n++;
    return n;
}

/** info structure_id of a frame, or null. */
export function structureId(f: Frame): string | null {
    const id = f.info.structure_id;
    return typeof id === 'string' ? id : null;
}
