/**
 * Short-range core repulsion: a fixed (not fitted) pair term that makes a bulk-trained model safe at short
 * distances, in the form ML-PACE evaluates for `ACE.jl.base` radials (the `polypairpot` + `reppot` of
 * ACE.jl's repulsive core, ships_radial.cpp), so it exports to .yace exactly:
 *
 *   V(r) = e0 + B·exp(−A(r/r_i − 1))·r_i/r   for r ≤ r_i,   0 for r > r_i,
 *
 * with the outer pair polynomial zero and the core matched to it in value and slope at r_i (as ACE1's
 * RepulsiveCore does): e0 = −B, A = −1, i.e.
 *
 *   V(r) = B·((r_i/r)·e^(r/r_i − 1) − 1)   (C¹ at r_i; V ~ B·r_i/(e·r) as r → 0).
 *
 * The defaults B = 600 eV, r_i = 1.0 Å follow the Ziegler–Biersack–Littmark universal C–C repulsion within
 * 7 % at 0.3–0.6 Å (ZBL: 398, 209, 120, 74 eV at 0.3, 0.4, 0.5, 0.6 Å; this: 393, 223, 128, 70 eV), are softer
 * where the wall fades out (0.7–1 Å) and leave every distance ≥ 1 Å untouched.
 *
 * Site energies (as ML-PACE): ρ_i = ½ Σ_j V(r_ij) (the "core density"), E_i = E0 + f(ρ_i)·E_ACE,i + ρ_i with
 * ML-PACE's density inner cutoff f (1 below ρ_cut − Δρ, 0 above ρ_cut, a quintic switch between; the
 * embedding's rho_core_cutoff / drho_core_cutoff). With the defaults (10⁵ eV, 250 eV) f < 1 only below
 * ~0.001 Å. Fits require f = 1 on every training atom.
 */
import type { Frame } from '../structure/frame';
import { cellVolume } from '../structure/frame';
import { buildNeighbourList, type NeighbourList } from '../structure/neighbours';

export interface CoreRepulsionSpec {
  kind: 'acejl-core';
  /** B (eV): strength of the wall, V(r) = B·((r_i/r)·e^(r/r_i − 1) − 1) */
  strength: number;
  /** r_i (Å): the wall acts below r_i only */
  rInner: number;
  /** ML-PACE's rho_core_cutoff (eV): the ACE energy is switched off where ρ_i exceeds it (default 1e5) */
  rhoCoreCutoff?: number;
  /** ML-PACE's drho_core_cutoff (eV): width of that switch (default 250) */
  drhoCoreCutoff?: number;
}

export const DEFAULT_CORE_REPULSION: CoreRepulsionSpec = { kind: 'acejl-core', strength: 600, rInner: 1.0 };
export const DEFAULT_RHO_CORE_CUTOFF = 100000;
export const DEFAULT_DRHO_CORE_CUTOFF = 250;

export function rhoCoreCutoffOf(c: CoreRepulsionSpec | undefined): { rhoCut: number; drhoCut: number } {
    return { rhoCut: c?.rhoCoreCutoff ?? DEFAULT_RHO_CORE_CUTOFF, drhoCut: c?.drhoCoreCutoff ?? DEFAULT_DRHO_CORE_CUTOFF };
}

