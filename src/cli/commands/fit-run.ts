/** `acelens fit` body: read data, fit (worker threads), write the model, print a table or one JSON object. */
import { ACEJL_RADIAL, defaultSpec, scaledDegrees, validateSpec, type BasisSpec } from '../../ace/spec';
import { describeCoreRepulsion, parseCoreRepulsion } from '../../ace/core-repulsion';
import { AUTO_LAMBDA_GRID, fitModel, type FitProgress } from '../../fit/fit';
import { FIT_DEFAULTS, parseE0 } from '../../fit/defaults';
import type { ErrorMetrics, MetricsReport } from '../../fit/metrics';
import { createParallelAssembler, createParallelPredictor } from '../../fit/parallel';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import type { ConfigTypeWeights } from '../../fit/normal-equations';
import { parseWeightsFile, parseWeightsInline, resolveWeights, WeightsError, type WeightsTable } from '../../fit/weights';
import { dirname, isAbsolute, resolve } from 'node:path';
import { describeFsError, saveModel } from '../../model/model-node';
import { checkOutputPath } from '../../util/atomic-file';
import { checkModel } from '../../model/model';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { frameLocation, readDataset, type Dataset } from '../data';
import { CliError } from '../errors';
import { formatLambdaScan, formatMetricsTable } from '../format';

/** D_ν per order from --degree: one number D scales the default shape (D_1 = D), or a comma list D_1,...,D_{K−1}. */
export function parseDegree(raw: string, order: number): number[] {
    const parts = raw.split(',').map((s) => s.trim());
    const nums = parts.map((s) => (s === '' ? NaN : Number(s)));
    if (nums.some((x) => !Number.isFinite(x) || x <= 0)) throw new CliError(`option '--degree' expects a positive number or a comma list, got '${raw}'`);
    if (nums.length === 1) {
        return scaledDegrees(nums[0], order);
    }
    if (nums.length !== order - 1) {
        throw new CliError(`option '--degree' has ${nums.length} values, expected one or ${order - 1} (D_1..D_${order - 1} for body order ${order})`);
    }
    return nums;
}

export function specFromOptions(o: ParsedArgs['options']): BasisSpec {
    if (o.order === undefined) throw new CliError("option '--order K' (body order 2..5) is required");
    const order = o.order as number;
    if (order < 2 || order > 5) throw new CliError(`option '--order' must be 2..5, got ${order}`);
    const variant = (o.basis as string | undefined) ?? 'standard';
    if (variant !== 'standard' && variant !== 'purified') throw new CliError(`option '--basis' must be 'standard' or 'purified', got '${variant}'`);
    const spec = defaultSpec(order, variant);
    if (o.rcut !== undefined) spec.rcut = o.rcut as number;
    if (o.degree !== undefined) spec.maxDegree = parseDegree(String(o.degree), order);
    if (o.radial !== undefined && o.radial !== 'agnesi') {
    // acejl[:key=value,...] overrides the preset's parameters (p, r0, rin, pl, pr)
        const [kind, rest] = String(o.radial).split(':');
        if (kind !== 'acejl') throw new CliError(`option '--radial' must be 'agnesi' or 'acejl[:p=2,rin=R,pl=2,pr=0,r0=R]', got '${o.radial}'`);
        const radial: Record<string, unknown> = { ...ACEJL_RADIAL };
        for (const kv of rest ? rest.split(',') : []) {
            const [k, v] = kv.split('=');
            if (v === undefined || !Number.isFinite(Number(v))) throw new CliError(`option '--radial': expected key=number, got '${kv}'`);
            radial[k] = Number(v);
        }
        spec.radial = radial as unknown as BasisSpec['radial'];
    }
    const core = o['core-repulsion'];
    if (core !== undefined && core !== false) {
        try {
            spec.coreRepulsion = parseCoreRepulsion(core as string | true);
        } catch (err) {
            throw new CliError(err instanceof Error ? err.message : String(err));
        }
    }
    try {
        return validateSpec(spec);
    } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err));
    }
}

/** Fails before the fit (not after it) when the model file cannot be written. */
function checkWritable(path: string): void {
    try {
        checkOutputPath(path, 'model file'); // also refuses a directory, before the fit runs
    } catch (err) {
        throw new CliError((err as Error).message);
    }
}

