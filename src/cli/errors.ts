import { safeMessage } from '../util/text';

/** An error meant for the user: printed as one line, no stack trace. */
export class CliError extends Error {
    constructor(message: string, readonly exitCode = 1) {
        super(message);
        this.name = 'CliError';
    }
}

/** One line describing any thrown value (never only a stack); control characters escaped, length capped. */
export function oneLine(err: unknown): string {
    if (err instanceof Error) {
        const msg = (err.message || err.name || 'unknown error').split('\n').map((s) => s.trim()).filter(Boolean).join(' ');
        return safeMessage(msg);
    }
    return safeMessage(String(err).replace(/\s*\n\s*/g, ' '));
}
