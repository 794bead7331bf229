/**
 * Node-only helpers: read extended XYZ files by streaming them (a 500 MB file never becomes one string).
 */
import { createReadStream } from 'node:fs';
import type { Frame } from '../structure/frame';
import { ExtXyzReader, type ReadOptions } from './extxyz-reader';

/** Yield the frames of a file one by one as they are read (memory bounded by one frame). */
export async function* iterateExtXyzFile(path: string, opts: ReadOptions = {}): AsyncGenerator<Frame> {
    const reader = new ExtXyzReader({ fileName: path, ...opts });
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    try {
        for await (const chunk of stream) {
            yield* reader.push(chunk as string);
            if (reader.error) return;
        }
        yield* reader.finish();
    } finally {
        stream.destroy();
    }
}

/** All frames of a file (streamed while reading; only the frames are kept). */
export async function readExtXyzFile(path: string, opts: ReadOptions = {}): Promise<Frame[]> {
    const frames: Frame[] = [];
    for await (const f of iterateExtXyzFile(path, opts)) frames.push(f);
    return frames;
}