/** --lambda: one value, or the candidates of a scan (a comma list, or 'auto'). */
export function parseLambda(raw: unknown): { lambda?: number; lambdaScan?: number[] } {
    if (raw === undefined) return {};
    const text = String(raw).trim();
    if (text === 'auto') return { lambdaScan: [...AUTO_LAMBDA_GRID] };
    const nums = text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
    if (nums.some((x) => !Number.isFinite(x) || x < 0)) throw new CliError(`option '--lambda' expects a number ≥ 0, a comma list of them or 'auto', got '${text}'`);
    return nums.length === 1 ? { lambda: nums[0] } : { lambdaScan: nums };
}

function energyNorm(v: unknown): 'atoms' | 'sqrt-atoms' {
    if (v === undefined || v === 'atoms' || v === 'sqrt-atoms') return (v as 'atoms' | 'sqrt-atoms' | undefined) ?? 'atoms';
    throw new CliError(`option '--energy-norm' must be 'atoms' or 'sqrt-atoms', got '${v}'`);
}

/** Training files from the positionals: literal paths, and glob patterns (quoted, so the shell left them) expanded, sorted. */
export function expandTrainingFiles(positionals: readonly string[]): string[] {
    const files: string[] = [];
    for (const p of positionals) {
        if (/[*?[\]{}]/.test(p) && !existsSync(p)) {
            const found = globSync(p, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(p) }).sort();
            if (found.length === 0) throw new CliError(`${p}: no file matches this pattern`);
            files.push(...found);
        } else {
            files.push(p);
        }
    }
    const seen = new Set<string>();
    for (const f of files) {
        const key = resolve(f);
        if (seen.has(key)) throw new CliError(`${f}: training file given twice`);
        seen.add(key);
    }
    return files;
}

/** --weights: a file (JSON/YAML) or inline `CT=σE,σF[,σV];…`. */
export function readWeights(raw: string): WeightsTable {
    try {
        if (existsSync(raw)) return parseWeightsFile(readFileSync(raw, 'utf8'), raw);
        if (raw.includes('=')) return parseWeightsInline(raw);
    } catch (err) {
        if (err instanceof WeightsError) throw new CliError(err.message);
        throw new CliError(`${raw}: cannot read the weights file: ${describeFsError(err)}`);
    }
    throw new CliError(`option '--weights': '${raw}' is neither a file nor inline entries config_type=σE,σF[,σV]`);
}

function short(m: ErrorMetrics | MetricsReport | null) {
    if (!m) return null;
    return { structures: m.structures, energy_rmse_meV_atom: m.energy_rmse_meV_atom, force_rmse_meV_A: m.force_rmse_meV_A };
}

