/**
 * Rings drawn over a Plotly plot on a 2D canvas: the selected atoms and the atom under the mouse in 3D, marked in
 * the parity and error-by-distance plots. The plot keeps an empty trace of the same name for its legend entry
 * (a click on it hides the rings).
 *
 * Why not Plotly traces: any change of a trace's x/y makes Plotly recompute every trace of the plot (a 'calc'
 * edit clears all of its calcdata) and redraw it, i.e. the 6·10⁵ force components of the GAP-20 concatenation for
 * each hover or selection (seconds); it also re-emits the box selection. The canvas follows the plot's axes
 * (Plotly's own coordinate conversion, redrawn after every Plotly draw, zoom or resize), lets the mouse through, and
 * costs O(marked points) per change.
 */

import { parseCanvasColour, ringStamp, stampRings, type RingStamp } from '../plots/ring-raster';

export interface MarkSet {
    /** what the legend calls it, e.g. 'selected' */
    name: string;
    x: ArrayLike<number>;
    y: ArrayLike<number>;
    colour: string;
    /** ring diameter, px */
    size: number;
}

/** The marks of one plot: `canvas` is placed over the plot's drawing area (a sibling of the graph div in a positioned box). */
export class PlotMarks {
    private sets: MarkSet[] = [];
    /** the outline of a box or lasso selection made in this plot, data coordinates (../plots/point-select.ts) */
    private outline?: ReadonlyArray<readonly [number, number]>;
    /** the axes moved or the plot was redrawn: the rings are placed again */
    private readonly redraw = () => { this.ringsStale = true; this.under = undefined; this.requestDraw(); };
    /**
     * The rings of every set but the last one given to `set`, as placed last time, and what they were placed from
     * (the sets' arrays, compared by identity, and the canvas size): a change of the last set alone (the atom under
     * the mouse in 3D) copies these instead of placing thousands of selected rings again.
     */
    private under?: { sets: MarkSet[]; width: number; height: number; dpr: number; pixels: Uint8ClampedArray };
    /** the rings' pixels (reused while the canvas keeps its size); undefined: no ring shown */
    private rings?: ImageData;
    private ringsStale = true;
    /** ring stamps by diameter and device pixel ratio */
    private readonly stamps = new Map<string, RingStamp>();
    private pendingFrame = 0;

    constructor(private graph: () => HTMLElement | null, private canvas: () => HTMLCanvasElement | null) {}

    /** Redraws after every Plotly draw, relayout (zoom, pan) or resize of the graph (call after each Plotly.react). */
    bind() {
        const g = this.graph() as any;
        if (!g?.on) return;
        for (const name of ['plotly_afterplot', 'plotly_relayout', 'plotly_restyle', 'plotly_redraw']) {
            g.removeListener?.(name, this.redraw); // Plotly.purge drops the listeners; otherwise bound once
            g.on(name, this.redraw);
        }
    }

    /** The marks to show (replacing the previous ones), drawn with the next frame. */
    set(sets: MarkSet[]) {
        this.sets = sets;
        this.ringsStale = true;
        this.requestDraw();
    }

    clear() { this.outline = undefined; this.set([]); }

    /**
     * The outline of a box or lasso selection (data coordinates; undefined: none), drawn with the next frame; the
     * rings are not placed again for it (a drag changes the outline at every mouse move).
     */
    setOutline(outline: ReadonlyArray<readonly [number, number]> | undefined) {
        this.outline = outline;
        this.requestDraw();
    }

    /** One draw per animation frame, whatever changed how often before it. */
    private requestDraw() {
        if (!this.pendingFrame) this.pendingFrame = requestAnimationFrame(() => { this.pendingFrame = 0; this.draw(); });
    }

    /** The outline shown, data coordinates (for tests). */
    get shownOutline(): [number, number][] | undefined {
        return this.outline?.map(([x, y]) => [x, y]);
    }

    /** The marks currently shown, by name (for tests and for reading them back). */
    get shown(): Record<string, { x: number[]; y: number[] }> {
        const out: Record<string, { x: number[]; y: number[] }> = {};
        for (const s of this.sets) out[s.name] = { x: Array.from(s.x), y: Array.from(s.y) };
        return out;
    }

