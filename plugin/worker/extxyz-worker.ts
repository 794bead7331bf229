/**
 * Reads an extended XYZ file off the main thread: the File is streamed (1 MB chunks, decoded as UTF-8 on the way)
 * through acelens' incremental reader (src/io/extxyz-reader.ts), so the worker holds one chunk and the frames
 * not yet sent, never the whole text. Complete frames go back in batches of about 100 ms of reading, their typed
 * arrays transferred. Cancelling terminates this worker (plugin/formats/extxyz-read.ts).
 */
import { ExtXyzError, ExtXyzReader } from '../../src/io/extxyz';
import type { Frame } from '../../src/structure/frame';
import { packFrames } from '../../src/structure/frame-transfer';
import type { ReadExtXyzReply, ReadExtXyzRequest } from './extxyz-protocol';

const post = (m: ReadExtXyzReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

const Chunk = 1 << 20;
/** a batch is sent after this much reading (ms) or this many atoms, whichever comes first */
const BatchMs = 100, BatchAtoms = 200_000;

async function read({ source, fileName }: ReadExtXyzRequest) {
    const reader = new ExtXyzReader({ fileName });
    const total = typeof source === 'string' ? source.length : source.size;
    let pending: Frame[] = [];
    let pendingAtoms = 0, count = 0, done = 0;
    let last = performance.now();
    const flush = () => {
        if (pending.length > 0) {
            const { packed, transfer } = packFrames(pending);
            post({ type: 'frames', batch: packed, done, total }, transfer);
        } else post({ type: 'progress', done, total });
        pending = [];
        pendingAtoms = 0;
        last = performance.now();
    };
    const take = (frames: Frame[]) => {
        for (const f of frames) { pending.push(f); pendingAtoms += f.natoms; count++; }
        if (performance.now() - last > BatchMs || pendingAtoms > BatchAtoms) flush();
    };
    if (typeof source === 'string') {
        for (let start = 0; start < total; start += Chunk) {
            done = Math.min(total, start + Chunk);
            take(reader.push(source.substring(start, done)));
        }
    } else {
        const decoder = new TextDecoder('utf-8');
        const stream = source.stream().getReader();
        for (;;) {
            const { done: end, value } = await stream.read();
            if (end) break;
            done += value.byteLength;
            take(reader.push(decoder.decode(value, { stream: true })));
        }
        take(reader.push(decoder.decode()));
    }
    take(reader.finish());
    flush();
    post({ type: 'done', frames: count, warnings: reader.warnings });
}

self.onmessage = (event: MessageEvent<ReadExtXyzRequest>) => {
    read(event.data).catch(e => post({ type: 'error', message: e instanceof ExtXyzError || e instanceof Error ? e.message : String(e) }));
};
