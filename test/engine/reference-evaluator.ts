/**
 * TEST-ONLY reference: the evaluator as it was before src/ace/evaluator.ts (per-monomial products recomputed
 * from scratch, φ and ∇φ stored per (neighbour, function), analytic radials). Kept verbatim as the 'old one'
 * the new evaluator is checked against (test/engine/evaluator.test.ts). Not used by the product.
 */
/**
 * Evaluation of an ACE basis on a structure: design rows for fitting (per-function energies, forces and
 * virials) and fast predictions for a coefficient vector (adjoint / reverse mode: one backward pass per
 * atom with the combined weights).
 *
 * Model: E = Σ_i E_i, E_i = E0 + Σ_k c_k B_ik.
 * Forces F_a = −∂E/∂r_a; with r_ij = r_j + shift − r_i, a pair gradient g = ∂E_i/∂r_ij adds +g to F_i and
 * −g to F_j. Virial W = −Σ_i Σ_j r_ij ⊗ ∂E_i/∂r_ij (W_αβ = −Σ r_α g_β), stress σ = −W/V (ASE convention,
 * σ = (1/V) ∂E/∂ε, eV/Å³).
 *
 * Hot loops run over preallocated typed-array workspaces (one per basis, grown when an atom has more
 * neighbours than seen before); nothing is allocated per neighbour.
 */
import { AceBasis } from '../../src/ace/basis';
import { Frame, FrameError, assertSupportedSpecies, cellVolume } from '../../src/structure/frame';
import { NeighbourList, buildNeighbourList } from '../../src/structure/neighbours';

export interface DesignRows {
  natoms: number;
  nbasis: number;
  /** nbasis: Σ_i B_ik (so E = natoms·E0 + c·energy) */
  energy: Float64Array;
  /** natoms × nbasis: B_ik */
  perAtom: Float64Array;
  /** (3·natoms) × nbasis, row-major: −∂(Σ_i B_ik)/∂r_{a,α} (so F = forces·c); empty when forces are off */
  forces: Float64Array;
  /** 9 × nbasis: W_αβ rows (W = −Σ_ij r_ij ⊗ ∂B_ik/∂r_ij); null without a cell or when not requested */
  virial: Float64Array | null;
}

export interface Prediction {
  /** total energy (eV), natoms·E0 included */
  energy: number;
  /** E_i (eV), E0 included */
  perAtomEnergy: Float64Array;
  /** natoms × 3 (eV/Å); empty when forces are off */
  forces: Float64Array;
  /** 3×3 row-major (eV); null without a cell or without forces */
  virial: Float64Array | null;
  /** σ = −W/V, 3×3 row-major (eV/Å³); null without a cell or without forces */
  stress: Float64Array | null;
  /** energyByOrder[K] = Σ_i Σ_{k of body order K} c_k B_ik (E0 not included) */
  energyByOrder: Record<number, number>;
  /** perAtomEnergyByOrder[K][i] = Σ_{k of body order K} c_k B_ik (eV): E_i = E0 + Σ_K of these */
  perAtomEnergyByOrder: Record<number, Float64Array>;
}

