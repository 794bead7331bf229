/** `acelens solve` — add the part files of a sharded assembly and solve: the model `acelens fit` would write. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';
import { FIT_OPTIONS } from './fit';

const USAGE = 'acelens solve PART.acelens-ne… [--lambda L|L1,L2,..|auto] [--valid VALID.xyz] [--prior-exponent P] --out M.json [--json]';

export const SOLVE_OPTIONS: Record<string, OptionSpec> = {
    lambda: FIT_OPTIONS.lambda,
    valid: FIT_OPTIONS.valid,
    'prior-exponent': FIT_OPTIONS['prior-exponent'],
    out: FIT_OPTIONS.out,
};

export const solveCommand: Command = {
    name: 'solve',
    summary: 'add the parts of a sharded assembly and solve (writes the model acelens fit would)',
    async run(argv, io) {
        const args = parseArgs('solve', argv, SOLVE_OPTIONS);
        if (args.options.help) {
            io.stdout(
                formatHelp(
                    USAGE,
                    'Check that the part files belong to one fit (same basis, weights, E0 and data; every shard once), add them in shard order, solve as acelens fit does and evaluate the train (and validation) errors on the training data named in the parts.',
                    SOLVE_OPTIONS,
                ),
            );
            return 0;
        }
        const { runSolve } = await import('./solve-run');
        return runSolve(args, io);
    },
};
