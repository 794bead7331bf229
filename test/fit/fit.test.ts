import { describe, expect, it } from 'vitest';
import { AceBasis } from '../../src/ace/basis';
import { designRows, predict } from '../../src/ace/evaluate';
import { assembleInProcess } from '../../src/fit/assemble';
import { e0FromFrames, FitError, fitModel, isIsolatedAtom, splitIndices } from '../../src/fit/fit';
import { symmetrize } from '../../src/fit/normal-equations';
import { smoothnessPrior } from '../../src/fit/prior';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { dimer } from '../../src/structure/build';
import { E0, isolatedAtom, label, randomStructures, smallSpec, syntheticData, trueCoefficients } from './data';
import { denseLeastSquares, denseRidge, maxAbsDiff, norm, rng } from './helpers';

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return maxAbsDiff(a, b) / Math.max(1e-300, ...Array.from(b, Math.abs));
}

/** The stacked weighted rows of a data set, built independently of src/fit (for dense reference solves). */
function stackedRows(basis: AceBasis, frames: Frame[], e0: number, wE: number, wF: number) {
    const rows: number[][] = [];
    const y: number[] = [];
    for (const f of frames) {
        if (isIsolatedAtom(f)) continue;
        const d = designRows(basis, f, { forces: true, virial: false });
        const N = f.natoms;
        if (wE > 0 && f.energy !== undefined) {
            rows.push(Array.from(d.energy, (x) => (x * wE) / N));
            y.push(((f.energy - N * e0) * wE) / N);
        }
        if (wF > 0 && f.forces) {
            const s = wF / Math.sqrt(3 * N);
            for (let r = 0; r < 3 * N; r++) {
                rows.push(Array.from(d.forces.subarray(r * basis.size, (r + 1) * basis.size), (x) => x * s));
                y.push(f.forces[r] * s);
            }
        }
    }
    return { rows, y };
}

/** Adds seeded noise to the labels (so that the least-squares solution is not the generating one). */
function noisy(frames: Frame[], seed: number): Frame[] {
    const rnd = rng(seed);
    return frames.map((f) =>
        isIsolatedAtom(f)
            ? f
            : {
                ...f,
                energy: f.energy! + 0.05 * f.natoms * (rnd() - 0.5),
                forces: f.forces!.map((x) => x + 0.2 * (rnd() - 0.5)),
            },
    );
}

describe('fitModel: recovery of a known model (noise-free)', () => {
    for (const [K, variant] of [
        [2, 'standard'],
        [3, 'standard'],
        [4, 'standard'],
        [4, 'purified'],
    ] as const) {
        it(`K = ${K} ${variant}: energies + forces give back the generating coefficients`, async () => {
            const spec = smallSpec(K, variant);
            const { c, frames } = syntheticData(spec, 16, K);
            const r = await fitModel(frames, { spec, lambda: 0 });
            expect(r.model.nbasis).toBe(c.length);
            expect(r.solve.method).toBe('cholesky');
            expect(r.solve.rank).toBe(c.length);
            expect(relErr(r.model.coefficients, c)).toBeLessThan(1e-8);
            expect(r.model.e0).toBe(E0);
            expect(r.metrics.train.energy_rmse_meV_atom!).toBeLessThan(1e-6);
            expect(r.metrics.train.force_rmse_meV_A!).toBeLessThan(1e-6);
            expect(r.model.data.train.structures).toBe(16); // the isolated atom is used for E0 only
            expect(r.model.data.e0Frames).toBe(1);
        });
    }

    it('force-only fit (no energies in the data, E0 given) recovers the coefficients', async () => {
        const spec = smallSpec(3);
        const { c, frames } = syntheticData(spec, 12, 5, { energy: false });
        const r = await fitModel(frames.slice(1), { spec, lambda: 0, energyWeight: 0, e0: E0 });
        expect(r.model.data.train.energyRows).toBe(0);
        expect(relErr(r.model.coefficients, c)).toBeLessThan(1e-8);
        expect(r.metrics.train.energy_rmse_meV_atom).toBeNull();
    });

    it('energy-only fit (force weight 0) recovers the coefficients from enough structures', async () => {
        const spec = smallSpec(2);
        const { c, frames } = syntheticData(spec, 24, 6);
        const r = await fitModel(frames, { spec, lambda: 0, forceWeight: 0 });
        expect(r.model.data.train.forceRows).toBe(0);
        expect(r.model.data.train.energyRows).toBe(24);
        expect(relErr(r.model.coefficients, c)).toBeLessThan(1e-7);
    });

    it('virial rows: a stress-only fit (energy and force weights 0) recovers the coefficients', async () => {
        const spec = smallSpec(2);
        const basis = AceBasis.create(spec);
        const c = trueCoefficients(basis, 3);
        const frames = randomStructures(16, 9)
            .filter((f) => f.cell)
            .map((f) => label(f, basis, c, E0, { stress: true }));
        const r = await fitModel(frames, { spec, lambda: 0, energyWeight: 0, forceWeight: 0, virialWeight: 1, e0: E0 });
        expect(r.model.data.train.virialRows).toBe(9 * frames.length);
        expect(relErr(r.model.coefficients, c)).toBeLessThan(1e-7);
        // by default (virial weight 1) the stresses of periodic frames are used next to energies and forces
        const d = await fitModel(frames, { spec, lambda: 0, e0: E0 });
        expect(d.model.data.train.virialRows).toBe(9 * frames.length);
        expect(d.model.fit.virialWeight).toBe(1);
        expect(relErr(d.model.coefficients, c)).toBeLessThan(1e-8);
    });
});

