/**
 * Command-line start-up: `acelens --version` against bare Node, interleaved, wall and CPU time (children's
 * user + system from getrusage) medians. Four commands: `node -e 0` (bare Node), `node bin/acelens.mjs
 * --version` (what the installed `acelens` binary runs), `npx --no-install node -e 0` (npx's own start-up:
 * npm loads and resolves before any command) and `npx acelens --version`. The ratio that describes acelens'
 * own cost is binary / bare Node; npx adds the same fixed cost to any command, so `npx acelens` is compared with
 * `npx node` as well. Options: --repeats N (default 9). The machine is shared: read medians, not single runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { registerBench } from './registry';

const ROOT = resolve(import.meta.dirname, '..');

function runOnce(cmd: string, args: string[]): { wall: number; cpu: number } {
    const c0 = childCpu();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
    return { wall, cpu: childCpu() - c0 };
}

/** CPU seconds (user + system) of this process's finished children, from /proc/self/stat (cutime, cstime). */
function childCpu(): number {
    try {
        const stat = readFileSync('/proc/self/stat', 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // fields[13], fields[14] = cutime, cstime (clock ticks; 100 per second on Linux)
        return (Number(fields[13]) + Number(fields[14])) * 10;
    } catch { return NaN; }
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

registerBench({
    name: 'startup',
    description: 'CLI start-up: acelens --version against bare Node (and both through npx), medians of wall and CPU time',
    onlyWhenNamed: true,
    run(args) {
        const i = args.indexOf('--repeats');
        const repeats = i >= 0 ? Number(args[i + 1]) : 9;
        const cases: [string, string, string[]][] = [
            ['bare Node (node -e 0)', 'node', ['-e', '0']],
            ['acelens binary (node bin/acelens.mjs --version)', 'node', ['bin/acelens.mjs', '--version']],
            ['npx node -e 0 (npx start-up)', 'npx', ['--no-install', 'node', '-e', '0']],
            ['npx acelens --version', 'npx', ['--no-install', 'acelens', '--version']],
        ];
        const wall: number[][] = cases.map(() => []), cpu: number[][] = cases.map(() => []);
        for (const [, cmd, a] of cases) runOnce(cmd, a); // warm the file cache
        for (let r = 0; r < repeats; r++) {
            cases.forEach(([, cmd, a], k) => {
                const t = runOnce(cmd, a);
                wall[k].push(t.wall);
                cpu[k].push(t.cpu);
            });
        }
        const w = wall.map(median), c = cpu.map(median);
        console.log(`CLI start-up, median of ${repeats} interleaved runs (wall ms / CPU ms of the child processes):`);
        cases.forEach(([name], k) => console.log(`  ${name.padEnd(50)} ${w[k].toFixed(0).padStart(6)} ms wall  ${c[k].toFixed(0).padStart(5)} ms CPU`));
        console.log(`  acelens binary / bare Node: ${(w[1] / w[0]).toFixed(2)}× wall, ${(c[1] / c[0]).toFixed(2)}× CPU`);
        console.log(`  npx acelens / bare Node:    ${(w[3] / w[0]).toFixed(2)}× wall, ${(c[3] / c[0]).toFixed(2)}× CPU`);
        console.log(`  npx acelens / npx node:     ${(w[3] / w[2]).toFixed(2)}× wall, ${(c[3] / c[2]).toFixed(2)}× CPU`);
    },
});
