import { AceBasis } from '../../src/ace/basis';
import type { BasisSpec } from '../../src/ace/spec';
import { Model, MODEL_FORMAT, MODEL_VERSION, type ModelFile } from '../../src/model/model';
import { seededRandom } from '../../src/structure/build';

/** A small spec (fast) with every order K = 2..order. */
export function smallSpec(order: number, variant: 'standard' | 'purified' = 'standard', rcut = 4.5): BasisSpec {
    return { order, variant, rcut, rin: 0, r0: 1.287, maxDegree: [8, 8, 7, 6].slice(0, order - 1), lWeight: 1.5 };
}

/** A model file with random coefficients (orders at comparable scales); enough for Model and the CLI. */
export function randomModelFile(spec: BasisSpec, seed: number, e0 = -155.25): ModelFile {
    const basis = AceBasis.create(spec);
    const rnd = seededRandom(seed);
    const coefficients = Array.from({ length: basis.size }, (_, k) => (rnd() - 0.5) * 10 ** -(basis.bodyOrder[k] - 2));
    return {
        format: MODEL_FORMAT,
        version: MODEL_VERSION,
        created: '2026-01-01T00:00:00.000Z',
        software: 'test',
        spec,
        e0,
        nbasis: coefficients.length,
        coefficients,
        metrics: { train: emptyMetrics(), valid: null },
    } as unknown as ModelFile;
}

/** Metrics of a model fitted to nothing (the schema requires the section). */
export function emptyMetrics() {
    const none = { structures: 0, atoms: 0, energy_count: 0, force_count: 0, energy_rmse_meV_atom: null, energy_mae_meV_atom: null, force_rmse_meV_A: null, force_mae_meV_A: null };
    return { ...none, per_config_type: {} };
}

export function randomModel(spec: BasisSpec, seed: number, e0 = -155.25): Model {
    return new Model(randomModelFile(spec, seed, e0));
}
