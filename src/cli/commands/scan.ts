/** `acelens scan` — bond scan inside a structure (issue of the scan helper; placeholder until it lands). */
import { formatHelp, parseArgs } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';

const USAGE = 'acelens scan --model M.json STRUCTURE.xyz --atoms A,B [--rmin R] [--rmax R] [--points N] [--json]';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'bond scan inside a structure',
  async run(argv, io) {
    const { options } = parseArgs('scan', argv, {});
    if (options.help) {
      io.stdout(formatHelp(USAGE, 'Move atom B along the A→B bond with all other atoms fixed; print the energy.\nNot yet available in this build.', {}));
      return 0;
    }
    throw new CliError('not yet available in this build');
  },
};
