/**
 * Models & errors panel: the fitted models (active one, download/upload as the CLI's JSON model files, delete),
 * their train/validation errors overall and per config_type, and colouring of the 3D view by per-atom quantities
 * (with the legend: quantity, unit, numeric ends, clamping, grey for no value; the plot area beside the 3D view
 * uses the same palette and range). The plots themselves are in the workspace's plot area (plugin/workspace).
 */
import { WorkspaceAbsentNote } from '../workspace/workspace-note';
import { RejectedModels } from './rejected-models';
import * as React from 'react';
import { plotlyText } from '../html';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import { Model, parseModel } from '../../src/model/model';
import { exportYace } from '../../src/pace/export';
import { coreRepulsionOf } from '../../src/pace/pace-model';
import type { ErrorMetrics, MetricsReport } from '../../src/fit/metrics';
import { currentDataset } from '../current-dataset';
import { getFrameData } from '../props/frame-data';
import { acelensStore, type StoredModel } from '../store';
import { legendLabels, NoValueColor, quantityColouring, uniformNote, type AtomQuantity } from '../themes/atom-quantity';
import { predictionsProvider, setPredictionParams } from '../props/predictions';
import type { Structure } from 'molstar/lib/mol-model/structure';
import type { StructureRef } from 'molstar/lib/mol-plugin-state/manager/structure/hierarchy-state';
import { atomErrorsCsv, forceErrorByNearestNeighbour } from '../../src/analysis/error-by-distance';
import { AtomQuantities } from '../themes/quantities';
import { downloadText } from '../plots/plotly';
import { ColorLists } from 'molstar/lib/mol-util/color/lists';
import { Color } from 'molstar/lib/mol-util/color';
import { setForceArrows, type ArrowKind } from '../force-arrows';
import { IconButton } from 'molstar/lib/mol-plugin-ui/controls/common';
import { DeleteOutlinedSvg, GetAppSvg } from 'molstar/lib/mol-plugin-ui/controls/icons';
import { workspaceState, type SharedColouring } from '../workspace/state';
import { afterNextFrame } from '../idle';

type RangeMode = 'robust' | 'minmax' | 'manual';

/** A PACE potential file (ML-PACE C-tilde .yace; .yaml accepted as the CLI does), by its name. */
const isPaceFileName = (name: string) => /\.(yace|yaml)$/i.test(name);

interface State {
    models: StoredModel[];
    activeId: string | null;
    theme: string;
    range: RangeMode;
    scope: 'frame' | 'dataset';
    min: number;
    max: number;
    component: 'along-dft' | 'x' | 'y' | 'z';
    showConfigTypes: boolean;
    arrows: ArrowKind | 'off';
    arrowScale: number;
    message?: string;
    /** what the atoms are coloured by now (read from the representations, so it cannot disagree with them) */
    legend?: { min: string; max: string; colours: string[]; note?: string; model?: string };
    /** set when the atoms are not coloured by the chosen quantity (e.g. right after a load): what they show instead */
    legendOff?: string;
}


/** A model name as part of a download's file name. */
const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9=._-]+/g, '_');

const fmt = (x: number | null | undefined, digits = 1) => x === null || x === undefined ? '—' : x.toFixed(digits);

function MetricCells({ m }: { m: ErrorMetrics | null | undefined }) {
    return <>
        <td>{fmt(m?.energy_rmse_meV_atom)}</td><td>{fmt(m?.energy_mae_meV_atom)}</td>
        <td>{fmt(m?.force_rmse_meV_A, 0)}</td><td>{fmt(m?.force_mae_meV_A, 0)}</td>
    </>;
}

export class ModelsPanel extends CollapsableControls<{}, State> {
    private fileInput = React.createRef<HTMLInputElement>();
    private shownFrame = '';
    /** counts applyTheme calls: an older one still attaching predictions gives way to a newer one */
    private themeGeneration = 0;
    /** a recolouring of newly loaded structures is under way */
    private recolouring = false;
    /** a structure appeared while recolouring: check again when it is done */
    private recolourAgain = false;
    /**
     * Representations (Mol* state refs) this panel has coloured or found coloured as chosen: only others (a dataset
     * just loaded, periodic images added) get the chosen colouring by themselves. A representation recoloured by
     * hand in Mol*'s own controls stays as the user set it.
     */
    private handledRepresentations = new Set<string>();

