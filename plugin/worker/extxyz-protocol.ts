/**
 * Messages between the viewer and the extended XYZ reading worker (plugin/worker/extxyz-worker.ts): the source
 * goes in (a File or Blob, streamed by the worker; or a text), frames come back in batches with their typed
 * arrays transferred (src/structure/frame-transfer.ts), with the progress in bytes or characters.
 */
import type { PackedFrames } from '../../src/structure/frame-transfer';

export interface ReadExtXyzRequest {
    type: 'read';
    /** a File/Blob is read by the worker in chunks (never whole on the main thread); a string is read as it is */
    source: Blob | string;
    /** the name used in error messages */
    fileName: string;
}

export type ReadExtXyzReply =
    /** the next frames, in file order; `done` of `total` bytes (Blob) or characters (string) read */
    | { type: 'frames'; batch: PackedFrames; done: number; total: number }
    | { type: 'progress'; done: number; total: number }
    /** the end of the file: every frame was sent; warnings about input read but probably not meant */
    | { type: 'done'; frames: number; warnings: string[] }
    /** the reader refused the file: the message names file, line and frame */
    | { type: 'error'; message: string };
