/**
 * The study's report: statements computed from the numbers of a StudyResult (never typed in by hand), and
 * the comparison with the reference paper's findings (PAPER.md). `studyFindings` returns them as data (each
 * with the numbers it quotes, so tests can check text against table); `studyReport` renders Markdown.
 */
import type { BasisVariant } from '../ace/spec';
import { BULK_POOLS, DATASET_LABEL, isBulk, type StudyDatasetId } from './data';
import type { StudyResult, StudyRow } from './reproduce';
import { PAPER_DFT_CURVE } from './paper';
import { fmtA, fmtErr, fmtEv, tableMarkdown } from './table';


export interface Finding {
  /** stable id, e.g. 'dimer-rms-vs-K:narrow:standard' */
  id: string;
  text: string;
  /** the numbers the text quotes, unformatted */
  values: number[];
  /** a yes/no property the text asserts (e.g. "decreases monotonically"), when there is one */
  holds?: boolean;
}

/** "1 point", "3 points" */
export function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Below these, statements about trends and the paper are not evidence either way. */
export const MIN_STRUCTURES = 20;
export const MIN_DFT_POINTS = 5;

/** Why the data are too thin to judge, or null: pools with fewer than MIN_STRUCTURES used, DFT window points. */
export function thinData(result: StudyResult): string | null {
    const parts: string[] = [];
    for (const d of result.settings.datasets) {
        const used = result.data[d].used;
        if (used < MIN_STRUCTURES) parts.push(`${d}: ${plural(used, 'structure')}`);
    }
    const [a, b] = result.settings.rmsWindow;
    const inWindow = result.dft.points.filter((p) => p.r >= a - 1e-9 && p.r <= b + 1e-9).length;
    if (inWindow < MIN_DFT_POINTS) parts.push(`${plural(inWindow, 'DFT point')} in ${a}–${b} Å`);
    return parts.length ? `too little data (${parts.join(', ')}; at least ${MIN_STRUCTURES} structures per pool and ${MIN_DFT_POINTS} DFT points wanted)` : null;
}

/** Below this many held-out structures, a held-out error (and its trend with K) is not meaningful. */
export const MIN_HELD_OUT = 20;

/**
 * Marks a statement built on held-out errors as not meaningful when the smallest held-out set behind it has
 * fewer than MIN_HELD_OUT structures (e.g. `reproduce --quick`: 8 of 40): it is then no evidence either way.
 */
export function heldOutCaveat(f: Finding, rows: readonly StudyRow[], quick: boolean): Finding {
    const n = Math.min(...rows.map((r) => r.valid?.structures ?? 0));
    if (!rows.length || n >= MIN_HELD_OUT) return f;
    f.text = f.text.replace(/\.$/, '') + ` — not meaningful: only ${plural(n, 'held-out structure')} (at least ${MIN_HELD_OUT} wanted${quick ? '; the full run without --quick has more' : ''}).`;
    delete f.holds;
    return f;
}

/** Rows of one pool and basis, fitted, ascending K. */
export function series(result: StudyResult, dataset: StudyDatasetId, variant: BasisVariant): StudyRow[] {
    return result.rows.filter((r) => r.dataset === dataset && r.variant === variant && r.status === 'fitted').sort((a, b) => a.K - b.K);
}

/** Relative change below which two values of a sequence count as equal. */
export const SAME_REL = 0.01;

export type Trend = 'decreasing' | 'constant' | 'increasing' | 'non-monotonic';

/**
 * Trend of a sequence: 'constant' when every value is within SAME_REL (relative to the largest magnitude)
 * or absTol of the first; 'decreasing' / 'increasing' when every step goes down / up by more than that; else
 * 'non-monotonic' (steps that do not change count against both).
 */
export function trend(v: readonly number[], absTol = 0): Trend {
    const scale = Math.max(...v.map(Math.abs), 1e-300);
    const tol = Math.max(SAME_REL * scale, absTol);
    if (v.every((x) => Math.abs(x - v[0]) <= tol)) return 'constant';
    let down = true, up = true;
    for (let i = 1; i < v.length; i++) {
        if (!(v[i] < v[i - 1] - tol)) down = false;
        if (!(v[i] > v[i - 1] + tol)) up = false;
    }
    return down ? 'decreasing' : up ? 'increasing' : 'non-monotonic';
}

