/**
 * Builds one Frame from the lines of one extended XYZ frame: the comment line is parsed when it arrives, each
 * atom line is parsed straight into typed column buffers (no line is kept), `finish()` assembles the Frame.
 */
import { cellVolume, checkFrame, FrameError, type Frame, type InfoValue, type PerAtomColumn } from '../structure/frame';
import { CommentSyntaxError, splitKeyValues, typeValue } from './extxyz-comment';
import { ExtXyzError } from './extxyz-error';
import { DEFAULT_PROPERTIES, parseProperties, type ColumnSpec } from './extxyz-properties';
import { normalizeSymbol, symbolOfNumber } from './elements';
import { isVirialKey, recordSpelling, type FrameSpelling } from './extxyz-info';
import { parsePyFloat, parsePyFloatAt, parsePyInt } from './pynum';

export interface LabelKeys {
  energyKey?: string;
  forcesKey?: string;
  stressKey?: string;
  /** called with a located message for input that is read but probably not what was meant */
  onWarning?: (message: string) => void;
}

/** Keys the reader (or ASE) gives a meaning to: a key that only looks like one of them is warned about. */
const STANDARD_KEYS = ['energy', 'free_energy', 'dft_energy', 'forces', 'force', 'dft_forces', 'dft_force', 'stress', 'virial', 'dft_virial', 'config_type', 'Lattice', 'Properties', 'pbc', 'species', 'pos', 'Z'];
const normaliseKey = (k: string) => k.normalize('NFKC').replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
const NORMALISED_STANDARD = new Map(STANDARD_KEYS.map((k) => [normaliseKey(k), k]));

/**
 * The standard key that `key` looks like when `key` holds characters a careless edit or a bad encoding leaves
 * behind (control characters such as NUL, U+FFFD, dashes and minus signs, zero-width or other non-ASCII
 * characters) — `forc−es` for `forces` — else null. Such a key is kept verbatim but is not a label.
 */
export function misspeltStandardKey(key: string): string | null {
    if (/^[\x20-\x7e]*$/.test(key)) return null;
    const direct = NORMALISED_STANDARD.get(normaliseKey(key));
    if (direct) return direct;
    // each unusual character stands for one character or none: 'en−rgy' (a letter replaced) looks like 'energy'
    const pattern = new RegExp(`^${[...key].map((c) => (/[\x20-\x7e]/.test(c) ? c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.?')).join('')}$`, 'i');
    return STANDARD_KEYS.find((k) => pattern.test(k)) ?? null;
}

export const DEFAULT_ENERGY_KEYS = ['energy', 'free_energy', 'dft_energy', 'DFT_energy', 'Energy'];
export const DEFAULT_FORCES_KEYS = ['forces', 'force', 'dft_forces', 'DFT_force', 'dft_force'];
export const DEFAULT_STRESS_KEYS = ['stress', 'virial', 'dft_virial'];

type Store = Float64Array | Int32Array | string[] | boolean[];

interface Column extends ColumnSpec {
  store: Store;
}

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

/** Python's str.split() whitespace in the ASCII range (space, \t, \n, \v, \f, \r, and \x1c-\x1f). */
function isSpace(c: number): boolean {
    return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31) || c === 0xa0 || c === 0x85 || (c > 0x1fff && /\s/.test(String.fromCharCode(c)));
}

export class FrameBuilder {
    private readonly columns: Column[];
    private readonly nfields: number;
    private readonly info: Record<string, InfoValue> = {};
    private readonly realKeys = new Set<string>();
    private readonly cell: Float64Array | null;
    private readonly pbc: [boolean, boolean, boolean];
    private capacity: number;
    private readonly posColumn: Column;
    /** atom lines parsed so far */
    count = 0;

