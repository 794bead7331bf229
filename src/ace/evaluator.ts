/**
 * The ACE evaluator: the one place where the evaluation graph of basis.ts is contracted. Used by predict and
 * designRows (evaluate.ts, and through it the fit assembly) and by SiteEvaluator (sites.ts, bond scans).
 *
 * Per atom i:
 *   1. one-particle stage: for each neighbour j, R_n(r_ij) and R_n' (tabulated, radial-table.ts, or analytic)
 *      and Y_lm(r̂_ij), ∇Y_lm are kept per neighbour (nmax·2 + nlm·4 numbers: per (neighbour, radial) and
 *      (neighbour, lm), never per (neighbour, function)); the A's (and, for the purified basis, the
 *      same-neighbour product G's) are summed on the fly.
 *   2. product DAG: every monomial M_q = Π_{g∈q} G_g is a node; a node of ν ≥ 2 factors is (node of its first
 *      ν−1 factors) × G_last, so partial products are shared (a trie of sorted prefixes, as ML-PACE's
 *      ace_recursive.cpp and ACE1's grapheval.jl share them). One forward sweep gives every monomial;
 *      with weights w_q = Σ_k c_k D_kq, one reverse sweep gives ∂E_i/∂G.
 *   3. factorised force stage: ∂E_i/∂r_ij = Σ_a adj_a ∇φ_a with ∇φ_a = R_n' Y_lm r̂ + R_n ∇Y_lm, contracted
 *      on the fly from the per-neighbour R, Y: Σ_a adj_a ∇φ_a = r̂ Σ_(n,l) R_n' Σ_m adj_a Y_lm + Σ_lm ∇Y_lm
 *      Σ_n adj_a R_n (two multiply-adds per function and neighbour).
 * Design rows (per-function energies, forces, virials) use the same stages 1–2; their force rows contract the
 * Jacobian ∂B_k/∂G with per-pair gradients ∇G (computed on the fly from the same per-neighbour store).
 *
 * Radials: 'analytic' (default, exact) or 'tabulated' (cubic Hermite tables, ≤ 1e-10 relative to the analytic form, see
 * radial-table.ts; measured no faster than the analytic form on this machine, so not the default).
 *
 * Not re-entrant: an evaluator owns its scratch; evaluators are cached per (basis, radial mode), and
 * SiteEvaluator makes its own.
 */
import type { AceBasis } from './basis';
import { radialTable, type RadialTable } from './radial-table';

export type RadialMode = 'tabulated' | 'analytic';

const Y00 = 0.5 / Math.sqrt(Math.PI);

/** The product DAG of a basis: values V[0..nG) = G, V[nG + n] = V[left[n]] · V[right[n]] (right < nG). */
export class ProductGraph {
    readonly nG: number;
    readonly nodes: number;
    readonly left: Int32Array;
    readonly right: Int32Array;
    /** index into V of each monomial */
    readonly monoV: Int32Array;
    constructor(basis: AceBasis) {
        const { nG, nMono, monoStart, monoG } = basis;
        const index = new Map<string, number>();
        const left: number[] = [], right: number[] = [];
        const monoV = new Int32Array(nMono);
        for (let q = 0; q < nMono; q++) {
            const s0 = monoStart[q], s1 = monoStart[q + 1];
            let cur = monoG[s0];
            let key = `${cur}`;
            for (let s = s0 + 1; s < s1; s++) {
                key += `,${monoG[s]}`;
                let id = index.get(key);
                if (id === undefined) {
                    id = nG + left.length;
                    left.push(cur);
                    right.push(monoG[s]);
                    index.set(key, id);
                }
                cur = id;
            }
            monoV[q] = cur;
        }
        this.nG = nG;
        this.nodes = left.length;
        this.left = Int32Array.from(left);
        this.right = Int32Array.from(right);
        this.monoV = monoV;
    }

    /** Forward sweep: V[nG..) from V[0..nG) = G. */
    forward(V: Float64Array): void {
        const { left, right, nodes, nG } = this;
        for (let n = 0; n < nodes; n++) V[nG + n] = V[left[n]] * V[right[n]];
    }

