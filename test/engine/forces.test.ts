import { describe, expect, it } from 'vitest';
import { designRows, predict } from '../../src/ace/evaluate';
import { Frame, makeFrame, cellVolume } from '../../src/structure/frame';
import { supercell, diamond, transformFrame, dimer, cluster } from '../../src/structure/build';
import { basisFor, maxAbs, randomCell, randomCluster, randomCoefficients, smallSpec, TRICLINIC } from './helpers';
import { defaultSpec } from '../../src/ace/spec';
import { coreRepulsionTerms, type CoreRepulsionSpec } from '../../src/ace/core-repulsion';

function displaced(frame: Frame, atom: number, dim: number, h: number): Frame {
    const pos = Float64Array.from(frame.positions);
    pos[3 * atom + dim] += h;
    return makeFrame({ positions: pos, cell: frame.cell, pbc: frame.pbc });
}

const cases: [string, Frame][] = [
    ['cluster of 6', randomCluster(31, 6, 2.0, 1.0)],
    ['triclinic cell of 4 (many images)', randomCell(32, 4, TRICLINIC, 1.2)],
];

describe('forces are minus the finite-difference gradient of the energy', () => {
    for (const variant of ['standard', 'purified'] as const) for (const K of [2, 3, 4, 5]) {
        const basis = basisFor(smallSpec(K, variant));
        const c = randomCoefficients(basis, K);
        for (const [name, frame] of cases) {
            it(`${variant} K=${K}, ${name}`, () => {
                const p = predict(basis, c, -1.5, frame);
                const h = 1e-5;
                const scale = maxAbs(p.forces) + 1e-3;
                for (let a = 0; a < frame.natoms; a++) for (let d = 0; d < 3; d++) {
                    const ep = predict(basis, c, -1.5, displaced(frame, a, d, h), { forces: false }).energy;
                    const em = predict(basis, c, -1.5, displaced(frame, a, d, -h), { forces: false }).energy;
                    const fd = -(ep - em) / (2 * h);
                    expect(Math.abs(fd - p.forces[3 * a + d]) / scale).toBeLessThan(1e-6);
                }
                // Newton's third law: forces sum to zero
                for (let d = 0; d < 3; d++) {
                    let s = 0;
                    for (let a = 0; a < frame.natoms; a++) s += p.forces[3 * a + d];
                    expect(Math.abs(s) / scale).toBeLessThan(1e-11);
                }
            });
        }
    }
});

describe('stress equals (1/V) ∂E/∂ε under a finite strain (ASE convention)', () => {
    for (const variant of ['standard', 'purified'] as const) {
        it(`${variant} K=4, triclinic cell, all 9 strain components`, () => {
            const basis = basisFor(smallSpec(4, variant));
            const c = randomCoefficients(basis, 9);
            const frame = randomCell(33, 5, TRICLINIC, 1.2);
            const p = predict(basis, c, 0, frame);
            const V = cellVolume(frame.cell!);
            const h = 1e-6;
            for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
                const Mp = [1, 0, 0, 0, 1, 0, 0, 0, 1], Mm = [1, 0, 0, 0, 1, 0, 0, 0, 1];
                Mp[3 * a + b] += h; Mm[3 * a + b] -= h;
                const ep = predict(basis, c, 0, transformFrame(frame, Mp), { forces: false }).energy;
                const em = predict(basis, c, 0, transformFrame(frame, Mm), { forces: false }).energy;
                const sigma = (ep - em) / (2 * h) / V;
                expect(Math.abs(sigma - p.stress![3 * a + b])).toBeLessThan(1e-6 * (maxAbs(p.stress!) + 1e-4));
            }
            // virial symmetric (rotation invariance)
            expect(Math.abs(p.virial![1] - p.virial![3])).toBeLessThan(1e-10 * maxAbs(p.virial!));
        });
    }

    it('compressed diamond has negative (compressive) stress in the convention σ = (1/V)∂E/∂ε with a repulsive pair term', () => {
    // a purely repulsive model: positive coefficient on R_1 (the envelope, positive and decreasing)
        const basis = basisFor(defaultSpec(2));
        const c = new Float64Array(basis.size); c[0] = 1;
        const p = predict(basis, c, 0, diamond([1, 1, 1], 3.3));
        expect(p.stress![0]).toBeLessThan(0);
        expect(p.stress![0]).toBeCloseTo(p.stress![4], 10);
    });
});

