/**
 * Extended XYZ writer, ASE-compatible: the comment line and the atom lines are formatted as ASE 3.22's
 * `write_extxyz` formats them (Lattice, Properties, info keys, energy, stress as 9 numbers, pbc; '%16.8f' reals,
 * '%8d' integers), so that ASE reads back the same values and types.
 *
 * Where ASE's own writer loses information, this one takes the lossless spelling ASE also reads:
 * backslashes in strings are escaped; strings that ASE would re-type (e.g. "1", "T", "") and one-element or
 * empty arrays are written as `_JSON ...`.
 */
import { cellVolume, type Frame, type InfoValue, type PerAtomColumn } from '../structure/frame';
import { isRealInfoKey, isVirialKey, spellingOf } from './extxyz-info';
import { typeValue } from './extxyz-comment';
import { formatProperties, type ColumnType } from './extxyz-properties';
import { pyFixed, pyFloatRepr, pyIntStr } from './pynum';

export interface ExtraColumn {
  type: ColumnType;
  ncols: number;
  /** atom-major values; for several frames, the frames' atoms one after the other (Σ natoms × ncols) */
  values: ArrayLike<number | string | boolean>;
}

export interface WriteOptions {
  /** extra per-atom columns written after the frame's own arrays */
  extraColumns?: Record<string, ExtraColumn>;
  /** extra comment-line keys written on every frame after the frame's own info */
  extraInfo?: Record<string, InfoValue>;
  /** 'ase' (default): reals in atom columns as '%16.8f' like ASE; 'exact': shortest round-trip decimal */
  realFormat?: 'ase' | 'exact';
}

/** Write frames as extended XYZ text (one string; for very large data write frame by frame with writeExtXyzFrame). */
export function writeExtXyz(frames: Frame[], opts: WriteOptions = {}): string {
    const parts: string[] = [];
    let atomOffset = 0;
    for (const frame of frames) {
        parts.push(writeExtXyzFrame(frame, opts, atomOffset));
        atomOffset += frame.natoms;
    }
    const total = atomOffset;
    for (const [name, col] of Object.entries(opts.extraColumns ?? {})) {
        if (col.values.length !== total * col.ncols) {
            throw new Error(`extra column '${name}': expected ${total} atoms × ${col.ncols} = ${total * col.ncols} values, got ${col.values.length}`);
        }
    }
    return parts.join('');
}

interface OutColumn {
  name: string;
  type: ColumnType;
  ncols: number;
  get: (atom: number, k: number) => number | string | boolean;
}

