/**
 * One shard of a sharded fit, end to end short of the solve: the same checks and E0 as `fitModel`, the
 * structures of shard i of n (./shards.ts), their normal equations (`assembleChunk`, the code every
 * assembly runs) and the counts recorded in a part file (./ne-file.ts). `acelens solve` adds the parts and
 * hands the sum to `fitModel` as its assembler, so the solve, λ scan and metrics are fitModel's own.
 *
 * Free of Node APIs.
 */
import { AceBasis } from '../ace/basis';
import { validateSpec, type BasisSpec } from '../ace/spec';
import type { Frame } from '../structure/frame';
import { assembleChunk } from './assemble';
import { checkFitFrame, e0FromFrames, FitError, isIsolatedAtom } from './fit';
import type { NeCounts } from './ne-file';
import { usedLabels, type EnergyNorm, type LossWeights, type NormalSums } from './normal-equations';
import { NO_CONFIG_TYPE } from './metrics';
import { shardPlanOf } from './shards';

export interface ShardRequest {
  spec: BasisSpec;
  e0: 'auto' | number;
  energyWeight: number;
  forceWeight: number;
  virialWeight: number;
  energyNorm: EnergyNorm;
  shard: { index: number; count: number };
  /** names a training frame (or an atom of it) in errors */
  describe?: (index: number, atom?: number) => string;
  onStructure?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ShardResult {
  spec: BasisSpec;
  sums: NormalSums;
  weights: Required<LossWeights>;
  e0Source: 'isolated_atom' | 'given';
  e0Frames: number;
  fitted: { structures: number; atoms: number };
  counts: NeCounts;
  perConfigType: Record<string, NeCounts>;
}

export function parseShard(text: string): { index: number; count: number } {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || !(count >= 1) || !(index < count)) throw new FitError(`a shard is written i/n with 0 ≤ i < n (e.g. 0/4), got '${text}'`);
    return { index, count };
}

/** The fitted structures (isolated atoms left out) of `frames` in canonical order, their shard plan and this shard's sums. */
export function assembleShardOf(frames: readonly Frame[], req: ShardRequest): ShardResult {
    const describe = req.describe ?? ((i: number, atom?: number) => `training structure ${i}${atom === undefined ? '' : `, atom ${atom}`}`);
    let spec: BasisSpec;
    try {
        spec = validateSpec(req.spec);
    } catch (err) {
        throw new FitError(`basis spec: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const [name, w] of [['energy weight', req.energyWeight], ['force weight', req.forceWeight], ['virial weight', req.virialWeight]] as const) {
        if (!Number.isFinite(w) || w < 0) throw new FitError(`${name} must be a finite number ≥ 0, got ${w}`);
    }
    if (frames.length === 0) throw new FitError('the training set is empty');
    frames.forEach((f, i) => checkFitFrame(f, (atom) => describe(i, atom)));
    let e0: number;
    let e0Frames = 0;
    if (req.e0 === 'auto') {
        const found = e0FromFrames(frames);
        if (!found) {
            throw new FitError('E0 auto: the training data has no isolated-atom frame with an energy (config_type=isolated_atom, or a single non-periodic atom); give E0 explicitly');
        }
        e0 = found.e0;
        e0Frames = found.count;
    } else {
        e0 = req.e0;
        if (!Number.isFinite(e0)) throw new FitError(`E0 must be a finite number, got ${e0}`);
    }
    const fitted = frames.filter((f) => !isIsolatedAtom(f));
    if (fitted.length === 0) throw new FitError('the training set has no structure besides isolated atoms');
    const plan = shardPlanOf(fitted, req.shard.count);
    const mine = plan[req.shard.index].map((s) => fitted[s]);
    // per-structure info weights read as fitModel does by default (issue 20); no per-config_type table in shards yet
    const weights: Required<LossWeights> = { e0, energyWeight: req.energyWeight, forceWeight: req.forceWeight, virialWeight: req.virialWeight, energyNorm: req.energyNorm, forceNorm: 'atoms', configTypes: {}, frameWeights: true };
    const basis = AceBasis.create(spec);
    let done = 0;
    req.signal?.throwIfAborted();
    const sums = assembleChunk(basis, mine, weights, () => req.onStructure?.(++done, mine.length));
    req.signal?.throwIfAborted();

    const zero = (): NeCounts => ({ structures: 0, atoms: 0, energyRows: 0, forceRows: 0, virialRows: 0 });
    const counts = zero();
    const perConfigType: Record<string, NeCounts> = {};
    for (const f of mine) {
        const key = f.configType ?? NO_CONFIG_TYPE;
        const c = (perConfigType[key] ??= zero());
        const use = usedLabels(f, weights);
        for (const t of [counts, c]) {
            t.structures += 1;
            t.atoms += f.natoms;
            t.energyRows += use.energy ? 1 : 0;
            t.forceRows += use.forces ? 3 * f.natoms : 0;
            t.virialRows += use.virial ? 9 : 0;
        }
    }
    return {
        spec,
        sums,
        weights,
        e0Source: req.e0 === 'auto' ? 'isolated_atom' : 'given',
        e0Frames,
        fitted: { structures: fitted.length, atoms: fitted.reduce((s, f) => s + f.natoms, 0) },
        counts,
        perConfigType: Object.fromEntries(Object.keys(perConfigType).sort().map((k) => [k, perConfigType[k]])),
    };
}