    constructor(
    private readonly fileName: string,
    private readonly frame: number,
    private readonly headerLine: number,
    readonly natoms: number,
    private readonly commentLine: number,
    comment: string,
    private readonly keys: LabelKeys,
    ) {
        let pairs: Array<[string, string]>;
        try {
            pairs = splitKeyValues(comment);
        } catch (e) {
            if (e instanceof CommentSyntaxError) this.fail(commentLine, `comment line: ${e.message}`);
            throw e;
        }
        let lattice: string | undefined, pbcRaw: string | undefined, properties: string | undefined;
        for (const [key, raw] of pairs) {
            if (key === 'Lattice') lattice = raw;
            else if (key === 'pbc') pbcRaw = raw;
            else if (key === 'Properties') properties = raw;
            else {
                const t = typeValue(key, raw);
                this.realKeys.delete(key); // a repeated key: the last one wins, as in ASE's dict
                Object.defineProperty(this.info, key, { value: t.value, enumerable: true, writable: true, configurable: true });
                if (t.real) this.realKeys.add(key);
            }
        }
        for (const [key] of pairs) this.warnIfMisspelt(key, 'key', commentLine);
        this.cell = lattice === undefined ? null : this.parseLattice(lattice);
        this.pbc = pbcRaw === undefined ? (this.cell ? [true, true, true] : [false, false, false]) : this.parsePbc(pbcRaw);
        if (!this.cell && this.pbc.some((p) => p)) {
            this.fail(commentLine, `pbc="${pbcRaw}" makes the frame periodic, but there is no Lattice="ax ay az bx by bz cx cy cz" on the comment line`);
        }
        let parsed: { columns: ColumnSpec[]; nfields: number };
        try {
            parsed = parseProperties(properties ?? DEFAULT_PROPERTIES);
        } catch (e) {
            this.fail(commentLine, (e as Error).message);
        }
        for (const c of parsed.columns) this.warnIfMisspelt(c.name, 'Properties column', commentLine);
        this.nfields = parsed.nfields;
        this.capacity = Math.min(natoms, 1 << 16);
        this.columns = parsed.columns.map((c) => ({ ...c, store: this.allocate(c, this.capacity) }));
        const pos = this.columns.find((c) => c.name === 'pos');
        if (!pos || pos.type !== 'R' || pos.ncols !== 3) {
            this.fail(commentLine, `Properties '${properties ?? DEFAULT_PROPERTIES}' must contain pos:R:3 (atomic positions)`);
        }
        this.posColumn = pos;
        const hasSpecies = this.columns.find((c) => c.name === 'species');
        const hasZ = this.columns.find((c) => c.name === 'Z');
        if (hasSpecies && (hasSpecies.type !== 'S' || hasSpecies.ncols !== 1)) this.fail(commentLine, `species must be species:S:1, found species:${hasSpecies.type}:${hasSpecies.ncols}`);
        if (hasZ && (hasZ.type !== 'I' || hasZ.ncols !== 1)) this.fail(commentLine, `Z must be Z:I:1, found Z:${hasZ.type}:${hasZ.ncols}`);
        if (!hasSpecies && !hasZ) this.fail(commentLine, `Properties '${properties}' has neither species:S:1 nor Z:I:1, so the elements are unknown`);
    }

    private warnIfMisspelt(key: string, what: string, line: number): void {
        const like = this.keys.onWarning && misspeltStandardKey(key);
        if (!like) return;
        const shown = JSON.stringify(key).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    this.keys.onWarning!(new ExtXyzError(this.fileName, line, this.frame, `${what} ${shown} looks like '${like}' but is spelt with other characters: it is NOT read as ${like === 'config_type' ? 'the config_type' : 'a label'} (fix the file)`).message);
    }

    private fail(line: number, what: string): never {
        throw new ExtXyzError(this.fileName, line, this.frame, what);
    }

    private allocate(c: ColumnSpec, n: number): Store {
        switch (c.type) {
            case 'R': return new Float64Array(n * c.ncols);
            case 'I': return new Int32Array(n * c.ncols);
            case 'S': return new Array<string>(n * c.ncols);
            case 'L': return new Array<boolean>(n * c.ncols);
        }
    }

