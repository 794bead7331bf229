/** `acelens assemble` — the normal equations of one shard of the training data, written as a part file. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';
import { FIT_OPTIONS } from './fit';

const USAGE = 'acelens assemble TRAIN.xyz [MORE.xyz…] --order K [basis and weight options as for fit] --shard i/n --out part-i.acelens-ne [--json]';

const pick = (names: string[]) => Object.fromEntries(names.map((n) => [n, FIT_OPTIONS[n]]));

export const ASSEMBLE_OPTIONS: Record<string, OptionSpec> = {
    ...pick(['order', 'basis', 'rcut', 'radial', 'core-repulsion', 'degree', 'energy-weight', 'energy-norm', 'force-weight', 'virial-weight', 'e0']),
    shard: { kind: 'string', value: 'i/n', help: 'which shard to assemble: i of n (0 ≤ i < n); the split is by structure, balanced by atom count (required)' },
    out: { kind: 'string', value: 'PART.acelens-ne', help: 'where to write the part (required; written atomically)' },
};

export const assembleCommand: Command = {
    name: 'assemble',
    summary: 'normal equations of one shard of the training data (for acelens solve; a Slurm array task)',
    async run(argv, io) {
        const args = parseArgs('assemble', argv, ASSEMBLE_OPTIONS);
        if (args.options.help) {
            io.stdout(
                formatHelp(
                    USAGE,
                    'Assemble XᵀWX, XᵀWy and yᵀWy of shard i of n of the training structures and write them as a part file; `acelens solve part-*.acelens-ne` adds the n parts and solves.',
                    ASSEMBLE_OPTIONS,
                ),
            );
            return 0;
        }
        const { runAssemble } = await import('./assemble-run');
        return runAssemble(args, io);
    },
};
