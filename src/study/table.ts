/**
 * The study's table: one row per pool × basis × K (CSV with every number; Markdown with the headline
 * columns), plus the DFT reference. Numbers are formatted by the helpers here, which the report uses too.
 */
import { csvLine } from '../io/csv';
import { DATASET_SHORT } from './data';
import type { StudyResult, StudyRow } from './reproduce';

/** Energies in eV: 3 decimals below 0.1 eV in magnitude, else 2. */
export function fmtEv(v: number | null | undefined): string {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    return Math.abs(v) < 0.1 ? v.toFixed(3) : v.toFixed(2);
}

/** Distances in Å, 2 decimals. */
export function fmtA(v: number | null | undefined): string {
    return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2);
}

/** Error metrics (meV/atom, meV/Å): 3 significant digits, at least integers above 100. */
export function fmtErr(v: number | null | undefined): string {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

export function fmtCond(v: number | null | undefined): string {
    return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toExponential(1);
}

export const CSV_COLUMNS = [
    'dataset', 'basis', 'K', 'degrees', 'nbasis', 'status',
    'train_structures', 'valid_structures',
    'train_energy_rmse_meV_atom', 'train_energy_mae_meV_atom', 'train_force_rmse_meV_A', 'train_force_mae_meV_A',
    'valid_energy_rmse_meV_atom', 'valid_energy_mae_meV_atom', 'valid_force_rmse_meV_A', 'valid_force_mae_meV_A',
    'cross_dataset', 'cross_structures', 'cross_energy_rmse_meV_atom', 'cross_energy_mae_meV_atom', 'cross_force_rmse_meV_A', 'cross_force_mae_meV_A',
    'data_rank', 'solved_rank', 'condition', 'solver',
    'dimer_rmin_A', 'dimer_emin_eV', 'dimer_min_at_edge', 'dimer_rms_eV', 'dimer_rms_points', 'dimer_e_short_eV', 'dimer_bump_r_A', 'dimer_bump_eV',
    'dimer_max_abs_EK_K3plus_eV', 'dimer_reference_r_A', 'dimer_E2_eV', 'dimer_E3_eV', 'dimer_E4_eV', 'dimer_E5_eV',
    'seconds',
] as const;

/** One CSV record per row; full precision. */
export function rowRecord(r: StudyRow): Record<(typeof CSV_COLUMNS)[number], unknown> {
    const d = r.dimer;
    return {
        dataset: r.dataset, basis: r.variant, K: r.K, degrees: r.degrees.join(' '), nbasis: r.nbasis, status: r.status,
        train_structures: r.train?.structures, valid_structures: r.valid?.structures ?? 0,
        train_energy_rmse_meV_atom: r.train?.energyRmse, train_energy_mae_meV_atom: r.train?.energyMae,
        train_force_rmse_meV_A: r.train?.forceRmse, train_force_mae_meV_A: r.train?.forceMae,
        valid_energy_rmse_meV_atom: r.valid?.energyRmse, valid_energy_mae_meV_atom: r.valid?.energyMae,
        valid_force_rmse_meV_A: r.valid?.forceRmse, valid_force_mae_meV_A: r.valid?.forceMae,
        cross_dataset: r.cross?.dataset, cross_structures: r.cross?.structures,
        cross_energy_rmse_meV_atom: r.cross?.energyRmse, cross_energy_mae_meV_atom: r.cross?.energyMae,
        cross_force_rmse_meV_A: r.cross?.forceRmse, cross_force_mae_meV_A: r.cross?.forceMae,
        data_rank: r.rank, solved_rank: r.solvedRank, condition: r.condition, solver: r.method,
        dimer_rmin_A: d?.minimum?.r, dimer_emin_eV: d?.minimum?.energy, dimer_min_at_edge: d?.minimum ? String(d.minimum.atEdge) : null,
        dimer_rms_eV: d?.rms, dimer_rms_points: d?.rmsPoints, dimer_e_short_eV: d?.shortValue,
        dimer_bump_r_A: d?.bump?.r, dimer_bump_eV: d?.bump?.energy,
        dimer_max_abs_EK_K3plus_eV: d?.maxHigherOrder, dimer_reference_r_A: d?.referenceR,
        dimer_E2_eV: d?.byOrderAtReference[2], dimer_E3_eV: d?.byOrderAtReference[3], dimer_E4_eV: d?.byOrderAtReference[4], dimer_E5_eV: d?.byOrderAtReference[5],
        seconds: r.seconds,
    };
}

export function tableCsv(result: StudyResult): string {
    const lines = [CSV_COLUMNS.join(',')];
    for (const r of result.rows) {
        const rec = rowRecord(r);
        lines.push(csvLine(CSV_COLUMNS.map((c) => rec[c])));
    }
    return lines.join('\n') + '\n';
}

/** Markdown table (headline columns), with the DFT reference as the first row. */
export function tableMarkdown(result: StudyResult): string {
    const s = result.settings;
    const [a, b] = s.rmsWindow;
    const head = [
        'training data', 'basis', 'K', 'functions', 'E RMSE train / valid (meV/atom)', 'F RMSE train / valid (meV/Å)',
        'data rank', 'cond.', 'λ', 'r_min (Å)', 'E_min (eV)', `RMS vs DFT ${a}–${b} Å (eV)`, `E(${s.shortDistance} Å) (eV)`, 'max \\|E_K≥3\\| (eV)',
    ];
    const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
    const dm = result.dft.minimum;
    lines.push(`| ${result.dft.label}, ${result.dft.points.length} point${result.dft.points.length === 1 ? '' : 's'} | – | – | – | – | – | – | – | – | ${fmtA(dm?.r)}${dm?.atEdge ? ' (edge)' : ''} | ${fmtEv(dm?.energy)} | 0 | ${fmtEv(result.dft.shortValue)} | – |`);
    for (const r of result.rows) {
        if (r.status !== 'fitted') {
            lines.push(`| ${DATASET_SHORT[r.dataset]} | ${r.variant} | ${r.K} | ${r.nbasis} | ${r.note ?? 'not fitted'} | | | | | | | | | |`);
            continue;
        }
        const d = r.dimer!;
        const edge = d.minimum?.atEdge ? ' (edge)' : '';
        lines.push(
            `| ${DATASET_SHORT[r.dataset]} | ${r.variant} | ${r.K} | ${r.nbasis} | ${fmtErr(r.train?.energyRmse)} / ${fmtErr(r.valid?.energyRmse)} | ${fmtErr(r.train?.forceRmse)} / ${fmtErr(r.valid?.forceRmse)} | ${r.rank}/${r.nbasis} | ${fmtCond(r.condition)} | ${r.lambda == null ? '–' : r.lambda.toExponential(1)} | ${fmtA(d.minimum?.r)}${edge} | ${fmtEv(d.minimum?.energy)} | ${fmtEv(d.rms)} | ${fmtEv(d.shortValue)} | ${r.K >= 3 ? d.maxHigherOrder.toExponential(1) : '–'} |`,
        );
    }
    return lines.join('\n') + '\n';
}

/**
 * The headline table (for the README): one row per pool × basis, the dimer curve's RMS deviation from DFT
 * and the held-out energy RMSE for each K, so convergence (or not) with K reads along a row.
 */
export function headlineMarkdown(result: StudyResult): string {
    const s = result.settings;
    const [a, b] = s.rmsWindow;
    const ks = s.orders.join(' / ');
    const lines = [
        `| training data | basis | dimer curve: RMS vs DFT ${a}–${b} Å (eV), K = ${ks} | well depth E_min (eV), K = ${ks} | held-out E RMSE (meV/atom), K = ${ks} |`,
        '|---|---|---|---|---|',
    ];
    for (const dataset of s.datasets) {
        for (const variant of s.variants) {
            const rows = s.orders.map((K) => result.rows.find((r) => r.dataset === dataset && r.variant === variant && r.K === K));
            const cell = (f: (r: StudyRow) => string) => rows.map((r) => (r && r.status === 'fitted' ? f(r) : '–')).join(' / ');
            const basis = variant === 'purified' ? 'self-interaction-free' : variant;
            const depth = (r: StudyRow) => fmtEv(r.dimer?.minimum?.energy) + (r.dimer?.minimum?.atEdge ? '*' : '');
            lines.push(`| ${DATASET_SHORT[dataset]} | ${basis} | ${cell((r) => fmtEv(r.dimer?.rms))} | ${cell(depth)} | ${cell((r) => fmtErr(r.valid?.energyRmse))} |`);
        }
    }
    const dm = result.dft.minimum;
    lines.push('', `${result.dft.label} dimer curve (${result.dft.points.length} points): minimum ${fmtEv(dm?.energy)} eV at ${fmtA(dm?.r)} Å.`);
    if (result.rows.some((r) => r.status === 'fitted' && r.dimer?.minimum?.atEdge)) {
        const [lo, hi] = s.minimumWindow;
        lines.push(`\\* the model's lowest value in ${lo}–${hi} Å lies at an end of that window: its curve has no well of its own there, so the number is not a well depth.`);
    }
    return lines.join('\n') + '\n';
}
