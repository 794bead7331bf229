/**
 * Shards of the assembly: a deterministic split of the fitted structures into n parts of nearly equal atom
 * count, and the sums of one part. Both `acelens fit` (shards = ASSEMBLY_SHARDS, handed to worker threads)
 * and `acelens assemble --shard i/n` (one process per shard, e.g. a Slurm array task) go through here, and
 * `acelens solve` adds the parts in shard order — one assembly code (`assembleChunk` of ./assemble.ts per
 * shard), whatever runs it.
 *
 * The split (`shardPlan`) depends only on the atom counts of the structures in their canonical order (the
 * caller's order: for the CLI the data files sorted by SHA-256, then file order), never on timing or the
 * number of workers: structures are taken largest first (ties: earlier first) and each goes to the shard
 * with the fewest atoms so far (ties: lowest shard index) — the greedy "longest processing time" rule, whose
 * largest shard is at most 4/3 of the optimum. Within a shard the structures are summed in canonical order.
 *
 * Free of Node APIs (used by the CLI, Node workers and the browser worker).
 */
import type { Frame } from '../structure/frame';

/** Shards of the in-process / worker-thread assembly of `acelens fit` (fixed: results do not depend on the worker count). */
export const ASSEMBLY_SHARDS = 16;

/**
 * The split: for each shard the indices (ascending) of its structures. `natoms[s]` is the atom count of
 * structure s in canonical order. Shards may be empty when there are fewer structures than shards.
 */
export function shardPlan(natoms: ArrayLike<number>, nshards: number): number[][] {
    if (!Number.isInteger(nshards) || nshards < 1) throw new Error(`the number of shards must be a positive integer, got ${nshards}`);
    const n = natoms.length;
    const order = Array.from({ length: n }, (_, s) => s);
    order.sort((a, b) => natoms[b] - natoms[a] || a - b);
    const shards: number[][] = Array.from({ length: nshards }, () => []);
    // binary min-heap of shards keyed by (atoms, index)
    const heap = Array.from({ length: nshards }, (_, k) => k);
    const load = new Float64Array(nshards);
    const less = (a: number, b: number) => load[a] < load[b] || (load[a] === load[b] && a < b);
    for (const s of order) {
        const k = heap[0];
        shards[k].push(s);
        load[k] += natoms[s];
        // sift down the root
        let i = 0;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < nshards && less(heap[l], heap[m])) m = l;
            if (r < nshards && less(heap[r], heap[m])) m = r;
            if (m === i) break;
            [heap[i], heap[m]] = [heap[m], heap[i]];
            i = m;
        }
    }
    for (const sh of shards) sh.sort((a, b) => a - b);
    return shards;
}

/** The shard plan of a list of frames. */
export function shardPlanOf(frames: readonly Frame[], nshards: number): number[][] {
    return shardPlan(
        frames.map((f) => f.natoms),
        nshards,
    );
}
