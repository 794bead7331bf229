/**
 * Export of an acelens model to ML-PACE's C-tilde potential file (.yace), the file LAMMPS' `pair_style pace`
 * and pyace read.
 *
 * The model is E_i = E0 + Σ_k c_k B_ik with B_k = Σ_q D_kq Π_{g∈q} G_g (basis.ts). C-tilde form is
 *   E_i = E0 + F(ρ_i),  ρ_i = Σ_{rank 1} c̃ A_n + Σ_{rank r ≥ 2} Σ_ms Re(c̃_ms Π_t A_{n_t l_t m_t})
 * with F linear (FinnisSinclairShiftedScaled, FS_parameters [1, 1], ndensity 1), complex ML-PACE atomic
 * densities A_nlm = Σ_j P_n(r_ij) Y^P_lm(r̂_ij) (Y^P = √(4π) × the Condon–Shortley complex harmonic, so
 * Y^P_00 = 1) and rank-1 A_n = Σ_j P_n(r_ij). The radial kind written is `ACE.jl.base` (SHIPsRadPolyBasis:
 * R_n = P_{n−1} with the same recursion as acelens' 'acejl' radial, radial.ts), so:
 * - every one-particle function is exact: A^real_nlm = Σ_μ U_mμ A^P_nlμ / √(4π) (coupling.ts' U);
 * - a purified (self-interaction-free) same-neighbour product Π_a R_{n_a}(r) Y_LM is f^k × polynomial in x,
 *   i.e. f × polynomial of higher degree, which the same P_n span exactly: it is projected onto P_1..P_N
 *   (least squares on Chebyshev nodes; the residual is measured and reported, ~1e−14 relative);
 * - products are expanded, real harmonics turned into complex ones, identical A-products merged and the
 *   invariant's complex coefficients checked to be real (they are for Σl even), ms and −ms merged (Re of a
 *   product and of its conjugate agree).
 * A core repulsion (spec.coreRepulsion, src/ace/core-repulsion.ts) is written as ACE.jl's `polypairpot` (zero
 * polynomial) with the repulsive core `reppot` {ri, e0 = −B, A = −1, B}, the form ML-PACE evaluates for ACE.jl.base
 * radials, and its density switch as the embedding's rho_core_cutoff / drho_core_cutoff.
 * Models with the Agnesi radial (the default) have no exact ML-PACE form: exportYace refuses them with a message
 * (refit with the 'acejl' radial).
 */
import { Document, isMap, isSeq, Scalar, YAMLMap } from 'yaml';
import type { AceBasis } from '../ace/basis';
import { RadialBasis } from '../ace/radial';
import { lmIndex } from '../ace/harmonics';
import { rhoCoreCutoffOf, type CoreRepulsionSpec } from '../ace/core-repulsion';

export class ExportError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'ExportError';
    }
}

export interface ExportableModel {
  basis: AceBasis;
  coefficients: Float64Array | number[];
  e0: number;
}

export interface YaceExportReport {
  /** functions per rank (ML-PACE C-tilde functions) and their m-combinations */
  functionsByRank: Record<number, number>;
  msCombsByRank: Record<number, number>;
  /** maximal radial index written (maxn of the ACE.jl.base radial) */
  maxn: number;
  lmax: number;
  /** largest relative residual of a same-neighbour radial product projected onto P_1..P_maxn (0 for standard bases) */
  radialProjectionResidual: number;
  /** largest |imaginary part| of a complex c-tilde dropped, relative to the largest |c-tilde| */
  imaginaryResidual: number;
  /** the core repulsion written (polypairpot + reppot), null when the model has none */
  coreRepulsion: CoreRepulsionSpec | null;
}

interface Factor { n: number; l: number; m: number }
type Term = { coef: number; factors: Factor[] };

const SQRT4PI = Math.sqrt(4 * Math.PI);

