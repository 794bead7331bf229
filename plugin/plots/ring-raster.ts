/**
 * Rings (the marked points of a plot, ../workspace/point-marks.ts) written straight into an RGBA pixel buffer that
 * is put on the canvas once. A canvas path of thousands of arcs costs Chromium's rasteriser (Skia, on the page's
 * main thread in `CanvasRenderingContext2D::FinalizeFrame`) 0.3–0.6 s for the 16 650 force components of a box of
 * 5 550 atoms; a sprite drawn per point still ≈ 90 ms; one precomputed ring stamp written per point costs
 * O(points × stamp pixels) of plain array writes (≈ 10 ms).
 */

/** A ring's pixels around its centre: offsets (dx, dy) from the pixel corner nearest the centre, and their coverage 0–255. */
export interface RingStamp {
    dx: Int16Array;
    dy: Int16Array;
    coverage: Uint8Array;
}

/**
 * The pixels a stroked circle of `radius` and `lineWidth` (device pixels) covers, with antialiased coverage from
 * `samples`² sample points per pixel: a sample is covered when its distance from the centre is within lineWidth/2
 * of the radius (what a canvas `arc` + `stroke` draws). The centre is a pixel corner (pixel (i, j) spans
 * [i, i+1) × [j, j+1)), so the stamp is symmetric.
 */
export function ringStamp(radius: number, lineWidth: number, samples = 4): RingStamp {
    if (!(radius > 0) || !(lineWidth > 0)) throw new Error(`ring stamp: radius ${radius} and line width ${lineWidth} must be > 0 (device px)`);
    const outer = radius + lineWidth / 2, inner = radius - lineWidth / 2, reach = Math.ceil(outer);
    const dx: number[] = [], dy: number[] = [], coverage: number[] = [];
    for (let j = -reach; j < reach; j++) {
        for (let i = -reach; i < reach; i++) {
            let n = 0;
            for (let sy = 0; sy < samples; sy++) {
                for (let sx = 0; sx < samples; sx++) {
                    const d = Math.hypot(i + (sx + 0.5) / samples, j + (sy + 0.5) / samples);
                    if (d >= inner && d <= outer) n++;
                }
            }
            if (n) { dx.push(i); dy.push(j); coverage.push(Math.round(255 * n / (samples * samples))); }
        }
    }
    return { dx: Int16Array.from(dx), dy: Int16Array.from(dy), coverage: Uint8Array.from(coverage) };
}

/**
 * Writes a ring of `colour` (r, g, b, 0–255) at each centre (x[k], y[k], device pixels; NaN skipped, rings cut at the
 * edges) into `pixels` (RGBA, non-premultiplied as in `ImageData`, `width` × `height`). Where a ring of the same
 * colour is already drawn the coverage is the larger of the two (overlapping rings look like one stroked path);
 * over another colour the ring is composited over it (source-over). Returns the number of rings written.
 */
export function stampRings(pixels: Uint8ClampedArray, width: number, height: number, x: ArrayLike<number>, y: ArrayLike<number>,
    stamp: RingStamp, colour: readonly [number, number, number]): number {
    if (pixels.length !== 4 * width * height) throw new Error(`stampRings: ${pixels.length} bytes for ${width} × ${height} pixels (expected ${4 * width * height})`);
    const [r, g, b] = colour, { dx, dy, coverage } = stamp, n = coverage.length;
    let drawn = 0;
    for (let k = 0; k < x.length; k++) {
        const cx = Math.round(x[k]), cy = Math.round(y[k]);
        if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
        drawn++;
        for (let s = 0; s < n; s++) {
            const px = cx + dx[s], py = cy + dy[s];
            if (px < 0 || py < 0 || px >= width || py >= height) continue;
            const o = 4 * (py * width + px), a = coverage[s], da = pixels[o + 3];
            if (da === 0 || (pixels[o] === r && pixels[o + 1] === g && pixels[o + 2] === b)) {
                if (a > da) { pixels[o] = r; pixels[o + 1] = g; pixels[o + 2] = b; pixels[o + 3] = a; }
                continue;
            }
            // source-over, non-premultiplied: out = src·a + dst·da·(1 − a), normalised by the resulting alpha
            const as = a / 255, ad = da / 255 * (1 - as), out = as + ad;
            pixels[o] = (r * as + pixels[o] * ad) / out;
            pixels[o + 1] = (g * as + pixels[o + 1] * ad) / out;
            pixels[o + 2] = (b * as + pixels[o + 2] * ad) / out;
            pixels[o + 3] = 255 * out;
        }
    }
    return drawn;
}

/** A canvas colour string as the 2D context normalises it ('#rrggbb' or 'rgba(r, g, b, a)') → [r, g, b] 0–255. */
export function parseCanvasColour(css: string): [number, number, number] {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
    if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
    const rgb = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(css);
    if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
    throw new Error(`ring colour '${css}': expected #rrggbb or rgb(a)(r, g, b, …)`);
}