class Workspace {
    cap = 0;
    phi = new Float64Array(0);
    dphi = new Float64Array(0);
    readonly R: Float64Array;
    readonly dR: Float64Array;
    readonly tmp = new Float64Array(2);
    readonly Y: Float64Array;
    readonly dY: Float64Array;
    readonly G: Float64Array;
    readonly gG: Float64Array;
    readonly gradG: Float64Array;
    readonly adj: Float64Array;
    readonly M: Float64Array;
    readonly dM: Float64Array;
    readonly J: Float64Array;
    constructor(readonly basis: AceBasis) {
        this.R = new Float64Array(basis.radial.nmax);
        this.dR = new Float64Array(basis.radial.nmax);
        this.Y = new Float64Array(basis.harmonics.size);
        this.dY = new Float64Array(3 * basis.harmonics.size);
        this.G = new Float64Array(basis.nG);
        this.gG = new Float64Array(basis.nG);
        this.gradG = new Float64Array(3 * basis.nG);
        this.adj = new Float64Array(basis.nOne);
        this.T = new Float64Array(9 * basis.nG);
        this.M = new Float64Array(basis.nMono);
        this.dM = new Float64Array(basis.monoG.length);
        this.J = new Float64Array(basis.jG.length);
    }
    /** per-atom slot of each neighbour atom j (−1 = none), for grouping pairs by j in designRows */
    slotOf = new Int32Array(0);
    slotAtom = new Int32Array(0);
    acc = new Float64Array(0);
    readonly T: Float64Array;
    ensureAtoms(natoms: number): void {
        if (this.slotOf.length < natoms) { this.slotOf = new Int32Array(natoms).fill(-1); }
    }
    ensureSlots(n: number): void {
        if (this.slotAtom.length >= n) return;
        const cap = Math.max(n, Math.ceil(this.slotAtom.length * 1.5), 16);
        this.slotAtom = new Int32Array(cap);
        this.acc = new Float64Array(cap * 3 * this.basis.nG);
    }
    ensure(nb: number): void {
        if (nb <= this.cap) return;
        const cap = Math.max(nb, Math.ceil(this.cap * 1.5), 16);
        this.phi = new Float64Array(cap * this.basis.nOne);
        this.dphi = new Float64Array(3 * cap * this.basis.nOne);
        this.cap = cap;
    }
}

const workspaces = new WeakMap<AceBasis, Workspace>();
function workspace(basis: AceBasis): Workspace {
    let ws = workspaces.get(basis);
    if (!ws) { ws = new Workspace(basis); workspaces.set(basis, ws); }
    return ws;
}

function neighboursFor(basis: AceBasis, frame: Frame, given?: NeighbourList): NeighbourList {
    assertSupportedSpecies(frame);
    if (!given) return buildNeighbourList(frame, basis.spec.rcut);
    if (given.natoms !== frame.natoms) throw new FrameError(`neighbour list is for ${given.natoms} atoms, frame has ${frame.natoms}`);
    if (given.rcut < basis.spec.rcut - 1e-12) throw new FrameError(`neighbour list cutoff ${given.rcut} Å is smaller than the basis cutoff ${basis.spec.rcut} Å`);
    return given;
}

/** Scratch of a one-particle evaluation: radial values and derivatives, harmonics and their gradients. */
export interface OneParticleScratch {
  R: Float64Array;
  dR: Float64Array;
  tmp: Float64Array;
  Y: Float64Array;
  dY: Float64Array;
}

/**
 * φ_a = R_n(r) Y_lm(r̂) of one neighbour at (vx, vy, vz) with r = |(vx, vy, vz)| (Å) into phi[base + a] and,
 * when dphi is given, ∇φ_a into dphi[3 (base + a) + x]. Shared by the evaluators of this module and SiteEvaluator.
 */
export function oneParticleValues(
    basis: AceBasis,
    s: OneParticleScratch,
    vx: number,
    vy: number,
    vz: number,
    r: number,
    phi: Float64Array,
    dphi: Float64Array | null,
    base: number,
): void {
    const { nOne, oneN, oneLM, radial, harmonics } = basis;
    const { R, dR, tmp, Y, dY } = s;
    radial.evaluate(r, R, dR, tmp);
    if (dphi) {
        harmonics.evaluate(vx, vy, vz, Y, dY);
        const ux = vx / r, uy = vy / r, uz = vz / r;
        for (let a = 0; a < nOne; a++) {
            const n = oneN[a], lm = oneLM[a];
            const Rn = R[n], y = Y[lm];
            phi[base + a] = Rn * y;
            const t = dR[n] * y, o = 3 * (base + a), q = 3 * lm;
            dphi[o] = t * ux + Rn * dY[q];
            dphi[o + 1] = t * uy + Rn * dY[q + 1];
            dphi[o + 2] = t * uz + Rn * dY[q + 2];
        }
    } else {
        harmonics.evaluate(vx, vy, vz, Y);
        for (let a = 0; a < nOne; a++) phi[base + a] = R[oneN[a]] * Y[oneLM[a]];
    }
}

/**
 * Adds one neighbour's terms to a G vector: its φ_a (phi[base + a]) to the singletons and, for the purified
 * basis, the products Π φ at this same neighbour to the product G's.
 */
