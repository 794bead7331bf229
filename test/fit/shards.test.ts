/**
 * Sharded assembly: the split (shardPlan), one shard's sums (assembleShardOf), the part-file format
 * (ne-file) and the checks of `acelens solve` (ne-parts). n shards summed in shard order and solved give
 * the coefficients of fitModel; 16 shards (the fit's own chunks) give them bit for bit.
 */
import { mkdtempSync, readdirSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitModel, isIsolatedAtom } from '../../src/fit/fit';
import { decodeNeFile, encodeNeFile, NE_FORMAT, NE_VERSION, readNeFile, writeFileAtomic, type NeHeader } from '../../src/fit/ne-file';
import { checkParts, sumParts, type LoadedPart } from '../../src/fit/ne-parts';
import { assembleShardOf, parseShard, type ShardResult } from '../../src/fit/shard-assembly';
import { ASSEMBLY_SHARDS, shardPlan } from '../../src/fit/shards';
import { E0, smallSpec, syntheticData } from './data';

const spec = smallSpec(3);
const { frames } = syntheticData(spec, 30, 17, { stress: true });
const loss = { e0: 'auto' as const, energyWeight: 1, forceWeight: 1, virialWeight: 0.5, energyNorm: 'atoms' as const };
const DATA = [{ name: '/data/train.xyz', sha256: 'a'.repeat(64), structures: frames.length, atoms: frames.reduce((s, f) => s + f.natoms, 0) }];

function header(r: ShardResult, shard: { index: number; count: number }, data = DATA): Omit<NeHeader, 'payload' | 'yty' | 'nbasis'> {
    return {
        format: NE_FORMAT, version: NE_VERSION, created: 'now', software: 'test', shard, spec: r.spec, weights: r.weights,
        e0Source: r.e0Source, e0Frames: r.e0Frames, data, fitted: r.fitted, counts: r.counts, perConfigType: r.perConfigType,
    };
}

/** n parts of the synthetic data, encoded and decoded as solve reads them. */
function parts(n: number, data = DATA, weights = loss): LoadedPart[] {
    return Array.from({ length: n }, (_, index) => {
        const r = assembleShardOf(frames, { spec, ...weights, shard: { index, count: n } });
        return { name: `part-${index}`, ...decodeNeFile(encodeNeFile(header(r, { index, count: n }, data), r.sums), `part-${index}`) };
    });
}

function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let d = 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) {
        d = Math.max(d, Math.abs(a[i] - b[i]));
        s = Math.max(s, Math.abs(a[i]));
    }
    return d / s;
}

