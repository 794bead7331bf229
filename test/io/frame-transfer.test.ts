/** Frames across a worker boundary: typed arrays transferred (not cloned), species as one byte per atom, nothing lost. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExtXyz } from '../../src/io/extxyz';
import { packFrames, unpackFrames } from '../../src/structure/frame-transfer';
import type { Frame } from '../../src/structure/frame';

const Embedded = join(import.meta.dirname, '../../assets/carbon-diverse.xyz');

const text = [
    '2',
    'Lattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3:forces:R:3:tags:I:1:magmom:R:2:note:S:1:fix:L:1 energy=-10.5 stress="1 2 3 4 5 6" config_type=bulk x=3 pbc="T T F"',
    'C 0 0 0 0.1 0.2 0.3 7 0.5 0.25 a T',
    'Si 1.2 1.2 1.2 -0.1 -0.2 -0.3 8 1.5 1.25 b F',
    '1',
    'Properties=species:S:1:pos:R:3 comment="no labels"',
    'H 0 0 0',
    '',
].join('\n');

function expectSame(a: Frame[], b: Frame[]) {
    expect(b.length).toBe(a.length);
    for (let k = 0; k < a.length; k++) {
        const x = a[k], y = b[k];
        expect(y.natoms).toBe(x.natoms);
        expect(Array.from(y.positions)).toEqual(Array.from(x.positions));
        expect(y.species).toEqual(x.species);
        expect(y.cell ? Array.from(y.cell) : null).toEqual(x.cell ? Array.from(x.cell) : null);
        expect(y.pbc).toEqual(x.pbc);
        expect(y.energy).toBe(x.energy);
        expect(y.forces ? Array.from(y.forces) : undefined).toEqual(x.forces ? Array.from(x.forces) : undefined);
        expect(y.stress ? Array.from(y.stress) : undefined).toEqual(x.stress ? Array.from(x.stress) : undefined);
        expect(y.configType).toBe(x.configType);
        expect(y.info).toEqual(x.info);
        expect(Object.keys(y.arrays)).toEqual(Object.keys(x.arrays));
        for (const name of Object.keys(x.arrays)) {
            expect({ ...y.arrays[name], values: Array.from(y.arrays[name].values as ArrayLike<unknown>) }).toEqual({ ...x.arrays[name], values: Array.from(x.arrays[name].values as ArrayLike<unknown>) });
        }
    }
}

describe('packFrames / unpackFrames', () => {
    it('round-trips every field through a structured clone with the typed arrays transferred', () => {
        const original = parseExtXyz(text, { fileName: 't.xyz' });
        const copy = parseExtXyz(text, { fileName: 't.xyz' }); // packing moves the arrays away: compare with a second read
        const { packed, transfer } = packFrames(copy);
        // per atom: no strings, one byte of species; positions, forces, cell, stress and numeric columns transferred
        expect(packed.symbols).toEqual(['C', 'Si', 'H']);
        expect(packed.frames[0].species).toBeInstanceOf(Uint8Array);
        expect(Array.from(packed.frames[0].species)).toEqual([0, 1]);
        expect(new Set(transfer).size).toBe(transfer.length);
        for (const a of [packed.frames[0].positions, packed.frames[0].forces!, packed.frames[0].cell!, packed.frames[0].stress!, packed.frames[0].arrays.tags.values as Int32Array, packed.frames[0].arrays.magmom.values as Float64Array, packed.frames[1].positions]) {
            expect(transfer).toContain(a.buffer);
        }
        const received = structuredClone(packed, { transfer });
        // transferred, not copied: the sender's buffers are detached
        expect(packed.frames[0].positions.byteLength).toBe(0);
        expect(packed.frames[0].forces!.byteLength).toBe(0);
        expectSame(original, unpackFrames(received));
    });

    it('a typed array that is a view into a larger buffer is copied into its own (the rest of the buffer is not sent)', () => {
        const big = new Float64Array(300);
        const frame = parseExtXyz('1\nProperties=species:S:1:pos:R:3\nC 1 2 3\n')[0];
        big.set([1, 2, 3], 30);
        frame.positions = big.subarray(30, 33);
        const { packed, transfer } = packFrames([frame]);
        expect(packed.frames[0].positions.buffer.byteLength).toBe(24);
        expect(transfer).not.toContain(big.buffer);
        expect(Array.from(big.subarray(30, 33))).toEqual([1, 2, 3]);
    });

    it.skipIf(!existsSync(Embedded))('the embedded dataset round-trips', () => {
        const t = readFileSync(Embedded, 'utf8');
        const original = parseExtXyz(t);
        const { packed, transfer } = packFrames(parseExtXyz(t));
        expectSame(original, unpackFrames(structuredClone(packed, { transfer })));
    });
});