/** Strictly decreasing beyond the tolerances (trend 'decreasing'). */
export function decreasing(v: readonly number[], absTol = 0): boolean {
    return trend(v, absTol) === 'decreasing';
}

/** Differences of dimer RMS deviations below this (eV) count as none: half the last digit shown below 0.1 eV. */
export const RMS_TOL_EV = 0.0005;
/** Differences of error metrics below this (meV/atom, meV/Å) count as none. */
export const ERR_TOL_MEV = 0.001;

/** "decreases monotonically" etc., for a quantity that should fall with K. */
export function trendWords(t: Trend): string {
    return t === 'decreasing' ? 'decreases monotonically' : t === 'constant' ? 'does not change' : t === 'increasing' ? 'increases' : 'does not decrease monotonically';
}


/**
 * Which convention of the DFT reference the paper's curve matches: RMS difference of the paper's values from
 * this reference's spin-polarised curve and from its spin-unpolarised one, at the distances where both have
 * a point. Null without a spin-unpolarised curve or common distances.
 */
export function spinPairedAgainstPaper(result: StudyResult): { text: string; values: number[] } | null {
    const sp = result.dft.spinPaired;
    if (!sp || !sp.points.length) return null;
    const at = (pts: readonly { r: number; energy: number }[], r: number) => pts.find((p) => Math.abs(p.r - r) <= 1e-3)?.energy;
    const common = PAPER_DFT_CURVE.filter((p) => at(sp.points, p.r) !== undefined && at(result.dft.points, p.r) !== undefined);
    const m = sp.minimum;
    const minText = m && !m.atEdge ? `minimum ${fmtEv(m.energy)} eV at ${fmtA(m.r)} Å` : 'no minimum inside its range yet';
    const head = `In the spin-unpolarised convention (moment-0 C₂ and a spin-paired atom, ${sp.points.length} points) the reference here has its ${minText}`;
    if (!common.length) return { text: `${head}.`, values: m ? [m.r, m.energy] : [] };
    const rms = (pts: readonly { r: number; energy: number }[]) => Math.sqrt(common.reduce((a, p) => a + (at(pts, p.r)! - p.energy) ** 2, 0) / common.length);
    const unpolarised = rms(sp.points), polarised = rms(result.dft.points);
    const rs = common.map((p) => fmtA(p.r)).join(' / ');
    const closer = unpolarised < polarised ? 'the spin-unpolarised one' : 'the spin-polarised one';
    return {
        text: `${head}; at ${rs} Å it gives ${common.map((p) => fmtEv(at(sp.points, p.r)!)).join(' / ')} eV against the paper's ${common.map((p) => fmtEv(p.energy)).join(' / ')} eV: RMS difference ${fmtEv(unpolarised)} eV, against ${fmtEv(polarised)} eV for the spin-polarised curve, so the paper's curve is closer to ${closer}.`,
        values: [unpolarised, polarised],
    };
}

const VAR: Record<BasisVariant, string> = { standard: 'standard', purified: 'self-interaction-free' };
/** a model well deeper than DFT by more than this (eV) counts as overbinding */
export const OVERBINDING_EV = 0.1;
/** RMS deviation (eV) below which a dimer curve counts as reproduced */
export const REPRODUCED_EV = 0.1;

function list(v: readonly (number | null)[], f: (x: number | null) => string): string {
    return v.map(f).join(' / ');
}


/** Share of the held-out squared energy error from which one config_type is said to dominate it. */
export const DOMINANT_SHARE = 0.5;

