/**
 * Dataset-wide predictions (issue 18 item 5): `AcelensStore.predictAll` runs one Mol* task (Mol*'s own
 * TaskManager, as `plugin.runTask` does) whose work is a prediction worker. Node has no web workers: a stand-in
 * Worker runs the real predictions (engineOf + rawPrediction, as plugin/worker/predict-worker.ts does), one
 * structure per batch on a timer, and records whether it was terminated. Checked: a finished job fills the cache
 * with what predictFrame gives; Cancel and Mol*'s Abort terminate the worker at once and leave nothing cached;
 * the next request starts cleanly; callers join a running job and a caller's abort stops it only when it was the
 * last waiting; a job for another model replaces the running one; the dataset-scope property's wait aborts the
 * job with Mol*'s task abort.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { TaskManager } from 'molstar/lib/mol-plugin/util/task-manager';
import { Task, type RuntimeContext } from 'molstar/lib/mol-task';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { parseExtXyz } from '../../src/io/extxyz';
import { fitModel } from '../../src/fit/fit';
import { defaultSpec } from '../../src/ace/spec';
import { predictFrame, rawPrediction } from '../../src/analysis/predictions';
import { engineOf } from '../../plugin/model-source';
import { AcelensStore, type StoredModel } from '../../plugin/store';
import { isCancelled, JobCancelled } from '../../plugin/worker/worker-task';
import { datasetPredictions } from '../../plugin/props/predictions';
import type { PredictRequest } from '../../plugin/worker/predict-protocol';

const frames = parseExtXyz(readFileSync('assets/carbon-diverse.xyz', 'utf8'), { fileName: 'carbon-diverse.xyz' });

/** A stand-in for plugin/worker/predict-worker.ts: the same predictions, one structure every `stepMs`. */
class StandInWorker {
    static started: StandInWorker[] = [];
    static stepMs = 5;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onerror: ((e: { message: string }) => void) | null = null;
    terminated = false;
    sent = 0;
    private timer?: ReturnType<typeof setTimeout>;
    constructor(readonly url: URL, readonly options: { name?: string }) { StandInWorker.started.push(this); }
    postMessage(request: PredictRequest) {
        const model = engineOf(request.job.model);
        const todo = request.job.frames;
        const step = () => {
            if (this.terminated) return;
            this.onmessage?.({ data: { type: 'predictions', first: this.sent, items: [rawPrediction(model, todo[this.sent])] } });
            this.sent++;
            if (this.sent < todo.length) this.timer = setTimeout(step, StandInWorker.stepMs);
            else this.onmessage?.({ data: { type: 'done' } });
        };
        this.timer = setTimeout(step, StandInWorker.stepMs);
    }
    terminate() { this.terminated = true; clearTimeout(this.timer); }
}

