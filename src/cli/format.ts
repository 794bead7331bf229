/** Plain-text tables for the CLI (the --json output carries the same numbers). */
import { safeText } from '../util/text';
import type { ErrorMetrics, MetricsReport } from '../fit/metrics';
import type { LambdaScanPoint } from '../model/model';

function fmt(x: number | null, digits = 2): string {
    return x === null ? '—' : x.toFixed(digits);
}

/** Right-aligned columns; first column left-aligned. */
export function table(header: string[], rawRows: string[][]): string {
    // cells may hold input (config_type, file names): control characters escaped, long text cut
    const rows = rawRows.map((r) => r.map((cell) => safeText(cell, 60)));
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
    return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Error table: one row per set × (all, each config_type). Energies meV/atom, forces meV/Å. */
export function formatMetricsTable(sets: Record<string, MetricsReport | null>): string {
    const rows: string[][] = [];
    const row = (set: string, type: string, m: ErrorMetrics) =>
        rows.push([set, type, String(m.structures), fmt(m.energy_rmse_meV_atom), fmt(m.energy_mae_meV_atom), fmt(m.force_rmse_meV_A), fmt(m.force_mae_meV_A)]);
    for (const [name, m] of Object.entries(sets)) {
        if (!m) continue;
        row(name, 'all', m);
        const types = Object.keys(m.per_config_type);
        if (types.length > 1 || (types.length === 1 && types[0] !== 'default')) for (const t of types) row('', t, m.per_config_type[t]);
        const files = Object.keys(m.per_file ?? {});
        if (files.length > 1) for (const f of files) row('', `file ${f}`, m.per_file![f]);
    }
    return table(['set', 'config_type', 'structures', 'E RMSE meV/atom', 'E MAE meV/atom', 'F RMSE meV/Å', 'F MAE meV/Å'], rows);
}

/** The candidates of a λ scan: train and validation RMSEs and the score; the kept λ is marked '*'. */
export function formatLambdaScan(points: readonly LambdaScanPoint[], kept: number): string {
    const rows = points.map((p) => [
        `${p.lambda === kept ? '* ' : '  '}${p.lambda.toExponential(1)}`,
        fmt(p.train.energy_rmse_meV_atom), fmt(p.valid.energy_rmse_meV_atom), fmt(p.train.force_rmse_meV_A, 0), fmt(p.valid.force_rmse_meV_A, 0), p.score.toExponential(3), p.method,
    ]);
    return table(['λ', 'train E meV/atom', 'valid E meV/atom', 'train F meV/Å', 'valid F meV/Å', 'valid score', 'solve'], rows);
}