    protected defaultState(): State & CollapsableState {
        return { header: 'acelens · Models & errors', isCollapsed: false, models: [], activeId: null, theme: 'acelens-force-error', range: 'robust', scope: 'frame', min: 0, max: 1, component: 'along-dft', showConfigTypes: false, arrows: 'off', arrowScale: 0.5 };
    }

    private get store() { return acelensStore(this.plugin); }

    override componentDidMount() {
        this.subscribe(this.store.models, models => this.setState({ models }));
        this.subscribe(this.store.activeModelId, activeId => { this.setState({ activeId }, () => { this.applyTheme(); this.updateArrows(); }); });
        this.subscribe(this.plugin.managers.structure.hierarchy.behaviors.selection, () => { this.colourNewStructures(); this.updateLegend(); this.updateArrows(); });
        // the colouring follows the predictions as they arrive (the plot area has them computed in a worker)
        this.subscribe(this.store.predictionsArrived, () => this.updateLegend());
        // a new frame shown (the model index of the trajectory changes): new legend range and arrows
        this.subscribe(this.plugin.state.data.events.changed, () => {
            const current = currentDataset(this.plugin);
            const key = current ? `${current.dataset.name}#${current.frameIndex}` : '';
            if (key === this.shownFrame) return;
            this.shownFrame = key;
            this.updateLegend();
            this.updateArrows();
        });
    }

    private quantity(): AtomQuantity | undefined {
        return AtomQuantities.find(q => q.name === this.state.theme);
    }

    /** The structures of acelens datasets, the one the panels act on (the current dataset's) first. */
    private datasetStructures(): StructureRef[] {
        // only structures of frames read from extended XYZ: the acelens themes do not apply to others (a PDB entry)
        const all = this.plugin.managers.structure.hierarchy.current.structures.filter(s => !!getFrameData(s.model?.cell.obj?.data));
        const shown = currentDataset(this.plugin)?.trajectory.models[0]?.structures[0];
        return shown ? [shown, ...all.filter(s => s !== shown)] : all;
    }

    /**
     * Applies the chosen acelens colour theme to every component of every structure (or Mol*'s default for 'none'):
     * first the predictions of the chosen model are attached to the frames (Mol* custom property, computed in a
     * worker), then the theme is set with that model as its parameter.
     */
    applyTheme = async () => {
        // the latest choice wins: attaching predictions takes seconds, and a colouring started before (e.g. after a
        // fit) must not overwrite one the user chose meanwhile (e.g. Mol* default)
        const generation = ++this.themeGeneration;
        performance.mark('acelens:theme:start'); // (read by `npm run bench -- ui`)
        const q = this.quantity();
        const components = this.datasetStructures().flatMap(s => s.components);
        if (components.length === 0) { this.updateLegend(); return; }
        const model = this.store.activeModel;
        try {
            if (!q || !model) {
                if (!q) await this.plugin.managers.structure.component.updateRepresentationsTheme(components, { color: 'default' as any });
                return;
            }
            await setPredictionParams(this.plugin, { model: model.id, scope: this.state.scope });
            performance.mark('acelens:theme:predictions-attached');
            if (generation !== this.themeGeneration) return;
            const colorParams: Record<string, any> = { model: model.id, range: this.state.range, scope: this.state.scope, min: this.state.min, max: this.state.max };
            if (q.params) colorParams.component = this.state.component;
            // the components again: attaching may have rebuilt them
            const now = this.datasetStructures().flatMap(s => s.components);
            await this.plugin.managers.structure.component.updateRepresentationsTheme(now, { color: q.name as any, colorParams });
            for (const c of now) for (const r of c.representations) this.handledRepresentations.add(r.cell.transform.ref);
            performance.mark('acelens:theme:representations-updated');
        } catch (e) {
            this.setState({ message: `colouring: ${(e as Error).message}` });
        } finally {
            this.updateLegend();
        }
    };

    /** The colour theme (name and parameters) the atoms of a structure actually have (its first representation). */
    private appliedTheme(s: StructureRef | undefined): { name: string; params: Record<string, any> } | undefined {
        const repr = s?.components[0]?.representations[0];
        return (repr?.cell.transform.params as any)?.colorTheme;
    }

