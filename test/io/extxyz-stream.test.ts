/** Incremental reading: random chunk boundaries, Node file streams and web ReadableStreams give the same frames. */
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ExtXyzError, ExtXyzReader, parseExtXyz, readExtXyzStream, writeExtXyz } from '../../src/io/extxyz';
import { iterateExtXyzFile, readExtXyzFile } from '../../src/io/extxyz-node';
import type { Frame } from '../../src/structure/frame';
import { FIXTURES, REPO } from './ase-peer';
import { seededRandom } from '../../src/util/random';

const tmp = mkdtempSync(path.join(tmpdir(), 'acelens-stream-'));
const multi = readFileSync(path.join(FIXTURES, 'periodic_multi.xyz'), 'utf8')
  + '\n' + readFileSync(path.join(FIXTURES, 'extra_arrays.xyz'), 'utf8')
  + readFileSync(path.join(FIXTURES, 'molecule.xyz'), 'utf8').replace(/\n/g, '\r\n')
  + readFileSync(path.join(FIXTURES, 'virial.xyz'), 'utf8') + '\n\n';

const rng = seededRandom;

/** Frames as plain data, for comparing (typed arrays → arrays). */
const plain = (frames: Frame[]) => JSON.parse(JSON.stringify(frames, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));

describe('ExtXyzReader', () => {
    const whole = parseExtXyz(multi);
    it('the mixed text has all frames', () => {
        expect(whole.map((f) => f.natoms)).toEqual([8, 4, 6, 4, 12, 2, 8]);
    });
    for (const seed of [1, 2, 3, 4, 5]) {
        it(`random chunk boundaries (seed ${seed}) give the same frames, each as soon as it is complete`, () => {
            const r = rng(seed);
            const reader = new ExtXyzReader();
            const got: Frame[] = [];
            let pos = 0;
            while (pos < multi.length) {
                const len = 1 + Math.floor(r() * (r() < 0.3 ? 3 : 400));
                const chunk = multi.slice(pos, pos + len);
                pos += len;
                got.push(...reader.push(chunk));
                // a frame is returned by the chunk that completes its last atom line (incl. its newline)
                expect(got.length).toBe(parseExtXyzLenient(multi.slice(0, pos)).length);
            }
            got.push(...reader.finish());
            expect(plain(got)).toEqual(plain(whole));
        });
    }
    it('one character at a time', () => {
        const reader = new ExtXyzReader();
        const got: Frame[] = [];
        for (const ch of multi) got.push(...reader.push(ch));
        got.push(...reader.finish());
        expect(plain(got)).toEqual(plain(whole));
    });
    it('a last line without newline is parsed by finish()', () => {
        const reader = new ExtXyzReader();
        expect(reader.push('1\nProperties=species:S:1:pos:R:3\nC 0 0 1.5')).toEqual([]);
        const [f] = reader.finish();
        expect(Array.from(f.positions)).toEqual([0, 0, 1.5]);
    });
    it('finish() throws on a truncated last frame', () => {
        const reader = new ExtXyzReader({ fileName: 't.xyz' });
        reader.push('2\nProperties=species:S:1:pos:R:3\nC 0 0 0\n');
        expect(() => reader.finish()).toThrow(/^t\.xyz:4: frame 0: file ends after 1 of 2 atom lines/);
    });
    it('strict: after an error the reader stays stopped and throws the same error', () => {
        const reader = new ExtXyzReader({ fileName: 's.xyz' });
        expect(() => reader.push('1\nProperties=species:S:1:pos:R:3\nC 0 x 0\n')).toThrow(/^s\.xyz:3: frame 0/);
        expect(() => reader.push('1\n\nC 0 0 0\n')).toThrow(/^s\.xyz:3: frame 0/);
        expect(() => reader.finish()).toThrow(/^s\.xyz:3: frame 0/);
    });
    it('lenient: push stops at the error and keeps it', () => {
        const reader = new ExtXyzReader({ lenient: true });
        const first = reader.push('1\nProperties=species:S:1:pos:R:3\nC 0 0 0\n1\nProperties=species:S:1:pos:R:3\nC 0 x 0\n');
        expect(first).toHaveLength(1);
        expect(reader.error).toBeInstanceOf(ExtXyzError);
        expect(reader.error!.line).toBe(6);
        expect(reader.push('1\n\nC 0 0 0\n')).toEqual([]);
        expect(reader.finish()).toEqual([]);
    });
});

function parseExtXyzLenient(text: string): Frame[] {
    // frames completed within a prefix of the text (a prefix may end inside a frame)
    const reader = new ExtXyzReader({ lenient: true });
    return reader.push(text);
}

