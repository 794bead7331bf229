/**
 * Numbers the way Python reads and prints them, so that extended XYZ files agree with ASE byte for byte
 * where it matters: `float(s)` / `int(s)` parsing and `repr(float)` / `'%16.8f'` formatting.
 */

const INT_RE = /^[+-]?\d+$/;
const PY_SPECIAL_RE = /^([+-]?)(nan|inf|infinity)$/i;

/** Python `int(token)` for a whitespace-free token; null when Python would raise. */
export function parsePyInt(token: string): number | null {
    return INT_RE.test(token) ? Number(token) : null;
}

/** Python `float(token)` for a whitespace-free token (incl. nan/inf/infinity); null when Python would raise. */
export function parsePyFloat(token: string): number | null {
    const c0 = token.charCodeAt(0);
    // Number() also accepts 0x.., 0b.., 0o.., which Python's float() rejects; 'Infinity' is fine in both.
    if (c0 === 48 /* 0 */ && token.length > 1) {
        const c1 = token.charCodeAt(1) | 0x20;
        if (c1 === 0x78 || c1 === 0x62 || c1 === 0x6f) return null;
    }
    const v = Number(token);
    if (!Number.isNaN(v)) return token.length > 0 ? v : null;
    const m = PY_SPECIAL_RE.exec(token);
    if (!m) return null;
    if (m[2].toLowerCase() === 'nan') return NaN;
    return m[1] === '-' ? -Infinity : Infinity;
}

/** Python `repr(float(x))` (what ASE writes for Lattice, energy, stress and real info values). */
export function pyFloatRepr(x: number): string {
    if (Number.isNaN(x)) return 'nan';
    if (x === Infinity) return 'inf';
    if (x === -Infinity) return '-inf';
    if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
    const sign = x < 0 ? '-' : '';
    const [mant, expStr] = Math.abs(x).toExponential().split('e'); // shortest round-trip digits
    const digits = mant.replace('.', '');
    const e = Number(expStr);
    if (e >= -4 && e < 16) {
        if (e >= 0) {
            const intPart = digits.length > e + 1 ? digits.slice(0, e + 1) : digits.padEnd(e + 1, '0');
            const frac = digits.length > e + 1 ? digits.slice(e + 1) : '0';
            return `${sign}${intPart}.${frac}`;
        }
        return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
    }
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(e) < 10 ? `0${Math.abs(e)}` : `${Math.abs(e)}`;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${es}`;
}

/** Python `'%d' % n` for a number known to be an integer (or `str(int)`). */
export function pyIntStr(n: number): string {
    return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** True when x·10^decimals lies exactly halfway between two integers (only then toFixed and C printf differ). */
function isExactTie(x: number, decimals: number): boolean {
    // x = m · 2^e exactly; x·10^d·2 must be an odd integer.
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0), lo = buf.getUint32(4);
    const bexp = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let e: number;
    if (bexp === 0) e = -1074;
    else { mant |= 1n << 52n; e = bexp - 1075; }
    let num = mant * 2n * 10n ** BigInt(decimals);
    if (e >= 0) num <<= BigInt(e);
    else {
        const den = 1n << BigInt(-e);
        if (num % den !== 0n) return false;
        num /= den;
    }
    return num % 2n === 1n;
}

/** C/Python `'%W.Df' % x`: fixed notation, right-aligned to width (round-half-even on the exact binary value). */
export function pyFixed(x: number, decimals: number, width: number): string {
    if (!Number.isFinite(x)) return pyFloatRepr(x).padStart(width);
    if (Math.abs(x) >= 1e21) {
    // toFixed switches to exponent notation here; such doubles are integers, so print them exactly
        return `${x < 0 ? '-' : ''}${BigInt(Math.abs(x)).toString()}${decimals > 0 ? '.' + '0'.repeat(decimals) : ''}`.padStart(width);
    }
    let s = Math.abs(x).toFixed(decimals);
    const scaled = Math.abs(x) * 10 ** decimals;
    const frac = scaled - Math.floor(scaled);
    if (Math.abs(frac - 0.5) < 1e-6 && isExactTie(Math.abs(x), decimals)) {
    // toFixed rounds ties up; printf rounds them to even.
        const down = Math.floor(scaled);
        if (down % 2 === 0) s = (down / 10 ** decimals).toFixed(decimals);
    }
    const neg = x < 0 || Object.is(x, -0);
    return ((neg ? '-' : '') + s).padStart(width);
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact doubles up to 1e22

/**
 * Python `float(line[start:end])` without slicing in the common case: a plain decimal of at most 15 digits
 * and no exponent is mantissa / 10^k, both exact doubles, so one IEEE division gives the correctly rounded
 * value (Clinger's fast path), identical to Number(). Everything else goes through parsePyFloat.
 */
export function parsePyFloatAt(line: string, start: number, end: number): number | null {
    let i = start;
    let neg = false;
    const c0 = line.charCodeAt(i);
    if (c0 === 45 /* - */) { neg = true; i++; } else if (c0 === 43 /* + */) i++;
    let mant = 0, digits = 0, frac = 0, seenDot = false;
    for (; i < end; i++) {
        const c = line.charCodeAt(i);
        if (c >= 48 && c <= 57) {
            mant = mant * 10 + (c - 48);
            digits++;
            if (seenDot) frac++;
        } else if (c === 46 /* . */ && !seenDot) {
            seenDot = true;
        } else {
            return parsePyFloat(line.slice(start, end));
        }
    }
    if (digits === 0 || digits > 15) return parsePyFloat(line.slice(start, end));
    const v = frac === 0 ? mant : mant / POW10[frac];
    return neg ? -v : v;
}