    /** Reverse sweep: given adjoints of the nodes in adj[nG..) and (any) of the G's in adj[0..nG), adds the node parts to adj[0..nG). */
    reverse(V: Float64Array, adj: Float64Array): void {
        const { left, right, nodes, nG } = this;
        for (let n = nodes - 1; n >= 0; n--) {
            const a = adj[nG + n];
            if (a === 0) continue;
            const l = left[n], r = right[n];
            adj[l] += a * V[r];
            adj[r] += a * V[l];
        }
    }
}

const graphs = new WeakMap<AceBasis, ProductGraph>();
export function productGraph(basis: AceBasis): ProductGraph {
    let g = graphs.get(basis);
    if (!g) { g = new ProductGraph(basis); graphs.set(basis, g); }
    return g;
}

export class AceEvaluator {
    readonly graph: ProductGraph;
    readonly nOne: number;
    readonly nG: number;
    readonly nmax: number;
    readonly nlm: number;
    private readonly table: RadialTable | null;
    private readonly tmp = new Float64Array(2);
    // (n, l) blocks of one-particle functions: a = blockA[b] + t, lm = l² + t, t < 2l + 1
    private readonly nBlocks: number;
    private readonly blockA: Int32Array;
    private readonly blockN: Int32Array;
    private readonly blockL: Int32Array;
    /** per-neighbour store (capacity cap): R, R' (nmax each), Y (nlm), ∇Y (3 nlm), r̂ (3) */
    cap = 0;
    R = new Float64Array(0);
    dR = new Float64Array(0);
    Y = new Float64Array(0);
    dY = new Float64Array(0);
    /** V = [G, node values], adjoints of V */
    readonly V: Float64Array;
    readonly adjV: Float64Array;
    /** per-neighbour scratch: φ_a, ∂E/∂φ_a, Σ_n adj R_n per lm, ∇G (3 nG) */
    readonly phi: Float64Array;
    readonly adj: Float64Array;
    private readonly cY: Float64Array;
    readonly gradG: Float64Array;

    constructor(readonly basis: AceBasis, readonly radialMode: RadialMode = 'analytic') {
        this.graph = productGraph(basis);
        this.nOne = basis.nOne;
        this.nG = basis.nG;
        this.nmax = basis.radial.nmax;
        this.nlm = basis.harmonics.size;
        this.table = radialMode === 'tabulated' ? radialTable(basis.radial) : null;
        const bA: number[] = [], bN: number[] = [], bL: number[] = [];
        for (let a = 0; a < basis.nOne;) {
            const n = basis.oneN[a], lm = basis.oneLM[a];
            const l = Math.round(Math.sqrt(lm));
            if (lm !== l * l) throw new Error('internal: one-particle functions are not in (n, l) blocks of m = −l..l');
            for (let t = 0; t <= 2 * l; t++) {
                if (basis.oneN[a + t] !== n || basis.oneLM[a + t] !== l * l + t) throw new Error('internal: one-particle functions are not in (n, l) blocks of m = −l..l');
            }
            bA.push(a); bN.push(n); bL.push(l);
            a += 2 * l + 1;
        }
        this.nBlocks = bA.length;
        this.blockA = Int32Array.from(bA);
        this.blockN = Int32Array.from(bN);
        this.blockL = Int32Array.from(bL);
        this.V = new Float64Array(this.nG + this.graph.nodes);
        this.adjV = new Float64Array(this.nG + this.graph.nodes);
        this.phi = new Float64Array(this.nOne);
        this.adj = new Float64Array(this.nOne);
        this.cY = new Float64Array(this.nlm);
        this.gradG = new Float64Array(3 * this.nG);
        this.ensure(16);
    }

    ensure(nb: number): void {
        if (nb <= this.cap) return;
        const cap = Math.max(nb, Math.ceil(this.cap * 1.5), 16);
        this.R = new Float64Array(cap * this.nmax);
        this.dR = new Float64Array(cap * this.nmax);
        this.Y = new Float64Array(cap * this.nlm);
        this.dY = new Float64Array(3 * cap * this.nlm);
        this.cap = cap;
    }

