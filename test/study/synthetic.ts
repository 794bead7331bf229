/**
 * Synthetic inputs for the study tests (test data only, never written to docs/ or assets/): a "truth"
 * potential that is a linear ACE model itself — a self-interaction-free K = 3 basis whose pair part is
 * fitted to a Morse curve (well −6.5 eV at 1.3 Å) and whose 3-body part has small seeded coefficients —
 * labels dimers, a DFT-like dimer curve, a "narrow" pool (dense packings) and a "diverse" pool (packings
 * at several densities and clusters). Because the truth is purified, its dimer curve is its pair part, so a
 * dimer-trained K = 2 model of the same radial basis can reproduce the curve.
 */
import { AceBasis } from '../../src/ace/basis';
import { predict } from '../../src/ace/evaluate';
import type { BasisSpec } from '../../src/ace/spec';
import { fitModel } from '../../src/fit/fit';
import { randomCarbonPacking, seededRandom } from '../../src/structure/build';
import { makeFrame, type Frame } from '../../src/structure/frame';
import type { StudyData } from '../../src/study/data';

export const TRUTH_E0 = -1.25;
export const MORSE = { D: 6.5, a: 2.0, re: 1.3 };

export function morse(r: number): number {
    const x = Math.exp(-MORSE.a * (r - MORSE.re));
    return MORSE.D * (x * x - 2 * x);
}

function morseForce(r: number): number {
    const x = Math.exp(-MORSE.a * (r - MORSE.re));
    return 2 * MORSE.a * MORSE.D * (x * x - x); // −dE/dr
}

export const TRUTH_SPEC: BasisSpec = { order: 3, variant: 'purified', rcut: 5, rin: 0, r0: 1.287, maxDegree: [8, 6], lWeight: 1.5 };

function isolated(): Frame {
    return makeFrame({ positions: [0, 0, 0], energy: TRUTH_E0, forces: [0, 0, 0], configType: 'isolated_atom', info: { structure_id: 'isolated_atom' } });
}

function dimerFrame(r: number, energy: number, forces: number[], info: Record<string, number | string>): Frame {
    return makeFrame({ positions: [0, 0, 0, 0, 0, r], energy, forces, configType: 'dimer', info });
}

async function truthCoefficients(): Promise<Float64Array> {
    // pair part: fit the Morse curve (energies and forces of dimers) with the K = 2 functions of the truth basis
    const dimers = [isolated()];
    for (let i = 0; i < 60; i++) {
        const r = 0.9 + (4.1 * i) / 59;
        const f = morseForce(r);
        dimers.push(dimerFrame(r, 2 * TRUTH_E0 + morse(r), [0, 0, -f, 0, 0, f], {}));
    }
    const pair = await fitModel(dimers, { spec: { ...TRUTH_SPEC, order: 2, maxDegree: [8] }, lambda: 1e-9 });
    const basis = AceBasis.create(TRUTH_SPEC);
    const c = new Float64Array(basis.size);
    pair.model.coefficients.forEach((v, k) => (c[k] = v));
    const rnd = seededRandom(11);
    for (let k = pair.model.coefficients.length; k < basis.size; k++) c[k] = (rnd() - 0.5) * 0.02;
    return c;
}

function label(frame: Frame, basis: AceBasis, c: Float64Array, configType: string, id: string): Frame {
    const p = predict(basis, c, TRUTH_E0, frame, { forces: true });
    return { ...frame, energy: p.energy, forces: Float64Array.from(p.forces!), configType, info: { ...frame.info, structure_id: id } };
}

function cluster(n: number, seed: number): Frame {
    const rnd = seededRandom(seed);
    const pos: number[] = [];
    while (pos.length < 3 * n) {
        const p = [rnd() * 3, rnd() * 3, rnd() * 3];
        let ok = true;
        for (let j = 0; j < pos.length; j += 3) if (Math.hypot(p[0] - pos[j], p[1] - pos[j + 1], p[2] - pos[j + 2]) < 1.25) ok = false;
        if (ok) pos.push(...p);
    }
    return makeFrame({ positions: pos });
}

/** The synthetic study inputs; `n` structures per bulk pool. */
export async function syntheticStudyData(n = 10): Promise<StudyData> {
    const basis = AceBasis.create(TRUTH_SPEC);
    const c = await truthCoefficients();
    const dimerAt = (r: number): Frame => {
        const f = makeFrame({ positions: [0, 0, 0, 0, 0, r] });
        return f;
    };
    const dimers = [isolated()];
    for (let i = 0; i < 30; i++) {
        const r = 0.95 + (3.9 * i) / 29 + 0.013;
        dimers.push(label(dimerAt(r), basis, c, 'dimer', `dimer-${i}`));
    }
    const curve = [isolated()];
    for (let i = 0; i < 26; i++) {
        const r = 0.9 + 0.2 * i;
        const f = label(dimerAt(r), basis, c, 'dimer_curve', `curve-${i}`);
        curve.push({ ...f, info: { ...f.info, r, binding_energy: f.energy! - 2 * TRUTH_E0 } });
    }
    const narrow = [isolated()];
    for (let i = 0; i < n; i++) narrow.push(label(randomCarbonPacking(8, 3.2, 1.35, 100 + i), basis, c, 'dense', `narrow-${i}`));
    const diverse = [isolated(), ...narrow.slice(1, 1 + Math.floor(n / 2))];
    for (let i = 0; i < n; i++) {
        const f = i % 2 === 0 ? randomCarbonPacking(6 + (i % 3), 1.6 + 0.4 * (i % 4), 1.2, 200 + i) : cluster(3 + (i % 4), 300 + i);
        diverse.push(label(f, basis, c, i % 2 === 0 ? 'packing' : 'cluster', `diverse-${i}`));
    }
    return { datasets: { dimers, narrow, diverse }, curve };
}
