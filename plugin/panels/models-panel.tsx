/**
 * Models & errors panel: the fitted models (active one, download/upload as the CLI's JSON model files, delete),
 * their train/validation errors overall and per config_type, parity plots of the active model on the loaded
 * dataset (a click shows that structure and atom in 3D), the force error of every atom against its
 * nearest-neighbour distance or as histograms per config_type, and colouring of the 3D view by per-atom quantities
 * (with the legend: quantity, unit, numeric ends, clamping, grey for no value).
 */
import * as React from 'react';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import { Structure, StructureElement, StructureProperties } from 'molstar/lib/mol-model/structure';
import { OrderedSet } from 'molstar/lib/mol-data/int';
import { Model, parseModel } from '../../src/model/model';
import { exportYace } from '../../src/pace/export';
import type { Frame } from '../../src/structure/frame';
import type { FramePrediction } from '../predictions';
import type { ErrorMetrics, MetricsReport } from '../../src/fit/metrics';
import { currentDataset, showFrame } from '../current-dataset';
import { acelensStore, PredictionsCancelled, type StoredModel } from '../store';
import { colourRange, legendLabels, NoValueColor, type AtomQuantity } from '../themes/atom-quantity';
import { BOND_CUTOFF, worstAtoms, type WorstAtom } from '../worst-atoms';
import { atomErrorsCsv, binByDistance, forceErrorByNearestNeighbour, groupByConfigType, NEAREST_RMAX } from '../error-by-distance';
import { AtomQuantities } from '../themes/quantities';
import { downloadText, loadPlotly, panelLayout, PanelPlotConfig, serialDraw } from '../plots/plotly';
import { ColorLists } from 'molstar/lib/mol-util/color/lists';
import { Color } from 'molstar/lib/mol-util/color';
import { getFrameData } from '../props/frame-data';
import { setForceArrows, type ArrowKind } from '../force-arrows';
import { IconButton } from 'molstar/lib/mol-plugin-ui/controls/common';
import { DeleteOutlinedSvg, GetAppSvg } from 'molstar/lib/mol-plugin-ui/controls/icons';

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
    legend?: { min: string; max: string; colours: string[] };
    /** the atoms with the largest force errors of the active model on the loaded dataset */
    worst?: WorstAtom[];
    /** how the per-atom force errors are plotted: against the nearest-neighbour distance, or as histograms */
    errorPlot: 'distance' | 'histogram';
    /** predictions of the active model on the loaded dataset being computed in a worker: structures done / all */
    predicting?: { done: number; total: number };
}

/** Bins of the force-error plot with fewer atoms than this get no median / percentile point (too noisy). */
const MIN_BIN_ATOMS = 5;
/** Legend of the per-config_type plots: below the plot, in a margin of its own (the panel is narrow), and
 *  twenty distinct colours (a dataset has more config types than Plotly's ten default colours). */
const ConfigTypeLegend = {
    showlegend: true,
    margin: { l: 48, r: 8, t: 8, b: 170 },
    legend: { orientation: 'h', y: -0.2, yanchor: 'top', font: { size: 8 } },
    colorway: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
        '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'],
};

