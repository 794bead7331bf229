/**
 * ML-PACE C-tilde potentials (.yace) read into acelens: parser with one-line errors naming the field, and an
 * evaluator that computes what ML-PACE computes (energies, per-atom energies, forces, virials).
 *
 * Supported (single species C): radial kinds `ACE.jl.base` (analytic, as SHIPsRadPolyBasis) and ML-PACE's
 * own `ChebExpCos`, `ChebPow`, `SBessel` with radial coefficients (R_nl = Σ_k crad_nlk g_k), tabulated by
 * ML-PACE's cubic Hermite splines (SplineInterpolator, knots every deltaSplineBins Å) exactly as ML-PACE does,
 * so energies agree with ML-PACE to round-off rather than to spline accuracy; embeddings `FinnisSinclair`
 * and `FinnisSinclairShiftedScaled` with any ndensity; the pacemaker core repulsion (inner_cutoff_type
 * `density` or `distance`, pre·exp(−λr²)/r with cosine envelope); with `ACE.jl.base`, ACE.jl's pair potential
 * (`polypairpot`, polynomial on its own SHIPs basis) with the repulsive core `reppot` (e0 + B e^(−A(r/r_i − 1)) r_i/r
 * at r ≤ r_i), halved per site, as SHIPsRadialFunctions::evaluate_pair (what acelens' core repulsion exports to).
 * ZBL inner cutoffs are refused with a message.
 *
 * Per atom: A1_n = Σ_j g_n(r_ij), A_nlm = Σ_j R_nl(r_ij) Y^P_lm(r̂_ij) (Y^P = √(4π) × Condon–Shortley complex
 * harmonics), ρ_p = Σ c̃_p A1 + Σ Re(c̃_p Π A), E_i = E0 + Σ_p w_p F(ρ_p; m_p)·f_cut(ρ_core) + ρ_core.
 * Body-order decomposition is defined only for a linear embedding (ndensity 1, F(ρ) = ρ): then the rank-r
 * terms are the body-order K = r + 1 part.
 */
import { parse as parseYaml } from 'yaml';
import { SphericalHarmonics, lmIndex } from '../ace/harmonics';
import type { Frame } from '../structure/frame';
import { assertSupportedSpecies } from '../structure/frame';
import { buildNeighbourList, type NeighbourList } from '../structure/neighbours';

export class PaceFormatError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'PaceFormatError';
    }
}

type RadialKind = 'ACE.jl.base' | 'ChebExpCos' | 'ChebPow' | 'SBessel';

export interface PaceFunction {
  rank: number;
  ns: Int32Array;
  ls: Int32Array;
  ms: Int32Array; // num × rank
  num: number;
  ctildes: Float64Array; // num × ndensity
}

export interface PacePotential {
  elements: string[];
  e0: number;
  rcut: number;
  lmax: number;
  ndensity: number;
  npoti: 'FinnisSinclair' | 'FinnisSinclairShiftedScaled';
  fsParameters: number[];
  rhoCoreCutoff: number;
  drhoCoreCutoff: number;
  radbasename: RadialKind;
  nradbase: number;
  nradmax: number;
  rankmax: number;
  /** true when F(ρ) = ρ with one density: energies split by body order */
  linear: boolean;
  rank1: PaceFunction[];
  functions: PaceFunction[];
  radial: PaceRadial;
}

// ---------------------------------------------------------------- YAML helpers

function get(o: unknown, key: string, where: string): unknown {
    if (!(o instanceof Map)) throw new PaceFormatError(`${where}: expected a mapping`);
    if (!o.has(key)) throw new PaceFormatError(`${where}${where ? '.' : ''}${key}: missing`);
    return o.get(key);
}
function fnum(o: unknown, key: string, where: string): number {
    const v = get(o, key, where);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PaceFormatError(`${where}.${key}: expected a number, got ${JSON.stringify(v)}`);
    return v;
}
function fint(o: unknown, key: string, where: string, min = 0): number {
    const v = fnum(o, key, where);
    if (!Number.isInteger(v) || v < min) throw new PaceFormatError(`${where}.${key}: expected an integer ≥ ${min}, got ${v}`);
    return v;
}
function nums(v: unknown, where: string, ints = false): number[] {
    if (!Array.isArray(v)) throw new PaceFormatError(`${where}: expected a list of numbers`);
    for (const x of v) {
        if (typeof x !== 'number' || !Number.isFinite(x) || (ints && !Number.isInteger(x))) throw new PaceFormatError(`${where}: expected ${ints ? 'integers' : 'numbers'}, got ${JSON.stringify(x)}`);
    }
    return v as number[];
}
function single(m: unknown, where: string): unknown {
    if (!(m instanceof Map) || m.size !== 1) throw new PaceFormatError(`${where}: expected exactly one entry (single species C)`);
    return [...m.entries()][0];
}

/** Parses a .yace file's text. Errors: "FILE: field: what was expected". */
export function parseYace(text: string, fileName = 'potential'): PacePotential {
    try {
        return parseYaceInner(text);
    } catch (err) {
        const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
        if (err instanceof PaceFormatError) throw new PaceFormatError(`${fileName}: ${msg}`);
        throw new PaceFormatError(`${fileName}: not a valid YAML potential file (${msg})`);
    }
}

