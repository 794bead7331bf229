/**
 * Bond-scan panel: click two atoms of the loaded structure (the last two clicked are I and J; or type their
 * indices); atom J moves along the I→J bond over the chosen range with all other atoms fixed, and the energy
 * profile of every stored model is plotted (E − E_start relative to the structure as loaded, or the force on J
 * along the bond). A slider moves J in 3D: a displaced copy of the structure is shown in place of the original
 * (the original is hidden meanwhile and shown again on "done").
 *
 * Only atoms within r_cut of the moving atom are re-evaluated (src/scan/bond-scan.ts), so a scan of a
 * 1000-atom structure takes a fraction of a second per model. The scans run in a web worker, one model after
 * another, with the points streamed into the plot as they come; Cancel terminates the worker.
 *
 * The panel holds the forms (Mol*'s right column); the curves are drawn full width in the workspace's plot area
 * (plugin/workspace/curve-plots.tsx), linked through plugin/workspace/curves.ts (a click on the plot sets the
 * slider). The scans and their CSV come from src/analysis/bond-scans.ts, the code `acelens scan` runs.
 */
import * as React from 'react';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import { StructureElement } from 'molstar/lib/mol-model/structure';
import { acelensStore, modelSource, type StoredModel } from '../store';
import { getFrameData, type AcelensDataset } from '../props/frame-data';
import { downloadText } from '../plots/plotly';
import { bondScanCsv, nearestScanIndex } from '../../src/analysis/bond-scans';
import { curvePlots } from '../workspace/curves';
import { WorkspaceAbsentNote } from '../workspace/workspace-note';
import { bondVector, displacedFrame, type BondScan } from '../../src/scan/bond-scan';
import { runScanInWorker } from '../scan/scan-client';
import { isCancelled, runJobAsTask, type TaskJob } from '../worker/worker-task';
import type { Frame } from '../../src/structure/frame';
import { rotateVectors } from '../formats/standard-cell';
import { removeTemporaryStructure, showTemporaryStructure, xyzText } from '../scan/temp-structure';
import { currentDataset } from '../current-dataset';

export const BondScanStructureLabel = 'bond scan (acelens)';

interface Target { dataset: AcelensDataset; index: number; rotation: Float64Array | null }

interface ScanResult { model: StoredModel; scan: BondScan; ms: number }

interface State {
    models: StoredModel[];
    target?: Target;
    picks: number[];
    i: number | null;
    j: number | null;
    from: number;
    to: number;
    points: number;
    results: ScanResult[];
    running: boolean;
    /** points of the model being scanned (E − E_start), streamed from the worker */
    partial?: { model: number; r: number[]; energy: number[] };
    progress?: string;
    step: number;
    quantity: 'energy' | 'force';
    shownAt?: number;
    error?: string;
}

export class BondScanPanel extends CollapsableControls<{}, State> {
    private handle?: TaskJob<void>;
    private moveTimer: ReturnType<typeof setTimeout> | undefined;
    private hidden: string[] = [];
    private lastPick?: { target: Target; picks: number[] };

    protected defaultState(): State & CollapsableState {
        return { header: 'acelens · Bond scan', isCollapsed: false, models: [], picks: [], i: null, j: null, from: 1.0, to: 2.5, points: 100, results: [], running: false, step: 0, quantity: 'energy' };
    }

    private get store() { return acelensStore(this.plugin); }

    override componentDidMount() {
        this.subscribe(this.store.models, models => this.setState({ models }));
        this.subscribe(this.plugin.behaviors.interaction.click, e => this.onClick(e.current.loci));
        this.subscribe(curvePlots(this.plugin).bondScanPick, x => {
            const s = this.state.results[0]?.scan;
            if (s) this.setStep(nearestScanIndex(s.r, x));
        });
    }

    override componentWillUnmount() {
        super.componentWillUnmount();
        this.handle?.cancel();
        if (this.moveTimer) clearTimeout(this.moveTimer);
        curvePlots(this.plugin).bondScan.next(undefined);
    }

    override componentDidUpdate(prevProps: any, prev?: State & CollapsableState) {
        super.componentDidUpdate(prevProps);
        if (!prev) return;
        const s = this.state;
        if (prev.results !== s.results || prev.partial !== s.partial || prev.step !== s.step || prev.quantity !== s.quantity || prev.isCollapsed !== s.isCollapsed) this.draw();
    }

