/**
 * Worker thread of the parallel assembly (./parallel.ts). Protocol (all plain messages):
 *   in:  {type:'init', spec, weights} · {type:'batch', frames} · {type:'finish'}
 *   out: {type:'need'} (ready for a batch) · {type:'progress', done} (per structure, cumulative)
 *        {type:'sums', sums} (buffers transferred) · {type:'error', message}
 */
import { parentPort } from 'node:worker_threads';
import { AceBasis } from '../ace/basis';
import type { BasisSpec } from '../ace/spec';
import type { Frame } from '../structure/frame';
import { assembleOne } from './assemble';
import { createSums, type LossWeights, type NormalSums } from './normal-equations';

type Incoming = { type: 'init'; spec: BasisSpec; weights: LossWeights } | { type: 'batch'; frames: Frame[] } | { type: 'finish' };

const port = parentPort;
if (!port) throw new Error('assemble-worker must run in a worker thread');

let basis: AceBasis | null = null;
let weights: LossWeights | null = null;
let sums: NormalSums | null = null;
let done = 0;

port.on('message', (msg: Incoming) => {
  try {
    if (msg.type === 'init') {
      basis = AceBasis.create(msg.spec);
      weights = msg.weights;
      sums = createSums(basis.size);
      port.postMessage({ type: 'need' });
    } else if (msg.type === 'batch') {
      if (!basis || !sums || !weights) throw new Error('batch before init');
      for (const frame of msg.frames) {
        assembleOne(sums, basis, frame, weights);
        done++;
        port.postMessage({ type: 'progress', done });
      }
      port.postMessage({ type: 'need' });
    } else if (msg.type === 'finish') {
      if (!sums) throw new Error('finish before init');
      port.postMessage({ type: 'sums', sums }, [sums.xtx.buffer as ArrayBuffer, sums.xty.buffer as ArrayBuffer]);
      sums = null;
    }
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