function parseYaceInner(text: string): PacePotential {
    const root = parseYaml(text, { mapAsMap: true, uniqueKeys: false, maxAliasCount: 100 });
    if (!(root instanceof Map)) throw new PaceFormatError('expected a YAML mapping at the top level (an ML-PACE .yace C-tilde file)');
    if (root.has('species') && !root.has('functions')) throw new PaceFormatError('this is a pacemaker B-basis YAML (`species`), not a C-tilde .yace: convert it with pace_yaml2yace or ML-PACE first');
    const elements = get(root, 'elements', '') as unknown;
    if (!Array.isArray(elements) || elements.length !== 1 || elements[0] !== 'C') {
        throw new PaceFormatError(`elements: acelens reads single-species carbon potentials only (elements [C]), got ${JSON.stringify(elements)}`);
    }
    const e0s = nums(get(root, 'E0', ''), 'E0');
    if (e0s.length !== 1) throw new PaceFormatError(`E0: expected one value, got ${e0s.length}`);
    const [ekey, emb] = single(get(root, 'embeddings', ''), 'embeddings') as [unknown, unknown];
    if (ekey !== 0) throw new PaceFormatError(`embeddings: expected the key 0, got ${JSON.stringify(ekey)}`);
    const ndensity = fint(emb, 'ndensity', 'embeddings.0', 1);
    const npoti = get(emb, 'npoti', 'embeddings.0');
    if (npoti !== 'FinnisSinclair' && npoti !== 'FinnisSinclairShiftedScaled') {
        throw new PaceFormatError(`embeddings.0.npoti: expected FinnisSinclair or FinnisSinclairShiftedScaled, got ${JSON.stringify(npoti)}`);
    }
    const fs = nums(get(emb, 'FS_parameters', 'embeddings.0'), 'embeddings.0.FS_parameters');
    if (fs.length !== 2 * ndensity) throw new PaceFormatError(`embeddings.0.FS_parameters: expected 2 × ndensity = ${2 * ndensity} numbers, got ${fs.length}`);
    const rhoCoreCutoff = fnum(emb, 'rho_core_cutoff', 'embeddings.0');
    const drhoCoreCutoff = fnum(emb, 'drho_core_cutoff', 'embeddings.0');
    const [bkey, bond] = single(get(root, 'bonds', ''), 'bonds') as [unknown, unknown];
    if (!Array.isArray(bkey) || bkey.length !== 2 || bkey[0] !== 0 || bkey[1] !== 0) throw new PaceFormatError(`bonds: expected the key [0, 0], got ${JSON.stringify(bkey)}`);
    const radbasename = get(bond, 'radbasename', 'bonds.[0, 0]');
    const W = 'bonds.[0, 0]';
    // ---- functions ----
    const [fkey, flist] = single(get(root, 'functions', ''), 'functions') as [unknown, unknown];
    if (fkey !== 0) throw new PaceFormatError(`functions: expected the key 0, got ${JSON.stringify(fkey)}`);
    if (!Array.isArray(flist)) throw new PaceFormatError('functions.0: expected a list of functions');
    const rank1: PaceFunction[] = [], functions: PaceFunction[] = [];
    let maxNs = 0, maxNs1 = 0, maxL = 0, rankmax = 0;
    flist.forEach((f, k) => {
        const w = `functions.0[${k}]`;
        const rank = fint(f, 'rank', w, 1);
        const fnd = fint(f, 'ndensity', w, 1);
        if (fnd !== ndensity) throw new PaceFormatError(`${w}.ndensity: ${fnd} differs from the embedding's ndensity ${ndensity}`);
        const num = fint(f, 'num_ms_combs', w, 0); // ML-PACE writes functions whose m-sum vanished with 0
        const mus = nums(get(f, 'mus', w), `${w}.mus`, true);
        if (mus.length !== rank || mus.some((m) => m !== 0)) throw new PaceFormatError(`${w}.mus: expected ${rank} zeros (single species), got ${JSON.stringify(mus)}`);
        const ns = nums(get(f, 'ns', w), `${w}.ns`, true), ls = nums(get(f, 'ls', w), `${w}.ls`, true);
        if (ns.length !== rank || ls.length !== rank) throw new PaceFormatError(`${w}: ns and ls must have rank = ${rank} entries`);
        if (ns.some((n) => n < 1)) throw new PaceFormatError(`${w}.ns: radial indices start at 1, got ${JSON.stringify(ns)}`);
        const ms = nums(get(f, 'ms_combs', w), `${w}.ms_combs`, true);
        if (ms.length !== rank * num) throw new PaceFormatError(`${w}.ms_combs: expected rank × num_ms_combs = ${rank * num} integers, got ${ms.length}`);
        for (let q = 0; q < ms.length; q++) if (Math.abs(ms[q]) > ls[q % rank]) throw new PaceFormatError(`${w}.ms_combs: |m| = ${Math.abs(ms[q])} exceeds l = ${ls[q % rank]}`);
        const ct = nums(get(f, 'ctildes', w), `${w}.ctildes`);
        if (ct.length !== ndensity * num) throw new PaceFormatError(`${w}.ctildes: expected num_ms_combs × ndensity = ${ndensity * num} numbers, got ${ct.length}`);
        const pf: PaceFunction = { rank, ns: Int32Array.from(ns), ls: Int32Array.from(ls), ms: Int32Array.from(ms), num, ctildes: Float64Array.from(ct) };
        rankmax = Math.max(rankmax, rank);
        if (rank === 1) { rank1.push(pf); maxNs1 = Math.max(maxNs1, ns[0]); } else { functions.push(pf); for (let t = 0; t < rank; t++) { maxNs = Math.max(maxNs, ns[t]); maxL = Math.max(maxL, ls[t]); } }
    });
    let radial: PaceRadial, rcut: number, nradbase: number, nradmax: number, lmax: number;
    if (radbasename === 'ACE.jl.base' || (typeof radbasename === 'string' && radbasename.startsWith('ACE.jl'))) {
        lmax = root.has('lmax') ? fint(root, 'lmax', '', 0) : maxL;
        const rc = get(bond, 'recursion_coefficients', W);
        const maxn = fint(bond, 'maxn', W, 1);
        const A = nums(get(rc, 'A', `${W}.recursion_coefficients`), `${W}.recursion_coefficients.A`);
        const B = nums(get(rc, 'B', `${W}.recursion_coefficients`), `${W}.recursion_coefficients.B`);
        const C = nums(get(rc, 'C', `${W}.recursion_coefficients`), `${W}.recursion_coefficients.C`);
        if (A.length !== maxn || B.length !== maxn || C.length !== maxn) throw new PaceFormatError(`${W}.recursion_coefficients: A, B, C must have maxn = ${maxn} entries`);
        rcut = fnum(bond, 'rcut', W);
        const ships = new ShipsRadial(fnum(bond, 'r0', W), fint(bond, 'p', W, 0), rcut, fnum(bond, 'xl', W), fnum(bond, 'xr', W), fint(bond, 'pl', W, 0), fint(bond, 'pr', W, 0), A, B, C);
        if (root.has('polypairpot')) {
            ships.pair = parsePolyPairPot(root);
            rcut = Math.max(rcut, ships.pair.basis.rcut);
        }
        radial = ships;
        nradbase = maxn; nradmax = maxn;
        if (maxNs > maxn || maxNs1 > maxn) throw new PaceFormatError(`functions.0: radial index ${Math.max(maxNs, maxNs1)} exceeds ${W}.maxn = ${maxn}`);
    } else if (root.has('polypairpot')) {
        throw new PaceFormatError(`polypairpot: ML-PACE reads an ACE.jl pair potential only with the ACE.jl.base radial, not ${JSON.stringify(radbasename)}`);
    } else if (radbasename === 'ChebExpCos' || radbasename === 'ChebPow' || radbasename === 'SBessel') {
        nradmax = fint(bond, 'nradmax', W, 0);
        lmax = fint(bond, 'lmax', W, 0);
        nradbase = fint(bond, 'nradbasemax', W, 1);
        const radparameters = nums(get(bond, 'radparameters', W), `${W}.radparameters`);
        const crad = get(bond, 'radcoefficients', W);
        if (!Array.isArray(crad) || crad.length < nradmax) throw new PaceFormatError(`${W}.radcoefficients: expected nradmax = ${nradmax} × (lmax + 1) × nradbasemax numbers`);
        const c = new Float64Array(nradmax * (lmax + 1) * nradbase);
        for (let n = 0; n < nradmax; n++) {
            const rowL = crad[n];
            if (!Array.isArray(rowL) || rowL.length < lmax + 1) throw new PaceFormatError(`${W}.radcoefficients[${n}]: expected lmax + 1 = ${lmax + 1} lists`);
            for (let l = 0; l <= lmax; l++) {
                const v = nums(rowL[l], `${W}.radcoefficients[${n}][${l}]`);
                if (v.length < nradbase) throw new PaceFormatError(`${W}.radcoefficients[${n}][${l}]: expected nradbasemax = ${nradbase} numbers, got ${v.length}`);
                for (let k = 0; k < nradbase; k++) c[(n * (lmax + 1) + l) * nradbase + k] = v[k];
            }
        }
        rcut = fnum(bond, 'rcut', W);
        const dcut = fnum(bond, 'dcut', W);
        const prehc = fnum(bond, 'prehc', W), lambdahc = fnum(bond, 'lambdahc', W);
        const rcutIn = bond instanceof Map && bond.has('rcut_in') ? fnum(bond, 'rcut_in', W) : 0;
        const dcutIn = bond instanceof Map && bond.has('dcut_in') ? fnum(bond, 'dcut_in', W) : 1e-5;
        const ict = bond instanceof Map && bond.has('inner_cutoff_type') ? get(bond, 'inner_cutoff_type', W) : 'density';
        if (ict !== 'density' && ict !== 'distance') throw new PaceFormatError(`${W}.inner_cutoff_type: ${JSON.stringify(ict)} is not supported by acelens (density or distance)`);
        const delta = root.has('deltaSplineBins') ? fnum(root, 'deltaSplineBins', '') : 0.001;
        if (!(delta > 0)) throw new PaceFormatError(`deltaSplineBins: must be > 0, got ${delta}`);
        if (maxNs > nradmax) throw new PaceFormatError(`functions.0: radial index ${maxNs} exceeds ${W}.nradmax = ${nradmax}`);
        if (maxNs1 > nradbase) throw new PaceFormatError(`functions.0: rank-1 radial index ${maxNs1} exceeds ${W}.nradbasemax = ${nradbase}`);
        if (maxL > lmax) throw new PaceFormatError(`functions.0: l = ${maxL} exceeds ${W}.lmax = ${lmax}`);
        radial = new SplinedRadial(radbasename, radparameters[0] ?? 0, rcut, dcut, nradbase, nradmax, lmax, c, prehc, lambdahc, rcutIn, dcutIn, ict, delta);
    } else {
        throw new PaceFormatError(`${W}.radbasename: unknown radial kind ${JSON.stringify(radbasename)} (acelens reads ACE.jl.base, ChebExpCos, ChebPow, SBessel)`);
    }
    const linear = ndensity === 1 && Math.abs(fs[1] - 1) < 1e-10 && (npoti === 'FinnisSinclairShiftedScaled' || npoti === 'FinnisSinclair');
    return {
        elements: ['C'], e0: e0s[0], rcut, lmax, ndensity, npoti, fsParameters: fs, rhoCoreCutoff, drhoCoreCutoff,
        radbasename: (typeof radbasename === 'string' && radbasename.startsWith('ACE.jl') ? 'ACE.jl.base' : radbasename) as RadialKind,
        nradbase, nradmax, rankmax, linear, rank1, functions, radial,
    };
}

