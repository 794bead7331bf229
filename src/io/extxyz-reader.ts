/**
 * Incremental extended XYZ reader: feed text in chunks of any size, get complete frames back. Memory is bounded
 * by one frame (plus one partial line), never by the file.
 *
 * Frame layout: an atom-count line, a comment line of key=value pairs, then one line per atom. Blank lines
 * between frames and at the end are skipped (ASE stops reading at the first blank line instead).
 */
import type { Frame } from '../structure/frame';
import { ExtXyzError } from './extxyz-error';
import { FrameBuilder, type LabelKeys } from './extxyz-frame';
import { parsePyInt } from './pynum';

export interface ReadOptions extends LabelKeys {
  /** used in error messages (default '<input>') */
  fileName?: string;
  /** energy key; default: first present of 'energy', 'free_energy', 'dft_energy', 'DFT_energy', 'Energy' */
  energyKey?: string;
  /** per-atom forces column; default: first present of 'forces', 'force', 'dft_forces', 'DFT_force', 'dft_force' */
  forcesKey?: string;
  /**
   * stress key; default 'stress' (6 Voigt or 9), else 'virial' / 'dft_virial' (9 or 6), converted to
   * stress = −virial/V. A key whose name contains 'virial' is always treated as a virial.
   */
  stressKey?: string;
  /** on error: stop, keep the frames before it, report the error (onError, or the lenient functions) instead of throwing */
  lenient?: boolean;
  /** called with the error that stopped a lenient read */
  onError?: (error: ExtXyzError) => void;
}

/**
 * Limits of the reader (README "Limits"): a line longer than MAX_LINE_LENGTH characters (a file without
 * newlines, /dev/zero, a binary file) and a frame announcing more than MAX_ATOMS_PER_FRAME atoms are refused with
 * the line number, before the text is kept or memory is allocated for them.
 */
export const MAX_LINE_LENGTH = 1 << 20;
export const MAX_ATOMS_PER_FRAME = 1_000_000;

type State = 'header' | 'comment' | 'atoms';

export class ExtXyzReader {
    private readonly fileName: string;
    private readonly opts: ReadOptions;
    private partial = '';
    private lineNo = 0;
    private frameIndex = 0;
    private state: State = 'header';
    private natoms = 0;
    private headerLine = 0;
    private builder: FrameBuilder | null = null;
    private finished = false;
    /** the error that stopped the read (lenient: reported here instead of thrown), or null */
    error: ExtXyzError | null = null;

    /** warnings about input read but probably not meant (misspelt standard keys); one per distinct message text, at most 20 */
    readonly warnings: string[] = [];

    constructor(opts: ReadOptions = {}) {
        const seen = new Set<string>();
        this.opts = {
            ...opts,
            onWarning: (message) => {
                const key = message.replace(/^.*?: frame \d+: /, '');
                if (seen.has(key) || seen.size >= 20) return;
                seen.add(key);
                this.warnings.push(message);
                opts.onWarning?.(message);
            },
        };
        this.fileName = opts.fileName ?? '<input>';
    }

    /** Number of frames completed so far. */
    get framesRead(): number {
        return this.frameIndex;
    }

