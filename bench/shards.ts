/**
 * Sharded assembly (`acelens assemble --shard i/n` + `acelens solve`): for K = 4 on the study's basis
 * (D = 24,20,16, r_cut 5 Å, w_L 1.5: 803 functions; weights as the study: w_E 10, energy rows /√N, forces 1),
 * on the shipped carbon-narrow + carbon-diverse data (371 structures, 4,895 atoms), for n = 1, 2, 4, 8, 16 shards: the CPU time of
 * each shard (run one after another in this process, each building its basis as a separate task would), the
 * largest shard (= the wall time with n machines), the sum over shards (the cost of splitting), the size of
 * a part, and the reduce: reading, checking and adding n parts (+ the solve). Timings are CPU time of this
 * process; the machine is shared, so treat them as ±20 %.
 * Options: --shards 1,2,4 (the shard counts), --data A.xyz,B.xyz
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerBench } from './registry';
import { readTrainingData } from '../src/cli/commands/training-data';
import { NE_FORMAT, NE_VERSION, encodeNeFile, readNeFile, writeFileAtomic } from '../src/fit/ne-file';
import { checkParts, sumParts, type LoadedPart } from '../src/fit/ne-parts';
import { symmetrize } from '../src/fit/normal-equations';
import { smoothnessPrior } from '../src/fit/prior';
import { assembleShardOf } from '../src/fit/shard-assembly';
import { solveNormalEquations } from '../src/fit/solve';
import { AceBasis } from '../src/ace/basis';
import { predict } from '../src/ace/evaluate';
import type { BasisSpec } from '../src/ace/spec';

const cpuSeconds = (fn: () => void): number => {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
};

registerBench({
    name: 'shards',
    description: 'sharded assembly (acelens assemble/solve): time against shard count, part size, reduce time; K = 4, study basis',
    onlyWhenNamed: true,
    async run(args) {
        const opt = (name: string) => {
            const i = args.indexOf(`--${name}`);
            return i >= 0 ? args[i + 1] : undefined;
        };
        const counts = (opt('shards') ?? '1,2,4,8,16').split(',').map(Number);
        const files = (opt('data') ?? 'assets/carbon-narrow.xyz,assets/carbon-diverse.xyz').split(',').map((f) => resolve(f));
        const spec: BasisSpec = { order: 4, variant: 'standard', rcut: 5, rin: 0, r0: 1.287, maxDegree: [24, 20, 16], lWeight: 1.5 };
        const nbasis = AceBasis.create(spec).size;
        const data = await readTrainingData(files);
        const loss = { e0: 'auto' as const, energyWeight: 10, forceWeight: 1, virialWeight: 0, energyNorm: 'sqrt-atoms' as const };
        const dir = mkdtempSync(join(tmpdir(), 'acelens-bench-shards-'));
        assembleShardOf(data.frames, { spec, ...loss, shard: { index: 0, count: 32 } }); // warm-up (JIT), not timed
        console.log(`${files.join(', ')}: ${data.frames.length} structures, ${data.frames.reduce((s, f) => s + f.natoms, 0)} atoms; K = 4, ${nbasis} functions`);
        console.log('\nshards  per shard CPU s (min–max)  largest shard  sum over shards  part size   reduce (read+check+add)  solve');
        try {
            for (const n of counts) {
                const times: number[] = [];
                const paths: string[] = [];
                for (let i = 0; i < n; i++) {
                    let bytes!: Buffer;
                    times.push(
                        cpuSeconds(() => {
                            const r = assembleShardOf(data.frames, { spec, ...loss, shard: { index: i, count: n } });
                            bytes = encodeNeFile(
                                { format: NE_FORMAT, version: NE_VERSION, created: '', software: 'bench', shard: { index: i, count: n }, spec: r.spec, weights: r.weights,
                                    e0Source: r.e0Source, e0Frames: r.e0Frames, data: data.provenance, fitted: r.fitted, counts: r.counts, perConfigType: r.perConfigType },
                                r.sums,
                            );
                        }),
                    );
                    const p = join(dir, `n${n}-part-${i}.acelens-ne`);
                    writeFileAtomic(p, bytes);
                    paths.push(p);
                }
                const size = statSync(paths[0]).size;
                let parts: LoadedPart[] = [];
                let sum!: ReturnType<typeof sumParts>;
                const reduce = cpuSeconds(() => {
                    parts = paths.map((name) => ({ name, ...readNeFile(name) }));
                    sum = sumParts(checkParts(parts));
                });
                const basis = AceBasis.create(spec);
                const solve = cpuSeconds(() => {
                    solveNormalEquations(symmetrize(sum), sum.xty, basis.size, { lambda: 1e-6, prior: smoothnessPrior(basis) });
                });
                const total = times.reduce((a, b) => a + b, 0);
                console.log(
                    `${String(n).padStart(6)}  ${`${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)}`.padStart(24)}  ${Math.max(...times).toFixed(1).padStart(11)} s  ` +
            `${total.toFixed(1).padStart(13)} s  ${(size / 1e6).toFixed(2).padStart(6)} MB  ${(reduce * 1000).toFixed(0).padStart(11)} ms (${((reduce * 1000) / n).toFixed(0)} ms/part)  ${solve.toFixed(2)} s`,
                );
            }
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
        // the solve job's other cost: the train metrics, one predict (energy + forces) per structure
        const basis = AceBasis.create(spec);
        const coefficients = new Float64Array(basis.size).fill(1e-3);
        const atoms = data.frames.reduce((s, f) => s + f.natoms, 0);
        const tPredict = cpuSeconds(() => {
            for (const f of data.frames) predict(basis, coefficients, -155, f, { forces: true });
        });
        console.log(`train metrics in the solve job: predict over ${atoms} atoms ${tPredict.toFixed(1)} s CPU (${(atoms / tPredict).toFixed(0)} atoms/s)`);
        const doubles = (nbasis * (nbasis + 1)) / 2 + nbasis;
        console.log(`\npart = 8 B × (n(n+1)/2 + n) = 8 × ${doubles} B = ${((8 * doubles) / 1e6).toFixed(2)} MB for n = ${nbasis}, whatever the data size (+ a JSON header of ~1 kB)`);
    },
});
