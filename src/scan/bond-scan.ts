/**
 * Bond scan inside a structure: atom j moves along the i→j bond (the minimum-image vector for periodic
 * frames) so that its distance from i runs from `from` to `to` (Å); every other atom stays fixed.
 *
 * Incremental evaluation: the unperturbed frame is predicted once; then at each distance only the sites
 * that see the moving atom (any periodic image of it) within r_cut at its old or its new position, and
 * the moving atom itself, are re-evaluated:
 *   E(r) = E_start + Σ_{changed sites a} (E_a(r) − E_a(start)).
 * For a site a ≠ j only the moving neighbour changes, so its G vector is (G of its fixed neighbours, built
 * once) + (terms of the images of j) — see src/ace/sites.ts. The force on j is exact: −∂E/∂r_j collects
 * the gradient of j's own site and of every site that has j inside its cutoff.
 *
 * Units: Å, eV, eV/Å. For a periodic frame, moving atom j moves all of its images with it (the scan is of
 * the periodic structure, as a full re-evaluation of the moved frame would be).
 */
import { predict } from '../ace/evaluate';
import { SiteEvaluator } from '../ace/sites';
import type { Model } from '../model/model';
import { cellVolume, FrameError, type Frame } from '../structure/frame';
import { buildNeighbourList, MIN_PAIR_DISTANCE } from '../structure/neighbours';
import { invert3 } from '../structure/matrix3';

export interface BondScanOptions {
  /** index of the fixed atom (0-based) */
  i: number;
  /** index of the moving atom (0-based) */
  j: number;
  /** first i–j distance (Å) */
  from: number;
  /** last i–j distance (Å) */
  to: number;
  /** number of distances, evenly spaced with both ends included (≥ 2) */
  points: number;
  /** called after each point (e.g. to stream points into a plot): total energy and energy − startEnergy (eV) */
  onPoint?: (index: number, r: number, energy: number, relativeEnergy: number) => void;
  signal?: AbortSignal;
}

export interface BondScan {
  i: number;
  j: number;
  /** i–j distances (Å) */
  r: number[];
  /** total energy of the structure at each distance (eV) */
  energy: number[];
  /** energy − startEnergy (eV): relative to the unperturbed (loaded) structure, not to the first point */
  relativeEnergy: number[];
  /** force on j along the bond, F_j · u (eV/Å); positive pushes j away from i */
  forceAlongBond: number[];
  /** body order K → its part of the energy at each distance (eV, E0 not included) */
  energyByOrder: Record<number, number[]>;
  /** i–j distance in the unperturbed structure (Å) */
  startDistance: number;
  /** total energy of the unperturbed structure (eV) */
  startEnergy: number;
  /** unit vector i→j (minimum image) */
  direction: [number, number, number];
  /** largest number of sites whose energy differs from the start at one distance (the moving atom included) */
  maxSitesPerPoint: number;
}

/** The i→j vector (minimum image for periodic frames), its length and direction. */
export function bondVector(frame: Frame, i: number, j: number): { vector: [number, number, number]; distance: number; direction: [number, number, number] } {
    checkAtoms(frame, i, j);
    const p = frame.positions;
    let dx = p[3 * j] - p[3 * i], dy = p[3 * j + 1] - p[3 * i + 1], dz = p[3 * j + 2] - p[3 * i + 2];
    const per = periodicFlags(frame);
    const cell = frame.cell;
    if (cell && (per[0] || per[1] || per[2])) {
        const inv = invert3(cell);
        // fractional difference, wrapped to [−0.5, 0.5) along periodic directions, then the shortest of the
        // neighbouring images (exact for any reasonably reduced cell)
        const f = [0, 1, 2].map((d) => dx * inv[d] + dy * inv[3 + d] + dz * inv[6 + d]);
        for (let d = 0; d < 3; d++) if (per[d]) f[d] -= Math.round(f[d]);
        let best = Infinity, bx = 0, by = 0, bz = 0;
        const r = (d: number) => (per[d] ? 1 : 0);
        for (let a = -r(0); a <= r(0); a++)
            for (let b = -r(1); b <= r(1); b++)
                for (let c = -r(2); c <= r(2); c++) {
                    const fa = f[0] + a, fb = f[1] + b, fc = f[2] + c;
                    const x = fa * cell[0] + fb * cell[3] + fc * cell[6];
                    const y = fa * cell[1] + fb * cell[4] + fc * cell[7];
                    const z = fa * cell[2] + fb * cell[5] + fc * cell[8];
                    const d2 = x * x + y * y + z * z;
                    if (d2 < best) { best = d2; bx = x; by = y; bz = z; }
                }
        dx = bx; dy = by; dz = bz;
    }
    const distance = Math.hypot(dx, dy, dz);
    if (!(distance > MIN_PAIR_DISTANCE)) throw new FrameError(`bond scan: atoms ${i} and ${j} are at the same position; the bond has no direction`);
    return { vector: [dx, dy, dz], distance, direction: [dx / distance, dy / distance, dz / distance] };
}