export function studyFindings(result: StudyResult): Finding[] {
    const out: Finding[] = [];
    const s = result.settings;
    const [a, b] = s.rmsWindow;
    const bulk: StudyDatasetId[] = BULK_POOLS.filter((d) => s.datasets.includes(d));
    const fitted = result.rows.filter((r) => r.status === 'fitted');

    // --- dimer RMS vs K, per pool and basis
    for (const d of s.datasets) for (const v of s.variants) {
        const rows = series(result, d, v);
        if (rows.length < 2) continue;
        const rms = rows.map((r) => r.dimer!.rms);
        if (rms.some((x) => x === null)) continue;
        const vals = rms as number[];
        const t = trend(vals, RMS_TOL_EV);
        const mono = t === 'decreasing';
        const Ks = rows.map((r) => r.K).join(', ');
        const last = vals[vals.length - 1];
        const how = d === 'dimers' ? 'trained on dimers only' : d === 'diverse_dimers' ? 'trained on the diverse pool with the training dimers added' : `trained on the ${d} pool (no dimers)`;
        out.push({
            id: `dimer-rms-vs-K:${d}:${v}`,
            text:
        `${VAR[v]} basis, ${how}: the RMS deviation of the dimer curve from DFT over ${a}–${b} Å (${rows[0].dimer!.rmsPoints} DFT point${rows[0].dimer!.rmsPoints === 1 ? '' : 's'}) ${trendWords(t)} with K (K = ${Ks}: ${list(vals, fmtEv)} eV)` +
        (last < REPRODUCED_EV ? `; at K = ${rows[rows.length - 1].K} it is below ${REPRODUCED_EV} eV (the curve is reproduced).` : `; at K = ${rows[rows.length - 1].K} it is still ${fmtEv(last)} eV (not reproduced).`),
            values: vals,
            holds: mono,
        });
    }

    // --- wells and bumps of bulk-trained models
    const bulkRows = fitted.filter((r) => bulk.includes(r.dataset as 'narrow' | 'diverse') && r.dimer?.minimum);
    const wellRows = bulkRows.filter((r) => !r.dimer!.minimum!.atEdge);
    const collapsed = bulkRows.filter((r) => r.dimer!.minimum!.atEdge);
    if (bulkRows.length) {
        const dm = result.dft.minimum;
        const against = dm && !dm.atEdge ? `, against the DFT minimum of ${fmtEv(dm.energy)} eV at ${fmtA(dm.r)} Å` : ' (the DFT points have no minimum inside their range yet)';
        const noWell = collapsed.length
            ? ` ${collapsed.length} of ${bulkRows.length} have no well inside ${s.minimumWindow.join('–')} Å: their lowest point is at the edge (${collapsed.map((r) => r.id).join(', ')}).`
            : '';
        if (wellRows.length) {
            const depths = wellRows.map((r) => r.dimer!.minimum!.energy);
            const rs = wellRows.map((r) => r.dimer!.minimum!.r);
            const lo = Math.min(...depths), hi = Math.max(...depths), rlo = Math.min(...rs), rhi = Math.max(...rs);
            out.push({
                id: 'bulk-wells',
                text: `Trained without dimers, ${wellRows.length} of ${bulkRows.length} models have a dimer well, between ${fmtEv(lo)} and ${fmtEv(hi)} eV at ${fmtA(rlo)}–${fmtA(rhi)} Å${against}.${noWell}`,
                values: [lo, hi, rlo, rhi],
            });
        } else {
            out.push({ id: 'bulk-wells', text: `Trained without dimers, none of the ${bulkRows.length} models has a dimer well${against}.${noWell}`, values: [] });
        }
        const bumps = bulkRows.filter((r) => r.dimer!.bump && r.dimer!.bump.energy > 0);
        const dftInBump = result.dft.points.filter((p) => p.r >= s.bumpWindow[0] && p.r <= s.bumpWindow[1]);
        if (bumps.length) {
            const worst = bumps.reduce((x, y) => (y.dimer!.bump!.energy > x.dimer!.bump!.energy ? y : x));
            out.push({
                id: 'bulk-bumps',
                text: `${bumps.length} of ${bulkRows.length} bulk-trained models have a positive bump beyond the well (${s.bumpWindow[0]}–${s.bumpWindow[1]} Å), the highest +${fmtEv(worst.dimer!.bump!.energy)} eV at ${fmtA(worst.dimer!.bump!.r)} Å (${worst.id})${dftInBump.length && dftInBump.every((p) => p.energy < 0) ? `; all ${plural(dftInBump.length, 'DFT point')} there are negative` : ''}.`,
                values: [bumps.length, bulkRows.length, worst.dimer!.bump!.energy, worst.dimer!.bump!.r],
            });
        } else {
            out.push({ id: 'bulk-bumps', text: `None of the ${bulkRows.length} bulk-trained models rises above 0 eV between ${s.bumpWindow[0]} and ${s.bumpWindow[1]} Å.`, values: [0, bulkRows.length] });
        }
    }

    // --- self-interaction: purified models have no K ≥ 3 dimer energy, standard ones do
    const pur = fitted.filter((r) => r.variant === 'purified' && r.K >= 3);
    if (pur.length) {
        const m = Math.max(...pur.map((r) => r.dimer!.maxHigherOrder));
        out.push({
            id: 'purified-zero',
            text: `Every self-interaction-free model (${pur.length} with K ≥ 3) has zero K ≥ 3 dimer contribution: max |E_K≥3| over ${s.grid.rmin}–${s.grid.rmax} Å = ${m.toExponential(1)} eV (round-off), so their dimer curves are their pair (K = 2) parts.`,
            values: [pur.length, m],
            holds: m < 1e-8,
        });
    }
    const std = fitted.filter((r) => r.variant === 'standard' && r.K >= 3);
    if (std.length) {
        const m = Math.max(...std.map((r) => r.dimer!.maxHigherOrder));
        const worst = std.reduce((x, y) => (y.dimer!.maxHigherOrder > x.dimer!.maxHigherOrder ? y : x));
        out.push({
            id: 'standard-self-interaction',
            text: `In the standard basis the K ≥ 3 functions do act on an isolated dimer (self-interaction): max |E_K≥3| = ${fmtEv(m)} eV (${worst.id}).`,
            values: [std.length, m],
        });
    }

    // --- standard vs purified dimer curves, same pool and K
    for (const d of s.datasets) {
        const diffs: { K: number; rms: number }[] = [];
        for (const K of s.orders) {
            if (K < 3) continue;
            const idS = `${d}-standard-K${K}`, idP = `${d}-purified-K${K}`;
            const cs = result.curves[idS], cp = result.curves[idP];
            if (!cs || !cp) continue;
            let sum = 0, n = 0;
            cs.r.forEach((r, i) => {
                if (r < a || r > b) return;
                sum += (cs.energy[i] - cp.energy[i]) ** 2;
                n++;
            });
            if (n) diffs.push({ K, rms: Math.sqrt(sum / n) });
        }
        if (diffs.length) {
            out.push({
                id: `standard-vs-purified:${d}`,
                text: `${DATASET_LABEL[d]}: standard and self-interaction-free dimer curves differ by an RMS of ${diffs.map((x) => `${fmtEv(x.rms)} eV (K = ${x.K})`).join(', ')} over ${a}–${b} Å.`,
                values: diffs.map((x) => x.rms),
            });
        }
    }

    // --- validation errors vs K
    for (const d of s.datasets) for (const v of s.variants) {
        const rows = series(result, d, v).filter((r) => r.valid?.energyRmse != null);
        if (rows.length < 2) continue;
        const e = rows.map((r) => r.valid!.energyRmse!);
        const f = rows.map((r) => r.valid!.forceRmse);
        const t = trend(e, ERR_TOL_MEV);
        const mono = t === 'decreasing';
        out.push(heldOutCaveat({
            id: `valid-vs-K:${d}:${v}`,
            text: `${d}, ${VAR[v]}: held-out energy RMSE ${trendWords(t)} with K: ${list(e, fmtErr)} meV/atom (forces ${list(f, fmtErr)} meV/Å; K = ${rows.map((r) => r.K).join(', ')}; ${plural(rows[0].valid!.structures, 'held-out structure')}).`,
            values: e,
            holds: mono,
        }, rows, s.quick));
    }

    // --- what the held-out energy error is made of: at the largest K of each series, the config_type with the
    // largest share of the squared error, stated when it carries at least half of it and at least twice its share
    // of the held-out structures (then the held-out number says more about that kind than about the model's
    // accuracy elsewhere; a pool of one kind, or a kind with its fair share, is not worth a statement)
    for (const d of s.datasets) for (const v of s.variants) {
        const rows = series(result, d, v).filter((r) => r.validDominant && r.valid?.energyRmse != null);
        const r = rows[rows.length - 1];
        if (!r) continue;
        const w = r.validDominant!;
        const fraction = w.structures / r.valid!.structures;
        if (w.share < DOMINANT_SHARE || w.share < 2 * fraction) continue;
        out.push(heldOutCaveat({
            id: `valid-dominant:${d}:${v}`,
            text: `${d}, ${VAR[v]}, K = ${r.K}: ${Math.round(100 * w.share)} % of the held-out squared energy error comes from ${w.configType} (${plural(w.structures, 'held-out structure')} of ${r.valid!.structures}, ${w.inTraining} of that kind in training): ${fmtErr(w.energy_rmse_meV_atom)} meV/atom there, ${fmtErr(r.valid!.energyRmse!)} meV/atom over all.`,
            values: [w.share, w.energy_rmse_meV_atom, w.inTraining],
            holds: true,
        }, [r], s.quick));
    }

    // --- transfer narrow → diverse
    for (const v of s.variants) {
        const rows = series(result, 'narrow', v).filter((r) => r.cross?.energyRmse != null);
        if (!rows.length) continue;
        const cross = rows.map((r) => r.cross!.energyRmse!);
        const own = rows.map((r) => r.valid?.energyRmse ?? null);
        out.push(heldOutCaveat({
            id: `transfer:${v}`,
            text: `Narrow → diverse (${VAR[v]}, ${plural(rows[0].cross!.structures, 'diverse structure')} not in the narrow pool): energy RMSE ${list(cross, fmtErr)} meV/atom, against ${list(own, fmtErr)} meV/atom on held-out narrow structures (K = ${rows.map((r) => r.K).join(', ')}); forces ${list(rows.map((r) => r.cross!.forceRmse), fmtErr)} meV/Å.`,
            values: cross,
        }, rows, s.quick));
    }

    // --- rank deficiency of dimer-only fits
    const dim = fitted.filter((r) => r.dataset === 'dimers' && r.K >= 3 && r.rank !== null);
    if (dim.length) {
        out.push({
            id: 'dimer-rank',
            text: `Dimer-only data determine few directions of the K ≥ 3 bases: data rank ${dim.map((r) => `${r.rank}/${r.nbasis} (${r.variant}, K = ${r.K})`).join(', ')}; the regulariser fixes the rest.`,
            values: dim.map((r) => r.rank!),
        });
    }
    return out;
}

