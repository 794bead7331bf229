/**
 * Design rows at real size: a GAP-20 liquid-carbon cell (tens of distinct neighbour atoms per atom, periodic
 * images, a stress), where designRows contracts the force rows four neighbour atoms at a time and fuses the
 * pair gradients into the per-neighbour sums and the virial — against the evaluator it replaced
 * (test/engine/reference-evaluator.ts): energy, force and virial rows to 1e-12 relative, standard and
 * self-interaction-free. Skipped with a message when ../shared/data/gap20 is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AceBasis } from '../../src/ace/basis';
import { designRows } from '../../src/ace/evaluate';
import { defaultSpec } from '../../src/ace/spec';
import { readExtXyzFile } from '../../src/io/extxyz-node';
import { buildNeighbourList } from '../../src/structure/neighbours';
import { maxAbs } from './helpers';
import * as reference from './reference-evaluator';

const FILE = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'gap20', 'Training_Dataset_Liquid.xyz');
const present = existsSync(FILE);
if (!present) console.log(`design-rows-gap20: skipped, ${FILE} is absent (public GAP-20 data, not shipped with acelens)`);

/** max |a − b| / max |b| */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
    expect(a.length).toBe(b.length);
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    return d / maxAbs(b);
}

describe.skipIf(!present)('design rows on a GAP-20 cell equal the evaluator they replaced', () => {
    for (const variant of ['standard', 'purified'] as const) {
        it(`default basis, ${variant}, K = 4: energy, force and virial rows to 1e-12`, async () => {
            const frame = (await readExtXyzFile(FILE))[0];
            expect(frame.natoms).toBeGreaterThanOrEqual(32);
            const nl = buildNeighbourList(frame, 5);
            const distinct = new Set<number>();
            for (let k = nl.offsets[0]; k < nl.offsets[1]; k++) distinct.add(nl.index[k]);
            expect(distinct.size).toBeGreaterThan(8);
            const basis = AceBasis.create(defaultSpec(4, variant));
            const d = designRows(basis, frame, { neighbours: nl });
            const e = reference.designRows(basis, frame, { neighbours: nl });
            expect(d.virial).not.toBeNull();
            expect(relDiff(d.energy, e.energy)).toBeLessThan(1e-12);
            expect(relDiff(d.forces, e.forces)).toBeLessThan(1e-12);
            expect(relDiff(d.virial!, e.virial!)).toBeLessThan(1e-12);
        }, 120_000);
    }
});