// ---------------------------------------------------------------- radial functions

export interface PaceRadial {
  /** fills gr[0..nradbase), dgr, fr[n*(lmax+1)+l], dfr and returns [cr, dcr] (core repulsion) */
  evaluate(r: number, gr: Float64Array, dgr: Float64Array, fr: Float64Array, dfr: Float64Array): [number, number];
  readonly hasCore: boolean;
  /** one line describing the core repulsion (when hasCore) */
  coreDescription(): string;
}

/** ACE.jl's pair potential (`polypairpot`, with the repulsive core `reppot` below r_i), as SHIPsRadialFunctions::evaluate_pair. */
interface ShipsPair {
  basis: ShipsRadial;
  coeffs: number[];
  ri: number;
  e0: number;
  A: number;
  B: number;
  P: Float64Array;
  dP: Float64Array;
}

function shipsBasisFrom(node: unknown, W: string): ShipsRadial {
    const rc = get(node, 'recursion_coefficients', W);
    const maxn = fint(node, 'maxn', W, 2); // ML-PACE's calcP writes P(1) whatever maxn is
    const A = nums(get(rc, 'A', `${W}.recursion_coefficients`), `${W}.recursion_coefficients.A`);
    const B = nums(get(rc, 'B', `${W}.recursion_coefficients`), `${W}.recursion_coefficients.B`);
    const C = nums(get(rc, 'C', `${W}.recursion_coefficients`), `${W}.recursion_coefficients.C`);
    if (A.length !== maxn || B.length !== maxn || C.length !== maxn) throw new PaceFormatError(`${W}.recursion_coefficients: A, B, C must have maxn = ${maxn} entries`);
    return new ShipsRadial(fnum(node, 'r0', W), fint(node, 'p', W, 0), fnum(node, 'rcut', W), fnum(node, 'xl', W), fnum(node, 'xr', W), fint(node, 'pl', W, 0), fint(node, 'pr', W, 0), A, B, C);
}

