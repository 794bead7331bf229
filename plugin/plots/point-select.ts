/**
 * Box, lasso and click selection of the points of a large WebGL (scattergl) plot, answered from a grid index
 * (./hover-index.ts) instead of by Plotly.
 *
 * Why: a Plotly box selection over the 6·10⁵ force components of the GAP-20 concatenation tests every point of
 * the trace while the mouse moves ('plotly_selecting'), again on release, then restyles the trace into selected
 * and unselected batches and redraws all 6·10⁵ points in WebGL: 0.1–0.6 s of main thread and a full software
 * redraw per selection. Here the gesture is Plotly's (its mode bar still chooses box, lasso, zoom or pan; a drag
 * in zoom or pan mode, and Ctrl-drag, stay Plotly's), but in box and lasso mode the drag on the plot area is taken
 * before Plotly sees it: the outline is drawn on the plot's mark canvas (./point-marks.ts), and on release the
 * points inside are found from the grid index in O(points in the box) and handed to `onSelect`. Nothing of the
 * trace is restyled. A click selects the nearest point within a few pixels (none: the selection is cleared, as
 * Plotly's click on empty space does), Shift adds to the selection, a double click resets the axes.
 *
 * The geometry (`pointsInBox`, `pointsInPolygon`, `nearestPoint`) is plain functions of arrays, tested in Node
 * (test/plugin/point-select.test.ts); the DOM part (`PlotPointSelector`) is tested in Chromium
 * (test/e2e/workspace.e2e.test.ts).
 */
import { gridIndex, type BoxIndex } from './hover-index';

/** The points of a plot a selection is made from: coordinates in data units (Plotly's calc coordinates). */
export interface SelectablePoints {
    x: ArrayLike<number>;
    y: ArrayLike<number>;
    index: BoxIndex;
    /** whether point i may be selected (e.g. its trace is shown); all when absent */
    include?: (i: number) => boolean;
}

export function selectablePoints(x: ArrayLike<number>, y: ArrayLike<number>, include?: (i: number) => boolean): SelectablePoints {
    return { x, y, index: gridIndex(x, y), include };
}

/** Indices (ascending) of the points with x0 ≤ x ≤ x1, y0 ≤ y ≤ y1 (the corners in any order). */
export function pointsInBox(p: SelectablePoints, x0: number, y0: number, x1: number, y1: number): Int32Array {
    const found = p.index.range(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
    const kept = p.include ? found.filter(p.include) : found;
    return Int32Array.from(kept).sort();
}

/** Whether (px, py) is inside the polygon (even–odd rule; the polygon closes itself). */
export function insidePolygon(polygon: ReadonlyArray<readonly [number, number]>, px: number, py: number): boolean {
    let inside = false;
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
        const [xi, yi] = polygon[i], [xj, yj] = polygon[j];
        if ((yi > py) !== (yj > py) && px < xj + (py - yj) * (xi - xj) / (yi - yj)) inside = !inside;
    }
    return inside;
}

/**
 * Indices (ascending) of the points inside a polygon given in some plane (pixels of the plot, so that a lasso on
 * a log axis is the shape drawn): `toPlane` maps a point's data coordinates there, `toData` maps a plane point
 * back (to find the candidate points from the polygon's bounding box).
 */
export function pointsInPolygon(p: SelectablePoints, polygon: ReadonlyArray<readonly [number, number]>, toPlane: (x: number, y: number) => [number, number], toData: (u: number, v: number) => [number, number]): Int32Array {
    if (polygon.length < 3) return new Int32Array(0);
    let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
    for (const [u, v] of polygon) { u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v); }
    const [xa, ya] = toData(u0, v0), [xb, yb] = toData(u1, v1);
    const candidates = pointsInBox(p, xa, ya, xb, yb);
    const out: number[] = [];
    for (const i of candidates) {
        const [u, v] = toPlane(p.x[i], p.y[i]);
        if (insidePolygon(polygon, u, v)) out.push(i);
    }
    return Int32Array.from(out);
}

/** The point nearest to (u, v) in the plane within `radius` (plane units), or -1. */
export function nearestPoint(p: SelectablePoints, u: number, v: number, radius: number, toPlane: (x: number, y: number) => [number, number], toData: (u: number, v: number) => [number, number]): number {
    const [xa, ya] = toData(u - radius, v - radius), [xb, yb] = toData(u + radius, v + radius);
    let best = -1, bestD = radius * radius;
    for (const i of pointsInBox(p, xa, ya, xb, yb)) {
        const [pu, pv] = toPlane(p.x[i], p.y[i]);
        const d = (pu - u) ** 2 + (pv - v) ** 2;
        if (d <= bestD) { best = i; bestD = d; }
    }
    return best;
}

export type SelectHow = 'box' | 'lasso' | 'click';

/** An outline in data coordinates (the box's or lasso's corners), drawn over the plot while and after selecting. */
export type Outline = [number, number][];

export interface PlotPointSelectorOptions {
    /** the points (undefined: nothing drawn yet, the gesture is left to Plotly) */
    points: () => SelectablePoints | undefined;
    /** points selected: indices into `points` (ascending); `additive`: Shift was held */
    onSelect: (indices: Int32Array, how: SelectHow, additive: boolean) => void;
    /** a click on empty space */
    onClear: () => void;
    /** the outline to draw (undefined: none) */
    onOutline: (outline: Outline | undefined) => void;
}