    private grow(): void {
        const cap = Math.min(this.natoms, this.capacity * 2);
        for (const c of this.columns) {
            if (c.store instanceof Float64Array || c.store instanceof Int32Array) {
                const next = c.type === 'R' ? new Float64Array(cap * c.ncols) : new Int32Array(cap * c.ncols);
                next.set(c.store);
                c.store = next;
            }
        }
        this.capacity = cap;
    }

    private parseLattice(raw: string): Float64Array {
        const parts = raw.match(/[^\s,]+/g) ?? [];
        const v = parts.map(parsePyFloat);
        if (v.length !== 9 || v.some((x) => x === null)) {
            this.fail(this.commentLine, `Lattice must be 9 numbers "ax ay az bx by bz cx cy cz", found "${raw}"`);
        }
        const cell = Float64Array.from(v as number[]);
        for (let k = 0; k < 9; k++) if (!Number.isFinite(cell[k])) this.fail(this.commentLine, `Lattice has a non-finite entry: "${raw}"`);
        return cell;
    }

    private parsePbc(raw: string): [boolean, boolean, boolean] {
        const parts = raw.match(/[^\s,]+/g) ?? [];
        const map: Record<string, boolean> = { T: true, F: false, True: true, False: false };
        const b = parts.map((p) => map[p]);
        if (b.length === 1 && b[0] !== undefined) return [b[0], b[0], b[0]];
        if (b.length !== 3 || b.some((x) => x === undefined)) this.fail(this.commentLine, `pbc must be three of T/F, e.g. pbc="T T T", found pbc="${raw}"`);
        return [b[0], b[1], b[2]];
    }

    /** Field boundaries of the current atom line: start, end, start, end, ... (reused, no allocation per line). */
    private bounds = new Int32Array(64);

    /** Split a line on whitespace (as Python's str.split()) into this.bounds; returns the number of fields. */
    private tokenize(line: string): number {
        let n = 0;
        const len = line.length;
        let i = 0;
        for (;;) {
            while (i < len && isSpace(line.charCodeAt(i))) i++;
            if (i >= len) return n;
            const start = i;
            while (i < len && !isSpace(line.charCodeAt(i))) i++;
            if (2 * n + 2 > this.bounds.length) {
                const next = new Int32Array(this.bounds.length * 2);
                next.set(this.bounds);
                this.bounds = next;
            }
            this.bounds[2 * n] = start;
            this.bounds[2 * n + 1] = i;
            n++;
        }
    }

    private field(line: string, j: number): string {
        return line.slice(this.bounds[2 * j], this.bounds[2 * j + 1]);
    }

