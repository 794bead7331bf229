import { describe, expect, it } from 'vitest';
import { insidePolygon, nearestPoint, pointsInBox, pointsInPolygon, selectablePoints } from '../../plugin/plots/point-select';

/** A deterministic pseudo-random sequence (LCG). */
function random(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
}

/** Force-parity-like points: most near the diagonal around 0, a few far out, some NaN. */
function parityPoints(n: number, seed: number) {
    const r = random(seed);
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        const t = (r() - 0.5) * (r() < 0.02 ? 200 : 4);
        x[i] = t; y[i] = t + (r() - 0.5) * 0.3;
    }
    x[3] = NaN; y[4] = -Infinity;
    return { x, y, r };
}

// a plot's pixel plane: linear x, log-10 y (as the error-against-distance plot), y downwards
const toPlane = (x: number, y: number): [number, number] => [100 * x, -100 * Math.log10(y)];
const toData = (u: number, v: number): [number, number] => [u / 100, 10 ** (-v / 100)];

describe('selection of plot points from a grid index (box, lasso, click)', () => {
    it('a box selects exactly the points a scan of all points finds, sorted, within the shown traces only', () => {
        const { x, y, r } = parityPoints(30_000, 11);
        const hidden = (i: number) => i % 7 !== 0; // e.g. the points of a config_type hidden in the legend
        const all = selectablePoints(x, y), some = selectablePoints(x, y, hidden);
        for (let q = 0; q < 200; q++) {
            const cx = (r() - 0.5) * (q % 4 === 0 ? 200 : 4), cy = cx + (r() - 0.5), w = r() * 2, h = r() * 2;
            const expected: number[] = [];
            for (let i = 0; i < x.length; i++) if (x[i] >= cx - w && x[i] <= cx + w && y[i] >= cy - h && y[i] <= cy + h) expected.push(i);
            // corners in either order, as a drag gives them
            expect(Array.from(pointsInBox(all, cx + w, cy - h, cx - w, cy + h))).toEqual(expected);
            expect(Array.from(pointsInBox(some, cx - w, cy + h, cx + w, cy - h))).toEqual(expected.filter(hidden));
        }
    });

    it('the even–odd polygon test: convex, concave and self-touching shapes', () => {
        const square: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
        expect(insidePolygon(square, 5, 5)).toBe(true);
        expect(insidePolygon(square, 11, 5)).toBe(false);
        expect(insidePolygon(square, -0.1, 5)).toBe(false);
        // a U: the notch between the arms is outside
        const u: [number, number][] = [[0, 0], [9, 0], [9, 9], [6, 9], [6, 3], [3, 3], [3, 9], [0, 9]];
        expect(insidePolygon(u, 1.5, 6)).toBe(true);
        expect(insidePolygon(u, 4.5, 6)).toBe(false);
        expect(insidePolygon(u, 4.5, 1)).toBe(true);
        expect(insidePolygon([[0, 0], [1, 1]], 0.5, 0.5)).toBe(false); // a degenerate path encloses nothing
    });

    it('a lasso on a log axis selects the points inside the shape drawn in pixels', () => {
        const r = random(5);
        const n = 20_000;
        const x = Float64Array.from({ length: n }, () => 1 + 2 * r()); // nearest-neighbour distance, Å
        const y = Float64Array.from({ length: n }, () => 10 ** (-3 + 4 * r())); // |ΔF| on a log axis, eV/Å
        const p = selectablePoints(x, y);
        // a star-shaped (concave) lasso in pixels around the middle of the populated range
        const lasso: [number, number][] = [];
        for (let k = 0; k < 40; k++) {
            const a = (2 * Math.PI * k) / 40, rad = k % 2 ? 30 : 80;
            lasso.push([200 + rad * Math.cos(a), 100 + rad * Math.sin(a)]);
        }
        const got = Array.from(pointsInPolygon(p, lasso, toPlane, toData));
        const expected: number[] = [];
        for (let i = 0; i < n; i++) { const [u, v] = toPlane(x[i], y[i]); if (insidePolygon(lasso, u, v)) expected.push(i); }
        expect(expected.length).toBeGreaterThan(100);
        expect(got).toEqual(expected);
        expect(pointsInPolygon(p, lasso.slice(0, 2), toPlane, toData).length).toBe(0);
    });

    it('a click picks the nearest point in pixels within the radius, or none', () => {
        const x = [1, 1.02, 2, NaN], y = [0.1, 0.1, 1, 1];
        const p = selectablePoints(x, y);
        const [u0, v0] = toPlane(1, 0.1), [u1, v1] = toPlane(1.02, 0.1);
        expect(nearestPoint(p, u0 + 0.4, v0, 8, toPlane, toData)).toBe(0);
        expect(nearestPoint(p, u1 - 0.4, v1 + 1, 8, toPlane, toData)).toBe(1);
        expect(nearestPoint(p, u1 + 20, v1, 8, toPlane, toData)).toBe(-1);
        const [u2, v2] = toPlane(2, 1);
        expect(nearestPoint(p, u2 + 5, v2 - 5, 8, toPlane, toData)).toBe(2);
        expect(nearestPoint(p, u2 + 6, v2 - 6, 8, toPlane, toData)).toBe(-1); // 8.5 px away
    });
});
