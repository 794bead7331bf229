/** `acelens dimer` — the C2 dimer curve of a model, E(r) − 2·E0, split by body order. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';

const USAGE = 'acelens dimer --model M.json [--rmin 0.6] [--rmax 6] [--points 200] [--dft | --dft-file C2.xyz] [--json | --csv]';

export const DIMER_OPTIONS: Record<string, OptionSpec> = {
    model: { kind: 'string', value: 'M.json', help: 'model file written by acelens fit, or a PACE potential (.yace) (required)' },
    rmin: { kind: 'number', value: 'R', help: 'smallest distance (Å)', default: '0.6' },
    rmax: { kind: 'number', value: 'R', help: 'largest distance (Å)', default: '6' },
    points: { kind: 'integer', value: 'N', help: 'number of distances (evenly spaced, both ends included)', default: '200' },
    dft: { kind: 'flag', help: 'compare with the DFT C2 curve embedded in acelens (assets/c2-dimer-curve.xyz, the one the viewer shows): its distances are added to the grid' },
    'dft-file': { kind: 'string', value: 'C2.xyz', help: 'compare with this DFT curve instead (extended XYZ: config_type=dimer_curve frames with info r, binding_energy, magmom)' },
    csv: { kind: 'flag', help: 'print the CSV the viewer exports (r, DFT, E − 2E0, parts by K) instead of a table' },
};

export const dimerCommand: Command = {
    name: 'dimer',
    summary: 'dimer curve',
    async run(argv, io) {
        const args = parseArgs('dimer', argv, DIMER_OPTIONS);
        if (args.options.help) {
            io.stdout(formatHelp(USAGE, 'Binding energy E(r) − 2·E0 (eV) of an isolated C2 dimer, the part of each body order K, warnings about unphysical shapes and, with --dft, the deviation from DFT (the code of the viewer\'s dimer panel).', DIMER_OPTIONS));
            return 0;
        }
        const { runDimer } = await import('./dimer-run');
        return runDimer(args, io);
    },
};
