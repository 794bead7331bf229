/**
 * Showing input text safely in messages and tables: control characters (C0, DEL, C1 — terminal escapes, NUL,
 * bell) and invisible or look-alike format characters are shown as \xNN / \uNNNN, and long text is cut with a note
 * of how much was left out, so input can neither drive the terminal nor flood it.
 */

/** Default cap (characters) of quoted input. */
export const MAX_QUOTED = 200;

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ufff9-\ufffb]/g;

function hex(c: string): string {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with control characters escaped and at most `max` characters of it kept. */
export function safeText(text: string, max = MAX_QUOTED): string {
    const s = String(text);
    const cut = s.length > max ? s.slice(0, max) : s;
    const shown = cut.replace(UNSAFE, hex);
    return s.length > max ? `${shown}… (${s.length - max} more characters)` : shown;
}

/** A message for one terminal line: control characters escaped (newlines too), capped at `max`. */
export function safeMessage(text: string, max = 2000): string {
    return safeText(text, max);
}