    /** A click on an atom of a structure loaded from extended XYZ: it becomes J, the previous J becomes I. */
    private onClick(loci: any) {
        if (!StructureElement.Loci.is(loci) || StructureElement.Loci.size(loci) !== 1) return;
        const location = StructureElement.Loci.getFirstLocation(loci);
        if (!location) return;
        const data = getFrameData(location.unit.model);
        if (!data) return;
        const atom = location.element as number;
        // picks are kept on the instance too: two clicks can arrive before React applies the first
        const last = this.lastPick;
        const same = last && last.target.dataset === data.dataset && last.target.index === data.index;
        const picks = (same ? [...last.picks, atom] : [atom]).filter((a, k, arr) => k === arr.length - 1 || a !== arr[arr.length - 1]).slice(-2);
        const target: Target = same ? last.target : { dataset: data.dataset, index: data.index, rotation: data.rotation };
        this.lastPick = { target, picks };
        this.setState({ target, picks, error: undefined }, () => {
            if (picks.length === 2) this.setAtoms(picks[0], picks[1]);
        });
    }

    private frame(): Frame | undefined {
        const t = this.state.target;
        return t ? t.dataset.frames[t.index] : undefined;
    }

    /** The frame shown in 3D (for indices typed in rather than clicked). */
    private shownTarget(): Target | undefined {
        const current = currentDataset(this.plugin);
        const data = getFrameData(current?.trajectory.models[0]?.cell.obj?.data);
        return data ? { dataset: data.dataset, index: data.index, rotation: data.rotation } : undefined;
    }

    /** Indices typed in: they refer to the frame shown in 3D. */
    typeAtoms = (i: number | null, j: number | null) => {
        const target = this.shownTarget();
        if (!target) { this.setState({ error: 'no structure loaded from extended XYZ to scan' }); return; }
        this.setState({ target }, () => this.setAtoms(i, j));
    };

    /** Chooses atoms I and J; the range defaults to 0.4 Å below to 1.2 Å beyond their present distance. */
    setAtoms = (i: number | null, j: number | null) => {
        const f = this.frame();
        this.setState({ i, j, results: [], error: undefined });
        if (!f || i === null || j === null) return;
        try {
            const d0 = bondVector(f, i, j).distance;
            this.setState({ from: Number(Math.max(0.7, d0 - 0.4).toFixed(2)), to: Number((d0 + 1.2).toFixed(2)) });
        } catch (e) {
            this.setState({ error: (e as Error).message });
        }
    };

    run = async () => {
        const f = this.frame();
        const { i, j, from, to, models } = this.state;
        const points = Math.round(this.state.points);
        if (!f || i === null || j === null || models.length === 0) return;
        this.handle?.cancel();
        const n = models.length;
        const scanning = (k: number, done?: number) => `scanning with ${models[k].name} (${k + 1}/${n})${done === undefined ? '' : `: ${done}/${points} points`}…`;
        this.setState({ running: true, results: [], partial: undefined, error: undefined, progress: scanning(0) });
        curvePlots(this.plugin).reveal.next('bond-scan');
        const results: ScanResult[] = [];
        // a Mol* task (progress and Abort in Mol*'s task list); Cancel and Abort terminate the worker
        const job = runJobAsTask(this.plugin, `acelens: bond scan ${i + 1}–${j + 1}`, ctx => runScanInWorker({ models: models.map(m => ({ name: m.name, source: modelSource(m) })), frame: f, i, j, from, to, points }, {
            onPoints: (k, r, energy) => {
                this.setState({ partial: { model: k, r, energy }, progress: scanning(k, r.length) });
                ctx.report({ message: scanning(k, r.length), current: k * points + r.length, max: n * points });
            },
            onResult: (k, scan, ms) => {
                results.push({ model: models[k], scan, ms });
                this.setState({ results: [...results], partial: undefined, progress: k + 1 < n ? scanning(k + 1) : undefined });
            },
        }, ctx.signal).done);
        this.handle = job;
        try {
            await job.result;
            const start = results[0]?.scan;
            this.setState({ step: start ? nearestScanIndex(start.r, start.startDistance) : 0, progress: undefined });
        } catch (e) {
            if (isCancelled(e)) this.setState({ progress: `cancelled after ${results.length} of ${n} models`, partial: undefined });
            else this.setState({ error: (e as Error).message, progress: undefined, partial: undefined });
        } finally {
            if (this.handle === job) this.handle = undefined;
            this.setState({ running: false });
        }
    };

