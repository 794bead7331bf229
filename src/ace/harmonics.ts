/**
 * Real orthonormal spherical harmonics Y_lm (no Condon–Shortley phase) from a stable Cartesian recursion,
 * with analytic gradients with respect to the (unnormalised) vector r.
 *
 * On the unit vector u = r/|r| = (x, y, z):
 *   Y_l0      = N_l0 Q_l^0(z)
 *   Y_lm      = √2 N_lm Q_l^m(z) C_m(x, y)      m > 0,  C_m = Re (x + iy)^m
 *   Y_l,−m    = √2 N_lm Q_l^m(z) S_m(x, y)      m > 0,  S_m = Im (x + iy)^m
 *   N_lm = √((2l+1)/(4π) (l−m)!/(l+m)!),  Q_l^m = d^m P_l / dz^m (so P_l^m = (1−z²)^{m/2} Q_l^m without phase)
 * Recursions: Q_m^m = (2m−1)!!, Q_{m+1}^m = (2m+1) z Q_m^m,
 *   (l−m) Q_l^m = (2l−1) z Q_{l−1}^m − (l+m−1) Q_{l−2}^m;  dQ_l^m/dz = Q_l^{m+1};
 *   C_m = x C_{m−1} − y S_{m−1}, S_m = x S_{m−1} + y C_{m−1}; ∂C_m/∂x = m C_{m−1}, ∂C_m/∂y = −m S_{m−1},
 *   ∂S_m/∂x = m S_{m−1}, ∂S_m/∂y = m C_{m−1}.
 * The gradient of the polynomial extension is projected on the tangent plane and divided by |r|:
 *   ∇_r Y(r̂) = (g − u (u·g)) / |r|.
 * Index of (l, m): l² + l + m. Examples: Y_1,−1 ∝ y, Y_10 ∝ z, Y_11 ∝ x.
 */

export function lmIndex(l: number, m: number): number {
    return l * l + l + m;
}

export class SphericalHarmonics {
    readonly lmax: number;
    readonly size: number;
    /** √2 N_lm (m > 0) and N_l0, indexed by l*(lmax+1)+m */
    private readonly coef: Float64Array;
    private readonly Qt: Float64Array; // (lmax+2)×(lmax+2), Q_l^m at [l*(lmax+2)+m]
    private readonly C: Float64Array;
    private readonly S: Float64Array;
    /** recursion factors (2l−1)/(l−m) and (l+m−1)/(l−m) at [l*(lmax+2)+m] */
    private readonly recA: Float64Array;
    private readonly recB: Float64Array;

    constructor(lmax: number) {
        this.lmax = lmax;
        this.size = (lmax + 1) * (lmax + 1);
        this.coef = new Float64Array((lmax + 1) * (lmax + 1));
        for (let l = 0; l <= lmax; l++) {
            for (let m = 0; m <= l; m++) {
                // (l−m)!/(l+m)! as a product to avoid overflow
                let ratio = 1;
                for (let k = l - m + 1; k <= l + m; k++) ratio /= k;
                const N = Math.sqrt(((2 * l + 1) / (4 * Math.PI)) * ratio);
                this.coef[l * (lmax + 1) + m] = m === 0 ? N : Math.SQRT2 * N;
            }
        }
        this.Qt = new Float64Array((lmax + 2) * (lmax + 2));
        this.C = new Float64Array(lmax + 1);
        this.S = new Float64Array(lmax + 1);
        const W = lmax + 2;
        this.recA = new Float64Array(W * W);
        this.recB = new Float64Array(W * W);
        for (let l = 0; l <= lmax; l++) {
            for (let m = 0; m < l; m++) {
                this.recA[l * W + m] = (2 * l - 1) / (l - m);
                this.recB[l * W + m] = (l + m - 1) / (l - m);
            }
        }
    }

    /**
   * The recurrences shared by evaluateWithGradient and evaluateWithPolynomialGradient at the unit vector
   * (x, y, z): Qt[l·W + m] (W = lmax + 2) the associated-Legendre-like factors in z with Q_m^{m+1} = 0, and
   * C[m] + i S[m] = (x + i y)^m.
   */
    private recurrences(x: number, y: number, z: number): void {
        const lmax = this.lmax, W = lmax + 2;
        const Qt = this.Qt, C = this.C, S = this.S, recA = this.recA, recB = this.recB;
        let dfact = 1; // (2m−1)!!
        for (let m = 0; m <= lmax; m++) {
            if (m > 0) dfact *= 2 * m - 1;
            const mm = m * W + m;
            Qt[mm] = dfact;
            Qt[mm + 1] = 0; // Q_m^{m+1} = 0
            if (m + 1 <= lmax) Qt[mm + W] = (2 * m + 1) * z * dfact;
            for (let l = m + 2, o = mm + 2 * W; l <= lmax; l++, o += W) {
                Qt[o] = recA[o] * z * Qt[o - W] - recB[o] * Qt[o - 2 * W];
            }
        }
        C[0] = 1; S[0] = 0;
        for (let m = 1; m <= lmax; m++) {
            C[m] = x * C[m - 1] - y * S[m - 1];
            S[m] = x * S[m - 1] + y * C[m - 1];
        }
    }

