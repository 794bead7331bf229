/**
 * Fit throughput: assembly of the normal equations (structures/s and rows/s), in-process and across worker
 * threads, the solve, a whole fitModel, and a fit with λ chosen by a scan (--lambda auto: nine solves and
 * evaluations, 20 % held out) for K = 2, 3, 4 (default carbon bases, standard), on seeded
 * random carbon packings (48 atoms, 2.0–3.0 g/cm³; labels are random — throughput does not depend on them).
 * Peak memory: resident set (process.resourceUsage().maxRSS) and the size of the normal matrix.
 * Options: --quick (fewer structures).
 */
import { availableParallelism } from 'node:os';
import { registerBench } from './registry';
import { AceBasis } from '../src/ace/basis';
import { defaultSpec } from '../src/ace/spec';
import { assembleInProcess } from '../src/fit/assemble';
import { AUTO_LAMBDA_GRID, fitModel } from '../src/fit/fit';
import { symmetrize } from '../src/fit/normal-equations';
import { assembleParallel } from '../src/fit/parallel';
import { smoothnessPrior } from '../src/fit/prior';
import { solveNormalEquations } from '../src/fit/solve';
import { randomCarbonPacking, seededRandom } from '../src/structure/build';
import { makeFrame, type Frame } from '../src/structure/frame';

function dataset(count: number, natoms: number): Frame[] {
    const rnd = seededRandom(11);
    const frames: Frame[] = [makeFrame({ positions: [0, 0, 0], energy: -155, configType: 'isolated_atom' })];
    for (let s = 0; s < count; s++) {
        const f = randomCarbonPacking(natoms, 2.0 + (s % 3) * 0.5, 1.25, 100 + s);
        f.energy = -155 * natoms + natoms * (rnd() - 0.5);
        f.forces = Float64Array.from({ length: 3 * natoms }, () => rnd() - 0.5);
        frames.push(f);
    }
    return frames;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

registerBench({
    name: 'fit',
    description: 'fit throughput (structures/s, rows/s) for K = 2, 3, 4, in-process and worker threads; solve; peak memory',
    async run(args) {
        const quick = args.includes('--quick');
        const count = quick ? 16 : 48;
        const natoms = 48;
        const frames = dataset(count, natoms);
        const fitFrames = frames.slice(1);
        const rows = fitFrames.reduce((s, f) => s + 3 * f.natoms + 1, 0);
        const workers = availableParallelism();
        console.log(`${count} random packings × ${natoms} atoms (${rows} rows: energies + force components); ${workers} cores`);
        console.log('\nK  nbasis  assembly 1 thread               assembly ' + `${workers} workers`.padEnd(24) + 'solve      fitModel (workers)  λ scan of 9 (workers)');
        for (const K of [2, 3, 4]) {
            const spec = defaultSpec(K, 'standard');
            const basis = AceBasis.create(spec);
            const weights = { e0: -155, energyWeight: 1, forceWeight: 1, virialWeight: 0 };
            let t0 = performance.now();
            const sums = await assembleInProcess(basis, fitFrames, weights);
            const tSerial = (performance.now() - t0) / 1000;
            t0 = performance.now();
            await assembleParallel(basis, fitFrames, weights, {}, { workers, probe: false });
            const tPar = (performance.now() - t0) / 1000;
            const xtx = symmetrize(sums);
            t0 = performance.now();
            const solved = solveNormalEquations(xtx, sums.xty, basis.size, { lambda: 1e-6, prior: smoothnessPrior(basis) });
            const tSolve = (performance.now() - t0) / 1000;
            t0 = performance.now();
            await fitModel(frames, { spec, lambda: 1e-6, assemble: (b, fr, w, h) => assembleParallel(b, fr, w, h, { workers }) });
            const tFit = (performance.now() - t0) / 1000;
            t0 = performance.now();
            await fitModel(frames, { spec, lambdaScan: AUTO_LAMBDA_GRID, validFraction: 0.2, assemble: (b, fr, w, h) => assembleParallel(b, fr, w, h, { workers }) });
            const tScan = (performance.now() - t0) / 1000;
            const rate = (t: number) => `${(count / t).toFixed(1).padStart(6)} str/s ${(rows / t / 1000).toFixed(1).padStart(6)}k rows/s`;
            console.log(
                `${K}  ${String(basis.size).padStart(6)}  ${rate(tSerial)} ${tSerial.toFixed(2).padStart(6)} s  ${rate(tPar)} ${tPar.toFixed(2).padStart(6)} s  ` +
          `${(tSolve * 1000).toFixed(0).padStart(5)} ms (${solved.method})  ${tFit.toFixed(2).padStart(8)} s  ${tScan.toFixed(2).padStart(14)} s`,
            );
        }
        const maxRss = process.resourceUsage().maxRSS * 1024;
        const n4 = AceBasis.create(defaultSpec(4)).size;
        console.log(
            `\npeak memory: maxRSS ${mb(maxRss)} (this process, incl. the data set and all runs above); ` +
        `normal matrix for K = 4: ${n4}² × 8 B = ${mb(n4 * n4 * 8)} (independent of the number of rows); ` +
        `current heap ${mb(process.memoryUsage().heapUsed)}`,
        );
    },
});
