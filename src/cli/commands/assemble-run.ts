/** `acelens assemble` body: read all training files, assemble one shard, write its part file atomically. */
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NE_FORMAT, NE_VERSION, encodeNeFile, writeFileAtomic } from '../../fit/ne-file';
import { assembleShardOf, parseShard } from '../../fit/shard-assembly';
import { describeFsError } from '../../model/model-node';
import { SOFTWARE } from '../../model/model';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { CliError } from '../errors';
import { specFromOptions } from './fit-run';
import { absolutePaths, lossOptions, readTrainingData } from './training-data';

export async function runAssemble(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    if (args.positionals.length === 0) throw new CliError('missing TRAIN.xyz (see acelens assemble --help)');
    const out = o.out as string | undefined;
    if (!out) throw new CliError("option '--out PART.acelens-ne' is required");
    if (o.shard === undefined) throw new CliError("option '--shard i/n' is required");
    let shard;
    try {
        shard = parseShard(String(o.shard));
    } catch (err) {
        throw new CliError(`option '--shard': ${(err as Error).message}`);
    }
    const dir = dirname(resolve(out));
    try {
        accessSync(dir, constants.W_OK);
    } catch (err) {
        throw new CliError(`${out}: cannot write the part file: directory ${dir}: ${describeFsError(err)}`);
    }
    const spec = specFromOptions(o);
    const loss = lossOptions(o);
    const t0 = Date.now();
    const data = await readTrainingData(absolutePaths(args.positionals));
    const part = assembleShardOf(data.frames, { spec, ...loss, shard, describe: data.describe });
    const bytes = encodeNeFile(
        {
            format: NE_FORMAT,
            version: NE_VERSION,
            created: new Date().toISOString(),
            software: SOFTWARE,
            shard,
            spec: part.spec,
            weights: part.weights,
            e0Source: part.e0Source,
            e0Frames: part.e0Frames,
            data: data.provenance,
            fitted: part.fitted,
            counts: part.counts,
            perConfigType: part.perConfigType,
        },
        part.sums,
    );
    writeFileAtomic(out, bytes);
    const seconds = (Date.now() - t0) / 1000;
    const summary = {
        part: out,
        shard: `${shard.index}/${shard.count}`,
        structures: part.counts.structures,
        atoms: part.counts.atoms,
        of: part.fitted,
        nbasis: part.sums.nbasis,
        rows: { energy: part.counts.energyRows, force: part.counts.forceRows, virial: part.counts.virialRows },
        bytes: bytes.length,
        seconds,
    };
    if (o.json) printJson(io, summary);
    else {
        io.stdout(
            `part      ${out} (shard ${summary.shard}, ${(bytes.length / 1e6).toFixed(2)} MB)\n` +
        `shard     ${part.counts.structures} of ${part.fitted.structures} structures, ${part.counts.atoms} of ${part.fitted.atoms} atoms\n` +
        `basis     K = ${part.spec.order}, ${part.spec.variant}, ${part.sums.nbasis} functions\n` +
        `rows      ${part.counts.energyRows} energy, ${part.counts.forceRows} force, ${part.counts.virialRows} virial\n` +
        `time      ${seconds.toFixed(2)} s\n`,
        );
    }
    return 0;
}
