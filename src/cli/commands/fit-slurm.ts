/**
 * `acelens fit … --slurm N`: the fit as Slurm jobs — an array of N `acelens assemble` tasks (one shard
 * each) and an `acelens solve` that depends on them (afterok). Writes the two job scripts next to the model
 * (M.slurm/), submits them when `sbatch` is on the PATH (`--dry-run`: only writes them), prints the job ids
 * and where the model will appear.
 *
 * Rerunning the same command submits only the shards whose part file is missing (or unreadable): a failed
 * shard is redone, the others' parts are kept; with all parts present only the solve is submitted.
 * Every value put into a script is shell-quoted; Slurm settings are checked against a strict pattern.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { packageRoot } from '../package-root';
import { readNeFile, NE_EXTENSION, type NeHeader } from '../../fit/ne-file';
import { sha256File } from '../../model/model-node';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { CliError } from '../errors';
import { specFromOptions } from './fit-run';
import { lossOptions } from './training-data';

const BIN = join(packageRoot(), 'bin', 'acelens.mjs');

/** fit options handed to every assemble task, and to the solve */
const ASSEMBLE_PASS = ['order', 'basis', 'rcut', 'radial', 'core-repulsion', 'degree', 'energy-weight', 'energy-norm', 'force-weight', 'virial-weight', 'e0'];
const SOLVE_PASS = ['lambda', 'prior-exponent'];

