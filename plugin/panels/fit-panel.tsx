/**
 * Fit panel: training data (one or several loaded datasets and embedded ones), body orders (several at once),
 * basis variant, r_cut, degree, solver (Bayesian regression, the CLI's default, or ridge with a given λ or λ
 * chosen on the validation split), weights, E0, validation fraction and an optional core repulsion (a Mol* PD param, off by default:
 * src/ace/core-repulsion.ts). The fit is a Mol* task (Mol*'s task list
 * shows its progress and Abort) run in a web worker, with staged progress (preparing, assembling, solving,
 * evaluating) and a Cancel that terminates the worker at any stage; models are added only when the whole job
 * succeeds, so a cancelled or failed fit leaves the previous models and the loaded data untouched.
 */
import * as React from 'react';
import { flushSync } from 'react-dom';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import { ParameterControls } from 'molstar/lib/mol-plugin-ui/controls/parameters';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { DEFAULT_CORE_REPULSION } from '../../src/ace/core-repulsion';
import type { ModelFile } from '../../src/model/model';
import { fetchAssetText } from '../assets';
import { currentDataset } from '../current-dataset';
import { AcelensManifest } from '../manifest';
import { getFrameData, type AcelensDataset } from '../props/frame-data';
import { acelensStore, defaultModelName } from '../store';
import { runFitInWorker } from '../worker/fit-client';
import { sha256Hex, type FitJob, type FitSource, type FitStage } from '../worker/fit-protocol';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { PluginStateObject as SO } from 'molstar/lib/mol-plugin-state/objects';
import { StateSelection } from 'molstar/lib/mol-state';
import { isCancelled, runJobAsTask, throwIfCancelled, type TaskJob } from '../worker/worker-task';
import { FIT_DEFAULTS, parseE0 } from '../../src/fit/defaults';

/** The core repulsion as a Mol* param: off (the default) or on with B (eV) and r_i (Å). */
export const CoreRepulsionParams = {
    coreRepulsion: PD.MappedStatic('off', {
        off: PD.EmptyGroup(),
        on: PD.Group({
            strength: PD.Numeric(DEFAULT_CORE_REPULSION.strength, { min: 10, max: 5000, step: 10 }, { label: 'B (eV)', description: 'strength of the wall' }),
            rInner: PD.Numeric(DEFAULT_CORE_REPULSION.rInner, { min: 0.3, max: 2, step: 0.05 }, { label: 'r_i (Å)', description: 'the wall acts below r_i only' }),
        }, { isFlat: true }),
    }, { label: 'Core repulsion', description: 'fixed short-range wall V(r) = B((r_i/r)e^(r/r_i − 1) − 1) below r_i (ACE.jl core as ML-PACE evaluates it; exported to .yace); fitted to the labels minus it. 600 eV, 1 Å follow ZBL at 0.3–0.6 Å' }),
};
type CoreRepulsionValues = PD.ValuesFor<typeof CoreRepulsionParams>;

/** The job's settings, plus where the training data come from. */
type Settings = Omit<FitJob, 'training' | 'e0' | 'coreRepulsion'> & {
    /** training data: ids of loaded datasets (`loaded:<trajectory ref>`) and embedded assets; null: the dataset selected in Mol* */
    data: string[] | null;
    /** as typed: 'auto' or eV */
    e0: string;
    core: CoreRepulsionValues;
};

interface State {
    settings: Settings;
    running: boolean;
    stage?: FitStage;
    progress?: { text: string; fraction: number };
    message?: { kind: 'error' | 'info'; text: string };
}

const LoadedPrefix = 'loaded:';

/** Every extended XYZ dataset loaded in Mol*'s hierarchy, with its id (its trajectory's ref). */
function loadedDatasets(plugin: PluginContext): { id: string; ref: string; dataset: AcelensDataset }[] {
    const out: { id: string; ref: string; dataset: AcelensDataset }[] = [];
    for (const t of plugin.managers.structure.hierarchy.current.trajectories) {
        const data = getFrameData(t.cell.obj?.data.representative);
        if (data) out.push({ id: LoadedPrefix + t.cell.transform.ref, ref: t.cell.transform.ref, dataset: data.dataset });
    }
    return out;
}

