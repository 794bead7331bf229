/**
 * The study as a library call on synthetic data (test/study/synthetic.ts): structure of the result,
 * invariants that must hold (self-interaction-free models have no K ≥ 3 dimer energy; the body-order parts
 * add up to the curve; errors finite; a dimer-trained model reproduces a reproducible curve), determinism,
 * progress and cancellation, and the agreement of the table, figures and report with the numbers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../../src/model/model';
import { DATASET_SHORT, STUDY_DATASETS, type StudyData } from '../../src/study/data';
import { studyFigures } from '../../src/study/figures';
import { dimerAt, runStudy, type StudyProgress, type StudyResult } from '../../src/study/reproduce';
import { heldOutCaveat, MIN_HELD_OUT, paperComparison, RMS_TOL_EV, spinPairedAgainstPaper, studyFindings, studyReport, thinData, trend } from '../../src/study/report';
import { PAPER_DFT_CURVE } from '../../src/study/paper';
import { CSV_COLUMNS, fmtErr, fmtEv, headlineMarkdown, tableCsv, tableMarkdown } from '../../src/study/table';
import { syntheticStudyData } from './synthetic';
import { parseXml } from './xml';

let data: StudyData;
let result: StudyResult;
const progress: StudyProgress[] = [];

beforeAll(async () => {
    data = await syntheticStudyData(8);
    result = await runStudy(data, { quick: true, onProgress: (p) => progress.push(p) });
}, 120_000);

describe('runStudy (quick, synthetic data)', () => {
    it('has a fitted row per pool × basis × K, with finite errors, rank and condition', () => {
        const s = result.settings;
        expect(s.orders).toEqual([2, 3, 4]);
        expect(result.rows).toHaveLength(STUDY_DATASETS.length * 2 * 3);
        const keys = new Set(result.rows.map((r) => `${r.dataset}/${r.variant}/${r.K}`));
        for (const d of STUDY_DATASETS) for (const v of ['standard', 'purified']) for (const K of [2, 3, 4]) expect(keys.has(`${d}/${v}/${K}`)).toBe(true);
        for (const r of result.rows) {
            expect(r.status).toBe('fitted');
            for (const m of [r.train!, r.valid!]) {
                expect(m.structures).toBeGreaterThan(0);
                for (const v of [m.energyRmse, m.energyMae, m.forceRmse, m.forceMae]) {
                    expect(Number.isFinite(v)).toBe(true);
                    expect(v!).toBeGreaterThanOrEqual(0);
                }
                expect(m.energyMae!).toBeLessThanOrEqual(m.energyRmse! + 1e-12);
            }
            expect(r.rank!).toBeGreaterThan(0);
            expect(r.rank!).toBeLessThanOrEqual(r.nbasis);
            expect(Number.isFinite(r.condition!)).toBe(true);
            expect(Number.isFinite(r.dimer!.rms!)).toBe(true);
            expect(Number.isFinite(r.dimer!.shortValue)).toBe(true);
            expect(result.models[r.id].coefficients).toHaveLength(r.nbasis);
        }
        // cross-dataset errors only for narrow models, on diverse structures not in the narrow pool
        const narrowIds = new Set(data.datasets.narrow.map((f) => f.info.structure_id));
        const crossCount = data.datasets.diverse.filter((f) => f.configType !== 'isolated_atom' && !narrowIds.has(f.info.structure_id)).length;
        for (const r of result.rows) {
            if (r.dataset === 'narrow') expect(r.cross).toMatchObject({ dataset: 'diverse', structures: crossCount });
            else expect(r.cross).toBeNull();
        }
    });

    it('every self-interaction-free model has zero K ≥ 3 dimer energy (to round-off); standard K ≥ 3 models do not', () => {
        for (const r of result.rows.filter((x) => x.K >= 3)) {
            const model = new Model(result.models[r.id]);
            let m = 0;
            for (const d of [0.8, 1.0, 1.3, 2.0, 3.5, 4.9]) {
                const p = dimerAt(model, d);
                for (let K = 3; K <= r.K; K++) m = Math.max(m, Math.abs(p.byOrder[K]));
            }
            if (r.variant === 'purified') {
                expect(m).toBeLessThan(1e-10);
                expect(r.dimer!.maxHigherOrder).toBeLessThan(1e-10);
            } else {
                expect(r.dimer!.maxHigherOrder).toBeGreaterThan(1e-6);
            }
        }
    });

    it('the body-order parts of each curve add up to it, and the curve matches the model', () => {
        for (const r of result.rows) {
            const c = result.curves[r.id];
            const model = new Model(result.models[r.id]);
            c.r.forEach((x, i) => {
                let sum = 0;
                for (let K = 2; K <= r.K; K++) sum += c.contributions[K][i];
                expect(Math.abs(sum - c.energy[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(c.energy[i])));
            });
            const i = 40;
            expect(dimerAt(model, c.r[i]).energy).toBeCloseTo(c.energy[i], 10);
        }
    });

    it('a dimer-trained model reproduces the (reproducible) synthetic dimer curve; the minimum is where the curve is lowest', () => {
        const r = result.rows.find((x) => x.id === 'dimers-purified-K2')!;
        expect(r.dimer!.rms!).toBeLessThan(0.05);
        const dm = result.dft.minimum!;
        expect(Math.abs(r.dimer!.minimum!.r - dm.r)).toBeLessThan(0.06);
        const c = result.curves[r.id];
        const lowest = Math.min(...c.energy.filter((_, i) => c.r[i] >= 0.9));
        expect(r.dimer!.minimum!.energy).toBeLessThanOrEqual(lowest + 1e-12);
        expect(r.dimer!.minimum!.energy).toBeGreaterThan(lowest - 0.05);
    });

    it('reports progress up to 1 in order and is deterministic', async () => {
        expect(progress.length).toBeGreaterThan(result.rows.length);
        for (let i = 1; i < progress.length; i++) expect(progress[i].fraction).toBeGreaterThanOrEqual(progress[i - 1].fraction - 1e-12);
        expect(progress[progress.length - 1].fraction).toBeCloseTo(1, 9);
        const again = await runStudy(data, { quick: true });
        const strip = (x: StudyResult) => x.rows.map(({ seconds: _s, ...rest }) => rest);
        expect(strip(again)).toEqual(strip(result));
        expect(again.curves).toEqual(result.curves);
    }, 120_000);

    it('stops with an AbortError when cancelled', async () => {
        const ac = new AbortController();
        let calls = 0;
        const run = runStudy(data, {
            quick: true,
            signal: ac.signal,
            onProgress: () => {
                if (++calls === 3) ac.abort();
            },
        });
        await expect(run).rejects.toThrow(/abort/i);
    });

    it('a fit that fails (bad data) is recorded as failed with its message; the other pools are still fitted', async () => {
        const bad = data.datasets.narrow.map((f, i) => (i === 2 ? { ...f, species: f.species.map((x, j) => (j === 0 ? 'Si' : x)) } : f));
        const r = await runStudy({ ...data, datasets: { ...data.datasets, narrow: bad } }, { quick: true, settings: { orders: [2, 3] } });
        for (const x of r.rows) {
            if (x.dataset === 'narrow') {
                expect(x.status).toBe('failed');
                expect(x.note).toMatch(/fit failed: .*'Si'.*expected C/);
                expect(x.train).toBeNull();
            } else expect(x.status).toBe('fitted');
        }
        expect(tableMarkdown(r)).toMatch(/fit failed/);
    }, 120_000);

    it('a pool without structures gives no-data rows, not invented numbers', async () => {
        const iso = data.datasets.narrow.filter((f) => f.configType === 'isolated_atom');
        const r = await runStudy({ ...data, datasets: { ...data.datasets, narrow: iso, diverse: iso } }, { quick: true, settings: { orders: [2, 3] } });
        const narrow = r.rows.filter((x) => x.dataset === 'narrow');
        expect(narrow).toHaveLength(4);
        for (const x of narrow) {
            expect(x.status).toBe('no-data');
            expect(x.train).toBeNull();
            expect(x.dimer).toBeNull();
            expect(r.curves[x.id]).toBeUndefined();
        }
        expect(r.rows.filter((x) => x.status === 'fitted')).toHaveLength(4);
        for (const svg of Object.values(studyFigures(r))) parseXml(svg);
        expect(studyReport(r)).toMatch(/no structures in the narrow pool/);
    }, 120_000);
});

describe('table, figures and report of the study', () => {
    it('table.csv has every column and a row per model, with the numbers of the result', () => {
        const lines = tableCsv(result).trimEnd().split('\n');
        expect(lines[0].split(',')).toEqual([...CSV_COLUMNS]);
        expect(lines).toHaveLength(1 + result.rows.length);
        const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
        result.rows.forEach((r, i) => {
            const cells = lines[i + 1].split(',');
            expect(cells).toHaveLength(CSV_COLUMNS.length);
            expect(cells[col('dataset')]).toBe(r.dataset);
            expect(Number(cells[col('K')])).toBe(r.K);
            expect(Number(cells[col('valid_energy_rmse_meV_atom')])).toBe(r.valid!.energyRmse);
            expect(Number(cells[col('dimer_rms_eV')])).toBe(r.dimer!.rms);
        });
        const md = tableMarkdown(result).trimEnd().split('\n');
        expect(md).toHaveLength(2 + 1 + result.rows.length); // header, rule, DFT row, rows
    });

    it('the headline table has a row per pool × basis with the per-K numbers of the result', () => {
        const md = headlineMarkdown(result).trimEnd().split('\n');
        const s = result.settings;
        const body = md.slice(2, 2 + s.datasets.length * s.variants.length);
        expect(body).toHaveLength(s.datasets.length * s.variants.length);
        for (const line of body) {
            const cells = line.split('|').slice(1, -1).map((c) => c.trim());
            const variant = cells[1] === 'self-interaction-free' ? 'purified' : cells[1];
            const rows = s.orders.map((K) => result.rows.find((r) => DATASET_SHORT[r.dataset] === cells[0] && r.variant === variant && r.K === K)!);
            expect(rows.every((r) => r !== undefined)).toBe(true);
            expect(cells[2]).toBe(rows.map((r) => fmtEv(r.dimer!.rms)).join(' / '));
            // a minimum at the end of the window is marked: it is no well depth
            expect(cells[3]).toBe(rows.map((r) => fmtEv(r.dimer!.minimum?.energy) + (r.dimer!.minimum?.atEdge ? '*' : '')).join(' / '));
            expect(cells[4]).toBe(rows.map((r) => fmtErr(r.valid!.energyRmse)).join(' / '));
        }
        const dftLine = md.findIndex((l) => l.startsWith(`${result.dft.label} dimer curve (${result.dft.points.length} points): minimum`));
        expect(dftLine).toBeGreaterThan(1);
        const anyEdge = result.rows.some((r) => r.status === 'fitted' && r.dimer?.minimum?.atEdge);
        expect(md.slice(dftLine + 1).some((l) => l.includes('is not a well depth'))).toBe(anyEdge);
    });

    it('the SVGs parse as XML and contain the expected series', () => {
        const figs = studyFigures(result);
        expect(Object.keys(figs).sort()).toEqual(
            ['dimer-curves.svg', 'errors-vs-K.svg', 'dimer-rms-vs-K.svg', ...STUDY_DATASETS.map((d) => `dimer-${d}.svg`),
                ...STUDY_DATASETS.flatMap((d) => [`decomposition-${d}-standard.svg`, `decomposition-${d}-purified.svg`])].sort(),
        );
        const series = (svg: string) => parseXml(svg).filter((e) => e.attrs['data-series']).map((e) => e.attrs['data-series']);
        const overview = series(figs['dimer-curves.svg']);
        for (const r of result.rows) expect(overview).toContain(r.id);
        expect(overview.filter((s) => s === 'dft')).toHaveLength(STUDY_DATASETS.length * 2);
        for (const d of STUDY_DATASETS) {
            const s = series(figs[`dimer-${d}.svg`]);
            expect(s.filter((x) => x.startsWith(`${d}-`))).toHaveLength(6);
            expect(series(figs[`decomposition-${d}-standard.svg`])).toEqual(['K2', 'K3', 'K4', 'total', 'dft']);
        }
        expect(series(figs['errors-vs-K.svg'])).toContain('diverse-purified');
        expect(series(figs['errors-vs-K.svg'])).toContain('cross-standard');
        // every figure with energies has axis labels with units
        expect(figs['dimer-narrow.svg']).toContain('E(C₂, r) − 2E₀ (eV)');
        expect(figs['errors-vs-K.svg']).toContain('(meV/atom)');
        expect(figs['errors-vs-K.svg']).toContain('(meV/Å)');
    });

    it('clipping is stated when a curve leaves the window', () => {
        const figs = studyFigures(result);
        const maxShown = Math.max(...result.rows.map((r) => Math.max(...result.curves[r.id].energy.filter((_, i) => result.curves[r.id].r[i] >= 0.8))));
        if (maxShown > 6) expect(figs['dimer-curves.svg']).toMatch(/clipped/);
    });

    it('compares the paper\'s DFT curve with both conventions of the reference, when the spin-unpolarised one is there', () => {
        expect(spinPairedAgainstPaper({ ...result, dft: { ...result.dft, spinPaired: null } })).toBeNull();
        // built here: the spin-unpolarised points 0.1 eV off the paper's, the spin-polarised ones 1 eV off
        const pts = (shift: number) => PAPER_DFT_CURVE.map((p) => ({ r: p.r, energy: p.energy + shift, magmom: 0 }));
        const dft = { ...result.dft, points: pts(1), spinPaired: { points: pts(0.1), minimum: null } };
        const c = spinPairedAgainstPaper({ ...result, dft })!;
        expect(c.values[0]).toBeCloseTo(0.1, 12);
        expect(c.values[1]).toBeCloseTo(1, 12);
        expect(c.text).toContain('closer to the spin-unpolarised one');
        const swapped = spinPairedAgainstPaper({ ...result, dft: { ...dft, points: pts(0.05) } })!;
        expect(swapped.text).toContain('closer to the spin-polarised one');
        expect(paperComparison({ ...result, dft }).find((x) => x.id === 'paper:dft')!.text).toContain(c.text);
    });

    it('the "dimers restore convergence" verdict: falls with K, reaches the curve from some K on, or differs', () => {
        const withRms = (values: number[]) => ({
            ...result,
            rows: result.rows.map((r) => (r.dataset === 'diverse_dimers' && r.variant === 'standard' ? { ...r, dimer: { ...r.dimer!, rms: values[r.K - 2] } } : r)),
        });
        const verdict = (values: number[]) => paperComparison(withRms(values)).find((x) => x.id === 'paper:dimers-restore:standard')!.text;
        // quick run: K = 2, 3, 4
        expect(verdict([2.2, 0.5, 0.2])).toContain('agrees (falls with K)');
        expect(verdict([2.2, 0.05, 0.06])).toContain('agrees (the curve is reproduced within 0.1 eV from K = 3 on)');
        expect(verdict([2.2, 0.5, 0.6])).toContain('differs (does not fall monotonically with K)');
        // one order within 0.1 eV is not convergence
        expect(verdict([2.2, 0.5, 0.05])).toContain('agrees (falls with K)');
        expect(verdict([0.05, 0.5, 0.06])).toContain('differs');
    });

    it('names the config_type that dominates a held-out energy error, only when it carries at least half of it', () => {
        for (const r of result.rows.filter((x) => x.status === 'fitted' && x.valid?.energyRmse)) {
            const w = r.validDominant!;
            expect(w.share).toBeGreaterThan(0);
            expect(w.share).toBeLessThanOrEqual(1 + 1e-12);
            expect(w.structures).toBeLessThanOrEqual(r.valid!.structures);
            // its own squared error cannot exceed the set's
            expect(w.structures * w.energy_rmse_meV_atom ** 2).toBeLessThanOrEqual(r.valid!.structures * r.valid!.energyRmse! ** 2 * (1 + 1e-9));
        }
        const withDominant = (share: number, held = 1) => ({
            ...result,
            rows: result.rows.map((r) => (r.dataset === 'diverse' && r.variant === 'standard' ? { ...r, valid: { ...r.valid!, structures: 20 }, validDominant: { configType: 'nanotube', structures: held, energy_rmse_meV_atom: 1268, share, inTraining: 1 } } : r)),
        });
        const statement = (share: number, held = 1) => studyFindings(withDominant(share, held)).find((x) => x.id === 'valid-dominant:diverse:standard');
        const f = statement(0.74)!;
        expect(f.text).toContain('K = 4: 74 % of the held-out squared energy error comes from nanotube (1 held-out structure of 20, 1 of that kind in training): 1268 meV/atom there');
        expect(f.values).toEqual([0.74, 1268, 1]);
        expect(statement(0.3)).toBeUndefined();
        // a kind with about its fair share of the held-out structures is not said to dominate: 10 of 20 with 74 %
        expect(statement(0.74, 10)).toBeUndefined();
        expect(statement(0.9, 8)).toBeDefined();
    });

    it("the report's statements agree with the table numbers", () => {
    // trained without dimers: the narrow and the diverse pool
        const bulk = (d: string) => d === 'narrow' || d === 'diverse';
        const findings = studyFindings(result);
        const report = studyReport(result);
        for (const f of findings) expect(report).toContain(f.text);
        let checked = 0;
        for (const d of STUDY_DATASETS) for (const v of ['standard', 'purified'] as const) {
            const f = findings.find((x) => x.id === `dimer-rms-vs-K:${d}:${v}`)!;
            const rms = result.rows.filter((r) => r.dataset === d && r.variant === v).sort((a, b) => a.K - b.K).map((r) => r.dimer!.rms!);
            expect(f.values).toEqual(rms);
            for (const x of rms) expect(f.text).toContain(fmtEv(x));
            // independent check of the monotonicity claim
            const falls = rms.every((x, i) => i === 0 || x < rms[i - 1] - Math.max(0.01 * Math.max(...rms), 0.0005));
            expect(f.holds).toBe(falls);
            expect(f.text.includes('decreases monotonically')).toBe(falls);
            expect(trend(rms, RMS_TOL_EV) === 'decreasing').toBe(falls);
            checked++;
        }
        expect(checked).toBe(STUDY_DATASETS.length * 2);
        const pz = findings.find((x) => x.id === 'purified-zero')!;
        const maxPur = Math.max(...result.rows.filter((r) => r.variant === 'purified' && r.K >= 3).map((r) => r.dimer!.maxHigherOrder));
        expect(pz.values[1]).toBe(maxPur);
        expect(pz.holds).toBe(true);
        expect(pz.text).toContain(maxPur.toExponential(1));
        const wells = findings.find((x) => x.id === 'bulk-wells')!;
        const depths = result.rows.filter((r) => bulk(r.dataset) && !r.dimer!.minimum!.atEdge).map((r) => r.dimer!.minimum!.energy);
        expect(wells.text).toContain(`${depths.length} of ${result.rows.filter((r) => bulk(r.dataset)).length} models have a dimer well`);
        expect(wells.values[0]).toBe(Math.min(...depths));
        expect(wells.values[1]).toBe(Math.max(...depths));
        const pw = paperComparison(result).find((x) => x.id === 'paper:wells')!;
        const interior = result.rows.filter((r) => bulk(r.dataset) && !r.dimer!.minimum!.atEdge);
        expect(pw.values[0]).toBe(interior.filter((r) => r.dimer!.minimum!.energy < result.dft.minimum!.energy - 0.1).length);
        expect(pw.values[1]).toBe(interior.length);
        expect(pw.text).toContain(`${pw.values[0]} of ${pw.values[1]} bulk-trained wells`);
        // diverse + dimers: the paper's "adding dimers restores convergence", one statement per basis
        for (const v of ['standard', 'purified'] as const) {
            const restore = paperComparison(result).find((x) => x.id === `paper:dimers-restore:${v}`)!;
            const rms = result.rows.filter((r) => r.dataset === 'diverse_dimers' && r.variant === v).sort((a, b) => a.K - b.K).map((r) => r.dimer!.rms!);
            expect(restore.values).toEqual(rms);
            for (const x of rms) expect(restore.text).toContain(fmtEv(x));
            const falls = rms.every((x, i) => i === 0 || x < rms[i - 1] - Math.max(0.01 * Math.max(...rms), 0.0005));
            // or, from some K ≥ 3 on (at least two orders), every curve within 0.1 eV of DFT
            let from: number | null = null;
            for (let i = rms.length - 2; i >= 1 && rms.slice(i).every((x) => x < 0.1); i--) from = i + 2;
            expect(restore.text).toContain(falls ? 'agrees (falls with K)' : from !== null ? `agrees (the curve is reproduced within 0.1 eV from K = ${from} on)` : 'differs (does not fall monotonically with K)');
        }
        // the DFT curve summed as a pair potential over the bulk pools, next to their DFT energies
        const ps = paperComparison(result).find((x) => x.id === 'paper:pair-sum')!;
        expect(Object.keys(result.pairSum).sort()).toEqual(['diverse', 'narrow']);
        expect(ps.values).toEqual([result.pairSum.narrow!.pairSumPerAtom, result.pairSum.narrow!.dftPerAtom, result.pairSum.diverse!.pairSumPerAtom, result.pairSum.diverse!.dftPerAtom]);
        for (const v of ps.values) expect(Number.isFinite(v)).toBe(true);
        expect(result.pairSum.narrow!.structures).toBe(result.data.narrow.used);
        const dimerOnly = paperComparison(result).find((x) => x.id === 'paper:dimer-only')!;
        expect(dimerOnly.values[0]).toBe(Math.min(...result.rows.filter((r) => r.dataset === 'dimers').map((r) => r.dimer!.rms!)));
        // the synthetic pools are small (8 narrow structures): verdicts carry the caveat and assert nothing
        expect(thinData(result)).toMatch(/too little data \(narrow: 8 structures/);
        expect(dimerOnly.holds).toBeUndefined();
        expect(dimerOnly.text).toMatch(/not evidence either way\.$/);
        expect(studyReport(result)).toContain('**Caution:** too little data');
        // with enough data (counts as if every pool had 25 structures) the verdicts stand
        const enough = { ...result, data: Object.fromEntries(Object.entries(result.data).map(([k, v]) => [k, { ...v, used: 25 }])) as StudyResult['data'] };
        expect(thinData(enough)).toBeNull();
        const verdict = paperComparison(enough).find((x) => x.id === 'paper:dimer-only')!;
        expect(verdict.holds).toBe(true);
        expect(verdict.text).toMatch(/— agrees \(within 0\.1 eV(, not to the paper's precision: it fitted 245 frames of its own curve)?\)\.$/);
    });

    it('statements on held-out errors from fewer than MIN_HELD_OUT structures say they are not meaningful (reproduce --quick)', () => {
        const held = studyFindings(result).filter((f) => f.id.startsWith('valid-vs-K:'));
        expect(held.length).toBeGreaterThan(0);
        for (const f of held) {
            const n = Number(f.text.match(/; (\d+) held-out structures?\)/)![1]);
            expect(n).toBeLessThan(MIN_HELD_OUT);
            expect(f.text).toMatch(new RegExp(`— not meaningful: only ${n} held-out structures? \\(at least ${MIN_HELD_OUT} wanted; the full run without --quick has more\\)\\.$`));
            expect(f.holds).toBeUndefined();
        }
        const paper = paperComparison(result).find((x) => x.id === 'paper:valid-errors');
        if (paper) expect(paper.text).toMatch(/not meaningful: only \d+ held-out/);
        // with enough held-out structures the statement stands unchanged
        const row = result.rows.find((r) => r.valid)!;
        const f = { id: 'x', text: 'a statement.', values: [], holds: true };
        expect(heldOutCaveat({ ...f }, [{ ...row, valid: { ...row.valid!, structures: MIN_HELD_OUT } }], true)).toEqual(f);
        expect(heldOutCaveat({ ...f }, [{ ...row, valid: { ...row.valid!, structures: 3 } }], false).text).toBe('a statement — not meaningful: only 3 held-out structures (at least 20 wanted).');
    });
});

