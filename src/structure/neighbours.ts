/**
 * Neighbour lists with a cell (bin) list.
 *
 * Handles any triclinic cell, cells smaller than the cutoff (many periodic images of the same atom, an atom
 * can be its own neighbour through an image), open boundaries (no cell or pbc all false) and mixed periodic
 * flags. The list is full: a pair i→j is stored for i and j→i for j.
 *
 * Method: positions are wrapped into the cell along periodic directions; every image of every atom that can
 * lie within r_cut of the wrapped cell (fractional padding r_cut / h_d, h_d = the height of the cell
 * perpendicular to lattice vector d) is generated once as a "ghost"; ghosts are binned into Cartesian bins
 * of edge ≥ r_cut; each atom then checks the ghosts of its 27 surrounding bins. Cost O(N + ghosts).
 *
 * Conventions: r_ij = r_j + shift − r_i (Å) with shift = n_a a + n_b b + n_c c a lattice translation
 * (rows of `frame.cell`); `shifts` stores (n_a, n_b, n_c) relative to the ORIGINAL (unwrapped) positions.
 */
import { Frame, FrameError, cellVolume } from './frame';
import { invert3 } from './matrix3';

export interface NeighbourList {
  natoms: number;
  rcut: number;
  /** natoms + 1: neighbours of i are pairs k in [offsets[i], offsets[i+1]) */
  offsets: Int32Array;
  /** neighbour atom j of each pair (0..natoms−1); j may equal i for a periodic image */
  index: Int32Array;
  /** 3 per pair: r_ij = r_j + shift − r_i (Å) */
  vectors: Float64Array;
  /** |r_ij| per pair (Å) */
  distances: Float64Array;
  /** 3 per pair: integer lattice translation (n_a, n_b, n_c) of the image of j, relative to the input positions
   *  (always filled by buildNeighbourList; optional so that hand-made lists need not provide it) */
  shifts?: Int32Array;
}

/** A list made by buildNeighbourList: the lattice shifts are always present. */
export interface BuiltNeighbourList extends NeighbourList {
  shifts: Int32Array;
}

/**
 * Limits checked before any list is built (README "Limits"): every coordinate within ±MAX_COORDINATE Å (so a
 * position wraps into its cell to ~1e-10 Å), at most MAX_NEIGHBOURS_PER_ATOM neighbours per atom (estimated from
 * the density N/V for periodic frames before building, counted while building otherwise) and at most MAX_GHOSTS
 * periodic images in all (tiny or flat cells need very many).
 */
export const MAX_COORDINATE = 1e6;
export const MAX_NEIGHBOURS_PER_ATOM = 1000;
export const MAX_GHOSTS = 4_000_000;

/** Smallest distance allowed between two atoms (or an atom and its image); closer is an error. */
export const MIN_PAIR_DISTANCE = 1e-6;

/** A typed array that grows by doubling as values are pushed (Int32Array or Float64Array). */
class Grow<T extends Int32Array | Float64Array> {
    length = 0;
    constructor(public data: T) {}
    push(v: number): void {
        if (this.length === this.data.length) {
            const d = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
            d.set(this.data);
            this.data = d;
        }
        this.data[this.length++] = v;
    }
    trimmed(): T { return this.data.slice(0, this.length) as T; }
}
const growI32 = (cap: number) => new Grow(new Int32Array(Math.max(16, cap)));
const growF64 = (cap: number) => new Grow(new Float64Array(Math.max(16, cap)));