const hashes = new WeakMap<AcelensDataset, string | undefined>();

/** SHA-256 of the text a loaded dataset was read from (Mol*'s raw-data node above its trajectory), where it is there. */
async function loadedDatasetHash(plugin: PluginContext, ref: string, dataset: AcelensDataset): Promise<string | undefined> {
    if (hashes.has(dataset)) return hashes.get(dataset);
    const raw = StateSelection.findAncestorOfType(plugin.state.data.tree, plugin.state.data.cells, ref, [SO.Data.String]);
    const text = raw?.obj?.data;
    const hash = text === undefined ? undefined : await sha256Hex(typeof text === 'string' ? text : String(text));
    hashes.set(dataset, hash);
    return hash;
}

function NumberRow(props: { label: string; title: string; value: number; step?: number; min?: number; onChange: (v: number) => void; testId?: string }) {
    return <div className='msp-control-row' title={props.title}>
        <span className='msp-control-row-label'>{props.label}</span>
        <div className='msp-control-row-ctrl'>
            <input className='msp-form-control' type='number' value={props.value} step={props.step ?? 'any'} min={props.min}
                data-testid={props.testId} onChange={e => { const v = Number(e.target.value); if (Number.isFinite(v)) props.onChange(v); }} />
        </div>
    </div>;
}

const StageFraction: Record<FitStage, number> = { preparing: 0, assembling: 0.05, solving: 0.85, evaluating: 0.9 };

export class FitPanel extends CollapsableControls<{}, State> {
    private job?: TaskJob<unknown>;

    protected defaultState(): State & CollapsableState {
        return {
            header: 'acelens · Fit', isCollapsed: false, running: false,
            // the CLI's defaults (src/fit/defaults.ts): the same K gives the same basis, solver and model as `acelens fit`
            settings: { data: null, orders: [2, 3], variant: FIT_DEFAULTS.variant, rcut: FIT_DEFAULTS.rcut, degree: FIT_DEFAULTS.degree, solver: FIT_DEFAULTS.solver, lambda: FIT_DEFAULTS.lambda, lambdaAuto: false, energyWeight: FIT_DEFAULTS.energyWeight, forceWeight: FIT_DEFAULTS.forceWeight, virialWeight: FIT_DEFAULTS.virialWeight, e0: String(FIT_DEFAULTS.e0), validFraction: FIT_DEFAULTS.validFraction, seed: FIT_DEFAULTS.seed, core: PD.getDefaultValues(CoreRepulsionParams) },
        };
    }

    override componentDidMount() {
        // the list of loaded datasets follows Mol*'s hierarchy
        this.subscribe(this.plugin.managers.structure.hierarchy.behaviors.selection, () => this.forceUpdate());
    }

    override componentWillUnmount() {
        this.job?.cancel();
        super.componentWillUnmount();
    }

    private set<K extends keyof Settings>(key: K, value: Settings[K]) {
        this.setState(s => ({ settings: { ...s.settings, [key]: value } }));
    }

    private toggleOrder(k: number) {
        const orders = this.state.settings.orders.includes(k) ? this.state.settings.orders.filter(o => o !== k) : [...this.state.settings.orders, k].sort();
        this.set('orders', orders);
    }

    /** The chosen training data's ids (the dataset selected in Mol* until the user picks). */
    private chosenData(): string[] {
        const { data } = this.state.settings;
        if (data) return data;
        const current = currentDataset(this.plugin);
        return current ? [LoadedPrefix + current.trajectory.cell.transform.ref] : [];
    }

    private toggleData(id: string) {
        const chosen = this.chosenData();
        this.set('data', chosen.includes(id) ? chosen.filter(d => d !== id) : [...chosen, id]);
    }

