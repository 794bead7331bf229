/**
 * The plot area of the acelens workspace, beside the 3D view: parity of energies per atom and of force
 * components, the force error of every atom against its nearest-neighbour distance, histograms of the force
 * errors per config_type, and the λ scan of the active model; with the selected atoms as a table sorted by error.
 *
 * Linked both ways with the 3D view: a box/lasso selection or a click in a plot selects those atoms in Mol*
 * (switching the frame when needed) and lists them; a value range picked on the histogram selects the atoms in
 * it; an atom hovered, clicked or selected in 3D is marked in every plot. Points are WebGL (scattergl) traces,
 * data are typed arrays (src/analysis/dataset-errors.ts), so the GAP-20 concatenation (2·10⁵ atoms, 6·10⁵ force
 * components) draws. The points are coloured with the palette and range of the 3D colouring when it shows the
 * force error (one legend for both), else with the same palette over the dataset's 2nd–98th percentile.
 */
import { PluginCommands } from 'molstar/lib/mol-plugin/commands';
import * as React from 'react';
import { flushSync } from 'react-dom';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { ColorLists } from 'molstar/lib/mol-util/color/lists';
import { Color } from 'molstar/lib/mol-util/color';
import type { Frame } from '../../src/structure/frame';
import { atomRows, atomsInRange, atomsOfFrames, datasetErrors, energyReference, histogramByGroup, type AtomRow, type DatasetErrors, type EnergyReference } from '../../src/analysis/dataset-errors';
import { binByDistance, NEAREST_RMAX, type AtomErrorPoint } from '../../src/analysis/error-by-distance';
import { extent } from '../../src/util/extent';
import { currentDataset } from '../current-dataset';
import { acelensStore, type StoredModel } from '../store';
import { isCancelled } from '../worker/worker-task';
import { loadPlotly, serialDraw, type PlotlyModule } from '../plots/plotly';
import { keepHoverTreesReplaced } from '../plots/hover-index';
import { afterNextFrame } from '../idle';
import { PlotPointSelector, selectablePoints, type Outline, type SelectablePoints, type SelectHow } from '../plots/point-select';
import type { AcelensDataset } from '../props/frame-data';
import { atomIdsOfLoci, selectAtomsInViewer, selectedAtomIds } from './linking';
import { workspaceState, type AtomSelection, type SharedColouring } from './state';
import { AcelensCurvePlots } from './curve-plots';
import { PlotMarks, type MarkSet } from './point-marks';
import { curvePlots } from './curves';

/** Rows of the selection table drawn at most (the count says how many there are). */
const MAX_TABLE_ROWS = 300;
/** Bins of the force-error histogram. */
const HISTOGRAM_BINS = 60;
/** Bins of the error-by-distance curves with fewer atoms than this get no median / percentile point. */
const MIN_BIN_ATOMS = 5;
/** Twenty distinct colours for config_types (GAP-20 has 18). */
const ConfigTypeColours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
    '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];
const SelectionColour = '#ff2d00';
const HoverColour = '#00c8ff';

export type EnergyMode = 'as-is' | 'aligned' | 'forces-only';

type PlotKey = 'energy' | 'force' | 'distance' | 'histogram' | 'lambda';
type MarkedPlot = 'energy' | 'force' | 'distance';

type Selection = AtomSelection;

interface State {
    model?: StoredModel;
    dataset?: AcelensDataset;
    predicting?: { done: number; total: number };
    /** the last dataset prediction was cancelled (the area offers to predict again) */
    predictionsCancelled?: boolean;
    message?: string;
    reference?: EnergyReference;
    energyMode: EnergyMode;
    selection?: Selection;
    rows: AtomRow[];
    drawn: number;
}

interface Drawn {
    errors: DatasetErrors;
    /** per plot: atom ids of the points of its data trace (point index → id); energy: frame index per point */
    distanceIds: Int32Array;
    energyFrames: Int32Array;
    histogramRange: { lo: number; hi: number; above: number };
    energyOffset: number;
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}

/** Whether sorted `a` holds `x`. */
function binarySearch(a: Int32Array, x: number): boolean {
    let lo = 0, hi = a.length - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (a[mid] === x) return true;
        if (a[mid] < x) lo = mid + 1; else hi = mid - 1;
    }
    return false;
}

/** The atom of `ids` with the largest force error (the first when none is finite). */
function largestForceError(errors: DatasetErrors, ids: Int32Array): number {
    let best = ids[0], max = -Infinity;
    for (const id of ids) if (errors.forceError[id] > max) { max = errors.forceError[id]; best = id; }
    return best;
}

function plotlyScale(colours: string[]): [number, string][] {
    return colours.map((c, k) => [colours.length === 1 ? 0 : k / (colours.length - 1), c]);
}

/** Quantile (linear interpolation) of sorted finite values. */
function quantileOfSorted(finite: Float64Array, q: number): number {
    if (finite.length === 0) return NaN;
    const x = q * (finite.length - 1), i = Math.floor(x), f = x - i;
    return i + 1 < finite.length ? finite[i] * (1 - f) + finite[i + 1] * f : finite[i];
}

/** The finite |ΔF| of a dataset's atoms, sorted: once per DatasetErrors (2·10⁵ values on GAP-20 take a second to sort). */
const sortedForceErrors = new WeakMap<DatasetErrors, Float64Array>();

/** Quantile (linear interpolation) of the finite per-atom force errors of the dataset. */
function forceErrorQuantile(errors: DatasetErrors, q: number): number {
    let sorted = sortedForceErrors.get(errors);
    if (!sorted) {
        const v = errors.forceError;
        let n = 0;
        for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) n++;
        sorted = new Float64Array(n);
        for (let i = 0, k = 0; i < v.length; i++) if (Number.isFinite(v[i])) sorted[k++] = v[i];
        sorted.sort();
        sortedForceErrors.set(errors, sorted);
    }
    return quantileOfSorted(sorted, q);
}

const ViridisFallback = (): string[] => ColorLists['viridis'].list.map(c => Color.toHexStyle(Array.isArray(c) ? c[0] : c as Color));