describe('shardPlan', () => {
    it('puts every structure in exactly one shard, ascending, balanced by atoms; depends only on the atom counts', () => {
        const natoms = Array.from({ length: 500 }, (_, s) => 1 + ((s * 37) % 61));
        for (const n of [1, 3, 7, 16, 600]) {
            const plan = shardPlan(natoms, n);
            expect(plan).toHaveLength(n);
            expect(plan.flat().sort((a, b) => a - b)).toEqual(natoms.map((_, s) => s));
            for (const sh of plan) expect(sh).toEqual([...sh].sort((a, b) => a - b));
            const loads = plan.map((sh) => sh.reduce((t, s) => t + natoms[s], 0));
            // greedy largest-first: no shard exceeds another by more than the largest structure
            if (n <= natoms.length) expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(61);
            expect(shardPlan(natoms, n)).toEqual(plan);
        }
        expect(() => shardPlan(natoms, 0)).toThrow(/positive integer/);
        expect(parseShard('2/7')).toEqual({ index: 2, count: 7 });
        for (const bad of ['7/7', '-1/3', '1', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow(/i\/n/);
    });
});

describe('part files', () => {
    it('round-trip: header and the normal equations (upper triangle, XᵀWy, yᵀWy, counts) exactly', () => {
        const r = assembleShardOf(frames, { spec, ...loss, shard: { index: 1, count: 3 } });
        const bytes = encodeNeFile(header(r, { index: 1, count: 3 }), r.sums);
        const { header: h, sums } = decodeNeFile(bytes, 'p');
        const n = r.sums.nbasis;
        for (let i = 0; i < n; i++) for (let j = i; j < n; j++) expect(sums.xtx[i * n + j]).toBe(r.sums.xtx[i * n + j]);
        expect(sums.xty).toEqual(r.sums.xty);
        expect(sums.yty).toBe(r.sums.yty);
        expect([sums.structures, sums.energyRows, sums.forceRows, sums.virialRows]).toEqual([r.sums.structures, r.sums.energyRows, r.sums.forceRows, r.sums.virialRows]);
        expect(h.shard).toEqual({ index: 1, count: 3 });
        expect(h.weights.e0).toBe(E0);
        expect(h.spec).toEqual(r.spec);
        expect(h.perConfigType).toEqual(r.perConfigType);
        expect(Object.values(h.perConfigType).reduce((s, c) => s + c.atoms, 0)).toBe(h.counts.atoms);
        // size: 12-byte preamble + header (padded to 8) + 8 bytes per double
        expect(bytes.length % 8).toBe(0);
        expect(bytes.length).toBeGreaterThan(8 * ((n * (n + 1)) / 2 + n));
    });

    it('refuses a corrupted, truncated, foreign-format or newer part with a message naming it', () => {
        const r = assembleShardOf(frames, { spec, ...loss, shard: { index: 0, count: 2 } });
        const good = encodeNeFile(header(r, { index: 0, count: 2 }), r.sums);
        const flipped = Buffer.from(good);
        flipped[flipped.length - 20] ^= 0x40;
        expect(() => decodeNeFile(flipped, 'p0')).toThrow(/^p0: corrupted part file \(the numbers do not match their SHA-256/);
        expect(() => decodeNeFile(good.subarray(0, good.length - 8), 'p0')).toThrow(/^p0: corrupted or truncated part file/);
        expect(() => decodeNeFile(Buffer.from('{"format":"x"}'), 'p0')).toThrow(/^p0: not an acelens part file/);
        const h = good.readUInt32LE(8);
        const json = JSON.parse(good.toString('utf8', 12, 12 + h));
        const text = Buffer.from(JSON.stringify({ ...json, version: 99 }));
        const start = (12 + text.length + 7) & ~7;
        const newer = Buffer.alloc(start + 8 * json.payload.doubles);
        good.copy(newer, 0, 0, 8);
        newer.writeUInt32LE(text.length, 8);
        text.copy(newer, 12);
        good.copy(newer, start, (12 + h + 7) & ~7);
        expect(() => decodeNeFile(newer, 'p0')).toThrow(/^p0: part file version 99, this acelens reads version 1/);
    });

    it('writes atomically: the final name appears whole; a failed write leaves no temporary file', () => {
        const dir = mkdtempSync(join(tmpdir(), 'acelens-ne-'));
        const r = assembleShardOf(frames, { spec, ...loss, shard: { index: 0, count: 1 } });
        const bytes = encodeNeFile(header(r, { index: 0, count: 1 }), r.sums);
        writeFileAtomic(join(dir, 'part-0.acelens-ne'), bytes);
        expect(readNeFile(join(dir, 'part-0.acelens-ne')).sums.xty).toEqual(r.sums.xty);
        writeFileAtomic(join(dir, 'part-0.acelens-ne'), bytes); // overwrite
        mkdirSync(join(dir, 'taken.acelens-ne'));
        writeFileSync(join(dir, 'taken.acelens-ne', 'x'), 'x');
        expect(() => writeFileAtomic(join(dir, 'taken.acelens-ne'), bytes)).toThrow(/taken.acelens-ne: cannot write/);
        expect(() => writeFileAtomic(join(dir, 'nofolder', 'p.acelens-ne'), bytes)).toThrow(/cannot write: no such folder/);
        expect(readdirSync(dir).sort()).toEqual(['part-0.acelens-ne', 'taken.acelens-ne']);
        expect(readFileSync(join(dir, 'part-0.acelens-ne')).equals(bytes)).toBe(true);
    });
});

describe('solving from parts', () => {
    const lambda = 1e-6;
    const fitWith = (sums: ReturnType<typeof sumParts>) =>
        fitModel(frames, { spec, lambda, ...loss, e0: 'auto', assemble: async () => ({ ...sums, xtx: sums.xtx.slice(), xty: sums.xty.slice() }) });

    it('1, 3 and 7 shards summed and solved give the coefficients and train metrics of fitModel (≤ 1e-10 relative); 16 bit for bit', async () => {
        const reference = await fitModel(frames, { spec, lambda, ...loss, e0: 'auto' });
        for (const n of [1, 3, 7, ASSEMBLY_SHARDS]) {
            const p = parts(n);
            expect(p.reduce((s, x) => s + x.header.counts.structures, 0)).toBe(frames.filter((f) => !isIsolatedAtom(f)).length);
            const res = await fitWith(sumParts(checkParts([...p].reverse())));
            const c = res.model.coefficients;
            expect(relativeDiff(reference.model.coefficients, c)).toBeLessThanOrEqual(1e-10);
            const a = reference.model.metrics.train;
            const b = res.model.metrics.train;
            expect(b.structures).toBe(a.structures);
            // the labels are noise-free, so the RMSEs are tiny (≈ 7e-3 meV/atom): besides 1e-9 relative, allow the
            // round-off of the predictions themselves (1e-9 meV = 1e-12 eV on energies of a few eV per atom)
            expect(Math.abs(b.energy_rmse_meV_atom! - a.energy_rmse_meV_atom!)).toBeLessThanOrEqual(1e-9 * a.energy_rmse_meV_atom! + 1e-9);
            expect(Math.abs(b.force_rmse_meV_A! - a.force_rmse_meV_A!)).toBeLessThanOrEqual(1e-9 * a.force_rmse_meV_A! + 1e-9);
            if (n === ASSEMBLY_SHARDS) expect(c).toEqual(reference.model.coefficients);
        }
    });

    it('refuses missing, duplicated and foreign parts with one line naming them', () => {
        const p = parts(4);
        expect(() => checkParts([p[0], p[1], p[3]])).toThrow(/^missing part of shard 2 of 4 \(have 3\); run acelens assemble … --shard 2\/4 for it$/);
        expect(() => checkParts([p[0], p[1], p[2], p[3], { ...p[2], name: 'copy-of-2' }])).toThrow(/^shard 2\/4 is given twice: part-2 and copy-of-2$/);
        const otherData = parts(4, [{ ...DATA[0], sha256: 'b'.repeat(64) }]);
        expect(() => checkParts([p[0], p[1], { ...otherData[2], name: 'stray' }, p[3]])).toThrow(/^stray is a foreign part: its training data differs from the other 3 parts's \(\/data\/train.xyz \(SHA-256 bbbbbbbbbbbb…\), not \/data\/train.xyz \(SHA-256 aaaaaaaaaaaa…\)\)$/);
        const otherWeights = parts(4, DATA, { ...loss, forceWeight: 2 });
        expect(() => checkParts([otherWeights[0], p[1], p[2], p[3]])).toThrow(/^part-0 is a foreign part: its loss weights differ/);
        const given = parts(4, DATA, { ...loss, e0: -150 } as never);
        expect(() => checkParts([p[0], given[1], p[2], p[3]])).toThrow(/^part-1 is a foreign part: its E0 differs .*E0 = -150 eV, not E0 = -155.123 eV/);
        const three = parts(3);
        expect(() => checkParts([p[0], p[1], three[2], p[3]])).toThrow(/^part-2 is a foreign part: its number of shards differs .*\(3 shards, not 4 shards\)/);
    });
});