/** Work shorter than this shows no progress row (ms). */
const PROGRESS_AFTER_MS = 500;

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
    private parityEnergy = React.createRef<HTMLDivElement>();
    private parityForce = React.createRef<HTMLDivElement>();
    private errorByDistance = React.createRef<HTMLDivElement>();
    private lambdaScan = React.createRef<HTMLDivElement>();
    private fileInput = React.createRef<HTMLInputElement>();
    private shownFrame = '';

    protected defaultState(): State & CollapsableState {
        return { header: 'acelens · Models & errors', isCollapsed: false, models: [], activeId: null, theme: 'acelens-force-error', range: 'robust', scope: 'frame', min: 0, max: 1, component: 'along-dft', showConfigTypes: false, arrows: 'off', arrowScale: 0.5, errorPlot: 'distance' };
    }

    private get store() { return acelensStore(this.plugin); }

    override componentDidMount() {
        this.subscribe(this.store.models, models => this.setState({ models }));
        this.subscribe(this.store.activeModelId, activeId => { this.stopStalePredictions(); this.setState({ activeId }, () => { this.applyTheme(); this.drawParity(); this.updateArrows(); }); });
        this.subscribe(this.plugin.managers.structure.hierarchy.behaviors.selection, () => { this.stopStalePredictions(); this.updateLegend(); this.drawParity(); this.updateArrows(); });
        this.subscribe(this.store.revision, () => this.drawParity());
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

    /** Applies the chosen acelens colour theme to every component of every structure (or Mol*'s default for 'none'). */
    applyTheme = async () => {
        const q = this.quantity();
        const structures = this.plugin.managers.structure.hierarchy.current.structures;
        const components = structures.flatMap(s => s.components);
        if (components.length === 0) return;
        const model = this.store.activeModel;
        if (!q || !model) {
            if (!q) await this.plugin.managers.structure.component.updateRepresentationsTheme(components, { color: 'default' as any });
            this.updateLegend();
            return;
        }
        const colorParams: Record<string, any> = { model: model.id, range: this.state.range, scope: this.state.scope, min: this.state.min, max: this.state.max };
        if (q.params) colorParams.component = this.state.component;
        await this.plugin.managers.structure.component.updateRepresentationsTheme(components, { color: q.name as any, colorParams });
        this.updateLegend();
    };

    /** The legend shown in the panel: the same range computation as the theme. */
    private updateLegend() {
        const q = this.quantity();
        const model = this.store.activeModel;
        const current = currentDataset(this.plugin);
        if (!q || !model || !current) { this.setState({ legend: undefined }); return; }
        try {
            const frames = this.state.scope === 'dataset' ? current.dataset.frames : [current.dataset.frames[current.frameIndex]];
            const pooled: number[] = [];
            for (const f of frames) {
                const v = q.values(this.store, model, f, { component: this.state.component });
                if (v) for (let i = 0; i < v.length; i++) pooled.push(v[i]);
            }
            const range = colourRange(Float64Array.from(pooled), q.kind, this.state.range, { min: this.state.min, max: this.state.max });
            const labels = legendLabels(q, range);
            const colours = ColorLists[q.colours].list.map(c => Color.toHexStyle(Array.isArray(c) ? c[0] : c as Color));
            this.setState({ legend: { min: labels.min, max: labels.max, colours } });
        } catch (e) {
            this.setState({ legend: undefined, message: (e as Error).message });
        }
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

    /** Parity plots, one draw after another (Plotly calls on one element must not overlap). */
    private drawParity = serialDraw(() => this.drawParityNow(), e => this.setState({ message: `parity plot: ${e.message}` }));

    /** A prediction job for a model or dataset no longer shown would hold up the next draw: stop it. */
    private stopStalePredictions() {
        this.store.cancelPredictionsUnless(this.store.activeModel?.id, currentDataset(this.plugin)?.dataset.frames);
    }

    /**
     * The active model's predictions for every frame of the loaded dataset, computed in a web worker when not
     * cached (progress in the panel, Cancel stops it); false when they were cancelled or the model or dataset
     * changed meanwhile.
     */
    private async ensurePredictions(model: StoredModel, frames: readonly Frame[]): Promise<boolean> {
        if (frames.every(f => this.store.cachedPrediction(model, f))) return true;
        // the progress row only for work that lasts (no flash for a small dataset)
        const started = Date.now();
        let latest = { done: 0, total: frames.length };
        const show = () => { if (Date.now() - started >= PROGRESS_AFTER_MS) this.setState({ predicting: latest }); };
        const timer = setTimeout(show, PROGRESS_AFTER_MS);
        try {
            await this.store.predictAll(model, frames, (done, total) => { latest = { done, total }; show(); });
        } catch (e) {
            if (e instanceof PredictionsCancelled) return false;
            throw e;
        } finally {
            clearTimeout(timer);
            this.setState({ predicting: undefined });
        }
        return this.store.activeModel === model && currentDataset(this.plugin)?.dataset.frames === frames;
    }

    /** Parity plots of the active model on the loaded dataset; a click shows that frame and atom. */
    private async drawParityNow() {
        const eDiv = this.parityEnergy.current, fDiv = this.parityForce.current, dDiv = this.errorByDistance.current;
        const model = this.store.activeModel;
        const current = currentDataset(this.plugin);
        if (!eDiv || !fDiv || !dDiv) return;
        const Plotly = await loadPlotly();
        await this.drawLambdaScan(Plotly, model);
        if (!model || !current) { Plotly.purge(eDiv); Plotly.purge(fDiv); Plotly.purge(dDiv); this.setState({ worst: undefined }); return; }
        const frames = current.dataset.frames;
        if (!(await this.ensurePredictions(model, frames))) return;
        this.setState({ worst: worstAtoms(frames, f => this.store.predict(model, f), 8) });
        const e0 = this.store.engine(model).e0;
        const ex: number[] = [], ey: number[] = [], eText: string[] = [], eIdx: number[] = [];
        const fx: number[] = [], fy: number[] = [], fIdx: number[][] = [];
        for (let k = 0; k < frames.length; k++) {
            const f = frames[k];
            if (f.natoms <= 1) continue;
            const p = this.store.predict(model, f);
            if (f.energy !== undefined) {
                ex.push((f.energy - f.natoms * e0) / f.natoms); ey.push((p.energy - f.natoms * e0) / f.natoms);
                eText.push(`#${k} ${f.configType ?? ''}`); eIdx.push(k);
            }
            if (f.forces) for (let c = 0; c < 3 * f.natoms; c++) { fx.push(f.forces[c]); fy.push(p.forces[c]); fIdx.push([k, Math.floor(c / 3)]); }
        }
        const line = (v: number[]) => { const lo = Math.min(...v), hi = Math.max(...v); return { x: [lo, hi], y: [lo, hi], mode: 'lines', line: { color: '#888', width: 1 }, hoverinfo: 'skip', showlegend: false }; };
        await Plotly.react(eDiv, [line([...ex, ...ey]), { x: ex, y: ey, text: eText, type: 'scattergl', mode: 'markers', marker: { size: 5, color: '#1f5fa8' }, name: 'structures', hovertemplate: '%{text}<br>DFT %{x:.3f} eV<br>model %{y:.3f} eV<extra></extra>' }],
            panelLayout({ height: 220, showlegend: false, xaxis: { title: { text: 'E_DFT − E0 (eV/atom)' } }, yaxis: { title: { text: 'E_model − E0 (eV/atom)' }, scaleanchor: 'x' } }), PanelPlotConfig);
        await Plotly.react(fDiv, [line([...fx, ...fy]), { x: fx, y: fy, type: 'scattergl', mode: 'markers', marker: { size: 3, color: '#b5651d', opacity: 0.6 }, name: 'force components', hovertemplate: 'DFT %{x:.2f}<br>model %{y:.2f} eV/Å<extra></extra>' }],
            panelLayout({ height: 220, showlegend: false, xaxis: { title: { text: 'F_DFT (eV/Å)' } }, yaxis: { title: { text: 'F_model (eV/Å)' }, scaleanchor: 'x' } }), PanelPlotConfig);
        (eDiv as any).removeAllListeners?.('plotly_click');
        (fDiv as any).removeAllListeners?.('plotly_click');
        (eDiv as any).on('plotly_click', (ev: any) => { const pt = ev.points?.[0]; if (pt && pt.curveNumber === 1) showFrame(this.plugin, eIdx[pt.pointIndex]); });
        (fDiv as any).on('plotly_click', (ev: any) => { const pt = ev.points?.[0]; if (pt && pt.curveNumber === 1) { const [k, atom] = fIdx[pt.pointIndex]; this.showAtom(k, atom); } });
        await this.drawErrorByDistance(Plotly, dDiv, frames, f => this.store.predict(model, f));
    }

    /** When the active model's λ was chosen by a scan: train and validation RMSEs against λ, the kept λ marked. */
    private async drawLambdaScan(Plotly: any, model: StoredModel | undefined) {
        const div = this.lambdaScan.current;
        if (!div) return;
        const scan = model?.file?.fit.lambdaScan;
        if (!scan) { Plotly.purge(div); return; }
        const x = scan.map(p => p.lambda > 0 ? p.lambda : NaN); // λ = 0 has no place on a log axis
        const kept = model!.file!.fit.lambda;
        const traces = [
            { x, y: scan.map(p => p.train.energy_rmse_meV_atom), name: 'train E', type: 'scatter', mode: 'lines+markers', line: { color: '#1f5fa8', dash: 'dot' } },
            { x, y: scan.map(p => p.valid.energy_rmse_meV_atom), name: 'valid E', type: 'scatter', mode: 'lines+markers', line: { color: '#1f5fa8' } },
            { x, y: scan.map(p => p.train.force_rmse_meV_A), name: 'train F', type: 'scatter', mode: 'lines+markers', yaxis: 'y2', line: { color: '#b5651d', dash: 'dot' } },
            { x, y: scan.map(p => p.valid.force_rmse_meV_A), name: 'valid F', type: 'scatter', mode: 'lines+markers', yaxis: 'y2', line: { color: '#b5651d' } },
        ];
        await Plotly.react(div, traces, panelLayout({
            height: 230, margin: { l: 48, r: 48, t: 8, b: 60 },
            xaxis: { title: { text: 'λ' }, type: 'log', exponentformat: 'power' },
            yaxis: { title: { text: 'E RMSE (meV/atom)' }, type: 'log' },
            yaxis2: { title: { text: 'F RMSE (meV/Å)' }, type: 'log', overlaying: 'y', side: 'right' },
            shapes: kept > 0 ? [{ type: 'line', xref: 'x', yref: 'paper', x0: kept, x1: kept, y0: 0, y1: 1, line: { color: '#2a2', width: 2 } }] : [],
            legend: { orientation: 'h', y: -0.35, font: { size: 8 } },
        }), PanelPlotConfig);
    }

    /**
     * |ΔF| of every atom against its nearest-neighbour distance (one colour per config_type, log scale, the
     * median and 90th percentile of the 0.05 Å bins with at least MIN_BIN_ATOMS atoms as lines; a click shows
     * the atom), or the same errors as histograms per config_type, stacked. Legend below the plot (the panel is narrow).
     */
    private async drawErrorByDistance(Plotly: any, div: HTMLDivElement, frames: readonly Frame[], predict: (f: Frame) => FramePrediction) {
        const points = forceErrorByNearestNeighbour(frames, predict);
        const groups = [...groupByConfigType(points)];
        (div as any).removeAllListeners?.('plotly_click');
        if (this.state.errorPlot === 'histogram') {
            const traces = groups.map(([ct, g]) => ({ x: g.map(p => p.forceError), type: 'histogram', name: ct, nbinsx: 40, hovertemplate: `${ct}<br>|ΔF| %{x} eV/Å<br>%{y} atoms<extra></extra>` }));
            await Plotly.react(div, traces, panelLayout({ height: 420, barmode: 'stack', ...ConfigTypeLegend, xaxis: { title: { text: '|F_model − F_DFT| (eV/Å)' } }, yaxis: { title: { text: 'atoms' } } }), PanelPlotConfig);
            return;
        }
        const bins = binByDistance(points).filter(b => b.count >= MIN_BIN_ATOMS);
        const mid = bins.map(b => (b.lo + b.hi) / 2);
        const traces: any[] = groups.map(([ct, g]) => ({
            x: g.map(p => p.nearest), y: g.map(p => p.forceError), customdata: g.map(p => [p.frame, p.atom]), type: 'scattergl', mode: 'markers', name: ct,
            marker: { size: 4, opacity: 0.7 }, hovertemplate: `${ct}<br>frame %{customdata[0]}, atom %{customdata[1]}<br>d_nn %{x:.3f} Å<br>|ΔF| %{y:.3f} eV/Å<extra></extra>`,
        }));
        traces.push({ x: mid, y: bins.map(b => b.median), type: 'scatter', mode: 'lines', name: 'median', line: { color: '#000', width: 2 }, hoverinfo: 'skip' });
        traces.push({ x: mid, y: bins.map(b => b.p90), type: 'scatter', mode: 'lines', name: '90th percentile', line: { color: '#000', width: 1, dash: 'dash' }, hoverinfo: 'skip' });
        await Plotly.react(div, traces, panelLayout({ height: 420, ...ConfigTypeLegend, xaxis: { title: { text: 'nearest-neighbour distance (Å)' } }, yaxis: { title: { text: '|F_model − F_DFT| (eV/Å)' }, type: 'log' } }), PanelPlotConfig);
        (div as any).on('plotly_click', (ev: any) => { const cd = ev.points?.[0]?.customdata; if (cd) this.showAtom(cd[0], cd[1]); });
    }

    private downloadAtomErrors = () => {
        const model = this.store.activeModel;
        const current = currentDataset(this.plugin);
        if (!model || !current) { this.setState({ message: 'per-atom errors: fit or choose a model and load a dataset first' }); return; }
        const points = forceErrorByNearestNeighbour(current.dataset.frames, f => this.store.predict(model, f));
        downloadText(atomErrorsCsv(points), `${current.dataset.name.replace(/\.[^.]*$/, '')}-atom-errors-${fileSafe(model.name)}.csv`, 'text/csv');
    };

    private async showAtom(frameIndex: number, atom: number) {
        await showFrame(this.plugin, frameIndex);
        const structure = this.plugin.managers.structure.hierarchy.current.structures[0]?.cell.obj?.data as Structure | undefined;
        if (!structure) return;
        for (const unit of structure.units) {
            if (!getFrameData(unit.model)) continue;
            const idx = OrderedSet.indexOf(unit.elements as any, atom as any);
            if (idx < 0) continue;
            const loci = StructureElement.Loci(structure, [{ unit, indices: OrderedSet.ofSingleton(idx as any) }]);
            this.plugin.managers.interactivity.lociSelects.selectOnly({ loci });
            this.plugin.managers.camera.focusLoci(loci);
            this.setState({ message: `frame ${frameIndex}, atom ${atom} (element ${StructureProperties.atom.type_symbol(StructureElement.Location.create(structure, unit, unit.elements[idx]))})` });
            return;
        }
    }

    /** What a loaded PACE potential is: its radial basis, embedding, cutoff, order and body-order note. */
    private paceSummary(m: StoredModel) {
        const e = this.store.engine(m);
        const note = this.store.bodyOrderNote(m);
        return `${m.pace?.fileName}: ${e.spec.variant}; cutoff ${e.spec.rcut} Å; body order up to ${e.order}; E0 ${e.e0} eV`
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
                <b>{active.name}</b>: {this.paceSummary(active)}. No training errors are stored in a .yace: parity and force errors below are on the loaded dataset.</div>}
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
                    <div className='msp-help-text'>{q.symbol} ({q.unit}){active ? ` · ${active.name}` : ' · no model'}</div>
                    {this.state.legend && <>
                        <div style={{ height: 10, background: `linear-gradient(to right, ${this.state.legend.colours.join(', ')})` }} />
                        <div style={{ display: 'flex', justifyContent: 'space-between' }}><span>{this.state.legend.min}</span><span>{this.state.legend.max.split(' · ')[0]}</span></div>
                    </>}
                    <div><span style={{ display: 'inline-block', width: 10, height: 10, background: Color.toHexStyle(NoValueColor), marginRight: 4 }} />no value (no DFT forces or no model)</div>
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
            {this.state.predicting && <div className='msp-flex-row' style={{ alignItems: 'center' }} data-testid='acelens-predicting'>
                <span className='msp-help-text' style={{ flex: 1 }}>predicting {this.state.predicting.done}/{this.state.predicting.total} structures in a worker</span>
                <button className='msp-btn' style={{ width: 70 }} onClick={() => this.store.cancelPredictions()} data-testid='acelens-predicting-cancel'>Cancel</button>
            </div>}
            {active?.file?.fit.lambdaScan && <div className='msp-help-text' style={{ marginTop: 6 }}>
                λ of <b>{active.name}</b> chosen on the validation split: {active.file.fit.lambda.toExponential(1)} (green), of {active.file.fit.lambdaScan.length} scanned</div>}
            <div ref={this.lambdaScan} data-testid='acelens-lambda-scan' />
            <div className='msp-help-text' style={{ marginTop: 6 }}>Parity on the loaded dataset (click a point to show it)</div>
            <div ref={this.parityEnergy} data-testid='acelens-parity-energy' />
            <div ref={this.parityForce} data-testid='acelens-parity-force' />
            <div className='msp-control-row' style={{ marginTop: 6 }} title={`per atom: |F_model − F_DFT| against the distance to its nearest neighbour (images included; atoms with none within ${NEAREST_RMAX} Å left out)`}>
                <span className='msp-control-row-label'>Force error</span>
                <div className='msp-control-row-ctrl' style={{ display: 'flex' }}>
                    <select className='msp-form-control' value={this.state.errorPlot} onChange={e => this.setState({ errorPlot: e.target.value as State['errorPlot'] }, () => this.drawParity())} data-testid='acelens-error-plot'>
                        <option value='distance'>against nearest-neighbour distance</option>
                        <option value='histogram'>histogram per config_type</option>
                    </select>
                    <button className='msp-btn' style={{ width: 48 }} title='per-atom force errors and nearest-neighbour distances of the active model on the loaded dataset, as CSV' onClick={this.downloadAtomErrors} data-testid='acelens-error-csv'>CSV</button>
                </div>
            </div>
            <div ref={this.errorByDistance} data-testid='acelens-error-distance' />
            {this.state.worst && this.state.worst.length > 0 && <>
                <div className='msp-help-text' style={{ marginTop: 6 }} title={`bonded neighbours: within ${BOND_CUTOFF} Å; E_K≥3: the model's many-body part of that atom's energy`}>
                    Largest force errors on the loaded dataset (click a row to show the atom)</div>
                <table style={{ width: '100%', borderCollapse: 'collapse', textAlign: 'right' }} data-testid='acelens-worst-atoms'>
                    <thead><tr>{['frame', 'atom', 'type', '|ΔF| (eV/Å)', '|F_DFT| (eV/Å)', 'bonds', 'E_K≥3 (eV)'].map(h => <th key={h} style={th}>{h}</th>)}</tr></thead>
                    <tbody>{this.state.worst.map(w => <tr key={`${w.frame}-${w.atom}`} style={{ cursor: 'pointer', borderTop: '1px solid #ccc' }} onClick={() => this.showAtom(w.frame, w.atom)}>
                        <td>{w.frame}</td><td>{w.atom}</td><td style={{ textAlign: 'left', paddingLeft: 4 }}>{w.configType ?? '—'}</td>
                        <td>{w.forceError.toFixed(2)}</td><td>{w.dftForce.toFixed(2)}</td><td>{w.neighbours}</td><td title={Number.isNaN(w.manyBody) ? 'no body-order split (non-linear embedding)' : undefined}>{Number.isNaN(w.manyBody) ? '—' : w.manyBody.toFixed(2)}</td>
                    </tr>)}</tbody>
                </table>
            </>}
        </div>;
    }
}