function fakePlugin() {
    const manager = new TaskManager();
    const tasks: string[] = [];
    manager.events.progress.subscribe(e => tasks.push(`${e.progress.root.progress.taskName}: ${e.progress.root.progress.message}`));
    const plugin = { runTask: (task: any, params?: any) => manager.run(task, params), managers: { task: manager } } as unknown as PluginContext;
    return { plugin, manager, tasks };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const cachedCount = (store: AcelensStore, model: StoredModel, fs: readonly typeof frames[number][]) => fs.filter(f => store.cachedPrediction(model, f)).length;
/** Resolves once the running job has predicted at least `n` structures. */
async function untilDone(store: AcelensStore, n: number) {
    while ((store.predictionJob?.done ?? 0) < n) await sleep(2);
}

describe('dataset-wide predictions as a Mol* task', () => {
    const saved = (globalThis as any).Worker;
    let file: Awaited<ReturnType<typeof fitModel>>['model'];
    const data = frames.slice(0, 30);

    beforeAll(async () => {
        (globalThis as any).Worker = StandInWorker;
        file = (await fitModel(frames.slice(0, 20), { spec: { ...defaultSpec(2), maxDegree: [6] }, lambda: 1e-6, seed: 1 })).model;
    });
    afterAll(() => { (globalThis as any).Worker = saved; });

    function setup() {
        const { plugin, manager, tasks } = fakePlugin();
        const store = new AcelensStore(null, plugin);
        const model = store.addModel(file, 'K=2 test');
        StandInWorker.started = [];
        return { store, model, manager, tasks };
    }

    it('a finished job caches every structure (what predictFrame gives) in one step, shows its progress in Mol*\'s task events, and ends its worker', async () => {
        const { store, model, tasks } = setup();
        const progress: number[] = [];
        const arrived = store.predictionsArrived.value;
        const job = store.predictAll(model, data, { onProgress: done => progress.push(done) });
        await untilDone(store, 10);
        expect(cachedCount(store, model, data), 'nothing cached before the job is complete').toBe(0);
        await job;
        expect(cachedCount(store, model, data)).toBe(data.length);
        expect(store.predictionsArrived.value).toBe(arrived + 1);
        expect(store.predictionJob).toBeNull();
        expect(StandInWorker.started.length).toBe(1);
        expect(StandInWorker.started[0].terminated).toBe(true);
        expect(StandInWorker.started[0].options.name).toBe('acelens-predict');
        expect(progress[0]).toBe(0);
        expect(progress[progress.length - 1]).toBe(data.length);
        expect(tasks.some(t => /^acelens: predict 30 structures with K=2 test: predicting \d+\/30 structures in a worker$/.test(t))).toBe(true);
        const k = 7;
        const expected = predictFrame(store.engine(model), data[k]);
        const got = store.cachedPrediction(model, data[k])!;
        expect(Array.from(got.forces)).toEqual(Array.from(expected.forces));
        expect(got.energy).toBe(expected.energy);
        // all cached: no new job, no worker
        await store.predictAll(model, data);
        expect(StandInWorker.started.length).toBe(1);
    });

    it('Cancel terminates the worker at once, caches nothing of the job, and the next request starts cleanly', async () => {
        const { store, model } = setup();
        const job = store.predictAll(model, data);
        await untilDone(store, 10);
        const worker = StandInWorker.started[0];
        store.cancelPredictions();
        expect(worker.terminated, 'terminated in the same turn as the cancel').toBe(true);
        const error = await job.catch(e => e);
        expect(isCancelled(error)).toBe(true);
        expect((error as JobCancelled).by).toBe('user');
        const sentAtCancel = worker.sent;
        await sleep(50);
        expect(worker.sent).toBe(sentAtCancel);
        expect(cachedCount(store, model, data)).toBe(0);
        expect(store.predictionJob).toBeNull();
        // the next request: a new worker for every structure not cached (one frame predicted alone meanwhile, as the
        // colouring of the shown frame does), completing; its progress counts over the whole dataset
        store.predict(model, data[0]);
        const progress: [number, number][] = [];
        await store.predictAll(model, data, { onProgress: (done, total) => progress.push([done, total]) });
        expect(progress[0]).toEqual([1, data.length]);
        expect(progress[progress.length - 1]).toEqual([data.length, data.length]);
        expect(StandInWorker.started.length).toBe(2);
        expect(StandInWorker.started[1].sent).toBe(data.length - 1);
        expect(cachedCount(store, model, data)).toBe(data.length);
    });

    it('Mol*\'s Abort (its task list) terminates the worker within a heartbeat and caches nothing', async () => {
        const { store, model, manager } = setup();
        const job = store.predictAll(model, data);
        await untilDone(store, 5);
        const worker = StandInWorker.started[0];
        const requested = performance.now();
        manager.requestAbort(store.predictionJob!.taskId, 'User Request');
        const error = await job.catch(e => e);
        const ms = performance.now() - requested;
        expect(isCancelled(error)).toBe(true);
        expect((error as JobCancelled).by).toBe('mol*');
        expect(worker.terminated).toBe(true);
        expect(cachedCount(store, model, data)).toBe(0);
        console.log(`Mol* abort of a dataset prediction → job ended after ${ms.toFixed(0)} ms (heartbeat 100 ms; loaded machine)`);
    });

    it('callers join a running job: one caller\'s abort stops only its wait while another waits, and stops the job when it was the last', async () => {
        const { store, model } = setup();
        StandInWorker.stepMs = 10;
        try {
            const a = new AbortController();
            const first = store.predictAll(model, data, { signal: a.signal });
            const second = store.predictAll(model, data);
            await untilDone(store, 3);
            a.abort(new JobCancelled('predictions'));
            expect(isCancelled(await first.catch(e => e))).toBe(true);
            await second; // the job went on for the other caller
            expect(StandInWorker.started.length).toBe(1);
            expect(cachedCount(store, model, data)).toBe(data.length);

            // alone: the caller's abort terminates the worker
            const other = frames.slice(30, 50);
            const b = new AbortController();
            const only = store.predictAll(model, other, { signal: b.signal });
            await untilDone(store, 3);
            b.abort(new JobCancelled('predictions'));
            expect(isCancelled(await only.catch(e => e))).toBe(true);
            expect(StandInWorker.started[1].terminated).toBe(true);
            expect(store.predictionJob).toBeNull();
            expect(cachedCount(store, model, other)).toBe(0);
        } finally {
            StandInWorker.stepMs = 5;
        }
    });

    it('a job for another model replaces the running one (its worker terminated, nothing of it cached)', async () => {
        const { store, model } = setup();
        const second = store.addModel(file, 'K=2 copy');
        const job = store.predictAll(model, data);
        await untilDone(store, 3);
        const replaced = store.predictAll(second, data);
        expect(StandInWorker.started[0].terminated).toBe(true);
        expect(isCancelled(await job.catch(e => e))).toBe(true);
        await replaced;
        expect(cachedCount(store, model, data)).toBe(0);
        expect(cachedCount(store, second, data)).toBe(data.length);
    });

    it('the dataset-scope property\'s wait: Mol*\'s abort of its task cancels the job (worker terminated) and is rethrown; a job cancelled elsewhere leaves the property without the dataset\'s predictions', async () => {
        const { store, model } = setup();
        let abort = false, updates = 0;
        const runtime = {
            isSynchronous: false,
            get shouldUpdate() { return true; },
            update: () => { updates++; if (abort) throw Task.Aborted('User Request'); return Promise.resolve(); },
        } as unknown as RuntimeContext;
        const waiting = datasetPredictions(store, model, 'test', data, runtime);
        await untilDone(store, 3);
        abort = true;
        const error = await waiting.catch(e => e);
        expect(Task.isAbort(error)).toBe(true);
        expect(StandInWorker.started[0].terminated).toBe(true);
        expect(store.predictionJob).toBeNull();
        expect(updates).toBeGreaterThan(0);

        abort = false;
        const again = datasetPredictions(store, model, 'test', data, runtime);
        await untilDone(store, 3);
        store.cancelPredictions(); // the plot area's Cancel
        expect(await again).toBeUndefined();
        expect(cachedCount(store, model, data)).toBe(0);

        // and uncancelled, every frame's prediction
        const all = await datasetPredictions(store, model, 'test', data, runtime);
        expect(all?.length).toBe(data.length);
    });
});