/** Least-squares projection of g(r) onto the acejl radial functions P_1..P_N of `ex` (returns N coefficients). */
function projectRadial(ex: RadialBasis, N: number, g: (r: number, R: Float64Array) => number): { coef: Float64Array; residual: number } {
    // Chebyshev nodes in t ∈ [−1, 1] (t linear in x between x(r_cut) and x(r_in)), mapped back to r
    const M = 2 * N + 8;
    const rs: number[] = [];
    const xr = ex.xr, xl = ex.xl;
    for (let i = 0; i < M; i++) {
        const t = Math.cos((Math.PI * (i + 0.5)) / M);
        const x = xl + ((t + 1) / 2) * (xr - xl);
        // x = ((1 + r0)/(1 + r))^p  ⇒  r = (1 + r0) x^(−1/p) − 1
        rs.push((1 + ex.r0) * Math.pow(x, -1 / ex.p) - 1);
    }
    const R = new Float64Array(ex.nmax), dR = new Float64Array(ex.nmax), tmp = new Float64Array(2);
    // rows scaled by 1/f(x) so the problem is polynomial fitting in the Legendre basis (well conditioned)
    const Amat: number[][] = [], b: number[] = [];
    for (const r of rs) {
        ex.evaluate(r, R, dR, tmp);
        const fscale = Math.abs(R[0]) > 0 ? 1 / R[0] : 1;
        Amat.push(Array.from(R.subarray(0, N), (v) => v * fscale));
        b.push(g(r, R) * fscale);
    }
    const coef = lstsq(Amat, b);
    // residual on a fine grid in r
    let res = 0, scale = 0;
    for (let i = 0; i <= 400; i++) {
        const r = ex.rin + ((ex.rcut - ex.rin) * i) / 400;
        if (r >= ex.rcut) continue;
        ex.evaluate(r, R, dR, tmp);
        const v = g(r, R);
        let s = 0;
        for (let n = 0; n < N; n++) s += coef[n] * R[n];
        res = Math.max(res, Math.abs(s - v));
        scale = Math.max(scale, Math.abs(v));
    }
    return { coef, residual: scale > 0 ? res / scale : res };
}

/** Least squares by Householder QR (small dense problems). */
function lstsq(A: number[][], b: number[]): Float64Array {
    const m = A.length, n = A[0].length;
    const Q = A.map((row) => row.slice());
    const y = b.slice();
    for (let k = 0; k < n; k++) {
        let nrm = 0;
        for (let i = k; i < m; i++) nrm += Q[i][k] * Q[i][k];
        nrm = Math.sqrt(nrm);
        if (nrm === 0) continue;
        const alpha = Q[k][k] > 0 ? -nrm : nrm;
        const v = new Float64Array(m);
        for (let i = k; i < m; i++) v[i] = Q[i][k];
        v[k] -= alpha;
        let vn = 0;
        for (let i = k; i < m; i++) vn += v[i] * v[i];
        if (vn === 0) continue;
        for (let j = k; j < n; j++) {
            let s = 0;
            for (let i = k; i < m; i++) s += v[i] * Q[i][j];
            s = (2 * s) / vn;
            for (let i = k; i < m; i++) Q[i][j] -= s * v[i];
        }
        let s = 0;
        for (let i = k; i < m; i++) s += v[i] * y[i];
        s = (2 * s) / vn;
        for (let i = k; i < m; i++) y[i] -= s * v[i];
    }
    const x = new Float64Array(n);
    for (let k = n - 1; k >= 0; k--) {
        let s = y[k];
        for (let j = k + 1; j < n; j++) s -= Q[k][j] * x[j];
        x[k] = s / Q[k][k];
    }
    return x;
}

/** U_{mμ} of Y^real_m = Σ_μ U_mμ Y^complex_μ (as coupling.ts), as [μ, re, im] entries. */
function uEntries(m: number): [number, number, number][] {
    const s = Math.SQRT1_2;
    if (m === 0) return [[0, 1, 0]];
    const k = Math.abs(m), sign = k % 2 === 0 ? 1 : -1;
    if (m > 0) return [[k, sign * s, 0], [-k, s, 0]];
    return [[k, 0, -sign * s], [-k, 0, s]];
}

/**
 * The model as C-tilde data: E0, ACE.jl.base radial parameters and the functions (rank, ns, ls, ms_combs,
 * ctildes). Throws ExportError for a model that cannot be written exactly.
 */
