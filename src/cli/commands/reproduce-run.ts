/** `acelens reproduce` body: read the assets, run the study (worker threads), write every output, print a summary. */
import { writeFileAtomic } from '../../util/atomic-file';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../package-root';
import { createParallelAssembler } from '../../fit/parallel';
import { serializeModel } from '../../model/model';
import { describeFsError } from '../../model/model-node';
import { SOURCE_POOLS, type SourcePoolId, type StudyData } from '../../study/data';
import { studyFigures } from '../../study/figures';
import { runStudy, type StudyProgress, type StudyResult, type StudySettings } from '../../study/reproduce';
import { DEFAULT_LAMBDA, type FitSolver } from '../../fit/fit';
import { studyFindings, paperComparison, studyReport, thinData } from '../../study/report';
import { readmeSection, replaceReadmeSection, type PlannedCounts } from '../../study/readme-section';
import { tableCsv, headlineMarkdown, tableMarkdown } from '../../study/table';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { readDataset, type Dataset } from '../data';
import { CliError } from '../errors';

/** The asset file of each pool, and of the DFT curve. */
export const STUDY_FILES: Record<SourcePoolId | 'curve', string> = {
    dimers: 'c2-dimers.xyz',
    narrow: 'carbon-narrow.xyz',
    diverse: 'carbon-diverse.xyz',
    curve: 'c2-dimer-curve.xyz',
};

export function defaultAssetsDir(): string {
    return join(packageRoot(), 'assets');
}

/** "DFT (GPAW PBE)" from the curve's provenance file (settings.code, settings.xc), else "DFT". */
function dftLabel(xyzPath: string): string {
    const p = xyzPath.replace(/\.xyz$/, '.provenance.json');
    try {
        const prov = JSON.parse(readFileSync(p, 'utf8')) as { settings?: { code?: string; xc?: string } };
        const parts = [prov.settings?.code, prov.settings?.xc].filter((x): x is string => typeof x === 'string');
        return parts.length ? `DFT (${parts.join(' ')})` : 'DFT';
    } catch {
        return 'DFT';
    }
}

/** "carbon-narrow.xyz: 12 of 121 planned structures (the DFT run was not complete)" from the provenance file. */
function provenanceNote(xyzPath: string): string | null {
    const p = xyzPath.replace(/\.xyz$/, '.provenance.json');
    if (!existsSync(p)) return null;
    try {
        const prov = JSON.parse(readFileSync(p, 'utf8')) as { n_frames?: number; n_planned?: number; complete?: boolean };
        if (typeof prov.n_frames !== 'number') return null;
        const name = xyzPath.split('/').pop();
        return `${name}: ${prov.n_frames} of ${prov.n_planned ?? '?'} planned frames${prov.complete ? '' : ' (the DFT run was not complete when this ran)'}.`;
    } catch {
        return null;
    }
}

/**
 * Planned structures of a data file (its provenance's n_planned without the isolated atom and without the
 * structures the DFT run left out), or undefined.
 */
function plannedCount(xyzPath: string): number | undefined {
    try {
        const prov = JSON.parse(readFileSync(xyzPath.replace(/\.xyz$/, '.provenance.json'), 'utf8')) as { n_planned?: number; left_out?: Record<string, string> };
        return typeof prov.n_planned === 'number' ? prov.n_planned - 1 - Object.keys(prov.left_out ?? {}).length : undefined;
    } catch {
        return undefined;
    }
}

/** The text of `file` with its study section replaced by `section` (CliError when unreadable or without markers). */
function readmeWithSection(file: string, section: string): string {
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch (err) {
        throw new CliError(`${file}: cannot read: ${describeFsError(err)}`);
    }
    try {
        return replaceReadmeSection(text, section, file);
    } catch (err) {
        throw new CliError((err as Error).message);
    }
}

function writeText(path: string, text: string): void {
    try {
        writeFileAtomic(path, text);
    } catch (err) {
        throw new CliError((err as Error).message);
    }
}

/** results.json: everything but the models (written separately); compact, the curves make it long */
function resultsJson(result: StudyResult): string {
    const { models: _models, ...rest } = result;
    return JSON.stringify(rest) + '\n';
}