export class AcelensPlotArea extends PluginUIComponent<{}, State> {
    override state: State = { energyMode: 'as-is', rows: [], drawn: 0 };
    private divs: Record<PlotKey, React.RefObject<HTMLDivElement | null>> = {
        energy: React.createRef(), force: React.createRef(), distance: React.createRef(), histogram: React.createRef(), lambda: React.createRef(),
    };
    private container = React.createRef<HTMLDivElement>();
    /** the rings of the selected and hovered atoms over the point plots (a canvas each: ./point-marks.ts) */
    private markCanvases: Record<MarkedPlot, React.RefObject<HTMLCanvasElement | null>> = { energy: React.createRef(), force: React.createRef(), distance: React.createRef() };
    private marks: Record<MarkedPlot, PlotMarks> = {
        energy: new PlotMarks(() => this.divs.energy.current, () => this.markCanvases.energy.current),
        force: new PlotMarks(() => this.divs.force.current, () => this.markCanvases.force.current),
        distance: new PlotMarks(() => this.divs.distance.current, () => this.markCanvases.distance.current),
    };
    private drawnData?: Drawn;
    /** box, lasso and click selection of the points of each point plot, answered by us (../plots/point-select.ts) */
    private selectors: Partial<Record<MarkedPlot, PlotPointSelector>> = {};
    /** each point plot's points as its selector sees them, and the atom ids of a set of its point indices */
    private selectable: Partial<Record<MarkedPlot, { points: SelectablePoints; ids: (indices: Int32Array) => Int32Array; name: string }>> = {};
    private errorsCache?: { modelId: string; frames: readonly Frame[]; errors: DatasetErrors };
    private hovered: number[] = [];
    /** Mol* selection changes made by this component (not to be read back as a 3D selection) */
    private selectingFromPlot = 0;
    private resizeObserver?: ResizeObserver;
    private datasetKey = '';
    /** the point colours last applied by `recolour`, and to which drawing */
    private pointColoursKey = '';
    private pointColoursDrawn?: Drawn;

    private get store() { return acelensStore(this.plugin); }

    override componentDidMount() {
        const store = this.store;
        this.subscribe(store.activeModelId, () => this.redraw());
        this.subscribe(store.revision, () => this.redraw());
        this.subscribe(this.plugin.managers.structure.hierarchy.behaviors.selection, () => {
            const current = currentDataset(this.plugin);
            const key = current ? current.trajectory.cell.transform.ref : '';
            if (key !== this.datasetKey) { this.datasetKey = key; this.hovered = []; this.setState({ selection: undefined, rows: [] }); workspaceState(this.plugin).selection.next(undefined); this.redraw(); }
        });
        this.subscribe(workspaceState(this.plugin).colouring, () => this.recolour());
        // 3D → plots: the atom under the mouse, a clicked atom, Mol*'s selection
        let hoverFrame = 0;
        this.subscribe(this.plugin.behaviors.interaction.hover, ev => {
            cancelAnimationFrame(hoverFrame);
            hoverFrame = requestAnimationFrame(() => this.setHovered(this.idsOfLoci(ev.current.loci)));
        });
        this.subscribe(this.plugin.behaviors.interaction.click, ev => {
            const ids = this.idsOfLoci(ev.current.loci);
            if (ids.length > 0 && !this.plugin.selectionMode) this.setSelection({ ids: Int32Array.from(ids), label: '3D: clicked atom' }, false);
        });
        this.subscribe(this.plugin.managers.structure.selection.events.changed, () => {
            if (this.selectingFromPlot > 0) return;
            const d = this.drawnData, current = currentDataset(this.plugin);
            if (!d || !current) return;
            const ids = selectedAtomIds(this.plugin, current.dataset, d.errors.index);
            // an echo of a selection made here (the shown frame's part of it) changes nothing
            const mine = this.selection?.ids;
            if (mine && ids.every(id => binarySearch(mine, id))) return;
            if (ids.length > 0) this.setSelection({ ids: Int32Array.from(ids), label: '3D: Mol* selection' }, false);
        });
        if (typeof ResizeObserver !== 'undefined' && this.container.current) {
            let pending = 0;
            this.resizeObserver = new ResizeObserver(() => {
                cancelAnimationFrame(pending);
                pending = requestAnimationFrame(() => this.resizePlots());
            });
            this.resizeObserver.observe(this.container.current);
        }
        this.redraw();
    }

    override componentWillUnmount() {
        super.componentWillUnmount();
        this.resizeObserver?.disconnect();
    }

    private idsOfLoci(loci: any): number[] {
        const d = this.drawnData, current = currentDataset(this.plugin);
        // the plots drawn may still be of the previous dataset (just replaced): its atom ids are not this one's
        if (!d || !current || !loci || this.errorsCache?.frames !== current.dataset.frames || this.errorsCache.errors !== d.errors) return [];
        return atomIdsOfLoci(loci, current.dataset, d.errors.index);
    }

    private async resizePlots() {
        const Plotly = await loadPlotly();
        for (const key of Object.keys(this.divs) as PlotKey[]) {
            const div = this.divs[key].current;
            if (div && (div as any)._fullLayout) Plotly.Plots.resize(div);
        }
    }

    /** Redraws everything (model, dataset or options changed); draws run one after another. */
    redraw = serialDraw(() => this.drawNow(), e => this.setState({ message: `plots: ${e.message}` }));

    /**
     * The active model's predictions for every frame of the dataset: the store's prediction job, one Mol* task in a
     * web worker (Mol*'s progress and Abort; this area's Cancel terminates the worker at once). False when
     * cancelled (nothing of it is cached; "Predict again" starts anew) or no longer current.
     */
    private async ensurePredictions(model: StoredModel, frames: readonly Frame[]): Promise<boolean> {
        const store = this.store;
        if (frames.every(f => store.cachedPrediction(model, f))) return true;
        try {
            await store.predictAll(model, frames, { onProgress: (done, total) => this.setState({ predicting: { done, total } }) });
        } catch (e) {
            if (isCancelled(e)) {
                // drawn now, not in a later task behind whatever the main thread has queued
                flushSync(() => this.setState({ predicting: undefined, predictionsCancelled: true, message: `predictions of ${model.name} cancelled${e.by === 'mol*' ? ' (Mol* task aborted)' : ''}: nothing of them was kept` }));
                return false;
            }
            throw e;
        } finally {
            this.setState({ predicting: undefined });
        }
        return store.activeModel === model && currentDataset(this.plugin)?.dataset.frames === frames;
    }

    cancelPredictions = () => this.store.cancelPredictions();

