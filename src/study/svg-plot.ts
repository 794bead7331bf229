/**
 * Minimal SVG line plots by string building (no DOM): axes with "nice" ticks (linear or log10), labels
 * with units, a legend, lines clipped exactly at the plot range (segments are cut at the y limits, not
 * squashed), markers, and a note line saying what was clipped. Used by ./figures.ts.
 */

export interface Series {
  name: string;
  x: readonly number[];
  y: readonly (number | null)[];
  color: string;
  /** SVG stroke-dasharray, e.g. '6 3' */
  dash?: string;
  /** draw markers instead of (or with) a line */
  markers?: boolean;
  line?: boolean;
  width?: number;
  /** data-series attribute (tests and scripts find series by it) */
  key?: string;
}

export interface PanelSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xRange: [number, number];
  yRange: [number, number];
  logY?: boolean;
  series: Series[];
  /** x positions of labelled integer ticks only (e.g. body orders) */
  xTicks?: number[];
  /** small text under the title (e.g. what was clipped) */
  note?: string;
  /** horizontal reference line (e.g. y = 0) */
  hline?: number;
}

export const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#0072B2', '#D55E00', '#F0E442', '#999999'];

export function esc(s: string): string {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: number): string {
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** "Nice" linear ticks covering [lo, hi] (about `n` of them). */
export function niceTicks(lo: number, hi: number, n = 6): number[] {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n + 0.5) ?? 10 * mag;
    const out: number[] = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : Number(v.toPrecision(12)));
    return out;
}

/** Ticks of a log10 axis: decades, plus 2 and 5 when fewer than 3 decades. */
export function logTicks(lo: number, hi: number): number[] {
    const out: number[] = [];
    const a = Math.floor(Math.log10(lo));
    const b = Math.ceil(Math.log10(hi));
    const sub = b - a <= 2 ? [1, 2, 5] : [1];
    for (let e = a; e <= b; e++) for (const m of sub) {
        const v = m * Math.pow(10, e);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(Number(v.toPrecision(6)));
    }
    return out;
}

/** Range of the finite values (positive only for log axes), padded; fallback when empty. */
export function dataRange(values: Iterable<number | null>, opts: { log?: boolean; pad?: number; fallback?: [number, number] } = {}): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
        if (v === null || !Number.isFinite(v) || (opts.log && v <= 0)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
    }
    if (lo > hi) return opts.fallback ?? (opts.log ? [1, 10] : [0, 1]);
    if (opts.log) {
        const f = Math.pow(10, opts.pad ?? 0.15);
        lo /= f;
        hi *= f;
        if (hi / lo < 10) {
            const m = Math.sqrt(hi * lo);
            lo = m / Math.sqrt(10);
            hi = m * Math.sqrt(10);
        }
        return [lo, hi];
    }
    const p = (hi - lo) * (opts.pad ?? 0.05) || Math.abs(hi) * 0.1 || 1;
    return [lo - p, hi + p];
}

/**
 * Cuts a polyline at y = lo and y = hi (in data units): returns the visible runs. Points with null/NaN y
 * break the line.
 */
