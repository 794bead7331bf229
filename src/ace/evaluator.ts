/**
 * The ACE evaluator: the one place where the evaluation graph of basis.ts is contracted. Used by predict and
 * designRows (evaluate.ts, and through it the fit assembly) and by SiteEvaluator (sites.ts, bond scans).
 *
 * Per atom i:
 *   1. one-particle stage: R_n(r_ij), R_n' (analytic, or tabulated: radial-table.ts) and Y_lm(r̂_ij), ∇Y_lm of
 *      every neighbour j (per (neighbour, radial) and (neighbour, lm), never per (neighbour, function)) and
 *      the A's (for the purified basis also the same-neighbour product G's).
 *   2. product DAG: every monomial M_q = Π_{g∈q} G_g is a node; a node of ν ≥ 2 factors is (node of its first
 *      ν−1 factors) × G_last, so partial products are shared (a trie of sorted prefixes, as ML-PACE's
 *      ace_recursive.cpp and ACE1's grapheval.jl share them), nodes ordered by depth. One forward sweep gives
 *      every monomial (fused with Σ_q w_q M_q on the standard basis); with weights w_q = Σ_k c_k D_kq, one
 *      reverse sweep gives ∂E_i/∂G.
 *   3. factorised force stage: ∂E_i/∂r_ij = Σ_a adj_a ∇φ_a with ∇φ_a = R_n' Y_lm r̂ + R_n ∇Y_lm, contracted
 *      from the per-neighbour R, Y: r̂ Σ_lm Y_lm Σ_n adj_nlm R_n' + Σ_lm ∇Y_lm Σ_n adj_nlm R_n.
 * Two forms of stages 1 and 3:
 *   - per atom (atomOneParticle / atomPairGradients, predict on the standard basis): all neighbours of the
 *     atom in one store with the neighbour index contiguous; A[n, lm] = Σ_j R[j,n] Y[j,lm] and the force
 *     contraction are small dense products over the triangular (n < N_l, lm) set with register-blocked
 *     inner loops, and the harmonics' tangential projection is applied once per neighbour;
 *   - per neighbour (setNeighbour / addToG / pairGradient / gradientsOfG: the purified basis, SiteEvaluator,
 *     design rows): one neighbour's R, R', Y, ∇Y in slot k of a neighbour-major store.
 * Design rows (per-function energies, forces, virials) use the same stages 1–2; their force rows contract the
 * Jacobian ∂B_k/∂G with per-pair gradients ∇G (computed on the fly from the per-neighbour store).
 *
 * Radials: 'analytic' (default, exact) or 'tabulated' (cubic Hermite tables, ≤ 1e-10 relative to the analytic
 * form, see radial-table.ts; measured slower than the analytic form here, see README's Benchmarks).
 *
 * Not re-entrant: an evaluator owns its scratch; evaluators are cached per (basis, radial mode), and
 * SiteEvaluator makes its own.
 */
import type { AceBasis } from './basis';
import { radialTable, type RadialTable } from './radial-table';

export type RadialMode = 'tabulated' | 'analytic';

const Y00 = 0.5 / Math.sqrt(Math.PI);

/**
 * The product DAG of a basis: values V[0..nG) = G, V[nG + n] = V[left[n]] · V[right[n]] (right < nG).
 * Nodes are ordered by depth (number of G factors; depth 1 = the G's), so V[depthStart[d]..depthStart[d+1])
 * holds the products of d factors and every node comes after its left factor.
 */