export async function runReproduce(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    if (args.positionals.length > 0) throw new CliError(`unexpected argument '${args.positionals[0]}' (see acelens reproduce --help)`);
    const solver = (o.solver as string | undefined) ?? (o.lambda !== undefined ? 'ridge' : undefined);
    if (solver !== undefined && solver !== 'blr' && solver !== 'ridge') throw new CliError(`reproduce: --solver ${solver}: expected blr or ridge`);
    if (o.lambda !== undefined && solver !== 'ridge') throw new CliError('reproduce: --lambda needs --solver ridge');
    if (o.lambda !== undefined && !((o.lambda as number) > 0)) throw new CliError(`reproduce: --lambda ${o.lambda}: expected a number > 0`);
    const settings: Partial<StudySettings> = {
        ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
        ...(solver !== undefined ? { solver: solver as FitSolver } : {}),
        ...(solver === 'ridge' ? { lambda: (o.lambda as number | undefined) ?? DEFAULT_LAMBDA } : {}),
    };
    const out = (o.out as string | undefined) ?? 'reproduce-out';
    const assets = (o.assets as string | undefined) ?? defaultAssetsDir();
    const quick = Boolean(o.quick);

    try {
        if (!statSync(assets).isDirectory()) throw new CliError(`${assets}: not a folder (expected the folder with ${Object.values(STUDY_FILES).join(', ')})`);
    } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`${assets}: cannot read the assets folder: ${describeFsError(err)}`);
    }
    // a missing file is a pool without data (the DFT run may not have produced it yet): said on stderr and in the report
    const missing: string[] = [];
    const read = async (key: SourcePoolId | 'curve'): Promise<Dataset> => {
        const path = join(assets, STUDY_FILES[key]);
        if (!existsSync(path)) {
            missing.push(path);
            io.stderr(`acelens reproduce: warning: ${path} not found: treated as no data\n`);
            return { path, frames: [], lines: [], sha256: '' };
        }
        return readDataset(path);
    };
    const sets = {} as Record<SourcePoolId, Dataset>;
    for (const d of SOURCE_POOLS) sets[d] = await read(d);
    const curve = await read('curve');
    const data: StudyData = {
        datasets: { dimers: sets.dimers.frames, narrow: sets.narrow.frames, diverse: sets.diverse.frames },
        curve: curve.frames,
        dftLabel: dftLabel(curve.path),
        sources: {
            ...Object.fromEntries(SOURCE_POOLS.map((d) => [d, { name: STUDY_FILES[d], sha256: sets[d].sha256 || undefined, frames: sets[d].frames.length }])),
            curve: { name: STUDY_FILES.curve, sha256: curve.sha256 || undefined, frames: curve.frames.length },
        },
    };
    const dataNotes = [
        ...missing.map((p) => `${p}: not found (no data).`),
        ...[...SOURCE_POOLS.map((d) => sets[d].path), curve.path].filter((p) => !missing.includes(p)).map(provenanceNote).filter((x): x is string => x !== null),
    ];

    // a README without the markers is an error before the study runs, not after
    const readme = o.readme as string | undefined;
    if (readme) readmeWithSection(readme, '');

    try {
        mkdirSync(join(out, 'figures'), { recursive: true });
        mkdirSync(join(out, 'models'), { recursive: true });
    } catch (err) {
        throw new CliError(`${out}: cannot create the output folder: ${describeFsError(err)}`);
    }

    const live = !o.json && Boolean(process.stderr.isTTY);
    let last = 0;
    let shown = false;
    const onProgress = (p: StudyProgress) => {
        if (!live) return;
        const now = Date.now();
        if (p.stage !== 'done' && now - last < 200) return;
        last = now;
        io.stderr(`\r\x1b[K  ${(100 * p.fraction).toFixed(0)}%  ${p.message}`);
        shown = true;
    };
    let result: StudyResult;
    try {
        result = await runStudy(data, {
            quick,
            settings: Object.keys(settings).length ? settings : undefined,
            onProgress,
            assemble: createParallelAssembler({ workers: o.workers as number | undefined }),
        });
    } finally {
        if (shown) io.stderr('\r\x1b[K');
    }

    const figures = studyFigures(result);
    const figureFiles = Object.keys(figures).map((f) => `figures/${f}`);
    const command = `acelens reproduce${quick ? ' --quick' : ''}${o.seed !== undefined ? ` --seed ${o.seed}` : ''}${solver === 'ridge' ? ` --solver ridge --lambda ${settings.lambda}` : ''}`;
    const files: string[] = [];
    const put = (rel: string, text: string) => {
        writeText(join(out, rel), text);
        files.push(rel);
    };
    put('table.csv', tableCsv(result));
    put('table.md', tableMarkdown(result));
    put('headline.md', headlineMarkdown(result));
    const planned: PlannedCounts = Object.fromEntries(
        [...SOURCE_POOLS.map((d) => [d, sets[d].path] as const), ['curve', curve.path] as const]
            .filter(([, p]) => !missing.includes(p))
            .map(([k, p]) => [k, plannedCount(p)]),
    );
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const section = readmeSection(result, {
        outDir: readme ? relative(dirname(resolve(readme)), resolve(out)) || '.' : out,
        command: `npx acelens reproduce --out ${out}${quick ? ' --quick' : ''}${readme ? ` --readme ${readme}` : ''}`,
        date,
        planned,
    });
    put('readme-section.md', section);
    put('report.md', studyReport(result, { command, date, dataNotes, figures: figureFiles }));
    put('results.json', resultsJson(result));
    for (const [name, svg] of Object.entries(figures)) put(`figures/${name}`, svg);
    for (const [id, model] of Object.entries(result.models)) put(`models/${id}.json`, serializeModel(model));
    // figures and models of an earlier run into the same folder that this run did not make would mislead
    for (const [sub, ext] of [['figures', '.svg'], ['models', '.json']] as const) {
        for (const f of readdirSync(join(out, sub))) {
            if (f.endsWith(ext) && !files.includes(`${sub}/${f}`)) unlinkSync(join(out, sub, f));
        }
    }

    if (readme) writeText(readme, readmeWithSection(readme, section));

    const fitted = result.rows.filter((r) => r.status === 'fitted').length;
    const failed = result.rows.filter((r) => r.status === 'failed');
    for (const r of failed) io.stderr(`acelens reproduce: warning: ${r.id}: ${r.note}\n`);
    const code = failed.length ? 1 : 0;
    if (o.json) {
        printJson(io, {
            out,
            quick,
            seconds: result.seconds,
            models: fitted,
            rows: result.rows.length,
            files,
            dft: { points: result.dft.points.length, minimum: result.dft.minimum },
            findings: studyFindings(result).map((f) => f.text),
            paper: paperComparison(result).map((f) => f.text),
            table: result.rows.map((r) => ({
                id: r.id, status: r.status, nbasis: r.nbasis,
                valid_energy_rmse_meV_atom: r.valid?.energyRmse ?? null, valid_force_rmse_meV_A: r.valid?.forceRmse ?? null,
                dimer_rms_eV: r.dimer?.rms ?? null, dimer_rmin_A: r.dimer?.minimum?.r ?? null, dimer_emin_eV: r.dimer?.minimum?.energy ?? null,
                note: r.note,
            })),
        });
        return code;
    }
    const lines = [
        `study     ${fitted} of ${result.rows.length} models fitted in ${result.seconds.toFixed(1)} s${quick ? ' (quick)' : ''}`,
        `output    ${out}/ (table.csv, table.md, headline.md, readme-section.md, report.md, results.json, ${Object.keys(figures).length} figures, ${Object.keys(result.models).length} models)`,
        ...dataNotes.map((n) => `data      ${n}`),
        '',
        tableMarkdown(result),
        ...(thinData(result) ? [`Caution: ${thinData(result)}; the statements below describe these models only.`] : []),
        ...studyFindings(result).map((f) => `- ${f.text}`),
    ];
    io.stdout(lines.join('\n') + '\n');
    return code;
}