export function addNeighbourToG(basis: AceBasis, phi: Float64Array, base: number, G: Float64Array): void {
    const { nOne, nG, gStart, gOne } = basis;
    for (let a = 0; a < nOne; a++) G[a] += phi[base + a];
    for (let g = nOne; g < nG; g++) {
        const s0 = gStart[g], s1 = gStart[g + 1];
        let p = phi[base + gOne[s0]] * phi[base + gOne[s0 + 1]];
        for (let s = s0 + 2; s < s1; s++) p *= phi[base + gOne[s]];
        G[g] += p;
    }
}

/**
 * One-particle values φ_a(r_ij) (and gradients) for the neighbours of atom i, and the G's (A's and, for the
 * purified basis, the same-neighbour products). Returns the number of neighbours.
 */
function atomFeatures(basis: AceBasis, ws: Workspace, nl: NeighbourList, i: number, grad: boolean): number {
    const off = nl.offsets[i];
    const nb = nl.offsets[i + 1] - off;
    ws.ensure(nb);
    const nOne = basis.nOne;
    const { phi, dphi, G } = ws;
    G.fill(0);
    const vec = nl.vectors, dist = nl.distances;
    for (let kk = 0; kk < nb; kk++) {
        const k = off + kk;
        const base = kk * nOne;
        oneParticleValues(basis, ws, vec[3 * k], vec[3 * k + 1], vec[3 * k + 2], dist[k], phi, grad ? dphi : null, base);
        addNeighbourToG(basis, phi, base, G);
    }
    return nb;
}

/** ∂(Π_{a∈g} φ_a)/∂r_ij of every multi-index G (|g| ≥ 2) at neighbour kk into out[3g..3g+3). */
function productGradients(basis: AceBasis, ws: Workspace, kk: number, out: Float64Array): void {
    const { nOne, nG, gStart, gOne } = basis;
    const { phi, dphi } = ws;
    const base = kk * nOne;
    for (let g = nOne; g < nG; g++) {
        const s0 = gStart[g], size = gStart[g + 1] - s0;
        const a = gOne[s0], b = gOne[s0 + 1];
        const pa = phi[base + a], pb = phi[base + b];
        const da = 3 * (base + a), db = 3 * (base + b);
        const o = 3 * g;
        if (size === 2) {
            out[o] = pb * dphi[da] + pa * dphi[db];
            out[o + 1] = pb * dphi[da + 1] + pa * dphi[db + 1];
            out[o + 2] = pb * dphi[da + 2] + pa * dphi[db + 2];
        } else if (size === 3) {
            const c = gOne[s0 + 2], pc = phi[base + c], dc = 3 * (base + c);
            const wa = pb * pc, wb = pa * pc, wc = pa * pb;
            out[o] = wa * dphi[da] + wb * dphi[db] + wc * dphi[dc];
            out[o + 1] = wa * dphi[da + 1] + wb * dphi[db + 1] + wc * dphi[dc + 1];
            out[o + 2] = wa * dphi[da + 2] + wb * dphi[db + 2] + wc * dphi[dc + 2];
        } else {
            let gx = 0, gy = 0, gz = 0;
            const s1 = s0 + size;
            for (let t = s0; t < s1; t++) {
                let others = 1;
                for (let u = s0; u < s1; u++) if (u !== t) others *= phi[base + gOne[u]];
                const d = 3 * (base + gOne[t]);
                gx += others * dphi[d]; gy += others * dphi[d + 1]; gz += others * dphi[d + 2];
            }
            out[o] = gx; out[o + 1] = gy; out[o + 2] = gz;
        }
    }
}

/** Monomial values M_q and, when dM is given, ∂M_q/∂G of each slot. */
/** ∇G_g at neighbour kk of the current atom, for every g, into out[3g..3g+3): singletons are the φ gradients. */
function pairGradientsOfG(basis: AceBasis, ws: Workspace, kk: number, out: Float64Array): void {
    const nOne = basis.nOne, base = 3 * kk * nOne, dphi = ws.dphi;
    for (let t = 0; t < 3 * nOne; t++) out[t] = dphi[base + t];
    if (basis.nG > nOne) productGradients(basis, ws, kk, out);
}

