/**
 * The serialisable description of an ACE basis.
 *
 * Degree convention (as ACE1x / the reference study): the one-particle function φ_nlm has radial index
 * n = 1, 2, … (1-based; polynomial degree n − 1) and degree n + w_L·l. A ν-correlation tuple
 * ((n_1,l_1), …, (n_ν,l_ν)) is kept when Σ_t (n_t + w_L l_t) ≤ D_ν. So D_1 = 24 gives exactly 24 pair
 * functions (n = 1..24, l = 0). Body order K = ν + 1; `order` is the maximal K.
 */
import { RadialBasis } from './radial';
import { checkCoreRepulsion, type CoreRepulsionSpec } from './core-repulsion';

export type BasisVariant = 'standard' | 'purified';

/**
 * The radial basis and all of its transform/envelope parameters (see radial.ts).
 * - 'agnesi': Legendre polynomials in the Agnesi transform y = 1/(1 + a s^q/(1 + s^(q−p))), s = r/r0 (r0 the
 *   spec's), envelope (1 − (r/r_cut)²)^envelope. Today's default; a spec without `radial` means
 *   { kind: 'agnesi', p: 2, q: 4, a: 1, envelope: 2 }.
 * - 'acejl': ML-PACE's `ACE.jl.base` kind, exactly exportable to .yace: orthonormal Legendre polynomials in
 *   x = ((1 + r0)/(1 + r))^p on [x(r_cut), x(r_in)], envelope (x − x(r_cut))^pl (x − x(r_in))^pr; r0 and r_in
 *   default to the spec's (r_in here is the inner end of the polynomials' interval: below it they extrapolate).
 */
export type RadialSpec =
  | { kind: 'agnesi'; p: number; q: number; a: number; envelope: number }
  | { kind: 'acejl'; p: number; r0?: number; rin?: number; pl: number; pr: number };

export interface BasisSpec {
  /** maximal body order K = 2..5 (correlation orders ν = 1..K−1) */
  order: number;
  /** 'purified' = self-interaction-free (sums over distinct neighbours only) */
  variant: BasisVariant;
  /** cutoff (Å) */
  rcut: number;
  /** inner distance of the distance transform (Å): x(r_in) = 1 */
  rin: number;
  /** scale of the distance transform (Å), e.g. the C₂ bond length */
  r0: number;
  /** D_ν for ν = 1..K−1 (length K−1) */
  maxDegree: number[];
  /** w_L, the weight of l in the degree */
  lWeight: number;
  /** optional cap on the radial index n (1-based) */
  nmax?: number;
  /** optional cap on l */
  lmax?: number;
  /** radial basis; absent = the Agnesi default (model files written before this option) */
  radial?: RadialSpec;
  /** fixed short-range pair repulsion added to the fitted model (core-repulsion.ts); absent = none (the default) */
  coreRepulsion?: CoreRepulsionSpec;
}

/** Largest cutoff accepted (Å). */
export const MAX_CUTOFF = 20;
/** Smallest y(r_in) − y(r_cut) accepted (see RadialBasis.transformSpread); the default carbon spec has 0.93. */
export const MIN_TRANSFORM_SPREAD = 0.01;
/** The exportable radial of `acelens fit --radial acejl`: p = 2, polynomials on [0.9 Å, r_cut] (the best of r_in 0.8–1.15 Å, p 1–4 measured on the study's pools), envelope (x − x(r_cut))² only. */
export const ACEJL_RADIAL: RadialSpec = { kind: 'acejl', p: 2, rin: 0.9, pl: 2, pr: 0 };

export class SpecError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'SpecError';
    }
}

/**
 * Default carbon basis for body order K (2..5): r_cut 5 Å, r_in 0, r0 1.287 Å (C₂ bond length), w_L 1.5,
 * degrees D = [16, 14, 11, 8] (truncated to K − 1 orders).
 * Sizes (standard and purified alike): K=2: 16, K=3: 16+102 = 118, K=4: 118+89 = 207, K=5: 207+15 = 222
 * functions (see test/engine/basis.test.ts), small enough for interactive fitting in the browser.
 */
export const DEFAULT_DEGREES = [16, 14, 11, 8];

