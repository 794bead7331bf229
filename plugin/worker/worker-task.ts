/**
 * Long work (a fit, the study, a bond scan, a dataset's predictions) as a Mol* `Task` run by `plugin.runTask`:
 * Mol*'s background-task list shows its progress and its Abort button, and the panel's own Cancel does the same.
 *
 * Mol*'s abort is cooperative: a request reaches a task only when it reports progress (`ctx.update`), and
 * the work here happens in a web worker while the task's function merely waits. So the task reports a
 * heartbeat every `HeartbeatMs` (the latest progress, again), and also at once when Mol*'s task manager is
 * asked to abort it (`requestAbort`, what Mol*'s Abort button calls), which delivers the abort through Mol*'s
 * own path without waiting for the next beat; an abort, from Mol* or from `cancel()`, aborts the job's
 * `AbortSignal`, which terminates its worker (`runWorkerJob`'s `signal`) at once, and the task ends with
 * `JobCancelled`. Everything the job would have
 * produced goes through its result: a caller that adds models only after the result arrives never adds,
 * duplicates or changes one on a cancelled or failed job.
 */
import { Task, type RuntimeContext } from 'molstar/lib/mol-task';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { TaskManager } from 'molstar/lib/mol-plugin/util/task-manager';

/** How often a running job reports to Mol* (and so how soon Mol*'s Abort takes effect), ms. */
export const HeartbeatMs = 100;

export class JobCancelled extends Error {
    constructor(readonly job: string, readonly by: 'user' | 'mol*' = 'user') {
        super(`${job} cancelled`);
        this.name = 'JobCancelled';
    }
}

export function isCancelled(e: unknown): e is JobCancelled {
    return e instanceof JobCancelled;
}

export interface JobProgress {
    message: string;
    /** done / total of the current stage (omitted: indeterminate) */
    current?: number;
    max?: number;
}

export interface JobContext {
    /** aborted when the job is cancelled (the panel's Cancel or Mol*'s Abort); pass it to `runWorkerJob` */
    signal: AbortSignal;
    /** the progress shown in Mol*'s task list (sent with the next heartbeat) */
    report(progress: JobProgress): void;
}

export interface TaskJob<T> {
    /** the job's result; rejects with JobCancelled when cancelled, with the job's error when it failed */
    result: Promise<T>;
    /** cancels the job (idempotent): its worker is terminated now, `result` rejects with JobCancelled */
    cancel(): void;
    /** Mol*'s id of the task (plugin.managers.task.requestAbort(taskId) aborts it as Mol*'s UI does) */
    taskId: number;
}

/** Throws JobCancelled if the job was cancelled (for the steps of a job that run on the main thread). */
export function throwIfCancelled(signal: AbortSignal) {
    if (signal.aborted) throw signal.reason instanceof JobCancelled ? signal.reason : new JobCancelled('job');
}

/** A User Timing mark (DevTools' performance panel; the e2e tests read when a cancel reached the job and when it ended). */
function mark(what: string) {
    try { globalThis.performance?.mark?.(what); } catch { /* no User Timing here */ }
}

const abortListeners = new WeakMap<TaskManager, Set<(taskId: number | 'all') => void>>();

/**
 * Calls `listener` whenever Mol*'s task manager is asked to abort a task (its Abort button, `requestAbort`,
 * `requestAbortAll`), after the request is recorded; returns the unsubscribe. (Mol*'s TaskManager has no event
 * for it: its two methods are wrapped once, keeping what they do.)
 */
function onAbortRequest(manager: TaskManager, listener: (taskId: number | 'all') => void): () => void {
    let listeners = abortListeners.get(manager);
    if (!listeners) {
        const set = listeners = new Set();
        abortListeners.set(manager, set);
        const requestAbort = manager.requestAbort.bind(manager), requestAbortAll = manager.requestAbortAll.bind(manager);
        manager.requestAbort = (taskIdOrProgress, reason) => {
            requestAbort(taskIdOrProgress, reason);
            const id = typeof taskIdOrProgress === 'number' ? taskIdOrProgress : taskIdOrProgress.root.progress.taskId;
            for (const l of [...set]) l(id);
        };
        manager.requestAbortAll = reason => {
            requestAbortAll(reason);
            for (const l of [...set]) l('all');
        };
    }
    listeners.add(listener);
    return () => { listeners.delete(listener); };
}

/**
 * Runs `work` as a Mol* task named `name`. `work` starts its worker(s) with `ctx.signal` and resolves with the
 * result; it may also do main-thread steps before, checking `throwIfCancelled(ctx.signal)` after each await.
 */
export function runJobAsTask<T>(plugin: PluginContext, name: string, work: (ctx: JobContext) => Promise<T>): TaskJob<T> {
    const controller = new AbortController();
    const cancelledBy = (by: 'user' | 'mol*') => {
        if (controller.signal.aborted) return;
        mark(`acelens job cancelled: ${name}`);
        controller.abort(new JobCancelled(name, by));
    };
    let latest: Partial<RuntimeContext.ProgressUpdate> = { message: name, isIndeterminate: true, canAbort: true };
    const task = Task.create(name, async ctx => {
        const aborted = new Promise<never>((_, reject) => {
            const onAbort = () => reject(controller.signal.reason);
            if (controller.signal.aborted) onAbort();
            else controller.signal.addEventListener('abort', onAbort, { once: true });
        });
        aborted.catch(() => {}); // observed by the race below; never an unhandled rejection
        const beat = () => {
            try {
                // delivers a pending Mol* abort request: update() throws Task.Aborted then
                const r = ctx.update(latest);
                if (r) r.catch(e => { if (Task.isAbort(e)) cancelledBy('mol*'); });
            } catch (e) {
                if (Task.isAbort(e)) cancelledBy('mol*');
            }
        };
        beat();
        const timer = setInterval(beat, HeartbeatMs);
        // Mol*'s Abort: delivered now (a beat reports, Mol* sees its request and throws Task.Aborted)
        const manager = plugin.managers?.task;
        const stopListening = manager ? onAbortRequest(manager, id => { if (id === task.id || id === 'all') beat(); }) : () => {};
        try {
            return await Promise.race([work({
                signal: controller.signal,
                report: p => {
                    latest = { message: p.message, canAbort: true, ...(p.max ? { current: p.current ?? 0, max: p.max, isIndeterminate: false } : { isIndeterminate: true }) };
                },
            }), aborted]);
        } finally {
            clearInterval(timer);
            stopListening();
        }
    }, () => cancelledBy('mol*'));
    const result = plugin.runTask(task, { useOverlay: false }).catch(e => {
        mark(`acelens job ended: ${name}`);
        if (Task.isAbort(e)) throw new JobCancelled(name, 'mol*');
        if (controller.signal.aborted) throw controller.signal.reason; // a cancelled job's late error is its cancellation
        throw e;
    });
    return { result, cancel: () => cancelledBy('user'), taskId: task.id };
}