    /** Parse one atom line (1-based file line number `lineNo`). */
    addAtomLine(line: string, lineNo: number): void {
        const nf = this.tokenize(line);
        const b = this.bounds;
        if (nf !== this.nfields) {
            let hint = '';
            if (nf === 1 && parsePyInt(this.field(line, 0)) !== null) {
                hint = ` (this looks like the atom count of a next frame: is the count ${this.natoms} on line ${this.headerLine} too large?)`;
            } else if (nf === 0) {
                hint = ` (blank line inside the frame; is the count ${this.natoms} on line ${this.headerLine} too large?)`;
            }
            this.fail(lineNo, `atom ${this.count}: Properties declares ${this.nfields} fields per atom line, found ${nf}${hint}`);
        }
        if (this.count === this.capacity) this.grow();
        const i = this.count;
        for (const c of this.columns) {
            for (let k = 0; k < c.ncols; k++) {
                const j = c.offset + k;
                const at = i * c.ncols + k;
                if (c.type === 'R') {
                    const v = parsePyFloatAt(line, b[2 * j], b[2 * j + 1]);
                    if (v === null) this.fail(lineNo, `atom ${i}: field ${j + 1} (${c.name}, real) is not a number: '${this.field(line, j)}'`);
                    (c.store as Float64Array)[at] = v;
                    continue;
                }
                const tok = this.field(line, j);
                switch (c.type) {
                    case 'I': {
                        const v = parsePyInt(tok);
                        if (v === null) this.fail(lineNo, `atom ${i}: field ${c.offset + k + 1} (${c.name}, integer) is not an integer: '${tok}'`);
                        if (v < INT32_MIN || v > INT32_MAX) this.fail(lineNo, `atom ${i}: field ${c.offset + k + 1} (${c.name}) is out of the 32-bit integer range: '${tok}'`);
                        (c.store as Int32Array)[at] = v;
                        break;
                    }
                    case 'S':
                        (c.store as string[])[at] = tok;
                        break;
                    case 'L': {
                        const t = tok === 'T' || tok === 'True' ? true : tok === 'F' || tok === 'False' ? false : null;
                        if (t === null) this.fail(lineNo, `atom ${i}: field ${c.offset + k + 1} (${c.name}, logical) must be T, F, True or False, found '${tok}'`);
                        (c.store as boolean[])[at] = t;
                        break;
                    }
                }
            }
        }
        // positions must be finite (other real columns may hold nan/inf, as Python allows; forces are checked at the end)
        const pos = this.posColumn.store as Float64Array;
        for (let k = 0; k < 3; k++) {
            if (!Number.isFinite(pos[3 * i + k])) this.fail(lineNo, `atom ${i}: position is not finite: '${this.field(line, this.posColumn.offset + k)}'`);
        }
        this.count++;
    }

    get complete(): boolean {
        return this.count === this.natoms;
    }

    /** Assemble the Frame after all atom lines were added. */
    finish(): Frame {
        const n = this.natoms;
        const cols = new Map(this.columns.map((c) => [c.name, c]));
        const positions = (cols.get('pos')!.store as Float64Array).subarray(0, 3 * n);
        cols.delete('pos');

        // elements: species column, or Z when species is absent; ASE lets Z override species when both are present
        let species: string[];
        const z = cols.get('Z');
        const sp = cols.get('species');
        if (z) {
            const zs = z.store as Int32Array;
            species = new Array<string>(n);
            for (let i = 0; i < n; i++) {
                const s = symbolOfNumber(zs[i]);
                if (s === null) this.fail(this.headerLine + 2 + i, `atom ${i}: Z=${zs[i]} is not an atomic number (0..118)`);
                species[i] = s;
            }
            cols.delete('Z');
        } else {
            const raw = sp!.store as string[];
            species = new Array<string>(n);
            for (let i = 0; i < n; i++) {
                const s = normalizeSymbol(raw[i]);
                if (s === null) this.fail(this.headerLine + 2 + i, `atom ${i}: '${raw[i]}' is not an element symbol`);
                species[i] = s;
            }
        }
        cols.delete('species');

        const frame: Frame = {
            natoms: n,
            positions,
            species,
            cell: this.cell,
            pbc: this.pbc,
            info: this.info,
            arrays: {},
        };

        const spelling: { -readonly [K in keyof FrameSpelling]: FrameSpelling[K] } = { realKeys: this.realKeys };
        // forces
        const fkey = this.keys.forcesKey ?? DEFAULT_FORCES_KEYS.find((k) => cols.has(k));
        const fcol = fkey !== undefined ? cols.get(fkey) : undefined;
        if (fcol) {
            if (fcol.type !== 'R' || fcol.ncols !== 3) this.fail(this.commentLine, `forces column '${fkey}' must be ${fkey}:R:3, found ${fkey}:${fcol.type}:${fcol.ncols}`);
            const f = (fcol.store as Float64Array).subarray(0, 3 * n);
            for (let k = 0; k < 3 * n; k++) {
                if (!Number.isFinite(f[k])) this.fail(this.headerLine + 2 + Math.floor(k / 3), `atom ${Math.floor(k / 3)}: force '${fkey}' is not finite (${f[k]})`);
            }
            frame.forces = f;
            spelling.forcesKey = fkey;
            cols.delete(fkey!);
        }

        for (const c of cols.values()) {
            const len = n * c.ncols;
            const values = c.store instanceof Float64Array || c.store instanceof Int32Array ? c.store.subarray(0, len) : c.store.slice(0, len);
            frame.arrays[c.name] = { type: c.type, ncols: c.ncols, values } as PerAtomColumn;
        }

        // energy
        const ekey = this.keys.energyKey ?? DEFAULT_ENERGY_KEYS.find((k) => Object.hasOwn(this.info, k));
        if (ekey !== undefined && Object.hasOwn(this.info, ekey)) {
            const e = this.info[ekey];
            if (typeof e !== 'number') this.fail(this.commentLine, `energy '${ekey}' must be one number, found ${JSON.stringify(e)}`);
            if (!Number.isFinite(e)) this.fail(this.commentLine, `energy '${ekey}' is not finite (${e})`);
            frame.energy = e;
            spelling.energyKey = ekey;
            this.consume(ekey);
        }

        // stress (ASE convention) from stress or virial
        const skey = this.keys.stressKey ?? DEFAULT_STRESS_KEYS.find((k) => Object.hasOwn(this.info, k));
        if (skey !== undefined && Object.hasOwn(this.info, skey)) {
            frame.stress = this.stressFrom(skey, this.info[skey]);
            spelling.stressKey = skey;
            if (isVirialKey(skey)) spelling.virial = { numbers: (this.info[skey] as number[]).slice(), stress: frame.stress.slice() };
            this.consume(skey);
        }

        if (Object.hasOwn(this.info, 'config_type')) {
            const v = this.info.config_type;
            frame.configType = Array.isArray(v) ? v.join(' ') : typeof v === 'boolean' ? (v ? 'T' : 'F') : String(v);
            this.consume('config_type');
        }

        recordSpelling(this.info, spelling);
        try {
            checkFrame(frame);
        } catch (e) {
            if (e instanceof FrameError) this.fail(this.headerLine, e.message);
            throw e;
        }
        return frame;
    }