export function defaultSpec(order: number, variant: BasisVariant = 'standard'): BasisSpec {
    if (!Number.isInteger(order) || order < 2 || order > 5) throw new SpecError(`body order must be an integer 2..5, got ${order}`);
    return { order, variant, rcut: 5, rin: 0, r0: 1.287, maxDegree: DEFAULT_DEGREES.slice(0, order - 1), lWeight: 1.5 };
}

/**
 * Per-order maximal degrees D_ν from one number D: the default shape scaled so that D_1 = D
 * (each D_ν at least ν, so every order keeps a function). Used by `acelens fit --degree D` and the fit panel.
 */
export function scaledDegrees(D: number, order: number): number[] {
    return DEFAULT_DEGREES.slice(0, order - 1).map((d, t) => Math.max(t + 1, Math.round((D * d) / DEFAULT_DEGREES[0])));
}

/** The reference study's carbon bases (v2): D = [24, 20, 16, 12] truncated at K, w_L 1.5, r_cut 5 Å. */
export function paperSpec(order: number, variant: BasisVariant = 'standard'): BasisSpec {
    if (!Number.isInteger(order) || order < 2 || order > 5) throw new SpecError(`body order must be an integer 2..5, got ${order}`);
    return { order, variant, rcut: 5, rin: 0, r0: 1.287, maxDegree: [24, 20, 16, 12].slice(0, order - 1), lWeight: 1.5 };
}

function num(o: Record<string, unknown>, key: string, where: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpecError(`${where}: '${key}' must be a finite number, got ${JSON.stringify(v)}`);
    return v;
}

/** Checks an untrusted value (e.g. parsed model JSON) and returns a clean BasisSpec. */
export function validateSpec(spec: unknown, where = 'basis spec'): BasisSpec {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new SpecError(`${where}: expected an object, got ${JSON.stringify(spec)}`);
    const o = spec as Record<string, unknown>;
    const order = num(o, 'order', where);
    if (!Number.isInteger(order) || order < 2 || order > 5) throw new SpecError(`${where}: 'order' (maximal body order K) must be an integer 2..5, got ${order}`);
    const variant = o.variant ?? 'standard';
    if (variant !== 'standard' && variant !== 'purified') throw new SpecError(`${where}: 'variant' must be 'standard' or 'purified', got ${JSON.stringify(variant)}`);
    const rcut = num(o, 'rcut', where);
    if (!(rcut > 0)) throw new SpecError(`${where}: 'rcut' must be > 0 Å, got ${rcut}`);
    const rin = o.rin === undefined ? 0 : num(o, 'rin', where);
    if (!(rin >= 0 && rin < rcut)) throw new SpecError(`${where}: 'rin' must satisfy 0 ≤ rin < rcut (${rcut}), got ${rin}`);
    const r0 = num(o, 'r0', where);
    if (!(r0 > 0)) throw new SpecError(`${where}: 'r0' must be > 0 Å, got ${r0}`);
    if (rcut > MAX_CUTOFF) throw new SpecError(`${where}: 'rcut' must be ≤ ${MAX_CUTOFF} Å (neighbour lists grow as r_cut³), got ${rcut}`);
    // the Agnesi transform (the default radial): [rin, rcut] must cover a usable part of its range
    const agnesi = o.radial === undefined || (typeof o.radial === 'object' && o.radial !== null && (o.radial as { kind?: unknown }).kind === 'agnesi');
    const spread = agnesi ? RadialBasis.transformSpread(rcut, rin, r0, o.radial === undefined ? undefined : validateRadial(o.radial, where)) : Infinity;
    if (!(spread >= MIN_TRANSFORM_SPREAD)) {
        throw new SpecError(`${where}: the distance transform maps [rin, rcut] = [${rin}, ${rcut}] Å onto only ${spread.toExponential(2)} of its range with r0 = ${r0} Å (at least ${MIN_TRANSFORM_SPREAD} is needed: r0 must be of the order of the bond length and rin well below rcut)`);
    }
    const lWeight = o.lWeight === undefined ? 1.5 : num(o, 'lWeight', where);
    if (!(lWeight > 0)) throw new SpecError(`${where}: 'lWeight' must be > 0, got ${lWeight}`);
    const md = o.maxDegree;
    if (!Array.isArray(md) || md.length !== order - 1) {
        throw new SpecError(`${where}: 'maxDegree' must be an array of ${order - 1} numbers (D_ν for ν = 1..${order - 1}), got ${JSON.stringify(md)}`);
    }
    md.forEach((d, t) => {
        if (typeof d !== 'number' || !Number.isFinite(d) || d < t + 1) {
            throw new SpecError(`${where}: maxDegree[${t}] (D_${t + 1}) must be a number ≥ ${t + 1} (every factor has n ≥ 1), got ${JSON.stringify(d)}`);
        }
    });
    const out: BasisSpec = { order, variant, rcut, rin, r0, maxDegree: md.slice() as number[], lWeight };
    if (o.nmax !== undefined) {
        const nmax = num(o, 'nmax', where);
        if (!Number.isInteger(nmax) || nmax < 1) throw new SpecError(`${where}: 'nmax' must be an integer ≥ 1, got ${nmax}`);
        out.nmax = nmax;
    }
    if (o.lmax !== undefined) {
        const lmax = num(o, 'lmax', where);
        if (!Number.isInteger(lmax) || lmax < 0) throw new SpecError(`${where}: 'lmax' must be an integer ≥ 0, got ${lmax}`);
        out.lmax = lmax;
    }
    if (o.radial !== undefined) out.radial = validateRadial(o.radial, where);
    if (o.coreRepulsion !== undefined) {
        try {
            out.coreRepulsion = checkCoreRepulsion(o.coreRepulsion, rcut, where);
        } catch (err) {
            throw new SpecError(err instanceof Error ? err.message : String(err));
        }
    }
    const known = new Set(['order', 'variant', 'rcut', 'rin', 'r0', 'maxDegree', 'lWeight', 'nmax', 'lmax', 'radial', 'coreRepulsion']);
    for (const k of Object.keys(o)) if (!known.has(k)) throw new SpecError(`${where}: unknown key '${k}' (expected ${[...known].join(', ')})`);
    return out;
}