describe('designRows is consistent with predict', () => {
    for (const variant of ['standard', 'purified'] as const) for (const contraction of ['grouped', 'perPair'] as const) {
        it(`${variant} K=5, ${contraction} contraction: c·rows equals the prediction (energy, per-atom, forces, virial)`, () => {
            const basis = basisFor(smallSpec(5, variant));
            const c = randomCoefficients(basis, 5);
            const frame = randomCell(34, 6, TRICLINIC, 1.2);
            const e0 = -2.25;
            const rows = designRows(basis, frame, { contraction });
            const p = predict(basis, c, e0, frame);
            const K = basis.size, N = frame.natoms;
            let E = N * e0;
            for (let k = 0; k < K; k++) E += c[k] * rows.energy[k];
            expect(Math.abs(E - p.energy)).toBeLessThan(1e-11 * (1 + Math.abs(p.energy)));
            for (let i = 0; i < N; i++) {
                let e = e0;
                for (let k = 0; k < K; k++) e += c[k] * rows.perAtom[i * K + k];
                expect(Math.abs(e - p.perAtomEnergy[i])).toBeLessThan(1e-11 * (1 + Math.abs(e)));
            }
            const fs = maxAbs(p.forces);
            for (let r = 0; r < 3 * N; r++) {
                let f = 0;
                for (let k = 0; k < K; k++) f += c[k] * rows.forces[r * K + k];
                expect(Math.abs(f - p.forces[r])).toBeLessThan(1e-11 * fs);
            }
            const vs = maxAbs(p.virial!);
            for (let r = 0; r < 9; r++) {
                let w = 0;
                for (let k = 0; k < K; k++) w += c[k] * rows.virial![r * K + k];
                expect(Math.abs(w - p.virial![r])).toBeLessThan(1e-11 * vs);
            }
            // energy by order adds up
            const byOrder = Object.values(p.energyByOrder).reduce((s, x) => s + x, 0);
            expect(Math.abs(byOrder + N * e0 - p.energy)).toBeLessThan(1e-10 * (1 + Math.abs(p.energy)));
            for (let Kb = 2; Kb <= 5; Kb++) {
                let e = 0;
                for (let k = 0; k < K; k++) if (basis.bodyOrder[k] === Kb) e += c[k] * rows.energy[k];
                expect(Math.abs(e - p.energyByOrder[Kb])).toBeLessThan(1e-10 * (1 + Math.abs(e)));
            }
        });
    }

    it('no cell: virial and stress are null; forces off: empty forces', () => {
        const basis = basisFor(smallSpec(3));
        const c = randomCoefficients(basis, 1);
        const p = predict(basis, c, 0, randomCluster(3, 4));
        expect(p.virial).toBeNull();
        expect(p.stress).toBeNull();
        expect(designRows(basis, randomCluster(3, 4)).virial).toBeNull();
        expect(predict(basis, c, 0, randomCluster(3, 4), { forces: false }).forces.length).toBe(0);
    });

    it('rejects non-carbon atoms and wrong coefficient lengths with clear errors', () => {
        const basis = basisFor(smallSpec(2));
        const f = makeFrame({ positions: [0, 0, 0, 1.5, 0, 0], species: ['C', 'Si'] });
        expect(() => predict(basis, new Float64Array(basis.size), 0, f)).toThrow(/atom 1 is 'Si'/);
        expect(() => predict(basis, new Float64Array(3), 0, dimer(1.3))).toThrow(/coefficient vector has 3/);
    });
});

