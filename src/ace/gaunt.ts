/**
 * Real Gaunt coefficients: the expansion of a product of real spherical harmonics at one point,
 *   Π_t Y_{l_t m_t}(r̂) = Σ_{L,M} Γ_LM Y_LM(r̂),   Γ_LM = ∫ Π_t Y_{l_t m_t} Y_LM dΩ,
 * with L ≤ Σ l_t and L ≡ Σ l_t (mod 2). Computed by a product quadrature (Gauss–Legendre in cos θ, uniform
 * in φ) that is exact for the polynomial degrees involved. Used by the purified basis to write the sum over
 * one neighbour of several one-particle functions as a sum of single one-particle functions with product
 * radials. Results are cached per (l, m)-multiset.
 */
import { SphericalHarmonics, lmIndex } from './harmonics';

function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
    const x = new Float64Array(n), w = new Float64Array(n);
    for (let i = 1; i <= n; i++) {
        let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
        let dp = 1;
        for (let it = 0; it < 100; it++) {
            let p0 = 1, p1 = z;
            for (let k = 2; k <= n; k++) { const p = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p; }
            if (n === 1) { p1 = z; p0 = 1; }
            dp = (n * (z * p1 - p0)) / (z * z - 1);
            const dz = p1 / dp;
            z -= dz;
            if (Math.abs(dz) < 1e-16) break;
        }
        let p0 = 1, p1 = z;
        for (let k = 2; k <= n; k++) { const p = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p; }
        dp = (n * (z * p1 - p0)) / (z * z - 1);
        x[i - 1] = z;
        w[i - 1] = 2 / ((1 - z * z) * dp * dp);
    }
    return { x, w };
}

export class GauntTable {
    /** harmonics of degree ≤ lmax on the grid, [point * size + lm] */
    private readonly Y: Float64Array;
    private readonly weights: Float64Array;
    private readonly size: number;
    private readonly npts: number;
    private readonly cache = new Map<string, [number, number, number][]>();

    /** lmax: the largest L of a result (= the largest Σ l_t of a product). */
    constructor(readonly lmax: number) {
        const deg = 2 * lmax; // Π Y (degree Σl ≤ lmax) × Y_LM (L ≤ lmax)
        const nth = Math.floor(deg / 2) + 1, nph = deg + 1;
        const { x, w } = gaussLegendre(nth);
        const sh = new SphericalHarmonics(lmax);
        this.size = sh.size;
        this.npts = nth * nph;
        this.Y = new Float64Array(this.npts * this.size);
        this.weights = new Float64Array(this.npts);
        const Yp = new Float64Array(this.size);
        let p = 0;
        for (let a = 0; a < nth; a++) for (let b = 0; b < nph; b++) {
            const z = x[a], s = Math.sqrt(Math.max(0, 1 - z * z)), ph = (2 * Math.PI * (b + 0.5)) / nph;
            sh.evaluate(s * Math.cos(ph), s * Math.sin(ph), z, Yp);
            this.Y.set(Yp, p * this.size);
            this.weights[p] = (w[a] * 2 * Math.PI) / nph;
            p++;
        }
    }

    /** Non-zero (L, M, Γ_LM) of the product Π_t Y_{l_t m_t}; requires Σ l_t ≤ lmax. */
    expand(lms: [number, number][]): [number, number, number][] {
        const sorted = lms.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const key = sorted.map((x) => x.join(':')).join(',');
        const hit = this.cache.get(key);
        if (hit) return hit;
        const lsum = sorted.reduce((s, x) => s + x[0], 0);
        if (lsum > this.lmax) throw new Error(`internal: Gaunt product with Σl = ${lsum} > ${this.lmax}`);
        const idx = sorted.map(([l, m]) => lmIndex(l, m));
        const out: [number, number, number][] = [];
        for (let L = lsum % 2; L <= lsum; L += 2) {
            for (let M = -L; M <= L; M++) {
                const q = lmIndex(L, M);
                let v = 0;
                for (let p = 0; p < this.npts; p++) {
                    const o = p * this.size;
                    let prod = this.weights[p] * this.Y[o + q];
                    for (const t of idx) prod *= this.Y[o + t];
                    v += prod;
                }
                if (Math.abs(v) > 1e-12) out.push([L, M, v]);
            }
        }
        this.cache.set(key, out);
        return out;
    }
}