    private errorsOf(model: StoredModel, frames: readonly Frame[]): DatasetErrors {
        const c = this.errorsCache;
        if (c && c.modelId === model.id && c.frames === frames) return c.errors;
        const errors = datasetErrors(frames, f => this.store.predict(model, f), this.store.engine(model).e0);
        this.errorsCache = { modelId: model.id, frames, errors };
        return errors;
    }

    /** The colour scale of the points: the 3D colouring's when it shows |ΔF|, else the same palette over the dataset's 2–98 %. */
    private pointColours(errors: DatasetErrors): { colours: string[]; min: number; max: number; title: string; shared: boolean } {
        const c: SharedColouring | undefined = workspaceState(this.plugin).colouring.value;
        if (c && c.quantity === 'acelens-force-error' && c.scope === 'dataset') return { colours: c.colours, min: c.min, max: c.max, title: '|ΔF| (eV/Å)<br>= 3D legend', shared: true };
        // the 3D range of one frame would saturate the dataset's points: same palette, the dataset's own range
        const colours = c && c.quantity === 'acelens-force-error' ? c.colours : ViridisFallback();
        return { colours, min: forceErrorQuantile(errors, 0.02), max: forceErrorQuantile(errors, 0.98), title: '|ΔF| (eV/Å)<br>dataset 2–98 %', shared: false };
    }

    private layout(extra: Record<string, any>): Record<string, any> {
        return {
            autosize: true,
            height: 420,
            margin: { l: 70, r: 20, t: 36, b: 56 },
            font: { size: 12 },
            paper_bgcolor: '#fff',
            plot_bgcolor: '#fff',
            dragmode: 'select',
            hovermode: 'closest',
            uirevision: 'keep',
            ...extra,
        };
    }

    private config() {
        return { displaylogo: false, responsive: true, scrollZoom: false, toImageButtonOptions: { format: 'svg' } };
    }

