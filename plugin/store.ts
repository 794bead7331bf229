/**
 * The acelens state of one Mol* plugin instance: the fitted models (persisted in the browser between visits),
 * the active model, and a cache of per-frame predictions so that switching model or frame recolours at once
 * (one frame is predicted on the spot; a whole dataset in a web worker run as a Mol* task, `predictAll`).
 *
 * Panels and colour themes read it through `acelensStore(plugin)`; it only calls src/.
 */
import { BehaviorSubject } from 'rxjs';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { type Model, checkModel, serializeModel, type ModelFile } from '../src/model/model';
import { PaceModel } from '../src/pace/pace-model';
import { engineOf, type ModelSource, type PaceSource } from './model-source';
import type { Frame } from '../src/structure/frame';
import { predictFrame, withErrors, type FramePrediction } from '../src/analysis/predictions';
import type { PredictReply, PredictRequest } from './worker/predict-protocol';
import { runWorkerJob } from './worker/worker-job';
import { JobCancelled, runJobAsTask, throwIfCancelled, type TaskJob } from './worker/worker-task';

/** A stored model: an acelens model file, or a PACE potential (.yace) evaluated by src/pace. */
export type StoredModel = {
    id: string;
    /** e.g. "K=3 standard · carbon-diverse" */
    name: string;
} & ({ file: ModelFile; pace?: undefined } | { pace: PaceSource; file?: undefined });

export function modelSource(m: StoredModel): ModelSource {
    return m.pace ? { pace: m.pace } : { file: m.file! };
}


const StorageKey = 'acelens.models.v1';

/**
 * A model stored in the browser that no longer passes the checks (docs/model.schema.json, the basis, a PACE
 * file's parser) when the page loads: it is not used, the reason (naming the model and the failing field) is
 * shown, and it stays stored as it was until the user removes it (`removeRejected`) — nothing is dropped silently.
 */
export interface RejectedModel {
    id: string;
    name: string;
    /** why it was refused: the model's name, the JSON path and what the schema expects */
    reason: string;
    /** the stored entry, kept verbatim (written back as it was), or undefined when the whole storage was unreadable */
    stored?: unknown;
}

