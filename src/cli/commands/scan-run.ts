/** `acelens scan` body: the scan and the CSV of the viewer's bond-scan panel (src/analysis/bond-scans.ts). */
import { bondScanCsv, scanBond } from '../../analysis/bond-scans';
import { loadPredictor } from '../../pace/pace-node';
import { coreRepulsionOf } from '../../pace/pace-model';
import type { ParsedArgs } from '../args';
import { printJson, type CliIO } from '../command';
import { frameLocation, readDataset } from '../data';
import { CliError } from '../errors';
import { table } from '../format';

function parseAtoms(raw: string | undefined): [number, number] {
    if (raw === undefined) throw new CliError("option '--atoms I J' is required (the fixed atom I and the moving atom J, 0-based)");
    const parts = raw.split(',').map((s) => s.trim());
    if (parts.length !== 2 || parts.some((p) => !/^-?\d+$/.test(p))) {
        throw new CliError(`option '--atoms' expects two integer atom indices 'I J' (or 'I,J'), got '${raw}'`);
    }
    return [Number(parts[0]), Number(parts[1])];
}

function required(o: ParsedArgs['options'], name: string, what: string): number {
    const v = o[name];
    if (v === undefined) throw new CliError(`option '--${name} ${what}' is required`);
    return v as number;
}

export async function runScan(args: ParsedArgs, io: CliIO): Promise<number> {
    const o = args.options;
    const modelPath = o.model as string | undefined;
    if (!modelPath) throw new CliError("option '--model M.json' is required");
    if (args.positionals.length === 0) throw new CliError('missing DATA.xyz (the file holding the structure to scan)');
    if (args.positionals.length > 1) throw new CliError(`unexpected argument '${args.positionals[1]}' (one data file; see acelens scan --help)`);
    if (o.json && o.csv) throw new CliError("options '--json' and '--csv' exclude each other");
    const [i, j] = parseAtoms(o.atoms as string | undefined);
    const from = required(o, 'from', 'A');
    const to = required(o, 'to', 'B');
    const points = (o.points as number | undefined) ?? 50;
    const model = loadPredictor(modelPath);
    const data = await readDataset(args.positionals[0]);
    const n = data.frames.length;
    let f = o.frame as number | undefined;
    if (f === undefined) {
        if (n > 1) throw new CliError(`${data.path}: has ${n} structures; choose one with --frame F (0..${n - 1})`);
        f = 0;
    }
    if (f < 0 || f >= n) throw new CliError(`${data.path}: --frame ${f} is out of range (the file has ${n} structure${n === 1 ? '' : 's'}: 0..${n - 1})`);
    const frame = data.frames[f];
    for (const [name, v] of [['I', i], ['J', j]] as const) {
        if (v < 0 || v >= frame.natoms) throw new CliError(`${frameLocation(data, f)}: atom ${name} = ${v} is out of range (the structure has ${frame.natoms} atoms: 0..${frame.natoms - 1})`);
    }
    if (i === j) throw new CliError(`--atoms: I and J must be different atoms (both are ${i})`);
    let scan;
    try {
        scan = scanBond(model, frame, { i, j, from, to, points });
    } catch (err) {
        throw new CliError(`${frameLocation(data, f)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (o.csv) {
        io.stdout(bondScanCsv([{ name: modelPath, scan }]));
        return 0;
    }
    if (o.json) {
        printJson(io, {
            ...(coreRepulsionOf(model) ? { core_repulsion: coreRepulsionOf(model) } : {}),
            model: modelPath,
            data: data.path,
            frame: f,
            atoms: [i, j],
            natoms: frame.natoms,
            units: { r: 'Å', energy: 'eV', force: 'eV/Å' },
            start_distance: scan.startDistance,
            start_energy: scan.startEnergy,
            direction: scan.direction,
            r: scan.r,
            energy: scan.energy,
            relative_energy: scan.relativeEnergy,
            force_along_bond: scan.forceAlongBond,
            energy_by_order: scan.energyByOrder,
            max_sites_per_point: scan.maxSitesPerPoint,
        });
        return 0;
    }
    const rows = scan.r.map((r, k) => [r.toFixed(4), scan.energy[k].toFixed(6), scan.relativeEnergy[k].toFixed(6), scan.forceAlongBond[k].toFixed(6)]);
    io.stdout(
        `Bond scan of ${data.path} frame ${f} (${frame.natoms} atoms) with ${modelPath} (K = ${model.order}, ${model.spec.variant}):\n` +
      `atom ${j} moves along the ${i}→${j} bond (start distance ${scan.startDistance.toFixed(4)} Å, start energy ${scan.startEnergy.toFixed(6)} eV).\n` +
      `E − E_start is relative to the unperturbed structure; F_bond > 0 pushes atom ${j} away from atom ${i}.\n` +
      (coreRepulsionOf(model) ? `core repulsion: ${coreRepulsionOf(model)}\n` : '') + '\n' +
      table(['r (Å)', 'E (eV)', 'E − E_start (eV)', 'F_bond (eV/Å)'], rows) +
      '\n',
    );
    return 0;
}
