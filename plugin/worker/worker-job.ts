/**
 * One job in one web worker: the request goes in, replies come out until 'done' or 'error'. `cancel()`
 * terminates the worker, so the work stops at once and no later reply reaches the caller.
 */
export interface WorkerJobHandle {
    done: Promise<void>;
    cancel(): void;
}

export type JobReply = { type: 'done' } | { type: 'error'; message: string } | { type: string };

/**
 * `onReply` gets every other reply; an exception thrown there ends the job with that error. An aborted `signal`
 * cancels the job as `cancel()` does (the worker is terminated, `done` rejects with the signal's reason).
 */
export function runWorkerJob<R extends JobReply>(worker: Worker, request: unknown, onReply: (reply: R) => void, cancelled: () => Error, signal?: AbortSignal): WorkerJobHandle {
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    let finished = false;
    const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
    const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        worker.terminate();
        if (error) settle.reject(error); else settle.resolve();
    };
    worker.onmessage = (event: MessageEvent<R>) => {
        if (finished) return;
        const m = event.data;
        if (m.type === 'done') return finish();
        if (m.type === 'error') return finish(new Error((m as { message: string }).message));
        try { onReply(m); } catch (e) { finish(e as Error); }
    };
    worker.onerror = e => finish(new Error(e.message || `the worker ${worker} failed`));
    if (signal) {
        const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : cancelled());
        if (signal.aborted) { onAbort(); return { done, cancel: () => {} }; }
        signal.addEventListener('abort', onAbort, { once: true });
        done.then(() => signal.removeEventListener('abort', onAbort), () => signal.removeEventListener('abort', onAbort));
    }
    worker.postMessage(request);
    return { done, cancel: () => finish(cancelled()) };
}
