/**
 * Normal equations of the weighted linear least-squares fit, assembled structure by structure.
 *
 * The loss (ACE_NOTES, "Fitting") for coefficients c is
 *
 *   L(c) = Σ_s w_E² ((E_s − N_s·E0 − c·X_E,s) / N_s)²                       energy per atom
 *        + Σ_s (w_F² / (3 N_s)) Σ_i |F_i − X_F,i c|²                        force components
 *        + Σ_s (w_V² / (9 N_s²)) Σ_ab (W_ab − X_W,ab c)²                    virial per atom (when stress is labelled)
 *        + λ ‖Γ c‖²
 *
 * so every structure contributes rows with weights
 *   energy: w_E / N,   force components: w_F / √(3N),   virial components: w_V / (3N)
 * (`energyNorm: 'sqrt-atoms'` weights energy rows w_E / √N instead, as the reference study did)
 * (the virial row averages its 9 components and is per atom, like the energy; DFT virial W = −σ·V with the
 * ASE stress σ of the Frame). Only XᵀWX (nbasis², upper triangle accumulated, mirrored on finish), XᵀWy and
 * yᵀWy are kept: memory O(nbasis²), independent of the number of rows. Partial sums over disjoint subsets of
 * structures add up (`mergeSums`), so workers can each assemble a share.
 *
 * Per-structure and per-atom weights (all optional, all multiplying the rows above):
 *  - `configTypes`: per config_type weights {energy, force, virial} that take the place of w_E, w_F, w_V for
 *    structures of that config_type (a σ table gives w = 1/σ: σ_E in eV/atom, σ_F in eV/Å, σ_V in eV/atom;
 *    see ./weights.ts). Config types not in the table keep the global weights.
 *  - `frameWeights`: the extxyz info keys `energy_weight`, `force_weight`, `virial_weight` (pacemaker's
 *    per-structure weight names; ACEpotentials' `energy_weight`/`force_weight`/`virial_weight` keys too)
 *    multiply that structure's rows, and a per-atom real column `force_weights` (ACEpotentials / pacemaker
 *    per-atom force weights) multiplies the three force rows of each atom.
 *  - `forceNorm: 'none'` drops the 1/√(3N) of the force rows (every component counts alike, as in the
 *    force RMSE); used to assemble error metrics as quadratic forms.
 *
 * This module is free of Node and DOM APIs (used by the CLI, Node workers and the browser worker).
 */
import { cellVolume, type Frame } from '../structure/frame';

/** The weights of the loss. */
export interface LossWeights {
  /** E0 per atom (eV) subtracted from every energy: target E − N·E0 */
  e0: number;
  energyWeight: number;
  forceWeight: number;
  /** 0 = ignore stresses */
  virialWeight: number;
  /** energy rows weighted w_E/N ('atoms', default: residual per atom) or w_E/√N ('sqrt-atoms') */
  energyNorm?: EnergyNorm;
  /** force rows weighted w_F/√(3N) ('atoms', default) or w_F ('none') */
  forceNorm?: 'atoms' | 'none';
  /** per config_type weights replacing energyWeight/forceWeight/virialWeight for that config_type */
  configTypes?: Record<string, ConfigTypeWeights>;
  /** read the per-structure info keys energy_weight/force_weight/virial_weight and the per-atom force_weights column */
  frameWeights?: boolean;
}

/** Weights of one config_type (w = 1/σ). */
export interface ConfigTypeWeights {
  energy: number;
  force: number;
  virial: number;
}

/** Names of the per-structure weight info keys and of the per-atom force weight column. */
export const ENERGY_WEIGHT_KEY = 'energy_weight';
export const FORCE_WEIGHT_KEY = 'force_weight';
export const VIRIAL_WEIGHT_KEY = 'virial_weight';
export const FORCE_WEIGHTS_COLUMN = 'force_weights';

/** The weights {energy, force, virial} of one structure (config_type table × info keys), without per-atom weights. */
export function structureWeights(frame: Frame, w: LossWeights): ConfigTypeWeights {
    const ct = w.configTypes && frame.configType !== undefined && Object.hasOwn(w.configTypes, frame.configType) ? w.configTypes[frame.configType] : null;
    let energy = ct ? ct.energy : w.energyWeight;
    let force = ct ? ct.force : w.forceWeight;
    let virial = ct ? ct.virial : w.virialWeight;
    if (w.frameWeights) {
        energy *= infoWeight(frame, ENERGY_WEIGHT_KEY);
        force *= infoWeight(frame, FORCE_WEIGHT_KEY);
        virial *= infoWeight(frame, VIRIAL_WEIGHT_KEY);
    }
    return { energy, force, virial };
}

/** A weight info key of a frame (1 when absent). Throws on a value that is not a finite number ≥ 0. */
export function infoWeight(frame: Frame, key: string): number {
    if (!Object.hasOwn(frame.info, key)) return 1;
    const v = frame.info[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`info key ${key}=${JSON.stringify(v)}: expected a finite number ≥ 0`);
    return v;
}

