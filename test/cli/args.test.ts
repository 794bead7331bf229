import { describe, expect, it } from 'vitest';
import { parseArgs, type OptionSpec } from '../../src/cli/args';
import { CliError } from '../../src/cli/errors';
import { main } from '../../src/cli/main';

const specs: Record<string, OptionSpec> = {
    order: { kind: 'integer', help: '' },
    lambda: { kind: 'number', help: '' },
    out: { kind: 'string', help: '' },
};

describe('parseArgs', () => {
    it('parses --name value, --name=value, flags and positionals (negative numbers are values)', () => {
        const a = parseArgs('fit', ['train.xyz', '--order', '3', '--lambda=1e-3', '--json', '--out', 'm.json'], specs);
        expect(a.positionals).toEqual(['train.xyz']);
        expect(a.options).toEqual({ order: 3, lambda: 1e-3, json: true, out: 'm.json' });
        expect(parseArgs('fit', ['--lambda', '-2'], specs).options.lambda).toBe(-2);
    });

    it('rejects unknown options, missing values, non-numbers and non-integers with one-line messages', () => {
        expect(() => parseArgs('fit', ['--bogus'], specs)).toThrow(CliError);
        expect(() => parseArgs('fit', ['--bogus'], specs)).toThrow(/unknown option '--bogus'/);
        expect(() => parseArgs('fit', ['--order'], specs)).toThrow(/needs a value/);
        expect(() => parseArgs('fit', ['--lambda', 'abc'], specs)).toThrow(/finite number, got 'abc'/);
        expect(() => parseArgs('fit', ['--lambda', 'NaN'], specs)).toThrow(/finite number/);
        expect(() => parseArgs('fit', ['--order', '2.5'], specs)).toThrow(/integer/);
        expect(() => parseArgs('fit', ['--json=1'], specs)).toThrow(/takes no value/);
    });
});

describe('main', () => {
    const capture = () => {
        const out: string[] = [];
        const err: string[] = [];
        return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
    };

    it('lists the subcommands on --help', async () => {
        const c = capture();
        expect(await main(['--help'], c.io)).toBe(0);
        for (const name of ['fit', 'eval', 'dimer', 'scan', 'reproduce']) expect(c.out.join('')).toMatch(new RegExp(`^  ${name} `, 'm'));
    });

    it('every command answers --help', async () => {
        for (const name of ['fit', 'eval', 'dimer', 'scan', 'reproduce']) {
            const c = capture();
            expect(await main([name, '--help'], c.io)).toBe(0);
            expect(c.out.join('')).toMatch(/^Usage: acelens /);
            expect(c.out.join('')).toMatch(/--json/);
        }
    });

    it('errors are one line on stderr, non-zero exit, and {"error"} on stdout with --json', async () => {
        const c = capture();
        expect(await main(['frobnicate'], c.io)).not.toBe(0);
        expect(c.err.join('')).toMatch(/^acelens: error: unknown command 'frobnicate'.*\n$/);
        const d = capture();
        expect(await main(['fit', '--order', 'x', '--json'], d.io)).toBe(1);
        expect(d.err.join('').trim().split('\n')).toHaveLength(1);
        expect(JSON.parse(d.out.join(''))).toEqual({ error: "option '--order' expects a finite number, got 'x'" });
    });
});

describe('--degree', () => {
    it('one number scales the default shape (D_1 = D), a comma list gives D_1..D_{K-1}', async () => {
        const { parseDegree } = await import('../../src/cli/commands/fit-run');
        const { DEFAULT_DEGREES } = await import('../../src/ace/spec');
        const d = parseDegree('24', 5);
        expect(d).toHaveLength(4);
        expect(d[0]).toBe(24);
        d.forEach((x, t) => expect(Math.abs(x - (24 * DEFAULT_DEGREES[t]) / DEFAULT_DEGREES[0])).toBeLessThanOrEqual(0.5));
        expect(parseDegree('12', 3)).toHaveLength(2);
        parseDegree('1', 5).forEach((x, t) => expect(x).toBeGreaterThanOrEqual(t + 1)); // every order keeps a function
        expect(parseDegree('10,8,6', 4)).toEqual([10, 8, 6]);
        expect(() => parseDegree('10,8', 4)).toThrow(/2 values, expected one or 3/);
        expect(() => parseDegree('x', 3)).toThrow(/positive number/);
    });
});
