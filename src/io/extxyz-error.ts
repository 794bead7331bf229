import { safeText } from '../util/text';

/** Errors of the extended XYZ reader: every message names file, 1-based line and 0-based frame index. */
export class ExtXyzError extends Error {
    /** what was expected and what was found, without the location prefix */
    readonly detail: string;
    constructor(
    readonly fileName: string,
    /** 1-based line number in the file */
    readonly line: number,
    /** 0-based frame index (frames before it are complete) */
    readonly frame: number,
    detail: string,
    ) {
    // input quoted in the detail may hold terminal escapes or be megabytes long: escaped and capped
        super(`${safeText(fileName, 300)}:${line}: frame ${frame}: ${safeText(detail, 1000)}`);
        this.name = 'ExtXyzError';
        this.detail = safeText(detail, 1000);
    }
}
