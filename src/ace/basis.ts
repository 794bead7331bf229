/**
 * The ACE basis: one-particle functions φ_nlm = R_n Y_lm, the invariant functions B_k for correlation
 * orders ν = 1..K−1 (body order K = ν + 1), and the evaluation graph used by evaluate.ts.
 *
 * Selection: for each ν, every sorted tuple of (n_t, l_t) with Σ_t (n_t + w_L l_t) ≤ D_ν (n ≥ 1, ν = 1 has
 * l = 0 only), Σ l_t even, and for each tuple the independent invariant couplings (coupling.ts, symmetrised
 * over equal (n, l) factors). Functions are ordered by ν, then by tuple (l-major), then by coupling index.
 *
 * Evaluation graph (per atom i):
 *   G_g   = Σ_j Π_{a ∈ g} φ_a(r_ij)       g a multiset of one-particle indices; |g| = 1 gives A_a
 *   M_q   = Π_{g ∈ q} G_g                 monomials
 *   B_k   = Σ_q D_kq M_q
 * Standard basis: only |g| = 1 (A's) and M_q = Π_t A_{a_t} (the product basis).
 * Purified (self-interaction-free) basis: every product Π_t A_{a_t} is replaced by the sum over DISTINCT
 * neighbours, expanded by inclusion–exclusion (Möbius inversion over set partitions π of the ν factors):
 *   Σ_{j_1..j_ν distinct} Π_t φ_{a_t}(r_{ij_t}) = Σ_π Π_{b∈π} (−1)^{|b|−1} (|b|−1)! · G_{a_b}.
 * The coupling coefficients are the same, so invariance is kept, and with fewer than ν neighbours every
 * ν-function vanishes identically (to round-off).
 * Two exact rewritings keep the number of same-neighbour G's small: the fully collapsed term (all ν factors
 * on one neighbour) of a coupled function is κ_k Σ_j Π_t R_{n_t}(r_j) (an invariant of one direction is a
 * constant), and a partially collapsed block is re-expanded with real Gaunt coefficients,
 * Π_{t∈b} Y_{l_t m_t} = Σ_LM Γ_LM Y_LM, so its G is Σ_j Π_t R_{n_t} Y_LM (gaunt.ts).
 */
import { BasisSpec, validateSpec } from './spec';
import { basisCost } from './basis-cost';
import { invariantCouplings, mTupleSize, decodeM } from './coupling';
import { RadialBasis } from './radial';
import { SphericalHarmonics, lmIndex } from './harmonics';
import { GauntTable } from './gaunt';

export interface BasisFunctionInfo {
  /** correlation order ν (body order ν + 1) */
  nu: number;
  /** radial indices n_t (1-based) of the tuple */
  n: number[];
  /** angular indices l_t of the tuple */
  l: number[];
  /** index of this function among the independent couplings of its (n, l) tuple (0-based) */
  copy: number;
  /** Σ_t (n_t + w_L l_t) */
  degree: number;
}

const EPS = 1e-9;

/** Set partitions of {0..n−1} as block-label arrays (restricted growth strings). */
function setPartitions(n: number): number[][] {
    const out: number[][] = [];
    const a = new Array<number>(n).fill(0);
    const rec = (t: number, max: number) => {
        if (t === n) { out.push(a.slice()); return; }
        for (let b = 0; b <= max + 1; b++) { a[t] = b; rec(t + 1, Math.max(max, b)); }
    };
    if (n > 0) { a[0] = 0; rec(1, 0); }
    return out;
}

export class AceBasis {
    readonly spec: BasisSpec;
    readonly size: number;
    /** body order K = ν + 1 of each function */
    readonly bodyOrder: Int32Array;
    /** Σ (n_t + w_L l_t) of each function (useful for smoothness priors) */
    readonly degree: Float64Array;
    readonly functions: BasisFunctionInfo[];

