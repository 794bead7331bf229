import { describe, expect, it } from 'vitest';
import { gridIndex, replaceHoverTrees } from '../../plugin/plots/hover-index';

/** A deterministic pseudo-random sequence (LCG). */
function random(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
}

function brute(x: ArrayLike<number>, y: ArrayLike<number>, x0: number, y0: number, x1: number, y1: number) {
    const out: number[] = [];
    for (let i = 0; i < x.length; i++) if (x[i] >= x0 && x[i] <= x1 && y[i] >= y0 && y[i] <= y1) out.push(i);
    return out;
}

describe('grid index for hover look-ups of large scatter traces', () => {
    it('returns exactly the points in a box, like a scan of all points (clustered, NaN, repeated and boundary points)', () => {
        const r = random(7);
        const n = 20_000;
        const x = new Float64Array(n), y = new Float64Array(n);
        for (let i = 0; i < n; i++) {
            // force-parity-like: most points near the diagonal around 0, a few far out
            const t = (r() - 0.5) * (r() < 0.02 ? 200 : 4);
            x[i] = t; y[i] = t + (r() - 0.5) * 0.3;
        }
        x[5] = NaN; y[6] = Infinity; x[7] = 1; y[7] = 1; x[8] = 1; y[8] = 1; // non-finite and repeated points
        const index = gridIndex(x, y);
        for (let q = 0; q < 300; q++) {
            const cx = (r() - 0.5) * (q % 3 === 0 ? 220 : 5), cy = cx + (r() - 0.5) * 2, w = r() * (q % 5 === 0 ? 50 : 0.2), h = r() * 0.2;
            const got = index.range(cx - w, cy - h, cx + w, cy + h).sort((a, b) => a - b);
            expect(got).toEqual(brute(x, y, cx - w, cy - h, cx + w, cy + h));
        }
        // a box whose edges are points (inclusive), everything, nothing
        expect(index.range(1, 1, 1, 1).sort((a, b) => a - b)).toEqual(brute(x, y, 1, 1, 1, 1));
        expect(index.range(-Infinity, -Infinity, Infinity, Infinity).length).toBe(n - 2);
        expect(index.range(1e6, 1e6, 2e6, 2e6)).toEqual([]);
    });

    it('handles all points on one line and empty input', () => {
        const x = Float64Array.from({ length: 1000 }, () => 2), y = Float64Array.from({ length: 1000 }, (_, i) => i);
        const index = gridIndex(x, y);
        expect(index.range(1.5, 10, 2.5, 19).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, k) => 10 + k));
        expect(index.range(2.1, 0, 3, 1000)).toEqual([]);
        expect(gridIndex([], []).range(0, 0, 1, 1)).toEqual([]);
    });

    it('replaces the hover tree of scattergl traces in Plotly calcdata, and only those', () => {
        const x = [0, 1, 2, 3], y = [0, 1, 4, 9];
        const tree = { range: () => [0, 1, 2, 3] };
        const graph = { calcdata: [[{ t: { tree, x, y }, trace: { type: 'scattergl' } }], [{ t: { tree, x, y }, trace: { type: 'scatter' } }], [{ t: { ids: [0] }, trace: { type: 'scattergl' } }]] } as any;
        replaceHoverTrees(graph);
        expect(graph.calcdata[0][0].t.tree).not.toBe(tree);
        expect(graph.calcdata[0][0].t.tree.range(2.5, 10, 0.5, 0).sort()).toEqual([1, 2]); // corners in any order, as Plotly passes them
        expect(graph.calcdata[1][0].t.tree).toBe(tree);
        expect(graph.calcdata[2][0].t.tree).toBeUndefined();
    });
});