export function buildCTilde(model: ExportableModel) {
    const { basis, e0 } = model;
    const c = model.coefficients;
    const spec = basis.spec;
    if (!spec.radial || spec.radial.kind !== 'acejl') {
        throw new ExportError(
            "the model's radial basis is 'agnesi' (Legendre in the Agnesi transform), which ML-PACE cannot represent exactly; refit it with the exportable radial (spec.radial = {kind: 'acejl', p: 2, pl: 2, pr: 0})",
        );
    }
    const oneN = basis.oneN, oneLM = basis.oneLM;
    const lOf = new Int32Array(basis.nOne), mOf = new Int32Array(basis.nOne);
    for (let a = 0; a < basis.nOne; a++) {
        const lm = oneLM[a];
        const l = Math.floor(Math.sqrt(lm));
        lOf[a] = l; mOf[a] = lm - (l * l + l);
        if (lmIndex(l, mOf[a]) !== lm) throw new Error('internal: lm index');
    }
    const Y00 = 1 / SQRT4PI;
    // ---- G_g as linear combinations of real A's (coef, n 1-based, l, m) ----
    let maxn = basis.radial.nmax;
    let residual = 0;
    const gExp: Term[][] = [];
    // first pass: the highest radial degree any product needs
    const pl = basis.radial.pl, pr = basis.radial.pr;
    for (let g = 0; g < basis.nG; g++) {
        const members = Array.from(basis.gOne.subarray(basis.gStart[g], basis.gStart[g + 1]));
        if (members.length > 1) {
            const deg = members.reduce((s, a) => s + oneN[a], 0) + (members.length - 1) * (pl + pr);
            maxn = Math.max(maxn, deg + 1);
        }
    }
    const radial = spec.radial;
    const ex = new RadialBasis(maxn, spec.rcut, spec.rin, spec.r0, radial);
    for (let g = 0; g < basis.nG; g++) {
        const members = Array.from(basis.gOne.subarray(basis.gStart[g], basis.gStart[g + 1]));
        if (members.length === 1) {
            const a = members[0];
            gExp.push([{ coef: 1, factors: [{ n: oneN[a] + 1, l: lOf[a], m: mOf[a] }] }]);
            continue;
        }
        const angular = members.filter((a) => lOf[a] > 0);
        if (angular.length > 1) throw new ExportError(`internal: same-neighbour product with ${angular.length} angular factors`);
        const chosen = angular.length === 1 ? angular[0] : members[0];
        const pref = Y00 ** (members.length - 1);
        const deg = members.reduce((s, a) => s + oneN[a], 0) + (members.length - 1) * (pl + pr);
        const N = deg + 1;
        const { coef, residual: res } = projectRadial(ex, N, (_r, R) => members.reduce((p, a) => p * R[oneN[a]], 1));
        residual = Math.max(residual, res);
        const terms: Term[] = [];
        for (let n = 0; n < N; n++) if (coef[n] !== 0) terms.push({ coef: pref * coef[n], factors: [{ n: n + 1, l: lOf[chosen], m: mOf[chosen] }] });
        gExp.push(terms);
    }
    // ---- expand Σ_k c_k Σ_q D_kq Π_g G_g into complex A-products ----
    const acc = new Map<string, { re: number; im: number; factors: [number, number, number][] }>();
    const key = (f: [number, number, number][]) => f.map((x) => x.join(',')).join(';');
    for (let k = 0; k < basis.size; k++) {
        const ck = c[k];
        if (ck === 0) continue;
        for (let p = basis.dStart[k]; p < basis.dStart[k + 1]; p++) {
            const w = ck * basis.dCoef[p];
            const q = basis.dMono[p];
            const gs = Array.from(basis.monoG.subarray(basis.monoStart[q], basis.monoStart[q + 1]));
            const rank = gs.length;
            const norm = w / SQRT4PI ** rank;
            // product over G's of sums of real factors, then real → complex per factor
            const facs: Factor[] = new Array(rank);
            const rec = (t: number, cf: number) => {
                if (t === rank) {
                    // complex expansion
                    const cur: [number, number, number][] = new Array(rank);
                    const recC = (s: number, re: number, im: number) => {
                        if (s === rank) {
                            const sorted = cur.slice().sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
                            let msum = 0;
                            for (const f of sorted) msum += f[2];
                            if (msum !== 0) return; // cancels over the invariant (checked below through the imaginary parts)
                            const kk = key(sorted);
                            let e = acc.get(kk);
                            if (!e) { e = { re: 0, im: 0, factors: sorted }; acc.set(kk, e); }
                            e.re += re; e.im += im;
                            return;
                        }
                        const f = facs[s];
                        for (const [mu, ur, ui] of uEntries(f.m)) {
                            cur[s] = [f.n, f.l, mu];
                            recC(s + 1, re * ur - im * ui, re * ui + im * ur);
                        }
                    };
                    recC(0, norm * cf, 0);
                    return;
                }
                for (const term of gExp[gs[t]]) {
                    facs[t] = term.factors[0];
                    rec(t + 1, cf * term.coef);
                }
            };
            rec(0, 1);
        }
    }
    // ---- group into C-tilde functions ----
    let cmax = 0;
    for (const e of acc.values()) cmax = Math.max(cmax, Math.abs(e.re), Math.abs(e.im));
    let imag = 0;
    const groups = new Map<string, { ns: number[]; ls: number[]; ms: number[][]; ct: number[] }>();
    const done = new Set<string>();
    for (const [kk, e] of acc) {
        if (done.has(kk)) continue;
        done.add(kk);
        const neg = e.factors.map(([n, l, m]) => [n, l, -m] as [number, number, number]).sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
        const nk = key(neg);
        let re = e.re, im = e.im;
        if (nk !== kk) {
            const o = acc.get(nk);
            if (o) { re += o.re; im -= o.im; done.add(nk); }
            // Re(c Π A_{−ms}) = Re(c Π A_ms) for real c: the pair is written once
        }
        imag = Math.max(imag, Math.abs(im));
        if (Math.abs(re) <= 1e-15 * cmax) continue;
        const ns = e.factors.map((f) => f[0]), ls = e.factors.map((f) => f[1]);
        const gk = `${ns.join(',')}|${ls.join(',')}`;
        let grp = groups.get(gk);
        if (!grp) { grp = { ns, ls, ms: [], ct: [] }; groups.set(gk, grp); }
        grp.ms.push(e.factors.map((f) => f[2]));
        grp.ct.push(re);
    }
    const imagRel = cmax > 0 ? imag / cmax : 0;
    if (imagRel > 1e-9) throw new ExportError(`internal: complex c-tilde with imaginary part ${imagRel.toExponential(2)} (relative); not representable`);
    const functions = [...groups.values()].sort((a, b) => a.ns.length - b.ns.length || cmpArr(a.ls, b.ls) || cmpArr(a.ns, b.ns));
    let lmax = 0;
    const functionsByRank: Record<number, number> = {}, msCombsByRank: Record<number, number> = {};
    for (const f of functions) {
        for (const l of f.ls) lmax = Math.max(lmax, l);
        const r = f.ns.length;
        functionsByRank[r] = (functionsByRank[r] ?? 0) + 1;
        msCombsByRank[r] = (msCombsByRank[r] ?? 0) + f.ms.length;
        if (f.ms.length > 32767) throw new ExportError(`a C-tilde function has ${f.ms.length} m-combinations, more than ML-PACE's limit 32767`);
    }
    const report: YaceExportReport = { functionsByRank, msCombsByRank, maxn, lmax, radialProjectionResidual: residual, imaginaryResidual: imagRel, coreRepulsion: spec.coreRepulsion ?? null };
    return { e0, ex, functions, lmax, report };
}