function monomials(basis: AceBasis, ws: Workspace, withSlots: boolean): void {
    const { nMono, monoStart, monoG } = basis;
    const { G, M, dM } = ws;
    for (let q = 0; q < nMono; q++) {
        const s0 = monoStart[q], s1 = monoStart[q + 1];
        let p = 1;
        for (let s = s0; s < s1; s++) p *= G[monoG[s]];
        M[q] = p;
        if (withSlots) {
            for (let s = s0; s < s1; s++) {
                let o = 1;
                for (let u = s0; u < s1; u++) if (u !== s) o *= G[monoG[u]];
                dM[s] = o;
            }
        }
    }
}

/** Per-function values and derivatives: the rows a linear fit needs. */
export function designRows(
    basis: AceBasis,
    frame: Frame,
    opts: {
    forces?: boolean;
    virial?: boolean;
    neighbours?: NeighbourList;
    /** how pair gradients are contracted (results identical to round-off); default 'auto' = fewest flops */
    contraction?: 'auto' | 'grouped' | 'perPair';
  } = {},
): DesignRows {
    const nl = neighboursFor(basis, frame, opts.neighbours);
    const wantF = opts.forces ?? true;
    const wantV = (opts.virial ?? true) && frame.cell !== null;
    const N = frame.natoms, K = basis.size;
    const energy = new Float64Array(K);
    const perAtom = new Float64Array(N * K);
    const forces = new Float64Array(wantF ? 3 * N * K : 0);
    const virial = wantV ? new Float64Array(9 * K) : null;
    const ws = workspace(basis);
    const { dStart, dMono, dCoef, monoStart, jStart, jG, dSlotStart, dSlotJ, nG } = basis;
    const rcut = basis.spec.rcut;
    const needGrad = wantF || wantV;
    ws.ensureAtoms(N);
    for (let i = 0; i < N; i++) {
        const nb = atomFeatures(basis, ws, nl, i, needGrad);
        monomials(basis, ws, needGrad);
        const { M, dM, J, gradG } = ws;
        for (let k = 0; k < K; k++) {
            let b = 0;
            for (let p = dStart[k]; p < dStart[k + 1]; p++) b += dCoef[p] * M[dMono[p]];
            perAtom[i * K + k] = b;
            energy[k] += b;
        }
        if (!needGrad || nb === 0) continue;
        // Jacobian ∂B_k/∂G_g on the fixed pattern
        J.fill(0);
        for (let k = 0; k < K; k++) {
            for (let p = dStart[k]; p < dStart[k + 1]; p++) {
                const c = dCoef[p], q = dMono[p];
                const m0 = monoStart[q], s0 = dSlotStart[p], ns = dSlotStart[p + 1] - s0;
                for (let t = 0; t < ns; t++) J[dSlotJ[s0 + t]] += c * dM[m0 + t];
            }
        }
        // Two equivalent ways to contract J with the pair gradients; the cheaper one (counted in flops) is used.
        //  grouped: pairs are grouped by neighbour atom j (periodic images of one atom share its force rows):
        //    G gradients are summed per j (3·nG per pair) and contracted with J once per distinct j (3·nnz(J));
        //    the virial uses T_g = Σ_pairs r_ij ⊗ ∇G_g (9·nG per pair) contracted once per atom (9·nnz(J)).
        //  per pair: g_k = Σ_p J_kp ∇G_p per pair (3·nnz(J)) and scattered into force and virial rows (15·K).
        const nnzJ = jG.length;
        const off0 = nl.offsets[i];
        let distinct = 0;
        {
            const { slotOf } = ws;
            for (let kk = 0; kk < nb; kk++) { const j = nl.index[off0 + kk]; if (slotOf[j] < 0) { slotOf[j] = 0; distinct++; } }
            for (let kk = 0; kk < nb; kk++) slotOf[nl.index[off0 + kk]] = -1;
        }
        const costGrouped = nb * (3 * nG + (virial ? 9 * nG : 0)) + distinct * (3 * nnzJ + 6 * K) + (virial ? 9 * nnzJ : 0);
        const costPerPair = nb * (3 * nnzJ + 6 * K + (virial ? 9 * K : 0));
        const contraction = opts.contraction ?? 'auto';
        if (contraction === 'perPair' || (contraction === 'auto' && costPerPair <= costGrouped)) {
            const off = off0;
            for (let kk = 0; kk < nb; kk++) {
                const pair = off + kk;
                if (nl.distances[pair] >= rcut) continue;
                pairGradientsOfG(basis, ws, kk, gradG);
                const j = nl.index[pair];
                const vx = nl.vectors[3 * pair], vy = nl.vectors[3 * pair + 1], vz = nl.vectors[3 * pair + 2];
                for (let k = 0; k < K; k++) {
                    let gx = 0, gy = 0, gz = 0;
                    for (let p = jStart[k]; p < jStart[k + 1]; p++) {
                        const o = 3 * jG[p], c = J[p];
                        gx += c * gradG[o]; gy += c * gradG[o + 1]; gz += c * gradG[o + 2];
                    }
                    if (wantF) {
                        forces[(3 * i) * K + k] += gx; forces[(3 * i + 1) * K + k] += gy; forces[(3 * i + 2) * K + k] += gz;
                        forces[(3 * j) * K + k] -= gx; forces[(3 * j + 1) * K + k] -= gy; forces[(3 * j + 2) * K + k] -= gz;
                    }
                    if (virial) {
                        virial[k] -= vx * gx; virial[K + k] -= vx * gy; virial[2 * K + k] -= vx * gz;
                        virial[3 * K + k] -= vy * gx; virial[4 * K + k] -= vy * gy; virial[5 * K + k] -= vy * gz;
                        virial[6 * K + k] -= vz * gx; virial[7 * K + k] -= vz * gy; virial[8 * K + k] -= vz * gz;
                    }
                }
            }
            continue;
        }
        const off = nl.offsets[i];
        const nG3 = 3 * nG;
        ws.ensureSlots(nb);
        const { slotOf, slotAtom, acc, T } = ws;
        let nslots = 0;
        if (virial) T.fill(0);
        for (let kk = 0; kk < nb; kk++) {
            const pair = off + kk;
            if (nl.distances[pair] >= rcut) continue;
            pairGradientsOfG(basis, ws, kk, gradG);
            const j = nl.index[pair];
            let slot = slotOf[j];
            if (slot < 0) {
                slot = nslots++;
                slotOf[j] = slot;
                slotAtom[slot] = j;
                acc.fill(0, slot * nG3, (slot + 1) * nG3);
            }
            const ao = slot * nG3;
            for (let t = 0; t < nG3; t++) acc[ao + t] += gradG[t];
            if (virial) {
                const vx = nl.vectors[3 * pair], vy = nl.vectors[3 * pair + 1], vz = nl.vectors[3 * pair + 2];
                for (let g = 0; g < nG; g++) {
                    const gx = gradG[3 * g], gy = gradG[3 * g + 1], gz = gradG[3 * g + 2], o = 9 * g;
                    T[o] += vx * gx; T[o + 1] += vx * gy; T[o + 2] += vx * gz;
                    T[o + 3] += vy * gx; T[o + 4] += vy * gy; T[o + 5] += vy * gz;
                    T[o + 6] += vz * gx; T[o + 7] += vz * gy; T[o + 8] += vz * gz;
                }
            }
        }
        if (wantF) {
            for (let s = 0; s < nslots; s++) {
                const j = slotAtom[s], ao = s * nG3;
                if (j === i) continue; // a self-image pair moves atom i and its image together: no net force row
                for (let k = 0; k < K; k++) {
                    let gx = 0, gy = 0, gz = 0;
                    for (let p = jStart[k]; p < jStart[k + 1]; p++) {
                        const o = ao + 3 * jG[p], c = J[p];
                        gx += c * acc[o]; gy += c * acc[o + 1]; gz += c * acc[o + 2];
                    }
                    forces[(3 * i) * K + k] += gx; forces[(3 * i + 1) * K + k] += gy; forces[(3 * i + 2) * K + k] += gz;
                    forces[(3 * j) * K + k] -= gx; forces[(3 * j + 1) * K + k] -= gy; forces[(3 * j + 2) * K + k] -= gz;
                }
            }
        }
        for (let s = 0; s < nslots; s++) slotOf[slotAtom[s]] = -1;
        if (virial) {
            for (let k = 0; k < K; k++) {
                let w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0, w8 = 0;
                for (let p = jStart[k]; p < jStart[k + 1]; p++) {
                    const o = 9 * jG[p], c = J[p];
                    w0 += c * T[o]; w1 += c * T[o + 1]; w2 += c * T[o + 2];
                    w3 += c * T[o + 3]; w4 += c * T[o + 4]; w5 += c * T[o + 5];
                    w6 += c * T[o + 6]; w7 += c * T[o + 7]; w8 += c * T[o + 8];
                }
                virial[k] -= w0; virial[K + k] -= w1; virial[2 * K + k] -= w2;
                virial[3 * K + k] -= w3; virial[4 * K + k] -= w4; virial[5 * K + k] -= w5;
                virial[6 * K + k] -= w6; virial[7 * K + k] -= w7; virial[8 * K + k] -= w8;
            }
        }
    }
    return { natoms: N, nbasis: K, energy, perAtom, forces, virial };
}

