/**
 * "Reproduce study" panel: runs the body-order convergence study of arXiv 2502.16125 (src/study) on the
 * embedded DFT assets in a web worker as a Mol* task (progress and Abort in Mol*'s task list too), with a Cancel
 * that terminates the worker; models are added only when the study finished; shows the
 * table, the findings computed from it and the SVG figures; adds the models it made to the acelens store
 * (so the Models, Dimer and colouring panels can use them); offers the table, report and figures as files.
 */
import * as React from 'react';
import { CollapsableControls, type CollapsableState } from 'molstar/lib/mol-plugin-ui/base';
import { DATASET_SHORT, type SourcePoolId } from '../../src/study/data';
import type { StudyProgress } from '../../src/study/reproduce';
import { fmtA, fmtErr, fmtEv } from '../../src/study/table';
import { fetchAssetText, findAsset } from '../assets';
import { acelensStore } from '../store';
import { isCancelled, JobCancelled, runJobAsTask, throwIfCancelled, type TaskJob } from '../worker/worker-task';
import type { ReproduceJob, ReproduceOutput, ReproduceReply } from '../worker/reproduce-worker';

/** Asset ids (manifest.json) of the study's inputs. */
const Inputs: Record<SourcePoolId | 'curve', string> = { dimers: 'c2-dimers', narrow: 'carbon-narrow', diverse: 'carbon-diverse', curve: 'c2-dimer-curve' };

export class ReproduceCancelled extends JobCancelled {
    constructor() { super('study'); }
}

export interface ReproduceHandle {
    done: Promise<ReproduceOutput>;
    cancel(): void;
}

/**
 * Runs the study in a fresh web worker; `cancel()` (or an aborted `signal`) terminates it and rejects with
 * ReproduceCancelled (or the signal's reason).
 */
export function runReproduceInWorker(job: ReproduceJob, onProgress: (p: StudyProgress) => void, signal?: AbortSignal): ReproduceHandle {
    const worker = new Worker(new URL('../worker/reproduce-worker.ts', import.meta.url), { type: 'module', name: 'acelens-reproduce' });
    let settle!: { resolve: (o: ReproduceOutput) => void; reject: (e: Error) => void };
    let finished = false;
    const done = new Promise<ReproduceOutput>((resolve, reject) => { settle = { resolve, reject }; });
    const finish = (output: ReproduceOutput | null, error?: Error) => {
        if (finished) return;
        finished = true;
        worker.terminate();
        if (error) settle.reject(error); else settle.resolve(output!);
    };
    worker.onmessage = (event: MessageEvent<ReproduceReply>) => {
        if (finished) return;
        const m = event.data;
        if (m.type === 'progress') onProgress(m.progress);
        else if (m.type === 'result') finish(m.output);
        else finish(null, new Error(m.message));
    };
    worker.onerror = e => finish(null, new Error(e.message || 'the study worker failed'));
    if (signal) {
        const onAbort = () => finish(null, signal.reason instanceof Error ? signal.reason : new ReproduceCancelled());
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
    }
    worker.postMessage({ type: 'run', job });
    return { done, cancel: () => finish(null, new ReproduceCancelled()) };
}

/** "DFT (GPAW PBE)" from the dimer curve's provenance file; "DFT" when it cannot be read. */
async function referenceLabel(): Promise<string> {
    try {
        const asset = findAsset(Inputs.curve);
        const prov = JSON.parse(await fetchAssetText({ ...asset, file: asset.provenance })) as { settings?: { code?: string; xc?: string } };
        const parts = [prov.settings?.code, prov.settings?.xc].filter((x): x is string => typeof x === 'string');
        return parts.length ? `DFT (${parts.join(' ')})` : 'DFT';
    } catch {
        return 'DFT';
    }
}