export async function runFit(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    if (args.positionals.length === 0) throw new CliError('missing TRAIN.xyz (see acelens fit --help)');
    const trainFiles = expandTrainingFiles(args.positionals);
    const out = o.out as string | undefined;
    if (!out) throw new CliError("option '--out M.json' is required");
    checkWritable(out);
    if (o.valid !== undefined && o['valid-fraction'] !== undefined) throw new CliError("give either '--valid FILE' or '--valid-fraction F', not both");
    const validFraction = (o['valid-fraction'] as number | undefined) ?? (o.valid !== undefined ? 0 : FIT_DEFAULTS.validFraction);
    if (validFraction < 0 || validFraction >= 1) throw new CliError(`option '--valid-fraction' must be in [0, 1), got ${validFraction}`);
    const spec = specFromOptions(o);
    const lambdas = parseLambda(o.lambda);
    const solverOpt = o.solver as string | undefined;
    if (solverOpt !== undefined && solverOpt !== 'blr' && solverOpt !== 'ridge') throw new CliError(`option '--solver' must be 'blr' or 'ridge', got '${solverOpt}'`);
    if (solverOpt === 'blr' && o.lambda !== undefined) throw new CliError("'--lambda' sets the ridge regularisation; '--solver blr' takes it from the data (give one of them)");
    const solver: 'blr' | 'ridge' = (solverOpt as 'blr' | 'ridge' | undefined) ?? (o.lambda !== undefined ? 'ridge' : FIT_DEFAULTS.solver);
    let energyWeight = (o['energy-weight'] as number | undefined) ?? FIT_DEFAULTS.energyWeight;
    let forceWeight = (o['force-weight'] as number | undefined) ?? FIT_DEFAULTS.forceWeight;
    let virialWeight = (o['virial-weight'] as number | undefined) ?? FIT_DEFAULTS.virialWeight;
    let configTypeWeights: Record<string, ConfigTypeWeights> | undefined;
    if (o.weights !== undefined) {
        const resolved = resolveWeights(readWeights(String(o.weights)), { energy: energyWeight, force: forceWeight, virial: virialWeight });
        energyWeight = resolved.global.energy;
        forceWeight = resolved.global.force;
        virialWeight = resolved.global.virial;
        configTypeWeights = resolved.configTypes;
    }
    if (lambdas.lambdaScan && o.valid === undefined && !(validFraction > 0)) {
        throw new CliError("a λ scan ('--lambda auto' or a list) chooses λ on validation data: give '--valid FILE' or '--valid-fraction F'");
    }
    let e0: 'auto' | number = FIT_DEFAULTS.e0;
    if (o.e0 !== undefined) {
        if (String(o.e0).trim() === '') throw new CliError(`option '--e0' expects 'auto' or a number (eV), got '${o.e0}'`);
        try {
            e0 = parseE0(String(o.e0));
        } catch {
            throw new CliError(`option '--e0' expects 'auto' or a number (eV), got '${o.e0}'`);
        }
    }

    const trainSets: Dataset[] = [];
    for (const f of trainFiles) trainSets.push(await readDataset(f));
    const trainFrames = trainSets.flatMap((d) => d.frames);
    const trainSources = trainSets.flatMap((d) => d.frames.map(() => d.path));
    // global frame index → (dataset, index in it), for messages naming file and line
    const locate = (i: number): { data: Dataset; index: number } => {
        for (const d of trainSets) {
            if (i < d.frames.length) return { data: d, index: i };
            i -= d.frames.length;
        }
        return { data: trainSets[trainSets.length - 1], index: i };
    };
    const valid: Dataset | null = o.valid !== undefined ? await readDataset(o.valid as string) : null;

    // progress on an interactive terminal only, rewritten in place (piped stderr carries only errors)
    const live = !o.json && Boolean(process.stderr.isTTY);
    let lastReport = 0;
    let shown = false;
    const onProgress = (p: FitProgress) => {
        if (!live) return;
        const now = Date.now();
        if (p.done !== p.total && now - lastReport < 200) return;
        lastReport = now;
        io.stderr(`\r\x1b[K  ${p.message}`);
        shown = true;
    };
    const clearProgress = () => {
        if (shown) io.stderr('\r\x1b[K');
        shown = false;
    };
    const workers = o.workers as number | undefined;
    let result;
    try {
        result = await fitModel(trainFrames, {
            spec,
            solver,
            ...lambdas,
            energyWeight,
            forceWeight,
            virialWeight,
            configTypeWeights,
            frameWeights: !o['no-frame-weights'],
            huber: o.huber as number | undefined,
            storePosterior: !o['no-uncertainty'],
            trainSources,
            validSources: valid ? valid.frames.map(() => valid.path) : undefined,
            energyNorm: energyNorm(o['energy-norm']),
            priorExponent: o['prior-exponent'] as number | undefined,
            e0,
            validFrames: valid?.frames,
            validFraction,
            seed: (o.seed as number | undefined) ?? FIT_DEFAULTS.seed,
            onProgress,
            assemble: createParallelAssembler({ workers }),
            predict: createParallelPredictor({ workers }),
            describe: (set, i, atom) => {
                if (set === 'valid') return frameLocation(valid!, i, atom);
                const at = locate(i);
                return frameLocation(at.data, at.index, atom);
            },
            provenance: {
                train: trainSets.map((train) => ({ name: train.path, sha256: train.sha256, structures: train.frames.length, atoms: train.frames.reduce((s, f) => s + f.natoms, 0) })),
                valid: valid ? [{ name: valid.path, sha256: valid.sha256, structures: valid.frames.length, atoms: valid.frames.reduce((s, f) => s + f.natoms, 0) }] : [],
            },
        });
    } finally {
        clearProgress();
    }
    // a fit on absurd labels (a force of 1e300) gives absurd or non-finite coefficients and errors: refused, with
    // the reason, instead of a model that nothing can use (the same schema check every reader of the file applies)
    try {
        checkModel(result.model, out);
    } catch (err) {
        throw new CliError(`the fit gave no usable model (absurd labels in the data?): ${(err as Error).message}`);
    }
    saveModel(out, result.model);

    const m = result.model;
    const summary = {
        model: out,
        order: m.spec.order,
        basis: m.spec.variant,
        nbasis: m.nbasis,
        seconds: result.seconds,
        train: short(result.metrics.train),
        valid: short(result.metrics.valid),
        rank: result.solve.rank,
        condition: Number.isFinite(result.solve.condition) ? result.solve.condition : null,
        lambda: m.fit.lambda,
        ...(m.spec.coreRepulsion ? { core_repulsion: m.spec.coreRepulsion } : {}),
        solver: m.fit.solver.method,
        ...(m.fit.bayes ? { bayes: m.fit.bayes } : {}),
        ...(m.fit.robust ? { robust: m.fit.robust } : {}),
        train_files: trainFiles,
        ...(m.fit.lambdaScan ? { lambda_scan: m.fit.lambdaScan } : {}),
    };
    if (o.json) {
        printJson(io, summary);
        return 0;
    }
    const lines = [
        `model     ${out}`,
        `basis     K = ${m.spec.order}, ${m.spec.variant}, ${m.nbasis} functions (D = ${m.spec.maxDegree.join(',')}, r_cut ${m.spec.rcut} Å)`,
        ...(m.spec.coreRepulsion ? [`core      ${describeCoreRepulsion(m.spec.coreRepulsion)} (fixed; fitted to the labels minus it)`] : []),
        `E0        ${m.e0} eV (${m.fit.e0Source === 'given' ? 'given' : `from ${m.data.e0Frames} isolated-atom frame(s)`})`,
        `rows      ${m.data.train.energyRows} energy, ${m.data.train.forceRows} force, ${m.data.train.virialRows} virial`,
        `solve     ${result.solve.method}, data rank ${result.solve.rank}/${m.nbasis}${result.solve.rank < m.nbasis ? ' (rank-deficient data: the regulariser fixes the rest)' : ''}, condition ${summary.condition === null ? 'inf' : summary.condition.toExponential(2)}${result.solve.reason ? ` (${result.solve.reason})` : ''}`,
        ...(trainFiles.length > 1 ? [`data      ${trainFiles.length} training files, ${trainFrames.length} structures`] : []),
        ...(m.fit.bayes
            ? [
                `bayes     α = ${m.fit.bayes.alpha.toExponential(3)} (prior precision), β = ${m.fit.bayes.beta.toExponential(3)} (noise precision of the weighted rows), ` +
            `${m.fit.bayes.effectiveParameters.toFixed(1)} effective parameters, ${m.fit.bayes.iterations} iterations${m.fit.bayes.converged ? '' : ' (NOT converged)'}`,
                `λ         ${m.fit.lambda.toExponential(3)} (= α/β, from the evidence)${m.uncertainty ? '; posterior stored for uncertainties' : ''}`,
            ]
            : [`λ         ${m.fit.lambda}${m.fit.lambdaScan ? ` (lowest validation error of ${m.fit.lambdaScan.length} scanned)` : ''}`]),
        ...(m.fit.robust
            ? [
                `robust    Huber δ = ${m.fit.robust.delta}: ${m.fit.robust.downweighted.length} structure(s) down-weighted after ${m.fit.robust.iterations} IRLS solves${m.fit.robust.converged ? '' : ' (NOT converged)'}` +
            (m.fit.robust.downweighted.length ? ' (most down-weighted first; --json lists all):' : ''),
                ...m.fit.robust.downweighted.slice(0, 10).map(
                    (d) => `            ${d.source ?? 'training'} structure ${d.index}${d.configType ? ` (${d.configType}` : ' ('}, ${d.natoms} atoms): E_DFT − E_model ${d.residual_meV_atom.toFixed(1)} meV/atom, weight ${d.weight.toFixed(3)}`,
                ),
            ]
            : []),
        `time      ${result.seconds.toFixed(2)} s`,
        '',
        ...(m.fit.lambdaScan ? [formatLambdaScan(m.fit.lambdaScan, m.fit.lambda), ''] : []),
        formatMetricsTable({ train: result.metrics.train, valid: result.metrics.valid }),
    ];
    io.stdout(lines.join('\n') + '\n');
    return 0;
}
