/**
 * Evaluator throughput: predict (energy + forces, adjoint) and designRows (energy, forces, virial rows) for
 * K = 2, 3, 4 (default carbon bases, standard and purified) on a ~1000-atom amorphous-like carbon cell
 * (random packing at 2.5 g/cm³, minimum distance 1.3 Å, seed 1) and on a 1000-atom-class diamond supercell.
 * Options: --quick (fewer repeats), --purified-only, --standard-only.
 */
import { registerBench, timeIt, timeItBoth } from './registry';
import { AceBasis } from '../src/ace/basis';
import { defaultSpec, paperSpec, BasisVariant } from '../src/ace/spec';
import { predict, designRows } from '../src/ace/evaluate';
import { buildNeighbourList } from '../src/structure/neighbours';
import { diamond, randomCarbonPacking, seededRandom } from '../src/structure/build';
import { Frame } from '../src/structure/frame';

function meanNeighbours(frame: Frame, rcut: number): number {
    const nl = buildNeighbourList(frame, rcut);
    return nl.index.length / frame.natoms;
}

registerBench({
    name: 'evaluator',
    description: 'atoms/s of predict (E+F) and designRows for K = 2, 3, 4 on amorphous-like carbon and diamond',
    run(args) {
        const repeats = args.includes('--quick') ? 1 : 3;
        const variants: BasisVariant[] = args.includes('--purified-only') ? ['purified'] : args.includes('--standard-only') ? ['standard'] : ['standard', 'purified'];
        const structures: [string, Frame][] = [
            ['amorphous-like 1000 atoms, 2.5 g/cm³', randomCarbonPacking(1000, 2.5, 1.3, 1)],
            ['diamond 5×5×5 (1000 atoms)', diamond([5, 5, 5])],
        ];
        for (const [name, f] of structures) {
            const t = timeIt(() => buildNeighbourList(f, 5), repeats);
            console.log(`${name}: ${meanNeighbours(f, 5).toFixed(1)} neighbours/atom within 5 Å; neighbour list ${t.toFixed(1)} ms`);
        }
        console.log('\nTimes are CPU time of this process (median); wall time in brackets (differs when the machine is loaded).');
        console.log('variant   K  size (by K)                 structure                               predict E+F                 designRows E+F+W');
        for (const variant of variants) {
            for (const K of [2, 3, 4]) {
                const basis = AceBasis.create(defaultSpec(K, variant));
                const rnd = seededRandom(K);
                const c = Float64Array.from({ length: basis.size }, () => rnd() - 0.5);
                for (const [name, f] of structures) {
                    const nl = buildNeighbourList(f, basis.spec.rcut);
                    const p = timeItBoth(() => predict(basis, c, 0, f, { neighbours: nl }), repeats);
                    const d = timeItBoth(() => designRows(basis, f, { neighbours: nl }), Math.min(repeats, 2));
                    const tp = p.cpu, td = d.cpu;
                    const sizes = Object.entries(basis.sizeByOrder()).map(([k, v]) => `${k}:${v}`).join(' ');
                    console.log(
                        `${variant.padEnd(9)} ${K}  ${String(basis.size).padStart(3)} (${sizes})`.padEnd(42) +
            `${name.slice(0, 38).padEnd(40)}` +
            `${tp.toFixed(0).padStart(5)} ms (${p.wall.toFixed(0).padStart(5)}) ${((f.natoms / tp) * 1000).toFixed(0).padStart(7)} at/s  ` +
            `${td.toFixed(0).padStart(6)} ms (${d.wall.toFixed(0).padStart(5)}) ${((f.natoms / td) * 1000).toFixed(0).padStart(7)} at/s`,
                    );
                }
            }
        }
        // the reference study's bases on cells like its training data (24 atoms, periodic)
        const cell24 = randomCarbonPacking(24, 2.5, 1.3, 2);
        console.log('\nreference-study bases (D = [24, 20, 16, 12], w_L 1.5) on a 24-atom cell: ms per structure');
        console.log('variant   K  size   create    predict E+F   designRows E+F+W');
        for (const variant of variants) {
            for (const K of [3, 4, 5]) {
                const t0 = performance.now();
                const basis = AceBasis.create(paperSpec(K, variant));
                const tc = performance.now() - t0;
                const rnd = seededRandom(K);
                const c = Float64Array.from({ length: basis.size }, () => rnd() - 0.5);
                const tp = timeIt(() => predict(basis, c, 0, cell24), repeats);
                const td = timeIt(() => designRows(basis, cell24), repeats);
                console.log(`${variant.padEnd(9)} ${K}  ${String(basis.size).padStart(4)}  ${tc.toFixed(0).padStart(5)} ms  ${tp.toFixed(1).padStart(8)} ms   ${td.toFixed(1).padStart(10)} ms`);
            }
        }
    },
});
