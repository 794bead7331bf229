/**
 * Part files of a sharded assembly (`*.acelens-ne`): the normal equations of one shard, written by
 * `acelens assemble --shard i/n` and summed by `acelens solve`. Node only (fs, crypto).
 *
 * Layout (little-endian):
 *   bytes 0..7     magic "ACELNSNE"
 *   bytes 8..11    uint32 H: length of the JSON header in bytes
 *   12..12+H       the header, UTF-8 JSON (NeHeader: format version, shard, basis spec, loss weights, E0,
 *                  data files and their SHA-256, row counts, per config_type counts, payload SHA-256)
 *   zero padding to a multiple of 8 bytes
 *   payload        float64: XᵀWX upper triangle row by row (n(n+1)/2 values: (0,0..n−1), (1,1..n−1), …),
 *                  then XᵀWy (n values). yᵀWy is in the header (a JSON number round-trips a double exactly).
 *
 * A part is written atomically: to a temporary file in the same folder, then renamed; the temporary file is
 * removed on every error, and SIGINT/SIGTERM arriving meanwhile are held until the write is over (the
 * write is synchronous), so a killed job never leaves a half-written part under the final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BasisSpec } from '../ace/spec';
import type { EnergyNorm, NormalSums } from './normal-equations';

export const NE_MAGIC = 'ACELNSNE';
export const NE_FORMAT = 'acelens-normal-equations';
export const NE_VERSION = 1;
export const NE_EXTENSION = '.acelens-ne';

/** Counts of one config_type (or of the whole shard). */
export interface NeCounts {
  structures: number;
  atoms: number;
  energyRows: number;
  forceRows: number;
  virialRows: number;
}

export interface NeDataFile {
  /** the path as given to assemble (absolute in Slurm scripts) */
  name: string;
  sha256: string;
  structures: number;
  atoms: number;
}

export interface NeHeader {
  format: typeof NE_FORMAT;
  version: number;
  created: string;
  software: string;
  shard: { index: number; count: number };
  spec: BasisSpec;
  nbasis: number;
  weights: { e0: number; energyWeight: number; forceWeight: number; virialWeight: number; energyNorm: EnergyNorm };
  e0Source: 'isolated_atom' | 'given';
  /** isolated-atom frames E0 was taken from (0 when given) */
  e0Frames: number;
  /** the training files, sorted by SHA-256 (the canonical order of the structures) */
  data: NeDataFile[];
  /** fitted structures (isolated atoms excluded) of all shards together */
  fitted: { structures: number; atoms: number };
  /** this shard's counts, overall and per config_type ('default' without one) */
  counts: NeCounts;
  perConfigType: Record<string, NeCounts>;
  yty: number;
  payload: { doubles: number; sha256: string };
}

export class NeFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'NeFileError';
    }
}

/** Encodes header + sums (upper triangle of xtx is read; the lower one is ignored). */
export function encodeNeFile(header: Omit<NeHeader, 'payload' | 'yty' | 'nbasis'>, sums: NormalSums): Buffer {
    const n = sums.nbasis;
    const doubles = (n * (n + 1)) / 2 + n;
    const payload = new Float64Array(doubles);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) payload[k++] = sums.xtx[i * n + j];
    payload.set(sums.xty, k);
    const payloadBytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    if (!littleEndian()) throw new NeFileError('part files are written on little-endian machines only');
    const full: NeHeader = { ...header, nbasis: n, yty: sums.yty, payload: { doubles, sha256: sha256(payloadBytes) } };
    const json = Buffer.from(JSON.stringify(full), 'utf8');
    const start = align8(12 + json.length);
    const out = Buffer.alloc(start + payloadBytes.length);
    out.write(NE_MAGIC, 0, 'latin1');
    out.writeUInt32LE(json.length, 8);
    json.copy(out, 12);
    payloadBytes.copy(out, start);
    return out;
}

