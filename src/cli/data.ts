/**
 * Reading a data file for the CLI: the frames (streamed through the extended XYZ reader), the SHA-256 of its
 * bytes and the line on which each frame starts (so that data errors found later — a missing energy, a NaN
 * force, a non-carbon atom — can name file, line and frame like the reader's own errors). One pass.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ExtXyzReader } from '../io/extxyz';
import { MAX_LINE_LENGTH } from '../io/extxyz-reader';
import { describeFsError } from '../model/model-node';
import type { Frame } from '../structure/frame';
import { CliError } from './errors';

export interface Dataset {
  path: string;
  frames: Frame[];
  /** 1-based line of each frame's atom-count line */
  lines: number[];
  sha256: string;
}

/**
 * "train.xyz:120: frame 3" — the location prefix used in messages (frame and atom indices 0-based, as the
 * reader's). With an atom, the line is that atom's line (atom-count line + 2 + atom).
 */
export function frameLocation(data: Dataset, index: number, atom?: number): string {
    const start = data.lines[index];
    if (start === undefined) return `${data.path}: frame ${index}`;
    return `${data.path}:${atom === undefined ? start : start + 2 + atom}: frame ${index}`;
}

/** Tracks on which line each frame starts (atom-count lines; blank lines between frames are skipped). */
class FrameLineScanner {
    readonly lines: number[] = [];
    private lineNo = 0;
    private skip = 0;
    private partial = '';
    private lost = false;

    push(text: string): void {
        if (this.lost) return;
        const s = this.partial + text;
        let start = 0;
        for (;;) {
            const nl = s.indexOf('\n', start);
            if (nl < 0) break;
            this.line(s.slice(start, nl));
            start = nl + 1;
        }
        this.partial = s.slice(start);
        if (this.partial.length > MAX_LINE_LENGTH) {
            this.lost = true; // the reader reports the over-long line
            this.partial = '';
        }
    }

    finish(): void {
        if (this.partial) this.line(this.partial);
        this.partial = '';
    }

    private line(text: string): void {
        this.lineNo++;
        if (this.lost) return;
        if (this.skip > 0) {
            this.skip--;
            return;
        }
        const t = text.trim();
        if (!t) return;
        const n = Number(t);
        if (!Number.isInteger(n) || n < 0) {
            this.lost = true; // the reader reports this
            return;
        }
        this.lines.push(this.lineNo);
        this.skip = n + 1;
    }
}

/** Reads a data file; warnings (misspelt standard keys) go to `warn`, by default to stderr. */
export async function readDataset(path: string, warn: (message: string) => void = (m) => process.stderr.write(`acelens: warning: ${m}\n`)): Promise<Dataset> {
    try {
        if (statSync(path).isDirectory()) throw new CliError(`${path}: is a directory, expected an extended XYZ file`);
    } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`${path}: cannot read: ${describeFsError(err)}`);
    }
    const reader = new ExtXyzReader({ fileName: path, onWarning: warn });
    const scanner = new FrameLineScanner();
    const hash = createHash('sha256');
    const decoder = new StringDecoder('utf8');
    const frames: Frame[] = [];
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    try {
        for await (const chunk of stream) {
            const buf = chunk as Buffer;
            hash.update(buf);
            const text = decoder.write(buf);
            for (const f of reader.push(text)) frames.push(f); // first: the reader refuses an over-long line
            scanner.push(text);
        }
        const rest = decoder.end();
        scanner.push(rest);
        scanner.finish();
        for (const f of reader.push(rest)) frames.push(f);
        for (const f of reader.finish()) frames.push(f);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code) throw new CliError(`${path}: cannot read: ${describeFsError(err)}`);
        throw err;
    } finally {
        stream.destroy();
    }
    if (frames.length === 0) throw new CliError(`${path}:1: no structures in the file (expected extended XYZ frames)`);
    const data = { path, frames, lines: scanner.lines, sha256: hash.digest('hex') };
    // a frame of 0 atoms (which ASE keeps) is refused by the reader itself, at its count line
    return data;
}