    /** The training datasets, in the order listed: loaded ones as frames, embedded ones as text (parsed in the worker). */
    private async training(signal: AbortSignal): Promise<FitSource[]> {
        const ids = this.chosenData();
        if (ids.length === 0) throw new Error('no training data: load an extended XYZ dataset or tick one in Training data');
        const loaded = loadedDatasets(this.plugin);
        const out: FitSource[] = [];
        for (const id of ids) {
            if (id.startsWith(LoadedPrefix)) {
                const d = loaded.find(l => l.id === id);
                if (!d) throw new Error('a chosen training dataset is no longer loaded: tick the training data again');
                const sha256 = await loadedDatasetHash(this.plugin, d.ref, d.dataset);
                throwIfCancelled(signal);
                out.push({ name: d.dataset.name, frames: d.dataset.frames, ...(sha256 ? { sha256 } : {}) });
            } else {
                const asset = AcelensManifest.assets.find(a => a.id === id);
                if (!asset) throw new Error(`unknown embedded dataset '${id}'`);
                const text = await fetchAssetText(asset);
                throwIfCancelled(signal);
                out.push({ name: asset.file.split('/').pop()!, text });
            }
        }
        return out;
    }

    private fit = async () => {
        const s = this.state.settings;
        if (s.orders.length === 0) { this.setState({ message: { kind: 'error', text: 'choose at least one body order K' } }); return; }
        if (this.job) return;
        // the time the user waits: from the click (data preparation included) to the models being in the store
        const started = performance.now();
        this.setState({ running: true, message: undefined, stage: 'preparing', progress: { text: 'preparing: gathering the training data', fraction: 0 } });
        const made: { file: ModelFile; order: number }[] = [];
        let names = '';
        const job = runJobAsTask(this.plugin, `acelens: fit K=${s.orders.join(', ')}`, async ctx => {
            ctx.report({ message: 'fit: preparing the training data' });
            const e0 = parseE0(s.e0);
            const training = await this.training(ctx.signal);
            throwIfCancelled(ctx.signal);
            names = training.map(t => t.name).join(' + ');
            const fitJob: FitJob = { training, orders: s.orders, variant: s.variant, rcut: s.rcut, degree: s.degree, solver: s.solver, lambda: s.lambda, lambdaAuto: s.lambdaAuto, energyWeight: s.energyWeight, forceWeight: s.forceWeight, virialWeight: s.virialWeight, e0, validFraction: s.validFraction, seed: s.seed,
                ...(s.core.coreRepulsion.name === 'on' ? { coreRepulsion: { kind: 'acejl-core' as const, strength: s.core.coreRepulsion.params.strength, rInner: s.core.coreRepulsion.params.rInner } } : {}) };
            const handle = runFitInWorker(fitJob, {
                onProgress: m => {
                    const stageFraction = m.progress.total > 0 ? m.progress.done / m.progress.total : 0;
                    const within = m.stage === 'assembling' ? StageFraction.assembling + 0.8 * stageFraction : StageFraction[m.stage];
                    const text = `K=${m.order} (${m.index + 1}/${m.count}) ${m.stage}: ${m.progress.message}`;
                    this.setState({ stage: m.stage, progress: { text, fraction: (m.index + within) / m.count } });
                    ctx.report({ message: `fit ${text}`, current: m.progress.done, max: m.progress.total });
                },
                onModel: (file, order) => { made.push({ file, order }); },
            }, ctx.signal);
            await handle.done;
        });
        this.job = job;
        try {
            await job.result;
            // only now, with every model of the job made, are they added (nothing of a cancelled or failed job is)
            const store = acelensStore(this.plugin);
            for (const m of made) store.addModel(m.file, defaultModelName(m.file, names));
            const seconds = (performance.now() - started) / 1000;
            this.setState({ message: { kind: 'info', text: `fitted ${made.map(m => `K=${m.order}`).join(', ')} on ${names} in ${seconds.toFixed(1)} s` } });
        } catch (e) {
            const stage = this.state.stage ?? 'preparing';
            const text = isCancelled(e) ? `fit cancelled while ${stage}${e.by === 'mol*' ? ' (Mol* task aborted)' : ''}: previous models kept` : `fit failed: ${(e as Error).message} (previous models kept)`;
            // drawn now (in this microtask), not in a later task behind whatever the page's main thread has queued:
            // the job ends within milliseconds of the click, and the panel says so at the next frame
            flushSync(() => this.setState({ message: { kind: isCancelled(e) ? 'info' : 'error', text }, running: false, stage: undefined, progress: undefined }));
        } finally {
            if (this.job === job) this.job = undefined;
            this.setState({ running: false, stage: undefined, progress: undefined });
        }
    };