/** Combined monomial weights w_q = Σ_k c_k D_kq for a coefficient vector. */
export function monomialWeights(basis: AceBasis, coefficients: ArrayLike<number>): Float64Array {
    if (coefficients.length !== basis.size) throw new FrameError(`coefficient vector has ${coefficients.length} entries, the basis has ${basis.size} functions`);
    const w = new Float64Array(basis.nMono);
    const { dStart, dMono, dCoef } = basis;
    for (let k = 0; k < basis.size; k++) {
        const c = coefficients[k];
        if (!Number.isFinite(c)) throw new FrameError(`coefficient ${k} is not finite (${c})`);
        if (c === 0) continue;
        for (let p = dStart[k]; p < dStart[k + 1]; p++) w[dMono[p]] += c * dCoef[p];
    }
    return w;
}

/**
 * The part Σ_q w_q Π_{g ∈ q} G_g of a site energy (eV, E0 not included) for one G vector. When byNu is
 * given, byNu[ν] += the part of correlation order ν (body order ν + 1); when gG is given (zeroed by the
 * caller), gG += ∂/∂G. Shared by predict and SiteEvaluator so both do the same arithmetic.
 */
export function contractMonomials(
    basis: AceBasis,
    w: Float64Array,
    G: Float64Array,
    byNu: Float64Array | null,
    gG: Float64Array | null,
): number {
    const { nMono, monoStart, monoG, monoNu } = basis;
    let E = 0;
    for (let q = 0; q < nMono; q++) {
        const wq = w[q];
        if (wq === 0) continue;
        const s0 = monoStart[q], s1 = monoStart[q + 1];
        let p = 1;
        for (let s = s0; s < s1; s++) p *= G[monoG[s]];
        const v = wq * p;
        E += v;
        if (byNu) byNu[monoNu[q]] += v;
        if (gG) {
            for (let s = s0; s < s1; s++) {
                let o = wq;
                for (let u = s0; u < s1; u++) if (u !== s) o *= G[monoG[u]];
                gG[monoG[s]] += o;
            }
        }
    }
    return E;
}

