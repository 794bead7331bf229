/** `acelens dimer` — the C2 dimer curve of a model, E(r) − 2·E0, split by body order. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';

const USAGE = 'acelens dimer --model M.json [--rmin 0.6] [--rmax 6] [--points 200] [--json]';

export const DIMER_OPTIONS: Record<string, OptionSpec> = {
    model: { kind: 'string', value: 'M.json', help: 'model file written by acelens fit, or a PACE potential (.yace) (required)' },
    rmin: { kind: 'number', value: 'R', help: 'smallest distance (Å)', default: '0.6' },
    rmax: { kind: 'number', value: 'R', help: 'largest distance (Å)', default: '6' },
    points: { kind: 'integer', value: 'N', help: 'number of distances (evenly spaced, both ends included)', default: '200' },
};

export const dimerCommand: Command = {
    name: 'dimer',
    summary: 'dimer curve',
    async run(argv, io) {
        const args = parseArgs('dimer', argv, DIMER_OPTIONS);
        if (args.options.help) {
            io.stdout(formatHelp(USAGE, 'Binding energy E(r) − 2·E0 (eV) of an isolated C2 dimer, and the part of each body order K.', DIMER_OPTIONS));
            return 0;
        }
        const { runDimer } = await import('./dimer-run');
        return runDimer(args, io);
    },
};
