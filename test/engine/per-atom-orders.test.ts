/**
 * The per-atom energy split by body order (Prediction.perAtomEnergyByOrder): it adds up to the per-atom
 * energies and to the total split, follows the atoms under permutation, and is exactly what the
 * self-interaction-free basis promises (no K ≥ 3 part on an atom with one neighbour).
 */
import { describe, expect, it } from 'vitest';
import { predict } from '../../src/ace/evaluate';
import { cluster, diamond, dimer } from '../../src/structure/build';
import { makeFrame } from '../../src/structure/frame';
import { basisFor, randomCluster, randomCoefficients, smallSpec } from './helpers';

describe('per-atom energy by body order', () => {
    for (const variant of ['standard', 'purified'] as const) {
        it(`${variant}: Σ_K E_i,K = E_i − E0 for every atom, and Σ_i E_i,K = the structure's part of order K`, () => {
            const basis = basisFor(smallSpec(4, variant));
            const c = randomCoefficients(basis, 7);
            const e0 = -1.3;
            for (const frame of [randomCluster(3, 6), diamond([1, 1, 1], 3.5)]) {
                const p = predict(basis, c, e0, frame);
                expect(Object.keys(p.perAtomEnergyByOrder).map(Number)).toEqual([2, 3, 4]);
                for (let i = 0; i < frame.natoms; i++) {
                    let sum = 0;
                    for (const K of [2, 3, 4]) sum += p.perAtomEnergyByOrder[K][i];
                    expect(Math.abs(sum - (p.perAtomEnergy[i] - e0))).toBeLessThan(1e-12 * (1 + Math.abs(sum)));
                }
                for (const K of [2, 3, 4]) {
                    const total = p.perAtomEnergyByOrder[K].reduce((a, x) => a + x, 0);
                    expect(Math.abs(total - p.energyByOrder[K])).toBeLessThan(1e-12 * (1 + Math.abs(total)));
                    // a K ≥ 3 part that is identically zero would make this test meaningless
                    if (frame.natoms > 2) expect(p.perAtomEnergyByOrder[K].some((x) => Math.abs(x) > 1e-6)).toBe(true);
                }
            }
        });
    }

    it('follows the atoms when they are permuted', () => {
        const basis = basisFor(smallSpec(3));
        const c = randomCoefficients(basis, 3);
        const frame = randomCluster(11, 5);
        const perm = [3, 0, 4, 1, 2];
        const pos = new Float64Array(15);
        perm.forEach((from, to) => pos.set(frame.positions.subarray(3 * from, 3 * from + 3), 3 * to));
        const a = predict(basis, c, 0, frame), b = predict(basis, c, 0, makeFrame({ positions: pos, cell: null, pbc: [false, false, false] }));
        for (const K of [2, 3]) perm.forEach((from, to) => expect(b.perAtomEnergyByOrder[K][to]).toBeCloseTo(a.perAtomEnergyByOrder[K][from], 12));
    });

    it('self-interaction-free: an atom with a single neighbour has no K ≥ 3 part (to round-off); standard: it has', () => {
    // a dimer, and a chain end (atom 0 has only atom 1 within the cutoff 4.5 Å)
        const chain = cluster([0, 0, 0, 1.3, 0, 0, 6.0, 0, 0, 7.3, 0, 0]);
        for (const [frame, lonely] of [[dimer(1.3), [0, 1]], [chain, [0, 1, 2, 3]]] as const) {
            const pure = predict(basisFor(smallSpec(4, 'purified')), randomCoefficients(basisFor(smallSpec(4, 'purified')), 5), 0, frame);
            const std = predict(basisFor(smallSpec(4)), randomCoefficients(basisFor(smallSpec(4)), 5), 0, frame);
            for (const i of lonely) {
                for (const K of [3, 4]) expect(Math.abs(pure.perAtomEnergyByOrder[K][i])).toBeLessThan(1e-10);
                expect(Math.abs(std.perAtomEnergyByOrder[3][i]) + Math.abs(std.perAtomEnergyByOrder[4][i])).toBeGreaterThan(1e-6);
            }
        }
    });
});