function parsePolyPairPot(root: Map<unknown, unknown>): ShipsPair {
    const W = 'polypairpot';
    const node = root.get(W);
    const basis = shipsBasisFrom(node, W);
    const maxn = basis.A.length;
    const [ckey, coeffs] = single(get(node, 'coefficients', W), `${W}.coefficients`) as [unknown, unknown];
    if (!Array.isArray(ckey) || ckey.length !== 2 || ckey[0] !== 0 || ckey[1] !== 0) throw new PaceFormatError(`${W}.coefficients: expected the key [0, 0], got ${JSON.stringify(ckey)}`);
    const c = nums(coeffs, `${W}.coefficients.[0, 0]`);
    if (c.length < maxn) throw new PaceFormatError(`${W}.coefficients.[0, 0]: expected maxn = ${maxn} numbers, got ${c.length}`);
    let ri = 0, e0 = 0, A = 0, B = 0;
    const rep = root.get('reppot');
    if (rep instanceof Map && rep.has('coefficients')) {
        const [rkey, rc] = single(rep.get('coefficients'), 'reppot.coefficients') as [unknown, unknown];
        if (!Array.isArray(rkey) || rkey.length !== 2 || rkey[0] !== 0 || rkey[1] !== 0) throw new PaceFormatError(`reppot.coefficients: expected the key [0, 0], got ${JSON.stringify(rkey)}`);
        const w = 'reppot.coefficients.[0, 0]';
        ri = fnum(rc, 'ri', w); e0 = fnum(rc, 'e0', w); A = fnum(rc, 'A', w); B = fnum(rc, 'B', w);
        if (!(ri > 0)) throw new PaceFormatError(`${w}.ri: expected > 0 Å, got ${ri}`);
    }
    return { basis, coeffs: c.slice(0, maxn), ri, e0, A, B, P: new Float64Array(maxn), dP: new Float64Array(maxn) };
}

const EMPTY = new Float64Array(0);

/** ML-PACE's SHIPsRadPolyBasis (ACE.jl.base): R_nl = g_n = P_n for every l; with `pair`, the ACE.jl pair potential as the core term. */
class ShipsRadial implements PaceRadial {
    get hasCore(): boolean { return this.pair !== null; }
    coreDescription(): string {
        const q = this.pair;
        if (!q) return 'none';
        const poly = q.coeffs.some((c) => c !== 0) ? `ACE.jl pair polynomial (${q.coeffs.length} terms)` : 'zero pair polynomial';
        return q.ri > 0 ? `${poly}, repulsive core e0 + B·e^(−A(r/r_i − 1))·r_i/r below r_i = ${q.ri} Å (e0 = ${q.e0}, A = ${q.A}, B = ${q.B} eV)` : poly;
    }
    pair: ShipsPair | null = null;
    lmax = 0;
    constructor(readonly r0: number, readonly p: number, readonly rcut: number, readonly xl: number, readonly xr: number, readonly pl: number, readonly pr: number,
    readonly A: number[], readonly B: number[], readonly C: number[]) {}
    evaluate(r: number, gr: Float64Array, dgr: Float64Array, fr: Float64Array, dfr: Float64Array): [number, number] {
        const { r0, p, xl, xr, pl, pr, A, B, C } = this;
        const x = Math.pow((1 + r0) / (1 + r), p);
        const dx = (-p * Math.pow((1 + r) / (1 + r0), -p - 1)) / (1 + r0);
        let f: number, df: number;
        if ((x < xl && pl > 0) || (x > xr && pr > 0)) { f = 0; df = 0; } else {
            f = Math.pow(x - xl, pl) * Math.pow(x - xr, pr);
            df = pl * Math.pow(x - xl, pl - 1) * Math.pow(x - xr, pr) + Math.pow(x - xl, pl) * pr * Math.pow(x - xr, pr - 1);
        }
        const n = gr.length;
        gr[0] = A[0] * f;
        dgr[0] = A[0] * df * dx;
        if (n > 1) { gr[1] = (A[1] * x + B[1]) * gr[0]; dgr[1] = A[1] * dx * gr[0] + (A[1] * x + B[1]) * dgr[0]; }
        for (let k = 2; k < n; k++) {
            gr[k] = (A[k] * x + B[k]) * gr[k - 1] + C[k] * gr[k - 2];
            dgr[k] = A[k] * dx * gr[k - 1] + (A[k] * x + B[k]) * dgr[k - 1] + C[k] * dgr[k - 2];
        }
        const L = this.lmax + 1;
        for (let k = 0; k * L < fr.length && k < n; k++) for (let l = 0; l < L; l++) { fr[k * L + l] = gr[k]; dfr[k * L + l] = dgr[k]; }
        return this.pair ? this.pairTerm(r, this.pair) : [0, 0];
    }
    /** ½ V(r), ½ V'(r): the outer polynomial above r_i, e0 + B e^(−A(r/r_i − 1)) r_i/r at and below it (ML-PACE halves it per site) */
    private pairTerm(r: number, q: ShipsPair): [number, number] {
        let cr = 0, dcr = 0;
        if (r > q.ri) {
            q.basis.evaluate(r, q.P, q.dP, EMPTY, EMPTY);
            for (let n = 0; n < q.coeffs.length; n++) { cr += q.coeffs[n] * q.P[n]; dcr += q.coeffs[n] * q.dP[n]; }
        } else {
            const ex = Math.exp(-q.A * (r / q.ri - 1));
            cr = q.e0 + q.B * ex * (q.ri / r);
            dcr = q.B * ex * q.ri * (-q.A / q.ri / r - 1 / (r * r));
        }
        return [0.5 * cr, 0.5 * dcr];
    }
}

