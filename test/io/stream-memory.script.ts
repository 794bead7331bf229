/**
 * Run by extxyz-stream.test.ts as `node --expose-gc --import tsx test/io/stream-memory.script.ts FILE`:
 * streams FILE frame by frame (keeping nothing) and prints JSON {frames, energySum, peakRetainedBytes, seconds},
 * where peakRetainedBytes is the largest heap growth after a full GC, sampled every 10 frames.
 */
import { iterateExtXyzFile } from '../../src/io/extxyz-node';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
gc();
const before = process.memoryUsage().heapUsed;
let peak = 0, frames = 0, energySum = 0;
const t0 = performance.now();
for await (const f of iterateExtXyzFile(process.argv[2])) {
    frames++;
    energySum += f.energy ?? 0;
    if (frames % 10 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
}
console.log(JSON.stringify({ frames, energySum, peakRetainedBytes: peak, seconds: (performance.now() - t0) / 1000 }));