function webStream(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
    let pos = 0;
    return new ReadableStream<Uint8Array>({
        pull(controller) {
            if (pos >= bytes.length) return controller.close();
            controller.enqueue(bytes.subarray(pos, pos + chunk));
            pos += chunk;
        },
    });
}

describe('streams', () => {
    const whole = parseExtXyz(multi);
    it('readExtXyzStream over a web ReadableStream, chunks splitting multi-byte UTF-8 characters', async () => {
        const text = multi.replace('it\'s a test', 'it\'s a tést ✓ 炭素');
        const bytes = new TextEncoder().encode(text);
        for (const size of [1, 7, 4096]) {
            const got: Frame[] = [];
            for await (const f of readExtXyzStream(webStream(bytes, size))) got.push(f);
            expect(plain(got)).toEqual(plain(parseExtXyz(text)));
            expect(got[0].info.comment).toBe("it's a tést ✓ 炭素 {with} [brackets]");
        }
    });
    it('readExtXyzStream from a Blob stream (what a browser File gives)', async () => {
        const got: Frame[] = [];
        for await (const f of readExtXyzStream(new Blob([multi]).stream())) got.push(f);
        expect(plain(got)).toEqual(plain(whole));
    });
    it('readExtXyzStream throws ExtXyzError, or with lenient stops after the good frames', async () => {
        const bad = multi + '2\nProperties=species:S:1:pos:R:3\nC 0 0 0\n';
        const gen = async (lenient: boolean) => {
            const got: Frame[] = [];
            for await (const f of readExtXyzStream(new Blob([bad]).stream(), { lenient, fileName: 'b.xyz' })) got.push(f);
            return got;
        };
        await expect(gen(false)).rejects.toThrow(/^b\.xyz:\d+: frame 7: file ends after 1 of 2 atom lines/);
        expect(await gen(true)).toHaveLength(7);
    });
    it('readExtXyzFile and iterateExtXyzFile stream a file from disk', async () => {
        const file = path.join(tmp, 'multi.xyz');
        writeFileSync(file, multi);
        expect(plain(await readExtXyzFile(file))).toEqual(plain(whole));
        let n = 0;
        for await (const f of iterateExtXyzFile(file)) expect(f.natoms).toBe(whole[n++].natoms);
        expect(n).toBe(whole.length);
    });
    it('readExtXyzFile errors name the file path', async () => {
        const file = path.join(tmp, 'bad.xyz');
        writeFileSync(file, '1\nProperties=species:S:1:pos:R:3\nC 0 0\n');
        await expect(readExtXyzFile(file)).rejects.toThrow(`${file}:3: frame 0: atom 0: Properties declares 4 fields per atom line, found 3`);
    });

    it('a large file (~60 MB) streams with memory bounded by a frame, not the file', async () => {
    // 200 frames of 4,000 atoms written with acelens, read back one frame at a time
        const file = path.join(tmp, 'large.xyz');
        const n = 4000;
        const r = rng(9);
        const frame: Frame = {
            natoms: n, positions: Float64Array.from({ length: 3 * n }, () => r() * 30), species: new Array(n).fill('C'),
            cell: Float64Array.of(30, 0, 0, 0, 30, 0, 0, 0, 30), pbc: [true, true, true], energy: -1,
            forces: Float64Array.from({ length: 3 * n }, () => r() - 0.5), info: {}, arrays: {},
        };
        const out = createWriteStream(file);
        for (let k = 0; k < 200; k++) {
            frame.energy = -k;
            if (!out.write(writeExtXyz([frame]))) await once(out, 'drain');
        }
        out.end();
        await once(out, 'finish');
        const size = readFileSync(file).length;
        expect(size).toBeGreaterThan(50e6);
        // measured in a separate node with --expose-gc, so that only retained memory counts (not uncollected garbage)
        const out2 = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(REPO, 'test', 'io', 'stream-memory.script.ts'), file], { encoding: 'utf8', cwd: REPO });
        const m = JSON.parse(out2) as { frames: number; energySum: number; peakRetainedBytes: number; seconds: number };
        expect(m.frames).toBe(200);
        expect(m.energySum).toBe(-(199 * 200) / 2);
        // one frame of 4,000 atoms is ~0.3 MB of typed arrays; allow stream buffers, far below the 84 MB file
        expect(m.peakRetainedBytes).toBeLessThan(16e6);
        console.log(`streamed ${(size / 1e6).toFixed(0)} MB in ${m.seconds.toFixed(2)} s, peak retained heap ${(m.peakRetainedBytes / 1e6).toFixed(1)} MB`);
    });
});