describe('fitModel: regularisation', () => {
    const spec = smallSpec(3);
    const { basis, frames: clean } = syntheticData(spec, 10, 21);
    const frames = noisy(clean, 3);

    it('λ = 0 (and λ → 0) equals an independent dense least-squares solve of the stacked rows', async () => {
        const { rows, y } = stackedRows(basis, frames, E0, 1, 1);
        const ref = denseLeastSquares(rows, y);
        const r0 = await fitModel(frames, { spec, lambda: 0 });
        expect(relErr(r0.model.coefficients, ref)).toBeLessThan(1e-8);
        const rs = await fitModel(frames, { spec, lambda: 1e-12 });
        expect(relErr(rs.model.coefficients, ref)).toBeLessThan(1e-5);
    });

    it('λ > 0 equals the dense ridge solution with the smoothness prior; large λ shrinks ‖c‖', async () => {
        const { rows, y } = stackedRows(basis, frames, E0, 2, 0.5);
        const prior = smoothnessPrior(basis, 2);
        const r = await fitModel(frames, { spec, lambda: 0.01, energyWeight: 2, forceWeight: 0.5 });
        expect(relErr(r.model.coefficients, denseRidge(rows, y, 0.01, prior))).toBeLessThan(1e-8);
        const norms: number[] = [];
        for (const lambda of [0, 1e-2, 1, 100, 1e4]) norms.push(norm((await fitModel(frames, { spec, lambda })).model.coefficients));
        for (let i = 1; i < norms.length; i++) expect(norms[i]).toBeLessThan(norms[i - 1]);
        expect(norms[4]).toBeLessThan(0.05 * norms[0]);
    });
});