function newId() {
    return `m${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export function defaultModelName(file: ModelFile, dataName?: string) {
    const variant = file.spec.variant === 'purified' ? 'self-interaction-free' : 'standard';
    return `K=${file.spec.order} ${variant}${dataName ? ` · ${dataName}` : ''}`;
}

export class AcelensStore {
    readonly models = new BehaviorSubject<StoredModel[]>([]);
    readonly activeModelId = new BehaviorSubject<string | null>(null);
    /** stored models refused when the page loaded (shown with their reason until removed) */
    readonly rejected = new BehaviorSubject<RejectedModel[]>([]);
    /** bumps whenever predictions must be recomputed or recoloured */
    readonly revision = new BehaviorSubject(0);
    /** periodic images shown around the unit cell: ±n cells along the periodic directions (0 = the cell alone) */
    readonly periodicImages = new BehaviorSubject(0);
    /** bumps when a batch of predictions computed in the worker has arrived (tables can fill in) */
    readonly predictionsArrived = new BehaviorSubject(0);
    /** the dataset-wide prediction job running in a worker, if any */
    private job: DatasetPredictionJob | null = null;

    private engines = new Map<string, Model | PaceModel>();
    private predictions = new WeakMap<Frame, Map<string, FramePrediction>>();

    /** `plugin`: where dataset-wide predictions run as Mol* tasks (without one, `predictAll` only serves the cache) */
    constructor(private storage: Storage | null, private plugin?: PluginContext) {
        this.restore();
    }

    private restore() {
        if (!this.storage) return;
        const text = this.storage.getItem(StorageKey);
        if (!text) return;
        let saved: { models?: unknown; active?: unknown };
        try {
            saved = JSON.parse(text);
            if (typeof saved !== 'object' || saved === null || (saved.models !== undefined && !Array.isArray(saved.models))) throw new Error('expected {"models": [...], "active": id}');
        } catch (e) {
            this.rejected.next([{ id: 'storage', name: `browser storage ${StorageKey}`, reason: `the stored models could not be read (${(e as Error).message}); remove them to start afresh` }]);
            return;
        }
        const models: StoredModel[] = [];
        const rejected: RejectedModel[] = [];
        for (const [k, entry] of ((saved.models ?? []) as unknown[]).entries()) {
            const m = (typeof entry === 'object' && entry !== null ? entry : {}) as { id?: unknown; name?: unknown; file?: unknown; pace?: PaceSource };
            const name = typeof m.name === 'string' && m.name ? m.name : `stored model ${k + 1}`;
            const id = typeof m.id === 'string' && m.id && !models.some(x => x.id === m.id) && !rejected.some(x => x.id === m.id) ? m.id : newId();
            try {
                if (m.pace) { PaceModel.parse(m.pace.text, m.pace.fileName); models.push({ id, name, pace: { text: m.pace.text, fileName: m.pace.fileName } }); } else models.push({ id, name, file: checkModel(m.file, name) });
            } catch (e) {
                const reason = (e as Error).message;
                rejected.push({ id, name, reason: reason.startsWith(name) ? reason : `${name}: ${reason}`, stored: entry });
                console.warn(`acelens: stored model "${name}" not loaded: ${reason}`);
            }
        }
        this.models.next(models);
        this.rejected.next(rejected);
        this.activeModelId.next(models.some(m => m.id === saved.active) ? saved.active as string : models[0]?.id ?? null);
    }

    /** Removes a stored model that was refused on load (or, for the unreadable storage, all that was stored). */
    removeRejected(id: string) {
        const left = this.rejected.value.filter(r => r.id !== id);
        if (left.length === this.rejected.value.length) return;
        this.rejected.next(left);
        if (id === 'storage') { try { this.storage?.removeItem(StorageKey); } catch { /* nothing stored */ } }
        this.persist();
    }

    private persist() {
        if (!this.storage) return;
        // an unreadable storage is left alone until the user removes it (a save would drop what it holds)
        if (this.rejected.value.some(r => r.id === 'storage')) return;
        const kept = this.models.value.map(m => m.pace ? { id: m.id, name: m.name, pace: m.pace } : { id: m.id, name: m.name, file: m.file });
        // refused models stay stored as they were until removed (a later acelens, or the user, may still want them)
        const payload = { models: [...kept, ...this.rejected.value.map(r => r.stored)], active: this.activeModelId.value };
        try { this.storage.setItem(StorageKey, JSON.stringify(payload)); } catch (e) { console.warn(`acelens: models not saved in the browser: ${(e as Error).message}`); }
    }

    /** Adds a model (checked first: a bad file changes nothing) and makes it active. */
    addModel(file: ModelFile, name?: string): StoredModel {
        const checked = checkModel(file, name ?? 'model');
        const stored: StoredModel = { id: newId(), name: name ?? defaultModelName(checked), file: checked };
        this.engine(stored); // builds the basis: throws before anything is stored when the spec and coefficients disagree
        return this.keep(stored);
    }

    /**
     * Adds a PACE potential (.yace text) and makes it active. The file is parsed first: a malformed one throws
     * (a one-line message naming the field) and the models stay as they were.
     */
    addPace(text: string, fileName: string, name?: string): StoredModel {
        const engine = PaceModel.parse(text, fileName);
        const stored: StoredModel = { id: newId(), name: name ?? fileName.replace(/\.(yace|yaml)$/i, ''), pace: { text, fileName } };
        this.engines.set(stored.id, engine);
        return this.keep(stored);
    }

    private keep(stored: StoredModel): StoredModel {
        this.models.next([...this.models.value, stored]);
        this.activeModelId.next(stored.id);
        this.persist();
        this.revision.next(this.revision.value + 1);
        return stored;
    }

    removeModel(id: string) {
        if (this.job?.modelId === id) this.cancelPredictions();
        this.models.next(this.models.value.filter(m => m.id !== id));
        this.engines.delete(id);
        if (this.activeModelId.value === id) this.activeModelId.next(this.models.value[0]?.id ?? null);
        this.persist();
        this.revision.next(this.revision.value + 1);
    }

    setActive(id: string | null) {
        if (id !== null && !this.models.value.some(m => m.id === id)) return;
        this.activeModelId.next(id);
        this.persist();
        this.revision.next(this.revision.value + 1);
    }

    get activeModel(): StoredModel | undefined {
        return this.models.value.find(m => m.id === this.activeModelId.value);
    }

    getModel(id: string | null | undefined): StoredModel | undefined {
        return id ? this.models.value.find(m => m.id === id) : undefined;
    }

    /** The engine model (basis built, or the PACE potential parsed, once per stored model). */
    engine(model: StoredModel): Model | PaceModel {
        let e = this.engines.get(model.id);
        if (!e) { e = engineOf(modelSource(model), model.name); this.engines.set(model.id, e); }
        return e;
    }

    /** Why the active model's energy has no body-order split (a PACE potential with a non-linear embedding), or null. */
    bodyOrderNote(model: StoredModel): string | null {
        const e = this.engine(model);
        return e instanceof PaceModel ? e.bodyOrderNote : null;
    }

    /** Per-atom energies, forces and errors against DFT of one frame, computed once per model and frame. */
    predict(model: StoredModel, frame: Frame): FramePrediction {
        let perFrame = this.predictions.get(frame);
        if (!perFrame) { perFrame = new Map(); this.predictions.set(frame, perFrame); }
        let p = perFrame.get(model.id);
        if (!p) { p = predictFrame(this.engine(model), frame); perFrame.set(model.id, p); }
        return p;
    }

    /** Keeps a prediction computed elsewhere (the prediction property's worker) in the cache. */
    rememberPrediction(model: StoredModel, frame: Frame, p: FramePrediction) {
        let perFrame = this.predictions.get(frame);
        if (!perFrame) { perFrame = new Map(); this.predictions.set(frame, perFrame); }
        if (!perFrame.has(model.id)) perFrame.set(model.id, p);
    }

    /** The cached prediction of a frame, or undefined when it has not been computed yet (never computes). */
    cachedPrediction(model: StoredModel, frame: Frame): FramePrediction | undefined {
        return this.predictions.get(frame)?.get(model.id);
    }

    /**
     * Computes the predictions of `model` for every frame not cached yet: one Mol* task (`plugin.runTask`, with
     * its progress and Abort in Mol*'s task list) whose work runs in a web worker, so the main thread stays free.
     * `onProgress(done, total)` after every batch the worker sends.
     *
     * The cache takes the job's predictions only when every frame has arrived: a cancelled or failed job leaves
     * the cache as it was (nothing half-cached), and the next request starts from scratch with a new worker.
     *
     * A call for the same model and frames joins the running job; a call for another model or dataset cancels
     * it first. Rejects with `JobCancelled` when the job is cancelled (`cancelPredictions`, the plot area's
     * Cancel, Mol*'s Abort, or a later job replacing it), or when `signal` aborts; a caller's `signal` stops the
     * job itself only when no other caller is waiting for it (the worker is then terminated at once).
     */
    predictAll(model: StoredModel, frames: readonly Frame[], options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<void> {
        if (frames.every(f => this.cachedPrediction(model, f))) return Promise.resolve();
        let job = this.job;
        if (!job || job.modelId !== model.id || job.frames !== frames) {
            this.cancelPredictions();
            job = this.startPredictions(model, frames);
        }
        return this.joinPredictions(job, options);
    }

    /** The running dataset-wide prediction job (model, frames, progress, Mol*'s task id), if any. */
    get predictionJob(): Readonly<Pick<DatasetPredictionJob, 'modelId' | 'frames' | 'done' | 'total' | 'taskId'>> | null {
        return this.job;
    }

    private startPredictions(model: StoredModel, frames: readonly Frame[]): DatasetPredictionJob {
        const plugin = this.plugin;
        if (!plugin) throw new Error('acelens: predictions of a whole dataset need a Mol* plugin (they run as a Mol* task in a web worker)');
        const todo = frames.filter(f => !this.cachedPrediction(model, f));
        const name = `acelens: predict ${frames.length.toLocaleString('en')} structures with ${model.name}`;
        const listeners = new Set<(done: number, total: number) => void>();
        // progress over the whole dataset (structures already cached count as done)
        const cached = frames.length - todo.length;
        const job = { modelId: model.id, frames, done: cached, total: frames.length, waiters: 0, listeners } as DatasetPredictionJob;
        const report = (arrived: number, ctx: { report: (p: { message: string; current: number; max: number }) => void }) => {
            const done = job.done = cached + arrived;
            ctx.report({ message: `predicting ${done.toLocaleString('en')}/${frames.length.toLocaleString('en')} structures in a worker`, current: done, max: frames.length });
            for (const l of listeners) l(done, frames.length);
        };
        const task: TaskJob<void> = runJobAsTask(plugin, name, async ctx => {
            report(0, ctx);
            // the job's own results, moved into the cache only when all have arrived
            const staged: FramePrediction[] = new Array(todo.length);
            const worker = new Worker(new URL('./worker/predict-worker.ts', import.meta.url), { type: 'module', name: 'acelens-predict' });
            const handle = runWorkerJob<PredictReply>(worker, { type: 'predict', job: { model: modelSource(model), frames: todo } } satisfies PredictRequest, m => {
                if (m.type !== 'predictions') return;
                m.items.forEach((raw, k) => { staged[m.first + k] = withErrors(raw, todo[m.first + k]); });
                report(m.first + m.items.length, ctx);
            }, () => new JobCancelled(name), ctx.signal);
            await handle.done;
            throwIfCancelled(ctx.signal);
            for (let k = 0; k < todo.length; k++) if (!staged[k]) throw new Error(`${name}: the worker sent no prediction for structure ${frames.indexOf(todo[k])}`);
            todo.forEach((frame, k) => {
                let perFrame = this.predictions.get(frame);
                if (!perFrame) { perFrame = new Map(); this.predictions.set(frame, perFrame); }
                perFrame.set(model.id, staged[k]);
            });
            this.predictionsArrived.next(this.predictionsArrived.value + 1);
        });
        job.result = task.result;
        job.cancel = task.cancel;
        job.taskId = task.taskId;
        this.job = job;
        task.result.finally(() => { if (this.job === job) this.job = null; }).catch(() => {});
        return job;
    }

    private joinPredictions(job: DatasetPredictionJob, { onProgress, signal }: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal }): Promise<void> {
        return new Promise<void>((resolve, reject) => {
            if (signal?.aborted) { reject(signal.reason instanceof Error ? signal.reason : new JobCancelled('predictions')); return; }
            job.waiters++;
            if (onProgress) { job.listeners.add(onProgress); onProgress(job.done, job.total); }
            const leave = () => {
                if (onProgress) job.listeners.delete(onProgress);
                signal?.removeEventListener('abort', onAbort);
            };
            const onAbort = () => {
                leave();
                reject(signal!.reason instanceof Error ? signal!.reason : new JobCancelled('predictions'));
                // nobody else waits for it: the worker is terminated now
                if (--job.waiters === 0 && this.job === job) this.cancelPredictions();
            };
            signal?.addEventListener('abort', onAbort, { once: true });
            job.result.then(() => { leave(); resolve(); }, e => { leave(); reject(e); });
        });
    }

    /** Stops the dataset-wide prediction job, if one runs: its worker is terminated at once, nothing of it is cached. */
    cancelPredictions() {
        const job = this.job;
        this.job = null;
        job?.cancel();
    }

    /** Stops the running job unless it is for this model and these frames (the model or dataset shown changed). */
    cancelPredictionsUnless(modelId: string | undefined, frames: readonly Frame[] | undefined) {
        if (this.job && (this.job.modelId !== modelId || this.job.frames !== frames)) this.cancelPredictions();
    }

    /** The model file as the CLI writes it (a PACE potential: its .yace text as uploaded). */
    modelJson(model: StoredModel): string {
        return model.pace ? model.pace.text : serializeModel(model.file!);
    }
}

/** A dataset-wide prediction job (`AcelensStore.predictAll`): one Mol* task, one worker, its waiting callers. */
interface DatasetPredictionJob {
    modelId: string;
    frames: readonly Frame[];
    /** structures of the dataset predicted so far (those cached when the job started included), of `total` */
    done: number;
    total: number;
    /** Mol*'s id of the job's task */
    taskId: number;
    result: Promise<void>;
    cancel(): void;
    /** callers waiting for the result (a caller's abort stops the job when it was the last) */
    waiters: number;
    listeners: Set<(done: number, total: number) => void>;
}

const stores = new WeakMap<PluginContext, AcelensStore>();

export function acelensStore(plugin: PluginContext): AcelensStore {
    let s = stores.get(plugin);
    if (!s) {
        s = new AcelensStore(typeof localStorage !== 'undefined' ? localStorage : null, plugin);
        stores.set(plugin, s);
    }
    return s;
}
