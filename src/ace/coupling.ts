/**
 * Rotation- and reflection-invariant coupling coefficients for products of real spherical harmonics.
 *
 * For an l-tuple (l_1, …, l_ν) with Σ l even, an invariant is B = Σ_m C_{m_1…m_ν} Π_t A_{l_t m_t} (real
 * harmonics). The complex invariants are built by coupling the factors pairwise with Clebsch–Gordan
 * coefficients (Racah formula) through intermediate L_2, …, L_{ν−1} (ν = 3: the Wigner-3j symbol, ν = 4:
 * generalised CG with one intermediate L), with the last intermediate equal to l_ν and coupled to 0. They are
 * transformed to the real basis (Y^real = U Y^complex, see `realToComplex`), split into real and imaginary
 * parts (both invariant), symmetrised over permutations of factors that are equal (same (n, l), given by an
 * equality pattern) and reduced to an orthonormal, linearly independent set by Gram–Schmidt in a fixed order
 * (deterministic: the same spec always gives the same basis functions). ν = 1: l = 0, C = 1.
 *
 * Results are cached per (l-tuple, equality pattern).
 */

const FACT: number[] = [1];
for (let k = 1; k <= 170; k++) FACT[k] = FACT[k - 1] * k;
function fact(k: number): number {
    if (k < 0) throw new Error(`factorial of ${k}`);
    return FACT[k];
}

/** ⟨j1 m1 j2 m2 | J M⟩ (Condon–Shortley convention), integer j's. */
export function clebschGordan(j1: number, m1: number, j2: number, m2: number, J: number, M: number): number {
    if (m1 + m2 !== M) return 0;
    if (J < Math.abs(j1 - j2) || J > j1 + j2) return 0;
    if (Math.abs(m1) > j1 || Math.abs(m2) > j2 || Math.abs(M) > J) return 0;
    const pre = Math.sqrt(
        ((2 * J + 1) * fact(J + j1 - j2) * fact(J - j1 + j2) * fact(j1 + j2 - J)) / fact(j1 + j2 + J + 1),
    ) * Math.sqrt(fact(J + M) * fact(J - M) * fact(j1 - m1) * fact(j1 + m1) * fact(j2 - m2) * fact(j2 + m2));
    let s = 0;
    const kmin = Math.max(0, j2 - J - m1, j1 - J + m2);
    const kmax = Math.min(j1 + j2 - J, j1 - m1, j2 + m2);
    for (let k = kmin; k <= kmax; k++) {
        const d = fact(k) * fact(j1 + j2 - J - k) * fact(j1 - m1 - k) * fact(j2 + m2 - k) * fact(J - j2 + m1 + k) * fact(J - j1 - m2 + k);
        s += (k % 2 === 0 ? 1 : -1) / d;
    }
    return pre * s;
}

/**
 * The entries of U (Y^real_m = Σ_μ U_{mμ} Y^complex_μ) that are non-zero for a complex index μ, returned as
 * conj(U_{mμ}) = re + i·im for the (at most two) real m.
 */
function conjU(mu: number, out: { m: number[]; re: number[]; im: number[] }): void {
    out.m.length = 0; out.re.length = 0; out.im.length = 0;
    const s = Math.SQRT1_2;
    if (mu === 0) { out.m.push(0); out.re.push(1); out.im.push(0); return; }
    const k = Math.abs(mu);
    const sign = k % 2 === 0 ? 1 : -1;
    if (mu > 0) {
        out.m.push(k); out.re.push(sign * s); out.im.push(0); // U[k, k] = (−1)^k/√2
        out.m.push(-k); out.re.push(0); out.im.push(sign * s); // U[−k, k] = −i(−1)^k/√2 → conj = +i(−1)^k/√2
    } else {
        out.m.push(k); out.re.push(s); out.im.push(0); // U[k, −k] = 1/√2
        out.m.push(-k); out.re.push(0); out.im.push(-s); // U[−k, −k] = i/√2 → conj = −i/√2
    }
}

/** Mixed-radix index of an m-tuple: digit t is m_t + l_t in base 2l_t + 1 (first factor most significant). */
export function mTupleSize(ls: number[]): number {
    return ls.reduce((p, l) => p * (2 * l + 1), 1);
}

/** Decode a mixed-radix index into m values. */
export function decodeM(ls: number[], idx: number, out: number[]): void {
    for (let t = ls.length - 1; t >= 0; t--) {
        const b = 2 * ls[t] + 1;
        out[t] = (idx % b) - ls[t];
        idx = Math.floor(idx / b);
    }
}

function encodeM(ls: number[], ms: number[]): number {
    let idx = 0;
    for (let t = 0; t < ls.length; t++) idx = idx * (2 * ls[t] + 1) + ms[t] + ls[t];
    return idx;
}

