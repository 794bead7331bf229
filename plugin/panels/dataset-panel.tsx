/**
 * Dataset panel: the frames of the loaded extended XYZ dataset as a sortable, filterable table
 * (index, atoms, config_type, DFT energy per atom relative to E0, max |F|); a click shows that frame in 3D.
 * Also loads the embedded datasets listed in manifest.json.
 */
import * as React from 'react';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import type { TrajectoryRef } from 'molstar/lib/mol-plugin-state/manager/structure/hierarchy-state';
import type { Frame } from '../../src/structure/frame';
import type { AcelensDataset } from '../props/frame-data';
import { showPeriodicImages } from '../periodic-images';
import { acelensStore } from '../store';
import { frameRows, type FrameRow } from '../../src/analysis/frame-errors';
import { currentDataset, showFrame } from '../current-dataset';
import { AcelensManifest } from '../manifest';
import { replaceWithAsset, replaceWithExtXyzFile } from '../assets';

type SortKey = keyof FrameRow;

interface State {
    trajectory?: TrajectoryRef;
    dataset?: AcelensDataset;
    currentIndex: number;
    sortKey: SortKey;
    sortAscending: boolean;
    filter: string;
    loading: boolean;
    error?: string;
    /** scroll offset of the frame table (px): which rows a long table draws */
    tableScroll: number;
}

/**
 * The frame table draws every row up to this many frames; above, only the rows in view (plus a margin) between
 * two spacer rows of the right height, so a 3 000-frame dataset is a 40-row table to React (it was ≈1 s per redraw,
 * and the table redraws as predictions arrive).
 */
export const FrameTableAllRowsUpTo = 400;
const RowHeight = 17, TableHeight = 260, RowMargin = 20;

export class DatasetPanel extends CollapsableControls<{}, State> {
    protected defaultState(): State & CollapsableState {
        return { header: 'acelens · Dataset', isCollapsed: false, currentIndex: 0, sortKey: 'index', sortAscending: true, filter: '', loading: false, tableScroll: 0 };
    }

    private fileInput = React.createRef<HTMLInputElement>();

    override componentDidMount() {
        // a file opened through Mol* (Open Files, drag and drop) that fails only reaches Mol*'s log, which the acelens
        // layout hides: its error is shown here, where the dataset is
        this.subscribe(this.plugin.events.log, entry => {
            if (entry.type !== 'error') return;
            let text = (typeof entry.message === 'string' ? entry.message : String(entry.message)).replace(/^Error:\s*/, '');
            // Mol*'s own message is generic ("Error opening file 'x'"): the reader's (file, line, frame) is the failed cell's
            const reasons: string[] = [];
            this.plugin.state.data.cells.forEach(cell => { if (cell.status === 'error' && cell.errorText) reasons.push(cell.errorText.replace(/^\w*Error:\s*/, '')); });
            const reason = reasons.find(r => !text.includes(r));
            if (reason) text = `${text}: ${reason}`;
            this.setState({ error: this.withStillShown(text) });
        });
        this.subscribe(this.plugin.managers.structure.hierarchy.behaviors.selection, () => this.sync());
        // the images follow the shown frame (its periodic directions); one update at a time
        const images = acelensStore(this.plugin).periodicImages;
        let pending = Promise.resolve();
        const applyImages = () => { pending = pending.then(() => showPeriodicImages(this.plugin, images.value)).catch(e => this.setState({ error: `periodic images: ${(e as Error).message}` })); };
        this.subscribe(images, () => { this.forceUpdate(); applyImages(); });
        this.subscribe(this.plugin.state.data.events.changed, () => { if (images.value > 0) applyImages(); });
        const store = acelensStore(this.plugin), rowsChanged = () => { this.rowsVersion++; this.forceUpdate(); };
        this.subscribe(store.revision, rowsChanged);
        this.subscribe(store.predictionsArrived, rowsChanged);
        this.subscribe(store.activeModelId, rowsChanged);
        this.sync();
    }

    private sync() {
        const current = currentDataset(this.plugin);
        const replaced = !!current && current.dataset !== this.state.dataset && !!this.state.dataset;
        // Mol*'s hierarchy changes on every state update (a colour theme too): the frame table is drawn again only
        // when the dataset or the frame shown changed
        if (current?.trajectory.cell === this.state.trajectory?.cell && current?.dataset === this.state.dataset && (current?.frameIndex ?? 0) === this.state.currentIndex) return;
        this.setState({ trajectory: current?.trajectory, dataset: current?.dataset, currentIndex: current?.frameIndex ?? 0, ...(replaced ? { error: undefined } : {}) });
    }

    private showFrame = async (index: number) => {
        await showFrame(this.plugin, index);
        this.setState({ currentIndex: index });
    };