/** A copy of `frame` with atom j moved along the i→j bond to distance r (Å) from i; labels dropped. */
export function displacedFrame(frame: Frame, i: number, j: number, r: number): Frame {
    const { distance, direction } = bondVector(frame, i, j);
    const positions = Float64Array.from(frame.positions);
    const d = r - distance;
    for (let a = 0; a < 3; a++) positions[3 * j + a] += d * direction[a];
    return {
        natoms: frame.natoms,
        positions,
        species: frame.species.slice(),
        cell: frame.cell ? Float64Array.from(frame.cell) : null,
        pbc: [frame.pbc[0], frame.pbc[1], frame.pbc[2]],
        configType: frame.configType,
        info: { ...frame.info },
        arrays: {},
    };
}

function checkAtoms(frame: Frame, i: number, j: number): void {
    const n = frame.natoms;
    const bad = (name: string, v: number) =>
        !Number.isInteger(v) || v < 0 || v >= n ? `bond scan: atom ${name} = ${v} is not an atom index of this structure (0..${n - 1}, ${n} atoms)` : null;
    const e = bad('i', i) ?? bad('j', j);
    if (e) throw new FrameError(e);
    if (i === j) throw new FrameError(`bond scan: atoms i and j must differ (both are ${i})`);
}

function periodicFlags(frame: Frame): [boolean, boolean, boolean] {
    const c = frame.cell !== null;
    return [c && frame.pbc[0], c && frame.pbc[1], c && frame.pbc[2]];
}

/** Evenly spaced distances from → to, both included. */
export function scanGrid(from: number, to: number, points: number): number[] {
    if (!Number.isFinite(from) || !(from > 0)) throw new FrameError(`bond scan: 'from' must be a distance > 0 Å, got ${from}`);
    if (!Number.isFinite(to) || !(to > 0)) throw new FrameError(`bond scan: 'to' must be a distance > 0 Å, got ${to}`);
    if (from === to) throw new FrameError(`bond scan: 'from' and 'to' are both ${from} Å; give a range`);
    if (!Number.isInteger(points) || points < 2) throw new FrameError(`bond scan: points must be an integer ≥ 2, got ${points}`);
    const r: number[] = [];
    for (let k = 0; k < points; k++) r.push(from + ((to - from) * k) / (points - 1));
    return r;
}

/**
 * Every image of every atom within `R` of atom j's position: arrays of atom index and vector r_b + T − r_j
 * (j's own images with T ≠ 0 included, j itself excluded). Brute force over the lattice translations that
 * can reach within R (O(N · images)); no cell: every atom once.
 */
function imagesAround(frame: Frame, j: number, R: number): { atom: number[]; vec: number[] } {
    const per = periodicFlags(frame);
    const cell = frame.cell;
    const range = [0, 0, 0];
    if (cell && (per[0] || per[1] || per[2])) {
        const V = cellVolume(cell);
        if (!(V > 1e-8)) throw new FrameError('bond scan: periodic frame needs a cell of non-zero volume');
        for (let d = 0; d < 3; d++) {
            if (!per[d]) continue;
            const e = (d + 1) % 3, f = (d + 2) % 3;
            const cx = cell[3 * e + 1] * cell[3 * f + 2] - cell[3 * e + 2] * cell[3 * f + 1];
            const cy = cell[3 * e + 2] * cell[3 * f] - cell[3 * e] * cell[3 * f + 2];
            const cz = cell[3 * e] * cell[3 * f + 1] - cell[3 * e + 1] * cell[3 * f];
            const h = V / Math.hypot(cx, cy, cz);
            range[d] = Math.ceil(R / h) + 1;
        }
    }
    const p = frame.positions;
    const jx = p[3 * j], jy = p[3 * j + 1], jz = p[3 * j + 2];
    // put every atom in the image nearest to j first (fractional wrap), so the ranges above suffice
    const inv = cell && (per[0] || per[1] || per[2]) ? invert3(cell) : null;
    const atom: number[] = [];
    const vec: number[] = [];
    const R2 = R * R;
    for (let b = 0; b < frame.natoms; b++) {
        let x0 = p[3 * b] - jx, y0 = p[3 * b + 1] - jy, z0 = p[3 * b + 2] - jz;
        if (inv && cell) {
            for (let d = 0; d < 3; d++) {
                if (!per[d]) continue;
                const f = x0 * inv[d] + y0 * inv[3 + d] + z0 * inv[6 + d];
                const w = Math.round(f);
                x0 -= w * cell[3 * d]; y0 -= w * cell[3 * d + 1]; z0 -= w * cell[3 * d + 2];
            }
        }
        for (let sa = -range[0]; sa <= range[0]; sa++)
            for (let sb = -range[1]; sb <= range[1]; sb++)
                for (let sc = -range[2]; sc <= range[2]; sc++) {
                    let x = x0, y = y0, z = z0;
                    if (cell) {
                        x += sa * cell[0] + sb * cell[3] + sc * cell[6];
                        y += sa * cell[1] + sb * cell[4] + sc * cell[7];
                        z += sa * cell[2] + sb * cell[5] + sc * cell[8];
                    }
                    const d2 = x * x + y * y + z * z;
                    if (d2 >= R2) continue;
                    if (b === j && d2 < MIN_PAIR_DISTANCE * MIN_PAIR_DISTANCE) continue; // j itself
                    atom.push(b);
                    vec.push(x, y, z);
                }
    }
    return { atom, vec };
}