    /**
   * Radials and harmonics of the neighbour at (vx, vy, vz), r = its length (Å), into slot k of the store
   * (call ensure first). Beyond the cutoff everything is zero.
   */
    setNeighbour(k: number, vx: number, vy: number, vz: number, r: number): void {
        const nmax = this.nmax, nlm = this.nlm;
        if (this.table) this.table.evaluate(r, this.R, this.dR, k * nmax);
        else this.basis.radial.evaluate(r, this.R.subarray(k * nmax, (k + 1) * nmax), this.dR.subarray(k * nmax, (k + 1) * nmax), this.tmp);
        const yo = k * nlm;
        if (nlm === 1) {
            const Y = this.Y, dY = this.dY;
            Y[yo] = Y00;
            dY[3 * yo] = 0; dY[3 * yo + 1] = 0; dY[3 * yo + 2] = 0;
            return;
        }
        this.basis.harmonics.evaluate(vx, vy, vz, this.Y, this.dY, yo);
    }

    /** φ_a at slot k into this.phi. */
    private phiAt(k: number): void {
        const { nBlocks, blockA, blockN, blockL, phi, R, Y, nmax, nlm } = this;
        const ro = k * nmax, yo = k * nlm;
        for (let b = 0; b < nBlocks; b++) {
            const a0 = blockA[b], l = blockL[b], Rn = R[ro + blockN[b]], y0 = yo + l * l, cnt = 2 * l + 1;
            for (let t = 0; t < cnt; t++) phi[a0 + t] = Rn * Y[y0 + t];
        }
    }

    /** G += the terms of the neighbour in slot k (its φ_a and, purified, its same-neighbour products). */
    addToG(k: number, G: Float64Array): void {
        const { nBlocks, blockA, blockN, blockL, R, Y, nmax, nlm, nOne, nG } = this;
        const ro = k * nmax, yo = k * nlm;
        if (nG === nOne) {
            for (let b = 0; b < nBlocks; b++) {
                const a0 = blockA[b], l = blockL[b], Rn = R[ro + blockN[b]], y0 = yo + l * l, cnt = 2 * l + 1;
                for (let t = 0; t < cnt; t++) G[a0 + t] += Rn * Y[y0 + t];
            }
            return;
        }
        this.phiAt(k);
        const phi = this.phi;
        for (let a = 0; a < nOne; a++) G[a] += phi[a];
        const { gStart, gOne } = this.basis;
        for (let g = nOne; g < nG; g++) {
            const s0 = gStart[g], s1 = gStart[g + 1];
            let p = phi[gOne[s0]] * phi[gOne[s0 + 1]];
            for (let s = s0 + 2; s < s1; s++) p *= phi[gOne[s]];
            G[g] += p;
        }
    }

    /**
   * Σ_q w_q M_q(G) with G in V[0..nG) (forward sweep first). byNu[ν] += the part of correlation order ν when
   * given; when gG is given (length nG) it is SET to ∂/∂G (reverse sweep).
   */
    contract(w: Float64Array, byNu: Float64Array | null, gG: Float64Array | null): number {
        const graph = this.graph, V = this.V, monoV = graph.monoV, monoNu = this.basis.monoNu;
        graph.forward(V);
        const nMono = monoV.length;
        let E = 0;
        if (byNu) {
            for (let q = 0; q < nMono; q++) { const v = w[q] * V[monoV[q]]; E += v; byNu[monoNu[q]] += v; }
        } else {
            for (let q = 0; q < nMono; q++) E += w[q] * V[monoV[q]];
        }
        if (gG) {
            const adjV = this.adjV;
            adjV.fill(0);
            for (let q = 0; q < nMono; q++) adjV[monoV[q]] += w[q];
            graph.reverse(V, adjV);
            for (let g = 0; g < this.nG; g++) gG[g] = adjV[g];
        }
        return E;
    }