describe('fitModel: λ chosen on validation data (lambdaScan)', () => {
    const spec = smallSpec(3);
    const { frames: clean } = syntheticData(spec, 14, 23);
    const frames = noisy(clean, 5);
    const grid = [1e4, 0, 1e-3, 1, 1e-6]; // unsorted on purpose

    it('solves every candidate from one eigendecomposition, keeps the lowest validation score, and equals a plain fit at that λ', async () => {
        const r = await fitModel(frames, { spec, lambdaScan: grid, validFraction: 0.3, seed: 2, energyWeight: 3, forceWeight: 1 });
        const pts = r.model.fit.lambdaScan!;
        expect(pts.map((p) => p.lambda)).toEqual([0, 1e-6, 1e-3, 1, 1e4]);
        // each candidate's validation errors (quadratic forms of the validation rows) are those of a plain
        // (Cholesky) fit at its λ followed by a prediction pass, and its score is the weighted validation RMSEs
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
        for (const p of pts) {
            const plain = await fitModel(frames, { spec, lambda: p.lambda, validFraction: 0.3, seed: 2, energyWeight: 3, forceWeight: 1 });
            expect(rel(p.valid.energy_rmse_meV_atom!, plain.metrics.valid!.energy_rmse_meV_atom!)).toBeLessThan(1e-6);
            expect(rel(p.valid.force_rmse_meV_A!, plain.metrics.valid!.force_rmse_meV_A!)).toBeLessThan(1e-6);
            const want = (3 * plain.metrics.valid!.energy_rmse_meV_atom! / 1000) ** 2 + (plain.metrics.valid!.force_rmse_meV_A! / 1000) ** 2;
            expect(rel(p.score, want)).toBeLessThan(1e-6);
        }
        const bestScore = Math.min(...pts.map((p) => p.score));
        expect(pts.find((p) => p.lambda === r.model.fit.lambda)!.score).toBe(bestScore);
        const plain = await fitModel(frames, { spec, lambda: r.model.fit.lambda, validFraction: 0.3, seed: 2, energyWeight: 3, forceWeight: 1 });
        expect(relErr(r.model.coefficients, plain.model.coefficients)).toBeLessThan(1e-8);
        expect(r.model.fit.solver.rank).toBe(plain.model.fit.solver.rank);
        // the kept candidate carries the final model's training errors; the others only validation errors
        const kept = pts.find((p) => p.lambda === r.model.fit.lambda)!;
        expect(kept.train.force_rmse_meV_A).toBe(r.metrics.train.force_rmse_meV_A);
        expect(r.model.fit.lambda).not.toBe(1e4);
        expect(pts[4].score).toBeGreaterThan(bestScore);
    });

    it('a scan without validation data, with one value or with a negative value is a clear error', async () => {
        await expect(fitModel(frames, { spec, lambdaScan: [0, 1] })).rejects.toThrow(/validation/);
        await expect(fitModel(frames, { spec, lambdaScan: [1, 1], validFraction: 0.2 })).rejects.toThrow(/at least two/);
        await expect(fitModel(frames, { spec, lambdaScan: [1, -1], validFraction: 0.2 })).rejects.toThrow(/lambda must be/);
    });

    it('a plain fit records no scan', async () => {
        expect((await fitModel(frames, { spec, lambda: 1e-6 })).model.fit.lambdaScan).toBeUndefined();
    });
});

describe('fitModel: rank-deficient data', () => {
    const dimers = (basis: AceBasis, c: Float64Array) =>
        [isolatedAtom(), ...[1.0, 1.2, 1.4, 1.7, 2.0, 2.4, 2.8, 3.3, 3.8].map((r) => label({ ...dimer(r), configType: 'dimer' }, basis, c, E0))];

    it('dimer-only training at K = 3 (standard) reports rank < size instead of failing', async () => {
        const spec = smallSpec(3);
        const basis = AceBasis.create(spec);
        const c = trueCoefficients(basis, 2);
        const r = await fitModel(dimers(basis, c), { spec, lambda: 0 });
        expect(r.solve.method).toBe('eigen');
        expect(r.solve.rank).toBeLessThan(basis.size);
        expect(r.solve.rank).toBeGreaterThan(0);
        expect(r.model.fit.solver.rank).toBe(r.solve.rank);
        // the fit still reproduces the dimer data it has seen
        expect(r.metrics.train.energy_rmse_meV_atom!).toBeLessThan(1e-3);
        // with a regulariser the system is solvable by Cholesky, and the data rank is still reported
        const reg = await fitModel(dimers(basis, c), { spec, lambda: 1e-3 });
        expect(reg.solve.method).toBe('cholesky');
        expect(reg.solve.solvedRank).toBe(basis.size);
        expect(reg.solve.rank).toBe(r.solve.rank);
    });

    it('purified K = 4 on dimers: only the pair functions are determined (rank = number of K = 2 functions)', async () => {
        const spec = smallSpec(4, 'purified');
        const basis = AceBasis.create(spec);
        const c = trueCoefficients(basis, 4);
        const r = await fitModel(dimers(basis, c), { spec, lambda: 0 });
        expect(r.solve.rank).toBe(basis.sizeByOrder()[2]);
        for (let k = 0; k < basis.size; k++) if (basis.bodyOrder[k] > 2) expect(r.model.coefficients[k]).toBe(0);
    });
});