/** What a full-evaluation bond scan needs of a model (an acelens Model or a loaded PACE potential). */
export interface ScanPredictor {
  order: number;
  predict(frame: Frame, opts: { forces?: boolean }): { energy: number; forces: Float64Array; energyByOrder: Record<number, number> };
}

/**
 * Bond scan by full evaluation at every distance (models the incremental scan does not cover: PACE potentials,
 * acelens models with a core repulsion, whose density switch couples each site to all its close pairs).
 * `byOrder` false: no body-order split.
 */
export function fullBondScan(model: ScanPredictor, frame: Frame, opts: BondScanOptions, byOrder = true): BondScan {
    const { i, j } = opts;
    checkAtoms(frame, i, j);
    const grid = scanGrid(opts.from, opts.to, opts.points);
    const { distance: d0, direction } = bondVector(frame, i, j);
    const start = model.predict(frame, { forces: false }).energy;
    const out: BondScan = {
        i, j, r: grid, energy: [], relativeEnergy: [], forceAlongBond: [], energyByOrder: {}, startDistance: d0, startEnergy: start,
        direction, maxSitesPerPoint: frame.natoms,
    };
    if (byOrder) for (let K = 2; K <= model.order; K++) out.energyByOrder[K] = [];
    const p = frame.positions;
    grid.forEach((r, k) => {
        const pos = Float64Array.from(p);
        for (let a = 0; a < 3; a++) pos[3 * j + a] = p[3 * j + a] + (r - d0) * direction[a];
        const f: Frame = { ...frame, positions: pos, energy: undefined, forces: undefined, stress: undefined };
        const q = model.predict(f, { forces: true });
        out.energy.push(q.energy);
        out.relativeEnergy.push(q.energy - start);
        out.forceAlongBond.push(q.forces[3 * j] * direction[0] + q.forces[3 * j + 1] * direction[1] + q.forces[3 * j + 2] * direction[2]);
        for (const K of Object.keys(out.energyByOrder)) out.energyByOrder[Number(K)].push(q.energyByOrder[Number(K)] ?? 0);
        opts.onPoint?.(k, r, q.energy, q.energy - start);
    });
    return out;
}