/** Comparison with the paper's findings (PAPER.md), each with our number next to theirs. */
export function paperComparison(result: StudyResult): Finding[] {
    const out: Finding[] = [];
    const fitted = result.rows.filter((r) => r.status === 'fitted');
    const bulk = fitted.filter((r) => isBulk(r.dataset) && r.dimer?.rms != null);
    if (bulk.length) {
        const best = Math.min(...bulk.map((r) => r.dimer!.rms!));
        const holds = best > 0.3;
        out.push({
            id: 'paper:no-recovery',
            text: `Paper: trained without dimers, no model recovers the DFT dimer curve (RMS 1.6–2.1 eV over 1–5 Å for K = 3, 4, 5). Here: the best bulk-trained model deviates by ${fmtEv(best)} eV RMS over ${result.settings.rmsWindow.join('–')} Å — ${holds ? 'agrees (none recovers it)' : 'differs (a bulk-trained model comes within 0.3 eV)'}.`,
            values: [best],
            holds,
        });
        const nonMono: string[] = [];
        for (const d of BULK_POOLS) for (const v of result.settings.variants) {
            const rows = series(result, d, v);
            if (rows.length >= 2 && rows.every((r) => r.dimer?.rms != null) && !decreasing(rows.map((r) => r.dimer!.rms!), RMS_TOL_EV)) nonMono.push(`${d}/${v}`);
        }
        out.push({
            id: 'paper:no-convergence',
            text: `Paper: the dimer curves of bulk-trained models do not converge with K. Here: the RMS deviation does not decrease monotonically with K for ${nonMono.length ? nonMono.join(', ') : 'none of the pool/basis series'} — ${nonMono.length ? 'agrees' : 'differs (every series decreases; see whether it approaches 0)'}.`,
            values: [nonMono.length],
            holds: nonMono.length > 0,
        });
    }
    const wells = fitted.filter((r) => isBulk(r.dataset) && r.dimer?.minimum && !r.dimer.minimum.atEdge);
    const dm0 = result.dft.minimum;
    if (wells.length && dm0 && !dm0.atEdge) {
        const depths = wells.map((r) => r.dimer!.minimum!.energy);
        const deeper = depths.filter((e) => e < dm0.energy - OVERBINDING_EV).length;
        const bumps = wells.filter((r) => r.dimer!.bump && r.dimer!.bump.energy > 0).map((r) => r.dimer!.bump!.energy);
        out.push({
            id: 'paper:wells',
            text: `Paper: bulk-trained models overbind the dimer (wells −10.0 to −10.5 eV at 1.15–1.31 Å against −8.33 eV) and show a spurious bump of +0.3 to +1.2 eV at 2.2–2.4 Å. Here: ${deeper} of ${wells.length} bulk-trained wells are deeper than DFT by more than ${OVERBINDING_EV} eV (${fmtEv(Math.min(...depths))} to ${fmtEv(Math.max(...depths))} eV against ${fmtEv(dm0.energy)} eV), and ${bumps.length} have a positive bump${bumps.length ? ` (up to +${fmtEv(Math.max(...bumps))} eV)` : ''} — ${deeper === wells.length ? 'agrees on the overbinding' : deeper === 0 ? 'differs (no model overbinds)' : 'partly agrees'}.`,
            values: [deeper, wells.length, bumps.length],
            holds: deeper === wells.length,
        });
    }
    const dim = fitted.filter((r) => r.dataset === 'dimers' && r.dimer?.rms != null);
    if (dim.length) {
        const best = dim.reduce((x, y) => (y.dimer!.rms! < x.dimer!.rms! ? y : x));
        out.push({
            id: 'paper:dimer-only',
            text: `Paper: dimer-only training reproduces the curve to 0.004 eV. Here: best ${fmtEv(best.dimer!.rms)} eV RMS (${best.id}, ${best.dimer!.rmsPoints} DFT points) — ${best.dimer!.rms! < REPRODUCED_EV ? `agrees (within ${REPRODUCED_EV} eV${best.dimer!.rms! > 0.01 ? ', not to the paper\'s precision: it fitted 245 frames of its own curve' : ''})` : 'differs'}.`,
            values: [best.dimer!.rms!],
            holds: best.dimer!.rms! < REPRODUCED_EV,
        });
    }
    for (const v of result.settings.variants) {
        const withDimers = series(result, 'diverse_dimers', v).filter((r) => r.dimer?.rms != null);
        const alone = series(result, 'diverse', v).filter((r) => r.dimer?.rms != null);
        if (withDimers.length < 2) continue;
        const rms = withDimers.map((r) => r.dimer!.rms!);
        const falls = decreasing(rms, RMS_TOL_EV);
        // converged: from some K on (with at least two orders) every model reproduces the curve, whether or not
        // the last steps still go down
        let from: number | null = null;
        for (let i = withDimers.length - 2; i >= 1; i--) {
            if (withDimers.slice(i).every((r) => r.dimer!.rms! < REPRODUCED_EV)) from = withDimers[i].K;
            else break;
        }
        const reached = from !== null;
        const before = alone.length === withDimers.length ? ` (diverse alone: ${list(alone.map((r) => r.dimer!.rms), fmtEv)} eV)` : '';
        out.push({
            id: `paper:dimers-restore:${v}`,
            text: `Paper: adding dimers to the diverse set restores convergence of the dimer curve with K (RMS K = 3 / 4 / 5: 1.59 / 0.48 / 0.17 eV with 50 dimers, 1.07 / 0.33 / 0.068 eV with 247). Here (${VAR[v]}, ${result.data.diverse_dimers.used} structures, the training dimers among them): ${list(rms, fmtEv)} eV for K = ${withDimers.map((r) => r.K).join(' / ')}${before} — ${falls ? 'agrees (falls with K)' : reached ? `agrees (the curve is reproduced within ${REPRODUCED_EV} eV from K = ${from} on)` : 'differs (does not fall monotonically with K)'}.`,
            values: rms,
            holds: falls || reached,
        });
    }
    const div = series(result, 'diverse', 'standard').filter((r) => r.valid?.energyRmse != null);
    if (div.length >= 2) {
        const e = div.map((r) => r.valid!.energyRmse!);
        out.push(heldOutCaveat({
            id: 'paper:valid-errors',
            text: `Paper: validation energy RMSE diverse → diverse falls with K (231 / 78 / 38 meV/atom for K = 2 / 3 / 4, v1). Here (standard): ${list(e, fmtErr)} meV/atom for K = ${div.map((r) => r.K).join(' / ')} — ${decreasing(e, ERR_TOL_MEV) ? 'agrees (falls with K)' : 'differs (does not fall monotonically)'}.`,
            values: e,
            holds: decreasing(e, ERR_TOL_MEV),
        }, div, result.settings.quick));
    }
    const tr = series(result, 'narrow', 'standard').filter((r) => r.cross?.energyRmse != null && r.valid?.energyRmse != null);
    if (tr.length) {
        const ratio = tr.map((r) => r.cross!.energyRmse! / r.valid!.energyRmse!);
        const holds = ratio.every((x) => x > 1.5);
        out.push(heldOutCaveat({
            id: 'paper:transfer',
            text: `Paper: narrow data do not transfer (narrow → diverse 287 / 142 / 85 vs narrow → narrow 125 / 42 / 29 meV/atom). Here: narrow → diverse error / narrow held-out error = ${ratio.map((x) => x.toFixed(1)).join(' / ')} for K = ${tr.map((r) => r.K).join(' / ')} — ${holds ? 'agrees' : 'differs'}.`,
            values: ratio,
            holds,
        }, tr, result.settings.quick));
    }
    const sums = BULK_POOLS.filter((d) => result.pairSum?.[d]).map((d) => ({ d, p: result.pairSum[d]! }));
    if (sums.length) {
    // the paper: about 3.7 times the true binding; "agrees" when the pair sum is at least twice as deep
        const holds = sums.every(({ p }) => p.pairSumPerAtom < 2 * p.dftPerAtom && p.dftPerAtom < 0);
        out.push({
            id: 'paper:pair-sum',
            text: `Paper: summing the DFT C₂ curve over all pairs within 5 Å of bulk carbon gives about −30 eV/atom against a true −8.2 eV/atom, so a bulk fit's two-body part is an effective function, not the dimer curve. Here (pairs within ${sums[0].p.rcut} Å, the curve interpolated linearly): ${sums.map(({ d, p }) => `${d} pool ${fmtEv(p.pairSumPerAtom)} eV/atom against DFT ${fmtEv(p.dftPerAtom)} eV/atom (mean of ${plural(p.structures, 'structure')})`).join('; ')} — ${holds ? 'agrees' : 'differs'}.`,
            values: sums.flatMap(({ p }) => [p.pairSumPerAtom, p.dftPerAtom]),
            holds,
        });
    }
    const dm = result.dft.minimum;
    if (dm) {
        const ours = dm.atEdge
            ? `the reference here (${result.dft.label}, ${plural(result.dft.points.length, 'point')}) has no minimum inside its range yet (lowest ${fmtEv(dm.energy)} eV at ${fmtA(dm.r)} Å)`
            : `the reference here (${result.dft.label}) at ${fmtA(dm.r)} Å, ${fmtEv(dm.energy)} eV (from ${plural(result.dft.points.length, 'point')})`;
        const sp = spinPairedAgainstPaper(result);
        out.push({
            id: 'paper:dft',
            text: `DFT reference: the paper's C₂ curve (most likely spin-unpolarised) has its minimum at 1.287 Å, −8.33 eV; ${ours}.${sp ? ' ' + sp.text : ''}`,
            values: [dm.r, dm.energy, ...(sp?.values ?? [])],
        });
    }
    const thin = thinData(result);
    if (thin) {
        for (const f of out) {
            if (f.holds === undefined) continue;
            f.text = f.text.replace(/\.$/, '') + ` — but with ${thin} this is not evidence either way.`;
            delete f.holds;
        }
    }
    out.push({
        id: 'paper:bases',
        text: `Paper: standard and self-interaction-free bases give nearly the same curves — but their "standard" (ACE1x pure2b) already has no self-interaction on a dimer. acelens' standard basis keeps it, so here the two bases can differ (see the standard-vs-purified statements above).`,
        values: [],
    });
    return out;
}

