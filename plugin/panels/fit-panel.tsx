/**
 * Fit panel: training data (the loaded dataset or an embedded one), body orders (several at once), basis variant,
 * r_cut, degree, λ (given, or chosen on the validation split by a scan), weights, validation fraction, and an optional
 * core repulsion (a Mol* PD param, off by default: src/ace/core-repulsion.ts). The fit runs in a web worker with staged progress and a Cancel
 * that terminates it; models are added only when the whole job succeeds, so a cancelled or failed fit leaves
 * the previous models and the loaded data untouched.
 */
import * as React from 'react';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import { ParameterControls } from 'molstar/lib/mol-plugin-ui/controls/parameters';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { DEFAULT_CORE_REPULSION } from '../../src/ace/core-repulsion';
import { parseExtXyz } from '../../src/io/extxyz';
import type { ModelFile } from '../../src/model/model';
import type { Frame } from '../../src/structure/frame';
import { fetchAssetText } from '../assets';
import { currentDataset } from '../current-dataset';
import { AcelensManifest } from '../manifest';
import { acelensStore, defaultModelName } from '../store';
import { FitCancelled, runFitInWorker, type FitHandle } from '../worker/fit-client';
import type { FitJob } from '../worker/fit-protocol';
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

/** The job's settings, plus where the training data comes from ('loaded' or an asset id). */
type Settings = Omit<FitJob, 'frames' | 'dataName' | 'e0' | 'coreRepulsion'> & { data: string; /** as typed: 'auto' or eV */ e0: string; core: CoreRepulsionValues };

interface State {
    settings: Settings;
    running: boolean;
    progress?: { text: string; fraction: number };
    message?: { kind: 'error' | 'info'; text: string };
}

const Loaded = 'loaded';

function NumberRow(props: { label: string; title: string; value: number; step?: number; min?: number; onChange: (v: number) => void; testId?: string }) {
    return <div className='msp-control-row' title={props.title}>
        <span className='msp-control-row-label'>{props.label}</span>
        <div className='msp-control-row-ctrl'>
            <input className='msp-form-control' type='number' value={props.value} step={props.step ?? 'any'} min={props.min}
                data-testid={props.testId} onChange={e => { const v = Number(e.target.value); if (Number.isFinite(v)) props.onChange(v); }} />
        </div>
    </div>;
}

export class FitPanel extends CollapsableControls<{}, State> {
    private handle?: FitHandle;

    protected defaultState(): State & CollapsableState {
        return {
            header: 'acelens · Fit', isCollapsed: false, running: false,
            // the CLI's defaults (src/fit/defaults.ts): the same K gives the same basis and model as `acelens fit`
            settings: { data: Loaded, orders: [2, 3], variant: FIT_DEFAULTS.variant, rcut: FIT_DEFAULTS.rcut, degree: FIT_DEFAULTS.degree, lambda: FIT_DEFAULTS.lambda, lambdaAuto: false, energyWeight: FIT_DEFAULTS.energyWeight, forceWeight: FIT_DEFAULTS.forceWeight, virialWeight: FIT_DEFAULTS.virialWeight, e0: String(FIT_DEFAULTS.e0), validFraction: FIT_DEFAULTS.validFraction, seed: FIT_DEFAULTS.seed, core: PD.getDefaultValues(CoreRepulsionParams) },
        };
    }

    override componentWillUnmount() {
        this.handle?.cancel();
        super.componentWillUnmount();
    }

    private set<K extends keyof Settings>(key: K, value: Settings[K]) {
        this.setState(s => ({ settings: { ...s.settings, [key]: value } }));
    }

    private toggleOrder(k: number) {
        const orders = this.state.settings.orders.includes(k) ? this.state.settings.orders.filter(o => o !== k) : [...this.state.settings.orders, k].sort();
        this.set('orders', orders);
    }

    private async trainingFrames(): Promise<{ frames: Frame[]; name: string }> {
        const { data } = this.state.settings;
        if (data === Loaded) {
            const current = currentDataset(this.plugin);
            if (!current) throw new Error('no extended XYZ dataset is loaded: load one or choose an embedded dataset');
            return { frames: current.dataset.frames, name: current.dataset.name };
        }
        const asset = AcelensManifest.assets.find(a => a.id === data)!;
        const text = await fetchAssetText(asset);
        return { frames: parseExtXyz(text, { fileName: asset.file }), name: asset.file.split('/').pop()! };
    }