    draw() {
        const canvas = this.canvas(), g = this.graph() as any;
        if (!canvas) return;
        (canvas as any).acelensMarks = this;
        const fl = g?._fullLayout, size = fl?._size, xa = fl?.xaxis, ya = fl?.yaxis;
        // a canvas drawn by the CPU (Chromium's 'willReadFrequently'): an accelerated canvas with thousands of rings took
        // seconds of a software GPU process (SwiftShader), delaying the 3D view's next frame; putImageData is a copy here
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        if (!ctx) return;
        if (!size || !xa?.c2p || !ya?.c2p || !g._fullData) {
            ctx.clearRect(0, 0, canvas.width, canvas.height);
            return;
        }
        const dpr = window.devicePixelRatio || 1;
        const w = Math.max(1, Math.round(size.w)), h = Math.max(1, Math.round(size.h));
        canvas.style.left = `${size.l}px`;
        canvas.style.top = `${size.t}px`;
        canvas.style.width = `${w}px`;
        canvas.style.height = `${h}px`;
        if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
            canvas.width = Math.round(w * dpr);
            canvas.height = Math.round(h * dpr);
        }
        // the rings: one stamp per point written into a pixel buffer, put at once (../plots/ring-raster.ts: a canvas path
        // of thousands of arcs cost Chromium's rasteriser 0.3–0.6 s on the main thread, after the selection was made)
        const W = canvas.width, H = canvas.height;
        if (this.ringsStale || (this.rings && (this.rings.width !== W || this.rings.height !== H))) this.placeRings(ctx, W, H, dpr, g._fullData, xa, ya);
        if (this.rings) ctx.putImageData(this.rings, 0, 0); else ctx.clearRect(0, 0, W, H);
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        if (this.outline && this.outline.length > 1) {
            ctx.setLineDash([5, 4]);
            ctx.strokeStyle = '#333';
            ctx.lineWidth = 1;
            ctx.fillStyle = 'rgba(255, 45, 0, 0.06)';
            ctx.beginPath();
            this.outline.forEach(([x, y], k) => { const px = xa.c2p(x), py = ya.c2p(y); if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py); });
            ctx.closePath();
            ctx.fill();
            ctx.stroke();
            ctx.setLineDash([]);
        }
    }

    private placeRings(ctx: CanvasRenderingContext2D, W: number, H: number, dpr: number, traces: any[], xa: any, ya: any) {
        this.ringsStale = false;
        // a legend entry of that name (an empty trace of the plot) hidden by a click on it hides the rings too
        const shown = this.sets.filter(s => s.x.length > 0 && !traces.some((t: any) => t.name === s.name && t.visible === 'legendonly'));
        if (shown.length === 0) { this.rings = undefined; return; }
        const image = this.rings?.width === W && this.rings.height === H ? this.rings : ctx.createImageData(W, H);
        const last = this.sets[this.sets.length - 1], top = shown.includes(last) ? last : undefined;
        const below = shown.filter(s => s !== last), u = this.under;
        const same = (a: MarkSet, b: MarkSet) => a.x === b.x && a.y === b.y && a.colour === b.colour && a.size === b.size;
        if (u && u.width === W && u.height === H && u.dpr === dpr && u.sets.length === below.length && below.every((s, k) => same(s, u.sets[k]))) {
            image.data.set(u.pixels);
        } else {
            image.data.fill(0);
            for (const s of below) this.stamp(ctx, image, s, dpr, xa, ya);
            this.under = { sets: below, width: W, height: H, dpr, pixels: image.data.slice() };
        }
        if (top) this.stamp(ctx, image, top, dpr, xa, ya);
        this.rings = image;
    }

    private stamp(ctx: CanvasRenderingContext2D, image: ImageData, s: MarkSet, dpr: number, xa: any, ya: any) {
        const key = `${s.size}:${dpr}`;
        let stamp = this.stamps.get(key);
        if (!stamp) this.stamps.set(key, stamp = ringStamp(s.size / 2 * dpr, 2 * dpr));
        const n = s.x.length, x = new Float64Array(n), y = new Float64Array(n);
        for (let i = 0; i < n; i++) { x[i] = xa.c2p(s.x[i]) * dpr; y[i] = ya.c2p(s.y[i]) * dpr; }
        ctx.fillStyle = s.colour; // the context's normalised form of any CSS colour
        stampRings(image.data, image.width, image.height, x, y, stamp, parseCanvasColour(String(ctx.fillStyle)));
    }
}