    /** Hands the curves to the plot area (plugin/workspace/curve-plots.tsx). */
    private draw() {
        const s = this.state;
        const s0 = s.results[0]?.scan;
        curvePlots(this.plugin).bondScan.next({
            results: s.results.map(({ model, scan }) => {
                const engine = this.store.engine(model);
                return { name: model.name, order: engine.order, variant: engine.spec.variant, scan };
            }),
            partial: s.partial ? { name: s.models[s.partial.model]?.name ?? `model ${s.partial.model + 1}`, r: s.partial.r, energy: s.partial.energy } : undefined,
            quantity: s.quantity,
            r: s0 ? s0.r[Math.min(s.step, s0.r.length - 1)] : NaN,
            i: s.i, j: s.j,
        });
    }

    /** Moves J to grid point `step` in 3D (coalesced while the slider is dragged). */
    setStep = (step: number) => {
        this.setState({ step });
        if (this.moveTimer) clearTimeout(this.moveTimer);
        this.moveTimer = setTimeout(() => this.show(step), 60);
    };

    private async show(step: number) {
        const f = this.frame();
        const s = this.state.results[0]?.scan;
        const t = this.state.target;
        if (!f || !s || !t) return;
        const r = s.r[step];
        try {
            const moved = displacedFrame(f, s.i, s.j, r);
            const positions = t.rotation ? rotateVectors(moved.positions, t.rotation) : moved.positions;
            await showTemporaryStructure(this.plugin, BondScanStructureLabel, xyzText(moved.species, positions, `frame ${t.index} of ${t.dataset.name}: atom ${s.j} at ${r.toFixed(4)} Å from atom ${s.i}`));
            this.hideOriginals();
            this.setState({ shownAt: r });
        } catch (e) {
            this.setState({ error: `3D: ${(e as Error).message}` });
        }
    }

    /** Hides the structures loaded from extended XYZ while the displaced copy is shown. */
    private hideOriginals() {
        const h = this.plugin.managers.structure.hierarchy;
        const originals = h.current.structures.filter(st => getFrameData(st.model?.cell.obj?.data) !== undefined && !st.cell.state.isHidden);
        if (originals.length === 0) return;
        for (const st of originals) this.hidden.push(st.cell.transform.ref);
        h.toggleVisibility(originals, 'hide');
    }

    done = async () => {
        await removeTemporaryStructure(this.plugin, BondScanStructureLabel);
        const h = this.plugin.managers.structure.hierarchy;
        const refs = new Set(this.hidden);
        this.hidden = [];
        const toShow = h.current.structures.filter(st => refs.has(st.cell.transform.ref));
        if (toShow.length) h.toggleVisibility(toShow, 'show');
        this.setState({ shownAt: undefined });
    };

    private exportCsv = () => {
        const res = this.state.results;
        if (!res.length) return;
        const s0 = res[0].scan;
        downloadText(bondScanCsv(res.map(({ model, scan }) => ({ name: model.name, scan }))), `bond-scan-${s0.i}-${s0.j}.csv`, 'text/csv');
    };

