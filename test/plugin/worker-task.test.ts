/**
 * A worker job as a Mol* task (plugin/worker/worker-task.ts), driven by Mol*'s own TaskManager (what
 * `plugin.runTask` uses): progress reaches Mol*'s observers, Mol*'s abort request and the job's own cancel both
 * abort the job's signal (which terminates its worker) and end the task with JobCancelled, also while the job
 * is waiting on work that never reports; a failure is passed through; a finished job's result is returned.
 */
import { describe, expect, it } from 'vitest';
import { TaskManager } from 'molstar/lib/mol-plugin/util/task-manager';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { HeartbeatMs, isCancelled, JobCancelled, runJobAsTask } from '../../plugin/worker/worker-task';

function fakePlugin() {
    const manager = new TaskManager();
    const messages: string[] = [];
    manager.events.progress.subscribe(e => messages.push(e.progress.root.progress.message));
    const plugin = { runTask: (task: any, params?: any) => manager.run(task, params), managers: { task: manager } } as unknown as PluginContext;
    return { plugin, manager, messages };
}

/** A job whose work (a stand-in for a worker) never reports and never ends unless its signal aborts. */
function silentWork(log: { abortedAt?: number }) {
    return ({ signal }: { signal: AbortSignal }) => new Promise<string>((_, reject) => {
        signal.addEventListener('abort', () => { log.abortedAt = performance.now(); reject(signal.reason); }, { once: true });
    });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('worker jobs as Mol* tasks', () => {
    it('returns the result and shows the progress in Mol*\'s task events', async () => {
        const { plugin, messages } = fakePlugin();
        const job = runJobAsTask(plugin, 'test job', async ctx => {
            ctx.report({ message: 'stage one', current: 1, max: 2 });
            await sleep(3 * HeartbeatMs);
            return 42;
        });
        await expect(job.result).resolves.toBe(42);
        expect(messages).toContain('stage one');
    });

    it('Mol*\'s abort request (its task list\'s Abort button) aborts the signal within a heartbeat and ends the task with JobCancelled', async () => {
        const { plugin, manager } = fakePlugin();
        const log: { abortedAt?: number } = {};
        const job = runJobAsTask(plugin, 'silent job', silentWork(log));
        await sleep(2 * HeartbeatMs);
        const requested = performance.now();
        manager.requestAbort(job.taskId, 'User Request');
        const error = await job.result.catch(e => e);
        expect(isCancelled(error)).toBe(true);
        expect((error as JobCancelled).by).toBe('mol*');
        expect(log.abortedAt).toBeDefined();
        // within two heartbeats on a loaded machine (printed, not a pass/fail timing)
        console.log(`Mol* abort → signal aborted after ${(log.abortedAt! - requested).toFixed(0)} ms (heartbeat ${HeartbeatMs} ms)`);
    });

    it('Mol*\'s abort request reaches the job at once (not at the next heartbeat): the signal is aborted before requestAbort returns', async () => {
        const { plugin, manager } = fakePlugin();
        const log: { abortedAt?: number } = {};
        const other = runJobAsTask(plugin, 'other job', silentWork({}));
        const job = runJobAsTask(plugin, 'silent job', silentWork(log));
        await sleep(HeartbeatMs / 2);
        manager.requestAbort(job.taskId, 'User Request');
        expect(log.abortedAt, 'aborted synchronously within the request').toBeDefined();
        expect((await job.result.catch(e => e) as JobCancelled).by).toBe('mol*');
        // another job's abort request leaves this one alone
        await sleep(2 * HeartbeatMs);
        let otherDone = false;
        other.result.catch(() => { otherDone = true; });
        await sleep(10);
        expect(otherDone).toBe(false);
        other.cancel();
        expect(isCancelled(await other.result.catch(e => e))).toBe(true);
    });

    it('cancel() aborts at once, also before the work has started its worker; later cancels are harmless', async () => {
        const { plugin } = fakePlugin();
        let started = false;
        const job = runJobAsTask(plugin, 'prepared job', async ctx => {
            await sleep(50); // main-thread preparation
            if (ctx.signal.aborted) throw ctx.signal.reason;
            started = true;
            return 1;
        });
        job.cancel();
        job.cancel();
        const error = await job.result.catch(e => e);
        expect(error).toBeInstanceOf(JobCancelled);
        expect((error as JobCancelled).by).toBe('user');
        await sleep(100);
        expect(started).toBe(false);
    });

    it('a failed job passes its error through (not as a cancellation)', async () => {
        const { plugin } = fakePlugin();
        const job = runJobAsTask(plugin, 'failing job', async () => { throw new Error('E0 auto: no isolated atom'); });
        const error = await job.result.catch(e => e);
        expect(isCancelled(error)).toBe(false);
        expect((error as Error).message).toBe('E0 auto: no isolated atom');
    });
});
