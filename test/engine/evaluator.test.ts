/**
 * The evaluator (src/ace/evaluator.ts: product DAG with a reverse sweep, factorised force stage, tabulated
 * radials) against the evaluator it replaced (test/engine/reference-evaluator.ts, kept verbatim): energies,
 * per-atom energies (and their split by body order), forces, virials and design rows, on every basis
 * (default and the study's, K = 2…5, standard and self-interaction-free), periodic and not.
 * Exact-analytic radials: 1e-12 relative. Tabulated radials: the tables' stated accuracy (1e-10 relative per
 * radial function, checked directly below), propagated through products of up to four G's: 1e-9 relative.
 */
import { describe, expect, it } from 'vitest';
import { designRows, predict, type Prediction } from '../../src/ace/evaluate';
import * as reference from './reference-evaluator';
import { AceBasis } from '../../src/ace/basis';
import { defaultSpec, paperSpec } from '../../src/ace/spec';
import { RadialBasis } from '../../src/ace/radial';
import { RADIAL_TABLE_ACCURACY, RadialTable } from '../../src/ace/radial-table';
import { productGraph } from '../../src/ace/evaluator';
import { SiteEvaluator } from '../../src/ace/sites';
import { buildNeighbourList, type NeighbourList } from '../../src/structure/neighbours';
import { randomCarbonPacking, seededRandom } from '../../src/structure/build';
import type { Frame } from '../../src/structure/frame';
import { maxAbs, randomCell, randomCluster, randomCoefficients, TRICLINIC } from './helpers';

/** max |a − b| / max |b| (0 when both vanish) */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
    expect(a.length).toBe(b.length);
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    const s = maxAbs(b);
    return s === 0 ? d : d / s;
}

const frames: [string, Frame][] = [
    ['cluster of 7 (not periodic)', randomCluster(41, 7, 2.2, 1.1)],
    ['triclinic cell of 5 (periodic, many images)', randomCell(42, 5, TRICLINIC, 1.2)],
];

const bases: [string, (K: number, v: 'standard' | 'purified') => ReturnType<typeof defaultSpec>][] = [
    ['default', defaultSpec],
    ['study', paperSpec],
];

const cache = new Map<string, AceBasis>();
function basisOf(name: string, K: number, v: 'standard' | 'purified'): AceBasis {
    const key = `${name}-${K}-${v}`;
    let b = cache.get(key);
    if (!b) { b = AceBasis.create(bases.find((x) => x[0] === name)![1](K, v)); cache.set(key, b); }
    return b;
}

function compare(basis: AceBasis, frame: Frame, radial: 'analytic' | 'tabulated', tol: number): void {
    const c = randomCoefficients(basis, 7);
    const nl = buildNeighbourList(frame, basis.spec.rcut);
    const p = predict(basis, c, -1.25, frame, { neighbours: nl, radial });
    const q = reference.predict(basis, c, -1.25, frame, { neighbours: nl });
    expect(Math.abs(p.energy - q.energy) / Math.max(1e-300, maxAbs(q.perAtomEnergy) * frame.natoms)).toBeLessThan(tol);
    expect(relDiff(p.perAtomEnergy, q.perAtomEnergy)).toBeLessThan(tol);
    expect(relDiff(p.forces, q.forces)).toBeLessThan(tol);
    if (q.virial) expect(relDiff(p.virial!, q.virial)).toBeLessThan(tol);
    else expect(p.virial).toBeNull();
    for (let K = 2; K <= basis.spec.order; K++) {
        expect(relDiff(p.perAtomEnergyByOrder[K], q.perAtomEnergyByOrder[K])).toBeLessThan(tol);
    }
    const d = designRows(basis, frame, { neighbours: nl, radial });
    const e = reference.designRows(basis, frame, { neighbours: nl });
    // per function: rows of each function are compared at that function's scale
    const K = basis.size;
    for (const [name, x, y, rows] of [['perAtom', d.perAtom, e.perAtom, frame.natoms], ['forces', d.forces, e.forces, 3 * frame.natoms], ['virial', d.virial, e.virial, 9]] as const) {
        if (y === null) { expect(x).toBeNull(); continue; }
        let worst = 0;
        for (let k = 0; k < K; k++) {
            let dk = 0, sk = 0;
            for (let r = 0; r < rows; r++) { dk = Math.max(dk, Math.abs(x![r * K + k] - y[r * K + k])); sk = Math.max(sk, Math.abs(y[r * K + k])); }
            if (sk > 0) worst = Math.max(worst, dk / sk);
            else worst = Math.max(worst, dk);
        }
        expect(worst, `${name} rows`).toBeLessThan(tol);
    }
    expect(relDiff(d.energy, e.energy)).toBeLessThan(tol);
}