    /**
   * ∂E_i/∂r_ij of the neighbour in slot k into out[0..3) (eV/Å), given gG = ∂E_i/∂G: the factorised force
   * stage (adjoint contracted with ∇φ on the fly).
   */
    pairGradient(gG: Float64Array, k: number, vx: number, vy: number, vz: number, r: number, out: Float64Array): void {
        const { nBlocks, blockA, blockN, blockL, R, dR, Y, dY, nmax, nlm, nOne, nG, cY } = this;
        let adj: Float64Array = gG;
        if (nG > nOne) {
            // ∂E/∂φ_a at this neighbour: the singleton part plus the same-neighbour products
            this.phiAt(k);
            const phi = this.phi;
            adj = this.adj;
            for (let a = 0; a < nOne; a++) adj[a] = gG[a];
            const { gStart, gOne } = this.basis;
            for (let g = nOne; g < nG; g++) {
                const c = gG[g];
                if (c === 0) continue;
                const s0 = gStart[g], size = gStart[g + 1] - s0;
                if (size === 2) {
                    const a = gOne[s0], b = gOne[s0 + 1];
                    adj[a] += c * phi[b];
                    adj[b] += c * phi[a];
                } else {
                    for (let t = s0; t < s0 + size; t++) {
                        let o = c;
                        for (let u = s0; u < s0 + size; u++) if (u !== t) o *= phi[gOne[u]];
                        adj[gOne[t]] += o;
                    }
                }
            }
        }
        const ro = k * nmax, yo = k * nlm;
        let radialPart = 0;
        if (nlm === 1) {
            for (let b = 0; b < nBlocks; b++) radialPart += adj[blockA[b]] * dR[ro + blockN[b]];
            radialPart *= Y[yo] / r;
            out[0] = radialPart * vx; out[1] = radialPart * vy; out[2] = radialPart * vz;
            return;
        }
        cY.fill(0);
        for (let b = 0; b < nBlocks; b++) {
            const a0 = blockA[b], l = blockL[b], n = ro + blockN[b], Rn = R[n], y0 = l * l, cnt = 2 * l + 1;
            let s = 0;
            for (let t = 0; t < cnt; t++) {
                const c = adj[a0 + t];
                s += c * Y[yo + y0 + t];
                cY[y0 + t] += c * Rn;
            }
            radialPart += s * dR[n];
        }
        radialPart /= r;
        let gx = radialPart * vx, gy = radialPart * vy, gz = radialPart * vz;
        let d = 3 * (yo + 1);
        for (let lm = 1; lm < nlm; lm++, d += 3) {
            const c = cY[lm];
            gx += c * dY[d]; gy += c * dY[d + 1]; gz += c * dY[d + 2];
        }
        out[0] = gx; out[1] = gy; out[2] = gz;
    }

    /** ∇G_g of the neighbour in slot k for every g into this.gradG[3g..3g+3) (design rows). */
    gradientsOfG(k: number, vx: number, vy: number, vz: number, r: number): Float64Array {
        const { nBlocks, blockA, blockN, blockL, R, dR, Y, dY, nmax, nlm, nOne, nG, gradG } = this;
        const ro = k * nmax, yo = k * nlm;
        const ux = vx / r, uy = vy / r, uz = vz / r;
        for (let b = 0; b < nBlocks; b++) {
            const a0 = blockA[b], l = blockL[b], n = ro + blockN[b], Rn = R[n], dRn = dR[n], y0 = yo + l * l, cnt = 2 * l + 1;
            for (let t = 0; t < cnt; t++) {
                const y = Y[y0 + t], ty = dRn * y, q = 3 * (y0 + t), o = 3 * (a0 + t);
                gradG[o] = ty * ux + Rn * dY[q];
                gradG[o + 1] = ty * uy + Rn * dY[q + 1];
                gradG[o + 2] = ty * uz + Rn * dY[q + 2];
            }
        }
        if (nG === nOne) return gradG;
        this.phiAt(k);
        const phi = this.phi;
        const { gStart, gOne } = this.basis;
        for (let g = nOne; g < nG; g++) {
            const s0 = gStart[g], size = gStart[g + 1] - s0, o = 3 * g;
            let gx = 0, gy = 0, gz = 0;
            for (let t = s0; t < s0 + size; t++) {
                let others = 1;
                for (let u = s0; u < s0 + size; u++) if (u !== t) others *= phi[gOne[u]];
                const d = 3 * gOne[t];
                gx += others * gradG[d]; gy += others * gradG[d + 1]; gz += others * gradG[d + 2];
            }
            gradG[o] = gx; gradG[o + 1] = gy; gradG[o + 2] = gz;
        }
        return gradG;
    }