export function shellQuote(s: string): string {
    return /^[A-Za-z0-9_./:=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function slurmValue(name: string, v: unknown): string {
    const s = String(v);
    if (!/^[A-Za-z0-9_.:,+-]+$/.test(s)) throw new CliError(`option '--${name}' has characters Slurm does not take there: '${s}'`);
    return s;
}

/** "0-3", "1,4-6": the array spec of the shards to run. */
export function arraySpec(shards: readonly number[]): string {
    const out: string[] = [];
    for (let k = 0; k < shards.length;) {
        let e = k;
        while (e + 1 < shards.length && shards[e + 1] === shards[e] + 1) e++;
        out.push(e > k ? `${shards[k]}-${shards[e]}` : String(shards[k]));
        k = e + 1;
    }
    return out.join(',');
}

function onPath(cmd: string): string | null {
    for (const d of (process.env.PATH ?? '').split(delimiter)) {
        if (!d) continue;
        const p = join(d, cmd);
        try {
            accessSync(p, constants.X_OK);
            return p;
        } catch {
            /* next */
        }
    }
    return null;
}

function sbatch(args: string[]): string {
    const r = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' });
    if (r.error) throw new CliError(`sbatch: ${r.error.message}`);
    if (r.status !== 0) throw new CliError(`sbatch ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
    const id = r.stdout.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new CliError(`sbatch printed no job id: '${r.stdout.trim()}'`);
    return id;
}

export async function runFitSlurm(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    const n = o.slurm as number;
    if (!Number.isInteger(n) || n < 1 || n > 100000) throw new CliError(`option '--slurm' expects the number of shards (1..100000), got ${n}`);
    if (args.positionals.length === 0) throw new CliError('missing TRAIN.xyz (see acelens fit --help)');
    const out = o.out as string | undefined;
    if (!out) throw new CliError("option '--out M.json' is required");
    if (o['valid-fraction'] !== undefined) throw new CliError("'--slurm' takes a validation file ('--valid FILE'), not '--valid-fraction'");
    const spec = specFromOptions(o);
    const loss = lossOptions(o);
    const model = resolve(out);
    const dir = join(dirname(model), basename(model).replace(/\.json$/i, '') + '.slurm');
    try {
        mkdirSync(join(dir, 'logs'), { recursive: true });
    } catch (err) {
        throw new CliError(`${dir}: cannot create the job folder: ${(err as Error).message}`);
    }
    const train = args.positionals.map((p) => resolve(p));
    const shas: string[] = [];
    for (const p of train) shas.push(await sha256File(p).catch((e: Error) => Promise.reject(new CliError(e.message))));
    const valid = o.valid !== undefined ? resolve(o.valid as string) : null;
    if (valid && !existsSync(valid)) throw new CliError(`${o.valid}: cannot read: no such file`);

    // parts already there (an earlier run): kept when they are of this fit, redone when unreadable
    const partPath = (i: number) => join(dir, `part-${i}${NE_EXTENSION}`);
    const missing: number[] = [];
    for (let i = 0; i < n; i++) {
        if (!existsSync(partPath(i))) {
            missing.push(i);
            continue;
        }
        let h: NeHeader;
        try {
            h = readNeFile(partPath(i)).header;
        } catch {
            missing.push(i); // corrupted: assembled again (the new part replaces it atomically)
            continue;
        }
        const same =
      h.shard.count === n &&
      h.shard.index === i &&
      JSON.stringify(h.spec) === JSON.stringify(spec) &&
      [...h.data.map((d) => d.sha256)].sort().join() === [...shas].sort().join() &&
      h.weights.energyWeight === loss.energyWeight &&
      h.weights.forceWeight === loss.forceWeight &&
      h.weights.virialWeight === loss.virialWeight &&
      h.weights.energyNorm === loss.energyNorm &&
      (loss.e0 === 'auto' ? h.e0Source === 'isolated_atom' : h.weights.e0 === loss.e0);
        if (!same) throw new CliError(`${partPath(i)} is a part of another fit (other data, basis, weights or shard count): remove ${dir} or choose another --out`);
    }

    const sbatchLines = (name: string, log: string) =>
        [
            `#SBATCH --job-name=${name}`,
            `#SBATCH --output=${join(dir, 'logs', log)}`,
            '#SBATCH --cpus-per-task=1',
            ...(o.partition !== undefined ? [`#SBATCH --partition=${slurmValue('partition', o.partition)}`] : []),
            ...(o.time !== undefined ? [`#SBATCH --time=${slurmValue('time', o.time)}`] : []),
            ...(o.mem !== undefined ? [`#SBATCH --mem=${slurmValue('mem', o.mem)}`] : []),
        ].join('\n');
    if (/\s/.test(dir)) throw new CliError(`${dir}: Slurm log paths cannot hold spaces; choose an --out without them`);
    const node = shellQuote(process.execPath);
    const bin = shellQuote(BIN);
    // a flag given without a value (--core-repulsion) passes as a bare flag, with one as --name=VALUE
    const passed = (names: string[]) => names.filter((k) => o[k] !== undefined && o[k] !== false).flatMap((k) => (o[k] === true ? [`--${k}`] : k === 'core-repulsion' ? [`--${k}=${shellQuote(String(o[k]))}`] : [`--${k}`, shellQuote(String(o[k]))]));
    const assembleScript = join(dir, 'assemble.sh');
    const solveScript = join(dir, 'solve.sh');
    writeFileSync(
        assembleScript,
        [
            '#!/bin/bash',
            sbatchLines('acelens-assemble', 'assemble-%a.out'),
            `# acelens: one shard of ${n} of the training data per array task. All: sbatch --array=0-${n - 1} ${assembleScript}; one: --array=i`,
            'set -eu',
            'i=${SLURM_ARRAY_TASK_ID:?run this as a Slurm array task (sbatch --array=...)}',
            `exec ${node} ${bin} assemble ${train.map(shellQuote).join(' ')} ${passed(ASSEMBLE_PASS).join(' ')} --shard "$i/${n}" --out ${shellQuote(dir)}/"part-$i${NE_EXTENSION}"`,
            '',
        ].join('\n'),
        { mode: 0o755 },
    );
    writeFileSync(
        solveScript,
        [
            '#!/bin/bash',
            sbatchLines('acelens-solve', 'solve-%j.out'),
            `# acelens: adds the ${n} parts and writes the model ${model}`,
            'set -eu',
            `exec ${node} ${bin} solve ${shellQuote(dir)}/part-*${NE_EXTENSION} ${[...passed(SOLVE_PASS), ...(valid ? ['--valid', shellQuote(valid)] : [])].map((a) => a + ' ').join('')}--out ${shellQuote(model)}`,
            '',
        ].join('\n'),
        { mode: 0o755 },
    );

    const array = missing.length ? arraySpec(missing) : null;
    const assembleCmd = array ? `sbatch --array=${array} ${assembleScript}` : null;
    const submit = !o['dry-run'] && onPath('sbatch') !== null;
    let assembleJob: string | null = null;
    let solveJob: string | null = null;
    if (submit) {
        if (array) assembleJob = sbatch([`--array=${array}`, assembleScript]);
        solveJob = sbatch([...(assembleJob ? [`--dependency=afterok:${assembleJob}`] : []), solveScript]);
    }
    const summary = {
        model,
        scripts: { assemble: assembleScript, solve: solveScript },
        parts: join(dir, `part-*${NE_EXTENSION}`),
        logs: join(dir, 'logs'),
        shards: n,
        to_assemble: missing,
        submitted: submit,
        assemble_job: assembleJob,
        solve_job: solveJob,
    };
    if (o.json) {
        printJson(io, summary);
        return 0;
    }
    const lines = [
        `scripts   ${assembleScript}`,
        `          ${solveScript}`,
        `shards    ${n} (${missing.length === n ? 'all to assemble' : missing.length ? `${missing.length} to assemble: ${array}; ${n - missing.length} parts already there` : 'all parts already there'})`,
    ];
    if (submit) {
        if (assembleJob) lines.push(`submitted assemble array job ${assembleJob} (--array=${array})`);
        lines.push(`submitted solve job ${solveJob}${assembleJob ? ` (after all assemble tasks succeed)` : ''}`);
        lines.push(`model     ${model} (when job ${solveJob} ends; logs in ${join(dir, 'logs')})`);
        lines.push(`if a shard fails: scancel ${solveJob}, then run this same command again (it submits only the missing shards)`);
    } else {
        lines.push(o['dry-run'] ? 'dry run: nothing submitted. To submit:' : 'sbatch is not on the PATH: nothing submitted. To submit:');
        if (assembleCmd) lines.push(`          jid=$(sbatch --parsable --array=${array} ${assembleScript})`);
        lines.push(`          sbatch ${assembleCmd ? '--dependency=afterok:$jid ' : ''}${solveScript}`);
        lines.push(`model     ${model} (when the solve job ends)`);
    }
    io.stdout(lines.join('\n') + '\n');
    return 0;
}
