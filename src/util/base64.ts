/**
 * Float32 arrays as base64 text (little-endian IEEE 754), for compact numeric blocks inside JSON files.
 * Browser- and Node-safe (no Buffer, no atob/btoa).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

function bytesLE(values: ArrayLike<number>): Uint8Array {
    const buf = new ArrayBuffer(values.length * 4);
    const view = new DataView(buf);
    for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
    return new Uint8Array(buf);
}

export function encodeFloat32Base64(values: ArrayLike<number>): string {
    const b = bytesLE(values);
    const parts: string[] = [];
    let chunk = '';
    for (let i = 0; i < b.length; i += 3) {
        const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
        chunk += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63] + (i + 1 < b.length ? ALPHABET[(n >> 6) & 63] : '=') + (i + 2 < b.length ? ALPHABET[n & 63] : '=');
        if (chunk.length > 8192) {
            parts.push(chunk);
            chunk = '';
        }
    }
    parts.push(chunk);
    return parts.join('');
}

/** Decodes `count` float32 values; throws on bad characters or a wrong length. */
export function decodeFloat32Base64(text: string, count: number): Float32Array {
    const clean = text.replace(/=+$/, '');
    const nbytes = Math.floor((clean.length * 3) / 4);
    if (nbytes !== count * 4) throw new Error(`base64 block holds ${nbytes} bytes, expected ${count * 4} (${count} float32 values)`);
    const bytes = new Uint8Array(nbytes);
    let o = 0;
    for (let i = 0; i < clean.length; i += 4) {
        let n = 0;
        for (let k = 0; k < 4; k++) {
            const ch = i + k < clean.length ? clean.charCodeAt(i + k) : 65; // 'A' = 0 pads
            const v = ch < 128 ? LOOKUP[ch] : -1;
            if (v < 0) throw new Error(`base64 block: invalid character at ${i + k}`);
            n = (n << 6) | v;
        }
        if (o < nbytes) bytes[o++] = (n >> 16) & 255;
        if (o < nbytes) bytes[o++] = (n >> 8) & 255;
        if (o < nbytes) bytes[o++] = n & 255;
    }
    const view = new DataView(bytes.buffer);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
}
