/** `acelens scan` — bond scan inside a structure: atom J moves along the I→J bond, all others fixed. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';

const USAGE = 'acelens scan --model M.json DATA.xyz [--frame F] --atoms I J --from A --to B [--points N] [--json | --csv]';

export const SCAN_OPTIONS: Record<string, OptionSpec> = {
    model: { kind: 'string', value: 'M.json', help: 'model file written by acelens fit, or a PACE potential (.yace) (required)' },
    frame: { kind: 'integer', value: 'F', help: 'index of the structure in DATA.xyz (0-based; required when the file has several)', default: '0 for a one-structure file' },
    atoms: { kind: 'string', value: 'I J', help: 'fixed atom I and moving atom J (0-based indices; also I,J) (required)' },
    from: { kind: 'number', value: 'A', help: 'first I–J distance (Å) (required)' },
    to: { kind: 'number', value: 'B', help: 'last I–J distance (Å) (required)' },
    points: { kind: 'integer', value: 'N', help: 'number of distances, evenly spaced, both ends included', default: '50' },
    csv: { kind: 'flag', help: 'print the CSV the viewer\'s bond-scan panel exports (r, E − E_start, E, F_bond) instead of a table' },
};

const DESCRIPTION = [
    'Move atom J along the I→J bond (minimum-image vector for periodic structures) from distance A to B,',
    'all other atoms fixed, and print the model energy at each distance: the total energy (eV), the energy',
    'relative to the unperturbed structure as read from the file (eV; not relative to the first point), and',
    'the force on J along the bond (eV/Å, positive pushes J away from I). Only atoms within r_cut of the',
    'moving atom are re-evaluated.',
].join('\n');

/** `--atoms I J` (two tokens) is rewritten to `--atoms I,J` for the single-value option parser. */
export function joinAtomsArgument(argv: string[]): string[] {
    const out: string[] = [];
    for (let k = 0; k < argv.length; k++) {
        const a = argv[k];
        if (a === '--atoms' && k + 2 < argv.length && !argv[k + 1].includes(',') && /^-?\d+$/.test(argv[k + 2])) {
            out.push(a, `${argv[k + 1]},${argv[k + 2]}`);
            k += 2;
            continue;
        }
        out.push(a);
    }
    return out;
}

export const scanCommand: Command = {
    name: 'scan',
    summary: 'bond scan inside a structure',
    async run(argv, io) {
        const args = parseArgs('scan', joinAtomsArgument(argv), SCAN_OPTIONS);
        if (args.options.help) {
            io.stdout(formatHelp(USAGE, DESCRIPTION, SCAN_OPTIONS));
            return 0;
        }
        const { runScan } = await import('./scan-run');
        return runScan(args, io);
    },
};
