/**
 * C₂ dimer curves of models against the DFT reference — one implementation for the dimer panel and plot of the
 * viewer and `acelens dimer` (no DOM, no Mol*; tested in Node): the DFT reference curve read from the embedded
 * extended XYZ asset, model curves on a grid that includes the DFT distances, the deviation from DFT, automatic
 * checks of the curve's shape, the K ≥ 3 (self-interaction) line, the pair-distance histogram of a dataset, CSV
 * export and the dimer as plain XYZ.
 *
 * Units: Å, eV, eV/Å. Binding energy = E(r) − 2·E0.
 */
import { csvLine } from '../io/csv';
import { parseExtXyzLenient } from '../io/extxyz';
import type { Model } from '../model/model';
import type { PaceModel } from '../pace/pace-model';
import { dimerCurve, type DimerCurve } from '../scan/dimer';
import type { Frame } from '../structure/frame';
import { buildNeighbourList } from '../structure/neighbours';

export interface DftDimerPoint {
    r: number;
    /** E − 2·E0 (eV), lowest spin state */
    binding: number;
    /** total magnetic moment (μB) of the lowest-energy spin state */
    magmom: number;
}

export interface DftDimerCurve {
    points: DftDimerPoint[];
    /**
     * The same dimers in the spin-unpolarised convention, where the file has it (info
     * binding_energy_spin_paired = E(C₂, moment 0, spin-paired) − 2·E0(atom, spin-paired)), sorted by r
     */
    spinPaired: { r: number; binding: number }[];
    /** isolated-atom energy of the reference (eV), when the file has it */
    e0: number | null;
    /** frames that could not be used and why (e.g. a frame still being written) */
    skipped: string[];
}

/** Spin state names by total magnetic moment (μB) of C₂. */
export function spinStateName(magmom: number): string {
    const names: Record<number, string> = { 0: 'singlet', 2: 'triplet', 4: 'quintet' };
    return `${names[Math.round(magmom)] ?? 'spin state'} (M = ${magmom} μB)`;
}

/**
 * The DFT dimer curve from the asset text: frames with config_type dimer_curve and info keys r,
 * binding_energy and magmom. Read leniently: the file grows while the DFT job runs, so a truncated last frame
 * is skipped (and reported), not an error. Points are sorted by r.
 */
export function parseDftDimerCurve(text: string, fileName = 'c2-dimer-curve.xyz'): DftDimerCurve {
    const { frames, error } = parseExtXyzLenient(text, { fileName });
    const points: DftDimerPoint[] = [];
    const spinPaired: { r: number; binding: number }[] = [];
    const skipped = error ? [error.message] : [];
    let e0: number | null = null;
    frames.forEach((f, k) => {
        if (f.configType === 'isolated_atom' && f.energy !== undefined) { e0 = f.energy; return; }
        if (f.configType !== 'dimer_curve') return;
        const r = Number(f.info.r), b = Number(f.info.binding_energy), m = Number(f.info.magmom);
        if (!Number.isFinite(r) || !Number.isFinite(b)) { skipped.push(`${fileName}: frame ${k}: no r or binding_energy`); return; }
        points.push({ r, binding: b, magmom: Number.isFinite(m) ? m : NaN });
        const sp = Number(f.info.binding_energy_spin_paired);
        if (f.info.binding_energy_spin_paired !== undefined && Number.isFinite(sp)) spinPaired.push({ r, binding: sp });
    });
    points.sort((a, b) => a.r - b.r);
    spinPaired.sort((a, b) => a.r - b.r);
    return { points, spinPaired, e0, skipped };
}

export interface ModelDimerCurve extends DimerCurve {
    name: string;
    order: number;
    variant: string;
    rcut: number;
}

/** Evenly spaced grid rmin..rmax with the DFT distances inside the range merged in (sorted, unique to 1e-9 Å). */
export function curveGrid(rmin: number, rmax: number, points: number, extra: number[] = []): number[] {
    const r: number[] = [];
    for (let k = 0; k < points; k++) r.push(rmin + ((rmax - rmin) * k) / (points - 1));
    for (const x of extra) if (x >= rmin && x <= rmax) r.push(x);
    r.sort((a, b) => a - b);
    return r.filter((x, k) => k === 0 || x - r[k - 1] > 1e-9);
}