    /** The error, and which dataset is still shown (a refused file never replaces it). */
    private withStillShown(error: string) {
        const shown = currentDataset(this.plugin)?.dataset.name;
        return shown ? `${error} — still showing ${shown}` : error;
    }

    private load = async (id: string) => {
        this.setState({ loading: true, error: undefined });
        try {
            await replaceWithAsset(this.plugin, id);
        } catch (e) {
            this.setState({ error: this.withStillShown(String((e as Error).message ?? e)) });
        } finally {
            this.setState({ loading: false });
        }
    };

    private open = async (e: React.ChangeEvent<HTMLInputElement>) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (!file) return;
        this.setState({ loading: true, error: undefined });
        try {
            // read in a web worker straight from the file: the page stays responsive while a large file loads
            await replaceWithExtXyzFile(this.plugin, file);
        } catch (err) {
            this.setState({ error: this.withStillShown(String((err as Error).message ?? err)) });
        } finally {
            this.setState({ loading: false });
        }
    };

    private sortBy(key: SortKey) {
        this.setState(s => ({ sortKey: key, sortAscending: s.sortKey === key ? !s.sortAscending : true }));
    }

    /** bumped when what the rows show may have changed (models, predictions arrived) */
    private rowsVersion = 0;
    /** the sorted rows last computed and what they were computed from: a frame switch redraws the panel (the row
     * shown), it does not recompute every frame's row (≈20 ms on the 3 000 frames of GAP-20) */
    private rowsCache?: { key: readonly unknown[]; rows: FrameRow[] };

    private rows(): FrameRow[] {
        if (!this.state.dataset) return [];
        const key = [this.state.dataset, this.rowsVersion, acelensStore(this.plugin).activeModel, this.state.filter, this.state.sortKey, this.state.sortAscending];
        // the shown frame's prediction may have come from Mol*'s property (one frame, no predictionsArrived event)
        const model = acelensStore(this.plugin).activeModel, shown = this.state.dataset.frames[this.state.currentIndex];
        const shownRow = this.rowsCache?.rows.find(r => r.index === this.state.currentIndex);
        const shownStale = !!model && !!shown && !!shownRow && shownRow.forceRmse === null && shownRow.energyError === null && !!acelensStore(this.plugin).cachedPrediction(model, shown);
        if (this.rowsCache && !shownStale && this.rowsCache.key.every((k, i) => k === key[i])) return this.rowsCache.rows;
        const rows = this.computeRows();
        this.rowsCache = { key, rows };
        return rows;
    }

    private computeRows(): FrameRow[] {
        if (!this.state.dataset) return [];
        const filter = this.state.filter.trim().toLowerCase();
        const store = acelensStore(this.plugin);
        const model = store.activeModel;
        // only what is computed already (the Models panel has a worker predict the whole dataset): no table render
        // computes predictions on the main thread
        const errors = model ? (f: Frame) => store.cachedPrediction(model, f) ?? null : undefined;
        const rows = frameRows(this.state.dataset, errors).filter(r => !filter || r.configType.toLowerCase().includes(filter) || String(r.index) === filter);
        const { sortKey, sortAscending } = this.state;
        const sign = sortAscending ? 1 : -1;
        rows.sort((a, b) => {
            const x = a[sortKey], y = b[sortKey];
            if (x === y) return a.index - b.index;
            if (x === null) return 1;
            if (y === null) return -1;
            return (x < y ? -1 : 1) * sign;
        });
        return rows;
    }

    protected renderControls() {
        const datasets = AcelensManifest.assets.filter(a => a.kind === 'dataset');
        const rows = this.rows();
        // a long table draws the rows in view only (FrameTableAllRowsUpTo)
        const shown = rows.length <= FrameTableAllRowsUpTo ? { first: 0, last: rows.length } : {
            first: Math.max(0, Math.floor(this.state.tableScroll / RowHeight) - RowMargin),
            last: Math.min(rows.length, Math.ceil((this.state.tableScroll + TableHeight) / RowHeight) + RowMargin),
        };
        const header = (key: SortKey, label: string, title: string) =>
            <th title={title} style={{ cursor: 'pointer', textAlign: 'right', padding: '2px 4px' }} onClick={() => this.sortBy(key)}>
                {label}{this.state.sortKey === key ? (this.state.sortAscending ? ' ▲' : ' ▼') : ''}
            </th>;
        return <div className='acelens-dataset-panel' data-testid='acelens-dataset-panel'>
            <div className='msp-control-row'>
                <span className='msp-control-row-label'>Load</span>
                <div className='msp-control-row-ctrl'>
                    <select className='msp-form-control' value='' disabled={this.state.loading} onChange={e => e.target.value && this.load(e.target.value)} data-testid='acelens-load-asset'>
                        <option value=''>{this.state.loading ? 'loading…' : 'embedded dataset…'}</option>
                        {datasets.map(a => <option key={a.id} value={a.id}>{a.name}</option>)}
                    </select>
                </div>
            </div>
            <div className='msp-control-row'>
                <span className='msp-control-row-label'>Open</span>
                <div className='msp-control-row-ctrl'>
                    <button className='msp-btn msp-btn-block' disabled={this.state.loading} onClick={() => this.fileInput.current?.click()} title='an .xyz or .extxyz file (extended XYZ as written by ASE, or plain XYZ)'>
                        {this.state.loading ? 'loading…' : 'Open .xyz / .extxyz file…'}
                    </button>
                    <input ref={this.fileInput} type='file' accept='.xyz,.extxyz' style={{ display: 'none' }} onChange={this.open} data-testid='acelens-open-xyz' />
                </div>
            </div>
            {this.state.error && <div className='msp-help-text' style={{ color: '#b00', wordBreak: 'break-word' }} data-testid='acelens-dataset-error'>{this.state.error.length > 600 ? `${this.state.error.slice(0, 600)}…` : this.state.error}</div>}
            {!this.state.dataset && <div className='msp-help-text'>No extended XYZ dataset loaded. Open a .xyz/.extxyz file or load an embedded dataset.</div>}
            {this.state.dataset && <>
                <div className='msp-help-text' data-testid='acelens-dataset-summary'>
                    {this.state.dataset.name}: {this.state.dataset.frames.length} frames; showing #{this.state.currentIndex}
                </div>
                <div className='msp-control-row' title='periodic frames: neighbouring cells along the periodic directions, so bonds across the cell faces show (image atoms are coloured like their originals)'>
                    <span className='msp-control-row-label'>Periodic images</span>
                    <div className='msp-control-row-ctrl'>
                        <select className='msp-form-control' value={acelensStore(this.plugin).periodicImages.value} onChange={e => acelensStore(this.plugin).periodicImages.next(Number(e.target.value))} data-testid='acelens-periodic-images'>
                            <option value={0}>none (the cell)</option>
                            <option value={1}>±1 cell (3 × 3 × 3)</option>
                        </select>
                    </div>
                </div>
                <div className='msp-control-row'>
                    <span className='msp-control-row-label'>Filter</span>
                    <div className='msp-control-row-ctrl'>
                        <input className='msp-form-control' placeholder='config_type or index' value={this.state.filter} onChange={e => this.setState({ filter: e.target.value })} />
                    </div>
                </div>
                <div style={{ maxHeight: TableHeight, overflowY: 'auto', fontSize: 11 }} onScroll={rows.length > FrameTableAllRowsUpTo ? e => this.setState({ tableScroll: (e.target as HTMLElement).scrollTop }) : undefined}>
                    <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid='acelens-frame-table'>
                        <thead><tr>
                            {header('index', '#', 'frame index')}
                            {header('natoms', 'atoms', 'number of atoms')}
                            {header('configType', 'config_type', 'config_type label')}
                            {header('energyPerAtom', 'E/atom (eV)', 'DFT energy per atom relative to the isolated atom, eV/atom')}
                            {header('maxForce', 'max|F| (eV/Å)', 'largest DFT force on an atom, eV/Å')}
                            {header('energyError', 'ΔE (meV/at)', 'active model: (E_model − E_DFT)/N, meV/atom')}
                            {header('forceRmse', 'ΔF (meV/Å)', 'active model: force RMSE of this frame, meV/Å')}
                        </tr></thead>
                        <tbody>
                            {shown.first > 0 && <tr style={{ height: shown.first * RowHeight }} aria-hidden />}
                            {rows.slice(shown.first, shown.last).map(r => <tr key={r.index} onClick={() => this.showFrame(r.index)} data-frame-index={r.index}
                                style={{ cursor: 'pointer', height: RowHeight, background: r.index === this.state.currentIndex ? 'rgba(80,140,220,0.25)' : undefined }}>
                                <td style={{ textAlign: 'right' }}>{r.index}</td>
                                <td style={{ textAlign: 'right' }}>{r.natoms}</td>
                                <td style={{ textAlign: 'right' }}>{r.configType}</td>
                                <td style={{ textAlign: 'right' }}>{r.energyPerAtom === null ? '—' : r.energyPerAtom.toFixed(3)}</td>
                                <td style={{ textAlign: 'right' }}>{r.maxForce === null ? '—' : r.maxForce.toFixed(2)}</td>
                                <td style={{ textAlign: 'right' }}>{r.energyError === null ? '—' : r.energyError.toFixed(1)}</td>
                                <td style={{ textAlign: 'right' }}>{r.forceRmse === null ? '—' : r.forceRmse.toFixed(0)}</td>
                            </tr>)}
                            {shown.last < rows.length && <tr style={{ height: (rows.length - shown.last) * RowHeight }} aria-hidden />}
                        </tbody>
                    </table>
                </div>
            </>}
        </div>;
    }
}