/** ML-PACE's Hermite spline table (SplineInterpolator): knots at n·Δ, n = 1..nlut, cubic from values and slopes. */
class Spline {
    readonly nlut: number;
    readonly rscale: number;
    readonly table: Float64Array; // (nlut+1) × nf × 4
    constructor(readonly nf: number, cutoff: number, delta: number, fill: (r: number, v: Float64Array, dv: Float64Array) => void) {
        const nlut = Math.trunc(cutoff / delta);
        this.nlut = nlut;
        this.rscale = nlut / cutoff;
        const inv = 1 / this.rscale;
        this.table = new Float64Array((nlut + 1) * nf * 4);
        const v = new Float64Array(nf), dv = new Float64Array(nf);
        const f1 = new Float64Array(nf), f1d = new Float64Array(nf);
        for (let n = nlut; n >= 1; n--) {
            const r = inv * n;
            fill(r, v, dv);
            for (let k = 0; k < nf; k++) {
                const f0 = v[k], f1v = f1[k], f0d1 = dv[k] * inv, f1d1 = f1d[k];
                const o = (n * nf + k) * 4;
                this.table[o] = f0;
                this.table[o + 1] = f0d1;
                this.table[o + 2] = 3.0 * (f1v - f0) - f1d1 - 2.0 * f0d1;
                this.table[o + 3] = -2.0 * (f1v - f0) + f1d1 + f0d1;
                f1[k] = f0; f1d[k] = f0d1;
            }
        }
    }
    eval(r: number, v: Float64Array, dv: Float64Array): void {
        const x = r * this.rscale;
        const nl = Math.floor(x);
        if (nl <= 0) throw new Error(`encountered a very small distance (${r} Å), as ML-PACE does`);
        const nf = this.nf;
        if (nl < this.nlut) {
            const wl = x - nl, wl2 = wl * wl, wl3 = wl2 * wl, w2l1 = 2.0 * wl, w3l2 = 3.0 * wl2;
            for (let k = 0; k < nf; k++) {
                const o = (nl * nf + k) * 4, t = this.table;
                v[k] = t[o] + t[o + 1] * wl + t[o + 2] * wl2 + t[o + 3] * wl3;
                dv[k] = (t[o + 1] + t[o + 2] * w2l1 + t[o + 3] * w3l2) * this.rscale;
            }
        } else { v.fill(0); dv.fill(0); }
    }
}

function cutoffFuncPoly(r: number, rin: number, din: number): [number, number] {
    if (r <= rin - din) return [1, 0];
    if (r >= rin) return [0, 0];
    const x = 1 - 2 * (1 + (r - rin) / din);
    return [0.5 + (7.5 / 2) * (x / 4 - Math.pow(x, 3) / 6 + Math.pow(x, 5) / 20), (-7.5 / din) * (0.25 - (x * x) / 2.0 + Math.pow(x, 4) / 4)];
}

