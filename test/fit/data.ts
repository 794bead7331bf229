/**
 * Synthetic carbon data for the fit tests: random periodic packings and clusters (seeded), labelled by a
 * "true" linear ACE model of a given basis, so a fit of the same basis must recover it exactly.
 */
import { AceBasis } from '../../src/ace/basis';
import { predict } from '../../src/ace/evaluate';
import type { BasisSpec } from '../../src/ace/spec';
import { makeFrame, type Frame } from '../../src/structure/frame';
import { randomCarbonPacking, seededRandom } from '../../src/structure/build';

export const E0 = -155.123;

/** Small bases so that tests stay fast. */
export function smallSpec(order: number, variant: 'standard' | 'purified' = 'standard'): BasisSpec {
    return { order, variant, rcut: 4.0, rin: 0, r0: 1.287, maxDegree: [6, 6, 6, 6].slice(0, order - 1), lWeight: 1.5 };
}

/** Random coefficients, scaled down with body order so energies stay moderate. */
export function trueCoefficients(basis: AceBasis, seed: number): Float64Array {
    const rnd = seededRandom(seed);
    const c = new Float64Array(basis.size);
    for (let k = 0; k < basis.size; k++) c[k] = (rnd() - 0.5) * Math.pow(0.3, basis.bodyOrder[k] - 2);
    return c;
}

/** A small random cluster in vacuum (atoms at least dmin apart). */
export function randomCluster(natoms: number, seed: number, box = 3.5, dmin = 1.2): Frame {
    const rnd = seededRandom(seed);
    const pos: number[] = [];
    while (pos.length < 3 * natoms) {
        const p = [rnd() * box, rnd() * box, rnd() * box];
        let ok = true;
        for (let j = 0; j < pos.length; j += 3) {
            const d = Math.hypot(p[0] - pos[j], p[1] - pos[j + 1], p[2] - pos[j + 2]);
            if (d < dmin) ok = false;
        }
        if (ok) pos.push(...p);
    }
    return makeFrame({ positions: pos, configType: 'cluster' });
}

export function isolatedAtom(e0 = E0): Frame {
    return makeFrame({ positions: [0, 0, 0], energy: e0, forces: [0, 0, 0], configType: 'isolated_atom' });
}

/** Label a frame with a model's energy and forces (and stress when periodic). Returns a new frame. */
export function label(frame: Frame, basis: AceBasis, c: Float64Array, e0: number, opts: { energy?: boolean; forces?: boolean; stress?: boolean } = {}): Frame {
    const p = predict(basis, c, e0, frame, { forces: true });
    return {
        ...frame,
        energy: opts.energy === false ? undefined : p.energy,
        forces: opts.forces === false ? undefined : Float64Array.from(p.forces),
        stress: opts.stress && p.stress ? Float64Array.from(p.stress) : undefined,
        info: { ...frame.info },
        arrays: {},
    };
}

/** count structures: alternating periodic packings (6–10 atoms) and clusters (3–6 atoms). */
export function randomStructures(count: number, seed: number): Frame[] {
    const out: Frame[] = [];
    for (let s = 0; s < count; s++) {
        if (s % 2 === 0) {
            const f = randomCarbonPacking(6 + (s % 5), 2.0 + 0.3 * ((s / 2) % 3), 1.2, seed * 1000 + s);
            out.push({ ...f, configType: 'bulk' });
        } else {
            out.push(randomCluster(3 + (s % 4), seed * 1000 + s));
        }
    }
    return out;
}

/** Noise-free labelled data set of the given basis (plus one isolated atom for E0). */
export function syntheticData(spec: BasisSpec, count: number, seed: number, opts: { energy?: boolean; forces?: boolean; stress?: boolean } = {}) {
    const basis = AceBasis.create(spec);
    const c = trueCoefficients(basis, seed + 7);
    const frames = randomStructures(count, seed).map((f) => label(f, basis, c, E0, opts));
    return { basis, c, frames: [isolatedAtom(), ...frames] };
}