describe('evaluator equals the evaluator it replaced', () => {
    for (const [bname] of bases) for (const variant of ['standard', 'purified'] as const) for (const K of [2, 3, 4, 5]) {
        it(`${bname} basis, ${variant}, K = ${K}: analytic radials to 1e-12, tabulated to 1e-9`, () => {
            const basis = basisOf(bname, K, variant);
            for (const [, frame] of frames) {
                compare(basis, frame, 'analytic', 1e-12);
                compare(basis, frame, 'tabulated', 1e-9);
            }
        }, 120_000);
    }
});

describe('the product DAG', () => {
    it('its forward sweep gives every monomial Π_{g∈q} G_g, with shared partial products', () => {
        const basis = basisOf('default', 5, 'purified');
        const graph = productGraph(basis);
        const rnd = seededRandom(3);
        const V = new Float64Array(basis.nG + graph.nodes);
        for (let g = 0; g < basis.nG; g++) V[g] = rnd() * 2 - 1;
        graph.forward(V);
        for (let q = 0; q < basis.nMono; q++) {
            let p = 1;
            for (let s = basis.monoStart[q]; s < basis.monoStart[q + 1]; s++) p *= V[basis.monoG[s]];
            expect(Math.abs(V[graph.monoV[q]] - p)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(p)));
        }
        // sharing: fewer product nodes than factors beyond the first of every monomial
        let factors = 0;
        for (let q = 0; q < basis.nMono; q++) factors += basis.monoStart[q + 1] - basis.monoStart[q] - 1;
        expect(graph.nodes).toBeLessThan(factors);
    });
});

describe('tabulated radials', () => {
    for (const [name, rb] of [
        ['Agnesi radial, nmax 16 (default bases)', new RadialBasis(16, 5, 0, 1.287)],
        ['Agnesi radial, nmax 24 (study bases)', new RadialBasis(24, 5, 0, 1.287)],
        ['acejl radial, nmax 24', new RadialBasis(24, 5, 0, 1.287, { kind: 'acejl', p: 2, pl: 2, pr: 0 })],
        ['acejl radial on [0.9 Å, r_cut] (fit --radial acejl), nmax 24', new RadialBasis(24, 5, 0, 1.287, { kind: 'acejl', p: 2, rin: 0.9, pl: 2, pr: 0 })],
    ] as const) {
        it(`${name}: R and R' within ${RADIAL_TABLE_ACCURACY} of the analytic form (relative to max |R_n|, max |R_n'|) at 20 000 random r`, () => {
            const table = new RadialTable(rb);
            expect(table.errorValue).toBeLessThanOrEqual(RADIAL_TABLE_ACCURACY);
            expect(table.errorDerivative).toBeLessThanOrEqual(RADIAL_TABLE_ACCURACY);
            const n = rb.nmax, R = new Float64Array(n), dR = new Float64Array(n), T = new Float64Array(n), dT = new Float64Array(n), tmp = new Float64Array(2);
            const mR = new Float64Array(n), mD = new Float64Array(n), eR = new Float64Array(n), eD = new Float64Array(n);
            for (let r = 0.5; r < 5; r += 1e-3) {
                rb.evaluate(r, R, dR, tmp);
                for (let k = 0; k < n; k++) { mR[k] = Math.max(mR[k], Math.abs(R[k])); mD[k] = Math.max(mD[k], Math.abs(dR[k])); }
            }
            const rnd = seededRandom(11);
            for (let s = 0; s < 20000; s++) {
                const r = s < 10 ? [0.1, 0.3, 0.5, 4.999999, 5, 5.5, 2.5, 1e-3, 0.49999, 0.50001][s] : 0.2 + 4.8 * rnd();
                rb.evaluate(r, R, dR, tmp);
                table.evaluate(r, T, dT);
                for (let k = 0; k < n; k++) { eR[k] = Math.max(eR[k], Math.abs(T[k] - R[k]) / mR[k]); eD[k] = Math.max(eD[k], Math.abs(dT[k] - dR[k]) / mD[k]); }
            }
            expect(maxAbs(eR)).toBeLessThanOrEqual(RADIAL_TABLE_ACCURACY);
            expect(maxAbs(eD)).toBeLessThanOrEqual(RADIAL_TABLE_ACCURACY);
        }, 60_000);
    }
});