/** Complex generalised-CG invariants of the l-tuple, one per coupling path; real-valued (CG are real). */
function complexInvariants(ls: number[]): Float64Array[] {
    const nu = ls.length;
    const size = mTupleSize(ls);
    const out: Float64Array[] = [];
    if (nu === 1) {
        if (ls[0] === 0) out.push(Float64Array.of(1));
        return out;
    }
    // enumerate intermediate paths L_1 = l_1, L_t for t = 2..ν−1, L_{ν−1} must equal l_ν
    const paths: number[][] = [];
    const rec = (t: number, path: number[]) => {
        if (t === nu - 1) { if (path[path.length - 1] === ls[nu - 1]) paths.push(path.slice()); return; }
        const prev = path[path.length - 1];
        for (let L = Math.abs(prev - ls[t]); L <= prev + ls[t]; L++) { path.push(L); rec(t + 1, path); path.pop(); }
    };
    rec(1, [ls[0]]);
    const ms = new Array<number>(nu).fill(0);
    for (const path of paths) {
        const v = new Float64Array(size);
        let nz = false;
        const recm = (t: number, M: number, c: number) => {
            if (t === nu - 1) {
                const mlast = -M;
                if (Math.abs(mlast) > ls[nu - 1]) return;
                ms[nu - 1] = mlast;
                const val = c * (Math.abs(mlast) % 2 === 0 ? 1 : -1);
                if (val !== 0) { v[encodeM(ls, ms)] += val; nz = true; }
                return;
            }
            for (let m = -ls[t]; m <= ls[t]; m++) {
                ms[t] = m;
                if (t === 0) { recm(1, m, 1); continue; }
                const Mn = M + m;
                const L = path[t];
                if (Math.abs(Mn) > L) continue;
                const cg = clebschGordan(path[t - 1], M, ls[t], m, L, Mn);
                if (cg === 0) continue;
                recm(t + 1, Mn, c * cg);
            }
        };
        recm(0, 0, 1);
        if (nz) out.push(v);
    }
    return out;
}

/** Transform a complex-basis coefficient vector (real entries) to the real basis: returns [re, im]. */
function toRealBasis(ls: number[], c: Float64Array): [Float64Array, Float64Array] {
    const nu = ls.length;
    const size = c.length;
    const re = new Float64Array(size), im = new Float64Array(size);
    const mu = new Array<number>(nu).fill(0);
    const opts = Array.from({ length: nu }, () => ({ m: [] as number[], re: [] as number[], im: [] as number[] }));
    const ms = new Array<number>(nu).fill(0);
    for (let idx = 0; idx < size; idx++) {
        const v = c[idx];
        if (v === 0) continue;
        decodeM(ls, idx, mu);
        for (let t = 0; t < nu; t++) conjU(mu[t], opts[t]);
        const rec = (t: number, pr: number, pi: number) => {
            if (t === nu) { const k = encodeM(ls, ms); re[k] += v * pr; im[k] += v * pi; return; }
            const o = opts[t];
            for (let s = 0; s < o.m.length; s++) {
                ms[t] = o.m[s];
                rec(t + 1, pr * o.re[s] - pi * o.im[s], pr * o.im[s] + pi * o.re[s]);
            }
        };
        rec(0, 1, 0);
    }
    return [re, im];
}

function norm(v: Float64Array): number {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
    return Math.sqrt(s);
}

/** All permutations of positions that only exchange positions within the same group. */
function groupPermutations(groups: number[]): number[][] {
    const nu = groups.length;
    const perms: number[][] = [];
    const cur: number[] = [];
    const used = new Array<boolean>(nu).fill(false);
    const rec = (t: number) => {
        if (t === nu) { perms.push(cur.slice()); return; }
        for (let s = 0; s < nu; s++) {
            if (used[s] || groups[s] !== groups[t]) continue;
            used[s] = true; cur.push(s); rec(t + 1); cur.pop(); used[s] = false;
        }
    };
    rec(0);
    return perms;
}

const cache = new Map<string, Float64Array[]>();

/**
 * Orthonormal, linearly independent real invariant coefficient vectors (over the mixed-radix m-tuple space
 * of `ls`) for an l-tuple, symmetric under permutations within `groups` (groups[t] = group label of factor t;
 * factors with equal (n, l) share a label; factors of one group must have equal l). Empty when Σl is odd.
 */
export function invariantCouplings(ls: number[], groups: number[]): Float64Array[] {
    const key = `${ls.join(',')}|${groups.join(',')}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const result: Float64Array[] = [];
    const lsum = ls.reduce((a, b) => a + b, 0);
    if (lsum % 2 === 0) {
        const nu = ls.length;
        const size = mTupleSize(ls);
        const perms = groupPermutations(groups);
        const ms = new Array<number>(nu).fill(0), pm = new Array<number>(nu).fill(0);
        // permuted index table for each permutation
        const permIdx = perms.map((p) => {
            const t = new Int32Array(size);
            for (let idx = 0; idx < size; idx++) {
                decodeM(ls, idx, ms);
                for (let s = 0; s < nu; s++) pm[s] = ms[p[s]];
                t[idx] = encodeM(ls, pm);
            }
            return t;
        });
        const candidates: Float64Array[] = [];
        for (const c of complexInvariants(ls)) {
            for (const part of toRealBasis(ls, c)) {
                const nrm = norm(part);
                if (nrm < 1e-10 * norm(c)) continue;
                for (let i = 0; i < size; i++) part[i] /= nrm;
                const sym = new Float64Array(size);
                for (const t of permIdx) for (let i = 0; i < size; i++) sym[i] += part[t[i]];
                for (let i = 0; i < size; i++) sym[i] /= perms.length;
                candidates.push(sym);
            }
        }
        // Gram–Schmidt (twice) in a fixed order, keep residuals of norm > tol
        for (const v of candidates) {
            const w = v.slice();
            for (let pass = 0; pass < 2; pass++) {
                for (const b of result) {
                    let d = 0;
                    for (let i = 0; i < size; i++) d += b[i] * w[i];
                    for (let i = 0; i < size; i++) w[i] -= d * b[i];
                }
            }
            const nw = norm(w);
            if (nw > 1e-8) {
                for (let i = 0; i < size; i++) w[i] /= nw;
                // clean round-off entries
                for (let i = 0; i < size; i++) if (Math.abs(w[i]) < 1e-14) w[i] = 0;
                result.push(w);
            }
        }
    }
    cache.set(key, result);
    return result;
}