/** Full neighbour list of `frame` within `rcut` (Å), strictly closer than rcut. */
export function buildNeighbourList(frame: Frame, rcut: number): BuiltNeighbourList {
    if (!(rcut > 0) || !Number.isFinite(rcut)) throw new FrameError(`neighbour list: cutoff must be a positive number of Å, got ${rcut}`);
    const n = frame.natoms;
    const pos = frame.positions;
    const cell = frame.cell;
    const periodic = [false, false, false];
    if (cell) for (let d = 0; d < 3; d++) periodic[d] = frame.pbc[d];
    const anyPeriodic = periodic[0] || periodic[1] || periodic[2];
    if (anyPeriodic && (!cell || cellVolume(cell) < 1e-8)) throw new FrameError('neighbour list: periodic frame needs a cell of non-zero volume');

    for (let k = 0; k < 3 * n; k++) {
        const v = pos[k];
        if (!(Math.abs(v) <= MAX_COORDINATE)) {
            throw new FrameError(`neighbour list: atom ${Math.floor(k / 3)} has ${'xyz'[k % 3]} = ${Number.isFinite(v) && Math.abs(v) < 1e6 ? v : v.toExponential(3)} Å, beyond the ±${MAX_COORDINATE.toExponential(0)} Å acelens accepts (wrap positions into the cell)`);
        }
    }
    if (anyPeriodic && cell) {
    // cost before work: periodic images per atom from the cell heights, neighbours per atom from the density
        let imagesPerAtom = 1;
        const V = cellVolume(cell);
        for (let d = 0; d < 3; d++) {
            if (!periodic[d]) continue;
            const e = (d + 1) % 3, f = (d + 2) % 3;
            const cx = cell[3 * e + 1] * cell[3 * f + 2] - cell[3 * e + 2] * cell[3 * f + 1];
            const cy = cell[3 * e + 2] * cell[3 * f] - cell[3 * e] * cell[3 * f + 2];
            const cz = cell[3 * e] * cell[3 * f + 1] - cell[3 * e + 1] * cell[3 * f];
            imagesPerAtom *= 1 + 2 * (rcut / (V / Math.hypot(cx, cy, cz)) + 1);
        }
        if (!(n * imagesPerAtom <= MAX_GHOSTS)) {
            throw new FrameError(`neighbour list: the cell is too small or flat for the ${rcut} Å cutoff: about ${fmtCount(n * imagesPerAtom)} periodic images of its ${n} atoms would be needed (limit ${fmtCount(MAX_GHOSTS)})`);
        }
        if (periodic[0] && periodic[1] && periodic[2]) {
            const perAtom = (n / V) * (4 / 3) * Math.PI * rcut ** 3;
            if (!(perAtom <= MAX_NEIGHBOURS_PER_ATOM)) {
                throw new FrameError(`neighbour list: ${n} atoms in ${V.toPrecision(3)} Å³ give about ${fmtCount(perAtom)} neighbours per atom within ${rcut} Å (limit ${MAX_NEIGHBOURS_PER_ATOM}; is the cell in Å?)`);
            }
        }
    }

    // wrapped positions and the wrap translation of each atom
    const wpos = new Float64Array(3 * n);
    const wrap = new Int32Array(3 * n);
    const range = [0, 0, 0]; // max |shift| per direction
    if (anyPeriodic && cell) {
        const inv = invert3(cell);
        const V = cellVolume(cell);
        const L = (d: number, k: number) => cell[3 * d + k];
        for (let d = 0; d < 3; d++) {
            if (!periodic[d]) continue;
            const e = (d + 1) % 3, f = (d + 2) % 3;
            const cx = L(e, 1) * L(f, 2) - L(e, 2) * L(f, 1);
            const cy = L(e, 2) * L(f, 0) - L(e, 0) * L(f, 2);
            const cz = L(e, 0) * L(f, 1) - L(e, 1) * L(f, 0);
            const h = V / Math.hypot(cx, cy, cz);
            range[d] = Math.ceil(rcut / h) + 1;
        }
        for (let i = 0; i < n; i++) {
            const x = pos[3 * i], y = pos[3 * i + 1], z = pos[3 * i + 2];
            let wx = x, wy = y, wz = z;
            for (let d = 0; d < 3; d++) {
                if (!periodic[d]) continue;
                const f = x * inv[d] + y * inv[3 + d] + z * inv[6 + d];
                const w = Math.floor(f);
                wrap[3 * i + d] = w;
                wx -= w * L(d, 0); wy -= w * L(d, 1); wz -= w * L(d, 2);
            }
            wpos[3 * i] = wx; wpos[3 * i + 1] = wy; wpos[3 * i + 2] = wz;
        }
    } else {
        wpos.set(pos);
    }

    // ghosts: every image that can be within rcut of an atom of the wrapped cell
    const gAtom = growI32(n * 2);
    const gShift = growI32(n * 6);
    const gPos = growF64(n * 6);
    if (anyPeriodic && cell) {
        const inv = invert3(cell);
        const V = cellVolume(cell);
        const pad = [0, 0, 0];
        for (let d = 0; d < 3; d++) {
            if (!periodic[d]) continue;
            const e = (d + 1) % 3, f = (d + 2) % 3;
            const cx = cell[3 * e + 1] * cell[3 * f + 2] - cell[3 * e + 2] * cell[3 * f + 1];
            const cy = cell[3 * e + 2] * cell[3 * f] - cell[3 * e] * cell[3 * f + 2];
            const cz = cell[3 * e] * cell[3 * f + 1] - cell[3 * e + 1] * cell[3 * f];
            pad[d] = rcut / (V / Math.hypot(cx, cy, cz)) + 1e-9;
        }
        const ra = periodic[0] ? range[0] : 0, rb = periodic[1] ? range[1] : 0, rc = periodic[2] ? range[2] : 0;
        for (let j = 0; j < n; j++) {
            const x = wpos[3 * j], y = wpos[3 * j + 1], z = wpos[3 * j + 2];
            const fa = x * inv[0] + y * inv[3] + z * inv[6];
            const fb = x * inv[1] + y * inv[4] + z * inv[7];
            const fc = x * inv[2] + y * inv[5] + z * inv[8];
            for (let sa = -ra; sa <= ra; sa++) {
                if (periodic[0] && (fa + sa < -pad[0] || fa + sa > 1 + pad[0])) continue;
                for (let sb = -rb; sb <= rb; sb++) {
                    if (periodic[1] && (fb + sb < -pad[1] || fb + sb > 1 + pad[1])) continue;
                    for (let sc = -rc; sc <= rc; sc++) {
                        if (periodic[2] && (fc + sc < -pad[2] || fc + sc > 1 + pad[2])) continue;
                        gAtom.push(j);
                        gShift.push(sa); gShift.push(sb); gShift.push(sc);
                        gPos.push(x + sa * cell[0] + sb * cell[3] + sc * cell[6]);
                        gPos.push(y + sa * cell[1] + sb * cell[4] + sc * cell[7]);
                        gPos.push(z + sa * cell[2] + sb * cell[5] + sc * cell[8]);
                    }
                }
            }
        }
    } else {
        for (let j = 0; j < n; j++) {
            gAtom.push(j); gShift.push(0); gShift.push(0); gShift.push(0);
            gPos.push(wpos[3 * j]); gPos.push(wpos[3 * j + 1]); gPos.push(wpos[3 * j + 2]);
        }
    }
    const ng = gAtom.length;
    const ga = gAtom.data, gs = gShift.data, gp = gPos.data;

    // Cartesian bins of edge ≥ rcut over the bounding box of the ghosts
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (let g = 0; g < ng; g++) for (let d = 0; d < 3; d++) {
        const v = gp[3 * g + d];
        if (v < lo[d]) lo[d] = v;
        if (v > hi[d]) hi[d] = v;
    }
    if (ng === 0) for (let d = 0; d < 3; d++) { lo[d] = 0; hi[d] = 0; }
    const nb = [1, 1, 1];
    for (let d = 0; d < 3; d++) nb[d] = Math.max(1, Math.floor((hi[d] - lo[d]) / rcut));
    const maxBins = Math.max(64, 2 * ng);
    while (nb[0] * nb[1] * nb[2] > maxBins) {
        const d = nb[0] >= nb[1] && nb[0] >= nb[2] ? 0 : nb[1] >= nb[2] ? 1 : 2;
        nb[d] = Math.max(1, Math.floor(nb[d] / 2));
    }
    const size = [0, 0, 0];
    for (let d = 0; d < 3; d++) size[d] = Math.max(rcut, (hi[d] - lo[d]) / nb[d]);
    const binOf = (x: number, d: number) => {
        const b = Math.floor((x - lo[d]) / size[d]);
        return b < 0 ? 0 : b >= nb[d] ? nb[d] - 1 : b;
    };
    const nbins = nb[0] * nb[1] * nb[2];
    const binStart = new Int32Array(nbins + 1);
    const gBin = new Int32Array(ng);
    for (let g = 0; g < ng; g++) {
        const b = (binOf(gp[3 * g], 0) * nb[1] + binOf(gp[3 * g + 1], 1)) * nb[2] + binOf(gp[3 * g + 2], 2);
        gBin[g] = b;
        binStart[b + 1]++;
    }
    for (let b = 0; b < nbins; b++) binStart[b + 1] += binStart[b];
    const fill = binStart.slice(0, nbins);
    const binItems = new Int32Array(ng);
    for (let g = 0; g < ng; g++) binItems[fill[gBin[g]]++] = g;

    const rc2 = rcut * rcut;
    const offsets = new Int32Array(n + 1);
    const index = growI32(n * 32);
    const shifts = growI32(n * 96);
    const vectors = growF64(n * 96);
    const distances = growF64(n * 32);
    for (let i = 0; i < n; i++) {
        offsets[i] = index.length;
        if (i > 0 && offsets[i] - offsets[i - 1] > MAX_NEIGHBOURS_PER_ATOM) {
            throw new FrameError(`neighbour list: atom ${i - 1} has ${offsets[i] - offsets[i - 1]} neighbours within ${rcut} Å (limit ${MAX_NEIGHBOURS_PER_ATOM})`);
        }
        const x = wpos[3 * i], y = wpos[3 * i + 1], z = wpos[3 * i + 2];
        const bx = binOf(x, 0), by = binOf(y, 1), bz = binOf(z, 2);
        for (let ix = Math.max(0, bx - 1); ix <= Math.min(nb[0] - 1, bx + 1); ix++)
            for (let iy = Math.max(0, by - 1); iy <= Math.min(nb[1] - 1, by + 1); iy++)
                for (let iz = Math.max(0, bz - 1); iz <= Math.min(nb[2] - 1, bz + 1); iz++) {
                    const b = (ix * nb[1] + iy) * nb[2] + iz;
                    for (let t = binStart[b]; t < binStart[b + 1]; t++) {
                        const g = binItems[t];
                        const j = ga[g];
                        const dx = gp[3 * g] - x, dy = gp[3 * g + 1] - y, dz = gp[3 * g + 2] - z;
                        const d2 = dx * dx + dy * dy + dz * dz;
                        if (d2 >= rc2) continue;
                        const s0 = gs[3 * g], s1 = gs[3 * g + 1], s2 = gs[3 * g + 2];
                        if (j === i && s0 === 0 && s1 === 0 && s2 === 0) continue;
                        const r = Math.sqrt(d2);
                        if (r < MIN_PAIR_DISTANCE) {
                            throw new FrameError(`neighbour list: atoms ${i} and ${j}${j === i ? ' (periodic image)' : ''} are at the same position (distance ${r.toExponential(2)} Å)`);
                        }
                        index.push(j);
                        shifts.push(s0 - wrap[3 * j] + wrap[3 * i]);
                        shifts.push(s1 - wrap[3 * j + 1] + wrap[3 * i + 1]);
                        shifts.push(s2 - wrap[3 * j + 2] + wrap[3 * i + 2]);
                        vectors.push(dx); vectors.push(dy); vectors.push(dz);
                        distances.push(r);
                    }
                }
    }
    offsets[n] = index.length;
    if (n > 0 && offsets[n] - offsets[n - 1] > MAX_NEIGHBOURS_PER_ATOM) {
        throw new FrameError(`neighbour list: atom ${n - 1} has ${offsets[n] - offsets[n - 1]} neighbours within ${rcut} Å (limit ${MAX_NEIGHBOURS_PER_ATOM})`);
    }
    return {
        natoms: n,
        rcut,
        offsets,
        index: index.trimmed(),
        vectors: vectors.trimmed(),
        distances: distances.trimmed(),
        shifts: shifts.trimmed(),
    };
}

function fmtCount(x: number): string {
    return x < 1e6 ? String(Math.round(x)) : x.toExponential(1);
}

/** Largest number of neighbours of any atom. */
export function maxNeighbours(nl: NeighbourList): number {
    let m = 0;
    for (let i = 0; i < nl.natoms; i++) m = Math.max(m, nl.offsets[i + 1] - nl.offsets[i]);
    return m;
}

/**
 * Distance (Å) from every atom to its nearest neighbour, periodic images included (an atom's own images too),
 * or Infinity where no atom lies within `rmax`. Where carbon models break is usually where this is short.
 */
export function nearestNeighbourDistances(frame: Frame, rmax: number): Float64Array {
    const out = new Float64Array(frame.natoms).fill(Infinity);
    if (frame.natoms === 0) return out;
    const nl = buildNeighbourList(frame, rmax);
    for (let i = 0; i < frame.natoms; i++) {
        for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++) if (nl.distances[k] < out[i]) out[i] = nl.distances[k];
    }
    return out;
}
