/**
 * The study's figures as SVG text (no DOM): dimer curves per training pool with every K and the DFT points,
 * body-order decompositions, errors vs K, and the dimer RMS deviation vs K. Each returns a complete SVG
 * document; `studyFigures` gives them all by file name.
 *
 * The short-range wall of a dimer curve reaches hundreds of eV at 0.6 Å, so energy axes are clipped to a
 * window around the well; every clipped figure says so in its panel note.
 */
import type { BasisVariant } from '../ace/spec';
import { DATASET_LABEL, type StudyDatasetId } from './data';
import type { StudyResult, StudyRow } from './reproduce';
import { dataRange, PALETTE, renderFigure, type PanelSpec, type Series } from './svg-plot';

export const ORDER_COLOR: Record<number, string> = { 2: PALETTE[0], 3: PALETTE[1], 4: PALETTE[2], 5: PALETTE[3] };
const DATASET_COLOR: Record<StudyDatasetId, string> = { dimers: PALETTE[5], narrow: PALETTE[4], diverse: PALETTE[2], diverse_dimers: PALETTE[1] };
const VARIANT_DASH: Record<BasisVariant, string | undefined> = { standard: undefined, purified: '6 3' };
const VARIANT_LABEL: Record<BasisVariant, string> = { standard: 'standard', purified: 'self-interaction-free' };

/** Distances (Å) shown in the dimer figures, and the energy window (eV) they are clipped to at most. */
const X_RANGE: [number, number] = [0.8, 6];
const Y_TOP = 6;
const Y_FLOOR = -40;

function rowsOf(result: StudyResult, dataset: StudyDatasetId, variant: BasisVariant): StudyRow[] {
    return result.rows.filter((r) => r.dataset === dataset && r.variant === variant && r.status === 'fitted');
}

/** The y-window of dimer curves: from below the lowest value (≥ −40 eV) to +6 eV; and whether it clips. */
function dimerWindow(values: number[][], xs: number[][]): { range: [number, number]; clipped: string | null } {
    let lo = -8;
    let maxSeen = -Infinity;
    let minSeen = Infinity;
    values.forEach((ys, s) =>
        ys.forEach((y, i) => {
            const x = xs[s][i];
            if (x < X_RANGE[0] || x > X_RANGE[1] || !Number.isFinite(y)) return;
            maxSeen = Math.max(maxSeen, y);
            minSeen = Math.min(minSeen, y);
        }),
    );
    if (Number.isFinite(minSeen)) lo = Math.max(Y_FLOOR, Math.min(lo, Math.floor(minSeen - 0.5)));
    const parts: string[] = [];
    if (maxSeen > Y_TOP) parts.push(`above +${Y_TOP} eV (short-range wall, up to ${maxSeen.toFixed(0)} eV) clipped`);
    if (minSeen < lo) parts.push(`below ${lo} eV (down to ${minSeen.toFixed(1)} eV) clipped`);
    return { range: [lo, Y_TOP], clipped: parts.length ? parts.join('; ') : null };
}

function dimerPanel(result: StudyResult, dataset: StudyDatasetId, variant: BasisVariant, withSpinPaired = false): PanelSpec {
    const rows = rowsOf(result, dataset, variant);
    const series: Series[] = rows.map((row) => {
        const c = result.curves[row.id];
        return { name: `K = ${row.K}`, key: row.id, x: c.r, y: c.energy, color: ORDER_COLOR[row.K] ?? '#000' };
    });
    const dft = result.dft.points;
    series.push({ name: result.dft.label, key: 'dft', x: dft.map((p) => p.r), y: dft.map((p) => p.energy), color: '#000', markers: true, line: false });
    const sp = withSpinPaired ? result.dft.spinPaired?.points ?? [] : [];
    if (sp.length) {
        series.push({ name: `${result.dft.label}, spin-unpolarised`, key: 'dft-spin-paired', x: sp.map((p) => p.r), y: sp.map((p) => p.energy), color: '#999', markers: true, line: false });
    }
    const win = dimerWindow(series.map((s) => s.y as number[]), series.map((s) => s.x as number[]));
    const empty = rows.length === 0 ? 'no model (no training data)' : null;
    return {
        title: `${DATASET_LABEL[dataset]} · ${VARIANT_LABEL[variant]}`,
        xLabel: 'C–C distance r (Å)',
        yLabel: 'E(C₂, r) − 2E₀ (eV)',
        xRange: X_RANGE,
        yRange: win.range,
        series,
        hline: 0,
        note: [empty, win.clipped].filter(Boolean).join('; ') || undefined,
    };
}