    private async drawNow() {
        const Plotly = await loadPlotly();
        const model = this.store.activeModel;
        const current = currentDataset(this.plugin);
        this.setState({ model, dataset: current?.dataset, message: undefined, predictionsCancelled: false });
        await this.drawLambdaScan(Plotly, model);
        const main: PlotKey[] = ['energy', 'force', 'distance', 'histogram'];
        const clear = () => {
            for (const k of main) { const div = this.divs[k].current; if (div) Plotly.purge(div); }
            for (const k of ['energy', 'force', 'distance'] as const) this.marks[k].clear();
            this.drawnData = undefined;
            this.selectable = {};
            workspaceState(this.plugin).errors.next(undefined);
            this.setState({ rows: [], reference: undefined });
        };
        if (!model || !current) { clear(); return; }
        const frames = current.dataset.frames;
        // the plots shown are of another model or dataset until this one's predictions are all there (and stay
        // empty when they are cancelled)
        if (!frames.every(f => this.store.cachedPrediction(model, f))) clear();
        if (!(await this.ensurePredictions(model, frames))) return;
        const errors = this.errorsOf(model, frames);
        const reference = energyReference(frames, errors);
        this.setState({ reference });
        const mode = this.state.energyMode;
        const energyOffset = mode === 'aligned' ? reference.meanOffset ?? 0 : 0;
        const colours = this.pointColours(errors);
        const scale = plotlyScale(colours.colours);
        const eDiv = this.divs.energy.current!, fDiv = this.divs.force.current!, dDiv = this.divs.distance.current!, hDiv = this.divs.histogram.current!;

        // energy parity: one trace per config_type (≤ 3·10³ structures)
        const energyFrames: number[] = [];
        for (let k = 0; k < frames.length; k++) if (Number.isFinite(errors.energyDft[k])) energyFrames.push(k);
        const byType = new Map<number, number[]>();
        for (let j = 0; j < energyFrames.length; j++) {
            const t = errors.frameConfigType[energyFrames[j]];
            let list = byType.get(t);
            if (!list) byType.set(t, list = []);
            list.push(j);
        }
        const energyPoints = Int32Array.from(energyFrames);
        const ex = Float64Array.from(energyFrames, k => errors.energyDft[k]);
        const ey = Float64Array.from(energyFrames, k => errors.energyModel[k] - energyOffset);
        // one trace per config type; the point index within the trace maps back through `typeMembers`
        const typeTraces: { type: number; members: number[] }[] = [...byType.entries()].map(([type, members]) => ({ type, members }));
        const eExt = extent(ex, ey);
        const diag = (e: { min: number; max: number }) => ({ x: [e.min, e.max], y: [e.min, e.max], type: 'scatter', mode: 'lines', line: { color: '#888', width: 1 }, hoverinfo: 'skip', showlegend: false });
        // the legend entries of the rings drawn over the plot (./point-marks.ts): empty traces, never restyled
        const markTrace = (name: string, colour: string, size: number) => ({ x: [null], y: [null], type: 'scatter', mode: 'markers', name, marker: { size, color: 'rgba(0,0,0,0)', line: { color: colour, width: 2 } }, hoverinfo: 'skip', showlegend: true });
        if (mode === 'forces-only') {
            Plotly.purge(eDiv);
        } else {
            const traces: any[] = [diag(eExt), ...typeTraces.map(({ type, members }) => ({
                x: members.map(j => ex[j]), y: members.map(j => ey[j]), customdata: members.map(j => energyPoints[j]),
                type: 'scattergl', mode: 'markers', name: errors.configTypes[type], marker: { size: 6, color: ConfigTypeColours[type % ConfigTypeColours.length] },
                hovertemplate: `${errors.configTypes[type]}<br>frame %{customdata}<br>DFT %{x:.3f}, model %{y:.3f} eV/atom<extra></extra>`,
            }))];
            traces.push(markTrace('selected', SelectionColour, 12), markTrace('under the mouse in 3D', HoverColour, 16));
            const title = mode === 'aligned' ? `Energy parity (model energies shifted by ${(-energyOffset).toFixed(3)} eV/atom: E0 aligned)` : 'Energy parity';
            await Plotly.react(eDiv, traces, this.layout({
                title: { text: `${title} · ${energyFrames.length} structures`, font: { size: 13 } },
                xaxis: { title: { text: '(E_DFT − N·E0)/N (eV/atom)' } }, yaxis: { title: { text: '(E_model − N·E0)/N (eV/atom)' } },
                legend: { font: { size: 10 } },
            }), this.config());
        }

        // force parity: every component of every atom with DFT forces, one WebGL trace coloured by the atom's |ΔF|
        const F = errors.force;
        const fColour = Float64Array.from(F.atom, id => errors.forceError[id]);
        const fExt = extent(F.dft, F.model);
        await Plotly.react(fDiv, [diag(fExt), {
            x: F.dft, y: F.model, type: 'scattergl', mode: 'markers', name: 'force components',
            marker: { size: 3, color: fColour, colorscale: scale, cmin: colours.min, cmax: colours.max, showscale: true, colorbar: { title: { text: colours.title }, thickness: 12 } },
            hovertemplate: 'DFT %{x:.2f}, model %{y:.2f} eV/Å<extra></extra>', showlegend: false,
        }, markTrace('selected', SelectionColour, 9), markTrace('under the mouse in 3D', HoverColour, 12)], this.layout({
            title: { text: `Force parity · ${F.dft.length.toLocaleString('en')} components (x, y, z) of ${(F.dft.length / 3).toLocaleString('en')} atoms`, font: { size: 13 } },
            xaxis: { title: { text: 'F_DFT (eV/Å)' } }, yaxis: { title: { text: 'F_model (eV/Å)' } },
            legend: { x: 0, y: 1, bgcolor: 'rgba(255,255,255,0.7)', font: { size: 10 } },
        }), this.config());

        // |ΔF| against the nearest-neighbour distance: every atom with DFT forces and a neighbour within NEAREST_RMAX
        let count = 0;
        for (let id = 0; id < errors.index.total; id++) if (Number.isFinite(errors.nearest[id]) && Number.isFinite(errors.forceError[id])) count++;
        const distanceIds = new Int32Array(count);
        const dx = new Float64Array(count), dy = new Float64Array(count);
        for (let id = 0, j = 0; id < errors.index.total; id++) {
            if (!(Number.isFinite(errors.nearest[id]) && Number.isFinite(errors.forceError[id]))) continue;
            distanceIds[j] = id; dx[j] = errors.nearest[id]; dy[j] = errors.forceError[id]; j++;
        }
        const points: Pick<AtomErrorPoint, 'nearest' | 'forceError'>[] = Array.from(distanceIds, (_, j) => ({ nearest: dx[j], forceError: dy[j] }));
        const bins = binByDistance(points as AtomErrorPoint[]).filter(b => b.count >= MIN_BIN_ATOMS);
        const mid = bins.map(b => (b.lo + b.hi) / 2);
        await Plotly.react(dDiv, [{
            x: dx, y: dy, type: 'scattergl', mode: 'markers', name: 'atoms',
            marker: { size: 3, color: dy, colorscale: scale, cmin: colours.min, cmax: colours.max, showscale: false },
            hovertemplate: 'd_nn %{x:.3f} Å<br>|ΔF| %{y:.3f} eV/Å<extra></extra>', showlegend: false,
        },
        { x: mid, y: bins.map(b => b.median), type: 'scatter', mode: 'lines', name: 'median (0.05 Å bins)', line: { color: '#000', width: 2 }, hoverinfo: 'skip' },
        { x: mid, y: bins.map(b => b.p90), type: 'scatter', mode: 'lines', name: '90th percentile', line: { color: '#000', width: 1, dash: 'dash' }, hoverinfo: 'skip' },
        markTrace('selected', SelectionColour, 9), markTrace('under the mouse in 3D', HoverColour, 12)], this.layout({
            title: { text: `Force error against nearest-neighbour distance · ${count.toLocaleString('en')} atoms (none within ${NEAREST_RMAX} Å: left out)`, font: { size: 13 } },
            xaxis: { title: { text: 'nearest-neighbour distance d_nn (Å)' } }, yaxis: { title: { text: '|F_model − F_DFT| (eV/Å)' }, type: 'log' },
            legend: { x: 1, xanchor: 'right', y: 1, bgcolor: 'rgba(255,255,255,0.7)', font: { size: 10 } },
        }), this.config());

        // histograms of |ΔF| per config_type, stacked; the range up to the 99.5th percentile (the count above is told)
        const hi = forceErrorQuantile(errors, 0.995);
        const histogramRange = { lo: 0, hi: Number.isFinite(hi) && hi > 0 ? hi : 1, above: 0 };
        for (let id = 0; id < errors.index.total; id++) if (errors.forceError[id] > histogramRange.hi) histogramRange.above++;
        const h = histogramByGroup(errors.forceError, errors.atomConfigType, errors.configTypes.length, HISTOGRAM_BINS, histogramRange);
        const centres = Array.from({ length: HISTOGRAM_BINS }, (_, b) => (h.edges[b] + h.edges[b + 1]) / 2);
        const width = h.edges[1] - h.edges[0];
        const hTraces = h.counts.map((c, t) => ({ x: centres, y: Array.from(c), width, type: 'bar', name: errors.configTypes[t], marker: { color: ConfigTypeColours[t % ConfigTypeColours.length] }, hovertemplate: `${errors.configTypes[t]}<br>|ΔF| %{x:.3f} eV/Å<br>%{y} atoms<extra></extra>` }))
            .filter((_, t) => h.counts[t].some(x => x > 0));
        await Plotly.react(hDiv, hTraces, this.layout({
            // (short enough for a 600 px plot: the hint on selecting is the x axis title's second line)
            title: { text: `Force error per atom by config_type${histogramRange.above ? ` · ${histogramRange.above} atoms above ${histogramRange.hi.toFixed(2)} eV/Å not shown` : ''}`, font: { size: 13 } },
            barmode: 'stack', selectdirection: 'h', bargap: 0, margin: { l: 70, r: 20, t: 36, b: 70 },
            xaxis: { title: { text: '|F_model − F_DFT| (eV/Å)<br><span style="font-size:11px">drag across a range to select those atoms</span>' } }, yaxis: { title: { text: 'atoms' } },
            legend: { font: { size: 10 } },
        }), this.config());

        this.drawnData = {
            errors, distanceIds, energyFrames: energyPoints, energyOffset, histogramRange,
        };
        this.pointColoursKey = JSON.stringify([errors.index.total, colours.colours, colours.min, colours.max, colours.title]);
        this.pointColoursDrawn = this.drawnData;
        this.bindEvents(eDiv, fDiv, dDiv, hDiv, typeTraces);
        this.makeSelectable(Plotly, ex, ey, typeTraces, energyPoints, distanceIds, dx, dy);
        for (const k of ['energy', 'force', 'distance'] as const) this.marks[k].bind();
        // Plotly's hover look-up in 6·10⁵ points took seconds per mouse move: a grid index instead (../plots/hover-index.ts)
        for (const div of [eDiv, fDiv, dDiv]) keepHoverTreesReplaced(div);
        workspaceState(this.plugin).errors.next(errors);
        const rows = this.selection ? atomRows(errors, this.selection.ids) : [];
        this.setState({ drawn: this.state.drawn + 1, rows: rows.length ? rows : [] });
        if (!this.selection) this.showWorst(errors);
        await this.mark();
    }