/** The dimer curve of a model on an arbitrary sorted grid of distances (Å). */
export function modelDimerCurve(model: Model | PaceModel, name: string, grid: readonly number[]): ModelDimerCurve {
    const c = dimerCurve(model, { grid });
    return { ...c, name, order: model.order, variant: model.spec.variant, rcut: model.spec.rcut };
}

/**
 * The legend entry of a model's curve (dimer or bond scan): its name, with its body order K and basis added when the name does not
 * say them already (a model renamed by the user, a .yace file name).
 */
export function modelCurveLabel(curve: Pick<ModelDimerCurve, 'name' | 'order' | 'variant'>): string {
    const parts: string[] = [];
    if (!/\bK\s*=\s*\d/.test(curve.name)) parts.push(`K = ${curve.order}`);
    if (curve.variant === 'purified' && !/self-interaction-free|purified/i.test(curve.name)) parts.push('self-interaction-free');
    return parts.length ? `${curve.name} (${parts.join(', ')})` : curve.name;
}

export interface DftDeviation {
    /** DFT points inside [rmin, rmax] compared (the model evaluated exactly at each DFT distance) */
    points: number;
    /** root mean square and largest |E_model − E_DFT| (eV) over them, NaN without points */
    rms: number;
    maxAbs: number;
    /** the model's minimum on its grid and the DFT minimum (lowest point) */
    modelMinimum: { r: number; energy: number } | null;
    dftMinimum: { r: number; energy: number } | null;
}

/**
 * How far a model's dimer curve is from the DFT points with rmin ≤ r ≤ rmax (the model curve must contain
 * the DFT distances, as `curveGrid` makes it; points off its grid are skipped).
 */
export function dftDeviation(curve: ModelDimerCurve, dft: readonly DftDimerPoint[], rmin = -Infinity, rmax = Infinity): DftDeviation {
    let n = 0, sq = 0, maxAbs = 0;
    for (const p of dft) {
        if (p.r < rmin || p.r > rmax) continue;
        const k = nearestGridIndex(curve.r, p.r);
        if (k < 0 || Math.abs(curve.r[k] - p.r) > 1e-9) continue;
        const d = curve.energy[k] - p.binding;
        n++; sq += d * d; maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    let km = -1;
    for (let k = 0; k < curve.r.length; k++) if (km < 0 || curve.energy[k] < curve.energy[km]) km = k;
    let dm: DftDimerPoint | null = null;
    for (const p of dft) if (!dm || p.binding < dm.binding) dm = p;
    return {
        points: n, rms: n ? Math.sqrt(sq / n) : NaN, maxAbs: n ? maxAbs : NaN,
        modelMinimum: km >= 0 ? { r: curve.r[km], energy: curve.energy[km] } : null,
        dftMinimum: dm ? { r: dm.r, energy: dm.binding } : null,
    };
}

/** Index of the grid point nearest to x in a sorted grid (−1 for an empty grid). */
export function nearestGridIndex(grid: readonly number[], x: number): number {
    if (grid.length === 0) return -1;
    let lo = 0, hi = grid.length - 1;
    while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (grid[mid] <= x) lo = mid; else hi = mid;
    }
    return Math.abs(grid[lo] - x) <= Math.abs(grid[hi] - x) ? lo : hi;
}

/** Largest |E_K| over the curve for each body order K ≥ 3 and overall (eV). */
export function higherOrderMagnitude(curve: DimerCurve): { byOrder: Record<number, number>; max: number } {
    const byOrder: Record<number, number> = {};
    let max = 0;
    for (const [k, v] of Object.entries(curve.contributions)) {
        const K = Number(k);
        if (K < 3) continue;
        let m = 0;
        for (const x of v) m = Math.max(m, Math.abs(x));
        byOrder[K] = m;
        max = Math.max(max, m);
    }
    return { byOrder, max };
}

