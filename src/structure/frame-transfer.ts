/**
 * Frames across a worker boundary (postMessage) as typed arrays that are transferred, not copied: positions,
 * forces, stress, cell and numeric extra columns keep their own buffers and go in the transfer list; the element
 * symbols go as one byte per atom into a small symbol table instead of an array of strings per atom. What is left
 * for the structured clone is a few small objects per frame (config_type, info, the names of extra columns).
 */
import type { Frame, PerAtomColumn } from './frame';

/** One frame as sent: every per-atom array is a typed array. */
export type PackedFrame = Omit<Frame, 'species'> & {
  /** per atom: index into PackedFrames.symbols */
  species: Uint8Array;
};

export interface PackedFrames {
  /** element symbols used by these frames (at most 256) */
  symbols: string[];
  frames: PackedFrame[];
}

/**
 * Packs frames for postMessage. Returns the message and its transfer list (each buffer once). The frames'
 * typed arrays are moved into the message as they are (no copy): after posting with the transfer list the
 * frames given here are unusable (their buffers are detached), so pack only frames that are sent away.
 */
export function packFrames(frames: readonly Frame[]): { packed: PackedFrames; transfer: ArrayBuffer[] } {
    const symbols: string[] = [];
    const symbolIndex = new Map<string, number>();
    const transfer = new Set<ArrayBuffer>();
    const own = <T extends Float64Array | Int32Array>(a: T): T => {
        // a view into a larger or shared buffer would carry (and detach) the whole buffer: copied into its own
        const b = (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !transfer.has(a.buffer as ArrayBuffer)) ? a : a.slice() as T;
        transfer.add(b.buffer as ArrayBuffer);
        return b;
    };
    const packed: PackedFrame[] = frames.map(f => {
        const species = new Uint8Array(f.natoms);
        for (let i = 0; i < f.natoms; i++) {
            const s = f.species[i];
            let k = symbolIndex.get(s);
            if (k === undefined) {
                if (symbols.length >= 256) throw new Error('packFrames: more than 256 distinct element symbols in one batch');
                k = symbols.length;
                symbols.push(s);
                symbolIndex.set(s, k);
            }
            species[i] = k;
        }
        transfer.add(species.buffer);
        const arrays: Record<string, PerAtomColumn> = {};
        for (const [name, col] of Object.entries(f.arrays)) {
            arrays[name] = col.values instanceof Float64Array || col.values instanceof Int32Array ? { ...col, values: own(col.values) } : col;
        }
        return {
            natoms: f.natoms,
            positions: own(f.positions),
            species,
            cell: f.cell ? own(f.cell) : null,
            pbc: f.pbc,
            ...(f.energy !== undefined ? { energy: f.energy } : {}),
            ...(f.forces ? { forces: own(f.forces) } : {}),
            ...(f.stress ? { stress: own(f.stress) } : {}),
            ...(f.configType !== undefined ? { configType: f.configType } : {}),
            info: f.info,
            arrays,
        };
    });
    return { packed: { symbols, frames: packed }, transfer: [...transfer] };
}

/** The frames of a received message (the typed arrays are used as they arrived; species become symbols again). */
export function unpackFrames(packed: PackedFrames): Frame[] {
    return packed.frames.map(p => {
        const species = new Array<string>(p.natoms);
        for (let i = 0; i < p.natoms; i++) species[i] = packed.symbols[p.species[i]];
        const frame: Frame = { natoms: p.natoms, positions: p.positions, species, cell: p.cell, pbc: p.pbc, info: p.info, arrays: p.arrays };
        if (p.energy !== undefined) frame.energy = p.energy;
        if (p.forces) frame.forces = p.forces;
        if (p.stress) frame.stress = p.stress;
        if (p.configType !== undefined) frame.configType = p.configType;
        return frame;
    });
}
