/**
 * The fit, off the main thread: the training datasets (texts parsed here), then one model per requested body
 * order, progress with its stage (preparing, assembling, solving, evaluating) at every stage change and at
 * most every ~100 ms in between. Cancelling terminates this worker (plugin/worker/fit-client.ts), which
 * stops the work at once, whatever the stage.
 */
import { AUTO_LAMBDA_GRID, fitModel } from '../../src/fit/fit';
import { defaultSpec, scaledDegrees } from '../../src/ace/spec';
import { FIT_DEFAULTS } from '../../src/fit/defaults';
import { parseExtXyz } from '../../src/io/extxyz';
import type { Frame } from '../../src/structure/frame';
import type { FileProvenance } from '../../src/model/model';
import { fitStage, sha256Hex, type FitReply, type FitRequest, type FitStage } from './fit-protocol';

const post = (m: FitReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (event: MessageEvent<FitRequest>) => {
    const { job } = event.data;
    try {
        const count = job.orders.length;
        const first = job.orders[0] ?? 0;
        post({ type: 'progress', stage: 'preparing', order: first, index: 0, count, progress: { stage: 'check', done: 0, total: job.training.length, message: `reading ${job.training.length} dataset(s)` } });
        const frames: Frame[] = [];
        const sources: string[] = [];
        const files: FileProvenance[] = [];
        for (const [k, t] of job.training.entries()) {
            const fr = 'frames' in t ? t.frames : parseExtXyz(t.text, { fileName: t.name });
            const sha256 = t.sha256 ?? ('text' in t ? await sha256Hex(t.text) : undefined);
            post({ type: 'progress', stage: 'preparing', order: first, index: 0, count, progress: { stage: 'check', done: k + 1, total: job.training.length, message: `read ${t.name}: ${fr.length} structures` } });
            for (const f of fr) { frames.push(f); sources.push(t.name); }
            // the hash where it is known (the model schema makes it optional: a dataset whose text is gone has none)
            files.push({ name: t.name, ...(sha256 ? { sha256 } : {}), structures: fr.length, atoms: fr.reduce((s, f) => s + f.natoms, 0) } as FileProvenance);
        }
        for (let index = 0; index < count; index++) {
            const order = job.orders[index];
            const spec = { ...defaultSpec(order, job.variant), rcut: job.rcut, maxDegree: scaledDegrees(job.degree, order), ...(job.coreRepulsion ? { coreRepulsion: job.coreRepulsion } : {}) };
            let last = 0;
            let stage: FitStage | null = null;
            const result = await fitModel(frames, {
                spec,
                ...(job.solver === 'blr' ? { solver: 'blr' as const } : job.lambdaAuto ? { solver: 'ridge' as const, lambdaScan: AUTO_LAMBDA_GRID } : { solver: 'ridge' as const, lambda: job.lambda }),
                energyWeight: job.energyWeight,
                forceWeight: job.forceWeight,
                virialWeight: job.virialWeight ?? FIT_DEFAULTS.virialWeight,
                validFraction: job.validFraction,
                seed: job.seed,
                e0: job.e0 ?? FIT_DEFAULTS.e0,
                trainSources: sources,
                provenance: { train: files },
                // names a structure by its dataset and its index there ("carbon-diverse.xyz: structure 3, atom 5")
                describe: (set, i, atom) => `${set === 'train' ? `${sources[i]}: structure ${i - sources.indexOf(sources[i])}` : `validation structure ${i}`}${atom === undefined ? '' : `, atom ${atom}`}`,
                onProgress: progress => {
                    const now = performance.now();
                    const s = fitStage(progress);
                    if (s !== stage || progress.done === progress.total || now - last > 100) {
                        last = now;
                        stage = s;
                        post({ type: 'progress', stage: s, order, index, count, progress });
                    }
                },
            });
            post({ type: 'model', order, file: result.model, seconds: result.seconds });
        }
        post({ type: 'done' });
    } catch (e) {
        post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
};
