/**
 * A model's predictions on a frame as a Mol* `CustomModelProperty` ('acelens-predictions'): per-atom energy E_i,
 * its split by body order, forces, the errors against the frame's DFT labels (plugin/props/frame-data.ts) and,
 * for a model fitted by Bayesian regression, the posterior σ of E_i and of |F_i|. Its parameters say which stored
 * model (chosen from the list of stored models) and whether the predictions of every frame of the dataset come
 * with it (for a colour range over all frames).
 *
 * Computed off the main thread: one frame in a kept-alive worker (./frame-worker.ts), a whole dataset by the
 * store's prediction job (a Mol* task in a worker, shared with the plot area, which needs them anyway; Mol*'s
 * abort of this property's task cancels it); what is already computed is
 * taken from the store's cache (a stored model never changes under its id, so the cache is a memo of a pure
 * function of (model id, frame)).
 *
 * The parameters live in Mol*'s state tree: the model properties node (`CustomModelProperties`) under each frame
 * model of an extended XYZ trajectory, created when the dataset is drawn; the colouring panel sets them
 * (`setPredictionParams`), and when the frame changes Mol* attaches the property to the new frame with the same
 * parameters. The colour themes read nothing else (plugin/themes/atom-quantity.ts).
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { Model } from 'molstar/lib/mol-model/structure';
import { CustomModelProperty } from 'molstar/lib/mol-model-props/common/custom-model-property';
import type { CustomProperty } from 'molstar/lib/mol-model-props/common/custom-property';
import { CustomPropertyDescriptor } from 'molstar/lib/mol-model/custom-property';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms';
import { Task, type RuntimeContext } from 'molstar/lib/mol-task';
import { HeartbeatMs, isCancelled, JobCancelled } from '../worker/worker-task';
import { withErrors, type FramePrediction } from '../../src/analysis/predictions';
import type { Frame } from '../../src/structure/frame';
import { acelensStore, modelSource, type AcelensStore, type StoredModel } from '../store';
import { getFrameData } from './frame-data';
import type { FrameReply, FrameRequest } from './frame-worker';

export const PredictionsPropertyName = 'acelens-predictions';

/** What the colour themes need to know about the model beside its numbers. */
export interface PredictionModelInfo {
    id: string;
    name: string;
    /** E0 (eV per atom) */
    e0: number;
    /** basis variant of an acelens model; undefined for a PACE potential */
    variant?: 'standard' | 'purified';
    /** why E_i has no body-order split (a PACE potential with a non-linear embedding), or null */
    bodyOrderNote: string | null;
    /** whether the model has a posterior (Bayesian fit): predictions carry σ */
    hasPosterior: boolean;
}

export interface ModelPredictions {
    model: PredictionModelInfo;
    /** the prediction of this frame */
    frame: FramePrediction;
    /** the predictions of every frame of the dataset, in order (scope 'dataset' only) */
    dataset?: readonly FramePrediction[];
}

export type PredictionScope = 'frame' | 'dataset';

/** The parameters of the property: which stored model (from the list of stored models), and the scope. */
export function predictionParams(models: readonly StoredModel[]) {
    return {
        model: PD.Select<string>('', [['', 'none'], ...models.map(m => [m.id, m.name] as [string, string])],
            { description: 'the stored model whose predictions are attached (fit or upload one in the acelens panels)' }),
        scope: PD.Select<PredictionScope>('frame', [['frame', 'This frame'], ['dataset', 'Every frame of the dataset']],
            { description: '"dataset" also attaches the predictions of all frames (for a colour range over the dataset); computed in a worker' }),
    };
}
export type PredictionParams = ReturnType<typeof predictionParams>;
export type PredictionProps = PD.Values<PredictionParams>;

function modelInfo(store: AcelensStore, m: StoredModel): PredictionModelInfo {
    const engine = store.engine(m);
    return {
        id: m.id, name: m.name, e0: engine.e0, variant: m.file?.spec.variant,
        bodyOrderNote: store.bodyOrderNote(m),
        hasPosterior: !!m.file?.uncertainty,
    };
}

/** One kept-alive worker per plugin for single frames (see ./frame-worker.ts). */
class FrameWorker {
    private worker?: Worker;
    private nextId = 1;
    private pending = new Map<number, { resolve: (p: FramePrediction) => void; reject: (e: Error) => void; frame: Frame }>();

    private start() {
        const worker = new Worker(new URL('./frame-worker.ts', import.meta.url), { type: 'module', name: 'acelens-frame-predictions' });
        worker.onmessage = (event: MessageEvent<FrameReply>) => {
            const r = event.data;
            const job = this.pending.get(r.id);
            if (!job) return;
            this.pending.delete(r.id);
            if ('error' in r) job.reject(new Error(r.error)); else job.resolve(withErrors(r.prediction, job.frame));
        };
        worker.onerror = e => this.fail(new Error(e.message || 'the prediction worker failed'));
        return worker;
    }

    /** Ends the worker: whatever is pending is rejected (the next request starts a new one). */
    fail(error: Error) {
        this.worker?.terminate();
        this.worker = undefined;
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
    }

    predict(m: StoredModel, frame: Frame): Promise<FramePrediction> {
        if (!this.worker) this.worker = this.start();
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject, frame });
            this.worker!.postMessage({ id, modelId: m.id, model: modelSource(m), frame } satisfies FrameRequest);
        });
    }
}

