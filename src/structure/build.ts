/**
 * Small structure builders used by tests, benchmarks and scans: diamond supercells, random amorphous-like
 * packings (seeded), clusters in vacuum, and geometric helpers (supercell, rotation, strain).
 */
import { Frame, FrameError, makeFrame } from './frame';
import { seededRandom } from '../util/random';

export { seededRandom };

/** Cubic diamond, conventional 8-atom cell repeated reps×reps×reps, lattice constant a (Å, default 3.567). */
export function diamond(reps: [number, number, number] = [1, 1, 1], a = 3.567): Frame {
    const basis = [
        [0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0],
        [0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25],
    ];
    const pos: number[] = [];
    for (let i = 0; i < reps[0]; i++) for (let j = 0; j < reps[1]; j++) for (let k = 0; k < reps[2]; k++)
        for (const b of basis) pos.push((b[0] + i) * a, (b[1] + j) * a, (b[2] + k) * a);
    return makeFrame({ positions: pos, cell: [reps[0] * a, 0, 0, 0, reps[1] * a, 0, 0, 0, reps[2] * a], pbc: [true, true, true], configType: 'diamond' });
}

/**
 * Random packing of carbon atoms in a cubic periodic box at a given density (g/cm³), with a minimum
 * distance dmin (Å) between atoms (random sequential insertion, seeded). An amorphous-like test structure,
 * not a relaxed one.
 */
export function randomCarbonPacking(natoms: number, density = 2.5, dmin = 1.3, seed = 1): Frame {
    const massC = 12.011 * 1.66053906660e-24; // g
    const volume = (natoms * massC) / density * 1e24; // Å³
    const L = Math.cbrt(volume);
    const rnd = seededRandom(seed);
    const pos = new Float64Array(3 * natoms);
    const d2min = dmin * dmin;
    let placed = 0;
    let attempts = 0;
    while (placed < natoms) {
        if (++attempts > 2000 * natoms) throw new FrameError(`randomCarbonPacking: could not place ${natoms} atoms at ${density} g/cm³ with dmin ${dmin} Å`);
        const x = rnd() * L, y = rnd() * L, z = rnd() * L;
        let ok = true;
        for (let j = 0; j < placed && ok; j++) {
            let dx = x - pos[3 * j], dy = y - pos[3 * j + 1], dz = z - pos[3 * j + 2];
            dx -= L * Math.round(dx / L); dy -= L * Math.round(dy / L); dz -= L * Math.round(dz / L);
            if (dx * dx + dy * dy + dz * dz < d2min) ok = false;
        }
        if (!ok) continue;
        pos[3 * placed] = x; pos[3 * placed + 1] = y; pos[3 * placed + 2] = z;
        placed++;
    }
    return makeFrame({ positions: pos, cell: [L, 0, 0, 0, L, 0, 0, 0, L], pbc: [true, true, true], configType: 'random-packing' });
}

/** A cluster of carbon atoms in vacuum (no cell). */
export function cluster(positions: ArrayLike<number>): Frame {
    return makeFrame({ positions, cell: null, pbc: [false, false, false], configType: 'cluster' });
}

/** A C₂ dimer along x at distance r (Å), no cell. */
export function dimer(r: number): Frame {
    return cluster([0, 0, 0, r, 0, 0]);
}

/** Supercell n_a×n_b×n_c of a periodic frame (atoms ordered image-major: all atoms of image 0 first). */
export function supercell(frame: Frame, reps: [number, number, number]): Frame {
    if (!frame.cell) throw new FrameError('supercell: frame has no cell');
    const c = frame.cell;
    const pos: number[] = [];
    for (let i = 0; i < reps[0]; i++) for (let j = 0; j < reps[1]; j++) for (let k = 0; k < reps[2]; k++)
        for (let a = 0; a < frame.natoms; a++) for (let d = 0; d < 3; d++)
            pos.push(frame.positions[3 * a + d] + i * c[d] + j * c[3 + d] + k * c[6 + d]);
    const cell = [reps[0] * c[0], reps[0] * c[1], reps[0] * c[2], reps[1] * c[3], reps[1] * c[4], reps[1] * c[5], reps[2] * c[6], reps[2] * c[7], reps[2] * c[8]];
    return makeFrame({ positions: pos, species: Array.from({ length: pos.length / 3 }, (_, t) => frame.species[t % frame.natoms]), cell, pbc: [...frame.pbc] as [boolean, boolean, boolean], configType: frame.configType });
}

/** Apply a linear map M (3×3 row-major, r → M r) to positions and cell vectors. */
export function transformFrame(frame: Frame, M: ArrayLike<number>, translation: ArrayLike<number> = [0, 0, 0]): Frame {
    const apply = (x: number, y: number, z: number, t: boolean): number[] => [
        M[0] * x + M[1] * y + M[2] * z + (t ? translation[0] : 0),
        M[3] * x + M[4] * y + M[5] * z + (t ? translation[1] : 0),
        M[6] * x + M[7] * y + M[8] * z + (t ? translation[2] : 0),
    ];
    const pos: number[] = [];
    for (let a = 0; a < frame.natoms; a++) pos.push(...apply(frame.positions[3 * a], frame.positions[3 * a + 1], frame.positions[3 * a + 2], true));
    let cell: number[] | null = null;
    if (frame.cell) {
        cell = [];
        for (let r = 0; r < 3; r++) cell.push(...apply(frame.cell[3 * r], frame.cell[3 * r + 1], frame.cell[3 * r + 2], false));
    }
    return makeFrame({ positions: pos, species: [...frame.species], cell, pbc: [...frame.pbc] as [boolean, boolean, boolean], configType: frame.configType });
}

/** A random rotation matrix (row-major), from a seeded uniform quaternion; det = +1. */
export function randomRotation(rnd: () => number): Float64Array {
    const u1 = rnd(), u2 = rnd() * 2 * Math.PI, u3 = rnd() * 2 * Math.PI;
    const a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
    const w = a * Math.sin(u2), x = a * Math.cos(u2), y = b * Math.sin(u3), z = b * Math.cos(u3);
    return Float64Array.from([
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
    ]);
}
