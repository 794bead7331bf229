/**
 * C₂ dimer panel: the binding energy E(r) − 2·E0 of every stored model against the DFT reference (markers by
 * spin state), with the pair distances of the loaded dataset beneath the curves (where the training data has
 * pairs) and its nearest-neighbour range shaded. A slider (or a click on the plot) sets r: a C₂ dimer at that
 * distance is shown in 3D and each model's energy and force at r are listed. The body-order decomposition of a
 * chosen model shows what each K contributes (exactly zero for K ≥ 3 with the self-interaction-free basis).
 * Unphysical shapes are flagged. Export: CSV here, SVG/PNG beside the plots.
 *
 * The panel holds the forms (Mol*'s right column); the curves are drawn full width in the workspace's plot area
 * (plugin/workspace/curve-plots.tsx), linked through plugin/workspace/curves.ts: the panel publishes what to draw,
 * a click on the plot comes back as a distance. The data are computed by src/analysis/dimer-curves.ts, the code
 * `acelens dimer` runs.
 */
import * as React from 'react';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import { acelensStore, type StoredModel } from '../store';
import { fetchAssetText, findAsset } from '../assets';
import { currentDataset } from '../current-dataset';
import { pairHistogramInWorker, PairHistogramSuperseded } from '../scan/pair-histogram-client';
import { afterFirstStructure } from '../idle';
import { downloadText } from '../plots/plotly';
import { curvePlots } from '../workspace/curves';
import { WorkspaceAbsentNote } from '../workspace/workspace-note';
import {
    curveGrid, curveWarnings, dftAt, dimerCsv, dimerXyz, modelDimerCurve, parseDftDimerCurve,
    selfInteractionLine, spinStateName, type DftDimerCurve, type ModelDimerCurve, type PairHistogram,
} from '../../src/analysis/dimer-curves';
import { removeTemporaryStructure, showTemporaryStructure } from '../scan/temp-structure';
import { PAPER_DFT_CURVE, PAPER_DFT_MINIMUM } from '../../src/study/paper';
import type { AcelensDataset } from '../props/frame-data';

export const DimerStructureLabel = 'C₂ dimer (acelens)';

type YMode = 'well' | 'full' | 'custom';

interface State {
    models: StoredModel[];
    rmin: number;
    rmax: number;
    points: number;
    r: number;
    yMode: YMode;
    ymin: number;
    ymax: number;
    decomposeId: string | null;
    /** why the chosen model's curve is not split by body order (non-linear PACE embedding) */
    noSplit?: string;
    showHistogram: boolean;
    /** also plot the DFT curve in the spin-unpolarised convention (the reference study's, most likely) */
    showSpinPaired: boolean;
    /** also plot the reference study's DFT curve values (PAPER_DFT_CURVE and its minimum) */
    showPaper: boolean;
    dft?: DftDimerCurve;
    dftError?: string;
    dimerShownAt?: number;
    error?: string;
    revision: number;
}


/** In a web worker: a neighbour list per frame of a large dataset would block the page for minutes. */
function datasetHistogram(dataset: AcelensDataset, rmax: number): Promise<PairHistogram> {
    return pairHistogramInWorker(dataset, rmax, Math.round(rmax / 0.05));
}

export class DimerPanel extends CollapsableControls<{}, State> {
    private curves: ModelDimerCurve[] = [];
    private decomposed: ModelDimerCurve | null = null;
    private histogram: { name: string; h: PairHistogram } | null = null;
    private dimerTimer: ReturnType<typeof setTimeout> | undefined;
    /** the dataset the pair-distance histogram was last asked for */
    private histogramOf: AcelensDataset | undefined = undefined;

    protected defaultState(): State & CollapsableState {
        return {
            header: 'acelens · C₂ dimer', isCollapsed: false, models: [], rmin: 0.6, rmax: 6, points: 200, r: 1.3,
            yMode: 'well', ymin: -10, ymax: 5, decomposeId: null, showHistogram: true, showSpinPaired: false, showPaper: false, revision: 0,
        };
    }

