/**
 * The `Properties=name:T:n:name:T:n...` descriptor of the per-atom columns of an extended XYZ frame.
 */
export type ColumnType = 'R' | 'I' | 'S' | 'L';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  ncols: number;
  /** index of the first field of this property on an atom line */
  offset: number;
}

/** ASE's default when a frame has no Properties key. */
export const DEFAULT_PROPERTIES = 'species:S:1:pos:R:3';

/** Parse a Properties string; throws an Error whose message says what is wrong. */
export function parseProperties(s: string): { columns: ColumnSpec[]; nfields: number } {
    const parts = s.split(':');
    if (parts.length % 3 !== 0) {
        throw new Error(`Properties must be name:type:ncols triples, but '${s}' has ${parts.length} colon-separated parts`);
    }
    const columns: ColumnSpec[] = [];
    const seen = new Set<string>();
    let offset = 0;
    for (let k = 0; k < parts.length; k += 3) {
        const [name, type, n] = [parts[k], parts[k + 1], parts[k + 2]];
        if (name === '') throw new Error(`Properties '${s}': empty property name in triple ${k / 3 + 1}`);
        if (type !== 'R' && type !== 'I' && type !== 'S' && type !== 'L') {
            throw new Error(`Properties '${s}': unknown type letter '${type}' for '${name}' (expected R, I, S or L)`);
        }
        if (!/^\+?\d+$/.test(n) || Number(n) < 1) {
            throw new Error(`Properties '${s}': column count of '${name}' must be a positive integer, found '${n}'`);
        }
        if (seen.has(name)) throw new Error(`Properties '${s}': property '${name}' appears twice`);
        seen.add(name);
        const ncols = Number(n);
        columns.push({ name, type, ncols, offset });
        offset += ncols;
    }
    return { columns, nfields: offset };
}

/** Format columns back into a Properties string. */
export function formatProperties(columns: ReadonlyArray<{ name: string; type: ColumnType; ncols: number }>): string {
    return columns.map((c) => `${c.name}:${c.type}:${c.ncols}`).join(':');
}
