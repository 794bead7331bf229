/**
 * Bond scans of stored models — one implementation for the bond-scan panel (its web worker and its plot) and
 * `acelens scan` (no DOM, no Mol*; tested in Node): the scan with the right evaluator for the model (an acelens
 * model re-evaluates only the sites that see the moving atom; a PACE potential is evaluated in full at every
 * distance), the grid point nearest a distance, and the CSV of one or more scans.
 *
 * Units: Å, eV, eV/Å.
 */
import { csvLine } from '../io/csv';
import type { Model } from '../model/model';
import { PaceModel, paceBondScan } from '../pace/pace-model';
import { bondScan, type BondScan, type BondScanOptions } from '../scan/bond-scan';
import type { Frame } from '../structure/frame';

/** Scans the i–j bond of `frame` with `model` (see src/scan/bond-scan.ts for what moves and what is fixed). */
export function scanBond(model: Model | PaceModel, frame: Frame, opts: BondScanOptions): BondScan {
    return model instanceof PaceModel ? paceBondScan(model, frame, opts) : bondScan(model, frame, opts);
}

/** Index of the grid point nearest to r (ties: the lower index); −1 for an empty grid. */
export function nearestScanIndex(grid: readonly number[], r: number): number {
    let best = -1;
    for (let k = 0; k < grid.length; k++) if (best < 0 || Math.abs(grid[k] - r) < Math.abs(grid[best] - r)) best = k;
    return best;
}

/**
 * CSV of scans of one bond on one grid: r (Å), then per model E − E_start (eV), E (eV) and the force on J along
 * the bond (eV/Å). Throws when the scans are not of the same bond and grid (they could not share the r column).
 */
export function bondScanCsv(scans: readonly { name: string; scan: BondScan }[]): string {
    if (scans.length === 0) throw new Error('bond scan CSV: no scan');
    const s0 = scans[0].scan;
    for (const { name, scan } of scans) {
        if (scan.i !== s0.i || scan.j !== s0.j || scan.r.length !== s0.r.length || scan.r.some((r, k) => r !== s0.r[k])) {
            throw new Error(`bond scan CSV: ${name} is not a scan of atoms ${s0.i}–${s0.j} on the same distances as ${scans[0].name}`);
        }
    }
    const head = ['r_A', ...scans.flatMap(({ name }) => [`${name} E-E_start eV`, `${name} E eV`, `${name} F_bond eV/A`])];
    const lines = [csvLine(head)];
    s0.r.forEach((r, k) => lines.push(csvLine([r, ...scans.flatMap(({ scan }) => [scan.relativeEnergy[k], scan.energy[k], scan.forceAlongBond[k]])])));
    return lines.join('\n') + '\n';
}
