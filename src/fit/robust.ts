/**
 * Huber robust loss on the energy rows by iteratively reweighted least squares (IRLS).
 *
 * Energy rows are cheap to keep (one row of n numbers per structure), so the normal equations are assembled
 * once with every weight 1 and then corrected by rank-one updates: a structure s with weighted energy row
 * (w_s x_s, w_s y_s) and Huber weight h_s contributes h_s w_s² x_s x_sᵀ; changing h_s adds
 * (h_new − h_old) w_s² x_s x_sᵀ (and likewise to XᵀWy and yᵀWy). Huber's weight of a residual ρ (weighted,
 * ρ = w_s (y_s − x_s·c), in units of σ when w = 1/σ) is h = 1 for |ρ| ≤ δ and δ/|ρ| beyond; the iteration
 * stops when no weight changes by more than 1e-6 (at most 50 solves). Forces and virials keep their weights.
 *
 * Browser-safe.
 */
import type { AceBasis } from '../ace/basis';
import { designRows } from '../ace/evaluate';
import { subtractCoreRepulsion } from '../ace/core-repulsion';
import type { Frame } from '../structure/frame';
import { structureWeights, usedLabels, type LossWeights } from './normal-equations';

export interface EnergyRow {
  /** index into the frames */
  row: number;
  x: Float64Array;
  /** target E − N·E0 */
  y: number;
  /** row weight w_E,s / N (or / √N) */
  w: number;
  natoms: number;
}

/** The weighted energy rows of the frames whose energy enters the fit (energy design rows only: no gradients). */
export function energyRowsFor(basis: AceBasis, frames: readonly Frame[], w: LossWeights, signal?: AbortSignal): EnergyRow[] {
    const out: EnergyRow[] = [];
    frames.forEach((f, row) => {
        signal?.throwIfAborted();
        if (!usedLabels(f, w).energy) return;
        const N = f.natoms;
        const norm = w.energyNorm === 'sqrt-atoms' ? Math.sqrt(N) : N;
        const x = designRows(basis, f, { forces: false, virial: false }).energy;
        const eAce = basis.spec.coreRepulsion ? subtractCoreRepulsion(basis.spec.coreRepulsion, f).energy! : f.energy!;
        out.push({ row, x, y: eAce - N * w.e0, w: structureWeights(f, w).energy / norm, natoms: N });
    });
    return out;
}

export interface IrlsResult<S> {
  state: S;
  iterations: number;
  converged: boolean;
  /** structures with h < 1 at the end: residual (E_DFT − E_model)/N in eV/atom, weight h */
  downweighted: Array<{ row: number; residual: number; weight: number }>;
  /** final Huber weights, one per energy row (same order as `rows`) */
  weights: Float64Array;
}

/**
 * IRLS with Huber weights. `xtx`, `xty`, `yty`: the normal equations with every Huber weight 1 (not modified).
 * `solve` solves one weighted system and returns its coefficients (and any state to keep).
 */
export function huberIrls<S>(
    xtx: Float64Array,
    xty: Float64Array,
    yty: number,
    rows: readonly EnergyRow[],
    delta: number,
    solve: (A: Float64Array, b: Float64Array, yy: number) => { coefficients: Float64Array; state: S },
    maxIterations = 50,
): IrlsResult<S> {
    const n = xty.length;
    const A = Float64Array.from(xtx);
    const b = Float64Array.from(xty);
    let yy = yty;
    const h = new Float64Array(rows.length).fill(1);
    const hNew = new Float64Array(rows.length);
    let out = solve(A, b, yy);
    let it = 1;
    let converged = false;
    for (; ; it++) {
        const c = out.coefficients;
        let change = 0;
        rows.forEach((r, k) => {
            let p = 0;
            for (let i = 0; i < n; i++) p += r.x[i] * c[i];
            const rho = Math.abs(r.w * (r.y - p));
            hNew[k] = rho <= delta ? 1 : delta / rho;
            change = Math.max(change, Math.abs(hNew[k] - h[k]));
        });
        if (change <= 1e-6) {
            converged = true;
            break;
        }
        if (it >= maxIterations) break;
        rows.forEach((r, k) => {
            const d = (hNew[k] - h[k]) * r.w * r.w;
            if (d === 0) return;
            for (let i = 0; i < n; i++) {
                const a = d * r.x[i];
                if (a === 0) continue;
                const ri = i * n;
                for (let j = 0; j < n; j++) A[ri + j] += a * r.x[j];
                b[i] += a * r.y;
            }
            yy += d * r.y * r.y;
            h[k] = hNew[k];
        });
        out = solve(A, b, yy);
    }
    const c = out.coefficients;
    const downweighted: IrlsResult<S>['downweighted'] = [];
    rows.forEach((r, k) => {
        if (h[k] < 1) {
            let p = 0;
            for (let i = 0; i < n; i++) p += r.x[i] * c[i];
            downweighted.push({ row: r.row, residual: (r.y - p) / r.natoms, weight: h[k] });
        }
    });
    downweighted.sort((a, b2) => a.weight - b2.weight);
    return { state: out.state, iterations: it, converged, downweighted, weights: h };
}
