/**
 * Bond scan throughput: a 200-point scan of one bond in a ~1000-atom amorphous-like carbon cell and in a
 * 1000-atom diamond supercell, default bases K = 2..5 (standard), against one full evaluation of the frame.
 * Options: --quick (one repeat).
 */
import { registerBench, timeItBoth } from './registry';
import { defaultSpec } from '../src/ace/spec';
import { Model, MODEL_FORMAT, MODEL_VERSION, type ModelFile } from '../src/model/model';
import { AceBasis } from '../src/ace/basis';
import { bondScan, bondVector } from '../src/scan/bond-scan';
import { diamond, randomCarbonPacking, seededRandom } from '../src/structure/build';
import type { Frame } from '../src/structure/frame';

function model(K: number): Model {
    const spec = defaultSpec(K);
    const basis = AceBasis.create(spec);
    const rnd = seededRandom(K);
    const coefficients = Array.from({ length: basis.size }, (_, k) => (rnd() - 0.5) * 10 ** -(basis.bodyOrder[k] - 2));
    return new Model({ format: MODEL_FORMAT, version: MODEL_VERSION, spec, e0: -155, nbasis: basis.size, coefficients } as unknown as ModelFile);
}

registerBench({
    name: 'scan',
    description: '200-point bond scan in a 1000-atom structure (incremental: only sites near the moving atom)',
    run(args) {
        const repeats = args.includes('--quick') ? 1 : 3;
        const structures: [string, Frame][] = [
            ['amorphous-like 1000 atoms, 2.5 g/cm³', randomCarbonPacking(1000, 2.5, 1.3, 1)],
            ['diamond 5×5×5 (1000 atoms)', diamond([5, 5, 5])],
        ];
        console.log('Times are CPU time of this process (median); wall time in brackets. Scan 0.9 → 3.5 Å, 200 points.');
        console.log('K  structure                               bond scan 200 pts      sites/point   one full predict E');
        for (const K of [2, 3, 4, 5]) {
            const m = model(K);
            for (const [name, f] of structures) {
                const i = 0;
                // the nearest neighbour of atom 0
                let j = 1, best = Infinity;
                for (let b = 1; b < f.natoms; b++) { const d = bondVector(f, i, b).distance; if (d < best) { best = d; j = b; } }
                let sites = 0;
                const t = timeItBoth(() => { sites = bondScan(m, f, { i, j, from: 0.9, to: 3.5, points: 200 }).maxSitesPerPoint; }, repeats);
                const full = timeItBoth(() => m.predict(f, { forces: false }), repeats);
                console.log(
                    `${K}  ${name.padEnd(40)}${t.cpu.toFixed(0).padStart(6)} ms (${t.wall.toFixed(0).padStart(5)})`.padEnd(70) +
          `${String(sites).padStart(6)}      ${full.cpu.toFixed(0).padStart(6)} ms (${full.wall.toFixed(0).padStart(5)})`,
                );
            }
        }
    },
});