    /**
     * The points of the parity and distance plots for our own box, lasso and click selection (a grid index each:
     * the 6·10⁵ force components are never handed to Plotly's selection), and the selectors on the plots.
     */
    private makeSelectable(Plotly: PlotlyModule, ex: Float64Array, ey: Float64Array, typeTraces: { type: number; members: number[] }[], energyFrames: Int32Array, distanceIds: Int32Array, dx: Float64Array, dy: Float64Array) {
        const d = this.drawnData!, errors = d.errors;
        const eDiv = this.divs.energy.current as any;
        // energy points in plot order: j → its config_type trace (1 + k in the plot: trace 0 is the diagonal)
        const traceOf = new Int32Array(ex.length);
        typeTraces.forEach(({ members }, k) => { for (const j of members) traceOf[j] = k; });
        const shown = (j: number) => { const t = eDiv?._fullData?.[1 + traceOf[j]]; return !t || t.visible === true; };
        const force = this.selectable.force?.points.x === errors.force.dft ? this.selectable.force.points : selectablePoints(errors.force.dft, errors.force.model);
        this.selectable = {
            energy: {
                name: 'energy parity (all atoms of the structures)', points: selectablePoints(ex, ey, shown),
                ids: js => atomsOfFrames(errors.index, [...new Set(Array.from(js, j => energyFrames[j]))].sort((a, b) => a - b)),
            },
            force: {
                name: 'force parity', points: force,
                ids: is => { const ids = new Set<number>(); for (const i of is) ids.add(errors.force.atom[i]); return Int32Array.from(ids).sort(); },
            },
            distance: { name: 'error against distance', points: selectablePoints(dx, dy), ids: js => Int32Array.from(js, j => distanceIds[j]).sort() },
        };
        for (const key of ['energy', 'force', 'distance'] as const) {
            const div = this.divs[key].current;
            if (!div || this.selectors[key]) continue;
            this.selectors[key] = new PlotPointSelector(div, {
                points: () => this.selectable[key]?.points,
                onSelect: (indices, how, additive) => this.selectFromPlot(key, indices, how, additive),
                onClear: () => this.setSelection(undefined, true),
                onOutline: outline => this.marks[key].setOutline(outline),
            }, update => { (Plotly as any).relayout(div, update); });
        }
    }

    private selectFromPlot(key: MarkedPlot, indices: Int32Array, how: SelectHow, additive: boolean) {
        performance.mark('acelens:select:plot-selected'); // (read by `npm run bench -- ui`)
        const s = this.selectable[key];
        if (!s) return;
        let ids = s.ids(indices);
        const before = this.selection?.ids;
        if (additive && before) ids = Int32Array.from(new Set([...before, ...ids])).sort();
        const outline = this.marks[key].shownOutline;
        this.setSelection({ ids, label: `${s.name}: ${how}${additive ? ' (added)' : ''}` }, true, how === 'click', key, outline);
    }

    /** Without a selection the table lists the atoms with the largest force errors of the dataset. */
    private showWorst(errors: DatasetErrors) {
        const ids = atomsInRange(errors.forceError, forceErrorQuantile(errors, 0.999), Infinity);
        this.setState({ rows: atomRows(errors, ids).slice(0, 20) });
    }

    private bindEvents(eDiv: HTMLDivElement, fDiv: HTMLDivElement, dDiv: HTMLDivElement, hDiv: HTMLDivElement, typeTraces: { type: number; members: number[] }[]) {
        for (const div of [eDiv, fDiv, dDiv, hDiv] as any[]) {
            div.removeAllListeners?.('plotly_selected');
            div.removeAllListeners?.('plotly_click');
            div.removeAllListeners?.('plotly_deselect');
        }
        const d = this.drawnData!;
        // Plotly's points → indices of the plot's points as `makeSelectable` numbers them (-1: a point of another trace);
        // their atoms from the same `ids` as our own selection
        const indexOf: Record<MarkedPlot, (p: any) => number> = {
            energy: p => { const t = p.curveNumber - 1; return t >= 0 && t < typeTraces.length ? typeTraces[t].members[p.pointIndex ?? p.pointNumber] : -1; },
            force: p => p.curveNumber === 1 ? p.pointIndex ?? p.pointNumber : -1,
            distance: p => p.curveNumber === 0 ? p.pointIndex ?? p.pointNumber : -1,
        };
        const how = (ev: any) => ev?.lassoPoints ? 'lasso' : 'box';
        const on = (div: any, key: MarkedPlot) => {
            const selection = (points: any[], label: string) => {
                const s = this.selectable[key];
                return s ? { ids: s.ids(Int32Array.from(points.map(indexOf[key]).filter(i => i >= 0))), label: `${s.name}: ${label}` } : undefined;
            };
            // Plotly's own selection only where ours (makeSelectable) does not take the gesture, e.g. touch
            div.on('plotly_selected', (ev: any) => {
                performance.mark('acelens:select:plot-selected'); // (read by `npm run bench -- ui`)
                const sel = ev?.points && selection(ev.points, how(ev));
                if (sel) this.setSelection(sel, true);
            });
            div.on('plotly_click', (ev: any) => { const sel = ev?.points?.length && selection(ev.points.slice(0, 1), 'click'); if (sel) this.setSelection(sel, true, true); });
            div.on('plotly_deselect', () => this.setSelection(undefined, true));
        };
        on(eDiv, 'energy');
        on(fDiv, 'force');
        on(dDiv, 'distance');
        (hDiv as any).on('plotly_selected', (ev: any) => {
            const r = ev?.range?.x;
            if (!r) return;
            const lo = Math.min(r[0], r[1]), hi = Math.max(r[0], r[1]);
            this.setSelection({ ids: atomsInRange(d.errors.forceError, lo, hi), label: `histogram: ${lo.toFixed(3)} ≤ |ΔF| ≤ ${hi.toFixed(3)} eV/Å`, range: [lo, hi] }, true);
        });
        (hDiv as any).on('plotly_deselect', () => this.setSelection(undefined, true));
    }

