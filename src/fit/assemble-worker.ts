/**
 * Worker thread of the parallel assembly and of the parallel predictions for the error metrics
 * (./parallel.ts). Protocol (all plain messages):
 *   in:  {type:'init', spec, weights} · {type:'chunk', index, frames}
 *        {type:'predict', index, frames, coefficients, e0} (energies and forces of the frames)
 *   out: {type:'need'} (ready for a chunk) · {type:'progress'} (one structure done)
 *        {type:'chunk-sums', index, sums} (buffers transferred)
 *        {type:'predictions', index, energy, forces} (forces: one array per frame, null without forces; transferred)
 *        {type:'error', message}
 */
import { parentPort } from 'node:worker_threads';
import { AceBasis } from '../ace/basis';
import { predict } from '../ace/evaluate';
import type { BasisSpec } from '../ace/spec';
import type { Frame } from '../structure/frame';
import { assembleChunk } from './assemble';
import type { LossWeights } from './normal-equations';

type Incoming =
  | { type: 'init'; spec: BasisSpec; weights: LossWeights }
  | { type: 'chunk'; index: number; frames: Frame[] }
  | { type: 'predict'; index: number; frames: Frame[]; coefficients: Float64Array; e0: number };

const port = parentPort;
if (!port) throw new Error('assemble-worker must run in a worker thread');

let basis: AceBasis | null = null;
let weights: LossWeights | null = null;

port.on('message', (msg: Incoming) => {
    try {
        if (msg.type === 'init') {
            basis = AceBasis.create(msg.spec);
            weights = msg.weights;
            port.postMessage({ type: 'need' });
        } else if (msg.type === 'chunk') {
            if (!basis || !weights) throw new Error('chunk before init');
            const sums = assembleChunk(basis, msg.frames, weights, () => port.postMessage({ type: 'progress' }));
            port.postMessage({ type: 'chunk-sums', index: msg.index, sums }, [sums.xtx.buffer as ArrayBuffer, sums.xty.buffer as ArrayBuffer]);
            port.postMessage({ type: 'need' });
        } else if (msg.type === 'predict') {
            if (!basis) throw new Error('predict before init');
            const energy = new Float64Array(msg.frames.length);
            const forces: (Float64Array | null)[] = [];
            const transfer: ArrayBuffer[] = [energy.buffer];
            for (const [s, f] of msg.frames.entries()) {
                const p = predict(basis, msg.coefficients, msg.e0, f, { forces: f.forces !== undefined });
                energy[s] = p.energy;
                const fs = f.forces !== undefined ? p.forces : null;
                forces.push(fs);
                if (fs) transfer.push(fs.buffer as ArrayBuffer);
                port.postMessage({ type: 'progress' });
            }
            port.postMessage({ type: 'predictions', index: msg.index, energy, forces }, transfer);
            port.postMessage({ type: 'need' });
        }
    } catch (err) {
        port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
});