    /** Feed the next piece of text; returns the frames completed by it. */
    push(chunk: string): Frame[] {
        const out: Frame[] = [];
        if (this.error) return this.afterError();
        if (this.finished) throw new Error('ExtXyzReader.push() after finish()');
        let text = this.partial.length > 0 ? this.partial + chunk : chunk;
        if (this.lineNo === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 byte order mark
        let start = 0;
        try {
            for (;;) {
                const nl = text.indexOf('\n', start);
                if (nl < 0) break;
                if (nl - start > MAX_LINE_LENGTH) this.tooLong(this.lineNo + 1);
                const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
                this.line(text.slice(start, end), out);
                start = nl + 1;
            }
            if (text.length - start > MAX_LINE_LENGTH) this.tooLong(this.lineNo + 1);
            this.partial = text.slice(start);
        } catch (e) {
            this.partial = '';
            this.stop(e);
        }
        return out;
    }

    /** End of input: parses a last line without newline; throws (or, lenient, reports) on a truncated last frame. */
    finish(): Frame[] {
        const out: Frame[] = [];
        if (this.error) return this.afterError();
        if (this.finished) return out;
        this.finished = true;
        try {
            if (this.partial.length > 0) {
                const last = this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial;
                this.partial = '';
                this.line(last, out);
            }
            if (this.state === 'comment') {
                this.fail(this.lineNo + 1, `file ends after the atom count ${this.natoms} on line ${this.headerLine}; expected a comment line and ${this.natoms} atom lines (truncated file?)`);
            }
            if (this.state === 'atoms') {
                const got = this.builder!.count;
                this.fail(this.lineNo + 1, `file ends after ${got} of ${this.natoms} atom lines announced on line ${this.headerLine} (truncated file?)`);
            }
        } catch (e) {
            this.stop(e);
        }
        return out;
    }

    private stop(e: unknown): void {
        if (!(e instanceof ExtXyzError)) throw e;
        this.error = e;
        this.builder = null;
        if (!this.opts.lenient) throw e;
        this.opts.onError?.(e);
    }

    /** Once stopped, a reader stays stopped: lenient returns nothing more, strict throws the same error again. */
    private afterError(): Frame[] {
        const error = this.error!;
        if (!this.opts.lenient) throw error;
        return [];
    }

    private tooLong(line: number): never {
        this.fail(line, `line longer than ${MAX_LINE_LENGTH} characters (not an extended XYZ text file? no newlines?)`);
    }

    private fail(line: number, what: string): never {
        throw new ExtXyzError(this.fileName, line, this.frameIndex, what);
    }

    private line(text: string, out: Frame[]): void {
        const lineNo = ++this.lineNo;
        switch (this.state) {
            case 'header': {
                const t = text.trim();
                if (t.length === 0) return; // blank line between frames or at the end
                const n = parsePyInt(t);
                if (n === null || n < 0) {
                    let hint = '';
                    if (this.frameIndex > 0 && /^[A-Za-z]{1,2}\s/.test(t)) hint = ' (this looks like an atom line: is the atom count of the previous frame too small?)';
                    this.fail(lineNo, `expected the atom count of a frame (a positive integer), found '${clip(t)}'${hint}`);
                }
                if (!Number.isSafeInteger(n) || n > MAX_ATOMS_PER_FRAME) this.fail(lineNo, `atom count ${clip(t)} is too large (acelens reads at most ${MAX_ATOMS_PER_FRAME} atoms per frame)`);
                // ASE keeps a frame of 0 atoms; it is no structure (nothing to draw, fit or evaluate), so it is refused here,
                // where the line is known, for every user of the reader (CLI, viewer, workers)
                if (n === 0) this.fail(lineNo, 'a frame with 0 atoms is not a structure (remove it; expected an atom count of at least 1)');
                this.natoms = n;
                this.headerLine = lineNo;
                this.state = 'comment';
                return;
            }
            case 'comment': {
                this.builder = new FrameBuilder(this.fileName, this.frameIndex, this.headerLine, this.natoms, lineNo, text, this.opts);
                this.state = 'atoms';
                return;
            }
            case 'atoms': {
                const b = this.builder!;
                b.addAtomLine(text, lineNo);
                if (b.complete) this.emit(out);
                return;
            }
        }
    }

    private emit(out: Frame[]): void {
        const frame = this.builder!.finish();
        this.builder = null;
        this.state = 'header';
        this.frameIndex++;
        out.push(frame);
    }
}

function clip(s: string): string {
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Parse a whole extended XYZ text; throws ExtXyzError (or, with `lenient`, returns the frames before the error). */
export function parseExtXyz(text: string, opts: ReadOptions = {}): Frame[] {
    const reader = new ExtXyzReader(opts);
    const frames = reader.push(text);
    for (const f of reader.finish()) frames.push(f);
    return frames;
}

/** Parse a whole text; on error keep the frames before it and return the error instead of throwing. */
export function parseExtXyzLenient(text: string, opts: ReadOptions = {}): { frames: Frame[]; error: ExtXyzError | null } {
    const reader = new ExtXyzReader({ ...opts, lenient: true });
    const frames = reader.push(text);
    for (const f of reader.finish()) frames.push(f);
    return { frames, error: reader.error };
}

/**
 * Read frames from a web ReadableStream of bytes (browser `File.stream()`, `fetch().body`, Node's
 * `Readable.toWeb`), decoding UTF-8 incrementally. Yields each frame as soon as it is complete.
 * With `lenient`, stops quietly at the first error (reported through `onError`; also the generator's return value).
 */
export async function* readExtXyzStream(stream: ReadableStream<Uint8Array>, opts: ReadOptions = {}): AsyncGenerator<Frame, ExtXyzError | null> {
    const reader = new ExtXyzReader(opts);
    const decoder = new TextDecoder('utf-8');
    const source = stream.getReader();
    try {
        for (;;) {
            const { done, value } = await source.read();
            if (done) break;
            yield* reader.push(decoder.decode(value, { stream: true }));
            if (reader.error) return reader.error;
        }
        const tail = decoder.decode();
        if (tail) yield* reader.push(tail);
        yield* reader.finish();
        return reader.error;
    } finally {
        await source.cancel().catch(() => undefined);
        source.releaseLock();
    }
}