/** ML-PACE's ACERadialFunctions: g_k of ChebExpCos / ChebPow / SBessel, R_nl = Σ_k crad g_k, core repulsion; all splined. */
export class SplinedRadial implements PaceRadial {
    readonly hasCore: boolean;
    readonly coreDescription: () => string;
    private readonly sg: Spline;
    private readonly sr: Spline;
    private readonly sh: Spline;
    constructor(readonly kind: 'ChebExpCos' | 'ChebPow' | 'SBessel', readonly lam: number, readonly rcut: number, readonly dcut: number,
    readonly nradbase: number, readonly nradmax: number, readonly lmax: number, readonly crad: Float64Array,
    readonly prehc: number, readonly lambdahc: number, readonly rin: number, readonly din: number, readonly innerType: 'density' | 'distance', delta: number) {
        this.hasCore = prehc !== 0;
        this.coreDescription = () => (this.hasCore
            ? `pacemaker core-repulsion pre·e^(−λr²)/r·½(1 + cos(πr/r_cut)), pre = ${Math.abs(prehc)} eV·Å, λ = ${Math.abs(lambdahc)} Å⁻² (inner cutoff ${innerType}${innerType === 'distance' ? ` at ${rin} Å` : ''})`
            : 'none');
        const g = new Float64Array(nradbase), dg = new Float64Array(nradbase);
        this.sg = new Spline(nradbase, rcut, delta, (r, v, dv) => this.radbase(r, v, dv));
        const L = lmax + 1;
        this.sr = new Spline(nradmax * L, rcut, delta, (r, v, dv) => {
            this.radbase(r, g, dg);
            for (let n = 0; n < nradmax; n++) for (let l = 0; l < L; l++) {
                let s = 0, ds = 0;
                const o = (n * L + l) * nradbase;
                for (let k = 0; k < nradbase; k++) { s += crad[o + k] * g[k]; ds += crad[o + k] * dg[k]; }
                v[n * L + l] = s; dv[n * L + l] = ds;
            }
        });
        this.sh = new Spline(1, rcut, delta, (r, v, dv) => { const [c, dc] = this.radcore(r); v[0] = c; dv[0] = dc; });
    }
    private cheb = new Float64Array(0);
    private dcheb = new Float64Array(0);
    private cheb2 = new Float64Array(0);
    private calcCheb(n: number, x: number): void {
        if (this.cheb.length < n + 1) { this.cheb = new Float64Array(n + 1); this.dcheb = new Float64Array(n + 1); this.cheb2 = new Float64Array(n + 1); }
        const { cheb, dcheb, cheb2 } = this;
        const twox = 2.0 * x;
        cheb[0] = 1; dcheb[0] = 0; cheb2[0] = 1;
        if (this.nradbase >= 1) { cheb[1] = x; cheb2[1] = twox; }
        for (let m = 1; m <= n - 1; m++) { cheb[m + 1] = twox * cheb[m] - cheb[m - 1]; cheb2[m + 1] = twox * cheb2[m] - cheb2[m - 1]; }
        for (let m = 1; m <= n; m++) dcheb[m] = m * cheb2[m - 1];
    }
    /** ML-PACE's radbase: the g_k at r (analytic, before splining) */
    radbase(r: number, gr: Float64Array, dgr: Float64Array): void {
        const { lam, rcut: cut, dcut, nradbase } = this;
        const cutIn = this.rin, dcutIn = this.din;
        if (r <= cutIn - dcutIn || r >= cut) { gr.fill(0); dgr.fill(0); return; }
        if (this.kind === 'ChebExpCos') {
            const y1 = Math.exp((-lam * r) / cut), y2 = Math.exp(-lam);
            const x = 1.0 - 2.0 * ((y1 - y2) / (1 - y2));
            let dx = 2 * (lam / cut) * (y1 / (1 - y2));
            this.calcCheb(nradbase, x);
            gr[0] = this.cheb[0]; dgr[0] = this.dcheb[0] * dx;
            for (let n = 2; n <= nradbase; n++) { gr[n - 1] = 0.5 - 0.5 * this.cheb[n - 1]; dgr[n - 1] = -0.5 * this.dcheb[n - 1] * dx; }
            const env = 0.5 * (1.0 + Math.cos((Math.PI * r) / cut)), denv = -0.5 * Math.sin((Math.PI * r) / cut) * Math.PI / cut;
            for (let n = 0; n < nradbase; n++) { dgr[n] = gr[n] * denv + dgr[n] * env; gr[n] = gr[n] * env; }
            dx = cut - dcut;
            if (r > dx) {
                const fcut = 0.5 * (1.0 + Math.cos((Math.PI * (r - dx)) / dcut)), dfcut = -0.5 * Math.sin((Math.PI * (r - dx)) / dcut) * Math.PI / dcut;
                for (let n = 0; n < nradbase; n++) { dgr[n] = gr[n] * dfcut + dgr[n] * fcut; gr[n] = gr[n] * fcut; }
            }
        } else if (this.kind === 'ChebPow') {
            let y = 1.0 - r / cut;
            let dy = Math.pow(y, lam - 1.0);
            y = dy * y;
            dy = (-lam / cut) * dy;
            const x = 2.0 * (1.0 - y) - 1.0, dx = -2.0 * dy;
            this.calcCheb(nradbase, x);
            for (let n = 1; n <= nradbase; n++) { gr[n - 1] = 0.5 - 0.5 * this.cheb[n]; dgr[n - 1] = -0.5 * this.dcheb[n] * dx; }
        } else {
            const rc = cut, x = r;
            const sinc = (z: number) => (z !== 0 ? Math.sin(z) / z : 1);
            const dsinc = (z: number) => (z !== 0 ? (Math.cos(z) * z - Math.sin(z)) / (z * z) : 0);
            const pre = (n: number) => (Math.pow(-1, n) * Math.sqrt(2) * Math.PI / Math.pow(rc, 1.5)) * (n + 1) * (n + 2) / Math.sqrt((n + 1) ** 2 + (n + 2) ** 2);
            const aux = (n: number) => pre(n) * (sinc((x * (n + 1) * Math.PI) / rc) + sinc((x * (n + 2) * Math.PI) / rc));
            const daux = (n: number) => pre(n) * (dsinc((x * (n + 1) * Math.PI) / rc) * (n + 1) * Math.PI / rc + dsinc((x * (n + 2) * Math.PI) / rc) * (n + 2) * Math.PI / rc);
            gr[0] = aux(0); dgr[0] = daux(0);
            let dprev = 1.0;
            for (let n = 1; n < nradbase; n++) {
                const en = (n * n * (n + 2) * (n + 2)) / (4 * Math.pow(n + 1, 4) + 1);
                const dn = 1 - en / dprev;
                gr[n] = (1 / Math.sqrt(dn)) * (aux(n) + Math.sqrt(en / dprev) * gr[n - 1]);
                dgr[n] = (1 / Math.sqrt(dn)) * (daux(n) + Math.sqrt(en / dprev) * dgr[n - 1]);
                dprev = dn;
            }
        }
        if (this.innerType === 'distance') {
            let [fc, dfc] = cutoffFuncPoly(r, cutIn, dcutIn);
            fc = 1 - fc; dfc = -dfc;
            for (let i = 0; i < nradbase; i++) { const ng = gr[i] * fc, ndg = dgr[i] * fc + gr[i] * dfc; gr[i] = ng; dgr[i] = ndg; }
        }
    }
    private radcore(r: number): [number, number] {
        const pre = Math.abs(this.prehc), lambda = Math.abs(this.lambdahc);
        const r2 = r * r, lr2 = lambda * r2;
        let cr = 0, dcr = 0;
        if (lr2 < 50.0) {
            const y = Math.exp(-lr2);
            cr = (pre * y) / r;
            dcr = (-pre * y * (2.0 * lr2 + 1.0)) / r2;
            const x0 = r / this.rcut;
            const env = 0.5 * (1.0 + Math.cos(Math.PI * x0)), denv = -0.5 * Math.sin(Math.PI * x0) * Math.PI / this.rcut;
            dcr = cr * denv + dcr * env;
            cr = cr * env;
        }
        if (this.innerType === 'distance') {
            const [fc, dfc] = cutoffFuncPoly(r, this.rin, this.din);
            const ncr = cr * fc, ndcr = dcr * fc + cr * dfc;
            cr = ncr; dcr = ndcr;
        }
        return [cr, dcr];
    }
    private hv = new Float64Array(1);
    private hdv = new Float64Array(1);
    evaluate(r: number, gr: Float64Array, dgr: Float64Array, fr: Float64Array, dfr: Float64Array): [number, number] {
        this.sg.eval(r, gr, dgr);
        this.sr.eval(r, fr, dfr);
        this.sh.eval(r, this.hv, this.hdv);
        return [this.hv[0], this.hdv[0]];
    }
}

// ---------------------------------------------------------------- embedding

function fexp(x: number, m: number): [number, number] {
    const w = 1.0e6, eps = 1e-10;
    const lambda = Math.pow(1.0 / w, m - 1.0);
    if (Math.abs(x) > eps) {
        const a = Math.abs(x), am = Math.pow(a, m), w3x3 = Math.pow(w * a, 3);
        const sign = x < 0 || Object.is(x, -0) ? -1 : 1;
        const g = w3x3 > 30.0 ? 0.0 : Math.exp(-w3x3);
        const omg = 1.0 - g;
        const F = sign * (omg * am + lambda * g * a);
        const dg = -3.0 * w * w * w * a * a * g;
        const DF = m * Math.pow(a, m - 1.0) * omg - am * dg + lambda * dg * a + lambda * g;
        return [F, DF];
    }
    return [lambda * x, lambda];
}

function fexpShiftedScaled(rho: number, mexp: number): [number, number] {
    if (Math.abs(mexp - 1.0) < 1e-10) return [rho, 1];
    const a = Math.abs(rho), exprho = Math.exp(-a), nx = 1 / mexp;
    const xoff = Math.pow(nx, nx / (1.0 - nx)) * exprho, yoff = Math.pow(nx, 1 / (1.0 - nx)) * exprho;
    const sign = rho < 0 || Object.is(rho, -0) ? -1 : 1;
    return [sign * (Math.pow(xoff + a, mexp) - yoff), yoff + mexp * (-xoff + 1.0) * Math.pow(xoff + a, mexp - 1)];
}

// ---------------------------------------------------------------- evaluator