    private consume(key: string): void {
        delete this.info[key];
        this.realKeys.delete(key);
    }

    private stressFrom(key: string, v: InfoValue): Float64Array {
        const isVirial = isVirialKey(key);
        const what = isVirial ? 'virial' : 'stress';
        if (!Array.isArray(v) || (v.length !== 9 && v.length !== 6) || v.some((x) => typeof x !== 'number')) {
            this.fail(this.commentLine, `${what} '${key}' must be 6 (Voigt xx yy zz yz xz xy) or 9 numbers, found ${JSON.stringify(v)}`);
        }
        const a = v as number[];
        for (const x of a) if (!Number.isFinite(x)) this.fail(this.commentLine, `${what} '${key}' has a non-finite entry: ${JSON.stringify(v)}`);
        // 9 numbers are a 3×3 matrix in Fortran order, M[i][j] = a[i + 3j]; ASE keeps its Voigt part
        // (xx yy zz yz xz xy) = (M00 M11 M22 M12 M02 M01).
        const voigt = a.length === 6 ? a : [a[0], a[4], a[8], a[7], a[6], a[3]];
        const [xx, yy, zz, yz, xz, xy] = voigt;
        const s = Float64Array.of(xx, xy, xz, xy, yy, yz, xz, yz, zz);
        if (isVirial) {
            if (!this.cell) this.fail(this.commentLine, `virial '${key}' needs a Lattice to convert to stress (σ = −W/V), but the frame has none`);
            const vol = cellVolume(this.cell);
            if (!(vol > 1e-8)) this.fail(this.commentLine, `virial '${key}' needs a cell of non-zero volume to convert to stress (σ = −W/V)`);
            for (let k = 0; k < 9; k++) s[k] = -s[k] / vol;
        }
        return s;
    }
}
