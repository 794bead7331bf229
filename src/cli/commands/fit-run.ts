/** `acelens fit` body: read data, fit (worker threads), write the model, print a table or one JSON object. */
import { ACEJL_RADIAL, defaultSpec, scaledDegrees, validateSpec, type BasisSpec } from '../../ace/spec';
import { AUTO_LAMBDA_GRID, fitModel, type FitProgress } from '../../fit/fit';
import type { ErrorMetrics, MetricsReport } from '../../fit/metrics';
import { createParallelAssembler } from '../../fit/parallel';
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeFsError, saveModel } from '../../model/model-node';
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
  try {
    return validateSpec(spec);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

/** Fails before the fit (not after it) when the model file cannot be written. */
function checkWritable(path: string): void {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new CliError(`${path}: cannot write the model file: directory ${dir}: ${describeFsError(err)}`);
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

function short(m: ErrorMetrics | MetricsReport | null) {
  if (!m) return null;
  return { structures: m.structures, energy_rmse_meV_atom: m.energy_rmse_meV_atom, force_rmse_meV_A: m.force_rmse_meV_A };
}

export async function runFit(args: ParsedArgs, io: CliIO): Promise<number> {
  const o = args.options;
  if (args.positionals.length !== 1) {
    throw new CliError(args.positionals.length === 0 ? 'missing TRAIN.xyz (see acelens fit --help)' : `expected one training file, got ${args.positionals.length}: ${args.positionals.join(' ')}`);
  }
  const out = o.out as string | undefined;
  if (!out) throw new CliError("option '--out M.json' is required");
  checkWritable(out);
  if (o.valid !== undefined && o['valid-fraction'] !== undefined) throw new CliError("give either '--valid FILE' or '--valid-fraction F', not both");
  const validFraction = (o['valid-fraction'] as number | undefined) ?? 0;
  if (validFraction < 0 || validFraction >= 1) throw new CliError(`option '--valid-fraction' must be in [0, 1), got ${validFraction}`);
  const spec = specFromOptions(o);
  const lambdas = parseLambda(o.lambda);
  if (lambdas.lambdaScan && o.valid === undefined && !(validFraction > 0)) {
    throw new CliError("a λ scan ('--lambda auto' or a list) chooses λ on validation data: give '--valid FILE' or '--valid-fraction F'");
  }
  let e0: 'auto' | number = 'auto';
  if (o.e0 !== undefined && o.e0 !== 'auto') {
    const v = Number(o.e0);
    if (String(o.e0).trim() === '' || !Number.isFinite(v)) throw new CliError(`option '--e0' expects 'auto' or a number (eV), got '${o.e0}'`);
    e0 = v;
  }

  const train = await readDataset(args.positionals[0]);
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
    result = await fitModel(train.frames, {
      spec,
      ...lambdas,
      energyWeight: o['energy-weight'] as number | undefined,
      forceWeight: o['force-weight'] as number | undefined,
      virialWeight: o['virial-weight'] as number | undefined,
      energyNorm: energyNorm(o['energy-norm']),
      priorExponent: o['prior-exponent'] as number | undefined,
      e0,
      validFrames: valid?.frames,
      validFraction,
      seed: (o.seed as number | undefined) ?? 1,
      onProgress,
      assemble: createParallelAssembler({ workers }),
      describe: (set, i, atom) => frameLocation(set === 'train' ? train : valid!, i, atom),
      provenance: {
        train: [{ name: train.path, sha256: train.sha256, structures: train.frames.length, atoms: train.frames.reduce((s, f) => s + f.natoms, 0) }],
        valid: valid ? [{ name: valid.path, sha256: valid.sha256, structures: valid.frames.length, atoms: valid.frames.reduce((s, f) => s + f.natoms, 0) }] : [],
      },
    });
  } finally {
    clearProgress();
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
    ...(m.fit.lambdaScan ? { lambda_scan: m.fit.lambdaScan } : {}),
  };
  if (o.json) {
    printJson(io, summary);
    return 0;
  }
  const lines = [
    `model     ${out}`,
    `basis     K = ${m.spec.order}, ${m.spec.variant}, ${m.nbasis} functions (D = ${m.spec.maxDegree.join(',')}, r_cut ${m.spec.rcut} Å)`,
    `E0        ${m.e0} eV (${m.fit.e0Source === 'given' ? 'given' : `from ${m.data.e0Frames} isolated-atom frame(s)`})`,
    `rows      ${m.data.train.energyRows} energy, ${m.data.train.forceRows} force, ${m.data.train.virialRows} virial`,
    `solve     ${result.solve.method}, data rank ${result.solve.rank}/${m.nbasis}${result.solve.rank < m.nbasis ? ' (rank-deficient data: the regulariser fixes the rest)' : ''}, condition ${summary.condition === null ? 'inf' : summary.condition.toExponential(2)}${result.solve.reason ? ` (${result.solve.reason})` : ''}`,
    `λ         ${m.fit.lambda}${m.fit.lambdaScan ? ` (lowest validation error of ${m.fit.lambdaScan.length} scanned)` : ''}`,
    `time      ${result.seconds.toFixed(2)} s`,
    '',
    ...(m.fit.lambdaScan ? [formatLambdaScan(m.fit.lambdaScan, m.fit.lambda), ''] : []),
    formatMetricsTable({ train: result.metrics.train, valid: result.metrics.valid }),
  ];
  io.stdout(lines.join('\n') + '\n');
  return 0;
}