    private get store() { return acelensStore(this.plugin); }

    override componentDidMount() {
        this.subscribe(this.store.models, models => this.setState(s => ({
            models,
            decomposeId: models.some(m => m.id === s.decomposeId) ? s.decomposeId : (this.store.activeModelId.value ?? models[0]?.id ?? null),
        }), () => this.recompute()));
        // Mol*'s hierarchy changes on every state update (a colour theme, a frame): only another dataset changes the histogram
        this.subscribe(this.plugin.managers.structure.hierarchy.behaviors.selection, () => {
            const dataset = currentDataset(this.plugin)?.dataset;
            if (dataset === this.histogramOf) return;
            this.histogramOf = dataset;
            this.updateHistogram();
        });
        this.subscribe(curvePlots(this.plugin).dimerPick, r => this.setR(r));
        this.loadDft();
    }

    override componentWillUnmount() {
        super.componentWillUnmount();
        if (this.dimerTimer) clearTimeout(this.dimerTimer);
        curvePlots(this.plugin).dimer.next(undefined);
    }

    /** Reads the DFT curve asset now (the DFT job may still be adding points). */
    loadDft = async () => {
        try {
            const text = await fetchAssetText(findAsset('c2-dimer-curve'));
            this.setState({ dft: parseDftDimerCurve(text), dftError: undefined }, () => this.recompute());
        } catch (e) {
            this.setState({ dftError: String((e as Error).message ?? e) }, () => this.recompute());
        }
    };

    private async updateHistogram() {
        await afterFirstStructure(this.plugin); // not before the first structure is drawn (issue 25)
        const current = currentDataset(this.plugin);
        if (!current) { this.histogram = null; this.draw(); return; }
        try {
            const rmax = Math.min(this.state.rmax, 6);
            const h = await datasetHistogram(current.dataset, rmax);
            if (currentDataset(this.plugin)?.dataset !== current.dataset) return; // another dataset was chosen meanwhile
            this.histogram = { name: current.dataset.name, h };
        } catch (e) {
            if (e instanceof PairHistogramSuperseded) return;
            this.histogram = null;
            console.warn(`acelens: pair distances of ${current.dataset.name}: ${(e as Error).message}`);
        }
        this.draw();
    }

    /** Model curves on the grid (with the DFT distances merged in) and the decomposition; then redraw. */
    private recompute() {
        const { rmin, rmax, points, models, dft } = this.state;
        try {
            if (!(rmin > 0) || !(rmax > rmin) || !(points >= 2)) throw new Error(`range: need 0 < r_min < r_max and at least 2 points (got ${rmin}–${rmax} Å, ${points})`);
            const grid = curveGrid(rmin, rmax, Math.min(2000, Math.round(points)), dft?.points.map(p => p.r) ?? []);
            this.curves = models.map(m => modelDimerCurve(this.store.engine(m), m.name, grid));
            const d = models.findIndex(m => m.id === this.state.decomposeId);
            // a PACE potential with a non-linear embedding has no body-order split: say why instead of a plot
            const noSplit = d >= 0 ? this.store.bodyOrderNote(models[d]) : null;
            this.decomposed = d >= 0 && !noSplit ? this.curves[d] : null;
            this.setState({ error: undefined, revision: this.state.revision + 1, noSplit: noSplit ? `${models[d].name}: ${noSplit}` : undefined });
        } catch (e) {
            this.curves = [];
            this.decomposed = null;
            this.setState({ error: String((e as Error).message ?? e) });
        }
        this.updateHistogram();
    }

    private yRange(): [number, number] | undefined {
        if (this.state.yMode === 'well') return [-10, 5];
        if (this.state.yMode === 'custom' && this.state.ymax > this.state.ymin) return [this.state.ymin, this.state.ymax];
        return undefined;
    }

    /** Hands the curves to the plot area (plugin/workspace/curve-plots.tsx), after the first structure is drawn. */
    private draw = () => { afterFirstStructure(this.plugin).then(() => this.publish()); };