/** One frame as extended XYZ text, ending with a newline. `atomOffset` indexes into opts.extraColumns. */
export function writeExtXyzFrame(frame: Frame, opts: WriteOptions = {}, atomOffset = 0): string {
    const n = frame.natoms;
    // labels go back under the keys they were read from (ASE's defaults for frames built in code)
    const spelling = spellingOf(frame.info);
    const energyKey = spelling?.energyKey ?? 'energy';
    const forcesKey = spelling?.forcesKey ?? 'forces';
    let stressKey = spelling?.stressKey ?? 'stress';
    const volume = frame.cell ? cellVolume(frame.cell) : 0;
    if (isVirialKey(stressKey) && !(volume > 1e-8)) stressKey = 'stress';
    const cols: OutColumn[] = [
        { name: 'species', type: 'S', ncols: 1, get: (i) => frame.species[i] },
        { name: 'pos', type: 'R', ncols: 3, get: (i, k) => frame.positions[3 * i + k] },
    ];
    // the frame's labels win over same-named verbatim entries (e.g. read with forcesKey 'force' from a file that also had 'forces')
    for (const [name, a] of Object.entries(frame.arrays)) if (!(name === forcesKey && frame.forces)) cols.push(arrayColumn(name, a));
    for (const [name, c] of Object.entries(opts.extraColumns ?? {})) {
        if (c.values.length < (atomOffset + n) * c.ncols) {
            throw new Error(`extra column '${name}': has ${c.values.length} values, needs at least ${(atomOffset + n) * c.ncols}`);
        }
        cols.push({ name, type: c.type, ncols: c.ncols, get: (i, k) => c.values[(atomOffset + i) * c.ncols + k] });
    }
    if (frame.forces) {
        const f = frame.forces;
        cols.push({ name: forcesKey, type: 'R', ncols: 3, get: (i, k) => f[3 * i + k] });
    }
    const names = new Set<string>();
    for (const c of cols) {
        if (names.has(c.name)) throw new Error(`per-atom column '${c.name}' would be written twice`);
        names.add(c.name);
    }

    const comment: string[] = [];
    if (frame.cell && frame.cell.some((x) => x !== 0)) {
        comment.push(`Lattice="${Array.from(frame.cell, pyFloatRepr).join(' ')}"`);
    }
    comment.push(`Properties=${formatProperties(cols)}`);
    const written = new Set<string>(['Lattice', 'Properties', 'pbc']);
    const put = (key: string, text: string) => {
        if (written.has(key)) throw new Error(`comment key '${key}' would be written twice`);
        if (key.length === 0 || key.includes('=')) throw new Error(`comment key '${key}' cannot be written (empty or contains '=')`);
        written.add(key);
        comment.push(`${escapeString(key)}=${text}`);
    };
    if (frame.configType !== undefined) put('config_type', formatInfoValue(frame.configType, false));
    const labelKeys = new Set<string>();
    if (frame.configType !== undefined) labelKeys.add('config_type');
    if (frame.energy !== undefined) labelKeys.add(energyKey);
    if (frame.stress) labelKeys.add(stressKey);
    for (const [key, v] of Object.entries(frame.info)) {
        if (!labelKeys.has(key)) put(key, formatInfoValue(v, isRealInfoKey(frame.info, key)));
    }
    for (const [key, v] of Object.entries(opts.extraInfo ?? {})) put(key, formatInfoValue(v, false));
    if (frame.energy !== undefined) put(energyKey, pyFloatRepr(frame.energy));
    if (frame.stress) {
        const v = spelling?.virial;
        if (v && isVirialKey(stressKey) && v.stress.every((x, k) => x === frame.stress![k])) {
            // unchanged since reading: the virial exactly as it was in the file
            put(stressKey, `"${v.numbers.map(pyFloatRepr).join(' ')}"`);
        } else {
            const s = isVirialKey(stressKey) ? Array.from(frame.stress, (x) => -x * volume) : frame.stress;
            // ASE writes the symmetric matrix built from Voigt (xx yy zz yz xz xy), flattened in Fortran order
            const [xx, yy, zz, yz, xz, xy] = [s[0], s[4], s[8], s[5], s[2], s[1]];
            put(stressKey, `"${[xx, xy, xz, xy, yy, yz, xz, yz, zz].map(pyFloatRepr).join(' ')}"`);
        }
    }
    comment.push(`pbc="${frame.pbc.map((p) => (p ? 'T' : 'F')).join(' ')}"`);

    const realFmt = opts.realFormat === 'exact' ? (x: number) => pyFloatRepr(x).padStart(16) : (x: number) => pyFixed(x, 8, 16);
    const lines: string[] = [String(n), comment.join(' ')];
    const fields: string[] = [];
    for (let i = 0; i < n; i++) {
        fields.length = 0;
        for (const c of cols) {
            for (let k = 0; k < c.ncols; k++) {
                const v = c.get(i, k);
                switch (c.type) {
                    case 'R': fields.push(realFmt(Number(v))); break;
                    case 'I': fields.push(pyIntStr(Number(v)).padStart(8)); break;
                    case 'L': fields.push(` ${v === true || v === 'T' ? 'T' : 'F'}`); break;
                    case 'S': {
                        const s = String(v);
                        if (s.length === 0 || /\s/.test(s)) throw new Error(`column '${c.name}', atom ${i}: string '${s}' cannot be written in an atom line (empty or contains whitespace)`);
                        fields.push(c.name === 'species' ? s.padEnd(2) : s);
                        break;
                    }
                }
            }
        }
        lines.push(fields.join(' '));
    }
    return lines.join('\n') + '\n';
}

function arrayColumn(name: string, a: PerAtomColumn): OutColumn {
    const v = a.values;
    return { name, type: a.type, ncols: a.ncols, get: (i, k) => v[i * a.ncols + k] };
}

/** ASE's escape(): quote when the text has a space, quote, brace or bracket; here backslashes are escaped too. */
export function escapeString(s: string): string {
    if (/[\n\r]/.test(s)) throw new Error(`a comment-line key or value cannot contain a line break: ${JSON.stringify(s)}`);
    const needsQuotes = /[\s"'{}[\]]/.test(s);
    const hasBackslash = s.includes('\\');
    if (!needsQuotes && !hasBackslash) return s;
    const esc = s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return needsQuotes ? `"${esc}"` : esc;
}

/** Python json.dumps style for a flat list (', ' separators). */
function jsonList(values: ReadonlyArray<number | string | boolean>, real: boolean): string {
    return `[${values.map((v) => (typeof v === 'number' ? (real || !Number.isInteger(v) ? pyFloatRepr(v) : pyIntStr(v)) : JSON.stringify(v))).join(', ')}]`;
}

/** One info value as it appears after `key=` on the comment line. */
export function formatInfoValue(v: InfoValue, real: boolean): string {
    const num = (x: number) => (real || !Number.isInteger(x) ? pyFloatRepr(x) : pyIntStr(x));
    if (typeof v === 'boolean') return v ? 'T' : 'F';
    if (typeof v === 'number') return num(v);
    if (typeof v === 'string') {
    // raw _JSON values (objects, nested lists) go back verbatim; other strings must read back as the same string
        if (v.startsWith('_JSON ')) return escapeString(v);
        const back = typeValue('', v);
        if (typeof back.value !== 'string' || back.value !== v || v.length === 0) return escapeString(`_JSON ${JSON.stringify(v)}`);
        return escapeString(v);
    }
    if (v.length <= 1) return escapeString(`_JSON ${jsonList(v, real)}`);
    if (typeof v[0] === 'number') return escapeString((v as number[]).map(num).join(' '));
    if (typeof v[0] === 'boolean') return escapeString((v as boolean[]).map((b) => (b ? 'T' : 'F')).join(' '));
    return escapeString(`_JSON ${jsonList(v, false)}`);
}
