/**
 * Benchmark registry: each bench module registers itself on import; bench/run.ts imports the modules and
 * runs them in order. Add a benchmark by creating bench/<name>.ts that calls `registerBench` and adding one
 * `import './<name>';` line to bench/run.ts.
 */
export interface Bench {
  name: string;
  description: string;
  run: (args: string[]) => Promise<void> | void;
  /** run only when named on the command line (long benchmarks) */
  onlyWhenNamed?: boolean;
}

const benches: Bench[] = [];

export function registerBench(bench: Bench): void {
    benches.push(bench);
}

export function registeredBenches(): readonly Bench[] {
    return benches;
}

/**
 * Median time (ms) of `fn` over `repeats` runs after `warmup` runs. Returns the CPU time of this process
 * (user + system, from process.cpuUsage) as well as the wall time: on a shared, loaded machine the CPU time
 * is the better measure of the code itself (single-threaded code: CPU time ≈ wall time when idle).
 */
export function timeIt(fn: () => void, repeats = 3, warmup = 1): number {
    return timeItBoth(fn, repeats, warmup).cpu;
}

export function timeItBoth(fn: () => void, repeats = 3, warmup = 1): { cpu: number; wall: number } {
    for (let w = 0; w < warmup; w++) fn();
    const cpu: number[] = [], wall: number[] = [];
    for (let r = 0; r < repeats; r++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        fn();
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
    }
    const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
    return { cpu: med(cpu), wall: med(wall) };
}
