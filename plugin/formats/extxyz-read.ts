/**
 * Reading an extended XYZ source in a web worker (plugin/worker/extxyz-worker.ts) from a Mol* task: the main
 * thread only receives finished frames (typed arrays transferred) and stays responsive; Mol*'s progress shows
 * how far the file is read, and aborting the task terminates the worker at once.
 */
import type { RuntimeContext } from 'molstar/lib/mol-task';
import type { Frame } from '../../src/structure/frame';
import { unpackFrames } from '../../src/structure/frame-transfer';
import type { ReadExtXyzReply, ReadExtXyzRequest } from '../worker/extxyz-protocol';

export interface ReadResult { frames: Frame[]; warnings: string[] }

/** How often (ms) the task checks for an abort and updates its progress while the worker reads. */
const PollMs = 100;

export async function readExtXyzInWorker(source: Blob | string, fileName: string, ctx: RuntimeContext): Promise<ReadResult> {
    const worker = new Worker(new URL('../worker/extxyz-worker.ts', import.meta.url), { type: 'module', name: 'acelens-read-extxyz' });
    const frames: Frame[] = [];
    let progress = { done: 0, total: typeof source === 'string' ? source.length : source.size };
    let outcome: { warnings: string[] } | { error: Error } | undefined;
    let wake: (() => void) | undefined;
    worker.onmessage = (event: MessageEvent<ReadExtXyzReply>) => {
        const m = event.data;
        if (m.type === 'frames') for (const f of unpackFrames(m.batch)) frames.push(f);
        if (m.type === 'frames' || m.type === 'progress') progress = m;
        else if (m.type === 'done') outcome = { warnings: m.warnings };
        else if (m.type === 'error') outcome = { error: new Error(m.message) };
        wake?.();
    };
    worker.onerror = e => { e.preventDefault(); outcome = { error: new Error(`${fileName}: the reading worker failed: ${e.message || 'unknown error'}`) }; wake?.(); };
    try {
        worker.postMessage({ type: 'read', source, fileName } satisfies ReadExtXyzRequest);
        while (!outcome) {
            await new Promise<void>(resolve => { wake = resolve; setTimeout(resolve, PollMs); });
            wake = undefined;
            // throws Mol*'s Aborted when the user cancelled the task: the finally below stops the worker
            await ctx.update({ message: `reading ${fileName}: ${frames.length.toLocaleString('en')} frames`, current: progress.done, max: progress.total, canAbort: true });
        }
    } finally {
        worker.terminate();
    }
    if ('error' in outcome) throw outcome.error;
    return { frames, warnings: outcome.warnings };
}
