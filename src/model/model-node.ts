/** Model files on disk (Node only): save, load, and the SHA-256 of data files for provenance. */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-file';
import { Model, ModelError, parseModel, serializeModel, type ModelFile } from './model';

/** Writes the model as JSON (via a temporary file, so a failed write never leaves half a model). */
export function saveModel(path: string, model: ModelFile): void {
    try {
        writeFileAtomic(path, serializeModel(model), 'model file');
    } catch (err) {
        throw new ModelError(err instanceof Error ? err.message : String(err));
    }
}

/** Reads and checks a model file (format, version, numbers). */
export function readModelFile(path: string): ModelFile {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (err) {
        throw new ModelError(`${path}: cannot read the model file: ${describeFsError(err)}`);
    }
    return parseModel(text, path);
}

/** Reads a model file and builds its basis, ready to predict. */
export function loadModel(path: string): Model {
    return new Model(readModelFile(path), path);
}

/** Hex SHA-256 of a file's bytes (streamed). */
export function sha256File(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const hash = createHash('sha256');
        createReadStream(path)
            .on('error', (err) => reject(new Error(`${path}: cannot read: ${describeFsError(err)}`)))
            .on('data', (chunk) => hash.update(chunk))
            .on('end', () => resolve(hash.digest('hex')));
    });
}

export function describeFsError(err: unknown): string {
    const e = err as NodeJS.ErrnoException;
    if (e && e.code === 'ENOENT') return 'no such file';
    if (e && e.code === 'EACCES') return 'permission denied';
    if (e && e.code === 'EISDIR') return 'is a directory';
    return e instanceof Error ? e.message.split('\n')[0] : String(err);
}
