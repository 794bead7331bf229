/**
 * Small argument parser for the acelens subcommands: `--name value`, `--name=value`, boolean flags,
 * positionals. Values are validated here so that every command reports bad options the same way.
 */
import { CliError } from './errors';

export type OptionKind = 'string' | 'number' | 'integer' | 'flag';

export interface OptionSpec {
  kind: OptionKind;
  /** one-line description for --help */
  help: string;
  /** shown in --help as the value placeholder */
  value?: string;
  /** default shown in --help (the command applies its own defaults) */
  default?: string;
  /** a flag that may also be given a value as --name=VALUE (then options[name] is that string) */
  optionalValue?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | number | boolean | undefined>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
    json: { kind: 'flag', help: 'print one JSON object on stdout instead of a table' },
    help: { kind: 'flag', help: 'show this help' },
};

export function parseArgs(command: string, argv: string[], specs: Record<string, OptionSpec>): ParsedArgs {
    const all = { ...specs, ...COMMON_OPTIONS };
    const positionals: string[] = [];
    const options: ParsedArgs['options'] = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--') {
            positionals.push(...argv.slice(i + 1));
            break;
        }
        if (arg === '-h') {
            options.help = true;
            continue;
        }
        if (!arg.startsWith('--') || arg === '-') {
            if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
                throw new CliError(`unknown option '${arg}' (see acelens ${command} --help)`);
            }
            positionals.push(arg);
            continue;
        }
        const eq = arg.indexOf('=');
        const name = arg.slice(2, eq < 0 ? undefined : eq);
        const spec = all[name];
        if (!spec) throw new CliError(`unknown option '--${name}' (see acelens ${command} --help)`);
        if (spec.kind === 'flag') {
            if (eq >= 0 && !spec.optionalValue) throw new CliError(`option '--${name}' takes no value`);
            options[name] = eq >= 0 ? arg.slice(eq + 1) : true;
            continue;
        }
        let raw: string;
        if (eq >= 0) raw = arg.slice(eq + 1);
        else {
            if (i + 1 >= argv.length) throw new CliError(`option '--${name}' needs a value${spec.value ? ` (${spec.value})` : ''}`);
            raw = argv[++i];
        }
        options[name] = convert(command, name, spec, raw);
    }
    return { positionals, options };
}

function convert(command: string, name: string, spec: OptionSpec, raw: string): string | number {
    if (spec.kind === 'string') return raw;
    const trimmed = raw.trim();
    const v = trimmed === '' ? NaN : Number(trimmed);
    if (!Number.isFinite(v)) throw new CliError(`option '--${name}' expects a finite number, got '${raw}'`);
    if (spec.kind === 'integer' && !Number.isInteger(v)) throw new CliError(`option '--${name}' expects an integer, got '${raw}'`);
    return v;
}

/** Help text: usage line, description, options table. */
export function formatHelp(usage: string, description: string, specs: Record<string, OptionSpec>): string {
    const all = { ...specs, ...COMMON_OPTIONS };
    const rows = Object.entries(all).map(([name, s]) => {
        const left = `  --${name}${s.kind === 'flag' ? (s.optionalValue ? `[=${s.value ?? 'VALUE'}]` : '') : ` ${s.value ?? (s.kind === 'string' ? 'VALUE' : 'N')}`}`;
        const right = s.help + (s.default !== undefined ? ` [default: ${s.default}]` : '');
        return [left, right] as const;
    });
    const width = Math.max(...rows.map(([l]) => l.length)) + 2;
    return [`Usage: ${usage}`, '', description, '', 'Options:', ...rows.map(([l, r]) => l.padEnd(width) + r)].join('\n') + '\n';
}