export interface PacePrediction {
  energy: number;
  perAtomEnergy: Float64Array;
  forces: Float64Array;
  virial: Float64Array | null;
  stress: Float64Array | null;
  /** body order K → Σ_i part (linear embedding only; empty otherwise) */
  energyByOrder: Record<number, number>;
  perAtomEnergyByOrder: Record<number, Float64Array>;
}

export class PaceEvaluator {
    private readonly sh: SphericalHarmonics;
    private readonly L: number;
    constructor(readonly pot: PacePotential) {
        this.sh = new SphericalHarmonics(Math.max(pot.lmax, 0));
        this.L = pot.lmax + 1;
        if (pot.radial instanceof ShipsRadial) pot.radial.lmax = pot.lmax;
    }

    predict(frame: Frame, opts: { forces?: boolean; neighbours?: NeighbourList } = {}): PacePrediction {
        assertSupportedSpecies(frame);
        const pot = this.pot;
        const nl = opts.neighbours ?? buildNeighbourList(frame, pot.rcut);
        const wantF = opts.forces ?? true;
        const N = frame.natoms, L = this.L, lmax = pot.lmax, nd = pot.ndensity;
        const nrb = pot.nradbase, nrm = pot.nradmax;
        const nlm = (lmax + 1) * (lmax + 1);
        const Y = new Float64Array(nlm), dY = new Float64Array(3 * nlm);
        const gr = new Float64Array(nrb), dgr = new Float64Array(nrb), fr = new Float64Array(nrm * L), dfr = new Float64Array(nrm * L);
        // complex A_nlm for all m (index n*nlm + lmIndex)
        const Are = new Float64Array(nrm * nlm), Aim = new Float64Array(nrm * nlm), A1 = new Float64Array(nrb);
        const Wre = new Float64Array(nrm * nlm), Wim = new Float64Array(nrm * nlm), W1 = new Float64Array(nrb);
        const forces = new Float64Array(wantF ? 3 * N : 0);
        const perAtom = new Float64Array(N);
        const virial = wantF && frame.cell ? new Float64Array(9) : null;
        const byOrder: Record<number, Float64Array> = {};
        if (pot.linear) for (let K = 2; K <= pot.rankmax + 1; K++) byOrder[K] = new Float64Array(N);
        const rho = new Float64Array(nd), dF = new Float64Array(nd);
        const SQ4PI = Math.sqrt(4 * Math.PI);
        // complex Y^P_lm (all m) and its gradient wrt r, from the real harmonics
        const YPre = new Float64Array(nlm), YPim = new Float64Array(nlm), dYPre = new Float64Array(3 * nlm), dYPim = new Float64Array(3 * nlm);
        const harm = (vx: number, vy: number, vz: number, grad: boolean) => {
            this.sh.evaluate(vx, vy, vz, Y, grad ? dY : undefined);
            for (let l = 0; l <= lmax; l++) {
                const i0 = lmIndex(l, 0);
                YPre[i0] = SQ4PI * Y[i0]; YPim[i0] = 0;
                if (grad) for (let a = 0; a < 3; a++) { dYPre[3 * i0 + a] = SQ4PI * dY[3 * i0 + a]; dYPim[3 * i0 + a] = 0; }
                for (let m = 1; m <= l; m++) {
                    const ip = lmIndex(l, m), im = lmIndex(l, -m);
                    const s = (m % 2 === 0 ? 1 : -1) * SQ4PI * Math.SQRT1_2;
                    // Y^P_{l,m} = s (Yr_m + i Yr_−m);  Y^P_{l,−m} = (−1)^m conj(Y^P_{l,m}) = (√(4π)/√2)(Yr_m − i Yr_−m)
                    const t = SQ4PI * Math.SQRT1_2;
                    YPre[ip] = s * Y[ip]; YPim[ip] = s * Y[im];
                    YPre[im] = t * Y[ip]; YPim[im] = -t * Y[im];
                    if (grad) for (let a = 0; a < 3; a++) {
                        dYPre[3 * ip + a] = s * dY[3 * ip + a]; dYPim[3 * ip + a] = s * dY[3 * im + a];
                        dYPre[3 * im + a] = t * dY[3 * ip + a]; dYPim[3 * im + a] = -t * dY[3 * im + a];
                    }
                }
            }
        };
        const wpre = (p: number) => pot.fsParameters[2 * p], mexp = (p: number) => pot.fsParameters[2 * p + 1];
        let maxRank = 0;
        for (const f of pot.functions) maxRank = Math.max(maxRank, f.rank);
        const fwd = new Float64Array(2 * (maxRank + 1)), bwd = new Float64Array(2 * (maxRank + 1));
        for (let i = 0; i < N; i++) {
            Are.fill(0); Aim.fill(0); A1.fill(0);
            let rhoCore = 0;
            const k0 = nl.offsets[i], k1 = nl.offsets[i + 1];
            for (let k = k0; k < k1; k++) {
                const r = nl.distances[k];
                if (r >= pot.rcut) continue;
                const [cr] = pot.radial.evaluate(r, gr, dgr, fr, dfr);
                rhoCore += cr;
                harm(nl.vectors[3 * k], nl.vectors[3 * k + 1], nl.vectors[3 * k + 2], false);
                for (let n = 0; n < nrb; n++) A1[n] += gr[n];
                for (let n = 0; n < nrm; n++) for (let l = 0; l <= lmax; l++) {
                    const R = fr[n * L + l];
                    for (let m = -l; m <= l; m++) { const q = lmIndex(l, m); Are[n * nlm + q] += R * YPre[q]; Aim[n * nlm + q] += R * YPim[q]; }
                }
            }
            // densities (and the linear body-order split)
            rho.fill(0);
            const partByRank = new Float64Array(maxRank + 2);
            for (const f of pot.rank1) for (let p = 0; p < nd; p++) {
                const v = f.ctildes[p] * A1[f.ns[0] - 1];
                rho[p] += v;
                if (p === 0) partByRank[1] += v;
            }
            for (const f of pot.functions) {
                const { rank, ns, ls, ms } = f;
                for (let q = 0; q < f.num; q++) {
                    let pr = 1, pi = 0;
                    for (let t = 0; t < rank; t++) {
                        const idx = (ns[t] - 1) * nlm + lmIndex(ls[t], ms[q * rank + t]);
                        const ar = Are[idx], ai = Aim[idx];
                        const nr = pr * ar - pi * ai; pi = pr * ai + pi * ar; pr = nr;
                    }
                    for (let p = 0; p < nd; p++) {
                        const v = f.ctildes[q * nd + p] * pr; // Re(c·Π A), c real
                        rho[p] += v;
                        if (p === 0) partByRank[rank] += v;
                    }
                }
            }
            let Ei = 0;
            for (let p = 0; p < nd; p++) {
                const [F, D] = pot.npoti === 'FinnisSinclair' ? fexp(rho[p], mexp(p)) : fexpShiftedScaled(rho[p], mexp(p));
                Ei += F * wpre(p);
                dF[p] = D * wpre(p);
            }
            // inner cutoff on the core density (pacemaker's core repulsion)
            const rhoLow = pot.rhoCoreCutoff - pot.drhoCoreCutoff;
            let fcut = 1, dfcut = 0;
            if (rhoCore >= pot.rhoCoreCutoff) { fcut = 0; dfcut = 0; } else if (rhoCore > rhoLow) [fcut, dfcut] = cutoffFuncPoly(rhoCore, pot.rhoCoreCutoff, pot.drhoCoreCutoff);
            const dEdCore = Ei * dfcut + 1;
            perAtom[i] = Ei * fcut + rhoCore + pot.e0;
            if (pot.linear) for (let K = 2; K <= pot.rankmax + 1; K++) byOrder[K][i] = partByRank[K - 1] * fcut + (K === 2 ? rhoCore : 0);
            for (let p = 0; p < nd; p++) dF[p] *= fcut;
            if (!wantF) continue;
            // adjoint weights W = ∂E/∂A (complex, E = Re Σ W·A), W1 = ∂E/∂A1
            Wre.fill(0); Wim.fill(0); W1.fill(0);
            for (const f of pot.rank1) { let s = 0; for (let p = 0; p < nd; p++) s += dF[p] * f.ctildes[p]; W1[f.ns[0] - 1] += s; }
            for (const f of pot.functions) {
                const { rank, ns, ls, ms } = f;
                for (let q = 0; q < f.num; q++) {
                    let theta = 0;
                    for (let p = 0; p < nd; p++) theta += dF[p] * f.ctildes[q * nd + p];
                    if (theta === 0) continue;
                    fwd[0] = 1; fwd[1] = 0;
                    for (let t = 0; t < rank; t++) {
                        const idx = (ns[t] - 1) * nlm + lmIndex(ls[t], ms[q * rank + t]);
                        const ar = Are[idx], ai = Aim[idx], pr = fwd[2 * t], pi = fwd[2 * t + 1];
                        fwd[2 * t + 2] = pr * ar - pi * ai; fwd[2 * t + 3] = pr * ai + pi * ar;
                    }
                    bwd[2 * rank] = 1; bwd[2 * rank + 1] = 0;
                    for (let t = rank - 1; t >= 0; t--) {
                        const idx = (ns[t] - 1) * nlm + lmIndex(ls[t], ms[q * rank + t]);
                        const ar = Are[idx], ai = Aim[idx], pr = bwd[2 * t + 2], pi = bwd[2 * t + 3];
                        bwd[2 * t] = pr * ar - pi * ai; bwd[2 * t + 1] = pr * ai + pi * ar;
                    }
                    for (let t = 0; t < rank; t++) {
                        const idx = (ns[t] - 1) * nlm + lmIndex(ls[t], ms[q * rank + t]);
                        const fr_ = fwd[2 * t], fi = fwd[2 * t + 1], br = bwd[2 * t + 2], bi = bwd[2 * t + 3];
                        Wre[idx] += theta * (fr_ * br - fi * bi);
                        Wim[idx] += theta * (fr_ * bi + fi * br);
                    }
                }
            }
            for (let k = k0; k < k1; k++) {
                const r = nl.distances[k];
                if (r >= pot.rcut) continue;
                const vx = nl.vectors[3 * k], vy = nl.vectors[3 * k + 1], vz = nl.vectors[3 * k + 2];
                const ux = vx / r, uy = vy / r, uz = vz / r;
                const [, dcr] = pot.radial.evaluate(r, gr, dgr, fr, dfr);
                harm(vx, vy, vz, true);
                let gx = 0, gy = 0, gz = 0;
                let radial = dEdCore * dcr;
                for (let n = 0; n < nrb; n++) radial += W1[n] * dgr[n];
                for (let n = 0; n < nrm; n++) for (let l = 0; l <= lmax; l++) {
                    const R = fr[n * L + l], dR = dfr[n * L + l];
                    for (let m = -l; m <= l; m++) {
                        const q = lmIndex(l, m), idx = n * nlm + q;
                        const wr = Wre[idx], wi = Wim[idx];
                        if (wr === 0 && wi === 0) continue;
                        // Re(W · d(R Y)) = dR Re(W Y) r̂ + R Re(W ∇Y)
                        radial += dR * (wr * YPre[q] - wi * YPim[q]);
                        gx += R * (wr * dYPre[3 * q] - wi * dYPim[3 * q]);
                        gy += R * (wr * dYPre[3 * q + 1] - wi * dYPim[3 * q + 1]);
                        gz += R * (wr * dYPre[3 * q + 2] - wi * dYPim[3 * q + 2]);
                    }
                }
                gx += radial * ux; gy += radial * uy; gz += radial * uz;
                const j = nl.index[k];
                forces[3 * i] += gx; forces[3 * i + 1] += gy; forces[3 * i + 2] += gz;
                forces[3 * j] -= gx; forces[3 * j + 1] -= gy; forces[3 * j + 2] -= gz;
                if (virial) {
                    const v = [vx, vy, vz], g = [gx, gy, gz];
                    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) virial[3 * a + b] -= v[a] * g[b];
                }
            }
        }
        let energy = 0;
        for (let i = 0; i < N; i++) energy += perAtom[i];
        const energyByOrder: Record<number, number> = {};
        for (const K of Object.keys(byOrder)) energyByOrder[Number(K)] = byOrder[Number(K)].reduce((a, b) => a + b, 0);
        let stress: Float64Array | null = null;
        if (virial && frame.cell) {
            const c = frame.cell;
            const vol = Math.abs(c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) + c[2] * (c[3] * c[7] - c[4] * c[6]));
            stress = virial.map((w) => -w / vol);
        }
        return { energy, perAtomEnergy: perAtom, forces, virial, stress, energyByOrder, perAtomEnergyByOrder: byOrder };
    }
}