    private publish() {
        const s = this.state;
        curvePlots(this.plugin).dimer.next({
            curves: this.curves,
            dft: s.dft?.points ?? [],
            spinPaired: s.showSpinPaired ? s.dft?.spinPaired ?? [] : [],
            paper: s.showPaper ? [...PAPER_DFT_CURVE, PAPER_DFT_MINIMUM].sort((a, b) => a.r - b.r).map(p => ({ r: p.r, energy: p.energy })) : [],
            histogram: s.showHistogram ? this.histogram : null,
            r: s.r, rmin: s.rmin, rmax: s.rmax, yRange: this.yRange(), decomposed: this.decomposed,
        });
    }

    override componentDidUpdate(prevProps: any, prevState?: State & CollapsableState) {
        super.componentDidUpdate(prevProps);
        const prev = prevState;
        if (!prev) return;
        const s = this.state;
        if (prev.revision !== s.revision || prev.r !== s.r || prev.yMode !== s.yMode || prev.ymin !== s.ymin || prev.ymax !== s.ymax
            || prev.showHistogram !== s.showHistogram || prev.showSpinPaired !== s.showSpinPaired || prev.showPaper !== s.showPaper || prev.isCollapsed !== s.isCollapsed) this.draw();
    }

    /** Sets r (clamped to the range); the 3D dimer follows shortly after (coalesced while dragging). */
    setR = (r: number) => {
        const x = Math.min(this.state.rmax, Math.max(this.state.rmin, r));
        this.setState({ r: x });
        if (this.dimerTimer) clearTimeout(this.dimerTimer);
        this.dimerTimer = setTimeout(() => this.showDimer(x), 60);
    };

    showDimer = async (r: number) => {
        try {
            await showTemporaryStructure(this.plugin, DimerStructureLabel, dimerXyz(r));
            this.setState({ dimerShownAt: r });
        } catch (e) {
            this.setState({ error: `3D dimer: ${(e as Error).message}` });
        }
    };

    removeDimer = async () => {
        await removeTemporaryStructure(this.plugin, DimerStructureLabel);
        this.setState({ dimerShownAt: undefined });
    };

    private exportCsv = () => {
        downloadText(dimerCsv(this.curves, this.state.dft?.points ?? [], this.decomposed), 'c2-dimer-curves.csv', 'text/csv');
    };

    /** Energy and force of every model at the current r (exact, not interpolated). */
    private valuesAtR() {
        const r = this.state.r;
        return this.state.models.map(m => {
            try {
                const c = modelDimerCurve(this.store.engine(m), m.name, [r]);
                return { id: m.id, name: m.name, energy: c.energy[0], force: c.force[0] };
            } catch (e) {
                return { id: m.id, name: m.name, energy: NaN, force: NaN, error: (e as Error).message };
            }
        });
    }

    private numberInput(label: string, value: number, onChange: (v: number) => void, testId: string, step = 0.1) {
        return <label style={{ display: 'inline-flex', alignItems: 'center', gap: 2, marginRight: 6 }}>
            {label}
            <input type='number' className='msp-form-control' style={{ width: 58, display: 'inline-block' }} step={step} value={value} data-testid={testId}
                onChange={e => { const v = Number(e.target.value); if (Number.isFinite(v)) onChange(v); }} />
        </label>;
    }