    /**
     * After a load or reload the new structure has Mol*'s default colours: with a model active, the chosen acelens
     * colouring is applied to it, so colours and legend agree; otherwise the legend says what the atoms show.
     * (Every dataset structure is checked, hidden ones included: the one just loaded is not necessarily the first.)
     * Only representations this panel has not coloured yet count: Mol*'s hierarchy changes on every state update, and
     * a representation recoloured in Mol*'s own controls is left as the user set it.
     */
    private colourNewStructures() {
        const q = this.quantity();
        const model = this.store.activeModel;
        let stale = false;
        if (q && model) {
            for (const s of this.datasetStructures()) {
                for (const c of s.components) {
                    for (const r of c.representations) {
                        const ref = r.cell.transform.ref;
                        if (this.handledRepresentations.has(ref)) continue;
                        const t = (r.cell.transform.params as any)?.colorTheme;
                        if (t?.name === q.name && t.params?.model === model.id) this.handledRepresentations.add(ref);
                        else stale = true;
                    }
                }
            }
        }
        if (!stale) { this.updateLegend(); return; }
        if (this.recolouring) { this.recolourAgain = true; return; }
        this.recolouring = true;
        this.applyTheme().finally(() => {
            this.recolouring = false;
            if (this.recolourAgain) { this.recolourAgain = false; this.colourNewStructures(); }
        });
    }

    /**
     * The legend shown in the panel: what the atoms of the current dataset are coloured by, computed from the theme
     * parameters their representation has and the predictions attached to them, by the function the theme uses.
     */
    private updateLegend() {
        const q = this.quantity();
        const model = this.store.activeModel;
        const shown = this.datasetStructures()[0];
        const applied = this.appliedTheme(shown);
        const off = (text: string | undefined) => { this.setState({ legend: undefined, legendOff: text }); this.shareColouring(undefined); };
        if (!q || !shown || !applied) { off(undefined); return; }
        if (applied.name !== q.name) { off(`atoms are coloured by ${applied.name} (Mol*)${!model ? ': fit or choose a model to colour by this quantity' : ': Apply colouring to colour by this quantity'}`); return; }
        try {
            const structure = shown.cell.obj?.data as Structure | undefined;
            const c = quantityColouring(predictionsProvider(this.plugin), q, structure, applied.params);
            if (c.missing && c.pooled.length === 0) { off(`atoms are grey: ${c.missing}`); return; }
            const labels = legendLabels(q, c.range);
            const colours = ColorLists[q.colours].list.map(col => Color.toHexStyle(Array.isArray(col) ? col[0] : col as Color));
            const notes = [uniformNote(q, c.pooled, c.range, c.model?.variant), c.scopeFallback ? 'range over this frame: the predictions of the other frames are not computed (still running, or cancelled)' : undefined].filter(Boolean);
            this.setState({ legend: { min: labels.min, max: labels.max, colours, note: notes.length ? notes.join(' ') : undefined, model: c.model?.name }, legendOff: undefined });
            // one legend for the 3D view and the plots: the plot area colours its points with this palette and range
            const shared = { quantity: q.name, min: c.range.min, max: c.range.max, colours, scope: applied.params.scope, title: `${q.symbol} (${q.unit})` };
            this.shareColouring(shared);
        } catch (e) {
            this.setState({ legend: undefined, message: (e as Error).message });
        }
    }

    private sharedColouring?: { value: SharedColouring | undefined };

    /**
     * Gives the plot area the colouring (it recolours its points when it changed) after the next animation frame: a
     * frame switch changes a per-frame range, and restyling 6·10⁵ WebGL points takes seconds in software WebGL; the
     * 3D view (the new frame, a selection made in it) is drawn first. The latest value wins.
     */
    private shareColouring(value: SharedColouring | undefined) {
        const pending = this.sharedColouring;
        this.sharedColouring = { value };
        if (pending) return;
        afterNextFrame().then(() => {
            const latest = this.sharedColouring;
            this.sharedColouring = undefined;
            const colouring = workspaceState(this.plugin).colouring;
            if (latest && JSON.stringify(colouring.value) !== JSON.stringify(latest.value)) colouring.next(latest.value);
        });
    }

    private setColouring(patch: Partial<State>) {
        this.setState(patch as State, () => this.applyTheme());
    }

    private updateArrows = () => {
        const kind = this.state.arrows === 'off' ? null : this.state.arrows;
        setForceArrows(this.plugin, kind, this.state.arrowScale).catch(e => this.setState({ message: `force arrows: ${(e as Error).message}` }));
    };

    private download(m: StoredModel) {
        if (m.pace) downloadText(m.pace.text, `${fileSafe(m.name)}.yace`, 'text/plain');
        else downloadText(this.store.modelJson(m), `${fileSafe(m.name)}.json`, 'application/json');
    }