    /**
     * The selection now: the workspace's (set at once by `setSelection`); React's `state.selection` follows at its next
     * render, so the marks and every decision read this one.
     */
    private get selection(): Selection | undefined { return workspaceState(this.plugin).selection.value; }

    /**
     * The selected atoms: listed (largest error first), marked in every plot, and (`toViewer`) selected in Mol*
     * (the frame switched when none of them is shown; the largest-error atom's frame then).
     */
    async setSelection(selection: Selection | undefined, toViewer: boolean, focus = false, fromPlot?: MarkedPlot, outline?: Outline) {
        const d = this.drawnData;
        if (!d) return;
        // the outline of a box or lasso stays drawn in the plot it was made in while that selection is shown
        for (const k of ['energy', 'force', 'distance'] as const) if (k !== fromPlot || !outline) this.marks[k].setOutline(undefined);
        // Plotly re-emits the selection event when a plot with a selection is restyled (the marks): the same
        // selection again changes nothing (and cannot loop)
        const before = this.selection;
        if (selection && before && selection.label === before.label && sameIds(selection.ids, before.ids)) return;
        if (!selection && !before) return;
        // the Mol* selection first (in the frame shown it is made before this returns), the table after the 3D view
        // has drawn it: the highlight is what the user looks at, the table of up to 300 rows takes a React render
        // (≈ 0.1 s in React's development build), which must not sit between a frame switch's steps
        let viewer: ReturnType<typeof selectAtomsInViewer> | undefined;
        if (toViewer) {
            this.selectingFromPlot++;
            viewer = selectAtomsInViewer(this.plugin, d.errors.index, selection?.ids ?? [], selection ? largestForceError(d.errors, selection.ids) : undefined, { focus: focus || (selection?.ids.length ?? 0) <= 4 });
        }
        try {
            // the table once the atoms are selected in Mol* (after a frame switch: the new frame built) and drawn
            let shown: Awaited<ReturnType<typeof selectAtomsInViewer>>;
            if (viewer) { shown = await viewer; await afterNextFrame(); }
            const rows = selection ? atomRows(d.errors, selection.ids) : [];
            this.setState({ selection, rows });
            workspaceState(this.plugin).selection.next(selection);
            if (!selection) this.showWorst(d.errors);
            if (shown && selection) this.setState({ message: `${selection.ids.length.toLocaleString('en')} atoms selected; frame ${shown.frame} shown with ${shown.atoms} of them selected in 3D` });
        } finally {
            if (viewer) this.selectingFromPlot--;
        }
        await this.mark();
    }

    /** A row of the table: that atom alone, its frame shown, the camera on it. */
    private showRow = (row: AtomRow) => {
        const d = this.drawnData;
        if (!d) return;
        this.selectingFromPlot++;
        selectAtomsInViewer(this.plugin, d.errors.index, [row.id], row.id, { focus: true })
            .catch(e => this.setState({ message: (e as Error).message }))
            .finally(() => { this.selectingFromPlot--; this.hovered = [row.id]; this.mark(); });
    };

    private setHovered(ids: number[]) {
        if (ids.length === this.hovered.length && ids.every((x, k) => x === this.hovered[k])) return;
        this.hovered = ids;
        this.mark();
    }

    /** The selected atoms' points of each marked plot as last computed, and from what. */
    private selectedPoints: Partial<Record<MarkedPlot, { ids: Int32Array; errors: DatasetErrors; offset: number; xy: { x: number[]; y: number[] } }>> = {};