/**
 * ∂E_i/∂r_ij (eV/Å) of one neighbour into out[0..3), given gG = ∂E_i/∂G of the site and the one-particle
 * values φ (phi[base + a]) and gradients (dphi[3 (base + a) + x]) at that neighbour; adj (length nOne) is
 * scratch for ∂E_i/∂φ_a.
 */
export function pairGradient(
    basis: AceBasis,
    gG: Float64Array,
    phi: Float64Array,
    dphi: Float64Array,
    base: number,
    adj: Float64Array,
    out: Float64Array,
): void {
    const { nOne, nG, gStart, gOne } = basis;
    for (let a = 0; a < nOne; a++) adj[a] = gG[a];
    for (let g = nOne; g < nG; g++) {
        const c = gG[g];
        if (c === 0) continue;
        const s0 = gStart[g], size = gStart[g + 1] - s0;
        if (size === 2) {
            const a = gOne[s0], b = gOne[s0 + 1];
            adj[a] += c * phi[base + b];
            adj[b] += c * phi[base + a];
        } else if (size === 3) {
            const a = gOne[s0], b = gOne[s0 + 1], d = gOne[s0 + 2];
            const pa = phi[base + a], pb = phi[base + b], pd = phi[base + d];
            adj[a] += c * pb * pd; adj[b] += c * pa * pd; adj[d] += c * pa * pb;
        } else {
            for (let t = s0; t < s0 + size; t++) {
                let o = c;
                for (let u = s0; u < s0 + size; u++) if (u !== t) o *= phi[base + gOne[u]];
                adj[gOne[t]] += o;
            }
        }
    }
    let gx = 0, gy = 0, gz = 0;
    for (let a = 0; a < nOne; a++) {
        const c = adj[a];
        if (c === 0) continue;
        const o = 3 * (base + a);
        gx += c * dphi[o]; gy += c * dphi[o + 1]; gz += c * dphi[o + 2];
    }
    out[0] = gx; out[1] = gy; out[2] = gz;
}

