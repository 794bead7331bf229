/**
 * A real fitted model for the workspace e2e tests: K = 2 on the embedded carbon-diverse dataset, λ chosen by a
 * scan on a 20 % validation split (so the λ-scan plot has data). Fitted in Node in a few seconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExtXyz } from '../../src/io/extxyz';
import { fitModel } from '../../src/fit/fit';
import { defaultSpec } from '../../src/ace/spec';
import type { ModelFile } from '../../src/model/model';

export async function fittedModelFile(): Promise<ModelFile> {
    const frames = parseExtXyz(readFileSync(join(import.meta.dirname, '../../assets/carbon-diverse.xyz'), 'utf8'), { fileName: 'carbon-diverse.xyz' });
    const result = await fitModel(frames, { spec: defaultSpec(2), lambdaScan: [1e-6, 1e-4, 1e-2], validFraction: 0.2, seed: 1 });
    return result.model;
}
