/**
 * Evaluation of an ACE basis on a structure: design rows for fitting (per-function energies, forces and
 * virials) and fast predictions for a coefficient vector (adjoint / reverse mode: one backward pass per
 * atom with the combined weights).
 *
 * Model: E = Σ_i E_i, E_i = E0 + Σ_k c_k B_ik (+ the fixed core repulsion of spec.coreRepulsion in predict:
 * E_i = E0 + f(ρ_i)·Σ_k c_k B_ik + ρ_i, see core-repulsion.ts; design rows are of the ACE part only).
 * Forces F_a = −∂E/∂r_a; with r_ij = r_j + shift − r_i, a pair gradient g = ∂E_i/∂r_ij adds +g to F_i and
 * −g to F_j. Virial W = −Σ_i Σ_j r_ij ⊗ ∂E_i/∂r_ij (W_αβ = −Σ r_α g_β), stress σ = −W/V (ASE convention,
 * σ = (1/V) ∂E/∂ε, eV/Å³).
 *
 * The arithmetic (one-particle stage, product DAG with a reverse sweep, factorised force stage, tabulated or
 * analytic radials) is in evaluator.ts, the single place where the graph is contracted; this module loops
 * over atoms and neighbours and scatters into force, virial and design rows.
 */
import { AceBasis } from './basis';
import { evaluatorFor, type AceEvaluator, type RadialMode } from './evaluator';
import { Frame, FrameError, assertSupportedSpecies, cellVolume } from '../structure/frame';
import { NeighbourList, buildNeighbourList } from '../structure/neighbours';
import { coreDensity, coreRepulsionPair, cutoffFuncPoly, rhoCoreCutoffOf } from './core-repulsion';

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
  /** energyByOrder[K] = Σ_i Σ_{k of body order K} c_k B_ik (E0 not included; the core repulsion, a pair term, is in K = 2) */
  energyByOrder: Record<number, number>;
  /** perAtomEnergyByOrder[K][i] = Σ_{k of body order K} c_k B_ik (eV): E_i = E0 + Σ_K of these */
  perAtomEnergyByOrder: Record<number, Float64Array>;
}