/** Energy, per-atom energies, forces, virial and stress of a linear ACE model (adjoint evaluation). */
export function predict(
    basis: AceBasis,
    coefficients: Float64Array,
    e0: number,
    frame: Frame,
    opts: { forces?: boolean; neighbours?: NeighbourList } = {},
): Prediction {
    const nl = neighboursFor(basis, frame, opts.neighbours);
    const wantF = opts.forces ?? true;
    const N = frame.natoms;
    const w = monomialWeights(basis, coefficients);
    const ws = workspace(basis);
    const perAtomEnergy = new Float64Array(N);
    const forces = new Float64Array(wantF ? 3 * N : 0);
    const W = wantF && frame.cell ? new Float64Array(9) : null;
    const maxNu = basis.spec.order - 1;
    const byNu = new Float64Array(maxNu + 1);
    const atomNu = new Float64Array(maxNu + 1);
    const perAtomByNu: Float64Array[] = [];
    for (let nu = 0; nu <= maxNu; nu++) perAtomByNu.push(new Float64Array(N));
    const { nOne } = basis;
    const rcut = basis.spec.rcut;
    const { G, gG, adj } = ws;
    const gxyz = new Float64Array(3);
    let total = 0;
    for (let i = 0; i < N; i++) {
        const nb = atomFeatures(basis, ws, nl, i, wantF);
        if (wantF) gG.fill(0);
        atomNu.fill(0);
        const Ei = contractMonomials(basis, w, G, atomNu, wantF ? gG : null);
        for (let nu = 1; nu <= maxNu; nu++) {
            perAtomByNu[nu][i] = atomNu[nu];
            byNu[nu] += atomNu[nu];
        }
        perAtomEnergy[i] = e0 + Ei;
        total += e0 + Ei;
        if (!wantF || nb === 0) continue;
        const off = nl.offsets[i];
        const { phi, dphi } = ws;
        for (let kk = 0; kk < nb; kk++) {
            const pair = off + kk;
            if (nl.distances[pair] >= rcut) continue;
            pairGradient(basis, gG, phi, dphi, kk * nOne, adj, gxyz);
            const gx = gxyz[0], gy = gxyz[1], gz = gxyz[2];
            const j = nl.index[pair];
            forces[3 * i] += gx; forces[3 * i + 1] += gy; forces[3 * i + 2] += gz;
            forces[3 * j] -= gx; forces[3 * j + 1] -= gy; forces[3 * j + 2] -= gz;
            if (W) {
                const vx = nl.vectors[3 * pair], vy = nl.vectors[3 * pair + 1], vz = nl.vectors[3 * pair + 2];
                W[0] -= vx * gx; W[1] -= vx * gy; W[2] -= vx * gz;
                W[3] -= vy * gx; W[4] -= vy * gy; W[5] -= vy * gz;
                W[6] -= vz * gx; W[7] -= vz * gy; W[8] -= vz * gz;
            }
        }
    }
    let stress: Float64Array | null = null;
    if (W && frame.cell) {
        const V = cellVolume(frame.cell);
        if (V > 1e-8) stress = W.map((x) => -x / V);
    }
    const energyByOrder: Record<number, number> = {};
    const perAtomEnergyByOrder: Record<number, Float64Array> = {};
    for (let nu = 1; nu <= maxNu; nu++) {
        energyByOrder[nu + 1] = byNu[nu];
        perAtomEnergyByOrder[nu + 1] = perAtomByNu[nu];
    }
    return { energy: total, perAtomEnergy, forces, virial: W, stress, energyByOrder, perAtomEnergyByOrder };
}