    /** ML-PACE .yace for LAMMPS `pair_style pace` (models with the exportable 'acejl' radial; see src/pace/export.ts). */
    private downloadYace(m: StoredModel) {
        if (m.pace) { this.download(m); return; } // already a .yace: handed back as uploaded
        try {
            const model = new Model(m.file, m.name);
            const { text } = exportYace({ basis: model.basis, coefficients: model.coefficients, e0: model.e0 });
            downloadText(text, `${fileSafe(m.name)}.yace`, 'text/plain');
            this.setState({ message: `exported ${m.name} as .yace (LAMMPS: pair_style pace)` });
        } catch (e) {
            this.setState({ message: `.yace export: ${(e as Error).message}` });
        }
    }

    private upload = async (e: React.ChangeEvent<HTMLInputElement>) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (!file) return;
        try {
            const text = await file.text();
            if (isPaceFileName(file.name)) {
                const m = this.store.addPace(text, file.name);
                const note = this.store.bodyOrderNote(m);
                this.setState({ message: `loaded PACE potential ${file.name}${note ? ` (${note})` : ''}` });
                return;
            }
            const parsed = parseModel(text, file.name);
            this.store.addModel(parsed, file.name.replace(/\.json$/, ''));
            this.setState({ message: `loaded ${file.name}` });
        } catch (err) {
            this.setState({ message: (err as Error).message });
        }
    };

    private downloadAtomErrors = () => {
        const model = this.store.activeModel;
        const current = currentDataset(this.plugin);
        if (!model || !current) { this.setState({ message: 'per-atom errors: fit or choose a model and load a dataset first' }); return; }
        const points = forceErrorByNearestNeighbour(current.dataset.frames, f => this.store.predict(model, f));
        downloadText(atomErrorsCsv(points), `${current.dataset.name.replace(/\.[^.]*$/, '')}-atom-errors-${fileSafe(model.name)}.csv`, 'text/csv');
    };

    /** What a loaded PACE potential is: its radial basis, embedding, cutoff, order and body-order note. */
    private paceSummary(m: StoredModel) {
        const e = this.store.engine(m);
        const note = this.store.bodyOrderNote(m);
        const core = coreRepulsionOf(e);
        return `${m.pace?.fileName}: ${e.spec.variant}; cutoff ${e.spec.rcut} Å; body order up to ${e.order}; E0 ${e.e0} eV`
            + (core ? `; core repulsion: ${core}` : '')
            + (note ? `; ${note}` : '; linear embedding: the energy splits by body order');
    }

    private metricsRows(report: MetricsReport | null | undefined, label: string) {
        return <tr><td style={{ textAlign: 'left' }}>{label}</td><MetricCells m={report} /></tr>;
    }

    protected renderControls() {
        const { models, activeId } = this.state;
        const active = models.find(m => m.id === activeId);
        const q = this.quantity();
        const th = { textAlign: 'right' as const, padding: '1px 3px', fontWeight: 'normal' as const };
        return <div data-testid='acelens-models-panel' style={{ fontSize: 11 }}>
            <WorkspaceAbsentNote />
            <RejectedModels />
            {models.length === 0 && <div className='msp-help-text'>No model yet: fit one in the fit panel, or upload a model JSON file written by <code>acelens fit</code>.</div>}
            {models.length > 0 && <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid='acelens-models-table'>
                <thead><tr>
                    <th style={{ ...th, textAlign: 'left' }}>model</th>
                    <th style={th} title='train / validation energy RMSE, meV/atom'>E RMSE (meV/atom)</th>
                    <th style={th} title='train / validation force RMSE, meV/Å'>F RMSE (meV/Å)</th>
                    <th />
                </tr></thead>
                <tbody>{models.map(m => {
                    const t = m.file?.metrics.train, v = m.file?.metrics.valid;
                    return <tr key={m.id} data-model-id={m.id} style={{ background: m.id === activeId ? 'rgba(80,140,220,0.2)' : undefined, cursor: 'pointer' }} onClick={() => this.store.setActive(m.id)}>
                        <td style={{ textAlign: 'left' }}><input type='radio' readOnly checked={m.id === activeId} /> {m.name} <span style={{ opacity: 0.6 }}>{m.pace ? `(PACE, ${this.store.engine(m).coefficients.length} fn)` : `(${m.file.nbasis} fn)`}</span></td>
                        <td style={{ textAlign: 'right' }} data-metric='energy'>{fmt(t?.energy_rmse_meV_atom)} / {fmt(v?.energy_rmse_meV_atom)}</td>
                        <td style={{ textAlign: 'right' }} data-metric='force'>{fmt(t?.force_rmse_meV_A, 0)} / {fmt(v?.force_rmse_meV_A, 0)}</td>
                        <td style={{ whiteSpace: 'nowrap' }}>
                            <IconButton svg={GetAppSvg} small title='download the model JSON (as acelens fit writes it)' onClick={e => { e.stopPropagation(); this.download(m); }} />
                            <button className='msp-btn' style={{ width: 'auto', padding: '0 4px', height: 20, lineHeight: '20px' }} title='export for LAMMPS pair_style pace (ML-PACE .yace; needs the acejl radial)' onClick={e => { e.stopPropagation(); this.downloadYace(m); }} data-testid='acelens-export-yace'>.yace</button>
                            <IconButton svg={DeleteOutlinedSvg} small title='remove this model' onClick={e => { e.stopPropagation(); this.store.removeModel(m.id); }} />
                        </td>
                    </tr>;
                })}</tbody>
            </table>}
            <div className='msp-flex-row'>
                <button className='msp-btn msp-btn-block' onClick={() => this.fileInput.current?.click()}>Upload model JSON or PACE .yace…</button>
                <input ref={this.fileInput} type='file' accept='.json,application/json,.yace,.yaml' style={{ display: 'none' }} onChange={this.upload} data-testid='acelens-model-upload' />
            </div>
            {active?.pace && <div className='msp-help-text' style={{ marginTop: 4 }} data-testid='acelens-pace-info'>
                <b>{active.name}</b>: {this.paceSummary(active)}. No training errors are stored in a .yace: the plot area shows its errors on the loaded dataset.</div>}
            {active?.file?.spec.coreRepulsion && <div className='msp-help-text' style={{ marginTop: 4 }} data-testid='acelens-core-info'>
                <b>{active.name}</b> has a fixed core repulsion: {coreRepulsionOf(active.file)} (added to every prediction, in K = 2).</div>}
            {active?.file && <div style={{ marginTop: 4 }}>
                <div className='msp-help-text'>Errors of <b>{active.name}</b> (RMSE, MAE; energies meV/atom, forces meV/Å)
                    <label style={{ marginLeft: 6 }}><input type='checkbox' checked={this.state.showConfigTypes} onChange={e => this.setState({ showConfigTypes: e.target.checked })} /> per config_type</label></div>
                <table style={{ width: '100%', borderCollapse: 'collapse', textAlign: 'right' }} data-testid='acelens-errors-table'>
                    <thead><tr><th style={{ ...th, textAlign: 'left' }}>set</th><th style={th}>E RMSE</th><th style={th}>E MAE</th><th style={th}>F RMSE</th><th style={th}>F MAE</th></tr></thead>
                    <tbody>
                        {this.metricsRows(active.file.metrics.train, `train (${active.file.metrics.train.structures})`)}
                        {active.file.metrics.valid && this.metricsRows(active.file.metrics.valid, `valid (${active.file.metrics.valid.structures})`)}
                        {this.state.showConfigTypes && Object.entries(active.file.metrics.train.per_config_type).map(([ct, m]) =>
                            <tr key={`t-${ct}`}><td style={{ textAlign: 'left' }}>train · {ct}</td><MetricCells m={m} /></tr>)}
                        {this.state.showConfigTypes && active.file.metrics.valid && Object.entries(active.file.metrics.valid.per_config_type).map(([ct, m]) =>
                            <tr key={`v-${ct}`}><td style={{ textAlign: 'left' }}>valid · {ct}</td><MetricCells m={m} /></tr>)}
                    </tbody>
                </table>
            </div>}
            <div className='msp-control-row' style={{ marginTop: 6 }}>
                <span className='msp-control-row-label'>Colour atoms</span>
                <div className='msp-control-row-ctrl'>
                    <select className='msp-form-control' value={this.state.theme} onChange={e => this.setColouring({ theme: e.target.value })} data-testid='acelens-colour-theme'>
                        <option value='none'>Mol* default</option>
                        {AtomQuantities.map(q => <option key={q.name} value={q.name}>{q.label.replace('acelens: ', '')}</option>)}
                    </select>
                </div>
            </div>
            {q && <>
                {q.params && <div className='msp-control-row'>
                    <span className='msp-control-row-label'>Component</span>
                    <div className='msp-control-row-ctrl'>
                        <select className='msp-form-control' value={this.state.component} onChange={e => this.setColouring({ component: e.target.value as State['component'] })}>
                            <option value='along-dft'>along the DFT force</option><option value='x'>x</option><option value='y'>y</option><option value='z'>z</option>
                        </select>
                    </div>
                </div>}
                <div className='msp-control-row'>
                    <span className='msp-control-row-label'>Range</span>
                    <div className='msp-control-row-ctrl' style={{ display: 'flex' }}>
                        <select className='msp-form-control' value={this.state.range} onChange={e => this.setColouring({ range: e.target.value as RangeMode })} data-testid='acelens-colour-range'>
                            <option value='robust'>2nd–98th percentile</option><option value='minmax'>min–max</option><option value='manual'>manual</option>
                        </select>
                        <select className='msp-form-control' value={this.state.scope} onChange={e => this.setColouring({ scope: e.target.value as State['scope'] })}>
                            <option value='frame'>this frame</option><option value='dataset'>all frames</option>
                        </select>
                    </div>
                </div>
                {this.state.range === 'manual' && <div className='msp-control-row'>
                    <span className='msp-control-row-label'>Min / max ({q.unit})</span>
                    <div className='msp-control-row-ctrl' style={{ display: 'flex' }}>
                        <input className='msp-form-control' type='number' step='any' value={this.state.min} onChange={e => this.setColouring({ min: Number(e.target.value) })} />
                        <input className='msp-form-control' type='number' step='any' value={this.state.max} onChange={e => this.setColouring({ max: Number(e.target.value) })} />
                    </div>
                </div>}
                <div style={{ padding: '4px 6px' }} data-testid='acelens-legend'>
                    {this.state.legendOff
                        ? <div className='msp-help-text' data-testid='acelens-legend-off'>{this.state.legendOff}</div>
                        : <div className='msp-help-text'>{q.symbol} ({q.unit}){this.state.legend?.model ? ` · ${this.state.legend.model}` : active ? ` · ${active.name}` : ' · no model'}</div>}
                    {this.state.legend && <>
                        <div style={{ height: 10, background: `linear-gradient(to right, ${this.state.legend.colours.join(', ')})` }} />
                        <div style={{ display: 'flex', justifyContent: 'space-between' }} data-testid='acelens-legend-ends'><span>{this.state.legend.min}</span><span>{this.state.legend.max.split(' · ')[0]}</span></div>
                        {this.state.legend.note && <div className='msp-help-text' data-testid='acelens-legend-note' style={{ color: '#a60' }}>{this.state.legend.note}</div>}
                    </>}
                    <div><span style={{ display: 'inline-block', width: 10, height: 10, background: Color.toHexStyle(NoValueColor), marginRight: 4 }} />no value (no DFT forces, no model, or no posterior for σ)</div>
                </div>
                <button className='msp-btn msp-btn-block' onClick={this.applyTheme} data-testid='acelens-colour-apply'>Apply colouring</button>
            </>}
            <div className='msp-control-row' style={{ marginTop: 6 }} title='arrow length: Å per eV/Å'>
                <span className='msp-control-row-label'>Force arrows</span>
                <div className='msp-control-row-ctrl' style={{ display: 'flex' }}>
                    <select className='msp-form-control' value={this.state.arrows} onChange={e => this.setState({ arrows: e.target.value as State['arrows'] }, this.updateArrows)} data-testid='acelens-arrows'>
                        <option value='off'>off</option><option value='dft'>DFT (black)</option><option value='model'>model (orange)</option><option value='difference'>model − DFT (magenta)</option>
                    </select>
                    <input className='msp-form-control' type='number' step='0.1' min='0.01' value={this.state.arrowScale} onChange={e => { const v = Number(e.target.value); if (v > 0) this.setState({ arrowScale: v }, this.updateArrows); }} />
                </div>
            </div>
            {this.state.message && <div className='msp-help-text'>{this.state.message}</div>}
            <div className='msp-flex-row' style={{ marginTop: 6 }}>
                <button className='msp-btn msp-btn-block' title='per-atom force errors and nearest-neighbour distances of the active model on the loaded dataset, as CSV' onClick={this.downloadAtomErrors} data-testid='acelens-error-csv'>Per-atom errors as CSV</button>
            </div>
            <div className='msp-help-text'>Parity, error-by-distance and histograms: in the plot area beside the 3D view.</div>
        </div>;
    }
}
