/**
 * plugin/worst-atoms.ts: the atoms with the largest force errors of a dataset, checked against an
 * independent sort of all per-atom errors, with coordination and many-body part as defined.
 */
import { describe, expect, it } from 'vitest';
import { predictFrame } from '../../src/analysis/predictions';
import { BOND_CUTOFF, worstAtoms } from '../../src/analysis/worst-atoms';
import { Model } from '../../src/model/model';
import { diamond } from '../../src/structure/build';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { randomModel, smallSpec } from '../scan/helpers';

function labelled(f: Frame, seed: number): Frame {
    // DFT-like labels that differ from the model: forces of a fixed pattern
    const forces = new Float64Array(3 * f.natoms).map((_, i) => Math.sin(seed + 1.7 * i));
    return { ...f, forces, energy: -8 * f.natoms };
}

describe('worst atoms', () => {
    const model: Model = randomModel(smallSpec(3), 3);
    const rattled = (seed: number) => {
        const d = diamond([1, 1, 1], 3.57);
        const pos = d.positions.map((x, i) => x + 0.08 * Math.sin(seed * 13.1 + i * 2.3));
        return labelled({ ...d, positions: pos }, seed);
    };
    const frames = [
        rattled(1),
        makeFrame({ positions: [0, 0, 0], species: ['C'], energy: -1.3, configType: 'isolated_atom' }),
        labelled(makeFrame({ positions: [0, 0, 0, 1.3, 0, 0, 2.6, 0.4, 0], configType: 'chain' }), 5),
        rattled(2),
    ];

    it('are the largest per-atom force errors of all frames, in order', () => {
        const w = worstAtoms(frames, (f) => predictFrame(model, f), 5);
        const all: { frame: number; atom: number; err: number }[] = [];
        frames.forEach((f, k) => {
            if (!f.forces || f.natoms < 2) return;
            const p = predictFrame(model, f);
            for (let i = 0; i < f.natoms; i++) all.push({ frame: k, atom: i, err: p.forceError![i] });
        });
        all.sort((a, b) => b.err - a.err);
        expect(w.map((x) => [x.frame, x.atom])).toEqual(all.slice(0, 5).map((x) => [x.frame, x.atom]));
        for (let i = 1; i < w.length; i++) expect(w[i].forceError).toBeLessThanOrEqual(w[i - 1].forceError);
    });

    it('count bonded neighbours within the bond cutoff (images included) and sum the K ≥ 3 energy parts', () => {
        const w = worstAtoms(frames, (f) => predictFrame(model, f), 30);
        for (const x of w) {
            const f = frames[x.frame];
            if (f.configType === 'chain') expect(x.neighbours).toBe(x.atom === 1 ? 2 : 1);
            else expect(x.neighbours).toBe(4); // rattled diamond: four bonds of ~1.55 Å, the next shell at 2.5 Å
            const p = predictFrame(model, f);
            expect(x.manyBody).toBeCloseTo(p.perAtomEnergyByOrder[3][x.atom], 12);
            expect(x.dftForce).toBeCloseTo(Math.hypot(f.forces![3 * x.atom], f.forces![3 * x.atom + 1], f.forces![3 * x.atom + 2]), 12);
        }
        expect(BOND_CUTOFF).toBeGreaterThan(1.6);
    });

    it('a dataset without DFT forces has no worst atoms', () => {
        expect(worstAtoms([makeFrame({ positions: [0, 0, 0, 1.3, 0, 0] })], (f) => predictFrame(model, f))).toEqual([]);
    });
});
