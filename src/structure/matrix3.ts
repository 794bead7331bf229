/** 3×3 matrices, row-major (cells: rows are the lattice vectors). */

/** Inverse of a 3×3 row-major matrix; throws on a singular one. */
export function invert3(m: ArrayLike<number>): Float64Array {
    const [a, b, c, d, e, f, g, h, i] = [m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]];
    const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
    const det = a * A + b * B + c * C;
    if (!(Math.abs(det) > 1e-300)) throw new Error('3×3 matrix (cell) is singular');
    const r = new Float64Array(9);
    r[0] = A / det; r[1] = -(b * i - c * h) / det; r[2] = (b * f - c * e) / det;
    r[3] = B / det; r[4] = (a * i - c * g) / det; r[5] = -(a * f - c * d) / det;
    r[6] = C / det; r[7] = -(a * h - b * g) / det; r[8] = (a * e - b * d) / det;
    return r;
}

/** Product p·q of 3×3 row-major matrices. */
export function multiply3(p: ArrayLike<number>, q: ArrayLike<number>): Float64Array {
    const r = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        r[3 * i + j] = p[3 * i] * q[j] + p[3 * i + 1] * q[3 + j] + p[3 * i + 2] * q[6 + j];
    }
    return r;
}