export function clipPolyline(x: readonly number[], y: readonly (number | null)[], lo: number, hi: number): [number, number][][] {
    const runs: [number, number][][] = [];
    let run: [number, number][] = [];
    const flush = () => {
        if (run.length > 1) runs.push(run);
        run = [];
    };
    const inside = (v: number) => v >= lo && v <= hi;
    for (let i = 0; i < x.length; i++) {
        const yi = y[i];
        if (yi === null || !Number.isFinite(yi)) {
            flush();
            continue;
        }
        const prev = i > 0 ? y[i - 1] : null;
        if (prev === null || prev === undefined || !Number.isFinite(prev)) {
            if (inside(yi)) run.push([x[i], yi]);
            continue;
        }
        const x0 = x[i - 1], y0 = prev, x1 = x[i], y1 = yi;
        // crossings of the segment with the limits, in order along the segment
        const cuts: [number, number][] = [];
        for (const b of [lo, hi]) {
            if ((y0 - b) * (y1 - b) < 0) {
                const t = (b - y0) / (y1 - y0);
                cuts.push([x0 + t * (x1 - x0), b]);
            }
        }
        cuts.sort((p, q) => (p[0] - q[0]) * Math.sign(x1 - x0 || 1));
        let wasIn = inside(y0);
        for (const c of cuts) {
            if (wasIn) {
                run.push(c);
                flush();
            } else run.push(c);
            wasIn = !wasIn;
        }
        if (inside(y1)) run.push([x1, y1]);
        else flush();
    }
    flush();
    return runs;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One panel (axes, series, legend) as an SVG <g> in the given box. */
export function renderPanel(p: PanelSpec, box: Box): string {
    const m = { left: 64, right: 12, top: p.note ? 44 : 30, bottom: 46 };
    const legendW = Math.min(250, Math.max(90, ...p.series.map((s) => 34 + 6.4 * s.name.length)));
    const plotW = box.width - m.left - m.right - legendW;
    const plotH = box.height - m.top - m.bottom;
    const [x0, x1] = p.xRange;
    const [y0, y1] = p.yRange;
    const ty = (v: number) => (p.logY ? Math.log10(v) : v);
    const X = (v: number) => m.left + ((v - x0) / (x1 - x0)) * plotW;
    const Y = (v: number) => m.top + plotH - ((ty(v) - ty(y0)) / (ty(y1) - ty(y0))) * plotH;
    const clipId = `clip-${Math.round(box.x)}-${Math.round(box.y)}-${Math.round(box.width)}`;
    const out: string[] = [];
    out.push(`<g transform="translate(${box.x},${box.y})" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
    out.push(`<text x="${m.left + plotW / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
    if (p.note) out.push(`<text x="${m.left + plotW / 2}" y="31" text-anchor="middle" font-size="10" fill="#555">${esc(p.note)}</text>`);
    out.push(`<defs><clipPath id="${clipId}"><rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`);
    out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
    // ticks
    const xt = p.xTicks ?? niceTicks(x0, x1, 7);
    for (const v of xt) {
        if (v < x0 - 1e-9 || v > x1 + 1e-9) continue;
        out.push(`<line x1="${X(v).toFixed(1)}" y1="${m.top + plotH}" x2="${X(v).toFixed(1)}" y2="${m.top + plotH + 4}" stroke="#333"/>`);
        out.push(`<text x="${X(v).toFixed(1)}" y="${m.top + plotH + 16}" text-anchor="middle">${fmt(v)}</text>`);
    }
    const yt = p.logY ? logTicks(y0, y1) : niceTicks(y0, y1, 6);
    for (const v of yt) {
        out.push(`<line x1="${m.left}" y1="${Y(v).toFixed(1)}" x2="${m.left + plotW}" y2="${Y(v).toFixed(1)}" stroke="#ddd"/>`);
        out.push(`<text x="${m.left - 5}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
    }
    if (p.hline !== undefined && p.hline >= y0 && p.hline <= y1) {
        out.push(`<line x1="${m.left}" y1="${Y(p.hline).toFixed(1)}" x2="${m.left + plotW}" y2="${Y(p.hline).toFixed(1)}" stroke="#888" stroke-dasharray="2 2"/>`);
    }
    out.push(`<text x="${m.left + plotW / 2}" y="${m.top + plotH + 34}" text-anchor="middle">${esc(p.xLabel)}</text>`);
    out.push(`<text transform="translate(16,${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
    // series
    const lo = y0, hi = y1;
    for (const s of p.series) {
        const attrs = `data-series="${esc(s.key ?? s.name)}"`;
        out.push(`<g ${attrs} clip-path="url(#${clipId})">`);
        if (s.line !== false) {
            // keep the samples inside the x range and cut the lines at the y limits (no reliance on clip-path)
            const xs: number[] = [];
            const ys: (number | null)[] = [];
            s.x.forEach((xv, i) => {
                if (xv < x0 - 1e-9 || xv > x1 + 1e-9) return;
                const yv = s.y[i];
                xs.push(xv);
                ys.push(p.logY && !(yv !== null && yv > 0) ? null : yv);
            });
            for (const run of clipPolyline(xs, ys, lo, hi)) {
                const d = run.map(([a, b], i) => `${i ? 'L' : 'M'}${X(a).toFixed(2)},${Y(b).toFixed(2)}`).join('');
                out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.8}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
            }
        }
        if (s.markers) {
            s.x.forEach((xv, i) => {
                const yv = s.y[i];
                if (yv === null || !Number.isFinite(yv) || yv < y0 || yv > y1 || xv < x0 || xv > x1 || (p.logY && yv <= 0)) return;
                out.push(`<circle cx="${X(xv).toFixed(2)}" cy="${Y(yv).toFixed(2)}" r="3" fill="${s.line === false ? s.color : '#fff'}" stroke="${s.color}" stroke-width="1.3"/>`);
            });
        }
        out.push('</g>');
    }
    // legend
    const lx = m.left + plotW + 12;
    p.series.forEach((s, i) => {
        const ly = m.top + 8 + i * 16;
        if (s.line !== false) out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${s.color}" stroke-width="${s.width ?? 1.8}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
        if (s.markers) out.push(`<circle cx="${lx + 11}" cy="${ly}" r="3" fill="${s.line === false ? s.color : '#fff'}" stroke="${s.color}" stroke-width="1.3"/>`);
        out.push(`<text x="${lx + 28}" y="${ly + 4}">${esc(s.name)}</text>`);
    });
    out.push('</g>');
    return out.join('\n');
}

/** A whole SVG document of panels laid out in a grid (columns × rows of equal boxes). */
export function renderFigure(panels: PanelSpec[], opts: { columns?: number; panelWidth?: number; panelHeight?: number; title?: string } = {}): string {
    const cols = Math.max(1, Math.min(opts.columns ?? 1, panels.length));
    const w = opts.panelWidth ?? 560;
    const h = opts.panelHeight ?? 360;
    const top = opts.title ? 28 : 0;
    const rows = Math.ceil(panels.length / cols);
    const W = cols * w;
    const H = rows * h + top;
    const parts = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
        `<rect width="${W}" height="${H}" fill="#fff"/>`,
    ];
    if (opts.title) parts.push(`<text x="${W / 2}" y="19" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="15" font-weight="bold">${esc(opts.title)}</text>`);
    panels.forEach((p, i) => parts.push(renderPanel(p, { x: (i % cols) * w, y: top + Math.floor(i / cols) * h, width: w, height: h })));
    parts.push('</svg>');
    return parts.join('\n') + '\n';
}
