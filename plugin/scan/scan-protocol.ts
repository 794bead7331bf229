/** Messages between the bond-scan panel and its web worker (plugin/scan/scan-worker.ts). */
import type { ModelSource } from '../model-source';
import type { BondScan } from '../../src/scan/bond-scan';
import type { Frame } from '../../src/structure/frame';

export interface ScanJob {
    /** acelens model files or PACE potentials (plugin/model-source.ts) */
    models: { name: string; source: ModelSource }[];
    frame: Frame;
    i: number;
    j: number;
    from: number;
    to: number;
    points: number;
}

export type ScanReply =
    /** points computed so far for model `model`: r (Å) and E − E_start (eV); streamed, at most every ~100 ms */
    | { type: 'points'; model: number; r: number[]; energy: number[] }
    | { type: 'result'; model: number; scan: BondScan; ms: number }
    | { type: 'done' }
    | { type: 'error'; message: string };