    // ---- evaluation tables (read by evaluate.ts) ----
    readonly radial: RadialBasis;
    readonly harmonics: SphericalHarmonics;
    /** number of one-particle functions φ_a */
    readonly nOne: number;
    /** radial index (0-based, = n − 1) and lm index of each φ_a */
    readonly oneN: Int32Array;
    readonly oneLM: Int32Array;
    /** G table: entries g < nOne are singletons (g = a); gStart/gOne list the one-particle indices of each g */
    readonly nG: number;
    readonly gStart: Int32Array;
    readonly gOne: Int32Array;
    /** monomials: monoStart/monoG list the G indices of each monomial; monoNu its correlation order */
    readonly nMono: number;
    readonly monoStart: Int32Array;
    readonly monoG: Int32Array;
    readonly monoNu: Int32Array;
    /** D (CSR by function): B_k = Σ_{p in [dStart[k], dStart[k+1])} dCoef[p] · M_{dMono[p]} */
    readonly dStart: Int32Array;
    readonly dMono: Int32Array;
    readonly dCoef: Float64Array;
    /** Jacobian pattern ∂B_k/∂G_g (CSR by function): the G's each function depends on */
    readonly jStart: Int32Array;
    readonly jG: Int32Array;
    /** for every (D entry p, slot s of its monomial): position in the Jacobian pattern; CSR with dSlotStart */
    readonly dSlotStart: Int32Array;
    readonly dSlotJ: Int32Array;