describe('continuity as a neighbour crosses r_cut', () => {
    for (const variant of ['standard', 'purified'] as const) {
        it(`${variant} K=4: energy O(δ²) and forces O(δ) across the cutoff`, () => {
            const basis = basisFor(smallSpec(4, variant));
            const c = randomCoefficients(basis, 4);
            const rc = basis.spec.rcut;
            // a triangle-ish cluster on the −x side; atom 3 moves along +x so that its distance to atom 0 crosses
            // r_cut while it stays beyond r_cut of atoms 1 and 2 (so beyond r_cut nothing depends on x)
            const at = (x: number) => cluster([0, 0, 0, -1.4, 0.2, 0, -0.6, 1.3, 0.1, x, 0.0, 0.0]);
            const far = predict(basis, c, 0, at(rc + 1e-3));
            let prevE = Infinity, prevF = Infinity;
            for (const delta of [1e-2, 1e-3, 1e-4]) {
                const inside = predict(basis, c, 0, at(rc - delta));
                const dE = Math.abs(inside.energy - far.energy);
                const dF = maxAbs(inside.forces.map((f, t) => f - far.forces[t]));
                if (Number.isFinite(prevE)) {
                    expect(dE).toBeLessThan(prevE / 50); // ~δ² scaling (100×) with margin
                    expect(dF).toBeLessThan(prevF / 5); // ~δ scaling (10×) with margin
                }
                prevE = dE; prevF = dF;
            }
            expect(prevE).toBeLessThan(1e-6);
        });
    }
});

describe('periodic results are independent of the choice of cell', () => {
    for (const variant of ['standard', 'purified'] as const) {
        it(`${variant} K=4: a 2×1×3 supercell has the same per-atom energies and forces`, () => {
            const basis = basisFor(smallSpec(4, variant));
            const c = randomCoefficients(basis, 8);
            const frame = randomCell(35, 4, TRICLINIC, 1.2);
            const big = supercell(frame, [2, 1, 3]);
            const p = predict(basis, c, 0.5, frame), q = predict(basis, c, 0.5, big);
            for (let t = 0; t < big.natoms; t++) {
                expect(Math.abs(q.perAtomEnergy[t] - p.perAtomEnergy[t % frame.natoms])).toBeLessThan(1e-10 * (1 + Math.abs(p.perAtomEnergy[0])));
                for (let d = 0; d < 3; d++) expect(Math.abs(q.forces[3 * t + d] - p.forces[3 * (t % frame.natoms) + d])).toBeLessThan(1e-9 * (1 + maxAbs(p.forces)));
            }
            for (let r = 0; r < 9; r++) expect(Math.abs(q.stress![r] - p.stress![r])).toBeLessThan(1e-9 * (1 + maxAbs(p.stress!)));
        });
    }

    it('perfect diamond: all per-atom energies equal and forces vanish', () => {
        const basis = basisFor(defaultSpec(4));
        const c = randomCoefficients(basis, 2);
        const p = predict(basis, c, 0, diamond([2, 2, 2]));
        for (let i = 1; i < 64; i++) expect(p.perAtomEnergy[i]).toBeCloseTo(p.perAtomEnergy[0], 9);
        expect(maxAbs(p.forces)).toBeLessThan(1e-9);
    });
});

describe('options and determinism', () => {
    it('a neighbour list with a larger cutoff gives the same results', async () => {
        const { buildNeighbourList } = await import('../../src/structure/neighbours');
        for (const variant of ['standard', 'purified'] as const) {
            const basis = basisFor(smallSpec(4, variant));
            const c = randomCoefficients(basis, 12);
            const frame = randomCell(36, 5, TRICLINIC, 1.2);
            const a = predict(basis, c, 0, frame);
            const b = predict(basis, c, 0, frame, { neighbours: buildNeighbourList(frame, basis.spec.rcut + 1.5) });
            expect(Math.abs(a.energy - b.energy)).toBeLessThan(1e-12 * (1 + Math.abs(a.energy)));
            expect(maxAbs(a.forces.map((f, t) => f - b.forces[t]))).toBeLessThan(1e-12 * (1 + maxAbs(a.forces)));
            const ra = designRows(basis, frame), rb = designRows(basis, frame, { neighbours: buildNeighbourList(frame, basis.spec.rcut + 1.5) });
            expect(maxAbs(ra.forces.map((f, t) => f - rb.forces[t]))).toBeLessThan(1e-12 * (1 + maxAbs(ra.forces)));
            expect(() => predict(basis, c, 0, frame, { neighbours: buildNeighbourList(frame, 2) })).toThrow(/smaller than the basis cutoff/);
        }
    });

    it('virial rows can be switched off; forces off gives empty force rows', () => {
        const basis = basisFor(smallSpec(3));
        const frame = randomCell(37, 4, TRICLINIC, 1.2);
        expect(designRows(basis, frame, { virial: false }).virial).toBeNull();
        const r = designRows(basis, frame, { forces: false, virial: false });
        expect(r.forces.length).toBe(0);
        expect(r.energy.length).toBe(basis.size);
    });

    it('building the same spec twice gives bit-identical bases', async () => {
        const { AceBasis } = await import('../../src/ace/basis');
        for (const variant of ['standard', 'purified'] as const) {
            const a = AceBasis.create(smallSpec(5, variant)), b = AceBasis.create(smallSpec(5, variant));
            expect(Array.from(a.dCoef)).toEqual(Array.from(b.dCoef));
            expect(Array.from(a.monoG)).toEqual(Array.from(b.monoG));
        }
    });
});

