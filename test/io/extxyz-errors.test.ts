/** Bad input: every error names the file, the 0-based frame and the 1-based line, and says what was expected. */
import { describe, expect, it } from 'vitest';
import { ExtXyzError, parseExtXyz, parseExtXyzLenient } from '../../src/io/extxyz';

const GOOD = (e = -10.5) =>
    `2\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3:forces:R:3 energy=${e} pbc="T T T"\n` +
  'C 0 0 0 0.1 0.2 0.3\nC 1.2 1.2 1.2 -0.1 -0.2 -0.3\n';
const HDR = 'Lattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1 pbc="T T T"';

/** Two good frames (lines 1-8), then a bad third frame starting on line 9. */
function afterTwo(bad: string): string {
    return GOOD(-1) + GOOD(-2) + bad;
}

function errorOf(text: string): ExtXyzError {
    try {
        parseExtXyz(text, { fileName: 'bad.xyz' });
    } catch (e) {
        if (e instanceof ExtXyzError) return e;
        throw e;
    }
    throw new Error('no error was raised');
}

/** `frame`: index of the frame in error (default 2: the bad third frame) */
const cases: Array<{ what: string; bad: string; line: number; message: RegExp; frame?: number }> = [
    { what: 'non-integer atom count', bad: `2.5\n${HDR}\nC 0 0 0 0 0 0\n`, line: 9, message: /expected the atom count of a frame \(a positive integer\), found '2\.5'/ },
    { what: 'negative atom count', bad: `-3\n${HDR}\n`, line: 9, message: /positive integer\), found '-3'/ },
    { what: 'a frame of 0 atoms (ASE keeps it; it is no structure)', bad: `0\n${HDR}\n`, line: 9, message: /a frame with 0 atoms is not a structure/ },
    { what: 'a frame of 0 atoms between good frames', bad: `0\n${HDR}\n${GOOD(-3)}`, line: 9, message: /a frame with 0 atoms is not a structure/ },
    { what: 'word instead of atom count', bad: `two\n${HDR}\n`, line: 9, message: /found 'two'/ },
    { what: 'truncated file (fewer atom lines)', bad: `3\n${HDR}\nC 0 0 0 0 0 0\nC 1 1 1 0 0 0\n`, line: 13, message: /file ends after 2 of 3 atom lines announced on line 9 \(truncated file\?\)/ },
    { what: 'truncated after the count', bad: '3\n', line: 10, message: /file ends after the atom count 3 on line 9; expected a comment line/ },
    { what: 'pbc T without Lattice', bad: `1\nProperties=species:S:1:pos:R:3 pbc="T F F"\nC 0 0 0\n`, line: 10, message: /pbc="T F F" makes the frame periodic, but there is no Lattice/ },
    { what: 'unknown Properties type letter', bad: `1\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3:q:X:1\nC 0 0 0 1\n`, line: 10, message: /unknown type letter 'X' for 'q' \(expected R, I, S or L\)/ },
    { what: 'atom line with too few fields', bad: `1\n${HDR}\nC 0 0 0 0 0\n`, line: 11, message: /atom 0: Properties declares 7 fields per atom line, found 6/ },
    { what: 'atom line with too many fields', bad: `1\n${HDR}\nC 0 0 0 0 0 0 9\n`, line: 11, message: /declares 7 fields per atom line, found 8/ },
    { what: 'non-numeric position', bad: `1\n${HDR}\nC 0 zero 0 0 0 0\n`, line: 11, message: /atom 0: field 3 \(pos, real\) is not a number: 'zero'/ },
    { what: 'non-numeric force', bad: `2\n${HDR}\nC 0 0 0 0 0 0\nC 0 0 1 0 0 1,5\n`, line: 12, message: /atom 1: field 7 \(forces, real\) is not a number: '1,5'/ },
    { what: 'non-integer in an I column', bad: `1\nProperties=species:S:1:pos:R:3:tag:I:1\nC 0 0 0 1.5\n`, line: 11, message: /field 5 \(tag, integer\) is not an integer: '1\.5'/ },
    { what: 'bad logical', bad: `1\nProperties=species:S:1:pos:R:3:fix:L:1\nC 0 0 0 yes\n`, line: 11, message: /\(fix, logical\) must be T, F, True or False, found 'yes'/ },
    { what: 'NaN in positions', bad: `1\n${HDR}\nC 0 nan 0 0 0 0\n`, line: 11, message: /atom 0: position is not finite: 'nan'/ },
    { what: 'Inf in forces', bad: `2\n${HDR}\nC 0 0 0 0 0 0\nC 0 0 1 inf 0 0\n`, line: 12, message: /atom 1: force 'forces' is not finite/ },
    { what: 'NaN energy', bad: `1\nProperties=species:S:1:pos:R:3 energy=nan\nC 0 0 0\n`, line: 10, message: /energy 'energy' is not finite/ },
    { what: 'non-numeric energy', bad: `1\nProperties=species:S:1:pos:R:3 energy=low\nC 0 0 0\n`, line: 10, message: /energy 'energy' must be one number, found "low"/ },
    { what: 'Lattice with 8 numbers', bad: `1\nLattice="5 0 0 0 5 0 0 0" Properties=species:S:1:pos:R:3\nC 0 0 0\n`, line: 10, message: /Lattice must be 9 numbers "ax ay az bx by bz cx cy cz", found "5 0 0 0 5 0 0 0"/ },
    { what: 'Lattice with a word', bad: `1\nLattice="5 0 0 0 5 0 0 0 x" Properties=species:S:1:pos:R:3\nC 0 0 0\n`, line: 10, message: /Lattice must be 9 numbers/ },
    { what: 'unterminated quote', bad: `1\nLattice="5 0 0 0 5 0 0 0 5 Properties=species:S:1:pos:R:3\nC 0 0 0\n`, line: 10, message: /comment line: unterminated quote: '"' opened at column 9 is never closed by '"'/ },
    { what: 'unknown element', bad: `1\nProperties=species:S:1:pos:R:3\nXx 0 0 0\n`, line: 11, message: /atom 0: 'Xx' is not an element symbol/ },
    { what: 'stress with 5 numbers', bad: `1\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3 stress="1 2 3 4 5"\nC 0 0 0\n`, line: 10, message: /stress 'stress' must be 6 \(Voigt xx yy zz yz xz xy\) or 9 numbers/ },
    { what: 'virial without cell', bad: `1\nProperties=species:S:1:pos:R:3 virial="1 0 0 0 1 0 0 0 1"\nC 0 0 0\n`, line: 10, message: /virial 'virial' needs a Lattice/ },
    { what: 'Properties without pos', bad: `1\nProperties=species:S:1:x:R:3\nC 0 0 0\n`, line: 10, message: /must contain pos:R:3/ },
    { what: 'bad pbc', bad: `1\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3 pbc="T T"\nC 0 0 0\n`, line: 10, message: /pbc must be three of T\/F/ },
    { what: 'zero-volume periodic cell', bad: `1\nLattice="5 0 0 0 5 0 0 0 0" Properties=species:S:1:pos:R:3\nC 0 0 0\n`, line: 9, message: /periodic cell has zero volume/ },
    { what: 'atom count too large (runs into next frame)', bad: `2\n${HDR}\nC 0 0 0 0 0 0\n1\n${HDR}\nC 0 0 0 0 0 0\n`, line: 12, message: /found 1 \(this looks like the atom count of a next frame: is the count 2 on line 9 too large\?\)/ },
    { what: 'atom count too small (atom line where a count is expected)', bad: `1\n${HDR}\nC 0 0 0 0 0 0\nC 1 1 1 0 0 0\n`, line: 12, message: /found 'C 1 1 1 0 0 0' \(this looks like an atom line: is the atom count of the previous frame too small\?\)/, frame: 3 },
];