function cmpArr(a: number[], b: number[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
}

/** A YAML float node that always prints as a float (1 → 1.0), so yaml-cpp and readers see the intended type. */
function float(v: number): Scalar {
    const s = new Scalar(v);
    s.format = undefined;
    (s as Scalar & { minFractionDigits?: number }).minFractionDigits = 1;
    return s;
}

/** The .yace text of a model (throws ExportError when it cannot be written exactly). */
export function exportYace(model: ExportableModel): { text: string; report: YaceExportReport } {
    const { e0, ex, functions, lmax, report } = buildCTilde(model);
    const spec = model.basis.spec;
    const doc = new Document({}) as Document<YAMLMap>;
    const flow = <T>(v: T) => { const n = doc.createNode(v); if (isSeq(n) || isMap(n)) n.flow = true; return n; };
    const floats = (a: ArrayLike<number>) => { const n = doc.createNode(Array.from(a, (v) => float(v))); if (isSeq(n)) n.flow = true; return n; };
    const root = doc.contents!;
    root.set('elements', flow(['C']));
    root.set('E0', floats([e0]));
    root.set('deltaSplineBins', float(0.001));
    root.set('lmax', lmax);
    const emb = doc.createNode({});
    const core = spec.coreRepulsion;
    const { rhoCut, drhoCut } = rhoCoreCutoffOf(core);
    const emb0 = doc.createNode({ ndensity: 1, npoti: 'FinnisSinclairShiftedScaled', rho_core_cutoff: float(rhoCut), drho_core_cutoff: float(drhoCut) }) as YAMLMap;
    emb0.set('FS_parameters', floats([1, 1]));
    (emb as YAMLMap).set(doc.createNode(0), emb0);
    root.set('embeddings', emb);
    const bond = doc.createNode({
        radbasename: 'ACE.jl.base',
        rcut: float(spec.rcut),
        r0: float(ex.r0),
        p: ex.p,
        xl: float(ex.xl),
        xr: float(ex.xr),
        pl: ex.pl,
        pr: ex.pr,
        maxn: ex.nmax,
    }) as YAMLMap;
    const rc = doc.createNode({}) as YAMLMap;
    rc.set('A', floats(ex.recA));
    rc.set('B', floats(ex.recB));
    rc.set('C', floats(ex.recC));
    bond.set('recursion_coefficients', rc);
    const bonds = doc.createNode({}) as YAMLMap;
    bonds.set(flow([0, 0]), bond);
    root.set('bonds', bonds);
    if (core) {
        // ACE.jl's pair potential with a zero polynomial (on the bond's own basis) and the repulsive core
        // e0 + B e^(−A(r/r_i − 1)) r_i/r below r_i with e0 = −B, A = −1: exactly core-repulsion.ts' V(r)
        if (ex.nmax < 2) throw new ExportError('the core repulsion needs a radial basis of at least 2 functions (ML-PACE\'s pair basis)');
        const pair = doc.createNode({ rcut: float(spec.rcut), r0: float(ex.r0), p: ex.p, xl: float(ex.xl), xr: float(ex.xr), pl: ex.pl, pr: ex.pr, maxn: ex.nmax }) as YAMLMap;
        const prc = doc.createNode({}) as YAMLMap;
        prc.set('A', floats(ex.recA));
        prc.set('B', floats(ex.recB));
        prc.set('C', floats(ex.recC));
        pair.set('recursion_coefficients', prc);
        const pc = doc.createNode({}) as YAMLMap;
        pc.set(flow([0, 0]), floats(new Float64Array(ex.nmax)));
        pair.set('coefficients', pc);
        root.set('polypairpot', pair);
        const rep = doc.createNode({}) as YAMLMap;
        rep.set(flow([0, 0]), flow({ ri: float(core.rInner), e0: float(-core.strength), A: float(-1), B: float(core.strength) }));
        const reppot = doc.createNode({}) as YAMLMap;
        reppot.set('coefficients', rep);
        root.set('reppot', reppot);
    }
    const fns = functions.map((f) => {
        const n = doc.createNode({ mu0: 0, rank: f.ns.length, ndensity: 1, num_ms_combs: f.ms.length }) as YAMLMap;
        n.flow = true;
        n.set('mus', flow(f.ns.map(() => 0)));
        n.set('ns', flow(f.ns));
        n.set('ls', flow(f.ls));
        n.set('ms_combs', flow(f.ms.flat()));
        n.set('ctildes', floats(f.ct));
        return n;
    });
    const fmap = doc.createNode({}) as YAMLMap;
    fmap.set(doc.createNode(0), doc.createNode(fns));
    root.set('functions', fmap);
    const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
    return { text, report };
}