    /**
   * Y and ∂Y/∂r at r = (rx, ry, rz) (any length > 0) into any layout: Y_idx at Y[yOff + idx·yStride],
   * ∂Y_idx/∂r_α at dY[dOff + idx·dStride + α·dComp] (the evaluator's per-neighbour and per-atom stores).
   * The same recursion as evaluate, with the divisions precomputed (equal to round-off).
   */
    evaluateWithGradient(rx: number, ry: number, rz: number, Y: Float64Array, yOff: number, yStride: number, dY: Float64Array, dOff: number, dStride: number, dComp: number): void {
        const lmax = this.lmax;
        const inv = 1 / Math.sqrt(rx * rx + ry * ry + rz * rz);
        const x = rx * inv, y = ry * inv, z = rz * inv;
        const W = lmax + 2;
        const Qt = this.Qt, C = this.C, S = this.S, coef = this.coef;
        this.recurrences(x, y, z);
        const d2 = 2 * dComp;
        for (let l = 0; l <= lmax; l++) {
            const idx = l * l + l, lw = l * W, lc = l * (lmax + 1);
            const yb = yOff + idx * yStride, db = dOff + idx * dStride;
            const c0 = coef[lc];
            Y[yb] = c0 * Qt[lw];
            const gz0 = c0 * Qt[lw + 1];
            const ug0 = z * gz0;
            dY[db] = -x * ug0 * inv;
            dY[db + dComp] = -y * ug0 * inv;
            dY[db + d2] = (gz0 - z * ug0) * inv;
            for (let m = 1; m <= l; m++) {
                const k = coef[lc + m];
                const kq = k * Qt[lw + m], dq = k * Qt[lw + m + 1];
                const Cm = C[m], Sm = S[m], kqm = kq * m, Cm1 = kqm * C[m - 1], Sm1 = kqm * S[m - 1];
                Y[yb + m * yStride] = kq * Cm;
                Y[yb - m * yStride] = kq * Sm;
                // cos part: g = (kq m C_{m−1}, −kq m S_{m−1}, dq C_m)
                let gx = Cm1, gy = -Sm1, gz = dq * Cm;
                let ug = x * gx + y * gy + z * gz;
                let o = db + m * dStride;
                dY[o] = (gx - x * ug) * inv; dY[o + dComp] = (gy - y * ug) * inv; dY[o + d2] = (gz - z * ug) * inv;
                // sin part: g = (kq m S_{m−1}, kq m C_{m−1}, dq S_m)
                gx = Sm1; gy = Cm1; gz = dq * Sm;
                ug = x * gx + y * gy + z * gz;
                o = db - m * dStride;
                dY[o] = (gx - x * ug) * inv; dY[o + dComp] = (gy - y * ug) * inv; dY[o + d2] = (gz - z * ug) * inv;
            }
        }
    }