    /**
   * Design-row form of gradientsOfG, fused with its two uses: acc[offset + stride·g + α] += ∂G_g/∂r_α of the
   * neighbour in slot k (vector (vx, vy, vz), length r), and, when T is given, T[9g + 3β + α] += v_β ∂G_g/∂r_α
   * (the virial's Σ r ⊗ ∇G). One pass over the (n, l, m) blocks instead of writing ∇G and reading it back.
   */
    addGradientsOfG(k: number, vx: number, vy: number, vz: number, r: number, acc: Float64Array | null, offset: number, stride: number, T: Float64Array | null): void {
        if (this.nG !== this.nOne) {
            const gradG = this.gradientsOfG(k, vx, vy, vz, r);
            for (let g = 0; g < this.nG; g++) {
                const gx = gradG[3 * g], gy = gradG[3 * g + 1], gz = gradG[3 * g + 2];
                if (acc) {
                    const o = offset + stride * g;
                    acc[o] += gx; acc[o + 1] += gy; acc[o + 2] += gz;
                }
                if (T) {
                    const o = 9 * g;
                    T[o] += vx * gx; T[o + 1] += vx * gy; T[o + 2] += vx * gz;
                    T[o + 3] += vy * gx; T[o + 4] += vy * gy; T[o + 5] += vy * gz;
                    T[o + 6] += vz * gx; T[o + 7] += vz * gy; T[o + 8] += vz * gz;
                }
            }
            return;
        }
        const { nBlocks, blockA, blockN, blockL, R, dR, Y, dY, nmax, nlm } = this;
        const ro = k * nmax, yo = k * nlm;
        const ux = vx / r, uy = vy / r, uz = vz / r;
        for (let b = 0; b < nBlocks; b++) {
            const a0 = blockA[b], l = blockL[b], n = ro + blockN[b], Rn = R[n], dRn = dR[n], y0 = yo + l * l, cnt = 2 * l + 1;
            for (let t = 0; t < cnt; t++) {
                const y = Y[y0 + t], ty = dRn * y, q = 3 * (y0 + t), g = a0 + t;
                const gx = ty * ux + Rn * dY[q];
                const gy = ty * uy + Rn * dY[q + 1];
                const gz = ty * uz + Rn * dY[q + 2];
                if (acc) {
                    const o = offset + stride * g;
                    acc[o] += gx; acc[o + 1] += gy; acc[o + 2] += gz;
                }
                if (T) {
                    const o = 9 * g;
                    T[o] += vx * gx; T[o + 1] += vx * gy; T[o + 2] += vx * gz;
                    T[o + 3] += vy * gx; T[o + 4] += vy * gy; T[o + 5] += vy * gz;
                    T[o + 6] += vz * gx; T[o + 7] += vz * gy; T[o + 8] += vz * gz;
                }
            }
        }
    }
}

const evaluators = { tabulated: new WeakMap<AceBasis, AceEvaluator>(), analytic: new WeakMap<AceBasis, AceEvaluator>() };
/** The shared evaluator of a basis (one per radial mode). */
export function evaluatorFor(basis: AceBasis, radialMode: RadialMode = 'analytic'): AceEvaluator {
    const cache = evaluators[radialMode];
    let e = cache.get(basis);
    if (!e) { e = new AceEvaluator(basis, radialMode); cache.set(basis, e); }
    return e;
}
