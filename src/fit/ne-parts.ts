/**
 * Do these part files make one fit? (`acelens solve`): same basis, loss weights, E0 and training data, one
 * split into n shards, every shard exactly once. Then their sum, added in shard order (so the same parts
 * always give the same normal equations, bit for bit, whatever order they are given in).
 *
 * Free of Node APIs.
 */
import type { NeHeader } from './ne-file';
import { createSums, mergeSums, type NormalSums } from './normal-equations';

export interface LoadedPart {
  name: string;
  header: NeHeader;
  sums: NormalSums;
}

export class PartsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'PartsError';
    }
}

/** What must be equal across the parts of one fit, field by field (first difference named in errors). */
function identity(h: NeHeader): Array<[string, string]> {
    return [
        ['training data', h.data.map((d) => d.sha256).join(',')],
        ['number of shards', String(h.shard.count)],
        ['basis', JSON.stringify(h.spec)],
        ['loss weights', JSON.stringify({ ...h.weights, e0: undefined })],
        ['E0', `${h.weights.e0} (${h.e0Source})`],
        ['fitted structures', `${h.fitted.structures} structures, ${h.fitted.atoms} atoms`],
    ];
}

function describeField(field: string, h: NeHeader): string {
    if (field === 'training data') return h.data.map((d) => `${d.name} (SHA-256 ${d.sha256.slice(0, 12)}…)`).join(', ');
    if (field === 'number of shards') return `${h.shard.count} shards`;
    if (field === 'basis') return `K = ${h.spec.order} ${h.spec.variant}, ${h.nbasis} functions, D = ${h.spec.maxDegree.join(',')}, r_cut ${h.spec.rcut} Å`;
    if (field === 'E0') return `E0 = ${h.weights.e0} eV`;
    if (field === 'loss weights') return `w_E ${h.weights.energyWeight}, w_F ${h.weights.forceWeight}, w_V ${h.weights.virialWeight}, ${h.weights.energyNorm}`;
    return `${h.fitted.structures} structures`;
}

/**
 * Checks the parts and returns them in shard order. Throws a one-line PartsError naming the foreign,
 * duplicated or missing part. The reference is what most parts agree on (ties: the first part's).
 */
export function checkParts(parts: readonly LoadedPart[]): LoadedPart[] {
    if (parts.length === 0) throw new PartsError('no part files given');
    const key = (p: LoadedPart) => JSON.stringify(identity(p.header));
    const groups = new Map<string, LoadedPart[]>();
    for (const p of parts) {
        const k = key(p);
        if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(p);
    }
    let ref = parts[0];
    let best = 0;
    for (const g of groups.values()) if (g.length > best) [best, ref] = [g.length, g[0]];
    const refId = identity(ref.header);
    for (const p of parts) {
        const id = identity(p.header);
        const k = id.findIndex(([, v], i) => v !== refId[i][1]);
        if (k < 0) continue;
        const field = id[k][0];
        const others = parts.length - 1 === 1 ? ref.name : `the other ${parts.length - 1} parts`;
        throw new PartsError(
            `${p.name} is a foreign part: its ${field} differs from ${others}'s (${describeField(field, p.header)}, not ${describeField(field, ref.header)})`,
        );
    }
    const n = ref.header.shard.count;
    const byShard: Array<LoadedPart | undefined> = Array.from({ length: n }, () => undefined);
    for (const p of parts) {
        const i = p.header.shard.index;
        if (!Number.isInteger(i) || i < 0 || i >= n) throw new PartsError(`${p.name}: corrupted part file (shard index ${i} of ${n})`);
        const other = byShard[i];
        if (other) throw new PartsError(`shard ${i}/${n} is given twice: ${other.name} and ${p.name}`);
        byShard[i] = p;
    }
    const missing = byShard.map((p, i) => (p ? -1 : i)).filter((i) => i >= 0);
    if (missing.length) {
        const list = missing.length > 8 ? `${missing.slice(0, 8).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
        throw new PartsError(`missing part${missing.length > 1 ? 's' : ''} of shard${missing.length > 1 ? 's' : ''} ${list} of ${n} (have ${parts.length}); run acelens assemble … --shard ${missing[0]}/${n} for it`);
    }
    let structures = 0;
    for (const p of byShard) structures += p!.header.counts.structures;
    if (structures !== ref.header.fitted.structures) {
        throw new PartsError(`the parts hold ${structures} structures, their headers say ${ref.header.fitted.structures}: a part is corrupted`);
    }
    return byShard as LoadedPart[];
}

/** Σ of the parts' normal equations in the given (shard) order. */
export function sumParts(ordered: readonly LoadedPart[]): NormalSums {
    const total = createSums(ordered[0].sums.nbasis);
    for (const p of ordered) mergeSums(total, p.sums);
    return total;
}