/** Dimer curves of one pool: standard and self-interaction-free side by side, every K, DFT points. */
export function dimerFigure(result: StudyResult, dataset: StudyDatasetId): string {
    return renderFigure(
        result.settings.variants.map((v) => dimerPanel(result, dataset, v, true)),
        {
            columns: 2,
            title: `C₂ dimer curves of models trained on ${DATASET_LABEL[dataset]}` +
        (result.dft.spinPaired?.points.length ? ` (grey: DFT, spin-unpolarised)` : ''),
        },
    );
}

/** All pools × bases in one figure (rows: pools; columns: bases). */
export function dimerOverviewFigure(result: StudyResult): string {
    const panels: PanelSpec[] = [];
    for (const d of result.settings.datasets) for (const v of result.settings.variants) panels.push(dimerPanel(result, d, v));
    return renderFigure(panels, { columns: result.settings.variants.length, panelWidth: 520, panelHeight: 330, title: `C₂ dimer curves by training pool, basis and body order K (${result.dft.label}: black circles)` });
}

/** Body-order decomposition of the highest-K model of a pool and basis: E and each E_K vs r. */
export function decompositionFigure(result: StudyResult, dataset: StudyDatasetId, variant: BasisVariant): string | null {
    const rows = rowsOf(result, dataset, variant);
    if (!rows.length) return null;
    const row = rows.reduce((a, b) => (b.K > a.K ? b : a));
    const c = result.curves[row.id];
    const series: Series[] = [];
    for (const K of Object.keys(c.contributions).map(Number).sort()) {
        series.push({ name: `E_${K} (K = ${K} part)`, key: `K${K}`, x: c.r, y: c.contributions[K], color: ORDER_COLOR[K] ?? '#000' });
    }
    // the total last, so that it is drawn on top of its parts
    series.push({ name: 'total', key: 'total', x: c.r, y: c.energy, color: '#000', width: 2.4, dash: '7 3' });
    const dft = result.dft.points;
    series.push({ name: result.dft.label, key: 'dft', x: dft.map((p) => p.r), y: dft.map((p) => p.energy), color: '#000', markers: true, line: false });
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of series) s.y.forEach((y, i) => {
        if (y === null || s.x[i] < 0.9 || s.x[i] > X_RANGE[1]) return;
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
    });
    const LIM = 30;
    const range: [number, number] = [Math.max(-LIM, Math.floor(Math.min(-8, lo) - 0.5)), Math.min(LIM, Math.ceil(Math.max(4, hi) + 0.5))];
    const notes: string[] = [];
    if (hi > range[1] || lo < range[0]) notes.push(`clipped to ${range[0]}…${range[1]} eV (values from ${lo.toFixed(1)} to ${hi.toFixed(1)} eV for r ≥ 0.9 Å)`);
    notes.push('E_K: part of the K-body functions (with their self-interaction terms); Σ_K E_K = total');
    const panel: PanelSpec = {
        title: `Body-order decomposition · ${DATASET_LABEL[dataset]} · ${VARIANT_LABEL[variant]} · K = ${row.K}`,
        xLabel: 'C–C distance r (Å)',
        yLabel: 'energy (eV)',
        xRange: X_RANGE,
        yRange: range,
        series,
        hline: 0,
        note: notes.join('; '),
    };
    return renderFigure([panel], { panelWidth: 760, panelHeight: 420 });
}

