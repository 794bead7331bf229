/**
 * The C₂ dimer curves, their split by body order and the bond-scan curves, drawn full width in the workspace's
 * plot area (the forms that set them up stay in the right column: plugin/panels/dimer-panel.tsx,
 * bond-scan-panel.tsx). Axis titles with units, a legend naming every model with its body order K, the DFT
 * reference points (the embedded asset) by spin state, the dataset's pair distances beneath the curves. A click
 * on a curve sets the panel's distance (and the structure in 3D); the panel's slider moves the dotted line here.
 */
import * as React from 'react';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { modelCurveLabel, spinStateName } from '../../src/analysis/dimer-curves';
import { maxOf } from '../../src/util/extent';
import { plotlyText } from '../html';
import { loadPlotly, serialDraw, type PlotlyModule } from '../plots/plotly';
import { curvePlots, type BondScanPlotInput, type CurvePlotKind, type DimerPlotInput } from './curves';

const SpinStyle: Record<number, { symbol: string; color: string }> = {
    0: { symbol: 'circle', color: '#1f77b4' },
    2: { symbol: 'square', color: '#d62728' },
    4: { symbol: 'diamond', color: '#2ca02c' },
};
const OrderColours: Record<number, string> = { 2: '#1f77b4', 3: '#ff7f0e', 4: '#2ca02c', 5: '#9467bd' };
/** Model curves: a qualitative palette that does not reuse the DFT markers' colours first. */
const ModelColours = ['#000000', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#1f77b4', '#d62728'];
/** Successive models also differ in dash, so that curves lying on each other (a K = 2 model and its K = 3 twin) both show. */
const ModelDashes = ['solid', 'dash', 'dot', 'dashdot', 'longdash'];
const modelLine = (k: number) => ({ color: ModelColours[k % ModelColours.length], dash: ModelDashes[k % ModelDashes.length], width: 2 });

const Config = { displaylogo: false, responsive: true, scrollZoom: false, modeBarButtonsToRemove: ['lasso2d', 'select2d'], toImageButtonOptions: { format: 'svg' } };

function layout(extra: Record<string, any>): Record<string, any> {
    return {
        autosize: true,
        margin: { l: 70, r: 24, t: 40, b: 56 },
        font: { size: 12 },
        paper_bgcolor: '#fff',
        plot_bgcolor: '#fff',
        hovermode: 'closest',
        // legend beneath the plot, left-aligned, several entries per row; Plotly makes room for it
        legend: { orientation: 'h', x: 0, xanchor: 'left', y: -0.2, yanchor: 'top', font: { size: 11 } },
        ...extra,
    };
}

type Key = 'dimer' | 'orders' | 'scan';

interface State { dimer?: DimerPlotInput; scan?: BondScanPlotInput }

export class AcelensCurvePlots extends PluginUIComponent<{}, State> {
    override state: State = {};
    private divs: Record<Key, React.RefObject<HTMLDivElement | null>> = { dimer: React.createRef(), orders: React.createRef(), scan: React.createRef() };
    private sections: Record<CurvePlotKind, React.RefObject<HTMLDivElement | null>> = { 'dimer': React.createRef(), 'bond-scan': React.createRef() };
    private resizeObserver?: ResizeObserver;
    private root = React.createRef<HTMLDivElement>();

    override componentDidMount() {
        const shared = curvePlots(this.plugin);
        this.subscribe(shared.dimer, dimer => this.setState({ dimer }, () => this.drawDimer()));
        this.subscribe(shared.bondScan, scan => this.setState({ scan }, () => this.drawScan()));
        this.subscribe(shared.reveal, kind => this.sections[kind].current?.scrollIntoView({ block: 'start', behavior: 'auto' }));
        if (typeof ResizeObserver !== 'undefined' && this.root.current) {
            let pending = 0;
            this.resizeObserver = new ResizeObserver(() => {
                cancelAnimationFrame(pending);
                pending = requestAnimationFrame(async () => {
                    const Plotly = await loadPlotly();
                    for (const k of Object.keys(this.divs) as Key[]) { const d = this.divs[k].current; if (d && (d as any)._fullLayout) Plotly.Plots.resize(d); }
                });
            });
            this.resizeObserver.observe(this.root.current);
        }
    }

    override componentWillUnmount() {
        super.componentWillUnmount();
        this.resizeObserver?.disconnect();
    }

    private drawDimer = serialDraw(async () => {
        const Plotly = await loadPlotly();
        await this.drawDimerCurves(Plotly);
        await this.drawOrders(Plotly);
    }, e => console.warn(`acelens dimer plot: ${e.message}`));

    private drawScan = serialDraw(async () => this.drawScanCurves(await loadPlotly()), e => console.warn(`acelens bond scan plot: ${e.message}`));

    private onClick(el: HTMLElement, pick: (x: number) => void) {
        if ((el as any).__acelensClick || !(el as any).on) return;
        (el as any).on('plotly_click', (ev: any) => { const x = ev?.points?.[0]?.x; if (typeof x === 'number') pick(x); });
        (el as any).__acelensClick = true;
    }

    private async drawDimerCurves(Plotly: PlotlyModule) {
        const el = this.divs.dimer.current, d = this.state.dimer;
        if (!el) return;
        if (!d || (d.curves.length === 0 && d.dft.length === 0)) { Plotly.purge(el); return; }
        const traces: any[] = [];
        const shapes: any[] = [];
        const annotations: any[] = [];
        const h = d.histogram;
        if (h && h.h.pairs > 0) {
            const centres = h.h.counts.map((_, b) => (h.h.edges[b] + h.h.edges[b + 1]) / 2);
            traces.push({
                type: 'bar', x: centres, y: h.h.counts, yaxis: 'y2', name: `pair distances · ${plotlyText(h.name)}`, marker: { color: 'rgba(120,120,120,0.25)' },
                hovertemplate: 'r %{x:.2f} Å: %{y} pairs<extra></extra>', width: h.h.edges[1] - h.h.edges[0],
            });
            if (h.h.nearest) {
                // at least 0.04 Å wide, so that a crystal's single nearest-neighbour distance stays visible
                const mid = (h.h.nearest.min + h.h.nearest.max) / 2, half = Math.max(0.02, (h.h.nearest.max - h.h.nearest.min) / 2);
                shapes.push({ type: 'rect', xref: 'x', yref: 'paper', x0: mid - half, x1: mid + half, y0: 0, y1: 1, fillcolor: 'rgba(60,160,60,0.15)', line: { width: 0 }, layer: 'below' });
                annotations.push({ xref: 'x', yref: 'paper', x: mid + half, xanchor: 'left', y: 0.02, yanchor: 'bottom', text: 'nearest neighbours in the dataset', showarrow: false, font: { size: 11, color: '#3a3' } });
            }
        }
        d.curves.forEach((c, k) => {
            const label = plotlyText(modelCurveLabel(c));
            traces.push({ type: 'scatter', mode: 'lines', x: c.r, y: c.energy, name: label, line: modelLine(k), hovertemplate: `${label}<br>r %{x:.3f} Å<br>E − 2E₀ %{y:.3f} eV<extra></extra>` });
        });
        const spins = [...new Set(d.dft.map(p => p.magmom))].sort((a, b) => a - b);
        for (const m of spins) {
            const pts = d.dft.filter(p => p.magmom === m);
            const style = SpinStyle[m] ?? { symbol: 'x', color: '#555' };
            traces.push({
                type: 'scatter', mode: 'markers', x: pts.map(p => p.r), y: pts.map(p => p.binding), name: `DFT PBE · ${spinStateName(m)}`,
                marker: { symbol: style.symbol, color: style.color, size: 8, line: { color: '#000', width: 0.5 } },
                hovertemplate: `DFT ${spinStateName(m)}<br>r %{x:.3f} Å<br>E − 2E₀ %{y:.3f} eV<extra></extra>`,
            });
        }
        if (d.spinPaired.length) {
            traces.push({
                type: 'scatter', mode: 'markers', x: d.spinPaired.map(p => p.r), y: d.spinPaired.map(p => p.binding), name: 'DFT PBE · spin-unpolarised (C₂ and atom spin-paired)',
                marker: { symbol: 'circle-open', color: '#666', size: 8 }, hovertemplate: 'DFT spin-unpolarised<br>r %{x:.3f} Å<br>E − 2E₀ %{y:.3f} eV<extra></extra>',
            });
        }
        if (d.paper.length) {
            traces.push({
                type: 'scatter', mode: 'markers', x: d.paper.map(p => p.r), y: d.paper.map(p => p.energy), name: 'DFT of arXiv 2502.16125 (Quantum ESPRESSO; most likely spin-unpolarised)',
                marker: { symbol: 'x', color: '#8c564b', size: 9 }, hovertemplate: 'reference study DFT<br>r %{x:.3f} Å<br>E − 2E₀ %{y:.2f} eV<extra></extra>',
            });
        }
        shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: d.r, x1: d.r, y0: 0, y1: 1, line: { color: '#888', width: 1, dash: 'dot' } });
        shapes.push({ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: 0, y1: 0, line: { color: '#bbb', width: 1 } });
        const maxCount = h ? Math.max(1, maxOf(h.h.counts)) : 1;
        await Plotly.react(el, traces, layout({
            height: 520,
            title: { text: `Binding energy of C₂: ${d.curves.length} model${d.curves.length === 1 ? '' : 's'} and DFT`, font: { size: 14 }, x: 0, xanchor: 'left', xref: 'paper' },
            xaxis: { title: { text: 'C–C distance r (Å)' }, range: [d.rmin, d.rmax] },
            yaxis: { title: { text: 'binding energy E(r) − 2E₀ (eV)' }, ...(d.yRange ? { range: d.yRange, autorange: false } : { autorange: true }) },
            yaxis2: { overlaying: 'y', side: 'right', showgrid: false, showticklabels: false, zeroline: false, range: [0, maxCount * 4], fixedrange: true },
            shapes, annotations, bargap: 0,
        }), Config);
        this.onClick(el, x => curvePlots(this.plugin).dimerPick.next(x));
    }

    private async drawOrders(Plotly: PlotlyModule) {
        const el = this.divs.orders.current, d = this.state.dimer;
        if (!el) return;
        const c = d?.decomposed;
        if (!d || !c) { Plotly.purge(el); return; }
        const traces: any[] = [];
        for (const [k, v] of Object.entries(c.contributions)) {
            traces.push({ type: 'scatter', mode: 'lines', x: c.r, y: v, name: `K = ${k}`, line: { color: OrderColours[Number(k)], width: 2 }, hovertemplate: `K = ${k}<br>r %{x:.3f} Å<br>E_K %{y:.4f} eV<extra></extra>` });
        }
        // the total last, dashed, so that a part equal to it stays visible underneath
        traces.push({ type: 'scatter', mode: 'lines', x: c.r, y: c.energy, name: 'total E − 2E₀', line: { color: '#000', dash: 'dash', width: 1.5 } });
        await Plotly.react(el, traces, layout({
            height: 380,
            title: { text: `Body-order parts of ${plotlyText(modelCurveLabel(c))}`, font: { size: 14 }, x: 0, xanchor: 'left', xref: 'paper' },
            xaxis: { title: { text: 'C–C distance r (Å)' }, range: [d.rmin, d.rmax] },
            yaxis: { title: { text: 'part of body order K, E_K (eV)' }, ...(d.yRange ? { range: d.yRange, autorange: false } : { autorange: true }) },
            shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: d.r, x1: d.r, y0: 0, y1: 1, line: { color: '#888', width: 1, dash: 'dot' } }],
            // few entries: inside the plot, top right (the curves go to 0 there), clear of the axis titles
            legend: { orientation: 'v', x: 0.99, xanchor: 'right', y: 0.02, yanchor: 'bottom', bgcolor: 'rgba(255,255,255,0.85)', bordercolor: '#ccc', borderwidth: 1, font: { size: 11 } },
        }), Config);
        this.onClick(el, x => curvePlots(this.plugin).dimerPick.next(x));
    }

    private async drawScanCurves(Plotly: PlotlyModule) {
        const el = this.divs.scan.current, s = this.state.scan;
        if (!el) return;
        if (!s || (s.results.length === 0 && !s.partial)) { Plotly.purge(el); return; }
        const force = s.quantity === 'force';
        const traces: any[] = s.results.map(({ name, order, variant, scan }, k) => {
            const label = plotlyText(modelCurveLabel({ name, order, variant }));
            return {
                type: 'scatter', mode: 'lines', name: label, x: scan.r, y: force ? scan.forceAlongBond : scan.relativeEnergy, line: modelLine(k),
                hovertemplate: `${label}<br>r %{x:.3f} Å<br>${force ? 'F %{y:.3f} eV/Å' : 'E − E_start %{y:.3f} eV'}<extra></extra>`,
            };
        });
        if (s.partial && !force) {
            traces.push({ type: 'scatter', mode: 'lines+markers', name: `${plotlyText(s.partial.name)} (scanning…)`, x: s.partial.r, y: s.partial.energy, marker: { size: 3 }, line: { dash: 'dot' } });
        }
        const s0 = s.results[0]?.scan;
        const shapes = s0 ? [
            { type: 'line', xref: 'x', yref: 'paper', x0: s0.startDistance, x1: s0.startDistance, y0: 0, y1: 1, line: { color: '#3a3', width: 1, dash: 'dash' } },
            { type: 'line', xref: 'x', yref: 'paper', x0: s.r, x1: s.r, y0: 0, y1: 1, line: { color: '#888', width: 1, dash: 'dot' } },
        ] : [];
        const i = s0?.i ?? s.i, j = s0?.j ?? s.j;
        await Plotly.react(el, traces, layout({
            height: 460,
            title: { text: `Atom ${j} moved along the ${i}→${j} bond, others fixed (green: as loaded)`, font: { size: 14 }, x: 0, xanchor: 'left', xref: 'paper' },
            xaxis: { title: { text: `distance r(${i}–${j}) (Å)` } },
            yaxis: { title: { text: force ? `force on atom ${j} along the bond (eV/Å)` : 'energy relative to the loaded structure, E − E_start (eV)' } },
            shapes,
        }), Config);
        this.onClick(el, x => curvePlots(this.plugin).bondScanPick.next(x));
    }

    private exportButtons(key: Key, fileName: string, show: boolean) {
        if (!show) return null;
        const save = async (format: 'svg' | 'png') => {
            const el = this.divs[key].current;
            if (!el || !(el as any)._fullLayout) return;
            await (await loadPlotly()).downloadImage(el, { format, filename: fileName, width: 1000, height: key === 'orders' ? 480 : 600 });
        };
        return <span style={{ display: 'inline-flex', gap: 4 }}>
            <button className='msp-btn' style={{ width: 'auto', padding: '0 8px', height: 22, lineHeight: '22px' }} onClick={() => save('svg')}>SVG</button>
            <button className='msp-btn' style={{ width: 'auto', padding: '0 8px', height: 22, lineHeight: '22px' }} onClick={() => save('png')}>PNG</button>
        </span>;
    }

    override render() {
        const d = this.state.dimer, s = this.state.scan;
        const hasDimer = !!d && (d.curves.length > 0 || d.dft.length > 0);
        const hasScan = !!s && (s.results.length > 0 || !!s.partial);
        const heading = (text: string, extra: React.ReactNode) => <div style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 13, margin: '10px 0 4px', borderTop: '1px solid #ddd', paddingTop: 6 }}>
            <b style={{ flex: 1 }}>{text}</b>{extra}
        </div>;
        return <div ref={this.root} className='acelens-curve-plots' data-testid='acelens-curve-plots'>
            <div ref={this.sections.dimer} data-testid='acelens-plot-section-dimer'>
                {heading('C₂ dimer (click a curve to set r)', this.exportButtons('dimer', 'c2-dimer-curves', hasDimer))}
                {!hasDimer && <div className='msp-help-text'>No dimer curve yet: fit or upload a model (the DFT reference is read from the embedded asset). Settings: acelens · C₂ dimer panel, right column.</div>}
                <div ref={this.divs.dimer} data-testid='acelens-dimer-plot' style={{ width: '100%', marginBottom: 8, display: hasDimer ? undefined : 'none' }} />
                <div ref={this.divs.orders} data-testid='acelens-dimer-orders-plot' style={{ width: '100%', marginBottom: 8, display: d?.decomposed ? undefined : 'none' }} />
                {d?.decomposed && <div style={{ textAlign: 'right' }}>{this.exportButtons('orders', 'c2-dimer-body-orders', true)}</div>}
            </div>
            <div ref={this.sections['bond-scan']} data-testid='acelens-plot-section-bond-scan'>
                {heading('Bond scan (click a curve to move J)', this.exportButtons('scan', s?.results[0] ? `bond-scan-${s.results[0].scan.i}-${s.results[0].scan.j}` : 'bond-scan', hasScan))}
                {!hasScan && <div className='msp-help-text'>No bond scan yet: pick two atoms and press Scan in the acelens · Bond scan panel (right column).</div>}
                <div ref={this.divs.scan} data-testid='acelens-bond-scan-plot' style={{ width: '100%', marginBottom: 8, display: hasScan ? undefined : 'none' }} />
            </div>
        </div>;
    }
}