/**
 * The per-neighbour path (SiteEvaluator: one site at a time, the bond scans' evaluator) against a prediction `p` of
 * the same model: every site energy to 1e-12 of the largest, the forces assembled from its neighbour gradients to 1e-12.
 */
function expectSitesEqualPredict(basis: AceBasis, c: Float64Array, e0: number, frame: Frame, nl: NeighbourList, p: Prediction) {
    const site = new SiteEvaluator(basis, c, e0);
    const F = new Float64Array(3 * frame.natoms), g = new Float64Array(3);
    for (let i = 0; i < frame.natoms; i++) {
        const G = site.newG(), gG = site.newG();
        for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++) site.addNeighbour(G, nl.vectors[3 * k], nl.vectors[3 * k + 1], nl.vectors[3 * k + 2]);
        const E = site.siteEnergy(G, undefined, gG);
        expect(Math.abs(E - p.perAtomEnergy[i])).toBeLessThan(1e-12 * maxAbs(p.perAtomEnergy));
        for (let k = nl.offsets[i]; k < nl.offsets[i + 1]; k++) {
            site.neighbourGradient(gG, nl.vectors[3 * k], nl.vectors[3 * k + 1], nl.vectors[3 * k + 2], g);
            const j = nl.index[k];
            for (let a = 0; a < 3; a++) { F[3 * i + a] += g[a]; F[3 * j + a] -= g[a]; }
        }
    }
    expect(relDiff(F, p.forces)).toBeLessThan(1e-12);
}

describe('SiteEvaluator uses the same evaluator', () => {
    it('site energies and neighbour gradients equal predict to round-off (study basis, purified, K = 4)', () => {
        const basis = basisOf('study', 4, 'purified');
        const c = randomCoefficients(basis, 5);
        const frame = frames[0][1];
        const nl = buildNeighbourList(frame, basis.spec.rcut);
        const p = predict(basis, c, 0.5, frame, { neighbours: nl });
        expectSitesEqualPredict(basis, c, 0.5, frame, nl, p);
    });
});

describe('the per-atom (batched) path of predict', () => {
    // ~65 neighbours per atom within 5 Å: neighbour counts straddle the store's initial capacity (64) and its
    // padding to multiples of 4; the per-neighbour path (SiteEvaluator) and the replaced evaluator are the peers.
    const frame = randomCarbonPacking(64, 2.5, 1.3, 5);
    for (const [label, spec] of [
        ['default K = 4, Agnesi radial', defaultSpec(4)],
        ["the study's K = 5, acejl radial", { ...paperSpec(5), radial: { kind: 'acejl', p: 2, pl: 2, pr: 0 } }],
        ['default K = 5, self-interaction-free (same-neighbour products of 2, 3 and 4 factors)', defaultSpec(5, 'purified')],
    ] as const) {
        it(`${label}: equals the per-neighbour path and the replaced evaluator to 1e-12 (64-atom amorphous cell)`, () => {
            const basis = AceBasis.create(spec as ReturnType<typeof defaultSpec>);
            const c = randomCoefficients(basis, 9);
            const nl = buildNeighbourList(frame, basis.spec.rcut);
            expect(nl.index.length / frame.natoms).toBeGreaterThan(50);
            const p = predict(basis, c, 0.5, frame, { neighbours: nl });
            const q = reference.predict(basis, c, 0.5, frame, { neighbours: nl });
            expect(relDiff(p.perAtomEnergy, q.perAtomEnergy)).toBeLessThan(1e-12);
            expect(relDiff(p.forces, q.forces)).toBeLessThan(1e-12);
            expect(relDiff(p.virial!, q.virial!)).toBeLessThan(1e-12);
            expectSitesEqualPredict(basis, c, 0.5, frame, nl, p);
        }, 120_000);
    }
});
