/** Comment-line parsing and number formatting, checked against ASE/Python on the same inputs. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseExtXyz, writeExtXyz } from '../../src/io/extxyz';
import { splitKeyValues, typeValue } from '../../src/io/extxyz-comment';
import { isRealInfoKey } from '../../src/io/extxyz-info';
import { parsePyFloat, parsePyFloatAt, pyFixed, pyFloatRepr } from '../../src/io/pynum';
import { makeFrame } from '../../src/structure/frame';
import { hasAse, PYTHON } from './ase-peer';
import { seededRandom } from '../../src/util/random';

const rng = seededRandom;

describe.skipIf(!hasAse())('numbers as Python formats them', () => {
    const r = rng(11);
    const xs: number[] = [0, -0, 1, -1, 0.1, 1e-5, 1e-4, 0.0001234, 1e15, 1e16, 1.5e16, 123456789012345.6, 2.5e-300, 5e-324, 1.7976931348623157e308,
        0.001953125, 0.005859375, -0.001953125, 2.000000005, 1 / 3, -72.41235987654321, 3.567, 1.785];
    for (let i = 0; i < 400; i++) xs.push((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
    for (let i = 0; i < 200; i++) xs.push(Math.round((r() - 0.5) * 2 ** 20) / 2 ** 9); // exact ties at 8 decimals
    const script = `import json,sys
xs=json.load(sys.stdin)
print(json.dumps([[repr(float(x)), '%16.8f' % x] for x in xs]))`;
    // -0 does not survive JSON (Python gets 0.0): it is compared with a literal below
    const py = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(xs), encoding: 'utf8' })) as [string, string][];
    it('repr(float) for 623 numbers incl. exponents, subnormals and the largest double', () => {
        xs.forEach((x, i) => {
            if (Object.is(x, -0)) expect(pyFloatRepr(x)).toBe('-0.0');
            else expect(pyFloatRepr(x), `x=${x}`).toBe(py[i][0]);
        });
    });
    it("'%16.8f' incl. exact ties (round half to even, as C printf)", () => {
        xs.forEach((x, i) => {
            if (Object.is(x, -0)) expect(pyFixed(x, 8, 16)).toBe('     -0.00000000');
            else expect(pyFixed(x, 8, 16), `x=${x}`).toBe(py[i][1]);
        });
    });
});

describe('Python float() parsing', () => {
    it('accepts what float() accepts and rejects what it rejects', () => {
        expect(parsePyFloat('1e3')).toBe(1000);
        expect(parsePyFloat('-.5')).toBe(-0.5);
        expect(parsePyFloat('1.')).toBe(1);
        expect(parsePyFloat('inf')).toBe(Infinity);
        expect(parsePyFloat('-Infinity')).toBe(-Infinity);
        expect(parsePyFloat('NaN')).toBeNaN();
        for (const bad of ['0x10', '0b1', '0o7', '', '1d5', '1,5', 'e5', '--1']) expect(parsePyFloat(bad), bad).toBeNull();
    });
});

describe('the fast float path', () => {
    it('gives exactly Number() on 20,000 decimals of 1 to 17 digits, signs, leading zeros and -0', () => {
        const r = rng(5);
        for (let t = 0; t < 20000; t++) {
            const nd = 1 + Math.floor(r() * 17);
            let d = '';
            for (let k = 0; k < nd; k++) d += Math.floor(r() * 10);
            const dot = Math.floor(r() * (nd + 1));
            const body = dot === nd ? d : `${d.slice(0, dot)}.${d.slice(dot)}`;
            const tok = (r() < 0.4 ? '-' : r() < 0.1 ? '+' : '') + body;
            const line = `  x ${tok} y`;
            const v = parsePyFloatAt(line, 4, 4 + tok.length);
            expect(Object.is(v, Number(tok)), tok).toBe(true);
        }
        expect(Object.is(parsePyFloatAt('-0.00000000', 0, 11), -0)).toBe(true);
        expect(parsePyFloatAt('1.5e3', 0, 5)).toBe(1500);
        expect(parsePyFloatAt('1.2.3', 0, 5)).toBeNull();
        expect(parsePyFloatAt('-', 0, 1)).toBeNull();
        expect(parsePyFloatAt('.', 0, 1)).toBeNull();
    });
});

describe('comment line as ASE parses it', () => {
    it('quotes, braces, brackets, escapes, bare keys, spaces around =', () => {
        expect(splitKeyValues(`a=1 b="x y" c={1 2 3} d=[4,5] e='q "r"' f="say \\"hi\\"" g=\\"x bare h = 7 i=a=b`)).toEqual([
            ['a', '1'], ['b', 'x y'], ['c', '1 2 3'], ['d', '4,5'], ['e', 'q "r"'], ['f', 'say "hi"'], ['g', '"x'], ['bare', 'T'], ['h', '7'], ['i', 'a=b'],
        ]);
    });
    it('types values as ASE does', () => {
        const t = (raw: string) => typeValue('k', raw).value;
        expect(t('5')).toBe(5);
        expect(typeValue('k', '5').real).toBe(false);
        expect(typeValue('k', '5.0').real).toBe(true);
        expect(t('1 2 3')).toEqual([1, 2, 3]);
        expect(t('1,2.5')).toEqual([1, 2.5]);
        expect(t('T')).toBe(true);
        expect(t('T F T')).toEqual([true, false, true]);
        expect(t('True')).toBe('True'); // ASE 3.22 turns only T/F into booleans on the comment line
        expect(t('abc')).toBe('abc');
        expect(t('a b')).toBe('a b');
        expect(t('_JSON ["a", "b"]')).toEqual(['a', 'b']);
        expect(t('_JSON {"a": 1}')).toBe('_JSON {"a": 1}');
        expect(typeValue('uid', '123').value).toBe('123');
    });
    it('reads the same info as ASE for a hand-written comment line', () => {
        if (!hasAse()) return;
        const comment = `Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3 a=1 b=2.0 c="1 2" d={T F} e=hello f="two words" g h=1e-3 i='x' j=[1,2,3] k=\\"q`;
        const text = `1\n${comment}\nc 0 0 0\n`;
        const py = execFileSync(PYTHON, ['-c', `import sys,io,json,numpy as np
from ase.io import read
a=read(io.StringIO(sys.stdin.read()),format='extxyz')
print(json.dumps({k:(v.tolist() if isinstance(v,np.ndarray) else v) for k,v in a.info.items()}, default=lambda o: o.item()))`], { input: text, encoding: 'utf8' });
        const [f] = parseExtXyz(text);
        expect(f.info).toEqual(JSON.parse(py));
        expect(isRealInfoKey(f.info, 'b')).toBe(true);
        expect(isRealInfoKey(f.info, 'a')).toBe(false);
        expect(f.species).toEqual(['C']); // ASE capitalises symbols
    });
});

describe('reading conventions', () => {
    it('pbc defaults to T T T with a Lattice and F F F without; T F T and single T work', () => {
        const one = (c: string) => parseExtXyz(`1\n${c}\nC 0 0 0\n`)[0];
        expect(one('Lattice="3 0 0 0 3 0 0 0 3" Properties=species:S:1:pos:R:3').pbc).toEqual([true, true, true]);
        expect(one('Properties=species:S:1:pos:R:3').pbc).toEqual([false, false, false]);
        expect(one('Properties=species:S:1:pos:R:3').cell).toBeNull();
        expect(one('Lattice="3 0 0 0 3 0 0 0 3" pbc="T F T"').pbc).toEqual([true, false, true]);
        expect(one('Lattice="3 0 0 0 3 0 0 0 3" pbc=T').pbc).toEqual([true, true, true]);
        expect(one('Lattice="3 0 0 0 3 0 0 0 3" pbc="True False True"').pbc).toEqual([true, false, true]);
        expect(one('Lattice="3 0 0 0 3 0 0 0 3" pbc="F F F"').cell).toEqual(Float64Array.of(3, 0, 0, 0, 3, 0, 0, 0, 3));
    });
    it('Lattice rows are the lattice vectors', () => {
        const [f] = parseExtXyz('1\nLattice="1 2 3 4 5 6 7 8 10"\nC 0 0 0\n');
        expect(Array.from(f.cell!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10]);
    });
    it('a plain XYZ comment is read as bare keys, as ASE does', () => {
        const [f] = parseExtXyz('2\nmethane fragment\nC 0 0 0\nH 0 0 1.09\n');
        expect(f.info).toEqual({ methane: true, fragment: true });
        expect(f.species).toEqual(['C', 'H']);
    });
    it('an empty comment line is fine; a zero-atom frame (ASE keeps it) is refused at its count line', () => {
        const frames = parseExtXyz('1\n\nC 1 2 3\n');
        expect(frames).toHaveLength(1);
        expect(frames[0].natoms).toBe(1);
        expect(() => parseExtXyz('1\n\nC 1 2 3\n0\nenergy=0.5\n', { fileName: 'z.xyz' })).toThrow(/^z\.xyz:4: frame 1: a frame with 0 atoms is not a structure/);
    });
    it('stress with 6 Voigt numbers (xx yy zz yz xz xy) and with 9', () => {
        const c = (s: string) => parseExtXyz(`1\nLattice="3 0 0 0 3 0 0 0 3" ${s}\nC 0 0 0\n`)[0].stress;
        expect(Array.from(c('stress="1 2 3 4 5 6"')!)).toEqual([1, 6, 5, 6, 2, 4, 5, 4, 3]);
        expect(Array.from(c('stress="1 6 5 6 2 4 5 4 3"')!)).toEqual([1, 6, 5, 6, 2, 4, 5, 4, 3]);
        expect(Array.from(c('virial="27 0 0 0 54 0 0 0 -27"')!)).toEqual([-1, -0, -0, -0, -2, -0, -0, -0, 1]);
        expect(Array.from(c('dft_virial="27 0 0 0 27 0 0 0 27" stress="1 2 3 4 5 6"')!)).toEqual([1, 6, 5, 6, 2, 4, 5, 4, 3]);
    });
    it('energy/forces/stress keys: defaults in order, and configurable', () => {
        const text = '1\nLattice="2 0 0 0 2 0 0 0 2" Properties=species:S:1:pos:R:3:force:R:3:dft_forces:R:3 free_energy=-2 dft_energy=-3 dft_virial="8 0 0 0 8 0 0 0 8"\nC 0 0 0 1 1 1 2 2 2\n';
        const [a] = parseExtXyz(text);
        expect(a.energy).toBe(-2);
        expect(a.info.dft_energy).toBe(-3);
        expect(Array.from(a.forces!)).toEqual([1, 1, 1]);
        expect(a.arrays.dft_forces.values).toEqual(Float64Array.of(2, 2, 2));
        expect(a.stress![0]).toBe(-1);
        const [b] = parseExtXyz(text, { energyKey: 'dft_energy', forcesKey: 'dft_forces' });
        expect(b.energy).toBe(-3);
        expect(b.info.free_energy).toBe(-2);
        expect(Array.from(b.forces!)).toEqual([2, 2, 2]);
        // written back under the keys they came from
        const again = writeExtXyz([b]);
        expect(again).toMatch(/dft_energy=-3\.0/);
        expect(again).toMatch(/Properties=species:S:1:pos:R:3:force:R:3:dft_forces:R:3/);
        expect(parseExtXyz(again, { energyKey: 'dft_energy', forcesKey: 'dft_forces' })[0].energy).toBe(-3);
    });
    it('atomic numbers in a Z column when species is absent; element symbols beyond carbon', () => {
        const [f] = parseExtXyz('3\nProperties=Z:I:1:pos:R:3\n6 0 0 0\n14 1 0 0\n0 0 1 0\n');
        expect(f.species).toEqual(['C', 'Si', 'X']);
        expect(f.arrays).toEqual({});
        const [g] = parseExtXyz('2\n\nfe 0 0 0\nCL 1 0 0\n');
        expect(g.species).toEqual(['Fe', 'Cl']);
        expect(() => parseExtXyz('1\nProperties=Z:I:1:pos:R:3\n119 0 0 0\n')).toThrow(/Z=119 is not an atomic number/);
    });
    it('a UTF-8 byte order mark at the start is ignored', () => {
        expect(parseExtXyz('\ufeff1\n\nC 0 0 0\n')).toHaveLength(1);
    });
    it('blank lines between frames and at the end are skipped', () => {
        expect(parseExtXyz('\n1\n\nC 0 0 0\n\n\n1\n\nC 0 0 0\n\n')).toHaveLength(2);
    });
});

describe('writing', () => {
    it('frames built in code: ASE-style comment line and columns', () => {
        const f = makeFrame({ positions: [0, 0, 0, 1.5, 0, 0], cell: [10, 0, 0, 0, 10, 0, 0, 0, 10], energy: -5, forces: [0.1, 0, 0, -0.1, 0, 0], configType: 'dimer' });
        const text = writeExtXyz([f], { extraColumns: { err: { type: 'R', ncols: 1, values: [0.25, -0.5] } }, extraInfo: { fit: 'K=3' } });
        expect(text).toBe(
            '2\nLattice="10.0 0.0 0.0 0.0 10.0 0.0 0.0 0.0 10.0" Properties=species:S:1:pos:R:3:err:R:1:forces:R:3 config_type=dimer fit=K=3 energy=-5.0 pbc="T T T"\n' +
      'C        0.00000000       0.00000000       0.00000000       0.25000000       0.10000000       0.00000000       0.00000000\n' +
      'C        1.50000000       0.00000000       0.00000000      -0.50000000      -0.10000000       0.00000000       0.00000000\n');
        const [back] = parseExtXyz(text);
        expect(back.info).toEqual({ fit: 'K=3' });
        expect(back.arrays.err.values).toEqual(Float64Array.of(0.25, -0.5));
    });
    it('extra columns over several frames take the atoms one frame after another', () => {
        const a = makeFrame({ positions: [0, 0, 0] });
        const b = makeFrame({ positions: [0, 0, 0, 1, 1, 1] });
        const text = writeExtXyz([a, b], { extraColumns: { id: { type: 'I', ncols: 1, values: [7, 8, 9] } } });
        expect(parseExtXyz(text).map((f) => Array.from(f.arrays.id.values as Int32Array))).toEqual([[7], [8, 9]]);
        expect(() => writeExtXyz([a, b], { extraColumns: { id: { type: 'I', ncols: 1, values: [7, 8] } } })).toThrow(/expected 3 atoms × 1 = 3 values, got 2|needs at least 3/);
    });
    it('refuses what cannot be written', () => {
        const f = makeFrame({ positions: [0, 0, 0], info: { 'bad=key': 1 } });
        expect(() => writeExtXyz([f])).toThrow(/comment key 'bad=key' cannot be written/);
        const g = makeFrame({ positions: [0, 0, 0], info: { note: 'two\nlines' } });
        expect(() => writeExtXyz([g])).toThrow(/cannot contain a line break/);
    });
});