/** Pixels the mouse may move between press and release for a click. */
const CLICK_SLOP = 3;
/** Radius (px) within which a click picks a point. */
const PICK_RADIUS = 8;
/** Two clicks within this many ms make a double click. */
const DOUBLE_CLICK_MS = 350;

/**
 * Takes box and lasso drags (and clicks in those modes) on a Plotly graph's main plot area: see the file comment.
 * Attach once per graph div (the listeners live on the div, which Plotly.react keeps); `detach` removes them.
 */
export class PlotPointSelector {
    private lastClick = 0;
    private readonly down = (e: MouseEvent) => this.onDown(e);
    private dragging = false;
    private readonly blockWhileDragging = (e: Event) => { if (this.dragging) e.stopPropagation(); };

    constructor(private readonly graph: HTMLElement, private readonly options: PlotPointSelectorOptions, private readonly relayout: (update: Record<string, unknown>) => void) {
        graph.addEventListener('mousedown', this.down, true);
        graph.addEventListener('mousemove', this.blockWhileDragging, true);
    }

    detach() {
        this.graph.removeEventListener('mousedown', this.down, true);
        this.graph.removeEventListener('mousemove', this.blockWhileDragging, true);
    }

    private axes() {
        const fl = (this.graph as any)._fullLayout;
        const xa = fl?.xaxis, ya = fl?.yaxis, size = fl?._size;
        if (!xa?.p2c || !ya?.p2c || !size) return undefined;
        return { fl, xa, ya, size };
    }

    private onDown(e: MouseEvent) {
        if (e.button !== 0 || e.ctrlKey || e.metaKey || e.altKey) return;
        const target = e.target as Element | null;
        // only the main plot area (Plotly's 'nsewdrag' rectangle), not the axes' drag handles, legend or mode bar
        if (!target?.classList?.contains('nsewdrag')) return;
        const ax = this.axes();
        const mode = ax?.fl.dragmode;
        if (!ax || (mode !== 'select' && mode !== 'lasso')) return;
        const points = this.options.points();
        if (!points) return;
        e.stopPropagation();
        e.preventDefault();
        const { xa, ya, size } = ax;
        const rect = this.graph.getBoundingClientRect();
        const plane = (ev: MouseEvent): [number, number] => [ev.clientX - rect.left - size.l, ev.clientY - rect.top - size.t];
        const toData = (u: number, v: number): [number, number] => [xa.p2c(u), ya.p2c(v)];
        const toPlane = (x: number, y: number): [number, number] => [xa.c2p(x), ya.c2p(y)];
        const start = plane(e);
        const path: [number, number][] = [start];
        const additive = e.shiftKey;
        let moved = false;
        this.dragging = true;
        const outline = (): Outline => {
            if (mode === 'lasso') return path.map(([u, v]) => toData(u, v));
            const [u1, v1] = path[path.length - 1];
            return [toData(start[0], start[1]), toData(u1, start[1]), toData(u1, v1), toData(start[0], v1)];
        };
        const move = (ev: MouseEvent) => {
            ev.preventDefault();
            const p = plane(ev);
            if (!moved && Math.hypot(p[0] - start[0], p[1] - start[1]) < CLICK_SLOP) return;
            moved = true;
            if (mode === 'lasso') path.push(p); else path[1] = p;
            this.options.onOutline(outline());
        };
        const up = (ev: MouseEvent) => {
            document.removeEventListener('mousemove', move, true);
            document.removeEventListener('mouseup', up, true);
            this.dragging = false;
            ev.preventDefault();
            if (!moved) { this.click(points, plane(ev), toPlane, toData, additive); return; }
            this.lastClick = 0;
            if (mode === 'lasso') path.push(plane(ev)); else path[1] = plane(ev);
            const shape = outline();
            this.options.onOutline(shape);
            let picked: Int32Array;
            if (mode === 'lasso') picked = pointsInPolygon(points, path, toPlane, toData);
            else picked = pointsInBox(points, shape[0][0], shape[0][1], shape[2][0], shape[2][1]);
            this.options.onSelect(picked, mode === 'lasso' ? 'lasso' : 'box', additive);
        };
        document.addEventListener('mousemove', move, true);
        document.addEventListener('mouseup', up, true);
    }

    private click(points: SelectablePoints, at: [number, number], toPlane: (x: number, y: number) => [number, number], toData: (u: number, v: number) => [number, number], additive: boolean) {
        const now = performance.now();
        if (now - this.lastClick < DOUBLE_CLICK_MS) {
            // a double click: the axes back to their full range (as Plotly's double click does)
            this.lastClick = 0;
            this.relayout({ 'xaxis.autorange': true, 'yaxis.autorange': true });
            return;
        }
        this.lastClick = now;
        const i = nearestPoint(points, at[0], at[1], PICK_RADIUS, toPlane, toData);
        this.options.onOutline(undefined);
        if (i >= 0) this.options.onSelect(Int32Array.of(i), 'click', additive);
        else if (!additive) this.options.onClear();
    }
}