describe('core repulsion (spec.coreRepulsion): forces and stress against finite differences', () => {
    // r_i = 1.3 Å and atoms as close as 0.6 Å: many pairs on the wall; the second case puts ρ_i inside ML-PACE's density switch
    const cores: CoreRepulsionSpec[] = [
        { kind: 'acejl-core', strength: 600, rInner: 1.3 },
        { kind: 'acejl-core', strength: 600, rInner: 1.3, rhoCoreCutoff: 200, drhoCoreCutoff: 195 },
    ];
    for (const core of cores) {
        const switched = core.rhoCoreCutoff !== undefined;
        it(`K=3 standard, ${switched ? 'density switch active' : 'no switch'}: forces, stress, energy = ACE + Σ ½V`, () => {
            const basis = basisFor({ ...smallSpec(3, 'standard'), coreRepulsion: { ...core } });
            const plain = basisFor(smallSpec(3, 'standard'));
            const c = randomCoefficients(basis, 5);
            const cluster = randomCluster(41, 6, 1.4, 0.6);
            const p = predict(basis, c, -1.5, cluster);
            const q = predict(plain, c, -1.5, cluster);
            const h = 1e-6, scale = maxAbs(p.forces) + 1e-3;
            const t = coreRepulsionTerms(basis.spec.coreRepulsion!, cluster);
            let fmin = 1;
            for (let i = 0; i < cluster.natoms; i++) {
                // E_i = E0 + f(ρ_i)·E_ACE,i + ρ_i (f = 1 without the switch)
                const f = (p.perAtomEnergy[i] + 1.5 - t.perAtom[i]) / (q.perAtomEnergy[i] + 1.5);
                if (!switched) expect(Math.abs(f - 1)).toBeLessThan(1e-9);
                fmin = Math.min(fmin, f);
            }
            if (switched) expect(fmin).toBeLessThan(0.99);
            if (!switched) expect(p.energy - q.energy).toBeGreaterThan(1); // the wall is felt
            for (let a = 0; a < cluster.natoms; a++) for (let d = 0; d < 3; d++) {
                const ep = predict(basis, c, -1.5, displaced(cluster, a, d, h), { forces: false }).energy;
                const em = predict(basis, c, -1.5, displaced(cluster, a, d, -h), { forces: false }).energy;
                expect(Math.abs(-(ep - em) / (2 * h) - p.forces[3 * a + d]) / scale).toBeLessThan(1e-6);
            }
            const cell = randomCell(42, 4, TRICLINIC, 0.7);
            const s = predict(basis, c, 0, cell);
            const V = cellVolume(cell.cell!);
            for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
                const Mp = [1, 0, 0, 0, 1, 0, 0, 0, 1], Mm = [1, 0, 0, 0, 1, 0, 0, 0, 1];
                Mp[3 * a + b] += h; Mm[3 * a + b] -= h;
                const sigma = (predict(basis, c, 0, transformFrame(cell, Mp), { forces: false }).energy - predict(basis, c, 0, transformFrame(cell, Mm), { forces: false }).energy) / (2 * h) / V;
                expect(Math.abs(sigma - s.stress![3 * a + b])).toBeLessThan(1e-6 * (maxAbs(s.stress!) + 1e-4));
            }
        });
    }
});
