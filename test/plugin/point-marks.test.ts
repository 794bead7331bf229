import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlotMarks, type MarkSet } from '../../plugin/workspace/point-marks';
import { parseCanvasColour, ringStamp, stampRings } from '../../plugin/plots/ring-raster';

/**
 * PlotMarks over a fake plot (Plotly's `_fullLayout` axes with a counted `c2p`) and a fake 2D canvas that keeps what
 * was put on it: the pixels shown are the rings of the sets in order, and a change of the last set alone (the atom
 * under the mouse) does not place the other sets' rings again.
 */
const frames: FrameRequestCallback[] = [];
const flush = () => { while (frames.length) frames.shift()!(0); };
const g = globalThis as any;
const saved = { window: g.window, raf: g.requestAnimationFrame };
beforeAll(() => {
    g.window = { devicePixelRatio: 1 };
    g.requestAnimationFrame = (cb: FrameRequestCallback) => { frames.push(cb); return frames.length; };
});
afterAll(() => { g.window = saved.window; g.requestAnimationFrame = saved.raf; });

function fakePlot(w = 80, h = 60) {
    const calls = { c2p: 0, puts: 0 };
    const handlers = new Map<string, () => void>();
    let scale = 10;
    const graph: any = {
        _fullLayout: {
            _size: { l: 10, t: 5, w, h },
            xaxis: { c2p: (x: number) => { calls.c2p++; return x * scale; } },
            yaxis: { c2p: (y: number) => { calls.c2p++; return h - y * scale; } },
        },
        _fullData: [{ name: 'selected', visible: true }, { name: 'under the mouse in 3D', visible: true }],
        on: (name: string, f: () => void) => handlers.set(name, f),
        removeListener: (name: string) => handlers.delete(name),
    };
    let shown = new Uint8ClampedArray(0);
    let fill = '#000000';
    const ctx: any = {
        get fillStyle() { return fill; },
        set fillStyle(v: string) { fill = v; },
        createImageData: (width: number, height: number) => ({ width, height, data: new Uint8ClampedArray(4 * width * height) }),
        putImageData: (img: any) => { calls.puts++; shown = img.data.slice(); },
        clearRect: () => { shown = new Uint8ClampedArray(shown.length); },
        setTransform() {}, setLineDash() {}, beginPath() {}, moveTo() {}, lineTo() {}, closePath() {}, fill() {}, stroke() {},
    };
    const canvas: any = { width: 0, height: 0, style: {}, getContext: () => ctx };
    const marks = new PlotMarks(() => graph, () => canvas);
    marks.bind();
    return {
        marks, graph, calls, canvas,
        shown: () => shown,
        zoom: (s: number) => { scale = s; handlers.get('plotly_relayout')!(); },
        /** what the canvas should show: the sets' rings placed from scratch, in order */
        expected: (sets: MarkSet[]) => {
            const px = new Uint8ClampedArray(4 * w * h);
            for (const s of sets) {
                if (s.x.length === 0 || graph._fullData.some((t: any) => t.name === s.name && t.visible === 'legendonly')) continue;
                const x = Array.from(s.x, v => v * scale), y = Array.from(s.y, v => h - v * scale);
                stampRings(px, w, h, x, y, ringStamp(s.size / 2, 2), parseCanvasColour(s.colour));
            }
            return px;
        },
    };
}

function randomPoints(n: number, seed: number) {
    let s = seed;
    const r = () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
    return { x: Array.from({ length: n }, () => r() * 8), y: Array.from({ length: n }, () => r() * 6) };
}

const selected = (p: { x: number[]; y: number[] }): MarkSet => ({ name: 'selected', ...p, colour: '#ff2d00', size: 9 });
const hovered = (p: { x: number[]; y: number[] }): MarkSet => ({ name: 'under the mouse in 3D', ...p, colour: '#00c8ff', size: 13 });

describe('PlotMarks', () => {
    it('shows the rings of every set in order, drawn once per animation frame however often they changed', () => {
        const p = fakePlot();
        const sel = selected(randomPoints(300, 1)), hov = hovered(randomPoints(1, 2));
        p.marks.set([sel, hovered({ x: [], y: [] })]);
        p.marks.setOutline([[1, 1], [2, 1], [2, 2], [1, 2]]);
        p.marks.set([sel, hov]);
        expect(p.calls.puts).toBe(0);
        flush();
        expect(p.calls.puts).toBe(1);
        expect(p.canvas.width).toBe(80);
        expect(p.shown()).toEqual(p.expected([sel, hov]));
    });

    it('a new hovered atom alone: the selection\'s rings are copied, not placed again; the pixels are as if placed from scratch', () => {
        const p = fakePlot();
        const sel = selected(randomPoints(500, 3));
        p.marks.set([sel, hovered(randomPoints(1, 4))]);
        flush();
        for (const [k, hov] of [hovered(randomPoints(1, 5)), hovered({ x: [], y: [] }), hovered(randomPoints(2, 6))].entries()) {
            const before = p.calls.c2p;
            p.marks.set([sel, hov]);
            flush();
            // only the hovered points converted (2 axes per point)
            expect(p.calls.c2p - before, `hover change ${k}`).toBe(2 * hov.x.length);
            expect(p.shown()).toEqual(p.expected([sel, hov]));
        }
        // the outline alone changes nothing of the rings either
        const before = p.calls.c2p;
        p.marks.setOutline([[0, 0], [3, 0], [3, 3]]);
        flush();
        expect(p.calls.c2p - before).toBe(2 * 3); // the outline's own corners
    });

    it('places the rings again when the selection, the axes or a legend entry change', () => {
        const p = fakePlot();
        const hov = hovered(randomPoints(1, 7));
        let sel = selected(randomPoints(200, 8));
        p.marks.set([sel, hov]);
        flush();
        // a new selection (new arrays)
        sel = selected(randomPoints(150, 9));
        p.marks.set([sel, hov]);
        flush();
        expect(p.shown()).toEqual(p.expected([sel, hov]));
        // zoom: Plotly's relayout event
        const before = p.calls.c2p;
        p.zoom(7);
        flush();
        expect(p.calls.c2p - before).toBe(2 * (150 + 1));
        expect(p.shown()).toEqual(p.expected([sel, hov]));
        // the selection's legend entry hidden (Plotly's restyle event): its rings go, the hovered atom's stay
        p.graph._fullData[0].visible = 'legendonly';
        (p.graph as any)._fullData = [...p.graph._fullData];
        p.marks.set([sel, hov]);
        flush();
        expect(p.shown()).toEqual(p.expected([hov]));
        p.graph._fullData[0].visible = true;
        p.marks.set([sel, hov]);
        flush();
        expect(p.shown()).toEqual(p.expected([sel, hov]));
    });

    it('nothing to mark: the canvas is cleared', () => {
        const p = fakePlot();
        p.marks.set([selected(randomPoints(50, 10)), hovered({ x: [], y: [] })]);
        flush();
        expect(p.shown().some(v => v > 0)).toBe(true);
        p.marks.clear();
        flush();
        expect(p.shown().every(v => v === 0)).toBe(true);
    });
});