/** The per-atom force weights of a frame (column `force_weights`, one real ≥ 0 per atom), or null. */
export function atomForceWeights(frame: Frame): ArrayLike<number> | null {
    const col = frame.arrays?.[FORCE_WEIGHTS_COLUMN];
    if (!col) return null;
    if ((col.type !== 'R' && col.type !== 'I') || col.ncols !== 1) {
        throw new Error(`per-atom column ${FORCE_WEIGHTS_COLUMN} must be one real number per atom (got type ${col.type}, ${col.ncols} columns)`);
    }
    const v = col.values as Float64Array | Int32Array;
    for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i]) || v[i] < 0) throw new Error(`${FORCE_WEIGHTS_COLUMN} of atom ${i} is ${v[i]}: expected a finite number ≥ 0`);
    }
    return v;
}

export type EnergyNorm = 'atoms' | 'sqrt-atoms';

/** Design rows of one structure, as produced by the engine (`designRows`). */
export interface StructureRows {
  natoms: number;
  nbasis: number;
  /** Σ_i B_ik, length nbasis */
  energy: Float64Array;
  /** (3N × nbasis) row-major, F = forces · c; null when not computed */
  forces: Float64Array | null;
  /** (9 × nbasis) row-major, model virial W = virial · c; null when not computed */
  virial: Float64Array | null;
}

/** Accumulated normal equations. Plain data (structured-clonable; typed arrays transferable). */
export interface NormalSums {
  nbasis: number;
  /** XᵀWX, nbasis × nbasis row-major. While assembling only the upper triangle (j ≥ i) is filled. */
  xtx: Float64Array;
  /** XᵀWy */
  xty: Float64Array;
  /** yᵀWy (for the training loss without another pass) */
  yty: number;
  /** structures added */
  structures: number;
  /** rows added, by kind */
  energyRows: number;
  forceRows: number;
  virialRows: number;
}

export function createSums(nbasis: number): NormalSums {
    return {
        nbasis,
        xtx: new Float64Array(nbasis * nbasis),
        xty: new Float64Array(nbasis),
        yty: 0,
        structures: 0,
        energyRows: 0,
        forceRows: 0,
        virialRows: 0,
    };
}

/** a += b (both upper-triangle sums of the same basis size). Returns a. */
export function mergeSums(a: NormalSums, b: NormalSums): NormalSums {
    if (a.nbasis !== b.nbasis) throw new Error(`cannot merge normal equations of ${a.nbasis} and ${b.nbasis} functions`);
    const n = a.nbasis;
    for (let i = 0; i < n; i++) {
        const row = i * n;
        for (let j = i; j < n; j++) a.xtx[row + j] += b.xtx[row + j];
        a.xty[i] += b.xty[i];
    }
    a.yty += b.yty;
    a.structures += b.structures;
    a.energyRows += b.energyRows;
    a.forceRows += b.forceRows;
    a.virialRows += b.virialRows;
    return a;
}

/** cᵀ(XᵀWX)c − 2cᵀXᵀWy + yᵀWy = Σ_rows w²(y − x·c)², the weighted squared residual of c (xtx full symmetric). */
export function quadraticForm(sums: NormalSums, c: ArrayLike<number>): number {
    const n = sums.nbasis;
    let q = sums.yty;
    for (let i = 0; i < n; i++) {
        const row = i * n;
        let t = 0;
        for (let j = 0; j < n; j++) t += sums.xtx[row + j] * c[j];
        q += c[i] * (t - 2 * sums.xty[i]);
    }
    return Math.max(q, 0);
}

/** Mirrors the upper triangle into the lower one: XᵀWX becomes the full symmetric matrix. */
export function symmetrize(sums: NormalSums): Float64Array {
    const n = sums.nbasis;
    const a = sums.xtx;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
    return a;
}

/** Which labels of a frame enter the fit under these weights. */
export function usedLabels(frame: Frame, w: LossWeights): { energy: boolean; forces: boolean; virial: boolean } {
    const sw = w.configTypes || w.frameWeights ? structureWeights(frame, w) : { energy: w.energyWeight, force: w.forceWeight, virial: w.virialWeight };
    return {
        energy: sw.energy > 0 && frame.energy !== undefined,
        forces: sw.force > 0 && frame.forces !== undefined,
        virial: sw.virial > 0 && frame.stress !== undefined && frame.cell !== null && frame.pbc.every((p) => p),
    };
}

/** DFT virial W = −σ·V (row-major 3×3) from the Frame's ASE stress. */
export function dftVirial(frame: Frame): Float64Array {
    if (!frame.stress || !frame.cell) throw new Error('virial needs a stress and a cell');
    const v = cellVolume(frame.cell);
    const w = new Float64Array(9);
    for (let k = 0; k < 9; k++) w[k] = -frame.stress[k] * v;
    return w;
}

/**
 * Adds the rows of one structure. `rows` holds the engine's design rows of `frame` (forces/virial present
 * when the corresponding label is used). Labels that are missing, or whose weight is 0, add no rows.
 */