export interface ReportContext {
  /** e.g. the command line that made it */
  command?: string;
  /** when it ran (ISO 8601) */
  date?: string;
  /** lines about data completeness (e.g. "carbon-narrow.xyz: 12 of 121 planned structures") */
  dataNotes?: string[];
  figures?: string[];
}

export function studyReport(result: StudyResult, ctx: ReportContext = {}): string {
    const s = result.settings;
    const L: string[] = [];
    L.push('# Body-order convergence study (arXiv 2502.16125), reproduced by acelens', '');
    if (ctx.command) L.push(`Made by \`${ctx.command}\`${ctx.date ? ` on ${ctx.date}` : ''} in ${result.seconds.toFixed(0)} s${s.quick ? ' (quick mode: fewer orders, smaller bases, subsampled data)' : ''}.`, '');
    L.push('## Setup', '');
    L.push(`- Models: linear ACE, K = ${s.orders.join(', ')}; bases ${s.variants.join(' and ')} (purified = self-interaction-free); D_ν = [${s.degrees.join(', ')}] (w_L ${s.lWeight}), r_cut ${s.rcut} Å, r0 ${s.r0} Å.`);
    L.push(`- Fit: energy rows w_E${s.energyNorm === 'sqrt-atoms' ? '/√N' : '/N'} with w_E = ${s.energyWeight}, forces ${s.forceWeight}, virials ${s.virialWeight}; ${s.solver === 'blr' ? `Bayesian linear regression (prior and noise precisions α, β by evidence maximisation; the table's λ = α/β) with the smoothness prior (exponent ${s.priorExponent}) as the prior's shape` : `λ = ${s.lambda} with the smoothness prior (exponent ${s.priorExponent})`}; ${Math.round(s.validFraction * 100)} % of each pool held out (seed ${s.seed}).`);
    L.push(`- E0 = ${result.e0 === null ? 'from each pool' : `${result.e0} eV`} (isolated C atom, same DFT).`);
    for (const d of s.datasets) {
        const x = result.data[d];
        L.push(`- ${DATASET_LABEL[d]}: ${x.used} of ${plural(x.trainable, 'structure')} used (${x.atoms} atoms)${x.source ? `, ${x.source.name}${x.source.sha256 ? ` (SHA-256 ${x.source.sha256.slice(0, 12)}…)` : ''}` : ''}.`);
    }
    const cs = result.dft.source;
    L.push(`- ${result.dft.label} dimer curve${cs ? ` (${cs.name}${cs.sha256 ? `, SHA-256 ${cs.sha256.slice(0, 12)}…` : ''})` : ''}: ${plural(result.dft.points.length, 'point')}${result.dft.points.length ? ` at ${fmtA(result.dft.points[0].r)}–${fmtA(result.dft.points[result.dft.points.length - 1].r)} Å` : ''}. Dimer measures: minimum over ${s.minimumWindow.join('–')} Å, RMS deviation over the DFT points in ${s.rmsWindow.join('–')} Å, value at ${s.shortDistance} Å.`);
    for (const n of ctx.dataNotes ?? []) L.push(`- ${n}`);
    L.push('');
    L.push('## Findings (computed from the table)', '');
    const f = studyFindings(result);
    const thin = thinData(result);
    if (thin) L.push(`> **Caution:** ${thin}. The statements below describe these models only; they are not evidence for or against the paper.`, '');
    if (!f.length) L.push('- Not enough fitted models for any statement (see the data notes above).');
    for (const x of f) L.push(`- ${x.text}`);
    L.push('', '## Against the paper', '');
    for (const x of paperComparison(result)) L.push(`- ${x.text}`);
    L.push('', '## Train / validation gap', '');
    L.push('Held-out energy RMSE over training energy RMSE of each model (1 = no overfitting), K ascending:', '');
    for (const d of s.datasets) {
        for (const v of s.variants) {
            const rows = series(result, d, v).filter((r) => r.train?.energyRmse && r.valid?.energyRmse != null);
            if (!rows.length) continue;
            L.push(`- ${d}, ${VAR[v]}: ${rows.map((r) => `K = ${r.K}: ${fmtErr(r.train!.energyRmse)} → ${fmtErr(r.valid!.energyRmse)} meV/atom (×${(r.valid!.energyRmse! / r.train!.energyRmse!).toFixed(1)})`).join('; ')}.`);
        }
    }
    L.push('', '## Table', '', tableMarkdown(result));
    if (ctx.figures?.length) {
        L.push('## Figures', '');
        for (const fig of ctx.figures) L.push(`![${fig}](${fig})`, '');
    }
    return L.join('\n') + '\n';
}
