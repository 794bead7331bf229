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
    private readonly redraw = () => this.draw();

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

    /** The marks to show (replacing the previous ones), drawn now. */
    set(sets: MarkSet[]) {
        this.sets = sets;
        this.draw();
    }

    clear() { this.outline = undefined; this.set([]); }

    /** The outline of a box or lasso selection (data coordinates; undefined: none), drawn now. */
    setOutline(outline: ReadonlyArray<readonly [number, number]> | undefined) {
        this.outline = outline;
        this.draw();
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
        // a canvas drawn by the CPU (Chromium's 'willReadFrequently'): thousands of rings in one path took seconds of a
        // software GPU process (SwiftShader) when the canvas was accelerated, delaying the 3D view's next frame
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
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, w, h);
        for (const s of this.sets) {
            // a legend entry of that name (an empty trace of the plot) hidden by a click on it hides the rings too
            if (g._fullData.some((t: any) => t.name === s.name && t.visible === 'legendonly')) continue;
            const r = s.size / 2;
            ctx.strokeStyle = s.colour;
            ctx.lineWidth = 2;
            ctx.beginPath();
            for (let i = 0; i < s.x.length; i++) {
                const px = xa.c2p(s.x[i]), py = ya.c2p(s.y[i]);
                if (!Number.isFinite(px) || !Number.isFinite(py) || px < -r || py < -r || px > w + r || py > h + r) continue;
                ctx.moveTo(px + r, py);
                ctx.arc(px, py, r, 0, 2 * Math.PI);
            }
            ctx.stroke();
        }
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
}
