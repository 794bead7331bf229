/**
 * The acelens state of one Mol* plugin instance: the fitted models (persisted in the browser between visits),
 * the active model, and a cache of per-frame predictions so that switching model or frame recolours at once.
 *
 * Panels and colour themes read it through `acelensStore(plugin)`; it only calls src/.
 */
import { BehaviorSubject } from 'rxjs';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { Model, checkModel, serializeModel, type ModelFile } from '../src/model/model';
import type { Frame } from '../src/structure/frame';
import { predictFrame, type FramePrediction } from './predictions';

export interface StoredModel {
    id: string;
    /** e.g. "K=3 standard · carbon-diverse" */
    name: string;
    file: ModelFile;
}

const StorageKey = 'acelens.models.v1';

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
    /** bumps whenever predictions must be recomputed or recoloured */
    readonly revision = new BehaviorSubject(0);
    /** periodic images shown around the unit cell: ±n cells along the periodic directions (0 = the cell alone) */
    readonly periodicImages = new BehaviorSubject(0);

    private engines = new Map<string, Model>();
    private predictions = new WeakMap<Frame, Map<string, FramePrediction>>();

    constructor(private storage: Storage | null) {
        this.restore();
    }

    private restore() {
        if (!this.storage) return;
        const text = this.storage.getItem(StorageKey);
        if (!text) return;
        try {
            const saved = JSON.parse(text) as { models: { id: string; name: string; file: unknown }[]; active: string | null };
            const models: StoredModel[] = [];
            for (const m of saved.models ?? []) {
                try { models.push({ id: m.id, name: m.name, file: checkModel(m.file, m.name) }); } catch (e) { console.warn(`acelens: stored model "${m.name}" skipped: ${(e as Error).message}`); }
            }
            this.models.next(models);
            this.activeModelId.next(models.some(m => m.id === saved.active) ? saved.active : models[0]?.id ?? null);
        } catch (e) {
            console.warn(`acelens: stored models could not be read: ${(e as Error).message}`);
        }
    }

    private persist() {
        if (!this.storage) return;
        const payload = { models: this.models.value.map(m => ({ id: m.id, name: m.name, file: m.file })), active: this.activeModelId.value };
        try { this.storage.setItem(StorageKey, JSON.stringify(payload)); } catch (e) { console.warn(`acelens: models not saved in the browser: ${(e as Error).message}`); }
    }

    /** Adds a model (checked first: a bad file changes nothing) and makes it active. */
    addModel(file: ModelFile, name?: string): StoredModel {
        const checked = checkModel(file, name ?? 'model');
        const stored: StoredModel = { id: newId(), name: name ?? defaultModelName(checked), file: checked };
        this.engine(stored); // builds the basis: throws before anything is stored when the spec and coefficients disagree
        this.models.next([...this.models.value, stored]);
        this.activeModelId.next(stored.id);
        this.persist();
        this.revision.next(this.revision.value + 1);
        return stored;
    }

    removeModel(id: string) {
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

    /** The engine model (basis built once per stored model). */
    engine(model: StoredModel): Model {
        let e = this.engines.get(model.id);
        if (!e) { e = new Model(model.file, model.name); this.engines.set(model.id, e); }
        return e;
    }

    /** Per-atom energies, forces and errors against DFT of one frame, computed once per model and frame. */
    predict(model: StoredModel, frame: Frame): FramePrediction {
        let perFrame = this.predictions.get(frame);
        if (!perFrame) { perFrame = new Map(); this.predictions.set(frame, perFrame); }
        let p = perFrame.get(model.id);
        if (!p) { p = predictFrame(this.engine(model), frame); perFrame.set(model.id, p); }
        return p;
    }

    /** The model file as the CLI writes it. */
    modelJson(model: StoredModel): string {
        return serializeModel(model.file);
    }
}

const stores = new WeakMap<PluginContext, AcelensStore>();

export function acelensStore(plugin: PluginContext): AcelensStore {
    let s = stores.get(plugin);
    if (!s) {
        s = new AcelensStore(typeof localStorage !== 'undefined' ? localStorage : null);
        stores.set(plugin, s);
    }
    return s;
}