    protected renderControls() {
        const s = this.state;
        const values = this.valuesAtR();
        const dft = s.dft?.points ?? [];
        // the DFT point at r, when the reference has one within 0.05 Å (no interpolation across spin states)
        const nearestDft = dftAt(dft, s.r, 0.05);
        const warnings = this.curves.map((c, index) => ({ key: `${index}:${c.name}`, name: c.name, w: curveWarnings(c, dft) })).filter(x => x.w.length);
        const hasPlot = this.curves.length > 0 || dft.length > 0;
        return <div className='acelens-dimer-panel' data-testid='acelens-dimer-panel' style={{ fontSize: 11 }}>
            <div className='msp-help-text'>
                Binding energy E(r) − 2·E0 of an isolated C₂ for every stored model ({s.models.length}) and the DFT reference
                {s.dft ? ` (${dft.length} points${s.dft.skipped.length ? `; ${s.dft.skipped.length} frame still being written skipped` : ''})` : ''}.
                {' '}<a href='#' onClick={e => { e.preventDefault(); this.loadDft(); }} title='read the DFT curve file again (the DFT job may have added points)'>reload DFT</a>
            </div>
            {s.dftError && <div className='msp-help-text' style={{ color: '#b00' }}>DFT reference not available: {s.dftError}</div>}
            {s.models.length === 0 && <div className='msp-help-text'>No fitted model yet: fit one (acelens · Fit) or upload a model file (acelens · Models) to see its curve.</div>}
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0' }}>
                {this.numberInput('r min', s.rmin, v => this.setState({ rmin: v }, () => this.recompute()), 'acelens-dimer-rmin')}
                {this.numberInput('r max', s.rmax, v => this.setState({ rmax: v }, () => this.recompute()), 'acelens-dimer-rmax')}
                {this.numberInput('points', s.points, v => this.setState({ points: Math.round(v) }, () => this.recompute()), 'acelens-dimer-points', 10)}
            </div>
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0' }}>
                <span style={{ marginRight: 4 }}>E axis</span>
                <select className='msp-form-control' style={{ width: 150, display: 'inline-block' }} value={s.yMode} data-testid='acelens-dimer-ymode'
                    onChange={e => this.setState({ yMode: e.target.value as YMode })}>
                    <option value='well'>zoom to the well (−10…5 eV)</option>
                    <option value='full'>full range</option>
                    <option value='custom'>custom</option>
                </select>
                {s.yMode === 'custom' && <>
                    {this.numberInput('min', s.ymin, v => this.setState({ ymin: v }), 'acelens-dimer-ymin', 1)}
                    {this.numberInput('max', s.ymax, v => this.setState({ ymax: v }), 'acelens-dimer-ymax', 1)}
                </>}
                <label style={{ marginLeft: 6 }}><input type='checkbox' checked={s.showHistogram} onChange={e => this.setState({ showHistogram: e.target.checked })} /> dataset pairs</label>
                {(s.dft?.spinPaired.length ?? 0) > 0 && <label style={{ marginLeft: 6 }} title='E(C₂, moment 0, spin-paired) − 2·E0 of a spin-paired atom: the convention of reference data computed without spin polarisation, such as (most likely) the reference study’s curve'>
                    <input type='checkbox' checked={s.showSpinPaired} data-testid='acelens-dimer-spin-paired' onChange={e => this.setState({ showSpinPaired: e.target.checked })} /> spin-unpolarised DFT</label>}
                <label style={{ marginLeft: 6 }} title='the DFT C₂ curve of the reference study (arXiv 2502.16125) at the distances its output files give: a well of −8.33 eV at 1.287 Å'>
                    <input type='checkbox' checked={s.showPaper} data-testid='acelens-dimer-paper' onChange={e => this.setState({ showPaper: e.target.checked })} /> paper’s DFT</label>
            </div>
            {s.error && <div className='msp-help-text' style={{ color: '#b00' }}>{s.error}</div>}
            <WorkspaceAbsentNote />
            <div className='msp-help-text' data-testid='acelens-dimer-plot-link'>
                The curves are drawn in the plot area, left of this column: <a href='#' onClick={e => { e.preventDefault(); curvePlots(this.plugin).reveal.next('dimer'); }}>show the C₂ dimer plot</a> (click a curve there to set r).
            </div>
            {this.histogram?.h.nearest && <div className='msp-help-text'>
                Shaded: nearest-neighbour distances in {this.histogram.name} ({this.histogram.h.nearest.min.toFixed(2)}–{this.histogram.h.nearest.max.toFixed(2)} Å); grey bars: its pair distances ({this.histogram.h.pairs} pairs). Outside, the models extrapolate.
            </div>}
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0', display: 'flex', alignItems: 'center', gap: 6 }}>
                <span>r</span>
                <input type='range' min={s.rmin} max={s.rmax} step={0.005} value={s.r} style={{ flex: 1, minWidth: 0 }} data-testid='acelens-dimer-slider'
                    onChange={e => this.setR(Number(e.target.value))} />
                <input type='number' className='msp-form-control' style={{ width: 64, flex: 'none' }} step={0.01} value={Number(s.r.toFixed(4))} data-testid='acelens-dimer-r'
                    onChange={e => { const v = Number(e.target.value); if (Number.isFinite(v)) this.setR(v); }} />
                <span style={{ flex: 'none', paddingRight: 4 }}>Å</span>
            </div>
            <div className='msp-help-text' data-testid='acelens-dimer-3d'>
                {s.dimerShownAt !== undefined
                    ? <>3D: “{DimerStructureLabel}” at r = {s.dimerShownAt.toFixed(3)} Å <a href='#' onClick={e => { e.preventDefault(); this.removeDimer(); }}>remove</a></>
                    : <>Move the slider or click the plot to show a C₂ dimer at r in 3D. <a href='#' onClick={e => { e.preventDefault(); this.showDimer(s.r); }}>show now</a></>}
            </div>
            <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid='acelens-dimer-values'>
                <thead><tr><th style={{ textAlign: 'left' }}>at r = {s.r.toFixed(3)} Å</th><th style={{ textAlign: 'right' }}>E − 2E0 (eV)</th><th style={{ textAlign: 'right' }} title='force on each atom along the bond, −dE/dr; positive = repulsive'>F (eV/Å)</th></tr></thead>
                <tbody>
                    {values.map(v => <tr key={v.id}>
                        <td>{v.name}</td>
                        <td style={{ textAlign: 'right' }}>{Number.isFinite(v.energy) ? v.energy.toFixed(3) : '—'}</td>
                        <td style={{ textAlign: 'right' }}>{Number.isFinite(v.force) ? v.force.toFixed(3) : '—'}</td>
                    </tr>)}
                    {nearestDft && <tr>
                        <td>DFT at {nearestDft.r.toFixed(3)} Å ({spinStateName(nearestDft.magmom)})</td>
                        <td style={{ textAlign: 'right' }}>{nearestDft.binding.toFixed(3)}</td>
                        <td style={{ textAlign: 'right' }}>—</td>
                    </tr>}
                </tbody>
            </table>
            {warnings.length > 0 && <div data-testid='acelens-dimer-warnings' style={{ color: '#a60', margin: '4px 0' }}>
                {warnings.map(w => <div key={w.key}>⚠ {w.name}: {w.w.join('; ')}</div>)}
            </div>}
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0', marginTop: 6 }}>
                <span style={{ marginRight: 4 }}>Body orders of</span>
                <select className='msp-form-control' style={{ width: 190, display: 'inline-block' }} value={s.decomposeId ?? ''} data-testid='acelens-dimer-decompose'
                    onChange={e => this.setState({ decomposeId: e.target.value || null }, () => this.recompute())}>
                    <option value=''>(none)</option>
                    {s.models.map(m => <option key={m.id} value={m.id}>{m.name}</option>)}
                </select>
            </div>
            {s.noSplit && <div className='msp-help-text' data-testid='acelens-dimer-no-split'>{s.noSplit}</div>}
            {this.decomposed && <div className='msp-help-text' data-testid='acelens-dimer-self-interaction'>{selfInteractionLine(this.decomposed)}</div>}
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0', display: 'flex', gap: 4, flexWrap: 'wrap' }}>
                <button className='msp-btn msp-btn-block' style={{ width: 'auto', padding: '0 6px' }} disabled={!hasPlot} onClick={this.exportCsv} data-testid='acelens-dimer-csv' title='r, the DFT points, every model’s E − 2E0 and the body-order parts of the chosen model (SVG/PNG of the figures: beside the plots)'>CSV</button>
            </div>
        </div>;
    }
}
