/**
 * The training files of a sharded fit (`acelens assemble`, `acelens solve`): read, put in canonical order
 * (sorted by SHA-256, so the split does not depend on the order the files are named in), concatenated, with
 * a namer that gives file, line and frame of any structure in errors.
 */
import { resolve } from 'node:path';
import type { FileProvenance } from '../../model/model';
import type { Frame } from '../../structure/frame';
import type { ParsedArgs } from '../args';
import { frameLocation, readDataset, type Dataset } from '../data';
import { CliError } from '../errors';

export interface TrainingData {
  datasets: Dataset[];
  frames: Frame[];
  describe: (index: number, atom?: number) => string;
  provenance: FileProvenance[];
}

export async function readTrainingData(paths: readonly string[]): Promise<TrainingData> {
    const datasets: Dataset[] = [];
    for (const p of paths) datasets.push(await readDataset(p));
    datasets.sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
    const frames: Frame[] = [];
    const owner: Array<{ data: Dataset; offset: number }> = [];
    for (const d of datasets) {
        owner.push({ data: d, offset: frames.length });
        for (const f of d.frames) frames.push(f);
    }
    const describe = (index: number, atom?: number) => {
        let k = owner.length - 1;
        while (k > 0 && owner[k].offset > index) k--;
        return frameLocation(owner[k].data, index - owner[k].offset, atom);
    };
    const provenance = datasets.map((d) => ({ name: d.path, sha256: d.sha256, structures: d.frames.length, atoms: d.frames.reduce((s, f) => s + f.natoms, 0) }));
    return { datasets, frames, describe, provenance };
}

/** Absolute paths, so that parts and job scripts work from any working directory. */
export function absolutePaths(paths: readonly string[]): string[] {
    return paths.map((p) => resolve(p));
}

/** The loss options shared by fit, assemble and (through the parts) solve. */
export function lossOptions(o: ParsedArgs['options']) {
    const norm = o['energy-norm'];
    if (norm !== undefined && norm !== 'atoms' && norm !== 'sqrt-atoms') throw new CliError(`option '--energy-norm' must be 'atoms' or 'sqrt-atoms', got '${norm}'`);
    let e0: 'auto' | number = 'auto';
    if (o.e0 !== undefined && o.e0 !== 'auto') {
        const v = Number(o.e0);
        if (String(o.e0).trim() === '' || !Number.isFinite(v)) throw new CliError(`option '--e0' expects 'auto' or a number (eV), got '${o.e0}'`);
        e0 = v;
    }
    return {
        energyWeight: (o['energy-weight'] as number | undefined) ?? 1,
        forceWeight: (o['force-weight'] as number | undefined) ?? 1,
        virialWeight: (o['virial-weight'] as number | undefined) ?? 1,
        energyNorm: ((norm as string | undefined) ?? 'atoms') as 'atoms' | 'sqrt-atoms',
        e0,
    };
}