async function obtain(plugin: PluginContext, worker: FrameWorker, ctx: CustomProperty.Context, data: Model, props: PredictionProps): Promise<CustomProperty.Data<ModelPredictions | undefined>> {
    const store = acelensStore(plugin);
    const stored = store.getModel(props.model);
    const fd = getFrameData(data);
    if (!stored || !fd) return { value: undefined };
    const frames = fd.dataset.frames;
    const frame = frames[fd.index];
    let prediction = store.cachedPrediction(stored, frame);
    if (!prediction) {
        await ctx.runtime.update({ message: `acelens: predicting frame ${fd.index} with ${stored.name}`, isIndeterminate: true });
        prediction = await worker.predict(stored, frame);
        store.rememberPrediction(stored, frame, prediction);
    }
    let dataset: FramePrediction[] | undefined;
    if (props.scope === 'dataset') dataset = await datasetPredictions(store, stored, fd.dataset.name, frames, ctx.runtime);
    return { value: { model: modelInfo(store, stored), frame: prediction, dataset } };
}

/**
 * The predictions of every frame, from the store's dataset job (one Mol* task in a worker, shared with the plot
 * area). This property's own Mol* task shows the job's progress; when Mol* aborts it (its Abort, or the state
 * update being superseded) the job is cancelled too, unless the plot area also waits for it, and the abort is
 * rethrown. When the job is cancelled elsewhere (the plot area's Cancel, Mol*'s Abort of the job's task), the
 * property keeps this frame's prediction without the dataset's (the themes then range over this frame).
 */
export async function datasetPredictions(store: AcelensStore, stored: StoredModel, datasetName: string, frames: readonly Frame[], runtime: RuntimeContext): Promise<FramePrediction[] | undefined> {
    const controller = new AbortController();
    let progress = { done: 0, total: frames.length };
    let finished = false;
    const job = store.predictAll(stored, frames, { onProgress: (done, total) => { progress = { done, total }; }, signal: controller.signal });
    const ended = job.then(() => { finished = true; }, () => { finished = true; });
    try {
        while (!finished) {
            // delivers a Mol* abort of this property's task (update throws Task.Aborted)
            await runtime.update({ message: `acelens: predicting ${stored.name} on ${datasetName}`, current: progress.done, max: progress.total, isIndeterminate: false, canAbort: true });
            await Promise.race([ended, new Promise(r => setTimeout(r, HeartbeatMs))]);
        }
        await job;
    } catch (e) {
        if (Task.isAbort(e)) {
            controller.abort(new JobCancelled('predictions', 'mol*'));
            throw e;
        }
        if (isCancelled(e)) return undefined;
        throw e;
    }
    return frames.map(f => store.cachedPrediction(stored, f)!);
}

const providers = new WeakMap<PluginContext, CustomModelProperty.Provider<PredictionParams, ModelPredictions | undefined>>();
const workers = new WeakMap<PluginContext, FrameWorker>();

/** The prediction property of a plugin instance (its stored models are the choices of the `model` parameter). */
export function predictionsProvider(plugin: PluginContext): CustomModelProperty.Provider<PredictionParams, ModelPredictions | undefined> {
    let p = providers.get(plugin);
    if (p) return p;
    const worker = new FrameWorker();
    workers.set(plugin, worker);
    p = CustomModelProperty.createProvider<PredictionParams, ModelPredictions | undefined>({
        label: 'acelens predictions',
        descriptor: CustomPropertyDescriptor({ name: PredictionsPropertyName }),
        type: 'static',
        defaultParams: predictionParams([]),
        getParams: () => predictionParams(acelensStore(plugin).models.value),
        isApplicable: (data: Model) => !!getFrameData(data),
        obtain: (ctx, data, props) => obtain(plugin, worker, ctx, data, props),
    });
    providers.set(plugin, p);
    return p;
}

/** Ends the kept-alive frame worker of a plugin (unregistering acelens). */
export function disposePredictionWorker(plugin: PluginContext) {
    workers.get(plugin)?.fail(new Error('acelens unregistered'));
}

/** The predictions attached to a Mol* model, if they are of `modelId` (else undefined). */
export function attachedPredictions(provider: CustomModelProperty.Provider<PredictionParams, ModelPredictions | undefined>, model: Model, modelId: string): ModelPredictions | undefined {
    const v = provider.get(model).value;
    return v && v.model.id === modelId ? v : undefined;
}

/**
 * Sets the prediction parameters of every extended XYZ frame model in the state tree (its model properties node)
 * and waits until Mol* has attached them (a Mol* task: progress shown, abortable). Nodes that already have these
 * parameters are left alone.
 */
export async function setPredictionParams(plugin: PluginContext, props: PredictionProps) {
    const update = plugin.build();
    let changed = false;
    for (const m of plugin.managers.structure.hierarchy.current.models) {
        const node = m.properties;
        if (!node || !getFrameData(m.cell.obj?.data)) continue;
        const old = node.cell.transform.params!;
        const current = old.properties?.[PredictionsPropertyName] as PredictionProps | undefined;
        if (current && current.model === props.model && current.scope === props.scope && old.autoAttach.includes(PredictionsPropertyName)) continue;
        changed = true;
        update.to(node.cell.transform.ref).update(StateTransforms.Model.CustomModelProperties, p => ({
            autoAttach: p.autoAttach.includes(PredictionsPropertyName) ? p.autoAttach : [...p.autoAttach, PredictionsPropertyName],
            properties: { ...p.properties, [PredictionsPropertyName]: { model: props.model, scope: props.scope } },
        }));
    }
    if (changed) await update.commit();
}

/** The model-properties parameters a new extended XYZ frame model starts with (no model: nothing computed). */
export function initialModelProperties(props?: Partial<PredictionProps>) {
    return {
        autoAttach: [PredictionsPropertyName],
        properties: { [PredictionsPropertyName]: { model: props?.model ?? '', scope: props?.scope ?? 'frame' } },
    };
}
