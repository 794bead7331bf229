import { describe, expect, it, vi } from 'vitest';
import { AceBasis } from '../../src/ace/basis';
import { assembleInProcess } from '../../src/fit/assemble';
import { fitModel, isIsolatedAtom } from '../../src/fit/fit';
import { predict } from '../../src/ace/evaluate';
import { assembleParallel, createParallelAssembler, createParallelPredictor, predictParallel } from '../../src/fit/parallel';
import { E0, smallSpec, syntheticData } from './data';
import { maxAbsDiff } from './helpers';

// worker threads started by src/fit/parallel.ts, counted (they still run as usual)
const workerStarts = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
    const mod = await importOriginal<typeof import('node:worker_threads')>();
    class CountedWorker extends mod.Worker {
        constructor(...args: ConstructorParameters<typeof mod.Worker>) {
            super(...args);
            workerStarts.count++;
        }
    }
    return { ...mod, Worker: CountedWorker };
});

describe('parallel assembly (worker threads)', () => {
    const spec = smallSpec(3);
    const { frames } = syntheticData(spec, 14, 61, { stress: true });
    const fit = frames.filter((f) => !isIsolatedAtom(f));
    const weights = { e0: E0, energyWeight: 1, forceWeight: 1, virialWeight: 0.5 };

    it('equals the serial sums bit for bit (2 and 3 workers, chunks on demand; with the in-process probe chunk)', async () => {
        const basis = AceBasis.create(spec);
        const serial = await assembleInProcess(basis, fit, weights);
        for (const [workers, probe] of [[2, false], [3, false], [2, true]] as const) {
            let last = 0;
            const par = await assembleParallel(basis, fit, weights, { onStructure: (d) => (last = d) }, { workers, probe, minSeconds: 0 });
            // bit-identical: fixed chunks, chunk sums added in chunk order
            expect(par.xtx).toEqual(serial.xtx);
            expect(par.xty).toEqual(serial.xty);
            expect(par.yty).toBe(serial.yty);
            expect(par.structures).toBe(fit.length);
            expect(par.forceRows).toBe(serial.forceRows);
            expect(par.virialRows).toBe(serial.virialRows);
            expect(last).toBe(fit.length);
        }
    });

    it('workers started while the first chunk is still assembled in-process: the serial sums bit for bit', async () => {
        const basis = AceBasis.create(spec);
        const more = syntheticData(spec, 64, 62, { stress: true }).frames.filter((f) => !isIsolatedAtom(f));
        const serial = await assembleInProcess(basis, more, weights);
        const before = workerStarts.count;
        let last = 0;
        const par = await assembleParallel(basis, more, weights, { onStructure: (d) => (last = d) }, { workers: 2, minSeconds: 0, probeSeconds: 0 });
        expect(workerStarts.count).toBeGreaterThan(before);
        expect(par.xtx).toEqual(serial.xtx);
        expect(par.xty).toEqual(serial.xty);
        expect(par.yty).toBe(serial.yty);
        expect(par.structures).toBe(more.length);
        expect(last).toBe(more.length);
    });

    it('a fit with the parallel assembler gives exactly the serial coefficients', async () => {
        const a = await fitModel(frames, { spec, lambda: 1e-6 });
        const b = await fitModel(frames, { spec, lambda: 1e-6, assemble: createParallelAssembler({ workers: 2, probe: false }) });
        expect(b.model.coefficients).toEqual(a.model.coefficients);
    });

    it('falls back to in-process assembly for few structures: no worker started, the serial sums', async () => {
        const basis = AceBasis.create(spec);
        const before = workerStarts.count;
        const par = await assembleParallel(basis, fit.slice(0, 3), weights, {}, { workers: 2 });
        expect(workerStarts.count).toBe(before);
        const serial = await assembleInProcess(basis, fit.slice(0, 3), weights);
        expect(par.structures).toBe(3);
        expect(par.xtx).toEqual(serial.xtx);
        expect(par.xty).toEqual(serial.xty);
        // and the counting sees the workers of a parallel run (the check above can fail)
        await assembleParallel(basis, fit, weights, {}, { workers: 2, probe: false });
        expect(workerStarts.count).toBeGreaterThan(before);
    });

    it('aborting terminates the workers and rejects', async () => {
        const basis = AceBasis.create(spec);
        const controller = new AbortController();
        const p = assembleParallel(
            basis,
            fit,
            weights,
            { signal: controller.signal, onStructure: (d) => d >= 2 && controller.abort() },
            { workers: 2, probe: false },
        );
        await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('a worker error (bad frame) rejects with its message', async () => {
        const basis = AceBasis.create(spec);
        const bad = fit.map((f, i) => (i === 5 ? { ...f, species: f.species.map(() => 'Si') } : f));
        await expect(assembleParallel(basis, bad, weights, {}, { workers: 2, probe: false })).rejects.toThrow(/assembly worker: .*Si/);
    });

    it('predictions for the error metrics on workers equal the in-process ones exactly (frames without forces too)', async () => {
        const basis = AceBasis.create(spec);
        const c = Float64Array.from({ length: basis.size }, (_, k) => Math.sin(k + 1) * 1e-2);
        const some = fit.map((f, i) => (i === 3 ? { ...f, forces: undefined } : f));
        let count = 0;
        const par = await predictParallel(basis, c, E0, some, { onStructure: () => count++ }, { workers: 2, probe: false });
        expect(count).toBe(some.length);
        some.forEach((f, s) => {
            const p = predict(basis, c, E0, f, { forces: f.forces !== undefined });
            expect(par.energy[s]).toBe(p.energy);
            if (f.forces === undefined) expect(par.forces[s]).toBeNull();
            else expect(par.forces[s]).toEqual(p.forces);
        });
    });

    it('a fit with parallel assembly and predictions reports exactly the serial metrics', async () => {
        const a = await fitModel(frames, { spec, lambda: 1e-6, validFraction: 0.25 });
        const b = await fitModel(frames, {
            spec,
            lambda: 1e-6,
            validFraction: 0.25,
            assemble: createParallelAssembler({ workers: 2, probe: false }),
            predict: createParallelPredictor({ workers: 2, probe: false }),
        });
        expect(b.model.coefficients).toEqual(a.model.coefficients);
        expect(b.metrics).toEqual(a.metrics);
        expect(b.metrics.train.force_rmse_meV_A).toBeGreaterThan(0);
    });

    it('a prediction worker error (bad frame) rejects with its message', async () => {
        const basis = AceBasis.create(spec);
        const c = new Float64Array(basis.size).fill(1e-3);
        const bad = fit.map((f, i) => (i === 5 ? { ...f, species: f.species.map(() => 'Si') } : f));
        await expect(predictParallel(basis, c, E0, bad, { onStructure: () => {} }, { workers: 2, probe: false })).rejects.toThrow(/prediction worker: .*Si/);
    });
});