    private cancel = () => { this.job?.cancel(); };

    protected renderControls() {
        const s = this.state.settings;
        const embedded = AcelensManifest.assets.filter(a => a.kind === 'dataset');
        const loaded = loadedDatasets(this.plugin);
        const chosen = new Set(this.chosenData());
        // structures of the chosen data (null when an embedded dataset, not yet read, is among them)
        const chosenFrames = [...chosen].every(id => loaded.some(l => l.id === id)) ? loaded.filter(l => chosen.has(l.id)).reduce((n, l) => n + l.dataset.frames.length, 0) : null;
        const dataRow = (id: string, label: string, title: string) => <label key={id} title={title} style={{ display: 'flex', alignItems: 'center', gap: 6, minHeight: 20, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
            <input type='checkbox' checked={chosen.has(id)} disabled={this.state.running} onChange={() => this.toggleData(id)} data-testid={`acelens-fit-data-${id}`} />{label}
        </label>;
        return <div data-testid='acelens-fit-panel'>
            <div className='msp-control-row' title='training data: one or several datasets, concatenated; each structure keeps its dataset (metrics per file) and its config_type'>
                <span className='msp-control-row-label'>Training data</span>
                <div className='msp-control-row-ctrl' style={{ paddingLeft: 6, lineHeight: '32px' }} data-testid='acelens-fit-data-summary'>
                    {chosen.size === 0 ? 'none chosen' : `${chosen.size} dataset${chosen.size > 1 ? 's' : ''}${chosenFrames !== null ? `, ${chosenFrames} structures` : ''}`}
                </div>
            </div>
            <div data-testid='acelens-fit-data' style={{ display: 'flex', flexDirection: 'column', gap: 2, padding: '4px 8px', maxHeight: 128, overflowY: 'auto', borderBottom: '1px solid rgba(0,0,0,0.1)' }}>
                {loaded.map(l => dataRow(l.id, `${l.dataset.name} (${l.dataset.frames.length} structures)`, `loaded: ${l.dataset.name}, ${l.dataset.frames.length} structures`))}
                {loaded.length === 0 && <span className='msp-help-text' style={{ padding: 0 }}>no dataset loaded</span>}
                {embedded.map(a => dataRow(a.id, `embedded: ${a.name}`, `embedded dataset ${a.file}`))}
            </div>
            <div className='msp-control-row' title='maximal body order K of each model (one model per K)'>
                <span className='msp-control-row-label'>Body orders</span>
                <div className='msp-control-row-ctrl' style={{ display: 'flex', gap: 8, alignItems: 'center', paddingLeft: 6 }}>
                    {[2, 3, 4, 5].map(k => <label key={k} style={{ display: 'flex', alignItems: 'center', gap: 2 }}>
                        <input type='checkbox' checked={s.orders.includes(k)} onChange={() => this.toggleOrder(k)} data-testid={`acelens-fit-order-${k}`} />K={k}
                    </label>)}
                </div>
            </div>
            <div className='msp-control-row'>
                <span className='msp-control-row-label'>Basis</span>
                <div className='msp-control-row-ctrl'>
                    <select className='msp-form-control' value={s.variant} onChange={e => this.set('variant', e.target.value as Settings['variant'])} data-testid='acelens-fit-variant'>
                        <option value='standard'>standard</option>
                        <option value='purified'>self-interaction-free</option>
                    </select>
                </div>
            </div>
            <NumberRow label='r_cut (Å)' title='cutoff radius, Å' value={s.rcut} step={0.5} min={1} onChange={v => this.set('rcut', v)} />
            <NumberRow label='Degree D₁' title='maximal total degree Σ(n + 1.5 l) of the pair functions; higher orders scale with it' value={s.degree} step={1} min={1} onChange={v => this.set('degree', v)} testId='acelens-fit-degree' />
            <div className='msp-control-row' title='Bayesian linear regression (the default, as acelens fit): the regularisation and the noise level from the data by evidence maximisation, with a posterior for uncertainties; ridge: Tikhonov with a given λ, or λ chosen on the validation split'>
                <span className='msp-control-row-label'>Solver</span>
                <div className='msp-control-row-ctrl'>
                    <select className='msp-form-control' value={s.solver} onChange={e => this.set('solver', e.target.value as Settings['solver'])} data-testid='acelens-fit-solver'>
                        <option value='blr'>Bayesian regression (BLR)</option>
                        <option value='ridge'>ridge (λ)</option>
                    </select>
                </div>
            </div>
            {s.solver === 'ridge' && !s.lambdaAuto && <NumberRow label='λ' title='Tikhonov regularisation strength (smoothness prior)' value={s.lambda} onChange={v => this.set('lambda', v)} testId='acelens-fit-lambda' />}
            {s.solver === 'ridge' && <div className='msp-control-row' title='solve for λ = 1e-8 … 1 (decades) and keep the one with the lowest validation error; needs a validation fraction > 0'>
                <span className='msp-control-row-label'>λ from validation</span>
                <div className='msp-control-row-ctrl' style={{ paddingLeft: 6 }}>
                    <label><input type='checkbox' checked={s.lambdaAuto} onChange={e => this.set('lambdaAuto', e.target.checked)} data-testid='acelens-fit-lambda-auto' /> scan 1e-8 … 1</label>
                </div>
            </div>}
            <NumberRow label='Energy weight' title='w_E: weight of energy-per-atom residuals' value={s.energyWeight} onChange={v => this.set('energyWeight', v)} />
            <NumberRow label='Force weight' title='w_F: weight of force residuals' value={s.forceWeight} onChange={v => this.set('forceWeight', v)} />
            <NumberRow label='Virial weight' title='w_V: weight of virial rows (periodic frames with a stress); 0 for GAP-20 files, whose dft_virial is 10³ smaller than their energies imply (README)' value={s.virialWeight ?? FIT_DEFAULTS.virialWeight} onChange={v => this.set('virialWeight', v)} testId='acelens-fit-virial-weight' />
            <div className='msp-control-row' title="isolated-atom energy E0 (eV): 'auto' takes it from the training data's isolated-atom frame; data without one (e.g. the GAP-20 files) need a number (as acelens fit --e0)">
                <span className='msp-control-row-label'>E0 (eV)</span>
                <div className='msp-control-row-ctrl'>
                    <input className='msp-form-control' type='text' value={s.e0} placeholder='auto' onChange={e => this.set('e0', e.target.value)} data-testid='acelens-fit-e0' />
                </div>
            </div>
            <NumberRow label='Validation' title='fraction of structures held out for validation (seeded split)' value={s.validFraction} step={0.05} min={0} onChange={v => this.set('validFraction', v)} testId='acelens-fit-valid-fraction' />
            <div data-testid='acelens-fit-core-repulsion'>
                <ParameterControls params={CoreRepulsionParams} values={s.core} isDisabled={this.state.running} onChangeValues={v => this.set('core', v)} />
            </div>
            <div className='msp-flex-row'>
                <button className='msp-btn msp-btn-block' disabled={this.state.running} onClick={this.fit} data-testid='acelens-fit-start'>Fit</button>
                <button className='msp-btn msp-btn-block' disabled={!this.state.running} onClick={this.cancel} data-testid='acelens-fit-cancel'>Cancel</button>
            </div>
            {this.state.progress && <div data-testid='acelens-fit-progress' style={{ padding: '4px 6px' }}>
                <div style={{ height: 6, background: '#ddd' }}><div style={{ height: 6, width: `${Math.round(100 * this.state.progress.fraction)}%`, background: '#4a7ab5' }} /></div>
                <div className='msp-help-text'>{this.state.progress.text}</div>
            </div>}
            {this.state.message && <div className='msp-help-text' data-testid='acelens-fit-message' style={{ color: this.state.message.kind === 'error' ? '#b00' : undefined }}>{this.state.message.text}</div>}
        </div>;
    }
}