/** One line about the K ≥ 3 parts of a dimer curve (they vanish exactly for the self-interaction-free basis). */
export function selfInteractionLine(curve: ModelDimerCurve): string {
    if (curve.order < 3) return 'K = 2 model: the dimer curve is its pair potential.';
    const { max } = higherOrderMagnitude(curve);
    const m = max.toExponential(1);
    if (curve.variant === 'purified') {
        return max === 0
            ? `self-interaction-free basis: K ≥ 3 contributions are exactly zero (max |E_K| = ${m} eV)`
            : max < 1e-10
                ? `self-interaction-free basis: K ≥ 3 contributions vanish to round-off (max |E_K| = ${m} eV)`
                : `self-interaction-free basis, but K ≥ 3 contributions are NOT zero (max |E_K| = ${m} eV): check the basis`;
    }
    return `standard basis: self-interaction gives a dimer K ≥ 3 parts (max |E_K| = ${m} eV)`;
}

/**
 * Short warnings about unphysical shapes of a binding curve (sorted r, energy relative to separated atoms):
 * no repulsive wall at short range, the force changing sign beyond the minimum (bumps in the tail) or
 * inside the wall, and a wrong asymptote at the largest r (compared with `asymptote`, default 0 eV).
 */
export function dimerShapeWarnings(r: number[], energy: number[], force: number[], opts: { asymptote?: number; tolerance?: number } = {}): string[] {
    const out: string[] = [];
    const n = r.length;
    if (n < 3) return out;
    let kmin = 0;
    for (let k = 1; k < n; k++) if (energy[k] < energy[kmin]) kmin = k;
    const fTol = 1e-3; // eV/Å: smaller forces count as zero
    // repulsive wall: at the smallest r the energy is above the separated atoms and the force pushes apart
    if (kmin === 0) out.push(`no minimum inside ${r[0].toFixed(2)}–${r[n - 1].toFixed(2)} Å: the energy is lowest at the shortest distance (no repulsive wall)`);
    else if (!(energy[0] > 0 && force[0] > 0)) {
        out.push(`no repulsive wall: at r = ${r[0].toFixed(2)} Å, E = ${energy[0].toFixed(2)} eV and F = ${force[0].toFixed(2)} eV/Å (expected E > 0, F > 0)`);
    }
    const signChanges = (from: number, to: number) => {
        const at: number[] = [];
        let last = 0;
        for (let k = from; k < to; k++) {
            const s = Math.abs(force[k]) < fTol ? 0 : Math.sign(force[k]);
            if (s === 0) continue;
            if (last !== 0 && s !== last) at.push(r[k]);
            last = s;
        }
        return at;
    };
    if (kmin > 0 && kmin < n - 1) {
        const beyond = signChanges(kmin + 1, n);
        if (beyond.length > 0) out.push(`force changes sign ${beyond.length}× beyond the minimum (near r = ${beyond.slice(0, 4).map(x => x.toFixed(2)).join(', ')} Å): bumps or extra wells in the tail`);
        const wall = signChanges(0, kmin);
        if (wall.length > 0) out.push(`force changes sign ${wall.length}× inside the wall (near r = ${wall.slice(0, 4).map(x => x.toFixed(2)).join(', ')} Å)`);
    }
    const asym = opts.asymptote ?? 0;
    const tol = opts.tolerance ?? 0.25;
    if (Math.abs(energy[n - 1] - asym) > tol) {
        out.push(`wrong asymptote: E(${r[n - 1].toFixed(2)} Å) = ${energy[n - 1].toFixed(2)} eV, expected ${asym.toFixed(2)} ± ${tol} eV`);
    }
    return out;
}

/**
 * The shape warnings of a model curve as the dimer panel and `acelens dimer` give them: the asymptote expected
 * at the curve's last distance is the DFT point there (within 0.05 Å) when the reference has one, else 0 eV.
 */
export function curveWarnings(curve: Pick<ModelDimerCurve, 'r' | 'energy' | 'force'>, dft: readonly DftDimerPoint[]): string[] {
    const last = curve.r[curve.r.length - 1];
    return dimerShapeWarnings(curve.r, curve.energy, curve.force, { asymptote: dftAt(dft, last, 0.05)?.binding ?? 0 });
}

