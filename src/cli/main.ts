/**
 * acelens command line: `acelens <command> [options]`.
 * The commands are thin: parse arguments, call the engine in src/, print a table or one JSON object.
 * Each command lives in src/cli/commands/<name>.ts and is loaded only when it runs.
 */
import type { CliIO, Command } from './command';
import { CliError, oneLine } from './errors';
import { ACELENS_VERSION } from '../version';

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Record<string, Entry> = {
    fit: { summary: 'fit a linear ACE model to energies and forces in an extended XYZ file', load: async () => (await import('./commands/fit')).fitCommand },
    assemble: { summary: 'normal equations of one shard of the training data (a Slurm array task)', load: async () => (await import('./commands/assemble')).assembleCommand },
    solve: { summary: 'add the parts of a sharded assembly and solve: the model acelens fit would write', load: async () => (await import('./commands/solve')).solveCommand },
    eval: { summary: 'evaluate a model on structures; errors against DFT labels; write predictions', load: async () => (await import('./commands/eval')).evalCommand },
    dimer: { summary: 'C2 dimer curve E(r) - 2 E0 of a model, split by body order', load: async () => (await import('./commands/dimer')).dimerCommand },
    scan: { summary: 'bond scan: move one atom along a bond inside a structure', load: async () => (await import('./commands/scan')).scanCommand },
    export: { summary: 'export a model for LAMMPS/ASE: ML-PACE .yace (pair_style pace) or a pair table (K = 2)', load: async () => (await import('./commands/export')).exportCommand },
    reproduce: { summary: 'the body-order convergence study (arXiv 2502.16125) end to end', load: async () => (await import('./commands/reproduce')).reproduceCommand },
};

export function mainHelp(): string {
    const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 4;
    return [
        'Usage: acelens <command> [options]',
        '',
        'Linear Atomic Cluster Expansion (ACE) potentials for carbon. Units: eV, Å, eV/Å;',
        'error metrics in meV/atom and meV/Å.',
        '',
        'Commands:',
        ...Object.entries(COMMANDS).map(([name, e]) => `  ${name.padEnd(width)}${e.summary}`),
        '',
        'Every command takes --json (print one JSON object on stdout) and --help.',
        'Run `acelens <command> --help` for its options.',
        '',
    ].join('\n');
}

const defaultIO: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
};

/** Runs the CLI; returns the process exit code. Never throws. */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
        io.stdout(mainHelp());
        return name === undefined ? 1 : 0;
    }
    if (name === '--version') {
        io.stdout(`acelens ${ACELENS_VERSION}\n`);
        return 0;
    }
    const entry = COMMANDS[name];
    const json = rest.includes('--json');
    try {
        if (!entry) throw new CliError(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`, 2);
        const command = await entry.load();
        return await command.run(rest, io);
    } catch (err) {
        const message = oneLine(err);
        io.stderr(`acelens${entry ? ' ' + name : ''}: error: ${message}\n`);
        if (process.env.ACELENS_DEBUG && err instanceof Error && err.stack) io.stderr(err.stack + '\n');
        if (json) io.stdout(JSON.stringify({ error: message }) + '\n');
        return err instanceof CliError ? err.exitCode : 1;
    }
}