    /**
   * Y at r = (rx, ry, rz) and g = the gradient of its polynomial extension at û = r/|r| (not projected, not
   * divided by |r|), layouts as evaluateWithGradient. Since the projection is linear,
   * Σ_idx c_idx ∇_r Y_idx = (G − û (û·G)) / |r| with G = Σ_idx c_idx g_idx: the per-atom force stage
   * projects once per neighbour instead of once per (neighbour, lm).
   */
    evaluateWithPolynomialGradient(rx: number, ry: number, rz: number, Y: Float64Array, yOff: number, yStride: number, dY: Float64Array, dOff: number, dStride: number, dComp: number): void {
        const lmax = this.lmax;
        const inv = 1 / Math.sqrt(rx * rx + ry * ry + rz * rz);
        const x = rx * inv, y = ry * inv, z = rz * inv;
        const W = lmax + 2;
        const Qt = this.Qt, C = this.C, S = this.S, coef = this.coef;
        this.recurrences(x, y, z);
        const d2 = 2 * dComp;
        for (let l = 0; l <= lmax; l++) {
            const idx = l * l + l, lw = l * W, lc = l * (lmax + 1);
            const yb = yOff + idx * yStride, db = dOff + idx * dStride;
            const c0 = coef[lc];
            Y[yb] = c0 * Qt[lw];
            dY[db] = 0;
            dY[db + dComp] = 0;
            dY[db + d2] = c0 * Qt[lw + 1];
            for (let m = 1; m <= l; m++) {
                const k = coef[lc + m];
                const kq = k * Qt[lw + m], dq = k * Qt[lw + m + 1];
                const Cm = C[m], Sm = S[m], kqm = kq * m, Cm1 = kqm * C[m - 1], Sm1 = kqm * S[m - 1];
                Y[yb + m * yStride] = kq * Cm;
                Y[yb - m * yStride] = kq * Sm;
                // cos part: g = (kq m C_{m−1}, −kq m S_{m−1}, dq C_m); sin part: (kq m S_{m−1}, kq m C_{m−1}, dq S_m)
                let o = db + m * dStride;
                dY[o] = Cm1; dY[o + dComp] = -Sm1; dY[o + d2] = dq * Cm;
                o = db - m * dStride;
                dY[o] = Sm1; dY[o + dComp] = Cm1; dY[o + d2] = dq * Sm;
            }
        }
    }

    /**
   * Y at r = (rx, ry, rz) (any length > 0) into Y[off..off+size); when dY is given, also ∂Y/∂r into
   * dY[3*(off+idx) + α].
   */
    evaluate(rx: number, ry: number, rz: number, Y: Float64Array, dY?: Float64Array, off = 0): void {
        const lmax = this.lmax;
        const r = Math.sqrt(rx * rx + ry * ry + rz * rz);
        const inv = 1 / r;
        const x = rx * inv, y = ry * inv, z = rz * inv;
        const W = lmax + 2;
        const Qt = this.Qt, C = this.C, S = this.S;
        // Q_l^m(z)
        let dfact = 1; // (2m−1)!!
        for (let m = 0; m <= lmax; m++) {
            if (m > 0) dfact *= 2 * m - 1;
            Qt[m * W + m] = dfact;
            Qt[m * W + m + 1] = 0; // Q_m^{m+1} = 0
            if (m + 1 <= lmax) Qt[(m + 1) * W + m] = (2 * m + 1) * z * dfact;
            for (let l = m + 2; l <= lmax; l++) {
                Qt[l * W + m] = ((2 * l - 1) * z * Qt[(l - 1) * W + m] - (l + m - 1) * Qt[(l - 2) * W + m]) / (l - m);
            }
        }
        for (let l = 0; l <= lmax; l++) Qt[l * W + l + 1] = 0;
        C[0] = 1; S[0] = 0;
        for (let m = 1; m <= lmax; m++) {
            C[m] = x * C[m - 1] - y * S[m - 1];
            S[m] = x * S[m - 1] + y * C[m - 1];
        }
        const coef = this.coef;
        for (let l = 0; l <= lmax; l++) {
            const base = off + l * l + l;
            const c0 = coef[l * (lmax + 1)];
            Y[base] = c0 * Qt[l * W];
            if (dY) {
                const gz = c0 * Qt[l * W + 1];
                // g = (0, 0, gz); tangential projection
                const ug = z * gz;
                dY[3 * base] = (-x * ug) * inv;
                dY[3 * base + 1] = (-y * ug) * inv;
                dY[3 * base + 2] = (gz - z * ug) * inv;
            }
            for (let m = 1; m <= l; m++) {
                const k = coef[l * (lmax + 1) + m];
                const q = Qt[l * W + m];
                const kq = k * q;
                Y[base + m] = kq * C[m];
                Y[base - m] = kq * S[m];
                if (dY) {
                    const dq = k * Qt[l * W + m + 1];
                    // cos part
                    let gx = kq * m * C[m - 1], gy = -kq * m * S[m - 1], gz = dq * C[m];
                    let ug = x * gx + y * gy + z * gz;
                    let o = 3 * (base + m);
                    dY[o] = (gx - x * ug) * inv; dY[o + 1] = (gy - y * ug) * inv; dY[o + 2] = (gz - z * ug) * inv;
                    // sin part
                    gx = kq * m * S[m - 1]; gy = kq * m * C[m - 1]; gz = dq * S[m];
                    ug = x * gx + y * gy + z * gz;
                    o = 3 * (base - m);
                    dY[o] = (gx - x * ug) * inv; dY[o + 1] = (gy - y * ug) * inv; dY[o + 2] = (gz - z * ug) * inv;
                }
            }
        }
    }
}
