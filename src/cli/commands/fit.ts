/** `acelens fit` — fit a linear ACE model (src/fit) and write the model JSON. */
import { formatHelp, parseArgs, type OptionSpec } from '../args';
import type { Command } from '../command';
import { FIT_DEFAULTS } from '../../fit/defaults';
import { CliError } from '../errors';

const USAGE =
  'acelens fit TRAIN.xyz [MORE.xyz | "GLOB*.xyz" …] [--valid VALID.xyz | --valid-fraction 0.1] --order K [--basis standard|purified] [--rcut R] [--degree D] [--solver blr|ridge] [--lambda L|L1,L2,..|auto] [--weights FILE|CT=σE,σF[,σV];…] [--energy-weight W] [--force-weight W] [--e0 auto|VALUE] [--core-repulsion[=B,r_i]] --out M.json [--slurm N [--partition P] [--time T] [--mem M] [--dry-run]] [--json]';

export const FIT_OPTIONS: Record<string, OptionSpec> = {
    valid: { kind: 'string', value: 'VALID.xyz', help: 'separate validation file' },
    'valid-fraction': { kind: 'number', value: 'F', help: 'hold out this fraction of the training structures (seeded split; 0 = none; not with --valid)', default: String(FIT_DEFAULTS.validFraction) },
    seed: { kind: 'integer', value: 'S', help: 'seed of the train/validation split', default: String(FIT_DEFAULTS.seed) },
    order: { kind: 'integer', value: 'K', help: 'body order K = 2..5 (required)' },
    basis: { kind: 'string', value: 'standard|purified', help: 'basis variant', default: FIT_DEFAULTS.variant },
    rcut: { kind: 'number', value: 'R', help: 'cutoff radius (Å)', default: String(FIT_DEFAULTS.rcut) },
    radial: { kind: 'string', value: 'agnesi|acejl', help: "radial basis: Legendre in the Agnesi transform, or 'acejl' (ML-PACE's ACE.jl.base kind: exports exactly to .yace)", default: 'agnesi' },
    'core-repulsion': { kind: 'flag', optionalValue: true, value: 'B,r_i', help: 'add a fixed short-range pair repulsion V(r) = B((r_i/r)e^(r/r_i−1) − 1) below r_i (ML-PACE/ACE.jl core, exported to .yace; B eV, r_i Å); fitted to the labels minus it', default: 'off; 600,1.0 when given without a value' },
    degree: { kind: 'string', value: 'D|D1,D2,..', help: 'maximal degree: one number D₁ (the other orders scaled with it) or one per correlation order', default: String(FIT_DEFAULTS.degree) },
    solver: { kind: 'string', value: 'blr|ridge', help: 'blr: Bayesian linear regression, regularisation and noise level from the data (evidence maximisation; stores the posterior for uncertainties); ridge: Tikhonov with --lambda', default: 'blr (ridge when --lambda is given)' },
    lambda: { kind: 'string', value: 'L|L1,L2,..|auto', help: 'Tikhonov regularisation strength (solver ridge); a comma list (or auto: 1e-8..1 in decades) is scanned and the λ with the lowest validation error kept (needs --valid or --valid-fraction)' },
    weights: { kind: 'string', value: 'FILE|CT=σE,σF[,σV];…', help: "per config_type σ_E (eV/atom), σ_F (eV/Å), σ_V (eV/atom): a JSON/YAML file {config_type: {sigma_E, sigma_F, sigma_V}} ('default' for the others) or inline entries separated by ';'" },
    huber: { kind: 'number', value: 'δ', help: 'Huber robust loss on the energies (IRLS): structures whose energy residual exceeds δ·σ_E (δ in units of the weighted residual) are down-weighted and listed' },
    'no-frame-weights': { kind: 'flag', help: 'ignore the energy_weight/force_weight/virial_weight info keys and force_weights per-atom columns of the data' },
    'no-uncertainty': { kind: 'flag', help: 'do not store the posterior covariance factor (4·n² bytes) in the model' },
    'energy-weight': { kind: 'number', value: 'W', help: 'weight of energy rows (per atom)', default: String(FIT_DEFAULTS.energyWeight) },
    'energy-norm': { kind: 'string', value: 'atoms|sqrt-atoms', help: 'energy rows weighted W/N (per atom) or W/√N (as the reference study)', default: 'atoms' },
    'prior-exponent': { kind: 'number', value: 'P', help: 'smoothness prior Γ = (1 + Σ(n−1 + w_L·l))^P; 0 = plain ridge', default: '2' },
    'force-weight': { kind: 'number', value: 'W', help: 'weight of force rows', default: String(FIT_DEFAULTS.forceWeight) },
    'virial-weight': { kind: 'number', value: 'W', help: "weight of virial rows (periodic frames with a stress); 0 for GAP-20's dft_virial, which is 10³ smaller than its energies imply (README)", default: String(FIT_DEFAULTS.virialWeight) },
    e0: { kind: 'string', value: 'auto|VALUE', help: 'isolated-atom energy (eV): from an isolated_atom frame, or given', default: String(FIT_DEFAULTS.e0) },
    workers: { kind: 'integer', value: 'N', help: 'worker threads for the assembly (0 or 1 = in-process)', default: 'all cores' },
    out: { kind: 'string', value: 'M.json', help: 'where to write the model (required)' },
    slurm: { kind: 'integer', value: 'N', help: 'run as Slurm jobs: an array of N assemble tasks and a dependent solve (scripts in M.slurm/); submitted when sbatch is on the PATH' },
    partition: { kind: 'string', value: 'P', help: 'with --slurm: the Slurm partition' },
    time: { kind: 'string', value: 'T', help: 'with --slurm: time limit of each job (Slurm syntax, e.g. 2:00:00)' },
    mem: { kind: 'string', value: 'M', help: 'with --slurm: memory of each job (Slurm syntax, e.g. 4G)' },
    'dry-run': { kind: 'flag', help: 'with --slurm: only write the job scripts' },
};

export const fitCommand: Command = {
    name: 'fit',
    summary: 'fit a linear ACE model',
    async run(argv, io) {
        const args = parseArgs('fit', argv, FIT_OPTIONS);
        if (args.options.help) {
            io.stdout(formatHelp(USAGE, 'Fit a linear ACE model of body order K to DFT energies and forces (eV, eV/Å).', FIT_OPTIONS));
            return 0;
        }
        for (const k of ['partition', 'time', 'mem', 'dry-run']) {
            if (args.options[k] !== undefined && args.options.slurm === undefined) throw new CliError(`option '--${k}' goes with '--slurm N'`);
        }
        if (args.options.slurm !== undefined) return (await import('./fit-slurm')).runFitSlurm(args, io);
        const { runFit } = await import('./fit-run');
        return runFit(args, io);
    },
};

