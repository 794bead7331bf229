/** Small dense helpers for the fit tests (independent of the code under test). */
import { Matrix, QrDecomposition, solve as mlSolve } from 'ml-matrix';

export function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 4294967296;
    };
}

/** Least-squares solution of the stacked rows (m × n, m ≥ n, full column rank) by Householder QR. */
export function denseLeastSquares(rows: number[][], y: number[]): Float64Array {
    const X = new Matrix(rows);
    const Y = Matrix.columnVector(y);
    const qr = new QrDecomposition(X);
    return Float64Array.from(qr.solve(Y).getColumn(0));
}

/** Ridge solution via the augmented system [X; √λ Γ] c = [y; 0] (QR), independent of the normal equations. */
export function denseRidge(rows: number[][], y: number[], lambda: number, prior: ArrayLike<number>): Float64Array {
    const n = rows[0].length;
    const aug = rows.map((r) => r.slice());
    const yy = y.slice();
    for (let k = 0; k < n; k++) {
        const r = new Array<number>(n).fill(0);
        r[k] = Math.sqrt(lambda) * prior[k];
        aug.push(r);
        yy.push(0);
    }
    return Float64Array.from(mlSolve(new Matrix(aug), Matrix.columnVector(yy)).getColumn(0));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
}

export function norm(a: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * a[i];
    return Math.sqrt(s);
}
