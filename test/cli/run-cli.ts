/**
 * Runs the real `acelens` command line (node bin/acelens.mjs) in a scratch folder, for the CLI tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

const BIN = resolve(__dirname, '../../bin/acelens.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Cli {
  /** the scratch folder the CLI runs in */
  dir: string;
  /** a path inside the scratch folder */
  at(name: string): string;
  run(args: string[], timeoutMs?: number): CliResult;
  /** runs with --json, throws with stderr on a non-zero exit, returns the parsed stdout */
  runJson(args: string[]): any;
  /** asserts a failure: non-zero exit, exactly one line on stderr matching `pattern`, no stack trace */
  expectFailure(args: string[], pattern: RegExp): string;
}

export function cliInScratchFolder(prefix: string): Cli {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const run = (args: string[], timeoutMs = 60_000): CliResult => {
        const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: timeoutMs });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    return {
        dir,
        at: (name) => join(dir, name),
        run,
        runJson(args) {
            const r = run([...args, '--json']);
            if (r.code !== 0) throw new Error(`acelens ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
            return JSON.parse(r.stdout);
        },
        expectFailure(args, pattern) {
            const r = run(args);
            expect(r.code).not.toBe(0);
            const lines = r.stderr.trimEnd().split('\n');
            expect(lines).toHaveLength(1);
            expect(lines[0]).toMatch(pattern);
            expect(r.stderr).not.toMatch(/\n\s+at /);
            return lines[0];
        },
    };
}
