/** `acelens reproduce` — the body-order convergence study (placeholder until its issue lands). */
import { formatHelp, parseArgs } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';

const USAGE = 'acelens reproduce [options] [--json]';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'body-order convergence study',
  async run(argv, io) {
    const { options } = parseArgs('reproduce', argv, {});
    if (options.help) {
      io.stdout(formatHelp(USAGE, 'Reproduce the body-order convergence study of arXiv 2502.16125.\nNot yet available in this build.', {}));
      return 0;
    }
    throw new CliError('not yet available in this build');
  },
};
