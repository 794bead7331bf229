import { describe, expect, it } from 'vitest';
import { parseCanvasColour, ringStamp, stampRings } from '../../plugin/plots/ring-raster';

/** A deterministic pseudo-random sequence (LCG). */
function random(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
}

const coverageAt = (stamp: ReturnType<typeof ringStamp>, i: number, j: number) => {
    for (let s = 0; s < stamp.coverage.length; s++) if (stamp.dx[s] === i && stamp.dy[s] === j) return stamp.coverage[s];
    return 0;
};

describe('ring stamp', () => {
    it('covers the annulus: its total coverage is the annulus area, full inside the stroke, none at the centre or outside', () => {
        for (const [radius, width] of [[4.5, 2], [9, 4], [2, 1], [13.5, 2]]) {
            const stamp = ringStamp(radius, width, 16);
            const area = stamp.coverage.reduce((a, c) => a + c / 255, 0);
            // the area of the annulus (r ± w/2): 2π r w
            expect(Math.abs(area - 2 * Math.PI * radius * width) / (2 * Math.PI * radius * width)).toBeLessThan(0.02);
            for (let s = 0; s < stamp.coverage.length; s++) {
                const i = stamp.dx[s], j = stamp.dy[s];
                // nearest and farthest points of pixel (i, j) from the centre (0, 0)
                const nx = Math.max(i, Math.min(0, i + 1)), ny = Math.max(j, Math.min(0, j + 1));
                const near = Math.hypot(nx, ny), far = Math.max(Math.hypot(i, j), Math.hypot(i + 1, j), Math.hypot(i, j + 1), Math.hypot(i + 1, j + 1));
                expect(far).toBeGreaterThanOrEqual(radius - width / 2);
                expect(near).toBeLessThanOrEqual(radius + width / 2);
                if (near >= radius - width / 2 && far <= radius + width / 2) expect(stamp.coverage[s]).toBe(255);
            }
            expect(coverageAt(stamp, 0, 0)).toBe(0);
            expect(coverageAt(stamp, -1, -1)).toBe(0);
        }
    });

    it('is symmetric about its centre (a pixel corner) under both mirrors and the diagonal', () => {
        const stamp = ringStamp(4.5, 2);
        for (let s = 0; s < stamp.coverage.length; s++) {
            const i = stamp.dx[s], j = stamp.dy[s], c = stamp.coverage[s];
            expect(coverageAt(stamp, -1 - i, j)).toBe(c);
            expect(coverageAt(stamp, i, -1 - j)).toBe(c);
            expect(coverageAt(stamp, j, i)).toBe(c);
        }
    });

    it('refuses a radius or width that is not positive', () => {
        expect(() => ringStamp(0, 2)).toThrow(/radius 0/);
        expect(() => ringStamp(3, NaN)).toThrow(/line width NaN/);
    });
});

describe('stampRings', () => {
    const W = 40, H = 30;

    it('writes each ring where its centre rounds to, clipped at the edges without wrapping into the next row', () => {
        const stamp = ringStamp(4.5, 2);
        const px = new Uint8ClampedArray(4 * W * H);
        const n = stampRings(px, W, H, [10.4, 0.2, NaN, 39.9], [20.6, 15, 3, Infinity], stamp, [255, 45, 0]);
        expect(n).toBe(2);
        // the ring at (10, 21): the stamp exactly
        for (let s = 0; s < stamp.coverage.length; s++) {
            const o = 4 * ((21 + stamp.dy[s]) * W + 10 + stamp.dx[s]);
            expect([px[o], px[o + 1], px[o + 2], px[o + 3]]).toEqual([255, 45, 0, stamp.coverage[s]]);
        }
        // the ring at (0, 15): only its right half; nothing at the right edge of the rows it spans
        for (let row = 0; row < H; row++) for (let col = W - 6; col < W; col++) expect(px[4 * (row * W + col) + 3]).toBe(0);
        expect(px[4 * (15 * W + 4) + 3]).toBeGreaterThan(0);
        // every written pixel is one of the two rings'
        let written = 0;
        for (let o = 3; o < px.length; o += 4) if (px[o]) written++;
        const right = Array.from(stamp.dx).filter(d => d >= 0).length;
        expect(written).toBe(stamp.coverage.length + right);
    });

    it('rings of one colour: each pixel has the largest coverage of the rings over it (drawing twice changes nothing)', () => {
        const stamp = ringStamp(4.5, 2), r = random(7);
        const x = Array.from({ length: 60 }, () => r() * W), y = Array.from({ length: 60 }, () => r() * H);
        const px = new Uint8ClampedArray(4 * W * H);
        stampRings(px, W, H, x, y, stamp, [0, 200, 255]);
        const once = px.slice();
        stampRings(px, W, H, x, y, stamp, [0, 200, 255]);
        expect(px).toEqual(once);
        for (let row = 0; row < H; row++) {
            for (let col = 0; col < W; col++) {
                let best = 0;
                for (let k = 0; k < x.length; k++) best = Math.max(best, coverageAt(stamp, col - Math.round(x[k]), row - Math.round(y[k])));
                expect(px[4 * (row * W + col) + 3]).toBe(best);
            }
        }
    });

    it('a ring over another colour is composited over it (source-over)', () => {
        const stamp = ringStamp(4.5, 2);
        const px = new Uint8ClampedArray(4 * W * H);
        stampRings(px, W, H, [20], [15], stamp, [255, 0, 0]);
        const below = px.slice();
        stampRings(px, W, H, [20.6], [15], stamp, [0, 0, 255]);
        for (let s = 0; s < stamp.coverage.length; s++) {
            const o = 4 * ((15 + stamp.dy[s]) * W + 21 + stamp.dx[s]);
            const a = stamp.coverage[s] / 255, da = below[o + 3] / 255;
            const out = a + da * (1 - a);
            expect(px[o + 3]).toBeCloseTo(255 * out, -0.5);
            if (da > 0) expect(px[o + 2]).toBeCloseTo(255 * a / out, -0.5);
            if (da > 0) expect(px[o]).toBeCloseTo(255 * da * (1 - a) / out, -0.5);
        }
    });

    it('refuses a buffer of the wrong size', () => {
        expect(() => stampRings(new Uint8ClampedArray(10), W, H, [1], [1], ringStamp(2, 1), [0, 0, 0])).toThrow(/expected 4800/);
    });
});

describe('parseCanvasColour', () => {
    it('reads the forms a 2D context gives back', () => {
        expect(parseCanvasColour('#ff2d00')).toEqual([255, 45, 0]);
        expect(parseCanvasColour('rgba(0, 200, 255, 0.5)')).toEqual([0, 200, 255]);
        expect(() => parseCanvasColour('tomato')).toThrow(/expected #rrggbb/);
    });
});