/** Bond scan of `model` on `frame`; see the module comment. */
export function bondScan(model: Model, frame: Frame, opts: BondScanOptions): BondScan {
    if (model.spec.coreRepulsion) return fullBondScan(model, frame, opts);
    const { i, j } = opts;
    checkAtoms(frame, i, j);
    const grid = scanGrid(opts.from, opts.to, opts.points);
    const { distance: d0, direction } = bondVector(frame, i, j);
    const [ux, uy, uz] = direction;
    const rcut = model.spec.rcut;
    const rc2 = rcut * rcut;
    const order = model.order;

    // the unperturbed structure, once
    const nl = buildNeighbourList(frame, rcut);
    const base = predict(model.basis, model.coefficients, model.e0, frame, { forces: false, neighbours: nl });
    const startEnergy = base.energy;

    // displacements δ = r − d0 along u; the old position (δ = 0) counts as part of the path
    let dmin = 0, dmax = 0;
    for (const r of grid) { dmin = Math.min(dmin, r - d0); dmax = Math.max(dmax, r - d0); }
    const L = Math.max(-dmin, dmax);
    const imgs = imagesAround(frame, j, rcut + L);

    const ev = new SiteEvaluator(model.basis, model.coefficients, model.e0);
    const nG = ev.nG;

    // neighbours of j: other atoms (vector from j's old position) and j's own images (fixed vectors)
    const jOther: number[] = [], jOtherAtom: number[] = [], jSelf: number[] = [];
    // sites a ≠ j that see an image of j somewhere on the path: w = r_j + T − r_a = −v
    const siteOf = new Map<number, number>();
    const siteAtoms: number[] = [];
    const siteImgs: number[][] = [];
    for (let t = 0; t < imgs.atom.length; t++) {
        const b = imgs.atom[t];
        const vx = imgs.vec[3 * t], vy = imgs.vec[3 * t + 1], vz = imgs.vec[3 * t + 2];
        if (b === j) {
            if (vx * vx + vy * vy + vz * vz < rc2) jSelf.push(vx, vy, vz);
            continue;
        }
        jOther.push(vx, vy, vz);
        jOtherAtom.push(b);
        // closest approach of the image of j (seen from b at −v + δu) over δ ∈ [dmin, dmax]
        const wx = -vx, wy = -vy, wz = -vz;
        let dd = -(wx * ux + wy * uy + wz * uz);
        dd = Math.min(dmax, Math.max(dmin, dd));
        const cx = wx + dd * ux, cy = wy + dd * uy, cz = wz + dd * uz;
        if (cx * cx + cy * cy + cz * cz >= rc2) continue;
        let s = siteOf.get(b);
        if (s === undefined) {
            s = siteAtoms.length;
            siteOf.set(b, s);
            siteAtoms.push(b);
            siteImgs.push([]);
        }
        siteImgs[s].push(wx, wy, wz);
    }
    const nSites = siteAtoms.length;

    // fixed part of each site's G (all neighbours but images of j), and its energy at the start
    const Gfixed = new Float64Array(nSites * nG);
    const siteStartE = new Float64Array(nSites);
    const siteStartK = new Float64Array(nSites * (order + 1));
    // energy of each site without any image of j in range (the same at every point where j is out of its
    // cutoff), computed when first needed
    const siteLostE = new Float64Array(nSites).fill(NaN);
    const siteLostK = new Float64Array(nSites * (order + 1));
    const G = ev.newG();
    const gG = ev.newG();
    const byK = new Float64Array(order + 1);
    for (let s = 0; s < nSites; s++) {
        const a = siteAtoms[s];
        const Gs = Gfixed.subarray(s * nG, (s + 1) * nG);
        for (let k = nl.offsets[a]; k < nl.offsets[a + 1]; k++) {
            if (nl.index[k] === j) continue;
            ev.addNeighbour(Gs, nl.vectors[3 * k], nl.vectors[3 * k + 1], nl.vectors[3 * k + 2]);
        }
        G.set(Gs);
        const w = siteImgs[s];
        for (let t = 0; t < w.length; t += 3) {
            if (w[t] * w[t] + w[t + 1] * w[t + 1] + w[t + 2] * w[t + 2] < rc2) ev.addNeighbour(G, w[t], w[t + 1], w[t + 2]);
        }
        byK.fill(0);
        siteStartE[s] = ev.siteEnergy(G, byK);
        for (let K = 2; K <= order; K++) siteStartK[s * (order + 1) + K] = byK[K];
    }
    // site j at the start
    const jStartK = new Float64Array(order + 1);
    G.fill(0);
    for (let t = 0; t < jOther.length; t += 3) {
        const x = jOther[t], y = jOther[t + 1], z = jOther[t + 2];
        if (x * x + y * y + z * z < rc2) ev.addNeighbour(G, x, y, z);
    }
    for (let t = 0; t < jSelf.length; t += 3) ev.addNeighbour(G, jSelf[t], jSelf[t + 1], jSelf[t + 2]);
    const jStartE = ev.siteEnergy(G, jStartK);

    const out: BondScan = {
        i, j,
        r: grid,
        energy: [],
        relativeEnergy: [],
        forceAlongBond: [],
        energyByOrder: {},
        startDistance: d0,
        startEnergy,
        direction: [ux, uy, uz],
        maxSitesPerPoint: 0,
    };
    for (let K = 2; K <= order; K++) out.energyByOrder[K] = [];
    const g3 = new Float64Array(3);
    const dK = new Float64Array(order + 1);
    const minD2 = MIN_PAIR_DISTANCE * MIN_PAIR_DISTANCE;

    for (let p = 0; p < grid.length; p++) {
        opts.signal?.throwIfAborted();
        const delta = grid[p] - d0;
        const sx = delta * ux, sy = delta * uy, sz = delta * uz;
        let dE = 0;
        dK.fill(0);
        let fx = 0, fy = 0, fz = 0;
        let sites = 1;

        // the moving atom's own site
        G.fill(0);
        for (let t = 0; t < jOther.length; t += 3) {
            const x = jOther[t] - sx, y = jOther[t + 1] - sy, z = jOther[t + 2] - sz;
            const d2 = x * x + y * y + z * z;
            if (d2 >= rc2) continue;
            if (d2 < minD2) throw new FrameError(`bond scan: at r = ${grid[p]} Å atom ${j} lands on atom ${jOtherAtom[t / 3]} (distance ${Math.sqrt(d2).toExponential(2)} Å)`);
            ev.addNeighbour(G, x, y, z);
        }
        for (let t = 0; t < jSelf.length; t += 3) ev.addNeighbour(G, jSelf[t], jSelf[t + 1], jSelf[t + 2]);
        byK.fill(0);
        dE += ev.siteEnergy(G, byK, gG) - jStartE;
        for (let K = 2; K <= order; K++) dK[K] += byK[K] - jStartK[K];
        for (let t = 0; t < jOther.length; t += 3) {
            const x = jOther[t] - sx, y = jOther[t + 1] - sy, z = jOther[t + 2] - sz;
            if (x * x + y * y + z * z >= rc2) continue;
            ev.neighbourGradient(gG, x, y, z, g3);
            fx += g3[0]; fy += g3[1]; fz += g3[2];
        }
        // (pairs of j with its own images do not change and add +g and −g to j: no net force)

        // sites that see j at its old or new position
        for (let s = 0; s < nSites; s++) {
            const w = siteImgs[s];
            let changed = false, seesNew = false;
            for (let t = 0; t < w.length; t += 3) {
                const ox = w[t], oy = w[t + 1], oz = w[t + 2];
                const nx = ox + sx, ny = oy + sy, nz = oz + sz;
                if (nx * nx + ny * ny + nz * nz < rc2) { changed = true; seesNew = true; break; }
                if (ox * ox + oy * oy + oz * oz < rc2) changed = true;
            }
            if (!changed) continue;
            sites++;
            const ks = s * (order + 1);
            if (!seesNew) {
                if (Number.isNaN(siteLostE[s])) {
                    byK.fill(0);
                    siteLostE[s] = ev.siteEnergy(Gfixed.subarray(s * nG, (s + 1) * nG), byK);
                    for (let K = 2; K <= order; K++) siteLostK[ks + K] = byK[K];
                }
                dE += siteLostE[s] - siteStartE[s];
                for (let K = 2; K <= order; K++) dK[K] += siteLostK[ks + K] - siteStartK[ks + K];
                continue;
            }
            G.set(Gfixed.subarray(s * nG, (s + 1) * nG));
            for (let t = 0; t < w.length; t += 3) {
                const nx = w[t] + sx, ny = w[t + 1] + sy, nz = w[t + 2] + sz;
                if (nx * nx + ny * ny + nz * nz < rc2) ev.addNeighbour(G, nx, ny, nz);
            }
            byK.fill(0);
            dE += ev.siteEnergy(G, byK, gG) - siteStartE[s];
            for (let K = 2; K <= order; K++) dK[K] += byK[K] - siteStartK[ks + K];
            for (let t = 0; t < w.length; t += 3) {
                const nx = w[t] + sx, ny = w[t + 1] + sy, nz = w[t + 2] + sz;
                if (nx * nx + ny * ny + nz * nz >= rc2) continue;
                ev.neighbourGradient(gG, nx, ny, nz, g3);
                fx -= g3[0]; fy -= g3[1]; fz -= g3[2];
            }
        }
        out.maxSitesPerPoint = Math.max(out.maxSitesPerPoint, sites);
        const E = startEnergy + dE;
        out.energy.push(E);
        out.relativeEnergy.push(dE);
        out.forceAlongBond.push(fx * ux + fy * uy + fz * uz);
        for (let K = 2; K <= order; K++) out.energyByOrder[K].push((base.energyByOrder[K] ?? 0) + dK[K]);
        opts.onPoint?.(p, grid[p], E, dE);
    }
    return out;
}
