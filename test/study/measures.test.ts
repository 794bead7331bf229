/** Curve measures, trends, tick and clipping helpers of the study (known inputs, exact expectations). */
import { describe, expect, it } from 'vitest';
import { curveMinimum, dftValueAt, interpolate, maxAbs, parabolaVertex, rmsDeviation } from '../../src/study/curve-measures';
import { trend } from '../../src/study/report';
import { clipPolyline, logTicks, niceTicks, renderFigure } from '../../src/study/svg-plot';
import { morse, MORSE } from './synthetic';
import { parseXml } from './xml';

describe('curve measures', () => {
    it('parabolaVertex finds the vertex of a parabola through uneven points', () => {
        const f = (x: number) => 3 * (x - 1.234) ** 2 - 5;
        const v = parabolaVertex(1.0, f(1.0), 1.2, f(1.2), 1.7, f(1.7))!;
        expect(v.x).toBeCloseTo(1.234, 12);
        expect(v.y).toBeCloseTo(-5, 12);
        expect(parabolaVertex(0, 0, 1, 1, 2, 2)).toBeNull(); // a line has no minimum
        expect(parabolaVertex(0, 0, 1, -1, 2, 0)!.x).toBeCloseTo(1, 14);
    });

    it('curveMinimum of a sampled Morse curve is close to the true minimum; edges flagged', () => {
        const x = Array.from({ length: 101 }, (_, i) => 0.9 + 0.05 * i);
        const y = x.map(morse);
        const m = curveMinimum(x, y)!;
        expect(Math.abs(m.r - MORSE.re)).toBeLessThan(5e-3); // parabola on a 0.05 Å grid of an asymmetric well
        expect(Math.abs(m.energy + MORSE.D)).toBeLessThan(2e-3);
        expect(m.atEdge).toBe(false);
        const edge = curveMinimum(x, y, 1.5, 3)!; // Morse rises beyond re: the minimum is at 1.5
        expect(edge.atEdge).toBe(true);
        expect(edge.r).toBeCloseTo(1.5, 12);
        expect(curveMinimum([], [])).toBeNull();
        expect(curveMinimum(x, y, 10, 11)).toBeNull();
    });

    it('rmsDeviation uses only the points in the window', () => {
        const pts = [0.9, 1.1, 2.0, 3.0, 3.5].map((r) => ({ r, energy: 0, magmom: null }));
        const { rms, count } = rmsDeviation(pts, (r) => (r < 2.5 ? 1 : 2), 1.1, 3.0);
        expect(count).toBe(3);
        expect(rms).toBeCloseTo(Math.sqrt((1 + 1 + 4) / 3), 14);
        expect(rmsDeviation(pts, () => 0, 4, 5)).toEqual({ rms: null, count: 0 });
    });

    it('interpolate, dftValueAt, maxAbs', () => {
        expect(interpolate([0, 1, 2], [0, 10, 0], 1.5)).toBeCloseTo(5, 14);
        expect(interpolate([0, 1], [0, 1], 2)).toBeNull();
        const pts = [{ r: 0.9, energy: 3.3, magmom: 2 }, { r: 1.3, energy: -6.7, magmom: 2 }];
        expect(dftValueAt(pts, 0.9)).toBe(3.3);
        expect(dftValueAt(pts, 1.0)).toBeNull();
        expect(maxAbs([0, 1, 2], [-5, 1, 3], 0.5, 2)).toBe(3);
    });
});

describe('trend', () => {
    it('classifies sequences with a relative tolerance', () => {
        expect(trend([2, 1, 0.5])).toBe('decreasing');
        expect(trend([1, 2, 3])).toBe('increasing');
        expect(trend([1.8, 2.0, 1.7])).toBe('non-monotonic');
        expect(trend([1, 1 + 1e-9, 1 - 1e-9])).toBe('constant');
        expect(trend([2, 1, 1])).toBe('non-monotonic'); // a step that does not fall
        expect(trend([0.0012, 0.0011, 0.0010], 0.0005)).toBe('constant'); // below the absolute tolerance
        expect(trend([0.0032, 0.0021, 0.0010], 0.0005)).toBe('decreasing');
    });
});

describe('svg helpers', () => {
    it('niceTicks and logTicks cover the range with round numbers', () => {
        expect(niceTicks(0, 6, 6)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect(niceTicks(-8, 6, 6)).toEqual([-7.5, -5, -2.5, 0, 2.5, 5]);
        expect(logTicks(0.5, 300)).toEqual([1, 10, 100]);
        expect(logTicks(3, 60)).toEqual([5, 10, 20, 50]);
    });

    it('clipPolyline cuts segments exactly at the limits', () => {
    // up through the top limit and back down
        const runs = clipPolyline([0, 1, 2, 3], [0, 10, 10, 0], -1, 5);
        expect(runs).toHaveLength(2);
        expect(runs[0]).toEqual([[0, 0], [0.5, 5]]);
        expect(runs[1]).toEqual([[2.5, 5], [3, 0]]);
        // a segment crossing both limits keeps its middle part
        const both = clipPolyline([0, 1], [-10, 10], -5, 5);
        expect(both).toEqual([[[0.25, -5], [0.75, 5]]]);
        // null breaks the line
        expect(clipPolyline([0, 1, 2, 3], [0, 1, null, 1], -5, 5)).toEqual([[[0, 0], [1, 1]]]);
    });

    it('renderFigure writes well-formed SVG with escaped text and one group per series', () => {
        const svg = renderFigure([{ title: 'a < b & "c"', xLabel: 'r (Å)', yLabel: 'E (eV)', xRange: [0, 2], yRange: [-1, 1], series: [{ name: 's<1>', key: 'k1', x: [0, 1, 2], y: [0, 5, 0], color: '#000' }] }]);
        const els = parseXml(svg);
        expect(els[0].name).toBe('svg');
        expect(els.filter((e) => e.attrs['data-series'] === 'k1')).toHaveLength(1);
        expect(els.some((e) => e.name === 'text' && e.text === 'a &lt; b &amp; &quot;c&quot;')).toBe(true);
        expect(() => parseXml('<svg><g></svg>')).toThrow();
        expect(() => parseXml('<svg a="1 & 2"/>')).toThrow();
    });
});
