/** `acelens reproduce` — the body-order convergence study of arXiv 2502.16125 end to end. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';

const USAGE = 'acelens reproduce [--out DIR] [--quick] [--assets DIR] [--workers N] [--seed N] [--solver blr|ridge] [--lambda L] [--readme FILE] [--json]';

export const REPRODUCE_OPTIONS: Record<string, OptionSpec> = {
    out: { kind: 'string', value: 'DIR', help: 'output folder (table.csv, table.md, headline.md, readme-section.md, report.md, results.json, figures/, models/)', default: 'reproduce-out' },
    quick: { kind: 'flag', help: 'K = 2..4, smaller bases, at most 40 structures per pool (minutes instead of tens of minutes)' },
    assets: { kind: 'string', value: 'DIR', help: 'folder with carbon-narrow.xyz, carbon-diverse.xyz, c2-dimers.xyz, c2-dimer-curve.xyz', default: "acelens' assets/" },
    workers: { kind: 'integer', value: 'N', help: 'worker threads for assembling the normal equations', default: 'available cores' },
    seed: { kind: 'integer', value: 'N', help: 'seed of the train/validation splits and subsamples', default: '1' },
    solver: { kind: 'string', value: 'blr|ridge', help: 'blr: Bayesian linear regression (evidence maximisation, the fit default); ridge: Tikhonov with --lambda (implied by --lambda) (the reference study\'s fixed-λ fits)', default: 'blr' },
    lambda: { kind: 'number', value: 'L', help: 'Tikhonov strength of --solver ridge', default: '1e-6' },
    readme: { kind: 'string', value: 'FILE', help: 'also write the study section (readme-section.md) into FILE, between its acelens-study marker lines' },
};

export const reproduceCommand: Command = {
    name: 'reproduce',
    summary: 'body-order convergence study',
    async run(argv, io) {
        const args = parseArgs('reproduce', argv, REPRODUCE_OPTIONS);
        if (args.options.help) {
            io.stdout(
                formatHelp(
                    USAGE,
                    'Reproduce the body-order convergence study of arXiv 2502.16125 on acelens\' DFT data: linear ACE models\n' +
            'of body order K = 2..5 (standard and self-interaction-free bases) trained on C2 dimers, the narrow and the\n' +
            'diverse carbon pools, and the diverse pool with the dimers added; train/validation errors and dimer curves\n' +
            'against DFT. Writes a table, figures (SVG),\n' +
            'a report whose statements are computed from the numbers, and the models.',
                    REPRODUCE_OPTIONS,
                ),
            );
            return 0;
        }
        const { runReproduce } = await import('./reproduce-run');
        return runReproduce(args, io);
    },
};