/** Decodes and checks a part file; `name` prefixes every error. Returns the header and the sums (upper triangle). */
export function decodeNeFile(buf: Buffer, name: string): { header: NeHeader; sums: NormalSums } {
    if (buf.length < 12 || buf.toString('latin1', 0, 8) !== NE_MAGIC) throw new NeFileError(`${name}: not an acelens part file (no 'ACELNSNE' signature)`);
    const h = buf.readUInt32LE(8);
    if (12 + h > buf.length) throw new NeFileError(`${name}: corrupted or truncated part file (header of ${h} bytes, file of ${buf.length})`);
    let header: NeHeader;
    try {
        header = JSON.parse(buf.toString('utf8', 12, 12 + h)) as NeHeader;
    } catch {
        throw new NeFileError(`${name}: corrupted part file (its header is not valid JSON)`);
    }
    if (header?.format !== NE_FORMAT) throw new NeFileError(`${name}: not an acelens part file (format '${String(header?.format)}')`);
    if (header.version !== NE_VERSION) throw new NeFileError(`${name}: part file version ${header.version}, this acelens reads version ${NE_VERSION}`);
    const n = header.nbasis;
    if (!Number.isInteger(n) || n < 1 || header.payload?.doubles !== (n * (n + 1)) / 2 + n) {
        throw new NeFileError(`${name}: corrupted part file (inconsistent basis size in the header)`);
    }
    const start = align8(12 + h);
    const bytes = header.payload.doubles * 8;
    if (buf.length !== start + bytes) {
        throw new NeFileError(`${name}: corrupted or truncated part file (${buf.length} bytes, expected ${start + bytes} for ${n} basis functions)`);
    }
    const payloadBytes = buf.subarray(start, start + bytes);
    if (sha256(payloadBytes) !== header.payload.sha256) throw new NeFileError(`${name}: corrupted part file (the numbers do not match their SHA-256 checksum)`);
    const payload = new Float64Array(bytes / 8);
    Buffer.from(payload.buffer).set(payloadBytes);
    const xtx = new Float64Array(n * n);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) xtx[i * n + j] = payload[k++];
    const xty = payload.slice(k, k + n);
    const c = header.counts;
    const sums: NormalSums = { nbasis: n, xtx, xty, yty: header.yty, structures: c.structures, energyRows: c.energyRows, forceRows: c.forceRows, virialRows: c.virialRows };
    return { header, sums };
}

export function readNeFile(path: string): { header: NeHeader; sums: NormalSums } {
    let buf: Buffer;
    try {
        buf = readFileSync(path);
    } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new NeFileError(`${path}: cannot read the part file: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    return decodeNeFile(buf, path);
}

/**
 * Writes `bytes` to `path` atomically: a temporary file next to it (fsynced), renamed over `path`. The
 * temporary file is removed on any error; SIGINT/SIGTERM/SIGHUP received during the write are re-raised
 * after it (when nothing else handles them), so no exit path leaves the temporary file behind.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
    const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    let held: NodeJS.Signals | null = null;
    const hold = (sig: NodeJS.Signals) => {
        held ??= sig;
    };
    for (const s of signals) process.on(s, hold);
    try {
        let fd: number | null = null;
        try {
            fd = openSync(tmp, 'wx');
            let off = 0;
            while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
            fsyncSync(fd);
            closeSync(fd);
            fd = null;
            renameSync(tmp, path);
        } catch (err) {
            if (fd !== null) closeSync(fd);
            try {
                unlinkSync(tmp);
            } catch {
                /* never created */
            }
            const e = err as NodeJS.ErrnoException;
            throw new NeFileError(`${path}: cannot write: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
        }
    } finally {
        for (const s of signals) process.off(s, hold);
        if (held && process.listenerCount(held) === 0) process.kill(process.pid, held);
    }
}

function sha256(b: Uint8Array): string {
    return createHash('sha256').update(b).digest('hex');
}

function align8(x: number): number {
    return (x + 7) & ~7;
}

function littleEndian(): boolean {
    return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