/** Per-basis scratch of designRows: monomial slot derivatives, the Jacobian, grouping of pairs by atom. */
class Workspace {
    readonly dM: Float64Array;
    readonly J: Float64Array;
    readonly T: Float64Array;
    constructor(readonly basis: AceBasis) {
        this.dM = new Float64Array(basis.monoG.length);
        this.J = new Float64Array(basis.jG.length);
        this.T = new Float64Array(9 * basis.nG);
    }
    /** per-atom slot of each neighbour atom j (−1 = none), for grouping pairs by j in designRows */
    slotOf = new Int32Array(0);
    /** atom of each slot, slot of each pair of the current atom */
    slotAtom = new Int32Array(0);
    pairSlot = new Int32Array(0);
    private acc = new Float64Array(0);
    ensureAtoms(natoms: number): void {
        if (this.slotOf.length < natoms) { this.slotOf = new Int32Array(natoms).fill(-1); }
    }
    /** room for n pairs (and so at most n slots) of one atom */
    ensureSlots(n: number): void {
        if (this.slotAtom.length >= n) return;
        const cap = Math.max(n, Math.ceil(this.slotAtom.length * 1.5), 16);
        this.slotAtom = new Int32Array(cap);
        this.pairSlot = new Int32Array(cap);
    }
    /** the summed pair gradients of n slots (3·nG·n numbers, contents undefined) */
    accFor(n: number): Float64Array {
        const len = 3 * this.basis.nG * n;
        if (this.acc.length < len) this.acc = new Float64Array(Math.max(len, Math.ceil(this.acc.length * 1.5)));
        return this.acc;
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

/**
 * One-particle stage of atom i: radials and harmonics of its neighbours into the evaluator's store and the
 * G's into ev.V[0..nG). Returns the number of neighbours.
 */
function atomFeatures(ev: AceEvaluator, nl: NeighbourList, i: number): number {
    const off = nl.offsets[i];
    const nb = nl.offsets[i + 1] - off;
    ev.ensure(nb);
    const G = ev.V;
    G.fill(0, 0, ev.nG);
    const vec = nl.vectors, dist = nl.distances;
    for (let kk = 0; kk < nb; kk++) {
        const k = off + kk;
        ev.setNeighbour(kk, vec[3 * k], vec[3 * k + 1], vec[3 * k + 2], dist[k]);
        ev.addToG(kk, G);
    }
    return nb;
}

/** ∂M_q/∂G at each slot of each monomial (product of the other factors), from G = ev.V[0..nG). */
function monomialSlotDerivatives(basis: AceBasis, G: Float64Array, dM: Float64Array): void {
    const { nMono, monoStart, monoG } = basis;
    for (let q = 0; q < nMono; q++) {
        const s0 = monoStart[q], s1 = monoStart[q + 1];
        for (let s = s0; s < s1; s++) {
            let o = 1;
            for (let u = s0; u < s1; u++) if (u !== s) o *= G[monoG[u]];
            dM[s] = o;
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
    /** radial functions: 'analytic' (default, exact) or 'tabulated' (cubic Hermite tables, ≤ 1e-10 relative; measured no faster here, see README) */
    radial?: RadialMode;
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
    const ev = evaluatorFor(basis, opts.radial);
    const { dStart, dMono, dCoef, monoStart, jStart, jG, dSlotStart, dSlotJ, nG } = basis;
    const monoV = ev.graph.monoV;
    const rcut = basis.spec.rcut;
    const needGrad = wantF || wantV;
    ws.ensureAtoms(N);
    for (let i = 0; i < N; i++) {
        const nb = atomFeatures(ev, nl, i);
        const V = ev.V;
        ev.graph.forward(V);
        const { dM, J } = ws;
        for (let k = 0; k < K; k++) {
            let b = 0;
            for (let p = dStart[k]; p < dStart[k + 1]; p++) b += dCoef[p] * V[monoV[dMono[p]]];
            perAtom[i * K + k] = b;
            energy[k] += b;
        }
        if (!needGrad || nb === 0) continue;
        monomialSlotDerivatives(basis, V, dM);
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
        // slots: one per distinct neighbour atom j ≠ i (in order of first appearance), then one for i's own
        // periodic images (they move with atom i: no net force row, only the virial sees them)
        ws.ensureSlots(nb);
        const { slotOf, slotAtom, pairSlot } = ws;
        let nslots = 0;
        let selfPairs = false;
        for (let kk = 0; kk < nb; kk++) {
            const j = nl.index[off0 + kk];
            if (j === i) { selfPairs = true; continue; }
            if (slotOf[j] < 0) { slotOf[j] = nslots; slotAtom[nslots++] = j; }
        }
        const nforce = nslots; // slots that make force rows
        if (selfPairs) slotAtom[nslots++] = i;
        for (let kk = 0; kk < nb; kk++) {
            const j = nl.index[off0 + kk];
            pairSlot[kk] = j === i ? nforce : slotOf[j];
        }
        for (let s = 0; s < nforce; s++) slotOf[slotAtom[s]] = -1;
        const costGrouped = nb * (3 * nG + (virial ? 9 * nG : 0)) + nforce * (3 * nnzJ + 3 * K) + 3 * K + (virial ? 9 * nnzJ : 0);
        const costPerPair = nb * (3 * nnzJ + 6 * K + (virial ? 9 * K : 0));
        const contraction = opts.contraction ?? 'auto';
        if (contraction === 'perPair' || (contraction === 'auto' && costPerPair <= costGrouped)) {
            const off = off0;
            for (let kk = 0; kk < nb; kk++) {
                const pair = off + kk;
                if (nl.distances[pair] >= rcut) continue;
                const vx = nl.vectors[3 * pair], vy = nl.vectors[3 * pair + 1], vz = nl.vectors[3 * pair + 2];
                const gradG = ev.gradientsOfG(kk, vx, vy, vz, nl.distances[pair]);
                const j = nl.index[pair];
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
        // grouped: acc[3·(nforce·g + s) + α] = Σ over the pairs of slot s of ∂G_g/∂r_α — for each g the slots
        // are contiguous, so the contraction below reads 4 slots × 3 components in a row per Jacobian entry.
        const { T } = ws;
        const acc = wantF ? ws.accFor(nforce) : null;
        if (acc) acc.fill(0, 0, 3 * nG * nforce);
        if (virial) T.fill(0);
        const stride = 3 * nforce;
        for (let kk = 0; kk < nb; kk++) {
            const pair = off0 + kk;
            if (nl.distances[pair] >= rcut) continue;
            const s = pairSlot[kk];
            const own = s === nforce; // a periodic image of atom i
            if (own && !virial) continue;
            ev.addGradientsOfG(kk, nl.vectors[3 * pair], nl.vectors[3 * pair + 1], nl.vectors[3 * pair + 2], nl.distances[pair], own ? null : acc, 3 * s, stride, virial ? T : null);
        }
        if (acc && nforce > 0) {
            // force rows: slot s (atom j) gets −g_s, atom i gets +Σ_s g_s, with g_s,k = Σ_p J_kp acc_s,jG[p];
            // four slots at a time, every function k in turn (the 12 force rows of a block are written in order)
            const fi = 3 * i * K;
            let s = 0;
            for (; s + 4 <= nforce; s += 4) {
                const f0 = 3 * slotAtom[s] * K, f1 = 3 * slotAtom[s + 1] * K, f2 = 3 * slotAtom[s + 2] * K, f3 = 3 * slotAtom[s + 3] * K;
                const so = 3 * s;
                for (let k = 0; k < K; k++) {
                    let x0 = 0, y0 = 0, z0 = 0, x1 = 0, y1 = 0, z1 = 0, x2 = 0, y2 = 0, z2 = 0, x3 = 0, y3 = 0, z3 = 0;
                    for (let p = jStart[k], p1 = jStart[k + 1]; p < p1; p++) {
                        const c = J[p], o = stride * jG[p] + so;
                        x0 += c * acc[o]; y0 += c * acc[o + 1]; z0 += c * acc[o + 2];
                        x1 += c * acc[o + 3]; y1 += c * acc[o + 4]; z1 += c * acc[o + 5];
                        x2 += c * acc[o + 6]; y2 += c * acc[o + 7]; z2 += c * acc[o + 8];
                        x3 += c * acc[o + 9]; y3 += c * acc[o + 10]; z3 += c * acc[o + 11];
                    }
                    forces[f0 + k] -= x0; forces[f0 + K + k] -= y0; forces[f0 + 2 * K + k] -= z0;
                    forces[f1 + k] -= x1; forces[f1 + K + k] -= y1; forces[f1 + 2 * K + k] -= z1;
                    forces[f2 + k] -= x2; forces[f2 + K + k] -= y2; forces[f2 + 2 * K + k] -= z2;
                    forces[f3 + k] -= x3; forces[f3 + K + k] -= y3; forces[f3 + 2 * K + k] -= z3;
                    forces[fi + k] += (x0 + x1) + (x2 + x3); forces[fi + K + k] += (y0 + y1) + (y2 + y3); forces[fi + 2 * K + k] += (z0 + z1) + (z2 + z3);
                }
            }
            for (; s < nforce; s++) {
                const f0 = 3 * slotAtom[s] * K, so = 3 * s;
                for (let k = 0; k < K; k++) {
                    let x = 0, y = 0, z = 0;
                    for (let p = jStart[k], p1 = jStart[k + 1]; p < p1; p++) {
                        const c = J[p], o = stride * jG[p] + so;
                        x += c * acc[o]; y += c * acc[o + 1]; z += c * acc[o + 2];
                    }
                    forces[f0 + k] -= x; forces[f0 + K + k] -= y; forces[f0 + 2 * K + k] -= z;
                    forces[fi + k] += x; forces[fi + K + k] += y; forces[fi + 2 * K + k] += z;
                }
            }
        }
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

/** Energy, per-atom energies, forces, virial and stress of a linear ACE model (adjoint evaluation). */
export function predict(
    basis: AceBasis,
    coefficients: Float64Array,
    e0: number,
    frame: Frame,
    opts: { forces?: boolean; neighbours?: NeighbourList; radial?: RadialMode } = {},
): Prediction {
    const nl = neighboursFor(basis, frame, opts.neighbours);
    const wantF = opts.forces ?? true;
    const N = frame.natoms;
    const w = monomialWeights(basis, coefficients);
    const ev = evaluatorFor(basis, opts.radial);
    const perAtomEnergy = new Float64Array(N);
    const forces = new Float64Array(wantF ? 3 * N : 0);
    const W = wantF && frame.cell ? new Float64Array(9) : null;
    const maxNu = basis.spec.order - 1;
    const byNu = new Float64Array(maxNu + 1);
    const atomNu = new Float64Array(maxNu + 1);
    const perAtomByNu: Float64Array[] = [];
    for (let nu = 0; nu <= maxNu; nu++) perAtomByNu.push(new Float64Array(N));
    const rcut = basis.spec.rcut;
    const gG = new Float64Array(basis.nG);
    // core repulsion (spec.coreRepulsion, core-repulsion.ts): E_i = E0 + f(ρ_i)·E_ACE,i + ρ_i, ρ_i = ½ Σ_j V(r_ij)
    const core = basis.spec.coreRepulsion;
    const { rhoCut, drhoCut } = rhoCoreCutoffOf(core);
    let total = 0;
    for (let i = 0; i < N; i++) {
        const nb = nl.offsets[i + 1] - nl.offsets[i];
        ev.atomOneParticle(nl.vectors, nl.distances, nl.offsets[i], nb);
        atomNu.fill(0);
        let Ei = ev.contract(w, atomNu, wantF ? gG : null);
        let fcut = 1, dEdRho = 1;
        if (core) {
            const rho = coreDensity(core, nl, i);
            let dfcut: number;
            [fcut, dfcut] = cutoffFuncPoly(rho, rhoCut, drhoCut);
            dEdRho = Ei * dfcut + 1;
            if (fcut !== 1) {
                for (let nu = 1; nu <= maxNu; nu++) atomNu[nu] *= fcut;
                if (wantF) for (let g = 0; g < gG.length; g++) gG[g] *= fcut;
            }
            Ei = Ei * fcut + rho;
            atomNu[1] += rho; // a pair term: body order 2
        }
        for (let nu = 1; nu <= maxNu; nu++) {
            perAtomByNu[nu][i] = atomNu[nu];
            byNu[nu] += atomNu[nu];
        }
        perAtomEnergy[i] = e0 + Ei;
        total += e0 + Ei;
        if (!wantF || nb === 0) continue;
        const off = nl.offsets[i];
        ev.atomPairGradients(gG, nl.vectors, off, nb);
        const pg = ev.pairGrad;
        for (let kk = 0; kk < nb; kk++) {
            const pair = off + kk;
            const r = nl.distances[pair];
            if (r >= rcut) continue;
            const vx = nl.vectors[3 * pair], vy = nl.vectors[3 * pair + 1], vz = nl.vectors[3 * pair + 2];
            let gx = pg[3 * kk], gy = pg[3 * kk + 1], gz = pg[3 * kk + 2];
            if (core && r <= core.rInner) {
                const s = (dEdRho * 0.5 * coreRepulsionPair(core, r)[1]) / r;
                gx += s * vx; gy += s * vy; gz += s * vz;
            }
            const j = nl.index[pair];
            forces[3 * i] += gx; forces[3 * i + 1] += gy; forces[3 * i + 2] += gz;
            forces[3 * j] -= gx; forces[3 * j + 1] -= gy; forces[3 * j + 2] -= gz;
            if (W) {
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
