/**
 * The comment (second) line of an extended XYZ frame: `key=value` pairs, parsed exactly as ASE 3.22's
 * `key_val_str_to_dict` does (character by character; quotes "..." '...', braces {...} and brackets [...]
 * delimit values; a backslash escapes the next character anywhere; a bare key means True), then typed as ASE
 * types them (all-int → int, else all-float → float, else all T/F → bool, else `_JSON ...` → parsed, else string;
 * values are split on whitespace and commas; one element → scalar).
 *
 * Differences from ASE, both on input ASE itself mishandles: an unterminated quote is an error here (ASE
 * silently takes the rest of the line), and a line starting with '=' is an error (ASE raises IndexError).
 */
import type { InfoValue } from '../structure/frame';
import { parsePyFloat, parsePyInt } from './pynum';

/** A comment-line syntax problem; `column` is 1-based within the line. */
export class CommentSyntaxError extends Error {
    constructor(message: string, readonly column: number) {
        super(message);
        this.name = 'CommentSyntaxError';
    }
}

const CLOSING: Record<string, string> = { "'": "'", '"': '"', '{': '}', '[': ']' };

/** Split a comment line into [key, rawValue] pairs in file order; a bare key gets the raw value 'T'. */
export function splitKeyValues(line: string): Array<[string, string]> {
    const s = line.trim();
    // Each pair is a list of segments: [key, value, value...] (several '=' are joined back with '=').
    const pairs: string[][] = [['']];
    let closing: string | null = null;
    let openedAt = 0;
    let escaped = false;
    let current = pairs[0];
    const isFreshPair = (p: string[]) => p.length === 1 && p[0] === '';
    for (let i = 0; i < s.length; i++) {
        const ch = s[i];
        if (escaped) {
            current[current.length - 1] += ch;
            escaped = false;
        } else if (ch === '\\') {
            escaped = true;
        } else if (closing !== null) {
            if (ch === closing) closing = null;
            else current[current.length - 1] += ch;
        } else if (ch in CLOSING) {
            closing = CLOSING[ch];
            openedAt = i;
        } else if (ch === ' ' || ch === '\t' || /\s/.test(ch)) {
            if (current[current.length - 1] === '') continue; // leading or repeated whitespace
            current = [''];
            pairs.push(current);
        } else if (ch === '=') {
            if (isFreshPair(current)) {
                // 'key = value': the '=' belongs to the previous key
                pairs.pop();
                if (pairs.length === 0) throw new CommentSyntaxError("'=' without a key before it", i + 1);
                current = pairs[pairs.length - 1];
            }
            current.push('');
        } else {
            current[current.length - 1] += ch;
        }
    }
    if (closing !== null) {
        throw new CommentSyntaxError(`unterminated quote: '${s[openedAt]}' opened at column ${openedAt + 1} is never closed by '${closing}'`, openedAt + 1);
    }
    const out: Array<[string, string]> = [];
    for (const p of pairs) {
        if (isFreshPair(p)) continue;
        out.push(p.length === 1 ? [p[0], 'T'] : [p[0], p.slice(1).join('=')]);
    }
    return out;
}

/** How a typed info value was spelled, so a writer can keep reals as reals (5.0 stays 5.0, not 5). */
export interface TypedValue {
  value: InfoValue;
  /** true when the value is a real (float) number or array in ASE's typing */
  real: boolean;
}

const SPLIT_RE = /[^\s,]+/g;

/** Type a raw value as ASE does. Keys `uid` (any case) stay strings, as in ASE. */
export function typeValue(key: string, raw: string): TypedValue {
    if (key.toLowerCase() === 'uid') return { value: raw, real: false };
    const parts = raw.match(SPLIT_RE) ?? [];
    const ints = parseAll(parts, parsePyInt);
    if (ints) return { value: ints.length === 1 ? ints[0] : ints, real: false };
    const floats = parseAll(parts, parsePyFloat);
    if (floats) return { value: floats.length === 1 ? floats[0] : floats, real: true };
    if (parts.every((p) => p === 'T' || p === 'F')) {
        const b = parts.map((p) => p === 'T');
        return { value: b.length === 1 ? b[0] : b, real: false };
    }
    if (raw.startsWith('_JSON ')) return typeJson(raw);
    return { value: raw, real: false };
}

function parseAll(parts: string[], parse: (t: string) => number | null): number[] | null {
    const out = new Array<number>(parts.length);
    for (let i = 0; i < parts.length; i++) {
        const v = parse(parts[i]);
        if (v === null) return null;
        out[i] = v;
    }
    return out;
}

/**
 * `_JSON ...` values: numbers, booleans, strings and flat lists of one of them become typed values; anything
 * else (objects, nested lists) stays the raw `_JSON ...` string, which writes back unchanged.
 */
function typeJson(raw: string): TypedValue {
    let d: unknown;
    try {
        d = JSON.parse(raw.slice(6));
    } catch {
        return { value: raw, real: false };
    }
    if (typeof d === 'number') return { value: d, real: !Number.isInteger(d) || /[.eE]/.test(raw.slice(6)) };
    if (typeof d === 'boolean' || typeof d === 'string') return { value: d, real: false };
    if (Array.isArray(d)) {
        if (d.every((v) => typeof v === 'number')) return { value: d as number[], real: /[.eE]/.test(raw.slice(6)) };
        if (d.length > 0 && d.every((v) => typeof v === 'boolean')) return { value: d as boolean[], real: false };
        if (d.length > 0 && d.every((v) => typeof v === 'string')) return { value: d as string[], real: false };
    }
    return { value: raw, real: false };
}
