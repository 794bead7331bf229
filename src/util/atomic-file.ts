/**
 * Output files that are never half-written (Node only): text goes to a temporary file next to the target, which
 * is renamed over it only when complete. Temporaries are removed on every exit path — an error, a normal exit,
 * SIGINT and SIGTERM (the signal is then re-raised, so the exit status stays what the shell expects).
 * `checkOutputPath` checks, before any long work, that the target can be written at all.
 */
import { accessSync, closeSync, constants, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export class OutputFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'OutputFileError';
    }
}

function reason(err: unknown): string {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ENOENT') return 'no such file or directory';
    if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
    if (e?.code === 'EISDIR') return 'is a directory';
    if (e?.code === 'ENOSPC') return 'no space left on the device';
    if (e?.code === 'EROFS') return 'read-only file system';
    return e?.code ?? (err instanceof Error ? err.message : String(err));
}

/** Throws an OutputFileError unless `path` names a file that can be created or replaced. */
export function checkOutputPath(path: string, what = 'output file'): void {
    let st;
    try {
        st = statSync(path);
    } catch {
        st = null;
    }
    if (st?.isDirectory()) throw new OutputFileError(`${path}: cannot write the ${what}: it is a directory`);
    const dir = dirname(resolve(path));
    try {
        if (!statSync(dir).isDirectory()) throw new OutputFileError(`${path}: cannot write the ${what}: ${dir} is not a directory`);
        accessSync(dir, constants.W_OK);
    } catch (err) {
        if (err instanceof OutputFileError) throw err;
        throw new OutputFileError(`${path}: cannot write the ${what}: directory ${dir}: ${reason(err)}`);
    }
}

const pending = new Set<string>();
let handlersInstalled = false;

function removePending(): void {
    for (const tmp of pending) {
        try {
            unlinkSync(tmp);
        } catch {
            // already gone
        }
    }
    pending.clear();
}

function installHandlers(): void {
    if (handlersInstalled) return;
    handlersInstalled = true;
    process.on('exit', removePending);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        const handler = () => {
            removePending();
            process.removeListener(signal, handler);
            process.kill(process.pid, signal);
        };
        process.on(signal, handler);
    }
}

/** A file written piece by piece into a temporary, renamed over `path` by `commit()`; `abort()` removes it. */
export class AtomicFile {
    readonly tmp: string;
    private fd: number | null;

    constructor(
    readonly path: string,
    private readonly what = 'output file',
    ) {
        checkOutputPath(path, what);
        installHandlers();
        this.tmp = join(dirname(resolve(path)), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
        try {
            this.fd = openSync(this.tmp, 'wx');
        } catch (err) {
            throw new OutputFileError(`${path}: cannot write the ${what}: ${reason(err)}`);
        }
        pending.add(this.tmp);
    }

    write(text: string): void {
        if (this.fd === null) throw new Error(`${this.path}: write after commit or abort`);
        try {
            writeSync(this.fd, text);
        } catch (err) {
            this.abort();
            throw new OutputFileError(`${this.path}: cannot write the ${this.what}: ${reason(err)}`);
        }
    }

    /** Closes the temporary and renames it over the target. */
    commit(): void {
        if (this.fd === null) throw new Error(`${this.path}: commit after abort`);
        try {
            closeSync(this.fd);
            this.fd = null;
            renameSync(this.tmp, this.path);
            pending.delete(this.tmp);
        } catch (err) {
            this.abort();
            throw new OutputFileError(`${this.path}: cannot write the ${this.what}: ${reason(err)}`);
        }
    }

    /** Removes the temporary; the target is left as it was. Safe to call more than once. */
    abort(): void {
        if (this.fd !== null) {
            try {
                closeSync(this.fd);
            } catch {
                // closing a broken descriptor
            }
            this.fd = null;
        }
        try {
            unlinkSync(this.tmp);
        } catch {
            // already gone
        }
        pending.delete(this.tmp);
    }
}

/** Writes `text` to `path` atomically (temporary + rename; the temporary removed on failure). */
export function writeFileAtomic(path: string, text: string, what = 'output file'): void {
    const f = new AtomicFile(path, what);
    f.write(text);
    f.commit();
}