describe('bad input gives an ExtXyzError naming file, frame and line', () => {
    it('the good part parses', () => {
        expect(parseExtXyz(afterTwo(''))).toHaveLength(2);
    });
    for (const c of cases) {
        it(c.what, () => {
            const e = errorOf(afterTwo(c.bad));
            expect(e.fileName).toBe('bad.xyz');
            const k = c.frame ?? 2;
            expect(e.frame).toBe(k);
            expect(e.line).toBe(c.line);
            expect(e.message.startsWith(`bad.xyz:${c.line}: frame ${k}: `)).toBe(true);
            expect(e.message).toMatch(c.message);
        });
    }
    it('default file name is <input>, frame 0 for an error in the first frame', () => {
        expect(() => parseExtXyz('x\n')).toThrow(/^<input>:1: frame 0: expected the atom count/);
    });
    it('errors in the first frame of a CRLF file count lines the same way', () => {
        expect(() => parseExtXyz('1\r\nProperties=species:S:1:pos:R:3\r\nC 0 0 q\r\n', { fileName: 'w.xyz' })).toThrow(/^w\.xyz:3: frame 0: atom 0: field 4 \(pos, real\) is not a number: 'q'/);
    });
});

describe('lenient read keeps the frames before the error', () => {
    for (const c of cases) {
        it(c.what, () => {
            const { frames, error } = parseExtXyzLenient(afterTwo(c.bad), { fileName: 'bad.xyz' });
            const k = c.frame ?? 2;
            expect(frames.map((f) => f.energy)).toEqual([-1, -2, -1].slice(0, k));
            expect(error).toBeInstanceOf(ExtXyzError);
            expect(error!.line).toBe(c.line);
            expect(error!.frame).toBe(k);
        });
    }
    it('no error: error is null, all frames', () => {
        const { frames, error } = parseExtXyzLenient(afterTwo(''));
        expect(error).toBeNull();
        expect(frames).toHaveLength(2);
    });
    it('parseExtXyz with lenient: true returns the good frames and reports through onError', () => {
        const seen: ExtXyzError[] = [];
        const frames = parseExtXyz(afterTwo('3\n'), { lenient: true, onError: (e) => seen.push(e) });
        expect(frames).toHaveLength(2);
        expect(seen).toHaveLength(1);
        expect(seen[0].line).toBe(10);
    });
});