    private num(label: string, value: number | null, onChange: (v: number) => void, testId: string, step = 0.1, width = 56) {
        return <label style={{ display: 'inline-flex', alignItems: 'center', gap: 2, marginRight: 6 }}>
            {label}
            <input type='number' className='msp-form-control' style={{ width, display: 'inline-block' }} step={step} value={value ?? ''} data-testid={testId}
                onChange={e => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v)) onChange(v); }} />
        </label>;
    }

    protected renderControls() {
        const s = this.state;
        const f = this.frame();
        let d0: number | null = null;
        if (f && s.i !== null && s.j !== null) { try { d0 = bondVector(f, s.i, s.j).distance; } catch { d0 = null; } }
        const res = s.results;
        const s0 = res[0]?.scan;
        const step = s0 ? Math.min(s.step, s0.r.length - 1) : 0;
        const ready = !!f && s.i !== null && s.j !== null && d0 !== null && s.models.length > 0 && !s.running;
        return <div className='acelens-bond-scan-panel' data-testid='acelens-bond-scan-panel' style={{ fontSize: 11 }}>
            <div className='msp-help-text' data-testid='acelens-bond-scan-atoms'>
                {!s.target ? 'Click two atoms in 3D: the first stays fixed (I), the second (J) moves along the I→J bond.'
                    : `Frame ${s.target.index} of ${s.target.dataset.name}: ` + (s.i !== null && s.j !== null
                        ? `I = atom ${s.i}, J = atom ${s.j}${d0 !== null ? `, distance ${d0.toFixed(3)} Å (minimum image)` : ''}`
                        : `picked atom ${s.picks[0]}; click a second atom`)}
            </div>
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0' }}>
                {this.num('I', s.i, v => this.typeAtoms(Math.round(v), s.j), 'acelens-bond-scan-i', 1, 52)}
                {this.num('J', s.j, v => this.typeAtoms(s.i, Math.round(v)), 'acelens-bond-scan-j', 1, 52)}
                <button className='msp-btn' style={{ width: 'auto', padding: '0 6px' }} disabled={s.i === null || s.j === null} onClick={() => this.setAtoms(s.j, s.i)} title='swap I and J'>⇄</button>
            </div>
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0' }}>
                {this.num('from', s.from, v => this.setState({ from: v }), 'acelens-bond-scan-from')}
                {this.num('to', s.to, v => this.setState({ to: v }), 'acelens-bond-scan-to')}
                {this.num('points', s.points, v => this.setState({ points: Math.max(2, Math.round(v)) }), 'acelens-bond-scan-points', 10)}
            </div>
            <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0', display: 'flex', gap: 4 }}>
                <button className='msp-btn msp-btn-block' style={{ width: 'auto', padding: '0 8px' }} disabled={!ready} onClick={this.run} data-testid='acelens-bond-scan-run'>
                    Scan with {s.models.length} model{s.models.length === 1 ? '' : 's'}
                </button>
                {s.running && <button className='msp-btn' style={{ width: 'auto', padding: '0 8px' }} onClick={() => this.handle?.cancel()}>Cancel</button>}
                <select className='msp-form-control' style={{ width: 110 }} value={s.quantity} onChange={e => this.setState({ quantity: e.target.value as 'energy' | 'force' })}>
                    <option value='energy'>energy</option>
                    <option value='force'>force along bond</option>
                </select>
            </div>
            {s.models.length === 0 && <div className='msp-help-text'>No fitted model yet.</div>}
            {s.progress && <div className='msp-help-text'>{s.progress}</div>}
            {s.error && <div className='msp-help-text' style={{ color: '#b00' }}>{s.error}</div>}
            <WorkspaceAbsentNote />
            <div className='msp-help-text' data-testid='acelens-bond-scan-plot-link'>
                The curves are drawn in the plot area, left of this column: <a href='#' onClick={e => { e.preventDefault(); curvePlots(this.plugin).reveal.next('bond-scan'); }}>show the bond-scan plot</a> (click a curve there to move J).
            </div>
            {s0 && <>
                <div className='msp-help-text'>
                    E − E_start: relative to the structure as loaded (green dashed line: its distance {s0.startDistance.toFixed(3)} Å).
                    {' '}{res.map(x => `${x.model.name}: ${x.ms.toFixed(0)} ms`).join(', ')} ({s0.maxSitesPerPoint} of {f?.natoms} atoms re-evaluated per point at most).
                </div>
                <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0', display: 'flex', alignItems: 'center', gap: 6 }}>
                    <span>r</span>
                    <input type='range' min={0} max={s0.r.length - 1} step={1} value={step} style={{ flex: 1 }} data-testid='acelens-bond-scan-slider'
                        onChange={e => this.setStep(Number(e.target.value))} />
                    <span data-testid='acelens-bond-scan-r'>{s0.r[step].toFixed(3)} Å</span>
                </div>
                <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid='acelens-bond-scan-values'>
                    <thead><tr><th style={{ textAlign: 'left' }}>at r = {s0.r[step].toFixed(3)} Å</th><th style={{ textAlign: 'right' }}>E − E_start (eV)</th><th style={{ textAlign: 'right' }} title='force on J along the bond; positive pushes J away from I'>F_bond (eV/Å)</th></tr></thead>
                    <tbody>{res.map(({ model, scan }) => <tr key={model.id}>
                        <td>{model.name}</td>
                        <td style={{ textAlign: 'right' }}>{scan.relativeEnergy[step].toFixed(3)}</td>
                        <td style={{ textAlign: 'right' }}>{scan.forceAlongBond[step].toFixed(3)}</td>
                    </tr>)}</tbody>
                </table>
                <div className='msp-control-row' style={{ height: 'auto', padding: '2px 0', display: 'flex', gap: 4, flexWrap: 'wrap' }}>
                    {s.shownAt !== undefined && <button className='msp-btn' style={{ width: 'auto', padding: '0 6px' }} onClick={this.done} data-testid='acelens-bond-scan-done'>done (show the original)</button>}
                    <button className='msp-btn' style={{ width: 'auto', padding: '0 6px' }} onClick={this.exportCsv}>CSV</button>
                </div>
            </>}
        </div>;
    }
}