export function addStructure(sums: NormalSums, rows: StructureRows, frame: Frame, w: LossWeights): void {
    const n = sums.nbasis;
    if (rows.nbasis !== n) throw new Error(`design rows have ${rows.nbasis} functions, the normal equations ${n}`);
    const N = rows.natoms;
    const use = usedLabels(frame, w);
    const sw = structureWeights(frame, w);
    if (use.energy) {
        const norm = w.energyNorm === 'sqrt-atoms' ? Math.sqrt(N) : N;
        addRows(sums, rows.energy, 0, 1, sw.energy / norm, [frame.energy! - N * w.e0]);
        sums.energyRows += 1;
    }
    if (use.forces) {
        if (!rows.forces) throw new Error('force rows were not computed for a structure with forces');
        const wf = sw.force / (w.forceNorm === 'none' ? 1 : Math.sqrt(3 * N));
        const perAtom = w.frameWeights ? atomForceWeights(frame) : null;
        if (perAtom) {
            for (let i = 0; i < N; i++) if (perAtom[i] > 0) addRows(sums, rows.forces, 3 * i, 3, wf * perAtom[i], frame.forces!.subarray(3 * i, 3 * i + 3));
        } else {
            addRows(sums, rows.forces, 0, 3 * N, wf, frame.forces!);
        }
        sums.forceRows += 3 * N;
    }
    if (use.virial) {
        if (!rows.virial) throw new Error('virial rows were not computed for a structure with a stress');
        addRows(sums, rows.virial, 0, 9, sw.virial / (3 * N), dftVirial(frame));
        sums.virialRows += 9;
    }
    sums.structures += 1;
}

/**
 * xtx += Σ_r (w·X_r)ᵀ(w·X_r), xty += Σ_r w² X_r y_r, yty += Σ_r w² y_r², for rows r = first..first+count−1
 * of the row-major matrix X (nbasis columns). Rows are processed eight at a time (one sweep of the upper
 * triangle per block: a rank-8 update), then four, then one, which keeps memory traffic on XᵀX — the dominant
 * cost — low.
 */
export function addRows(sums: NormalSums, X: Float64Array, first: number, count: number, weight: number, y: ArrayLike<number>): void {
    const n = sums.nbasis;
    const A = sums.xtx;
    const b = sums.xty;
    const w2 = weight * weight;
    let r = 0;
    for (; r + 8 <= count; r += 8) {
        const o0 = (first + r) * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n, o4 = o3 + n, o5 = o4 + n, o6 = o5 + n, o7 = o6 + n;
        const y0 = y[r], y1 = y[r + 1], y2 = y[r + 2], y3 = y[r + 3], y4 = y[r + 4], y5 = y[r + 5], y6 = y[r + 6], y7 = y[r + 7];
        sums.yty += w2 * (y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3 + y4 * y4 + y5 * y5 + y6 * y6 + y7 * y7);
        for (let i = 0; i < n; i++) {
            const a0 = X[o0 + i] * w2, a1 = X[o1 + i] * w2, a2 = X[o2 + i] * w2, a3 = X[o3 + i] * w2;
            const a4 = X[o4 + i] * w2, a5 = X[o5 + i] * w2, a6 = X[o6 + i] * w2, a7 = X[o7 + i] * w2;
            b[i] += a0 * y0 + a1 * y1 + a2 * y2 + a3 * y3 + a4 * y4 + a5 * y5 + a6 * y6 + a7 * y7;
            if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0 && a4 === 0 && a5 === 0 && a6 === 0 && a7 === 0) continue;
            const row = i * n;
            for (let j = i; j < n; j++) {
                A[row + j] += a0 * X[o0 + j] + a1 * X[o1 + j] + a2 * X[o2 + j] + a3 * X[o3 + j] + a4 * X[o4 + j] + a5 * X[o5 + j] + a6 * X[o6 + j] + a7 * X[o7 + j];
            }
        }
    }
    for (; r + 4 <= count; r += 4) {
        const o0 = (first + r) * n;
        const o1 = o0 + n;
        const o2 = o1 + n;
        const o3 = o2 + n;
        const y0 = y[r];
        const y1 = y[r + 1];
        const y2 = y[r + 2];
        const y3 = y[r + 3];
        sums.yty += w2 * (y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3);
        for (let i = 0; i < n; i++) {
            const a0 = X[o0 + i] * w2;
            const a1 = X[o1 + i] * w2;
            const a2 = X[o2 + i] * w2;
            const a3 = X[o3 + i] * w2;
            b[i] += a0 * y0 + a1 * y1 + a2 * y2 + a3 * y3;
            if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
            const row = i * n;
            for (let j = i; j < n; j++) {
                A[row + j] += a0 * X[o0 + j] + a1 * X[o1 + j] + a2 * X[o2 + j] + a3 * X[o3 + j];
            }
        }
    }
    for (; r < count; r++) {
        const o = (first + r) * n;
        const yr = y[r];
        sums.yty += w2 * yr * yr;
        for (let i = 0; i < n; i++) {
            const a = X[o + i] * w2;
            if (a === 0) continue;
            b[i] += a * yr;
            const row = i * n;
            for (let j = i; j < n; j++) A[row + j] += a * X[o + j];
        }
    }
}