/** Checks an untrusted core-repulsion spec; `rcut` the basis cutoff (r_i must be below it). Throws Error(message). */
export function checkCoreRepulsion(o: unknown, rcut: number, where: string): CoreRepulsionSpec {
    const w = `${where}: coreRepulsion`;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error(`${w}: expected an object, got ${JSON.stringify(o)}`);
    const c = o as Record<string, unknown>;
    const keys = ['kind', 'strength', 'rInner', 'rhoCoreCutoff', 'drhoCoreCutoff'];
    for (const k of Object.keys(c)) if (!keys.includes(k)) throw new Error(`${w}: unknown key '${k}' (expected ${keys.join(', ')})`);
    if (c.kind !== 'acejl-core') throw new Error(`${w}: 'kind' must be 'acejl-core', got ${JSON.stringify(c.kind)}`);
    const num = (k: string) => {
        const v = c[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${w}: '${k}' must be a finite number, got ${JSON.stringify(v)}`);
        return v;
    };
    const strength = num('strength'), rInner = num('rInner');
    if (!(strength > 0)) throw new Error(`${w}: 'strength' (B, eV) must be > 0, got ${strength}`);
    if (!(rInner > 0 && rInner < rcut)) throw new Error(`${w}: 'rInner' (r_i, Å) must satisfy 0 < r_i < rcut (${rcut}), got ${rInner}`);
    const out: CoreRepulsionSpec = { kind: 'acejl-core', strength, rInner };
    if (c.rhoCoreCutoff !== undefined) out.rhoCoreCutoff = num('rhoCoreCutoff');
    if (c.drhoCoreCutoff !== undefined) out.drhoCoreCutoff = num('drhoCoreCutoff');
    const { rhoCut, drhoCut } = rhoCoreCutoffOf(out);
    if (!(drhoCut > 0 && rhoCut > drhoCut)) throw new Error(`${w}: need 0 < drhoCoreCutoff < rhoCoreCutoff, got ${drhoCut} and ${rhoCut}`);
    return out;
}

/**
 * Parses the CLI form `B,r_i` (eV, Å), e.g. "600,1.0"; an empty string or `true` gives the defaults.
 */
export function parseCoreRepulsion(text: string | true): CoreRepulsionSpec {
    if (text === true || text.trim() === '' || text.trim() === 'default') return { ...DEFAULT_CORE_REPULSION };
    const parts = text.split(',').map((s) => s.trim());
    const nums = parts.map(Number);
    if (parts.length !== 2 || nums.some((v) => !Number.isFinite(v))) throw new Error(`--core-repulsion: expected B,r_i (eV, Å), e.g. ${DEFAULT_CORE_REPULSION.strength},${DEFAULT_CORE_REPULSION.rInner}; got ${JSON.stringify(text)}`);
    if (!(nums[0] > 0) || !(nums[1] > 0)) throw new Error(`--core-repulsion: B and r_i must be > 0, got ${text}`);
    return { kind: 'acejl-core', strength: nums[0], rInner: nums[1] };
}

/** One-line description for `acelens eval`, model info and panels. */
export function describeCoreRepulsion(c: CoreRepulsionSpec | undefined): string {
    if (!c) return 'none';
    return `ACE.jl core V(r) = B((r_i/r)e^(r/r_i−1) − 1) below r_i, B = ${c.strength} eV, r_i = ${c.rInner} Å`;
}

/**
 * V(r) and V'(r) (eV, eV/Å) of the pair repulsion, written as ML-PACE evaluates it (e0 + B e^(−A(r/r_i−1)) r_i/r
 * with e0 = −B, A = −1; zero beyond r_i).
 */
export function coreRepulsionPair(c: CoreRepulsionSpec, r: number): [number, number] {
    const ri = c.rInner;
    if (r > ri) return [0, 0];
    const B = c.strength, A = -1, e0 = -B;
    const ex = Math.exp(-A * (r / ri - 1));
    return [e0 + B * ex * (ri / r), B * ex * ri * (-A / ri / r - 1 / (r * r))];
}

/** ML-PACE's cutoff_func_poly: 1 for x ≤ x0 − Δ, 0 for x ≥ x0, a quintic between; returns [f, f']. */
export function cutoffFuncPoly(x: number, x0: number, delta: number): [number, number] {
    if (x <= x0 - delta) return [1, 0];
    if (x >= x0) return [0, 0];
    const y = 1 - 2 * (1 + (x - x0) / delta);
    return [0.5 + (7.5 / 2) * (y / 4 - Math.pow(y, 3) / 6 + Math.pow(y, 5) / 20), (-7.5 / delta) * (0.25 - (y * y) / 2.0 + Math.pow(y, 4) / 4)];
}

/** Core density ρ_i = ½ Σ_j V(r_ij) of atom i (neighbour list of any cutoff ≥ r_i). */
export function coreDensity(c: CoreRepulsionSpec, nl: NeighbourList, i: number): number {
    let rho = 0;
    for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++) {
        const r = nl.distances[k];
        if (r <= c.rInner) rho += 0.5 * coreRepulsionPair(c, r)[0];
    }
    return rho;
}

export interface CoreRepulsionTerms {
  energy: number;
  perAtom: Float64Array;
  /** natoms × 3 (eV/Å) */
  forces: Float64Array;
  /** 3×3 (eV), W = −Σ r_ij ⊗ ∂E/∂r_ij; null without a cell */
  virial: Float64Array | null;
  /** smallest density switch f(ρ_i) over the atoms (1 where the ACE energy is fully on) */
  minSwitch: number;
}

/** Energy, per-atom energies, forces and virial of the repulsion alone (the switch f not applied). */
export function coreRepulsionTerms(c: CoreRepulsionSpec, frame: Frame, nl?: NeighbourList): CoreRepulsionTerms {
    const list = nl ?? buildNeighbourList(frame, c.rInner + 1e-9);
    const N = frame.natoms;
    const perAtom = new Float64Array(N), forces = new Float64Array(3 * N);
    const W = frame.cell ? new Float64Array(9) : null;
    const { rhoCut, drhoCut } = rhoCoreCutoffOf(c);
    let energy = 0, minSwitch = 1;
    for (let i = 0; i < N; i++) {
        for (let k = list.offsets[i]; k < list.offsets[i + 1]; k++) {
            const r = list.distances[k];
            if (r > c.rInner) continue;
            const [v, dv] = coreRepulsionPair(c, r);
            perAtom[i] += 0.5 * v;
            const s = (0.5 * dv) / r;
            const vx = list.vectors[3 * k], vy = list.vectors[3 * k + 1], vz = list.vectors[3 * k + 2];
            const gx = s * vx, gy = s * vy, gz = s * vz, j = list.index[k];
            forces[3 * i] += gx; forces[3 * i + 1] += gy; forces[3 * i + 2] += gz;
            forces[3 * j] -= gx; forces[3 * j + 1] -= gy; forces[3 * j + 2] -= gz;
            if (W) {
                W[0] -= vx * gx; W[1] -= vx * gy; W[2] -= vx * gz;
                W[3] -= vy * gx; W[4] -= vy * gy; W[5] -= vy * gz;
                W[6] -= vz * gx; W[7] -= vz * gy; W[8] -= vz * gz;
            }
        }
        energy += perAtom[i];
        minSwitch = Math.min(minSwitch, cutoffFuncPoly(perAtom[i], rhoCut, drhoCut)[0]);
    }
    return { energy, perAtom, forces, virial: W, minSwitch };
}

/**
 * The frame with the repulsion taken off its labels (energy, forces, stress), for fitting the ACE part:
 * E − E_rep, F − F_rep, σ − σ_rep. Throws when the density switch is active on an atom (the ACE part would no
 * longer be linear in the coefficients there).
 */
export function subtractCoreRepulsion(c: CoreRepulsionSpec, frame: Frame, name = 'structure'): Frame {
    const t = coreRepulsionTerms(c, frame);
    if (t.energy === 0) return frame;
    if (t.minSwitch < 1) {
        throw new Error(`${name}: an atom's core-repulsion density exceeds rhoCoreCutoff − drhoCoreCutoff (${rhoCoreCutoffOf(c).rhoCut - rhoCoreCutoffOf(c).drhoCut} eV): atoms closer than the fit can describe; remove the structure or raise rhoCoreCutoff`);
    }
    const out: Frame = { ...frame };
    if (frame.energy !== undefined) out.energy = frame.energy - t.energy;
    if (frame.forces) out.forces = frame.forces.map((f, k) => f - t.forces[k]);
    if (frame.stress && frame.cell && t.virial) {
        const V = cellVolume(frame.cell);
        out.stress = frame.stress.map((s, k) => s + t.virial![k] / V);
    }
    return out;
}
