/**
 * The Frame: one atomic structure with optional DFT labels.
 *
 * Units: positions and cell in Å, energy in eV, forces in eV/Å, stress in eV/Å³.
 * Conventions:
 *  - `cell` is row-major 3×3: rows are the lattice vectors a, b, c (as ASE's `Lattice="ax ay az bx by bz cx cy cz"`).
 *  - `stress` follows ASE: σ = (1/V) ∂E/∂ε (positive = the cell wants to shrink... i.e. tensile), row-major 3×3.
 *    A virial W (as in GAP files) relates as σ = −W / V.
 *  - `energy` is the total DFT energy of the frame (not per atom), as labelled in the file.
 */

export type InfoValue = string | number | boolean | number[] | string[] | boolean[];

/** One extra per-atom column of an extended XYZ file, kept verbatim (e.g. `magmoms`, `tags`). */
export interface PerAtomColumn {
  /** extended XYZ type letter: R (real), I (integer), S (string), L (logical) */
  type: 'R' | 'I' | 'S' | 'L';
  /** number of components per atom */
  ncols: number;
  /** natoms × ncols values, atom-major */
  values: Float64Array | Int32Array | string[] | boolean[];
}

export interface Frame {
  natoms: number;
  /** natoms × 3, Å */
  positions: Float64Array;
  /** element symbol per atom, e.g. 'C' */
  species: string[];
  /** 3×3 row-major lattice vectors (Å), or null when there is no cell */
  cell: Float64Array | null;
  /** periodic flags along a, b, c */
  pbc: [boolean, boolean, boolean];
  /** DFT total energy (eV), when labelled */
  energy?: number;
  /** DFT forces natoms × 3 (eV/Å), when labelled */
  forces?: Float64Array;
  /** DFT stress, 3×3 row-major (eV/Å³, ASE convention), when labelled */
  stress?: Float64Array;
  /** free-form label, e.g. 'diamond', 'amorphous', 'dimer' */
  configType?: string;
  /** every other key=value pair of the comment line, kept verbatim for round trips */
  info: Record<string, InfoValue>;
  /** every other per-atom column, kept verbatim for round trips */
  arrays: Record<string, PerAtomColumn>;
}

export class FrameError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'FrameError';
    }
}

/** The elements the engine can model today. */
export const SUPPORTED_SPECIES: ReadonlySet<string> = new Set(['C']);

/** Volume of a cell (Å³), |a · (b × c)|. */
export function cellVolume(cell: ArrayLike<number>): number {
    const [ax, ay, az, bx, by, bz, cx, cy, cz] = [cell[0], cell[1], cell[2], cell[3], cell[4], cell[5], cell[6], cell[7], cell[8]];
    return Math.abs(ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx));
}

/** Minimal constructor with checks; labels optional. */
export function makeFrame(init: {
  positions: ArrayLike<number>;
  species?: string[];
  cell?: ArrayLike<number> | null;
  pbc?: [boolean, boolean, boolean];
  energy?: number;
  forces?: ArrayLike<number>;
  stress?: ArrayLike<number>;
  configType?: string;
  info?: Record<string, InfoValue>;
}): Frame {
    const positions = Float64Array.from(init.positions);
    if (positions.length % 3 !== 0) throw new FrameError(`positions must have 3 numbers per atom, got ${positions.length}`);
    const natoms = positions.length / 3;
    const species = init.species ?? new Array<string>(natoms).fill('C');
    const frame: Frame = {
        natoms,
        positions,
        species,
        cell: init.cell ? Float64Array.from(init.cell) : null,
        pbc: init.pbc ?? (init.cell ? [true, true, true] : [false, false, false]),
        energy: init.energy,
        forces: init.forces ? Float64Array.from(init.forces) : undefined,
        stress: init.stress ? Float64Array.from(init.stress) : undefined,
        configType: init.configType,
        info: init.info ?? {},
        arrays: {},
    };
    checkFrame(frame);
    return frame;
}

/** Throws a FrameError describing the first inconsistency. */
export function checkFrame(frame: Frame): void {
    const n = frame.natoms;
    if (frame.positions.length !== 3 * n) throw new FrameError(`positions has ${frame.positions.length} numbers, expected ${3 * n}`);
    if (frame.species.length !== n) throw new FrameError(`species has ${frame.species.length} entries, expected ${n}`);
    for (let i = 0; i < 3 * n; i++) {
        if (!Number.isFinite(frame.positions[i])) throw new FrameError(`position of atom ${Math.floor(i / 3)} is not finite`);
    }
    if (frame.cell) {
        if (frame.cell.length !== 9) throw new FrameError(`cell must have 9 numbers, got ${frame.cell.length}`);
        for (let k = 0; k < 9; k++) if (!Number.isFinite(frame.cell[k])) throw new FrameError('cell has a non-finite entry');
    }
    if (frame.pbc.some((p) => p) && !frame.cell) throw new FrameError('periodic frame without a cell');
    if (frame.cell && frame.pbc.some((p) => p) && cellVolume(frame.cell) < 1e-8) throw new FrameError('periodic cell has zero volume');
    if (frame.forces && frame.forces.length !== 3 * n) throw new FrameError(`forces has ${frame.forces.length} numbers, expected ${3 * n}`);
    if (frame.stress && frame.stress.length !== 9) throw new FrameError(`stress must be 3×3 (9 numbers), got ${frame.stress.length}`);
    if (frame.energy !== undefined && !Number.isFinite(frame.energy)) throw new FrameError('energy is not finite');
}

/** Throws when a frame holds an element the engine does not model. */
export function assertSupportedSpecies(frame: Frame, where = 'frame'): void {
    for (let i = 0; i < frame.natoms; i++) {
        if (!SUPPORTED_SPECIES.has(frame.species[i])) {
            throw new FrameError(`${where}: atom ${i} is '${frame.species[i]}', but acelens models only ${[...SUPPORTED_SPECIES].join(', ')} so far`);
        }
    }
}