export class ProductGraph {
    readonly nG: number;
    readonly nodes: number;
    readonly left: Int32Array;
    readonly right: Int32Array;
    /** index into V of each monomial */
    readonly monoV: Int32Array;
    /** left and right of node n at [2n], [2n + 1] (one stream for the sweeps) */
    readonly factors: Int32Array;
    /** V index ranges by depth: depth d in [depthStart[d], depthStart[d+1]) (depthStart[1] = 0) */
    readonly depthStart: Int32Array;
    constructor(basis: AceBasis) {
        const { nG, nMono, monoStart, monoG } = basis;
        const index = new Map<string, number>();
        const left: number[] = [], right: number[] = [], depth: number[] = [];
        const monoNode = new Int32Array(nMono); // provisional: G index, or nG + creation index
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
                    depth.push(s - s0 + 1);
                    index.set(key, id);
                }
                cur = id;
            }
            monoNode[q] = cur;
        }
        // stable sort by depth (a left factor has depth one less, so it stays ahead)
        const nodes = left.length;
        const order = Array.from({ length: nodes }, (_, n) => n).sort((a, b) => depth[a] - depth[b] || a - b);
        const newOf = new Int32Array(nodes);
        order.forEach((old, k) => { newOf[old] = k; });
        const remap = (v: number) => (v < nG ? v : nG + newOf[v - nG]);
        this.left = Int32Array.from(order, (old) => remap(left[old]));
        this.right = Int32Array.from(order, (old) => right[old]);
        this.monoV = Int32Array.from(monoNode, remap);
        this.factors = new Int32Array(2 * nodes);
        for (let n = 0; n < nodes; n++) { this.factors[2 * n] = this.left[n]; this.factors[2 * n + 1] = this.right[n]; }
        const maxDepth = nodes ? depth[order[nodes - 1]] : 1;
        const start = new Int32Array(maxDepth + 2);
        start[1] = 0;
        start[2] = nG;
        for (let d = 2; d <= maxDepth; d++) {
            let c = 0;
            for (let n = 0; n < nodes; n++) if (depth[n] === d) c++;
            start[d + 1] = start[d] + c;
        }
        this.depthStart = start;
        this.nG = nG;
        this.nodes = nodes;
    }

    /** Forward sweep: V[nG..) from V[0..nG) = G. */
    forward(V: Float64Array): void {
        const { left, right, nodes, nG } = this;
        for (let n = 0; n < nodes; n++) V[nG + n] = V[left[n]] * V[right[n]];
    }

    /** Reverse sweep: given adjoints of the nodes in adj[nG..) and (any) of the G's in adj[0..nG), adds the node parts to adj[0..nG). */
    reverse(V: Float64Array, adj: Float64Array): void {
        const { factors, nodes, nG } = this;
        for (let n = nodes - 1, v = nG + nodes - 1; n >= 0; n--, v--) {
            const a = adj[v], l = factors[2 * n], r = factors[2 * n + 1];
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
    /** monomials grouped by correlation order: monoOrder[t] = q, monoByNu[t] = its V index, ν in [monoByNuStart[ν], monoByNuStart[ν+1]) */
    private readonly monoOrder: Int32Array;
    private readonly monoByNu: Int32Array;
    private readonly monoByNuStart: Int32Array;
    private readonly wV: Float64Array;
    private readonly wByNu: Float64Array;
    private lastW: Float64Array | null = null;
    /** every monomial's correlation order is its depth in the graph (standard basis): energies by depth range */
    private readonly nuIsDepth: boolean;

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
        {
            const monoNu = basis.monoNu, nMono = basis.nMono, monoV = this.graph.monoV;
            let maxNu = 1;
            for (let q = 0; q < nMono; q++) maxNu = Math.max(maxNu, monoNu[q]);
            const order = Array.from({ length: nMono }, (_, q) => q).sort((a, b) => monoNu[a] - monoNu[b] || monoV[a] - monoV[b]);
            this.monoOrder = Int32Array.from(order);
            this.monoByNu = Int32Array.from(order.map((q) => monoV[q]));
            const start = new Int32Array(maxNu + 2);
            for (let q = 0; q < nMono; q++) start[monoNu[q] + 1]++;
            for (let nu = 1; nu <= maxNu + 1; nu++) start[nu] += start[nu - 1];
            this.monoByNuStart = start;
            this.wV = new Float64Array(this.nG + this.graph.nodes);
            this.wByNu = new Float64Array(nMono);
            const ds = this.graph.depthStart;
            let same = true;
            for (let q = 0; q < nMono && same; q++) {
                const v = monoV[q], nu = monoNu[q];
                if (!(nu + 1 < ds.length && v >= ds[nu] && v < ds[nu + 1])) same = false;
            }
            this.nuIsDepth = same;
        }
        this.ensure(16);
        this.initAtomStore();
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
        if (this.table) this.table.evaluate(r, this.R, this.dR, k * nmax, 1);
        else this.basis.radial.evaluate(r, this.R, this.dR, this.tmp, k * nmax, 1);
        const yo = k * nlm;
        if (nlm === 1) {
            const Y = this.Y, dY = this.dY;
            Y[yo] = Y00;
            dY[3 * yo] = 0; dY[3 * yo + 1] = 0; dY[3 * yo + 2] = 0;
            return;
        }
        this.basis.harmonics.evaluateWithGradient(vx, vy, vz, this.Y, yo, 1, this.dY, 3 * yo, 3, 1);
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
        const graph = this.graph, V = this.V;
        if (w !== this.lastW) this.setWeights(w);
        let E = 0;
        if (this.nuIsDepth) {
            // forward sweep fused with Σ_v w_v V_v per depth (= correlation order)
            const { factors, depthStart } = graph, wV = this.wV, nG = this.nG;
            let e = 0;
            for (let v = 0; v < nG; v++) e += wV[v] * V[v];
            E += e;
            if (byNu) byNu[1] += e;
            for (let d = 2; d < depthStart.length - 1; d++) {
                e = 0;
                for (let v = depthStart[d], n = v - nG; v < depthStart[d + 1]; v++, n++) {
                    const x = V[factors[2 * n]] * V[factors[2 * n + 1]];
                    V[v] = x;
                    e += wV[v] * x;
                }
                E += e;
                if (byNu) byNu[d] += e;
            }
        } else {
            graph.forward(V);
            const { monoByNu, monoByNuStart } = this;
            const wByNu = this.wByNu;
            for (let nu = 1; nu < monoByNuStart.length - 1; nu++) {
                let e = 0;
                for (let t = monoByNuStart[nu]; t < monoByNuStart[nu + 1]; t++) e += wByNu[t] * V[monoByNu[t]];
                E += e;
                if (byNu) byNu[nu] += e;
            }
        }
        if (gG) {
            const adjV = this.adjV;
            adjV.set(this.wV);
            graph.reverse(V, adjV);
            for (let g = 0; g < this.nG; g++) gG[g] = adjV[g];
        }
        return E;
    }

    /**
   * The monomial weights on the graph: wV[v] = w_q of the monomial at V index v, and w_q grouped by order.
   * Cached by identity of w (predict and SiteEvaluator make w once and never change it).
   */
    private setWeights(w: Float64Array): void {
        const monoV = this.graph.monoV, wV = this.wV, wByNu = this.wByNu, order = this.monoOrder;
        if (w.length !== monoV.length) throw new Error(`internal: ${w.length} monomial weights for ${monoV.length} monomials`);
        wV.fill(0);
        for (let q = 0; q < monoV.length; q++) wV[monoV[q]] += w[q];
        for (let t = 0; t < order.length; t++) wByNu[t] = w[order[t]];
        this.lastW = w;
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

    // ---- per-atom path of predict ----
    // Store of all neighbours of one atom, neighbour index j contiguous (stride acap, a multiple of 4), by "rows"
    // of radial channels: rows 0..nmax−1 are R_n; for the purified basis, rows nmax.. are the radial parts of
    // the same-neighbour products (a product of one-particle functions at one neighbour has at most one
    // angular factor, so it is Q_p(r) Y_lm(r̂) with Q_p = Y00^(k−1) Π_t R_{n_t}: a one-particle function with a
    // product radial, as src/pace/export.ts writes it); the last row stays zero (padding of row blocks).
    //   Rt[row·acap + j], dRt, Yt[lm·acap + j], and in dYt[(lm + α·nlm)·acap + j] the gradients g of the
    //   harmonics' polynomial extension at r̂ (projected once per neighbour at the end).
    // The G's are A[row, lm] = Σ_j Rt[row, j] Y[j, lm]; the force contraction is
    //   c_j[lm] = Σ_row adj[row,lm] R[j,row], d_j[lm] = Σ_row adj[row,lm] R'[j,row],
    //   ∂E_i/∂r_ij = r̂ Σ_lm d_j[lm] Y[j,lm] + Σ_lm c_j[lm] ∇Y[j,lm], Σ_lm c ∇Y = (G − r̂ (r̂·G))/r, G = Σ_lm c g_lm,
    // small dense products over the rows each lm uses (triangular in (n, l)) with register-blocked inner loops
    // (four rows or four neighbours at a time).
    private acap = 0;
    /** rows: nmax radials, then product radials, then one zero row */
    private nRows = 0;
    private Rt = new Float64Array(0);
    private dRt = new Float64Array(0);
    private Yt = new Float64Array(0);
    private dYt = new Float64Array(0);
    /** per-neighbour results of atomPairGradients: (∂E_i/∂r_ij)_α at pairGrad[3j + α] */
    pairGrad = new Float64Array(0);
    private gu = new Float64Array(0);
    private gxa = new Float64Array(0);
    private gya = new Float64Array(0);
    private gza = new Float64Array(0);
    private invr = new Float64Array(0);
    /** dense A and adjoint, lm-major: [lm·nRows + row] */
    private Ad = new Float64Array(0);
    private adjD = new Float64Array(0);
    /** rows used by each lm, ascending, padded with the zero row to a multiple of 4: rowIdx[rowStart[lm]..rowStart[lm+1]) */
    private rowStart = new Int32Array(0);
    private rowIdx = new Int32Array(0);
    /** per lm: how many of its rows are 0, 1, …, k−1 (the radials R_n, contiguous) and how many rows it uses (no padding) */
    private rowPrefix = new Int32Array(0);
    private rowCount = new Int32Array(0);
    /** dense index lm·nRows + row of every G */
    private gDense = new Int32Array(0);
    /** product radials p (row nmax + p): factors prodN[prodStart[p]..prodStart[p+1]), prefactor prodCoef[p] */
    private prodStart = new Int32Array(1);
    private prodN = new Int32Array(0);
    private prodCoef = new Float64Array(0);

    private initAtomStore(): void {
        const { basis, nmax, nlm, nG } = this;
        const { gStart, gOne, oneN, oneLM } = basis;
        const prodIndex = new Map<string, number>();
        const pStart = [0], pN: number[] = [], pCoef: number[] = [];
        const gRow = new Int32Array(nG), gLM = new Int32Array(nG);
        for (let g = 0; g < nG; g++) {
            const s0 = gStart[g], s1 = gStart[g + 1];
            if (s1 - s0 === 1) { gRow[g] = oneN[gOne[s0]]; gLM[g] = oneLM[gOne[s0]]; continue; }
            let lm = 0;
            const ns: number[] = [];
            for (let s = s0; s < s1; s++) {
                const a = gOne[s];
                ns.push(oneN[a]);
                if (oneLM[a] !== 0) {
                    if (lm !== 0) throw new Error('internal: a same-neighbour product with two angular factors');
                    lm = oneLM[a];
                }
            }
            ns.sort((x, y) => x - y);
            const key = ns.join(',');
            let p = prodIndex.get(key);
            if (p === undefined) {
                p = pCoef.length;
                prodIndex.set(key, p);
                pN.push(...ns);
                pStart.push(pN.length);
                pCoef.push(Y00 ** (ns.length - 1));
            }
            gRow[g] = nmax + p;
            gLM[g] = lm;
        }
        this.prodStart = Int32Array.from(pStart);
        this.prodN = Int32Array.from(pN);
        this.prodCoef = Float64Array.from(pCoef);
        const nRows = nmax + pCoef.length + 1, zeroRow = nRows - 1;
        this.nRows = nRows;
        const rowsOf: Set<number>[] = Array.from({ length: nlm }, () => new Set<number>());
        for (let g = 0; g < nG; g++) {
            // the (n, l) blocks: every m of an (n, l) is used, rows listed per lm
            rowsOf[gLM[g]].add(gRow[g]);
        }
        const start = [0], idx: number[] = [];
        this.rowPrefix = new Int32Array(nlm);
        this.rowCount = new Int32Array(nlm);
        for (let lm = 0; lm < nlm; lm++) {
            const rows = [...rowsOf[lm]].sort((x, y) => x - y);
            let k = 0;
            while (k < rows.length && rows[k] === k) k++;
            this.rowPrefix[lm] = k;
            this.rowCount[lm] = rows.length;
            while (rows.length % 4) rows.push(zeroRow);
            idx.push(...rows);
            start.push(idx.length);
        }
        this.rowStart = Int32Array.from(start);
        this.rowIdx = Int32Array.from(idx);
        this.gDense = Int32Array.from({ length: nG }, (_, g) => gLM[g] * nRows + gRow[g]);
        this.Ad = new Float64Array(nlm * nRows);
        this.adjD = new Float64Array(nlm * nRows);
    }

    private ensureAtom(nb: number): void {
        const need = (nb + 3) & ~3;
        if (need <= this.acap) return;
        const cap = Math.max(need, (Math.ceil(this.acap * 1.5) + 3) & ~3, 64);
        this.acap = cap;
        this.Rt = new Float64Array(this.nRows * cap);
        this.dRt = new Float64Array(this.nRows * cap);
        this.Yt = new Float64Array(this.nlm * cap);
        this.dYt = new Float64Array(3 * this.nlm * cap);
        this.pairGrad = new Float64Array(3 * cap);
        this.gu = new Float64Array(cap);
        this.gxa = new Float64Array(cap);
        this.gya = new Float64Array(cap);
        this.gza = new Float64Array(cap);
        this.invr = new Float64Array(cap);
    }

    /**
   * One-particle stage of one atom from its nb neighbours (vectors vec[3(off+j)..], lengths dist[off+j]):
   * the store and the G's into V[0..nG) (A, and for the purified basis the same-neighbour products).
   */
    atomOneParticle(vec: Float64Array, dist: Float64Array, off: number, nb: number): void {
        this.ensureAtom(nb);
        const { nmax, nlm, acap, nRows, Rt, dRt, Yt, dYt, invr, table } = this;
        const radial = this.basis.radial, harmonics = this.basis.harmonics, tmp = this.tmp;
        const dComp = nlm * acap;
        for (let j = 0; j < nb; j++) {
            const p = off + j, r = dist[p];
            invr[j] = r > 0 ? 1 / r : 0;
            if (table) table.evaluate(r, Rt, dRt, j, acap);
            else radial.evaluate(r, Rt, dRt, tmp, j, acap);
            if (nlm > 1) harmonics.evaluateWithPolynomialGradient(vec[3 * p], vec[3 * p + 1], vec[3 * p + 2], Yt, j, acap, dYt, j, acap, dComp);
            else { Yt[j] = Y00; dYt[j] = 0; dYt[j + acap] = 0; dYt[j + 2 * acap] = 0; }
        }
        // product radials Q_p = c Π_t R_{n_t} and Q_p' (purified basis)
        const { prodStart, prodN, prodCoef } = this;
        for (let q = 0; q < prodCoef.length; q++) {
            const c = prodCoef[q], s0 = prodStart[q], size = prodStart[q + 1] - s0, qo = (nmax + q) * acap;
            const o0 = prodN[s0] * acap, o1 = prodN[s0 + 1] * acap;
            if (size === 2) {
                for (let j = 0; j < nb; j++) {
                    const r0 = Rt[o0 + j], r1 = Rt[o1 + j];
                    Rt[qo + j] = c * r0 * r1;
                    dRt[qo + j] = c * (dRt[o0 + j] * r1 + r0 * dRt[o1 + j]);
                }
            } else {
                for (let j = 0; j < nb; j++) {
                    let v = c, d = 0;
                    for (let t = s0; t < s0 + size; t++) {
                        const o = prodN[t] * acap + j, rt = Rt[o];
                        d = d * rt + v * dRt[o];
                        v *= rt;
                    }
                    Rt[qo + j] = v;
                    dRt[qo + j] = d;
                }
            }
        }
        // padding neighbours (up to a multiple of 4) contribute nothing
        const nb4 = (nb + 3) & ~3;
        for (let j = nb; j < nb4; j++) {
            invr[j] = 0;
            for (let row = 0; row < nRows; row++) { Rt[row * acap + j] = 0; dRt[row * acap + j] = 0; }
            for (let t = 0; t < 3 * nlm; t++) dYt[t * acap + j] = 0;
            for (let lm = 0; lm < nlm; lm++) Yt[lm * acap + j] = 0;
        }
        // A[row, lm] = Σ_j R[j,row] Y[j,lm], four rows at a time
        const { Ad, rowStart, rowIdx } = this;
        for (let lm = 0; lm < nlm; lm++) {
            const yo = lm * acap, ao = lm * nRows;
            for (let t = rowStart[lm]; t < rowStart[lm + 1]; t += 4) {
                const i0 = rowIdx[t], i1 = rowIdx[t + 1], i2 = rowIdx[t + 2], i3 = rowIdx[t + 3];
                const r0 = i0 * acap, r1 = i1 * acap, r2 = i2 * acap, r3 = i3 * acap;
                let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
                for (let j = 0; j < nb; j++) {
                    const y = Yt[yo + j];
                    c0 += Rt[r0 + j] * y; c1 += Rt[r1 + j] * y; c2 += Rt[r2 + j] * y; c3 += Rt[r3 + j] * y;
                }
                Ad[ao + i0] = c0; Ad[ao + i1] = c1; Ad[ao + i2] = c2; Ad[ao + i3] = c3;
            }
        }
        const V = this.V, gDense = this.gDense, nG = this.nG;
        for (let g = 0; g < nG; g++) V[g] = Ad[gDense[g]];
    }

    /**
   * ∂E_i/∂r_ij for all nb neighbours of the atom of the last atomOneParticle call into pairGrad[3j..3j+3)
   * (eV/Å), given gG = ∂E_i/∂G.
   */
    atomPairGradients(gG: Float64Array, vec: Float64Array, off: number, nb: number): void {
        const { nlm, nG, acap, nRows, Rt, dRt, Yt, dYt, gu, gxa, gya, gza, invr, adjD, gDense, rowStart, rowIdx } = this;
        // (different products can be the same function: adjoints add)
        for (let g = 0; g < nG; g++) adjD[gDense[g]] = 0;
        for (let g = 0; g < nG; g++) adjD[gDense[g]] += gG[g];
        const nb4 = (nb + 3) & ~3;
        gu.fill(0, 0, nb4); gxa.fill(0, 0, nb4); gya.fill(0, 0, nb4); gza.fill(0, 0, nb4);
        const dy = nlm * acap, dz = 2 * dy;
        const { rowPrefix, rowCount } = this;
        for (let lm = 0; lm < nlm; lm++) {
            const t0 = rowStart[lm], k0 = rowPrefix[lm], t1 = t0 + rowCount[lm];
            if (t0 === t1) continue;
            const ao = lm * nRows, yo = lm * acap;
            for (let j = 0; j < nb4; j += 4) {
                let c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
                for (let row = 0, ro = j; row < k0; row++, ro += acap) {
                    const w = adjD[ao + row];
                    c0 += w * Rt[ro]; c1 += w * Rt[ro + 1]; c2 += w * Rt[ro + 2]; c3 += w * Rt[ro + 3];
                    d0 += w * dRt[ro]; d1 += w * dRt[ro + 1]; d2 += w * dRt[ro + 2]; d3 += w * dRt[ro + 3];
                }
                for (let t = t0 + k0; t < t1; t++) {
                    const row = rowIdx[t], w = adjD[ao + row], ro = row * acap + j;
                    c0 += w * Rt[ro]; c1 += w * Rt[ro + 1]; c2 += w * Rt[ro + 2]; c3 += w * Rt[ro + 3];
                    d0 += w * dRt[ro]; d1 += w * dRt[ro + 1]; d2 += w * dRt[ro + 2]; d3 += w * dRt[ro + 3];
                }
                const y = yo + j;
                gu[j] += d0 * Yt[y]; gu[j + 1] += d1 * Yt[y + 1]; gu[j + 2] += d2 * Yt[y + 2]; gu[j + 3] += d3 * Yt[y + 3];
                if (lm === 0) continue; // ∇Y_00 = 0
                gxa[j] += c0 * dYt[y]; gxa[j + 1] += c1 * dYt[y + 1]; gxa[j + 2] += c2 * dYt[y + 2]; gxa[j + 3] += c3 * dYt[y + 3];
                gya[j] += c0 * dYt[dy + y]; gya[j + 1] += c1 * dYt[dy + y + 1]; gya[j + 2] += c2 * dYt[dy + y + 2]; gya[j + 3] += c3 * dYt[dy + y + 3];
                gza[j] += c0 * dYt[dz + y]; gza[j + 1] += c1 * dYt[dz + y + 1]; gza[j + 2] += c2 * dYt[dz + y + 2]; gza[j + 3] += c3 * dYt[dz + y + 3];
            }
        }
        const out = this.pairGrad;
        // Σ_lm c ∇Y = (G − û (û·G)) / r with G = Σ_lm c g_lm (g: polynomial gradients, harmonics.ts)
        for (let j = 0; j < nb; j++) {
            const p = 3 * (off + j), ir = invr[j];
            const ux = vec[p] * ir, uy = vec[p + 1] * ir, uz = vec[p + 2] * ir;
            const Gx = gxa[j], Gy = gya[j], Gz = gza[j];
            const s = gu[j] - (ux * Gx + uy * Gy + uz * Gz) * ir;
            out[3 * j] = s * ux + Gx * ir;
            out[3 * j + 1] = s * uy + Gy * ir;
            out[3 * j + 2] = s * uz + Gz * ir;
        }
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