    private constructor(spec: BasisSpec) {
        this.spec = spec;
        const { order, maxDegree: D, lWeight: wL } = spec;
        const maxNu = order - 1;
        const functions: BasisFunctionInfo[] = [];
        const tuples: { nu: number; n: number[]; l: number[]; groups: number[]; couplings: Float64Array[] }[] = [];

        // ---- enumerate (n, l) tuples ----
        for (let nu = 1; nu <= maxNu; nu++) {
            const budget = D[nu - 1];
            const single = budget - (nu - 1); // the other factors have degree ≥ 1
            const pairs: [number, number][] = [];
            const lcap = nu === 1 ? 0 : spec.lmax ?? Infinity;
            for (let l = 0; l <= lcap && 1 + wL * l <= single + EPS; l++) {
                for (let n = 1; n + wL * l <= single + EPS && n <= (spec.nmax ?? Infinity); n++) pairs.push([n, l]);
            }
            const chosen: number[] = [];
            const rec = (start: number, left: number) => {
                if (chosen.length === nu) {
                    const ls = chosen.map((c) => pairs[c][1]);
                    if (ls.reduce((a, b) => a + b, 0) % 2 !== 0) return;
                    const groups = chosen.slice();
                    const couplings = invariantCouplings(ls, groups);
                    if (couplings.length === 0) return;
                    tuples.push({ nu, n: chosen.map((c) => pairs[c][0]), l: ls, groups, couplings });
                    return;
                }
                for (let c = start; c < pairs.length; c++) {
                    const d = pairs[c][0] + wL * pairs[c][1];
                    if (d > left + EPS) continue;
                    chosen.push(c);
                    rec(c, left - d);
                    chosen.pop();
                }
            };
            rec(0, budget);
        }

        // ---- one-particle functions actually used, ordered by (l, n, m) ----
        let nmaxUsed = 1, lmaxUsed = 0;
        const usedNL = new Set<string>();
        for (const t of tuples) for (let s = 0; s < t.nu; s++) {
            usedNL.add(`${t.n[s]},${t.l[s]}`);
            // purified: the fully collapsed term of a ν ≥ 2 function is radial (see below) and uses φ_{n00}
            if (spec.variant === 'purified' && t.nu >= 2) usedNL.add(`${t.n[s]},0`);
            nmaxUsed = Math.max(nmaxUsed, t.n[s]);
            lmaxUsed = Math.max(lmaxUsed, t.l[s]);
        }
        // purified: a partially collapsed block b (2 ≤ |b| ≤ ν−1 factors on one neighbour) is re-expanded with
        // real Gaunt coefficients, Π_{t∈b} Y_{l_t m_t} = Σ_LM Γ Y_LM, into φ_{n00}…φ_{n00}·φ_{n_c L M} (n_c the
        // largest n of the block, L ≤ Σ_b l_t with the parity of Σ_b l_t): the G's then depend on the l's of a
        // block only through L, M, which makes them far fewer.
        let gauntLmax = 0;
        if (spec.variant === 'purified') {
            for (const t of tuples) {
                for (let mask = 1; mask < 1 << t.nu; mask++) {
                    const members = [...Array(t.nu).keys()].filter((x) => mask & (1 << x));
                    if (members.length < 2 || members.length > t.nu - 1) continue;
                    const nc = Math.max(...members.map((x) => t.n[x]));
                    const lsum = members.reduce((acc, x) => acc + t.l[x], 0);
                    for (const x of members) usedNL.add(`${t.n[x]},0`);
                    for (let L = lsum % 2; L <= lsum; L += 2) usedNL.add(`${nc},${L}`);
                    lmaxUsed = Math.max(lmaxUsed, lsum);
                    gauntLmax = Math.max(gauntLmax, lsum);
                }
            }
        }
        const nlList = [...usedNL].map((s) => s.split(',').map(Number) as [number, number]).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
        const oneIndex = new Map<string, number>();
        const oneNLM: [number, number, number][] = [];
        const oneN: number[] = [], oneLM: number[] = [];
        for (const [n, l] of nlList) for (let m = -l; m <= l; m++) {
            oneIndex.set(`${n},${l},${m}`, oneN.length);
            oneNLM.push([n, l, m]);
            oneN.push(n - 1);
            oneLM.push(lmIndex(l, m));
        }
        this.nOne = oneN.length;
        this.oneN = Int32Array.from(oneN);
        this.oneLM = Int32Array.from(oneLM);
        this.radial = new RadialBasis(nmaxUsed, spec.rcut, spec.rin, spec.r0, spec.radial);
        this.harmonics = new SphericalHarmonics(lmaxUsed);

        // ---- functions as sparse combinations of products of A's (AA tuples) ----
        const aaIndex = new Map<string, number>();
        const aaList: number[][] = [];
        const fnAA: { aa: number[]; coef: number[] }[] = [];
        for (const t of tuples) {
            const size = mTupleSize(t.l);
            const ms = new Array<number>(t.nu).fill(0);
            const as = new Array<number>(t.nu).fill(0);
            t.couplings.forEach((c, copy) => {
                const acc = new Map<number, number>();
                for (let idx = 0; idx < size; idx++) {
                    const v = c[idx];
                    if (v === 0) continue;
                    decodeM(t.l, idx, ms);
                    for (let s = 0; s < t.nu; s++) as[s] = oneIndex.get(`${t.n[s]},${t.l[s]},${ms[s]}`)!;
                    const sorted = as.slice().sort((x, y) => x - y);
                    const key = sorted.join(',');
                    let id = aaIndex.get(key);
                    if (id === undefined) { id = aaList.length; aaIndex.set(key, id); aaList.push(sorted); }
                    acc.set(id, (acc.get(id) ?? 0) + v);
                }
                const aa: number[] = [], coef: number[] = [];
                for (const [id, v] of [...acc.entries()].sort((x, y) => x[0] - y[0])) if (Math.abs(v) > 1e-14) { aa.push(id); coef.push(v); }
                fnAA.push({ aa, coef });
                functions.push({ nu: t.nu, n: t.n.slice(), l: t.l.slice(), copy, degree: t.n.reduce((s, n, k) => s + n + wL * t.l[k], 0) });
            });
        }
        this.functions = functions;
        this.size = functions.length;
        this.bodyOrder = Int32Array.from(functions.map((f) => f.nu + 1));
        this.degree = Float64Array.from(functions.map((f) => f.degree));

        // ---- G table and monomials ----
        const gIndex = new Map<string, number>();
        const gList: number[][] = [];
        for (let a = 0; a < this.nOne; a++) { gIndex.set(`${a}`, a); gList.push([a]); }
        const gId = (as: number[]): number => {
            const key = as.join(',');
            let id = gIndex.get(key);
            if (id === undefined) { id = gList.length; gIndex.set(key, id); gList.push(as.slice()); }
            return id;
        };
        const monoIndex = new Map<string, number>();
        const monoList: number[][] = [];
        const monoNu: number[] = [];
        const monoId = (gs: number[], nu: number): number => {
            const key = gs.join(',');
            let id = monoIndex.get(key);
            if (id === undefined) { id = monoList.length; monoIndex.set(key, id); monoList.push(gs.slice()); monoNu.push(nu); }
            return id;
        };
        // expansion of each AA tuple into monomials
        const partitionsByNu = [[], ...[1, 2, 3, 4, 5].map((n) => setPartitions(n))];
        const gaunt = spec.variant === 'purified' ? new GauntTable(gauntLmax) : null;
        const aaExpansion: { mono: number[]; coef: number[] }[] = aaList.map((as) => {
            const nu = as.length;
            if (spec.variant === 'standard') return { mono: [monoId(as.slice(), nu)], coef: [1] };
            const acc = new Map<number, number>();
            const Y00 = 0.5 / Math.sqrt(Math.PI);
            for (const p of partitionsByNu[nu]) {
                const nb = Math.max(...p) + 1;
                if (nu >= 2 && nb === 1) continue; // the fully collapsed term is added per function (radial form)
                let mu = 1;
                // each block becomes a list of (G, coefficient) alternatives; the monomials are their products
                const blocks: { g: number[]; c: number[] }[] = [];
                for (let b = 0; b < nb; b++) {
                    const members: number[] = [];
                    for (let t = 0; t < nu; t++) if (p[t] === b) members.push(as[t]);
                    const size = members.length;
                    for (let f = 2; f < size; f++) mu *= f; // (|b|−1)!
                    if ((size - 1) % 2 === 1) mu = -mu;
                    if (size === 1) { blocks.push({ g: [members[0]], c: [1] }); continue; }
                    const nlm = members.map((a) => oneNLM[a]);
                    const nc = Math.max(...nlm.map((x) => x[0]));
                    const ci = nlm.findIndex((x) => x[0] === nc);
                    const rest = nlm.filter((_, x) => x !== ci).map((x) => oneIndex.get(`${x[0]},0,0`)!);
                    const g: number[] = [], c: number[] = [];
                    for (const [L, M, v] of gaunt!.expand(nlm.map((x) => [x[1], x[2]] as [number, number]))) {
                        g.push(gId([...rest, oneIndex.get(`${nc},${L},${M}`)!].sort((x, y) => x - y)));
                        c.push(v / Y00 ** (size - 1));
                    }
                    blocks.push({ g, c });
                }
                const rec = (b: number, gs: number[], coef: number) => {
                    if (b === blocks.length) {
                        const q = monoId(gs.slice().sort((x, y) => x - y), nu);
                        acc.set(q, (acc.get(q) ?? 0) + mu * coef);
                        return;
                    }
                    for (let s = 0; s < blocks[b].g.length; s++) { gs.push(blocks[b].g[s]); rec(b + 1, gs, coef * blocks[b].c[s]); gs.pop(); }
                };
                rec(0, [], 1);
            }
            const mono: number[] = [], coef: number[] = [];
            for (const [q, v] of acc) if (Math.abs(v) > 1e-14) { mono.push(q); coef.push(v); }
            return { mono, coef };
        });

        // ---- D = C · expansion ----
        const dStart = [0], dMono: number[] = [], dCoef: number[] = [];
        for (const f of fnAA) {
            const acc = new Map<number, number>();
            f.aa.forEach((id, k) => {
                const e = aaExpansion[id];
                for (let s = 0; s < e.mono.length; s++) acc.set(e.mono[s], (acc.get(e.mono[s]) ?? 0) + f.coef[k] * e.coef[s]);
            });
            const info = functions[dStart.length - 1];
            if (spec.variant === 'purified' && info.nu >= 2) {
                // Fully collapsed term (all ν factors on the same neighbour j), coefficient (−1)^{ν−1}(ν−1)!:
                //   Σ_AA C_k,AA Σ_j Π_t φ_{a_t}(r_j) = Σ_j Π_t R_{n_t}(r_j) · κ_k,  κ_k = Σ_AA C_k,AA Π_t Y_{l_t m_t}(û),
                // because a rotation-invariant function of one direction û is a constant. With R_n = φ_{n00}/Y_00 it
                // is the G of the l = 0 functions (n_1 0 0)…(n_ν 0 0), times κ_k / Y_00^ν: far fewer G's than the
                // ν-fold products of φ_nlm.
                const kappa = [0, 0];
                const dirs = [[0.3, -0.5, 0.8], [-0.7, 0.2, 0.1]];
                const Y = new Float64Array(this.harmonics.size);
                dirs.forEach((d, t) => {
                    this.harmonics.evaluate(d[0], d[1], d[2], Y);
                    f.aa.forEach((id, k) => {
                        let prod = f.coef[k];
                        for (const a of aaList[id]) prod *= Y[this.oneLM[a]];
                        kappa[t] += prod;
                    });
                });
                if (Math.abs(kappa[0] - kappa[1]) > 1e-9 * (1 + Math.abs(kappa[0]))) {
                    throw new Error(`internal: collapsed angular factor of ${info.n.map((n, t) => `(n=${n},l=${info.l[t]})`).join('')} is not invariant (${kappa[0]} vs ${kappa[1]})`);
                }
                const nu = info.nu;
                let mu = nu % 2 === 1 ? 1 : -1;
                for (let t = 2; t < nu; t++) mu *= t;
                const Y00 = 0.5 / Math.sqrt(Math.PI);
                const radial = info.n.map((n) => oneIndex.get(`${n},0,0`)!).sort((x, y) => x - y);
                const q = monoId([gId(radial)], nu);
                const v = (mu * kappa[0]) / Y00 ** nu;
                if (Math.abs(v) > 1e-14) acc.set(q, (acc.get(q) ?? 0) + v);
            }
            for (const [q, v] of [...acc.entries()].sort((x, y) => x[0] - y[0])) if (v !== 0) { dMono.push(q); dCoef.push(v); }
            dStart.push(dMono.length);
        }
        this.dStart = Int32Array.from(dStart);
        this.dMono = Int32Array.from(dMono);
        this.dCoef = Float64Array.from(dCoef);

        this.nG = gList.length;
        const gStart = [0], gOne: number[] = [];
        for (const g of gList) { gOne.push(...g); gStart.push(gOne.length); }
        this.gStart = Int32Array.from(gStart);
        this.gOne = Int32Array.from(gOne);
        this.nMono = monoList.length;
        const monoStart = [0], monoG: number[] = [];
        for (const q of monoList) { monoG.push(...q); monoStart.push(monoG.length); }
        this.monoStart = Int32Array.from(monoStart);
        this.monoG = Int32Array.from(monoG);
        this.monoNu = Int32Array.from(monoNu);

        // ---- Jacobian pattern and slot map ----
        const jStart = [0], jG: number[] = [], dSlotStart = [0], dSlotJ: number[] = [];
        for (let k = 0; k < this.size; k++) {
            const pos = new Map<number, number>();
            for (let p = dStart[k]; p < dStart[k + 1]; p++) {
                const q = dMono[p];
                for (let s = monoStart[q]; s < monoStart[q + 1]; s++) {
                    const g = monoG[s];
                    if (!pos.has(g)) { pos.set(g, jG.length); jG.push(g); }
                    dSlotJ.push(pos.get(g)!);
                }
                dSlotStart.push(dSlotJ.length);
            }
            jStart.push(jG.length);
        }
        this.jStart = Int32Array.from(jStart);
        this.jG = Int32Array.from(jG);
        this.dSlotStart = Int32Array.from(dSlotStart);
        this.dSlotJ = Int32Array.from(dSlotJ);
    }

    /** Builds the basis for a spec (validated). Coupling coefficients are cached per l-tuple across bases. */
    static create(spec: BasisSpec): AceBasis {
        const checked = validateSpec(spec);
        basisCost(checked); // refuses, with the number, a spec whose basis would be too large to build
        return new AceBasis(checked);
    }

    /** Number of functions per body order K, e.g. {2: 12, 3: 65, 4: 127}. */
    sizeByOrder(): Record<number, number> {
        const out: Record<number, number> = {};
        for (let K = 2; K <= this.spec.order; K++) out[K] = 0;
        for (let k = 0; k < this.size; k++) out[this.bodyOrder[k]]++;
        return out;
    }

    /** e.g. "ν=2 (n=1,l=2)(n=3,l=2)"; a suffix "#2" marks the second independent coupling of the same tuple. */
    describe(i: number): string {
        const f = this.functions[i];
        if (!f) throw new RangeError(`basis function ${i} out of range 0..${this.size - 1}`);
        const parts = f.n.map((n, t) => `(n=${n},l=${f.l[t]})`).join('');
        return `ν=${f.nu} ${parts}${f.copy > 0 ? ` #${f.copy + 1}` : ''}`;
    }
}
