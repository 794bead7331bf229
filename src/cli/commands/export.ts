/** `acelens export` — write a model for LAMMPS / ASE: ML-PACE .yace (pair_style pace) or a pair table (K = 2). */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';

const USAGE = 'acelens export (--yace | --table) MODEL.json -o OUT [--points N] [--rmin R] [--json]';

export const EXPORT_OPTIONS: Record<string, OptionSpec> = {
    yace: { kind: 'flag', help: "ML-PACE C-tilde potential (.yace) for LAMMPS `pair_style pace` and pyace; needs the 'acejl' radial" },
    table: { kind: 'flag', help: 'LAMMPS `pair_style table` file (K = 2 models only)' },
    output: { kind: 'string', value: 'FILE', help: 'output file (also -o FILE); written atomically (required)' },
    points: { kind: 'integer', value: 'N', help: '--table: rows, evenly spaced in r²', default: '5000' },
    rmin: { kind: 'number', value: 'R', help: '--table: smallest distance (Å)', default: '0.5' },
};

export const exportCommand: Command = {
    name: 'export',
    summary: 'export',
    async run(argv, io) {
        const args = parseArgs('export', argv.map((a) => (a === '-o' ? '--output' : a)), EXPORT_OPTIONS);
        if (args.options.help) {
            io.stdout(formatHelp(USAGE, 'Write a model in a format LAMMPS and ASE read: .yace (ML-PACE, exact for models with the acejl radial) or a pair table (K = 2).', EXPORT_OPTIONS));
            return 0;
        }
        const { runExport } = await import('./export-run');
        return runExport(args, io);
    },
};
