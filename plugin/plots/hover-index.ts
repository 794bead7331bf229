/**
 * A box query over the points of a large WebGL (scattergl) trace, in place of the quadtree Plotly builds for
 * hover and click look-ups.
 *
 * Plotly asks the trace's `tree.range(x0, y0, x1, y1)` for the points near the mouse on every hover, click and
 * re-hover (after any restyle or relayout). Its tree (@plotly/point-cluster 3.1.9) finds the end of a node's
 * children by scanning forward through the rest of that tree level (`nextOffset`), which on the 6·10⁵ force
 * components of the GAP-20 concatenation made one hover take seconds to a minute of main-thread time (measured with
 * Chromium's CPU profiler: 300 s of 400 s in five box selections). This index is a uniform grid with the points of
 * each cell stored contiguously (counting sort): built in O(n), a query visits only the cells the box overlaps.
 */

export interface BoxIndex {
    /** ids of the points with x0 ≤ x ≤ x1 and y0 ≤ y ≤ y1 (any order) */
    range(x0: number, y0: number, x1: number, y1: number): number[];
}

/** A grid index of points (x[i], y[i]); non-finite points are never returned. */
export function gridIndex(x: ArrayLike<number>, y: ArrayLike<number>): BoxIndex {
    const n = Math.min(x.length, y.length);
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, finite = 0;
    for (let i = 0; i < n; i++) {
        const a = x[i], b = y[i];
        if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
        finite++;
        if (a < minX) minX = a;
        if (a > maxX) maxX = a;
        if (b < minY) minY = b;
        if (b > maxY) maxY = b;
    }
    // about 4 points per cell on average; at least 1×1
    const side = Math.max(1, Math.min(4096, Math.ceil(Math.sqrt(finite / 4))));
    const sx = maxX > minX ? side / (maxX - minX) : 0, sy = maxY > minY ? side / (maxY - minY) : 0;
    const cellX = (a: number) => Math.min(side - 1, Math.max(0, Math.floor((a - minX) * sx)));
    const cellY = (b: number) => Math.min(side - 1, Math.max(0, Math.floor((b - minY) * sy)));
    const start = new Int32Array(side * side + 1);
    const cellOf = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
        const a = x[i], b = y[i];
        if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
        const c = cellY(b) * side + cellX(a);
        cellOf[i] = c;
        start[c + 1]++;
    }
    for (let c = 0; c < side * side; c++) start[c + 1] += start[c];
    const fill = start.slice(0, side * side);
    const ids = new Int32Array(finite);
    for (let i = 0; i < n; i++) if (cellOf[i] >= 0) ids[fill[cellOf[i]]++] = i;
    return {
        range(x0, y0, x1, y1) {
            const out: number[] = [];
            if (finite === 0 || !(x1 >= minX) || !(x0 <= maxX) || !(y1 >= minY) || !(y0 <= maxY)) return out;
            const cx0 = cellX(x0), cx1 = cellX(x1), cy0 = cellY(y0), cy1 = cellY(y1);
            for (let cy = cy0; cy <= cy1; cy++) {
                for (let cx = cx0; cx <= cx1; cx++) {
                    const c = cy * side + cx;
                    for (let k = start[c]; k < start[c + 1]; k++) {
                        const i = ids[k], a = x[i], b = y[i];
                        if (a >= x0 && a <= x1 && b >= y0 && b <= y1) out.push(i);
                    }
                }
            }
            return out;
        },
    };
}

/**
 * Gives every scattergl trace of a drawn Plotly graph that has Plotly's hover quadtree a grid index instead (see
 * above). Plotly rebuilds the tree whenever it recomputes the trace (a restyle or react): call after every draw
 * (e.g. on 'plotly_afterplot'). Works on Plotly's calcdata (`cd[0].t.tree`, `.x`, `.y`: the trace's points in
 * calc coordinates, as plotly.js 2–4's scattergl/hover.js reads them).
 */
export function replaceHoverTrees(graph: HTMLElement) {
    const calcdata = (graph as any).calcdata as any[] | undefined;
    if (!calcdata) return;
    for (const cd of calcdata) {
        const t = cd?.[0]?.t, trace = cd?.[0]?.trace;
        if (!t?.tree || trace?.type !== 'scattergl' || t.tree.acelensGrid || !t.x || !t.y) continue;
        const index = gridIndex(t.x, t.y);
        t.tree = { acelensGrid: true, range: (x0: number, y0: number, x1: number, y1: number) => index.range(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)) };
    }
}

/** `replaceHoverTrees` now and after every later draw of the graph (listeners survive until Plotly.purge). */
export function keepHoverTreesReplaced(graph: HTMLElement) {
    const g = graph as any;
    replaceHoverTrees(graph);
    if (!g.on) return;
    if (!g.__acelensHoverTrees) g.__acelensHoverTrees = () => replaceHoverTrees(graph);
    g.removeListener?.('plotly_afterplot', g.__acelensHoverTrees);
    g.on('plotly_afterplot', g.__acelensHoverTrees);
}
