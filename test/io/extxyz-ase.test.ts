/**
 * ASE is the peer: fixtures written by ASE (tools/fixtures/make_ase_fixtures.py) read identically, and files
 * acelens writes read identically in ASE.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtXyz, writeExtXyz } from '../../src/io/extxyz';
import { splitKeyValues } from '../../src/io/extxyz-comment';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { aseRead, expectClose, expectFrameMatchesAse, FIXTURES, hasAse, type AseFrame } from './ase-peer';
import { seededRandom } from '../../src/util/random';

const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.xyz')).map((f) => f.slice(0, -4)).sort();
const load = (name: string) => ({
    text: readFileSync(path.join(FIXTURES, `${name}.xyz`), 'utf8'),
    expected: JSON.parse(readFileSync(path.join(FIXTURES, `${name}.expected.json`), 'utf8')) as AseFrame[],
});
const tmp = mkdtempSync(path.join(tmpdir(), 'acelens-extxyz-'));

describe('reading files written by ASE', () => {
    it('has the fixtures', () => {
        expect(names).toEqual(expect.arrayContaining(['periodic_multi', 'extra_arrays', 'mixed_pbc', 'molecule', 'free_energy', 'virial']));
    });
    for (const name of names) {
        it(`${name}.xyz reads as ASE reads it`, () => {
            const { text, expected } = load(name);
            const frames = parseExtXyz(text, { fileName: `${name}.xyz` });
            expect(frames.length).toBe(expected.length);
            frames.forEach((f, k) => expectFrameMatchesAse(f, expected[k], `${name} frame ${k}`));
        });
    }

    it('the tricky values come out as ASE has them', () => {
        const [f] = parseExtXyz(load('periodic_multi').text);
        expect(f.info.method).toBe('PBE "light" k=4x4x4');
        expect(f.info.comment).toBe("it's a test {with} [brackets]");
        expect(f.info.path).toBe('ab'); // ASE writes a\b unescaped and reads it back as 'ab'; so does acelens
        expect(f.info.authors).toEqual(['A. One', 'B. Two']);
        expect(f.info.flags).toEqual([true, false, true]);
        expect(f.info.cutoff).toBe(5);
    });
});

describe('writing what ASE writes', () => {
    for (const name of names) {
        it(`${name}: rewriting the parsed frames gives the same atom lines and the same comment pairs`, () => {
            const { text } = load(name);
            const mine = writeExtXyz(parseExtXyz(text)).split('\n');
            const orig = text.split('\n');
            expect(mine.length).toBe(orig.length);
            for (let i = 0; i < orig.length; i++) {
                const isComment = i > 0 && /^\s*\d+\s*$/.test(orig[i - 1]) && !/^\s*\d+\s*$/.test(orig[i]) && !orig[i].startsWith('C ');
                if (!isComment) {
                    expect(mine[i], `line ${i + 1}`).toBe(orig[i]);
                    continue;
                }
                // same key=value pairs (order may differ: acelens writes labels after info); only 'path' differs by design
                const norm = (s: string) => Object.fromEntries(splitKeyValues(s));
                const a = norm(mine[i]), b = norm(orig[i]);
                expect(Object.keys(a).sort(), `line ${i + 1} keys`).toEqual(Object.keys(b).sort());
                for (const k of Object.keys(b)) {
                    if (k === 'path') continue; // ASE loses the backslash; acelens escapes it
                    expect(a[k], `line ${i + 1} ${k}`).toBe(b[k]);
                }
            }
        });
    }
});

describe.skipIf(!hasAse())('ASE reads what acelens writes', () => {
    for (const name of names) {
        it(`${name}: ASE file → acelens → file → ASE gives what ASE read first (values and types)`, () => {
            const { text, expected } = load(name);
            const file = path.join(tmp, `${name}.xyz`);
            writeFileSync(file, writeExtXyz(parseExtXyz(text)));
            const again = aseRead(file);
            expect(again.length).toBe(expected.length);
            again.forEach((a, k) => {
                const e = { ...expected[k], info: { ...expected[k].info }, info_types: { ...expected[k].info_types } };
                if (name === 'periodic_multi' && k === 0) {
                    e.info.path = 'ab';
                }
                expect(a.info_types, `${name} frame ${k} info types`).toEqual(e.info_types);
                expect(a.info, `${name} frame ${k} info`).toEqual(e.info);
                expect(a.arrays, `${name} frame ${k} arrays`).toEqual(e.arrays);
                expect(a.symbols).toEqual(e.symbols);
                expect(a.pbc).toEqual(e.pbc);
                expect(a.cell).toEqual(e.cell);
                expect(a.positions).toEqual(e.positions);
                expect(a.energy).toEqual(e.energy);
                expect(a.free_energy).toEqual(e.free_energy);
                expect(a.forces).toEqual(e.forces);
                if (e.stress) expectClose(a.stress!.flat(), e.stress.flat(), 'stress');
            });
        });
    }

    it('frames built in code, with awkward info values, reach ASE intact', () => {
        const n = 5;
        const rnd = mulberry32(7);
        const positions = Array.from({ length: 3 * n }, () => rnd() * 10 - 5);
        const forces = Array.from({ length: 3 * n }, () => rnd() * 4 - 2);
        const s = [0.01, -0.002, 0.003, 0.02, 0.004, -0.03]; // xx yy zz yz xz xy
        const stress = [s[0], s[5], s[4], s[5], s[1], s[3], s[4], s[3], s[2]];
        const frame: Frame = makeFrame({
            positions, species: ['C', 'C', 'H', 'C', 'O'], cell: [7.1, 0.2, 0, -0.3, 6.9, 0.1, 0, 0.4, 8.3], pbc: [true, false, true],
            energy: -123.456789012345, forces, stress, configType: '1', // a config_type that looks like a number stays a string
            info: {
                text: 'he said "no" {ok} [x]', numeric_string: '42', bool_string: 'T', empty: '', backslash: 'C:\\data\\x', eq: 'a=b',
                one: [3], none: [], bools: [true, false], one_bool: [true], words: ['x y', 'z'], real: 0.1, tiny: 1e-300, big: 1.5e300,
                neg_zero: -0, int: -7, flag: false, vec: [1.5, -2.25, 3],
            },
        });
        frame.arrays.tags = { type: 'I', ncols: 1, values: Int32Array.from([1, -2, 3, 0, 5]) };
        frame.arrays.mask = { type: 'L', ncols: 2, values: [true, false, false, true, true, true, false, false, true, false] };
        frame.arrays.site = { type: 'S', ncols: 1, values: ['a', 'b1', 'c_2', 'd', 'e'] };
        const file = path.join(tmp, 'built.xyz');
        writeFileSync(file, writeExtXyz([frame], { realFormat: 'exact', extraInfo: { written_by: 'acelens' } }));
        const [a] = aseRead(file);
        expect(a.symbols).toEqual(frame.species);
        expectClose(a.positions.flat(), positions, 'positions');
        expectClose(a.forces!.flat(), forces, 'forces');
        expectClose(a.cell!.flat(), Array.from(frame.cell!), 'cell');
        expect(a.pbc).toEqual([true, false, true]);
        expect(a.energy).toBe(-123.456789012345);
        expectClose(a.stress!.flat(), stress, 'stress');
        // ASE also keeps its calculator labels in info
        expect(a.info.energy).toBe(-123.456789012345);
        expectClose(a.info.stress as number[], stress, 'info.stress');
        delete a.info.energy;
        delete a.info.stress;
        expect(a.info).toEqual({
            config_type: '1', text: 'he said "no" {ok} [x]', numeric_string: '42', bool_string: 'T', empty: '', backslash: 'C:\\data\\x', eq: 'a=b',
            one: [3], none: [], bools: [true, false], one_bool: [true], words: ['x y', 'z'], real: 0.1, tiny: 1e-300, big: 1.5e300,
            neg_zero: 0, int: -7, flag: false, vec: [1.5, -2.25, 3], written_by: 'acelens',
        });
        expect(a.info_types).toMatchObject({ config_type: 'str', numeric_string: 'str', bool_string: 'str', empty: 'str', one: 'int[]', bools: 'bool[]', one_bool: 'bool[]', int: 'int', flag: 'bool', vec: 'float[]', real: 'float' });
        expect(a.arrays.tags).toEqual({ kind: 'i', shape: [5], values: [1, -2, 3, 0, 5] });
        expect(a.arrays.mask).toEqual({ kind: 'b', shape: [5, 2], values: [[true, false], [false, true], [true, true], [false, false], [true, false]] });
        expect(a.arrays.site.values).toEqual(['a', 'b1', 'c_2', 'd', 'e']);
        // and acelens reads its own file back to the same frame
        const [back] = parseExtXyz(readFileSync(file, 'utf8'));
        expect(back.info).toEqual({ ...frame.info, neg_zero: 0, written_by: 'acelens' }); // -0 is an integer, written as 0
        expect(back.configType).toBe('1');
        expectClose(back.positions, positions, 'positions (acelens)');
    });

    it('the default ASE format keeps 8 decimals, as ASE does', () => {
        const frame = makeFrame({ positions: [0.123456789012, 1, 2], cell: [5, 0, 0, 0, 5, 0, 0, 0, 5] });
        const file = path.join(tmp, 'eight.xyz');
        writeFileSync(file, writeExtXyz([frame]));
        expect(aseRead(file)[0].positions[0][0]).toBe(0.12345679);
    });

    it('ASE reads a Z column without species as acelens does', () => {
        const text = '2\nProperties=Z:I:1:pos:R:3\n6 0 0 0\n1 0 0 1.1\n';
        const file = path.join(tmp, 'z.xyz');
        writeFileSync(file, text);
        expect(parseExtXyz(text)[0].species).toEqual(aseRead(file)[0].symbols);
    });
});

const mulberry32 = seededRandom;
