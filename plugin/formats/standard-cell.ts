/**
 * Mol* describes a unit cell by lengths and angles in its standard orientation (a along x, b in the xy plane;
 * see SpacegroupCell.create). A general lattice from an extended XYZ file is rotated into that orientation,
 * and the atoms (and any vectors such as forces) with it, so that atoms and the drawn cell line up.
 */
import { invert3, multiply3 } from '../../src/structure/matrix3';

export interface StandardCell {
    /** |a|, |b|, |c| in Å */
    lengths: [number, number, number];
    /** α, β, γ in radians */
    angles: [number, number, number];
    /** 3×3 row-major M with x_standard = x · M for row vectors (orthogonal; improper when the input lattice is left-handed) */
    rotation: Float64Array;
    /** the lattice in standard orientation, rows a', b', c' */
    lattice: Float64Array;
}

function dot(u: ArrayLike<number>, i: number, v: ArrayLike<number>, j: number) {
    return u[i] * v[j] + u[i + 1] * v[j + 1] + u[i + 2] * v[j + 2];
}

export function standardCell(cell: ArrayLike<number>): StandardCell {
    const a = Math.sqrt(dot(cell, 0, cell, 0)), b = Math.sqrt(dot(cell, 3, cell, 3)), c = Math.sqrt(dot(cell, 6, cell, 6));
    const alpha = Math.acos(dot(cell, 3, cell, 6) / (b * c));
    const beta = Math.acos(dot(cell, 0, cell, 6) / (a * c));
    const gamma = Math.acos(dot(cell, 0, cell, 3) / (a * b));
    const z1 = Math.cos(beta);
    const z2 = (Math.cos(alpha) - Math.cos(beta) * Math.cos(gamma)) / Math.sin(gamma);
    const z3 = Math.sqrt(Math.max(0, 1 - z1 * z1 - z2 * z2));
    const lattice = Float64Array.of(
        a, 0, 0,
        b * Math.cos(gamma), b * Math.sin(gamma), 0,
        c * z1, c * z2, c * z3,
    );
    const rotation = multiply3(invert3(cell), lattice);
    return { lengths: [a, b, c], angles: [alpha, beta, gamma], rotation, lattice };
}

/** Applies x · M to every 3-vector of a flat array (positions, forces). */
export function rotateVectors(values: ArrayLike<number>, m: ArrayLike<number>): Float64Array {
    const out = new Float64Array(values.length);
    for (let k = 0; k < values.length; k += 3) {
        const x = values[k], y = values[k + 1], z = values[k + 2];
        out[k] = x * m[0] + y * m[3] + z * m[6];
        out[k + 1] = x * m[1] + y * m[4] + z * m[7];
        out[k + 2] = x * m[2] + y * m[5] + z * m[8];
    }
    return out;
}