describe('fitModel: E0, split, validation, inputs', () => {
    const spec = smallSpec(2);
    const { frames } = syntheticData(spec, 12, 31);

    it('E0 auto comes from the isolated atom; without one it is an error; a given E0 is used', async () => {
        expect(e0FromFrames(frames)).toEqual({ e0: E0, count: 1 });
        await expect(fitModel(frames.slice(1), { spec })).rejects.toThrow(/isolated-atom/);
        const r = await fitModel(frames.slice(1), { spec, e0: E0, lambda: 0 });
        expect(r.model.e0).toBe(E0);
        expect(r.model.fit.e0Source).toBe('given');
    });

    it('the split is by structure, seeded, reproducible, and produces validation metrics', async () => {
        const a = splitIndices([...Array(20).keys()], 0.25, 7);
        expect(a.valid).toHaveLength(5);
        expect([...a.train, ...a.valid].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
        expect(splitIndices([...Array(20).keys()], 0.25, 7)).toEqual(a);
        expect(splitIndices([...Array(20).keys()], 0.25, 8)).not.toEqual(a);
        const r = await fitModel(frames, { spec, validFraction: 0.25, seed: 3 });
        expect(r.split.valid).toHaveLength(3);
        expect(r.split.valid).not.toContain(0); // the isolated atom is never split
        expect(r.metrics.valid!.structures).toBe(3);
        expect(r.metrics.train.structures).toBe(9);
        expect(r.model.data.valid).toEqual({ structures: 3, atoms: r.split.valid.reduce((s, i) => s + frames[i].natoms, 0) });
        const r2 = await fitModel(frames, { spec, validFrames: frames.slice(1, 4) });
        expect(r2.metrics.valid!.structures).toBe(3);
        expect(r2.model.fit.validation).toBe('file');
    });

    it('does not modify the frames passed in, also when the fit fails', async () => {
        const copy = frames.map((f) => ({ ...f, positions: f.positions.slice(), forces: f.forces?.slice() }));
        await fitModel(frames, { spec, lambda: 1e-3, validFraction: 0.2 });
        await expect(fitModel(frames, { spec, lambda: -1 })).rejects.toThrow(FitError);
        frames.forEach((f, i) => {
            expect(f.positions).toEqual(copy[i].positions);
            expect(f.forces).toEqual(copy[i].forces);
            expect(f.energy).toBe(copy[i].energy);
        });
    });

    it('rejects non-carbon atoms, NaN labels, no energies, and all-zero weights naming the structure', async () => {
        const si = { ...frames[3], species: frames[3].species.map((s, i) => (i === 1 ? 'Si' : s)) };
        await expect(fitModel([frames[0], si], { spec })).rejects.toThrow(/training structure 1, atom 1: atom 1 is 'Si'/);
        const nan = { ...frames[2], forces: frames[2].forces!.map((x, i) => (i === 4 ? NaN : x)) };
        await expect(fitModel([frames[0], nan], { spec, describe: (_s, i, atom) => `data.xyz:${7 + (atom ?? 0)}: frame ${i}` })).rejects.toThrow(
            /data.xyz:8: frame 1: force on atom 1 is NaN, expected a finite number/,
        );
        const noEnergy = frames.map((f) => (isIsolatedAtom(f) ? f : { ...f, energy: undefined }));
        await expect(fitModel(noEnergy, { spec })).rejects.toThrow(/training structure 1: no energy label/);
        await expect(fitModel(frames, { spec, energyWeight: 0, forceWeight: 0, virialWeight: 0 })).rejects.toThrow(/weights are 0/);
        await expect(fitModel(frames, { spec, energyWeight: 0, forceWeight: 0 })).rejects.toThrow(/no training structure has a label with a non-zero weight/);
        await expect(fitModel([], { spec })).rejects.toThrow(/empty/);
    });
});

describe('fitModel: progress and cancellation', () => {
    const spec = smallSpec(3);
    const { frames } = syntheticData(spec, 12, 41);

    it('reports assembly progress "assembled i/n structures"', async () => {
        const messages: string[] = [];
        await fitModel(frames, { spec, onProgress: (p) => messages.push(p.message) });
        expect(messages).toContain('assembled 5/12 structures');
        expect(messages).toContain('assembled 12/12 structures');
    });

    it('an AbortSignal stops the assembly (no further structures are assembled)', async () => {
        const controller = new AbortController();
        let assembled = 0;
        const p = fitModel(frames, {
            spec,
            signal: controller.signal,
            onProgress: (pr) => {
                if (pr.stage === 'assemble') assembled = pr.done;
                if (pr.stage === 'assemble' && pr.done === 3) controller.abort();
            },
        });
        await expect(p).rejects.toMatchObject({ name: 'AbortError' });
        expect(assembled).toBe(3);
        const pre = new AbortController();
        pre.abort();
        await expect(fitModel(frames, { spec, signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('assembleInProcess sums equal those of the engine rows one by one (symmetrised)', async () => {
        const basis = AceBasis.create(spec);
        const fit = frames.filter((f) => !isIsolatedAtom(f));
        const sums = await assembleInProcess(basis, fit, { e0: E0, energyWeight: 1, forceWeight: 1, virialWeight: 0 });
        symmetrize(sums);
        const { rows, y } = stackedRows(basis, fit, E0, 1, 1);
        const n = basis.size;
        const A = new Float64Array(n * n);
        for (const r of rows) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] += r[i] * r[j];
        expect(relErr(sums.xtx, A)).toBeLessThan(1e-12);
        expect(sums.forceRows + sums.energyRows).toBe(y.length);
    });
});

describe('predictions of a fitted model', () => {
    it('predict of the fitted model reproduces held-out noise-free data', async () => {
        const spec = smallSpec(3);
        const { basis, c, frames } = syntheticData(spec, 14, 51);
        const r = await fitModel(frames, { spec, lambda: 0, validFraction: 0.3, seed: 2 });
        expect(r.metrics.valid!.energy_rmse_meV_atom!).toBeLessThan(1e-6);
        const test = makeFrame({ positions: [0, 0, 0, 1.3, 0.2, 0, 0.5, 1.4, 0.3], configType: 'cluster' });
        const p1 = predict(basis, Float64Array.from(r.model.coefficients), E0, test);
        const p2 = predict(basis, c, E0, test);
        expect(Math.abs(p1.energy - p2.energy)).toBeLessThan(1e-9);
    });
});

describe('isIsolatedAtom', () => {
    it('recognises a lone atom by label, without a cell, or in a periodic box of ≥ 10 Å (GAP-20 Single_Atom)', () => {
        expect(isIsolatedAtom(makeFrame({ positions: [0, 0, 0], configType: 'isolated_atom', cell: [3, 0, 0, 0, 3, 0, 0, 0, 3] }))).toBe(true);
        expect(isIsolatedAtom(makeFrame({ positions: [0, 0, 0] }))).toBe(true);
        expect(isIsolatedAtom(makeFrame({ positions: [0, 0, 0], cell: [25, 0, 0, 0, 25, 0, 0, 0, 25], configType: 'Single_Atom' }))).toBe(true);
        // a one-atom crystal (simple cubic, 2 Å) is not an isolated atom
        expect(isIsolatedAtom(makeFrame({ positions: [0, 0, 0], cell: [2, 0, 0, 0, 2, 0, 0, 0, 2] }))).toBe(false);
        expect(isIsolatedAtom(makeFrame({ positions: [0, 0, 0, 1.3, 0, 0] }))).toBe(false);
    });
});

describe('fitModel with a core repulsion (spec.coreRepulsion: fixed, subtracted from the labels)', () => {
    it('labels from a model with the repulsion: the fit gives back its coefficients and stores the term; a fit without it cannot', async () => {
        // r_i = 1.6 Å > the data's 1.2 Å minimum distance, so the wall is in the labels (energies, forces, stresses)
        const spec = { ...smallSpec(3), coreRepulsion: { kind: 'acejl-core' as const, strength: 300, rInner: 1.6 } };
        const { c, frames } = syntheticData(spec, 16, 4, { stress: true });
        const plainFrames = frames.map((f) => label(f, AceBasis.create(smallSpec(3)), c, E0, { stress: true }));
        const wall = frames.reduce((s, f, k) => s + Math.abs(f.energy! - plainFrames[k].energy!), 0);
        expect(wall).toBeGreaterThan(1); // eV: the repulsion is in the labels
        const r = await fitModel(frames, { spec, lambda: 0 });
        expect(r.model.spec.coreRepulsion).toEqual(spec.coreRepulsion);
        expect(r.model.data.train.virialRows).toBeGreaterThan(0);
        expect(relErr(r.model.coefficients, c)).toBeLessThan(1e-8);
        expect(r.metrics.train.energy_rmse_meV_atom!).toBeLessThan(1e-6); // metrics include the term
        expect(r.metrics.train.force_rmse_meV_A!).toBeLessThan(1e-6);
        const without = await fitModel(frames, { spec: smallSpec(3), lambda: 0 });
        expect(relErr(without.model.coefficients, c)).toBeGreaterThan(1e-3);
    });

    it('refuses training atoms inside the density switch (the ACE part would not be linear there)', async () => {
        const spec = { ...smallSpec(2), coreRepulsion: { kind: 'acejl-core' as const, strength: 300, rInner: 1.6, rhoCoreCutoff: 2, drhoCoreCutoff: 1 } };
        const frames = [isolatedAtom(), { ...dimer(0.8), energy: 10, forces: new Float64Array(6) }];
        await expect(fitModel(frames, { spec, lambda: 0 })).rejects.toThrow(/core-repulsion density/);
    });
});
