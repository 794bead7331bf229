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
    slotAtom = new Int32Array(0);
    acc = new Float64Array(0);
    ensureAtoms(natoms: number): void {
        if (this.slotOf.length < natoms) { this.slotOf = new Int32Array(natoms).fill(-1); }
    }
    ensureSlots(n: number): void {
        if (this.slotAtom.length >= n) return;
        const cap = Math.max(n, Math.ceil(this.slotAtom.length * 1.5), 16);
        this.slotAtom = new Int32Array(cap);
        this.acc = new Float64Array(cap * 3 * this.basis.nG);
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
        const off = nl.offsets[i];
        const nG3 = 3 * nG;
        ws.ensureSlots(nb);
        const { slotOf, slotAtom, acc, T } = ws;
        let nslots = 0;
        if (virial) T.fill(0);
        for (let kk = 0; kk < nb; kk++) {
            const pair = off + kk;
            if (nl.distances[pair] >= rcut) continue;
            const gradG = ev.gradientsOfG(kk, nl.vectors[3 * pair], nl.vectors[3 * pair + 1], nl.vectors[3 * pair + 2], nl.distances[pair]);
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