function vsKPanel(result: StudyResult, title: string, yLabel: string, pick: (r: StudyRow) => number | null, extra: Series[] = []): PanelSpec {
    const series: Series[] = [];
    for (const d of result.settings.datasets) for (const v of result.settings.variants) {
        const rows = rowsOf(result, d, v).sort((a, b) => a.K - b.K);
        if (!rows.length) continue;
        series.push({ name: `${d} · ${VARIANT_LABEL[v]}`, key: `${d}-${v}`, x: rows.map((r) => r.K), y: rows.map(pick), color: DATASET_COLOR[d], dash: VARIANT_DASH[v], markers: true });
    }
    series.push(...extra);
    const all = series.flatMap((s) => s.y);
    const Ks = result.settings.orders;
    return {
        title,
        xLabel: 'maximal body order K',
        yLabel,
        xRange: [Math.min(...Ks) - 0.3, Math.max(...Ks) + 0.3],
        xTicks: Ks,
        yRange: dataRange(all, { log: true, fallback: [1, 1000] }),
        logY: true,
        series,
        note: series.length ? 'log scale' : 'no fitted models',
    };
}

/** Validation errors (energy and forces) vs K for every pool and basis; narrow → diverse transfer in grey. */
export function errorsFigure(result: StudyResult): string {
    const cross = (pick: (r: StudyRow) => number | null): Series[] => {
        const out: Series[] = [];
        for (const v of result.settings.variants) {
            const rows = result.rows.filter((r) => r.variant === v && r.cross && r.status === 'fitted').sort((a, b) => a.K - b.K);
            if (!rows.length) continue;
            out.push({ name: `narrow → diverse · ${VARIANT_LABEL[v]}`, key: `cross-${v}`, x: rows.map((r) => r.K), y: rows.map(pick), color: '#777', dash: VARIANT_DASH[v], markers: true });
        }
        return out;
    };
    const e = (r: StudyRow) => r.valid?.energyRmse ?? null;
    const f = (r: StudyRow) => r.valid?.forceRmse ?? null;
    return renderFigure(
        [
            vsKPanel(result, 'Validation energy RMSE vs K', 'energy RMSE (meV/atom)', e, cross((r) => r.cross?.energyRmse ?? null)),
            vsKPanel(result, 'Validation force RMSE vs K', 'force RMSE (meV/Å)', f, cross((r) => r.cross?.forceRmse ?? null)),
        ],
        { columns: 2, panelWidth: 680, panelHeight: 380, title: 'Held-out errors by training pool and basis' },
    );
}

/** RMS deviation of the model dimer curves from DFT (over the RMS window) vs K. */
export function dimerRmsFigure(result: StudyResult): string {
    const [a, b] = result.settings.rmsWindow;
    return renderFigure([vsKPanel(result, `Dimer curve: RMS deviation from DFT over ${a}–${b} Å`, 'RMS deviation (eV)', (r) => r.dimer?.rms ?? null)], {
        panelWidth: 700,
        panelHeight: 400,
    });
}

/** Every figure by file name (relative to the figures folder). */
export function studyFigures(result: StudyResult): Record<string, string> {
    const out: Record<string, string> = {};
    out['dimer-curves.svg'] = dimerOverviewFigure(result);
    for (const d of result.settings.datasets) {
        out[`dimer-${d}.svg`] = dimerFigure(result, d);
        for (const v of result.settings.variants) {
            const svg = decompositionFigure(result, d, v);
            if (svg) out[`decomposition-${d}-${v}.svg`] = svg;
        }
    }
    out['errors-vs-K.svg'] = errorsFigure(result);
    out['dimer-rms-vs-K.svg'] = dimerRmsFigure(result);
    return out;
}
