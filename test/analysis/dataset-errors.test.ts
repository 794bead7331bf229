/**
 * src/analysis/dataset-errors.ts: the columns the plots and the 3D view share, checked against the per-frame
 * predictions, a brute-force nearest-neighbour search and direct counts; and at the size of GAP-20 (≈2·10⁵ atoms).
 */
import { describe, expect, it } from 'vitest';
import { predictFrame, withErrors, type FramePrediction } from '../../src/analysis/predictions';
import { AtomIndex, atomRows, atomsInRange, atomsOfFrames, datasetErrors, energyReference, histogramByGroup } from '../../src/analysis/dataset-errors';
import { diamond } from '../../src/structure/build';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { randomModel, smallSpec } from '../scan/helpers';
import { Model } from '../../src/model/model';
import { encodeFloat32Base64 } from '../../src/util/base64';

function labelled(f: Frame, seed: number, energyPerAtom = -8): Frame {
    const forces = new Float64Array(3 * f.natoms).map((_, i) => Math.sin(seed + 1.7 * i));
    return { ...f, forces, energy: energyPerAtom * f.natoms };
}

describe('dataset errors', () => {
    const model = randomModel(smallSpec(3), 3);
    const rattled = (seed: number) => {
        const d = diamond([1, 1, 1], 3.57);
        return labelled({ ...d, positions: d.positions.map((x, i) => x + 0.08 * Math.sin(seed * 13.1 + i * 2.3)) }, seed);
    };
    const chain = labelled(makeFrame({ positions: [0, 0, 0, 1.3, 0, 0, 2.6, 0.4, 0, 9, 9, 9], configType: 'chain' }), 5);
    const frames = [rattled(1), makeFrame({ positions: [0, 0, 0], species: ['C'], configType: 'isolated_atom' }), chain, rattled(2)];
    const predict = (f: Frame) => predictFrame(model, f);

    it('numbers atoms across frames and back', () => {
        const index = new AtomIndex(frames);
        expect(index.total).toBe(frames.reduce((s, f) => s + f.natoms, 0));
        for (let k = 0; k < frames.length; k++) for (let i = 0; i < frames[k].natoms; i++) {
            const id = index.id(k, i);
            expect([index.frameOf(id), index.atomOf(id)]).toEqual([k, i]);
        }
        expect(() => index.frameOf(index.total)).toThrow(/outside/);
        expect(Array.from(atomsOfFrames(index, [2]))).toEqual([index.id(2, 0), index.id(2, 1), index.id(2, 2), index.id(2, 3)]);
    });

    it('holds each atom\'s force error, parity components, nearest neighbour and each structure\'s energies', () => {
        const e = datasetErrors(frames, predict, model.file.e0);
        expect(e.configTypes).toEqual(['diamond', 'isolated_atom', 'chain']);
        for (let k = 0; k < frames.length; k++) {
            const f = frames[k], p = predict(f);
            if (f.energy !== undefined && f.natoms > 1) {
                expect(e.energyDft[k]).toBeCloseTo((f.energy - f.natoms * model.file.e0) / f.natoms, 12);
                expect(e.energyModel[k] - e.energyDft[k]).toBeCloseTo((p.energy - f.energy) / f.natoms, 12);
            } else expect(e.energyDft[k]).toBeNaN();
            for (let i = 0; i < f.natoms; i++) {
                const id = e.index.id(k, i);
                expect(e.atomConfigType[id]).toBe(e.frameConfigType[k]);
                if (!f.forces) { expect(e.forceError[id]).toBeNaN(); expect(e.forceRowOfAtom[id]).toBe(-1); continue; }
                expect(e.forceError[id]).toBeCloseTo(p.forceError![i], 12);
                const row = e.forceRowOfAtom[id];
                for (let c = 0; c < 3; c++) {
                    expect(e.force.atom[row + c]).toBe(id);
                    expect(e.force.dft[row + c]).toBe(f.forces[3 * i + c]);
                    expect(e.force.model[row + c]).toBe(p.forces[3 * i + c]);
                }
            }
        }
        // the chain (no cell): brute-force nearest neighbour; the far atom has none within 3 Å
        const P = chain.positions;
        for (let i = 0; i < 3; i++) {
            let best = Infinity;
            for (let j = 0; j < 4; j++) if (j !== i) best = Math.min(best, Math.hypot(P[3 * i] - P[3 * j], P[3 * i + 1] - P[3 * j + 1], P[3 * i + 2] - P[3 * j + 2]));
            expect(e.nearest[e.index.id(2, i)]).toBeCloseTo(best, 12);
        }
        expect(e.nearest[e.index.id(2, 3)]).toBeNaN();
    });

    it('carries the posterior σ of each atom\'s force into the columns and the table rows (none without a posterior)', () => {
        expect(datasetErrors(frames, predict, model.file.e0).forceSigma).toBeNull();
        expect(atomRows(datasetErrors(frames, predict, model.file.e0), [0])[0].forceSigma).toBeNaN();
        // a posterior factor F (Σ_c = FᵀF): a random lower-triangular matrix
        const n = model.coefficients.length;
        const F = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) F[i * n + j] = 0.01 * Math.sin(1 + 3.1 * i + 7.3 * j);
        const bayes = new Model({ ...model.file, uncertainty: { kind: 'posterior-factor', alpha: 1, beta: 1, n, encoding: 'float32-base64', factor: encodeFloat32Base64(F) } });
        const e = datasetErrors(frames, f => predictFrame(bayes, f), bayes.e0);
        expect(e.forceSigma).not.toBeNull();
        for (let k = 0; k < frames.length; k++) {
            const sigma = bayes.uncertainty(frames[k])!.perAtomForce;
            for (let i = 0; i < frames[k].natoms; i++) {
                expect(e.forceSigma![e.index.id(k, i)]).toBeCloseTo(sigma[i], 12);
                if (Number.isFinite(e.nearest[e.index.id(k, i)])) expect(sigma[i], `frame ${k} atom ${i} (has neighbours)`).toBeGreaterThan(0);
            }
        }
        const ids = Int32Array.from({ length: e.index.total }, (_, i) => i);
        for (const r of atomRows(e, ids)) expect(r.forceSigma).toBe(e.forceSigma![r.id]);
    });

    it('flags energies on another reference (no isolated atom, mean offset > 0.5 eV/atom), not when an isolated atom is there', () => {
        const shifted = [rattled(1), chain, rattled(2)].map(f => ({ ...f, energy: predict(f).energy + 3 * f.natoms }));
        const e = datasetErrors(shifted, predict, model.file.e0);
        const r = energyReference(shifted, e);
        expect(r.isolatedAtom).toBe(false);
        expect(r.meanOffset).toBeCloseTo(-3, 10);
        expect(r.mismatch).toBe(true);
        const withAtom = [...shifted, makeFrame({ positions: [0, 0, 0], species: ['C'], energy: -1, configType: 'isolated_atom' })];
        expect(energyReference(withAtom, datasetErrors(withAtom, predict, model.file.e0)).mismatch).toBe(false);
        const close = [rattled(1)].map(f => ({ ...f, energy: predict(f).energy + 0.1 * f.natoms }));
        expect(energyReference(close, datasetErrors(close, predict, model.file.e0)).mismatch).toBe(false);
    });

    it('histograms by group count every value once and select ranges and rows as asked', () => {
        const values = [0.1, 0.5, NaN, 0.9, 1.0, 0.3, 0.7];
        const group = [0, 1, 0, 0, 1, 1, 0];
        const h = histogramByGroup(values, group, 2, 4, { lo: 0, hi: 1 });
        expect(Array.from(h.edges)).toEqual([0, 0.25, 0.5, 0.75, 1]);
        expect(Array.from(h.counts[0])).toEqual([1, 0, 1, 1]); // 0.1; 0.7; 0.9
        expect(Array.from(h.counts[1])).toEqual([0, 1, 1, 1]); // 0.3; 0.5; 1.0 (upper edge in the last bin)
        expect(Array.from(atomsInRange(values, 0.3, 0.7))).toEqual([1, 5, 6]);
        const e = datasetErrors(frames, predict, model.file.e0);
        const ids = atomsOfFrames(e.index, [0, 1, 2]);
        const rows = atomRows(e, ids);
        expect(rows).toHaveLength(ids.length);
        for (let k = 1; k < rows.length; k++) if (!Number.isNaN(rows[k].forceError)) expect(rows[k].forceError).toBeLessThanOrEqual(rows[k - 1].forceError);
        expect(Number.isNaN(rows[rows.length - 1].forceError)).toBe(true); // the isolated atom: no DFT forces
        expect(rows[0].configType).toBe(e.configTypes[e.atomConfigType[rows[0].id]]);
    });

    it('works at the size of the GAP-20 concatenation (3 000 structures, 2·10⁵ atoms, 6·10⁵ force components)', () => {
        const big: Frame[] = [];
        for (let k = 0; k < 3000; k++) {
            const n = 66;
            const positions = new Float64Array(3 * n).map((_, i) => (i % 3) * 0.1 + 1.5 * Math.floor(i / 3));
            big.push({ ...makeFrame({ positions: Array.from(positions), configType: `type${k % 17}` }), forces: new Float64Array(3 * n).map((_, i) => Math.cos(i + k)), energy: -8 * n });
        }
        const fake = (f: Frame): FramePrediction => withErrors({ energy: f.energy! + 0.01 * f.natoms, perAtomEnergy: new Float64Array(f.natoms), perAtomEnergyByOrder: {}, forces: f.forces!.map(x => 1.1 * x) }, f);
        const e = datasetErrors(big, fake, 0, { nearest: false });
        expect(e.index.total).toBe(198_000);
        expect(e.force.dft.length).toBe(594_000);
        expect(e.configTypes).toHaveLength(17);
        const h = histogramByGroup(e.forceError, e.atomConfigType, 17, 60);
        expect(h.counts.reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0)).toBe(198_000);
        expect(atomRows(e, atomsInRange(e.forceError, 0.15, Infinity)).length).toBe(atomsInRange(e.forceError, 0.15, Infinity).length);
    });
});