function svgUrl(svg: string) {
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function download(name: string, text: string, type: string) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const VariantLabel = { standard: 'standard', purified: 'self-interaction-free' } as const;
/** names of the models a study run adds to the store start with this */
const StudyPrefix = 'study · ';

interface State {
    quick: boolean;
    seed: number;
    running: boolean;
    progress?: { text: string; fraction: number };
    message?: { kind: 'error' | 'info'; text: string };
    output?: ReproduceOutput;
    figure: string;
    /** the chosen figure shown over the whole window */
    enlarged?: boolean;
}

export class ReproducePanel extends CollapsableControls<{}, State> {
    private job?: TaskJob<ReproduceOutput>;
    private missing: string[] = [];

    protected defaultState(): State & CollapsableState {
        return { header: 'acelens · Reproduce study', isCollapsed: true, quick: true, seed: 1, running: false, figure: 'dimer-curves.svg' };
    }

    override componentWillUnmount() {
        this.job?.cancel();
        super.componentWillUnmount();
    }

    private run = async () => {
        if (this.job) return;
        this.setState({ running: true, message: undefined, progress: { text: 'loading the DFT data', fraction: 0 } });
        const job = runJobAsTask(this.plugin, `acelens: study${this.state.quick ? ' (quick)' : ''}`, async ctx => {
            ctx.report({ message: 'study: loading the DFT data' });
            // an asset the DFT run has not produced yet is a pool without data (as in the CLI), said in the message
            const missing: string[] = [];
            const entries = await Promise.all(Object.entries(Inputs).map(async ([key, id]) => {
                const asset = findAsset(id);
                const name = asset.file.split('/').pop()!;
                let text = '';
                try { text = await fetchAssetText(asset); } catch { missing.push(name); }
                return [key, { name, text }] as const;
            }));
            this.missing = missing;
            const request: ReproduceJob = { texts: Object.fromEntries(entries) as ReproduceJob['texts'], quick: this.state.quick, seed: this.state.seed, dftLabel: await referenceLabel() };
            throwIfCancelled(ctx.signal);
            return runReproduceInWorker(request, p => {
                this.setState({ progress: { text: p.message, fraction: p.fraction } });
                ctx.report({ message: `study: ${p.message}`, current: Math.round(1000 * p.fraction), max: 1000 });
            }, ctx.signal).done;
        });
        this.job = job;
        try {
            const output = await job.result;
            // only a finished study changes the models list
            const store = acelensStore(this.plugin);
            const ids = Object.keys(output.models);
            // a new run replaces the models of an earlier one (same names), the user's own models stay
            for (const old of store.models.value.filter(m => m.name.startsWith(StudyPrefix))) store.removeModel(old.id);
            for (const id of ids) {
                const m = output.models[id];
                const [dataset] = id.split('-');
                store.addModel(m, `${StudyPrefix}K=${m.spec.order} ${VariantLabel[m.spec.variant]} · ${dataset === 'diverse_dimers' ? 'diverse + dimers' : dataset}`);
            }
            const fitted = output.rows.filter(r => r.status === 'fitted').length;
            const absent = this.missing.length ? `; not found (no data): ${this.missing.join(', ')}` : '';
            this.setState({ output, message: { kind: 'info', text: `${fitted} of ${output.rows.length} models fitted in ${output.seconds.toFixed(1)} s; ${ids.length} added to the models list (replacing those of an earlier study run)${absent}` } });
        } catch (e) {
            const cancelled = isCancelled(e);
            this.setState({ message: { kind: cancelled ? 'info' : 'error', text: cancelled ? `study cancelled${e.by === 'mol*' ? ' (Mol* task aborted)' : ''}` : `study failed: ${(e as Error).message}` } });
        } finally {
            if (this.job === job) this.job = undefined;
            this.setState({ running: false, progress: undefined });
        }
    };

    private cancel = () => { this.job?.cancel(); };

    private renderTable(o: ReproduceOutput) {
        const th = (t: string) => <th key={t} style={{ padding: '1px 4px', textAlign: 'right', whiteSpace: 'nowrap' }}>{t}</th>;
        const td = (t: string | number) => <td style={{ padding: '1px 4px', textAlign: 'right', whiteSpace: 'nowrap' }}>{t}</td>;
        return <div style={{ overflowX: 'auto', maxHeight: 320, overflowY: 'auto' }}>
            <table data-testid='acelens-reproduce-table' style={{ borderCollapse: 'collapse', fontSize: 11 }}>
                <thead><tr>{['data', 'basis', 'K', 'n', 'E valid (meV/atom)', 'F valid (meV/Å)', 'rank', 'r_min (Å)', 'E_min (eV)', 'RMS vs DFT (eV)', 'E(0.9) (eV)'].map(th)}</tr></thead>
                <tbody>{o.rows.map(r => <tr key={r.id} data-row={r.id} style={{ borderTop: '1px solid #ccc' }}>
                    {td(DATASET_SHORT[r.dataset])}{td(r.variant === 'purified' ? 'SIF' : 'std')}{td(r.K)}{td(r.nbasis)}
                    {r.status === 'fitted' ? <>
                        {td(fmtErr(r.valid?.energyRmse))}{td(fmtErr(r.valid?.forceRmse))}{td(`${r.rank}/${r.nbasis}`)}
                        {td(fmtA(r.dimer?.minimum?.r))}{td(fmtEv(r.dimer?.minimum?.energy))}{td(fmtEv(r.dimer?.rms))}{td(fmtEv(r.dimer?.shortValue))}
                    </> : <td colSpan={7} style={{ padding: '1px 4px', color: '#777' }}>{r.note}</td>}
                </tr>)}</tbody>
            </table>
        </div>;
    }

    protected renderControls() {
        const o = this.state.output;
        const figures = o ? Object.keys(o.figures) : [];
        return <div data-testid='acelens-reproduce-panel'>
            <div className='msp-help-text'>Body-order convergence study (arXiv 2502.16125): K = 2…5 models on C₂ dimers, narrow and diverse carbon, and diverse carbon with the dimers added, standard and self-interaction-free bases, against the DFT dimer curve.</div>
            <div className='msp-control-row' title='quick: K = 2..4, smaller bases, at most 40 structures per pool (seconds); full: K = 2..5 and every structure (minutes)'>
                <span className='msp-control-row-label'>Quick run</span>
                <div className='msp-control-row-ctrl' style={{ paddingLeft: 6 }}>
                    <input type='checkbox' checked={this.state.quick} disabled={this.state.running} onChange={e => this.setState({ quick: e.target.checked })} data-testid='acelens-reproduce-quick' />
                </div>
            </div>
            <div className='msp-control-row' title='seed of the train/validation splits'>
                <span className='msp-control-row-label'>Seed</span>
                <div className='msp-control-row-ctrl'>
                    <input className='msp-form-control' type='number' step={1} value={this.state.seed} disabled={this.state.running}
                        onChange={e => { const v = Number(e.target.value); if (Number.isInteger(v)) this.setState({ seed: v }); }} />
                </div>
            </div>
            <div className='msp-flex-row'>
                <button className='msp-btn msp-btn-block' disabled={this.state.running} onClick={this.run} data-testid='acelens-reproduce-start'>Run study</button>
                <button className='msp-btn msp-btn-block' disabled={!this.state.running} onClick={this.cancel} data-testid='acelens-reproduce-cancel'>Cancel</button>
            </div>
            {this.state.progress && <div data-testid='acelens-reproduce-progress' style={{ padding: '4px 6px' }}>
                <div style={{ height: 6, background: '#ddd' }}><div style={{ height: 6, width: `${Math.round(100 * this.state.progress.fraction)}%`, background: '#4a7ab5' }} /></div>
                <div className='msp-help-text'>{this.state.progress.text}</div>
            </div>}
            {this.state.message && <div className='msp-help-text' data-testid='acelens-reproduce-message' style={{ color: this.state.message.kind === 'error' ? '#b00' : undefined }}>{this.state.message.text}</div>}
            {o && <div data-testid='acelens-reproduce-result'>
                {this.renderTable(o)}
                <details className='msp-help-text' style={{ margin: '4px 0' }}>
                    <summary>Findings computed from the table ({o.findings.length + o.paper.length}, with the comparison to the paper)</summary>
                    <ul style={{ paddingLeft: 16, margin: '4px 0' }} data-testid='acelens-reproduce-findings'>
                        {[...o.findings, ...o.paper].map((t, i) => <li key={i}>{t}</li>)}
                    </ul>
                </details>
                <div className='msp-control-row'>
                    <span className='msp-control-row-label'>Figure</span>
                    <div className='msp-control-row-ctrl'>
                        <select className='msp-form-control' value={this.state.figure} onChange={e => this.setState({ figure: e.target.value })} data-testid='acelens-reproduce-figure'>
                            {figures.map(f => <option key={f} value={f}>{f.replace(/\.svg$/, '')}</option>)}
                        </select>
                    </div>
                </div>
                {o.figures[this.state.figure] && <img src={svgUrl(o.figures[this.state.figure])} alt={this.state.figure} title='click to enlarge'
                    style={{ width: '100%', background: '#fff', cursor: 'zoom-in' }} data-testid='acelens-reproduce-svg' onClick={() => this.setState({ enlarged: true })} />}
                {this.state.enlarged && o.figures[this.state.figure] && <div data-testid='acelens-reproduce-enlarged' role='dialog' aria-label={this.state.figure}
                    tabIndex={-1} ref={el => el?.focus()} onKeyDown={e => { if (e.key === 'Escape') this.setState({ enlarged: false }); }}
                    onClick={() => this.setState({ enlarged: false })} title='click or Escape to close'
                    style={{ position: 'fixed', inset: 0, zIndex: 100000, background: 'rgba(0,0,0,0.6)', display: 'flex', alignItems: 'center', justifyContent: 'center', cursor: 'zoom-out' }}>
                    <img src={svgUrl(o.figures[this.state.figure])} alt={this.state.figure} style={{ maxWidth: '96vw', maxHeight: '96vh', background: '#fff' }} />
                </div>}
                <div className='msp-flex-row'>
                    <button className='msp-btn msp-btn-block' onClick={() => download('table.csv', o.tableCsv, 'text/csv')}>table.csv</button>
                    <button className='msp-btn msp-btn-block' onClick={() => download('report.md', o.report, 'text/markdown')}>report.md</button>
                    <button className='msp-btn msp-btn-block' onClick={() => download(this.state.figure, o.figures[this.state.figure], 'image/svg+xml')}>figure</button>
                </div>
            </div>}
        </div>;
    }
}