function int(o: Record<string, unknown>, key: string, where: string, min: number): number {
    const v = num(o, key, where);
    if (!Number.isInteger(v) || v < min) throw new SpecError(`${where}: '${key}' must be an integer ≥ ${min}, got ${v}`);
    return v;
}

/** Checks a radial spec (see RadialSpec). */
export function validateRadial(radial: unknown, where = 'basis spec'): RadialSpec {
    const w = `${where}: radial`;
    if (typeof radial !== 'object' || radial === null || Array.isArray(radial)) throw new SpecError(`${w}: expected an object, got ${JSON.stringify(radial)}`);
    const o = radial as Record<string, unknown>;
    const check = (keys: string[]) => {
        for (const k of Object.keys(o)) if (!keys.includes(k)) throw new SpecError(`${w}: unknown key '${k}' (expected ${keys.join(', ')})`);
    };
    if (o.kind === 'agnesi') {
        check(['kind', 'p', 'q', 'a', 'envelope']);
        const p = num(o, 'p', w), q = num(o, 'q', w), a = num(o, 'a', w), envelope = num(o, 'envelope', w);
        if (!(p > 0 && q > p)) throw new SpecError(`${w}: Agnesi exponents must satisfy 0 < p < q, got p = ${p}, q = ${q}`);
        if (!(a > 0)) throw new SpecError(`${w}: 'a' must be > 0, got ${a}`);
        if (!(envelope >= 1)) throw new SpecError(`${w}: 'envelope' (exponent of 1 − (r/rcut)²) must be ≥ 1, got ${envelope}`);
        return { kind: 'agnesi', p, q, a, envelope };
    }
    if (o.kind === 'acejl') {
        check(['kind', 'p', 'r0', 'rin', 'pl', 'pr']);
        const p = int(o, 'p', w, 1), pl = int(o, 'pl', w, 0), pr = int(o, 'pr', w, 0);
        const out: RadialSpec = { kind: 'acejl', p, pl, pr };
        if (o.r0 !== undefined) {
            const r0 = num(o, 'r0', w);
            if (!(r0 > 0)) throw new SpecError(`${w}: 'r0' must be > 0 Å, got ${r0}`);
            out.r0 = r0;
        }
        if (o.rin !== undefined) {
            const rin = num(o, 'rin', w);
            if (!(rin >= 0)) throw new SpecError(`${w}: 'rin' must be ≥ 0 Å, got ${rin}`);
            out.rin = rin;
        }
        return out;
    }
    throw new SpecError(`${w}: 'kind' must be 'agnesi' or 'acejl', got ${JSON.stringify(o.kind)}`);
}
