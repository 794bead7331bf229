/**
 * CSV (RFC 4180) fields and records for the tables acelens exports: numbers at full precision (empty when
 * missing or not finite), text quoted when it holds a comma, a quote or a newline.
 */

/** One field. */
export function csvCell(v: unknown): string {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record (no line end). */
export function csvLine(values: readonly unknown[]): string {
    return values.map(csvCell).join(',');
}
