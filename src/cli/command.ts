/** The shape of one acelens subcommand (one file each under src/cli/commands/). */

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface Command {
  name: string;
  /** one line for `acelens --help` */
  summary: string;
  /** runs the command; returns the exit code. Throw CliError (or any Error) for failures. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Print `value` as one JSON object (with --json) — the single place that decides JSON formatting. */
export function printJson(io: CliIO, value: unknown): void {
    io.stdout(JSON.stringify(value, null, 2) + '\n');
}
