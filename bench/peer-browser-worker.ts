/**
 * The acelens side of `npm run bench -- peer --browser`, run in a Web Worker of Debian's Chromium (bundled by
 * bench/peer-browser.ts): builds the basis and neighbour list once, then times `predict` (energy + forces +
 * virial) on request. The same src/ code as in Node; a worker has no CPU-time clock, so each run reports its
 * wall time (performance.now).
 */
import { AceBasis } from '../src/ace/basis';
import type { BasisSpec } from '../src/ace/spec';
import { predict } from '../src/ace/evaluate';
import { buildNeighbourList, type NeighbourList } from '../src/structure/neighbours';
import type { Frame } from '../src/structure/frame';

export type PeerWorkerRequest =
    | { kind: 'setup'; spec: BasisSpec; coefficients: number[]; positions: number[]; cell: number[] | null; pbc: [boolean, boolean, boolean] }
    | { kind: 'run' };
export type PeerWorkerReply = { kind: 'ready'; size: number } | { kind: 'ran'; wallMs: number; energy: number } | { kind: 'error'; message: string };

let state: { basis: AceBasis; coefficients: Float64Array; frame: Frame; nl: NeighbourList } | null = null;

self.onmessage = (event: MessageEvent<PeerWorkerRequest>) => {
    const post = (r: PeerWorkerReply) => (self as unknown as Worker).postMessage(r);
    try {
        const q = event.data;
        if (q.kind === 'setup') {
            const basis = AceBasis.create(q.spec);
            const natoms = q.positions.length / 3;
            const frame: Frame = {
                natoms, positions: Float64Array.from(q.positions), species: new Array<string>(natoms).fill('C'),
                cell: q.cell ? Float64Array.from(q.cell) : null, pbc: q.pbc, info: {}, arrays: {},
            };
            state = { basis, coefficients: Float64Array.from(q.coefficients), frame, nl: buildNeighbourList(frame, q.spec.rcut) };
            post({ kind: 'ready', size: basis.size });
        } else {
            if (!state) throw new Error('run before setup');
            const t0 = performance.now();
            const p = predict(state.basis, state.coefficients, 0, state.frame, { neighbours: state.nl });
            post({ kind: 'ran', wallMs: performance.now() - t0, energy: p.energy });
        }
    } catch (e) {
        post({ kind: 'error', message: String((e as Error)?.stack ?? e) });
    }
};