/** DFT binding energy at the point nearest to r (within `within` Å), or null. */
export function dftAt(dft: readonly DftDimerPoint[], r: number, within = 1e-6): DftDimerPoint | null {
    let best: DftDimerPoint | null = null;
    for (const p of dft) if (Math.abs(p.r - r) <= within && (!best || Math.abs(p.r - r) < Math.abs(best.r - r))) best = p;
    return best;
}

export interface PairHistogram {
    /** bin edges (Å), bins + 1 */
    edges: number[];
    /** number of pairs (i < j, images included) per bin */
    counts: number[];
    /** smallest and largest nearest-neighbour distance of any atom (Å), or null without pairs */
    nearest: { min: number; max: number } | null;
    pairs: number;
}

/**
 * Histogram of interatomic distances up to `rmax` over all frames (each pair once; periodic images
 * included), and the range of nearest-neighbour distances: where the training data actually has pairs.
 */
export function pairDistanceHistogram(frames: Frame[], rmax: number, bins = 60, rmin = 0): PairHistogram {
    const edges: number[] = [];
    for (let b = 0; b <= bins; b++) edges.push(rmin + ((rmax - rmin) * b) / bins);
    const counts = new Array<number>(bins).fill(0);
    let nnMin = Infinity, nnMax = -Infinity, pairs = 0;
    const width = (rmax - rmin) / bins;
    for (const f of frames) {
        if (f.natoms < 2 && !(f.cell && (f.pbc[0] || f.pbc[1] || f.pbc[2]))) continue;
        const nl = buildNeighbourList(f, rmax);
        for (let i = 0; i < f.natoms; i++) {
            let nn = Infinity;
            for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++) {
                const d = nl.distances[k];
                if (d < nn) nn = d;
                // each pair once: i < j, or i === j (self image) counted on half of the shifts
                const j = nl.index[k];
                if (j < i) continue;
                if (j === i) {
                    const s0 = nl.shifts[3 * k], s1 = nl.shifts[3 * k + 1], s2 = nl.shifts[3 * k + 2];
                    if (s0 < 0 || (s0 === 0 && (s1 < 0 || (s1 === 0 && s2 < 0)))) continue;
                }
                const b = Math.floor((d - rmin) / width);
                if (b >= 0 && b < bins) { counts[b]++; pairs++; }
            }
            if (nn < Infinity) { nnMin = Math.min(nnMin, nn); nnMax = Math.max(nnMax, nn); }
        }
    }
    return { edges, counts, nearest: nnMin < Infinity ? { min: nnMin, max: nnMax } : null, pairs };
}

/**
 * CSV of the figure: r (Å), the DFT binding energy and spin moment where the reference has a point, each
 * model's E − 2E0 (eV), and the body-order parts E_K of the chosen model. All curves share one grid.
 */
export function dimerCsv(curves: ModelDimerCurve[], dft: DftDimerPoint[], decomposed: ModelDimerCurve | null): string {
    const grid = curves[0]?.r ?? decomposed?.r ?? dft.map(p => p.r);
    const header = ['r_A', 'dft_binding_eV', 'dft_magmom_muB', ...curves.map(c => `${c.name} E-2E0 eV`)];
    const orders = decomposed ? Object.keys(decomposed.contributions).map(Number) : [];
    for (const K of orders) header.push(`${decomposed!.name} K=${K} eV`);
    const lines = [csvLine(header)];
    grid.forEach((r, k) => {
        const d = dftAt(dft, r);
        const row = [r, d?.binding, d?.magmom, ...curves.map(c => (c.r[k] === r ? c.energy[k] : null))];
        for (const K of orders) row.push(decomposed!.r[k] === r ? decomposed!.contributions[K][k] : null);
        lines.push(csvLine(row));
    });
    // DFT points outside the model grid
    for (const p of dft) if (!grid.some(r => Math.abs(r - p.r) <= 1e-6)) lines.push(csvLine([p.r, p.binding, p.magmom]));
    return lines.join('\n') + '\n';
}

/** Plain XYZ text of a C₂ dimer at distance r (Å) along x, centred on the origin. */
export function dimerXyz(r: number): string {
    const h = r / 2;
    return `2\nC2 dimer r=${r} Angstrom (acelens)\nC ${(-h).toFixed(6)} 0.000000 0.000000\nC ${h.toFixed(6)} 0.000000 0.000000\n`;
}