    /** Marks the selected atoms and the hovered atom in every plot (rings on a canvas over each, ./point-marks.ts). */
    private mark = serialDraw(async () => {
        const d = this.drawnData;
        if (!d) return;
        const Plotly = await loadPlotly() as PlotlyModule & { relayout: (el: HTMLElement, update: any) => Promise<any> };
        const sel = this.selection?.ids ?? new Int32Array(0);
        const hov = Int32Array.from(this.hovered);
        const e = d.errors;
        const energyXY = (ids: Int32Array) => {
            const frames = new Set<number>();
            for (const id of ids) frames.add(e.index.frameOf(id));
            const x: number[] = [], y: number[] = [];
            for (const k of frames) if (Number.isFinite(e.energyDft[k])) { x.push(e.energyDft[k]); y.push(e.energyModel[k] - d.energyOffset); }
            return { x, y };
        };
        const forceXY = (ids: Int32Array) => {
            const x: number[] = [], y: number[] = [];
            for (const id of ids) {
                const row = e.forceRowOfAtom[id];
                if (row < 0) continue;
                for (let c = 0; c < 3; c++) { x.push(e.force.dft[row + c]); y.push(e.force.model[row + c]); }
            }
            return { x, y };
        };
        const distanceXY = (ids: Int32Array) => {
            const x: number[] = [], y: number[] = [];
            for (const id of ids) if (Number.isFinite(e.nearest[id]) && Number.isFinite(e.forceError[id])) { x.push(e.nearest[id]); y.push(e.forceError[id]); }
            return { x, y };
        };
        const apply = (key: MarkedPlot, xy: (ids: Int32Array) => { x: number[]; y: number[] }, size: number) => {
            // the selection's points as last time while neither it nor the data changed: the same arrays, so the marks
            // keep its rings and place only the hovered atom's (../workspace/point-marks.ts)
            const memo = this.selectedPoints[key];
            const s = memo && memo.ids === sel && memo.errors === e && memo.offset === d.energyOffset ? memo.xy : xy(sel);
            this.selectedPoints[key] = { ids: sel, errors: e, offset: d.energyOffset, xy: s };
            const h = xy(hov);
            const sets: MarkSet[] = [
                { name: 'selected', x: s.x, y: s.y, colour: SelectionColour, size },
                { name: 'under the mouse in 3D', x: h.x, y: h.y, colour: HoverColour, size: size + 4 },
            ];
            this.marks[key].set(sets);
        };
        apply('energy', energyXY, 12);
        apply('force', forceXY, 9);
        apply('distance', distanceXY, 9);
        const hDiv = this.divs.histogram.current;
        if (hDiv && (hDiv as any)._fullLayout) {
            const shapes: any[] = [];
            const range = this.selection?.range;
            if (range) shapes.push({ type: 'rect', xref: 'x', yref: 'paper', x0: range[0], x1: range[1], y0: 0, y1: 1, fillcolor: SelectionColour, opacity: 0.12, line: { width: 0 } });
            for (const id of hov.slice(0, 8)) if (Number.isFinite(e.forceError[id])) shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: e.forceError[id], x1: e.forceError[id], y0: 0, y1: 1, line: { color: HoverColour, width: 2 } });
            if (!range) for (const id of sel.slice(0, 8)) if (Number.isFinite(e.forceError[id])) shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: e.forceError[id], x1: e.forceError[id], y0: 0, y1: 1, line: { color: SelectionColour, width: 2, dash: 'dot' } });
            await Plotly.relayout(hDiv, { shapes });
        }
    }, err => this.setState({ message: `marking: ${err.message}` }));

    /** The 3D colouring changed: the points take its palette and range. */
    private recolour = serialDraw(async () => {
        const d = this.drawnData;
        if (!d) return;
        const Plotly = await loadPlotly() as PlotlyModule & { restyle: (el: HTMLElement, update: any, traces: number[]) => Promise<any> };
        const c = this.pointColours(d.errors);
        // a restyle of 6·10⁵ WebGL points takes seconds: only when the colours of the points change
        const key = JSON.stringify([d.errors.index.total, c.colours, c.min, c.max, c.title]);
        if (key === this.pointColoursKey && d === this.pointColoursDrawn) return;
        this.pointColoursKey = key;
        this.pointColoursDrawn = d;
        const update = { 'marker.colorscale': [plotlyScale(c.colours)], 'marker.cmin': c.min, 'marker.cmax': c.max };
        const fDiv = this.divs.force.current, dDiv = this.divs.distance.current;
        if (fDiv && (fDiv as any)._fullData) await Plotly.restyle(fDiv, { ...update, 'marker.colorbar.title.text': c.title }, [1]);
        if (dDiv && (dDiv as any)._fullData) await Plotly.restyle(dDiv, update, [0]);
    }, err => this.setState({ message: `colours: ${err.message}` }));

    private async drawLambdaScan(Plotly: PlotlyModule, model: StoredModel | undefined) {
        const div = this.divs.lambda.current;
        if (!div) return;
        const scan = model?.file?.fit.lambdaScan;
        if (!scan) { Plotly.purge(div); return; }
        const x = scan.map(p => p.lambda > 0 ? p.lambda : NaN); // λ = 0 has no place on a log axis
        const kept = model!.file!.fit.lambda;
        await Plotly.react(div, [
            { x, y: scan.map(p => p.train.energy_rmse_meV_atom), name: 'train E', type: 'scatter', mode: 'lines+markers', line: { color: '#1f5fa8', dash: 'dot' } },
            { x, y: scan.map(p => p.valid.energy_rmse_meV_atom), name: 'valid E', type: 'scatter', mode: 'lines+markers', line: { color: '#1f5fa8' } },
            { x, y: scan.map(p => p.train.force_rmse_meV_A), name: 'train F', type: 'scatter', mode: 'lines+markers', yaxis: 'y2', line: { color: '#b5651d', dash: 'dot' } },
            { x, y: scan.map(p => p.valid.force_rmse_meV_A), name: 'valid F', type: 'scatter', mode: 'lines+markers', yaxis: 'y2', line: { color: '#b5651d' } },
        ], this.layout({
            height: 300, dragmode: 'zoom', margin: { l: 70, r: 70, t: 36, b: 50 },
            title: { text: `λ scan of ${model!.name}: kept λ = ${kept.toExponential(1)} (green), chosen on the validation split`, font: { size: 13 } },
            xaxis: { title: { text: 'λ (ridge regularisation)' }, type: 'log', exponentformat: 'power' },
            yaxis: { title: { text: 'E RMSE (meV/atom)' }, type: 'log' },
            yaxis2: { title: { text: 'F RMSE (meV/Å)' }, type: 'log', overlaying: 'y', side: 'right' },
            shapes: kept > 0 ? [{ type: 'line', xref: 'x', yref: 'paper', x0: kept, x1: kept, y0: 0, y1: 1, line: { color: '#2a2', width: 2 } }] : [],
        }), this.config());
    }

    private setEnergyMode(mode: EnergyMode) {
        this.setState({ energyMode: mode }, () => this.redraw());
    }

    private renderNotice() {
        const r = this.state.reference;
        if (!r?.mismatch) return null;
        return <div data-testid='acelens-energy-reference' style={{ background: '#fff4d6', border: '1px solid #e0b84a', padding: '6px 8px', margin: '4px 0', fontSize: 12 }}>
            <b>Energies on another reference.</b> This dataset has no isolated-atom structure and its DFT energies differ from the model's by {r.meanOffset!.toFixed(2)} eV/atom on average
            (model − DFT): they were most likely computed with another code, functional or pseudopotential, so energy errors would mostly show that offset.{' '}
            <label><input type='radio' name='acelens-energy-mode' checked={this.state.energyMode === 'forces-only'} onChange={() => this.setEnergyMode('forces-only')} data-testid='acelens-energy-forces-only' /> compare forces only</label>{' '}
            <label><input type='radio' name='acelens-energy-mode' checked={this.state.energyMode === 'aligned'} onChange={() => this.setEnergyMode('aligned')} data-testid='acelens-energy-align' /> align E0 (remove the mean offset)</label>{' '}
            <label><input type='radio' name='acelens-energy-mode' checked={this.state.energyMode === 'as-is'} onChange={() => this.setEnergyMode('as-is')} /> show as is</label>
        </div>;
    }

    private renderTable() {
        const { rows, selection } = this.state;
        const th: React.CSSProperties = { textAlign: 'right', padding: '2px 6px', position: 'sticky', top: 0, background: '#eeece7' };
        const fmt = (x: number, digits: number) => Number.isFinite(x) ? x.toFixed(digits) : '—';
        return <div style={{ margin: '4px 0 8px' }}>
            <div style={{ display: 'flex', alignItems: 'baseline', gap: 8, fontSize: 12 }}>
                <b data-testid='acelens-selection-label'>{selection ? `Selected: ${selection.ids.length.toLocaleString('en')} atoms (${selection.label})` : 'Largest force errors of the dataset (select points in a plot or atoms in 3D to list them)'}</b>
                {selection && <button className='msp-btn' style={{ width: 'auto', padding: '0 8px', height: 22, lineHeight: '22px' }} onClick={() => this.setSelection(undefined, true)} data-testid='acelens-selection-clear'>Clear selection</button>}
            </div>
            <div style={{ maxHeight: 180, overflowY: 'auto', fontSize: 12, border: '1px solid #ddd', background: '#fff' }}>
                <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid='acelens-selection-table'>
                    <thead><tr>
                        <th style={th}>frame</th><th style={th}>atom</th><th style={{ ...th, textAlign: 'left' }}>config_type</th>
                        <th style={th} title='|F_model − F_DFT|'>|ΔF| (eV/Å)</th><th style={th} title='|F_DFT|'>|F_DFT| (eV/Å)</th><th style={th} title='distance to the nearest neighbour, images included'>d_nn (Å)</th>
                        <th style={th} title='predicted standard deviation of the force, from the posterior of a Bayesian fit (— for a model without one): where it is large the model extrapolates' data-testid='acelens-sigma-header'>σ(F) (eV/Å)</th>
                    </tr></thead>
                    <tbody>{rows.slice(0, MAX_TABLE_ROWS).map(r => <tr key={r.id} data-atom-id={r.id} style={{ cursor: 'pointer', borderTop: '1px solid #eee' }} onClick={() => this.showRow(r)}>
                        <td style={{ textAlign: 'right', padding: '1px 6px' }}>{r.frame}</td><td style={{ textAlign: 'right', padding: '1px 6px' }}>{r.atom}</td>
                        <td style={{ padding: '1px 6px' }}>{r.configType}</td>
                        <td style={{ textAlign: 'right', padding: '1px 6px' }}>{fmt(r.forceError, 3)}</td><td style={{ textAlign: 'right', padding: '1px 6px' }}>{fmt(r.dftForce, 2)}</td><td style={{ textAlign: 'right', padding: '1px 6px' }}>{fmt(r.nearest, 3)}</td>
                        <td style={{ textAlign: 'right', padding: '1px 6px' }} data-column='sigma'>{fmt(r.forceSigma, 3)}</td>
                    </tr>)}</tbody>
                </table>
                {rows.length > MAX_TABLE_ROWS && <div className='msp-help-text'>… and {(rows.length - MAX_TABLE_ROWS).toLocaleString('en')} more (the largest errors are listed)</div>}
            </div>
        </div>;
    }

    override render() {
        const { model, dataset, predicting, message } = this.state;
        const showLeft = () => {
            const layout = this.plugin.layout;
            const left = layout.state.regionState.left;
            // Mol*'s layout command (not layout.setProps, which changes the state without redrawing the layout)
            PluginCommands.Layout.Update(this.plugin, { state: { regionState: { ...layout.state.regionState, left: left === 'full' ? 'hidden' : 'full' } } });
        };
        const plot = (key: PlotKey, hidden = false) => {
            const graph = <div ref={this.divs[key]} data-testid={`acelens-plot-${key}`} style={{ width: '100%', marginBottom: 8, display: hidden ? 'none' : undefined }} />;
            if (key !== 'energy' && key !== 'force' && key !== 'distance') return graph;
            // the rings of the selected and hovered atoms, over the plot's drawing area; the mouse goes through to Plotly
            return <div style={{ position: 'relative' }}>
                {graph}
                <canvas ref={this.markCanvases[key]} data-testid={`acelens-marks-${key}`} style={{ position: 'absolute', left: 0, top: 0, width: 0, height: 0, pointerEvents: 'none', zIndex: 5 }} />
            </div>;
        };
        return <div ref={this.container} className='acelens-plot-area' data-testid='acelens-plot-area' style={{ position: 'absolute', inset: 0, overflowY: 'auto', overflowX: 'hidden', background: '#f6f5f1', padding: '6px 10px', color: '#332b1f' }}>
            <div style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 13 }}>
                <b>acelens · Diagnosis</b>
                <span style={{ flex: 1, opacity: 0.8 }} data-testid='acelens-plot-subject'>{model ? model.name : 'no model'} on {dataset ? `${dataset.name} (${dataset.frames.length.toLocaleString('en')} structures)` : 'no dataset'}</span>
                <span style={{ fontSize: 12 }} data-testid='acelens-plot-jump'>
                    <a href='#' onClick={e => { e.preventDefault(); curvePlots(this.plugin).reveal.next('dimer'); }}>C₂ dimer</a>{' · '}
                    <a href='#' onClick={e => { e.preventDefault(); curvePlots(this.plugin).reveal.next('bond-scan'); }}>bond scan</a>
                </span>
                <button className='msp-btn' style={{ width: 'auto', padding: '0 8px', height: 24, lineHeight: '24px' }} onClick={showLeft} title='show or hide Mol*’s own left panel (PDB and density downloads, state tree, session)' data-testid='acelens-toggle-molstar-panels'>Mol* panels</button>
            </div>
            {(!model || !dataset) && <div className='msp-help-text' style={{ marginTop: 8 }}>Load a dataset (Dataset panel, or drop an extended XYZ file) and fit or upload a model (Fit and Models panels): the parity plots, error-by-distance and histograms appear here, linked to the 3D view.</div>}
            {predicting && <div style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 12 }} data-testid='acelens-predicting'>
                <span style={{ flex: 1 }}>predicting {predicting.done}/{predicting.total} structures in a worker</span>
                <button className='msp-btn' style={{ width: 80, height: 24, lineHeight: '24px' }} onClick={this.cancelPredictions} data-testid='acelens-predicting-cancel'>Cancel</button>
            </div>}
            {message && <div className='msp-help-text' data-testid='acelens-plot-message'>{message}</div>}
            {this.state.predictionsCancelled && !predicting && <button className='msp-btn' style={{ width: 'auto', padding: '0 10px', height: 24, lineHeight: '24px' }} onClick={() => this.redraw()} data-testid='acelens-predict-again'>Predict again</button>}
            {this.renderNotice()}
            {model && dataset && this.renderTable()}
            {plot('energy', this.state.energyMode === 'forces-only' && !!this.state.reference?.mismatch)}
            {plot('force')}
            {plot('distance')}
            {plot('histogram')}
            {plot('lambda')}
            <AcelensCurvePlots />
        </div>;
    }
}
