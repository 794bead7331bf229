/**
 * plugin/error-by-distance.ts: per-atom force error against the nearest-neighbour distance, and its binning,
 * checked against independent computations (brute-force distances, sorts by hand).
 */
import { describe, expect, it } from 'vitest';
import { predictFrame } from '../../src/analysis/predictions';
import { atomErrorsCsv, binByDistance, forceErrorByNearestNeighbour, groupByConfigType, NEAREST_RMAX, type AtomErrorPoint } from '../../src/analysis/error-by-distance';
import { Model } from '../../src/model/model';
import { diamond } from '../../src/structure/build';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { randomModel, smallSpec } from '../scan/helpers';

function labelled(f: Frame, seed: number): Frame {
    const forces = new Float64Array(3 * f.natoms).map((_, i) => Math.cos(seed + 0.9 * i));
    return { ...f, forces, energy: -8 * f.natoms };
}

/** Nearest distance of atom i by brute force over images −2..2 (the cells here are larger than NEAREST_RMAX / 2). */
function bruteNearest(f: Frame, i: number): number {
    let best = Infinity;
    const c = f.cell ?? new Float64Array(9);
    const R = [0, 1, 2].map((d) => (f.pbc[d] ? 2 : 0));
    for (let j = 0; j < f.natoms; j++)
        for (let a = -R[0]; a <= R[0]; a++) for (let b = -R[1]; b <= R[1]; b++) for (let s = -R[2]; s <= R[2]; s++) {
            if (i === j && a === 0 && b === 0 && s === 0) continue;
            const v = [0, 1, 2].map((d) => f.positions[3 * j + d] + a * c[d] + b * c[3 + d] + s * c[6 + d] - f.positions[3 * i + d]);
            best = Math.min(best, Math.hypot(v[0], v[1], v[2]));
        }
    return best;
}

describe('force error against the nearest-neighbour distance', () => {
    const model: Model = randomModel(smallSpec(3), 3);
    const compressed = labelled({ ...diamond([1, 1, 1], 3.2), configType: 'diamond_compressed' }, 1);
    const rattled = (() => {
        const d = diamond([1, 1, 1], 3.57);
        return labelled({ ...d, positions: d.positions.map((x, i) => x + 0.1 * Math.sin(3.3 * i)), configType: 'diamond' }, 2);
    })();
    // a molecule with one atom far away (no neighbour within NEAREST_RMAX: left out)
    const withLoneAtom = labelled(makeFrame({ positions: [0, 0, 0, 1.3, 0, 0, 2.5, 0.6, 0, 12, 0, 0], configType: 'cluster' }), 3);
    const noForces = makeFrame({ positions: [0, 0, 0, 1.2, 0, 0] });
    const frames = [compressed, noForces, rattled, withLoneAtom];

    it('gives every atom with DFT forces and a neighbour its brute-force nearest distance and its force error', () => {
        const pts = forceErrorByNearestNeighbour(frames, (f) => predictFrame(model, f));
        expect(pts.length).toBe(8 + 8 + 3);
        expect(pts.some((p) => p.frame === 1)).toBe(false);
        expect(pts.some((p) => p.frame === 3 && p.atom === 3)).toBe(false);
        for (const p of pts) {
            const f = frames[p.frame];
            expect(p.nearest).toBeCloseTo(bruteNearest(f, p.atom), 10);
            expect(p.nearest).toBeLessThan(NEAREST_RMAX);
            expect(p.forceError).toBeCloseTo(predictFrame(model, f).forceError![p.atom], 12);
            expect(p.configType).toBe(f.configType);
        }
        // compressed diamond: every atom's nearest neighbour at a·√3/4
        for (const p of pts.filter((q) => q.frame === 0)) expect(p.nearest).toBeCloseTo(3.2 * Math.sqrt(3) / 4, 10);
    });

    it('bins by distance: counts, median, 90th percentile and RMS as defined', () => {
        const pt = (nearest: number, forceError: number): AtomErrorPoint => ({ frame: 0, atom: 0, configType: null, nearest, forceError });
        // bin [1.40, 1.45): errors 1..10; bin [1.50, 1.55): one error; nothing in between
        const pts = [...Array.from({ length: 10 }, (_, k) => pt(1.401 + 0.004 * k, 10 - k)), pt(1.52, 0.5)];
        const bins = binByDistance(pts, 0.05);
        expect(bins.length).toBe(2);
        expect(bins[0].lo).toBeCloseTo(1.4, 12);
        expect(bins[0].hi).toBeCloseTo(1.45, 12);
        expect(bins[0].count).toBe(10);
        expect(bins[0].median).toBe(5);
        expect(bins[0].p90).toBe(9);
        expect(bins[0].rms).toBeCloseTo(Math.sqrt(385 / 10), 12);
        expect(bins[1]).toMatchObject({ count: 1, median: 0.5, p90: 0.5, rms: 0.5 });
        expect(bins[1].lo).toBeCloseTo(1.5, 12);
        expect(() => binByDistance(pts, 0)).toThrow(/bin width/);
    });

    it('groups by config_type in order of first appearance, every point once', () => {
        const pts = forceErrorByNearestNeighbour(frames, (f) => predictFrame(model, f));
        const g = groupByConfigType(pts);
        expect([...g.keys()]).toEqual(['diamond_compressed', 'diamond', 'cluster']);
        expect([...g.values()].reduce((n, v) => n + v.length, 0)).toBe(pts.length);
    });
});

describe('CSV of the per-atom errors', () => {
    it('has a header and one record per point, numbers at full precision, text quoted where needed', () => {
        const pts: AtomErrorPoint[] = [
            { frame: 3, atom: 7, configType: 'diamond', nearest: 1.5444444444444445, forceError: 0.123456789012345 },
            { frame: 4, atom: 0, configType: 'odd, "name"', nearest: 2, forceError: 1e-7 },
            { frame: 5, atom: 1, configType: null, nearest: 1.2, forceError: 3 },
        ];
        const lines = atomErrorsCsv(pts).trimEnd().split('\n');
        expect(lines[0]).toBe('frame,atom,config_type,nearest_neighbour_A,force_error_eV_A');
        expect(lines[1]).toBe('3,7,diamond,1.5444444444444445,0.123456789012345');
        expect(lines[2]).toBe('4,0,"odd, ""name""",2,1e-7');
        expect(lines[3]).toBe('5,1,,1.2,3');
        expect(lines.length).toBe(4);
        expect(Number(lines[1].split(',')[3])).toBe(pts[0].nearest);
    });
});
