/** `acelens eval` — evaluate a model on structures; errors against DFT labels; predictions as extended XYZ. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';

const USAGE = 'acelens eval --model M.json DATA.xyz [--out PRED.xyz] [--worst 10] [--distance-bin 0.05] [--json]';

export const EVAL_OPTIONS: Record<string, OptionSpec> = {
    model: { kind: 'string', value: 'M.json', help: 'model file written by acelens fit, or a PACE potential (.yace) (required)' },
    out: { kind: 'string', value: 'PRED.xyz', help: 'write extended XYZ with per-atom energies, predicted forces and force errors' },
    worst: { kind: 'integer', value: 'N', help: 'list the N atoms with the largest force errors (as the viewer\'s worst-atoms table); 0: none', default: '10' },
    'distance-bin': { kind: 'number', value: 'W', help: 'bin width (Å) of the force error against the nearest-neighbour distance (as the viewer\'s plot)', default: '0.05' },
};

export const evalCommand: Command = {
    name: 'eval',
    summary: 'evaluate a model',
    async run(argv, io) {
        const args = parseArgs('eval', argv, EVAL_OPTIONS);
        if (args.options.help) {
            io.stdout(formatHelp(USAGE, 'Predict energies and forces of every structure; compare with the DFT labels when present.\nMetrics: energy per atom (meV/atom), force components (meV/Å), overall and per config_type;\nisolated-atom frames (which define E0) are listed but not counted, as in acelens fit.', EVAL_OPTIONS));
            return 0;
        }
        const { runEval } = await import('./eval-run');
        return runEval(args, io);
    },
};