    private fit = async () => {
        const s = this.state.settings;
        if (s.orders.length === 0) { this.setState({ message: { kind: 'error', text: 'choose at least one body order K' } }); return; }
        // the time the user waits: from the click (data preparation included) to the models being in the store
        const started = performance.now();
        this.setState({ running: true, message: undefined, progress: { text: 'preparing data', fraction: 0 } });
        const made: { file: ModelFile; order: number }[] = [];
        try {
            const e0 = parseE0(s.e0);
            const { frames, name } = await this.trainingFrames();
            const job: FitJob = { frames, dataName: name, orders: s.orders, variant: s.variant, rcut: s.rcut, degree: s.degree, lambda: s.lambda, lambdaAuto: s.lambdaAuto, energyWeight: s.energyWeight, forceWeight: s.forceWeight, virialWeight: s.virialWeight, e0, validFraction: s.validFraction, seed: s.seed,
                ...(s.core.coreRepulsion.name === 'on' ? { coreRepulsion: { kind: 'acejl-core' as const, strength: s.core.coreRepulsion.params.strength, rInner: s.core.coreRepulsion.params.rInner } } : {}) };
            this.handle = runFitInWorker(job, {
                onProgress: m => {
                    const stageFraction = m.progress.total > 0 ? m.progress.done / m.progress.total : 0;
                    this.setState({ progress: { text: `K=${m.order} (${m.index + 1}/${m.count}): ${m.progress.message}`, fraction: (m.index + (m.progress.stage === 'assemble' ? 0.9 * stageFraction : m.progress.stage === 'solve' || m.progress.stage === 'metrics' ? 0.95 : 0)) / m.count } });
                },
                onModel: (file, order) => { made.push({ file, order }); },
            });
            await this.handle.done;
            const store = acelensStore(this.plugin);
            for (const m of made) store.addModel(m.file, defaultModelName(m.file, name));
            const seconds = (performance.now() - started) / 1000;
            this.setState({ message: { kind: 'info', text: `fitted ${made.map(m => `K=${m.order}`).join(', ')} on ${name} in ${seconds.toFixed(1)} s` } });
        } catch (e) {
            const text = e instanceof FitCancelled ? 'fit cancelled: previous models kept' : `fit failed: ${(e as Error).message} (previous models kept)`;
            this.setState({ message: { kind: e instanceof FitCancelled ? 'info' : 'error', text } });
        } finally {
            this.handle = undefined;
            this.setState({ running: false, progress: undefined });
        }
    };

    private cancel = () => { this.handle?.cancel(); };

    protected renderControls() {
        const s = this.state.settings;
        const datasets = AcelensManifest.assets.filter(a => a.kind === 'dataset');
        return <div data-testid='acelens-fit-panel'>
            <div className='msp-control-row'>
                <span className='msp-control-row-label'>Training data</span>
                <div className='msp-control-row-ctrl'>
                    <select className='msp-form-control' value={s.data} onChange={e => this.set('data', e.target.value)} data-testid='acelens-fit-data'>
                        <option value={Loaded}>the loaded dataset</option>
                        {datasets.map(a => <option key={a.id} value={a.id}>{a.name}</option>)}
                    </select>
                </div>
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
            {!s.lambdaAuto && <NumberRow label='λ' title='Tikhonov regularisation strength (smoothness prior)' value={s.lambda} onChange={v => this.set('lambda', v)} />}
            <div className='msp-control-row' title='solve for λ = 1e-8 … 1 (decades) and keep the one with the lowest validation error; needs a validation fraction > 0'>
                <span className='msp-control-row-label'>λ from validation</span>
                <div className='msp-control-row-ctrl' style={{ paddingLeft: 6 }}>
                    <label><input type='checkbox' checked={s.lambdaAuto} onChange={e => this.set('lambdaAuto', e.target.checked)} data-testid='acelens-fit-lambda-auto' /> scan 1e-8 … 1</label>
                </div>
            </div>
            <NumberRow label='Energy weight' title='w_E: weight of energy-per-atom residuals' value={s.energyWeight} onChange={v => this.set('energyWeight', v)} />
            <NumberRow label='Force weight' title='w_F: weight of force residuals' value={s.forceWeight} onChange={v => this.set('forceWeight', v)} />
            <NumberRow label='Virial weight' title='w_V: weight of virial rows (periodic frames with a stress); 0 for GAP-20 files, whose dft_virial is 10³ smaller than their energies imply (README)' value={s.virialWeight ?? FIT_DEFAULTS.virialWeight} onChange={v => this.set('virialWeight', v)} testId='acelens-fit-virial-weight' />
            <div className='msp-control-row' title="isolated-atom energy E0 (eV): 'auto' takes it from the training data's isolated-atom frame; data without one (e.g. the GAP-20 files) need a number (as acelens fit --e0)">
                <span className='msp-control-row-label'>E0 (eV)</span>
                <div className='msp-control-row-ctrl'>
                    <input className='msp-form-control' type='text' value={s.e0} placeholder='auto' onChange={e => this.set('e0', e.target.value)} data-testid='acelens-fit-e0' />
                </div>
            </div>
            <NumberRow label='Validation' title='fraction of structures held out for validation (seeded split)' value={s.validFraction} step={0.05} min={0} onChange={v => this.set('validFraction', v)} />
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
