/**
 * acelens → .yace export checked against ML-PACE (the evaluator LAMMPS' `pair_style pace` runs), built from
 * ../shared/peers by tools/peers/build-mlpace.sh (skipped with a message where absent).
 * Models: the study's basis (D = [24, 20, 16, 12] truncated at K, w_L 1.5, r_cut 5 Å) with the exportable
 * 'acejl' radial, K = 2..5, standard and self-interaction-free, deterministic pseudo-random coefficients
 * (smooth, ~1/(1+degree)²). Data: the embedded datasets and the C₂ curve.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AceBasis } from '../../src/ace/basis';
import { predict } from '../../src/ace/evaluate';
import { parseExtXyz } from '../../src/io/extxyz-reader';
import { exportYace, ExportError } from '../../src/pace/export';
import { paperSpec } from '../../src/ace/spec';
import { DEFAULT_CORE_REPULSION, type CoreRepulsionSpec } from '../../src/ace/core-repulsion';
import { makeFrame } from '../../src/structure/frame';
import { writeExtXyzFrame } from '../../src/io/extxyz-writer';
import { ROOT, acejlSpec, paceDriver, runPace, testCoefficients } from './helpers';

const driver = paceDriver();
const tmp = mkdtempSync(join(tmpdir(), 'acelens-yace-'));
const E0 = -1.3593914925284625;

function compare(K: number, variant: 'standard' | 'purified', files: string[], coreRepulsion?: CoreRepulsionSpec) {
    const basis = AceBasis.create({ ...acejlSpec(K, variant, [24, 20, 16, 12]), ...(coreRepulsion ? { coreRepulsion } : {}) });
    const c = testCoefficients(basis, 7 * K + (variant === 'purified' ? 1 : 0));
    const { text, report } = exportYace({ basis, coefficients: c, e0: E0 });
    const file = join(tmp, `K${K}-${variant}${coreRepulsion ? '-core' : ''}.yace`);
    writeFileSync(file, text);
    let worstE = 0, worstEi = 0, worstF = 0, nframes = 0;
    for (const name of files) {
        const xyz = resolve(ROOT, 'assets', name);
        const frames = parseExtXyz(readFileSync(xyz, 'utf8'));
        const pace = runPace(file, xyz);
        expect(pace.length).toBe(frames.length);
        frames.forEach((f, k) => {
            const p = predict(basis, c, E0, f, { forces: true });
            const r = pace[k];
            expect(r.natoms).toBe(f.natoms);
            worstE = Math.max(worstE, Math.abs(p.energy - r.energy) / Math.max(1, Math.abs(p.energy)));
            for (let i = 0; i < f.natoms; i++) worstEi = Math.max(worstEi, Math.abs(p.perAtomEnergy[i] - r.per_atom[i]) / Math.max(1, Math.abs(p.perAtomEnergy[i])));
            for (let i = 0; i < 3 * f.natoms; i++) worstF = Math.max(worstF, Math.abs(p.forces[i] - r.forces[i]));
            nframes++;
        });
    }
    console.log(`K=${K} ${variant}${coreRepulsion ? ' + core repulsion' : ''}: ${basis.size} functions → C-tilde ${JSON.stringify(report.functionsByRank)} (m-combinations ${JSON.stringify(report.msCombsByRank)}), ` +
    `${nframes} frames: max relative ΔE ${worstE.toExponential(2)}, ΔE_i ${worstEi.toExponential(2)}, max |ΔF| ${worstF.toExponential(2)} eV/Å, radial projection residual ${report.radialProjectionResidual.toExponential(1)}`);
    expect(worstE).toBeLessThanOrEqual(1e-8);
    expect(worstEi).toBeLessThanOrEqual(1e-8);
    expect(worstF).toBeLessThanOrEqual(1e-7);
    return { basis, c, text };
}

describe.skipIf(!driver)('.yace export evaluated by ML-PACE', () => {
    for (const variant of ['standard', 'purified'] as const) {
        for (const K of [2, 3, 4, 5]) {
            // every model on the C₂ curve and the narrow set; the largest on the diverse set as well
            const files = ['c2-dimer-curve.xyz', 'carbon-narrow.xyz', ...(K === 5 ? ['carbon-diverse.xyz'] : [])];
            it(`K=${K} ${variant}: energies, per-atom energies and forces agree`, () => { compare(K, variant, files); }, 300_000);
        }
    }

    it('types strictly: ints as ints, floats as floats (yaml-cpp reads them with .as<int>/.as<double>)', () => {
        const basis = AceBasis.create(acejlSpec(3, 'standard', [8, 6]));
        const { text } = exportYace({ basis, coefficients: testCoefficients(basis), e0: E0 });
        const y = parse(text, { mapAsMap: true }) as Map<unknown, any>;
        const bonds = y.get('bonds') as Map<unknown, any>;
        expect(bonds.size).toBe(1);
        const [key, bond] = [...bonds.entries()][0];
        expect(key).toEqual([0, 0]);
        for (const k of ['p', 'pl', 'pr', 'maxn']) expect(Number.isInteger(bond.get(k))).toBe(true);
        expect(text).toMatch(/rcut: 5\.0\b/);
        expect(text).toMatch(/FS_parameters: \[1\.0, 1\.0\]/);
        expect([...y.get('embeddings').keys()]).toEqual([0]);
        const fns = (y.get('functions') as Map<unknown, Array<Map<string, unknown>>>).get(0)!.map((m) => Object.fromEntries(m));
        expect(fns.length).toBeGreaterThan(0);
        for (const f of fns) {
            for (const k of ['ns', 'ls', 'ms_combs', 'mus']) expect((f[k] as number[]).every(Number.isInteger)).toBe(true);
            expect((f.ms_combs as number[]).length).toBe((f.rank as number) * (f.num_ms_combs as number));
        }
    });
});

/** A C₂ curve 0.5–2 Å (where the core repulsion dominates below 1 Å) as an extxyz file. */
function shortDimerCurve(): string {
    const file = join(tmp, 'c2-short.xyz');
    let text = '';
    for (let k = 0; k <= 60; k++) {
        const r = 0.5 + (1.5 * k) / 60;
        text += writeExtXyzFrame(makeFrame({ positions: new Float64Array([0, 0, 0, 0.3 * r, 0.4 * r, Math.sqrt(0.75) * r]), species: ['C', 'C'] }), { realFormat: 'exact' });
    }
    writeFileSync(file, text);
    return file;
}

describe.skipIf(!driver)('core repulsion exported to .yace, evaluated by ML-PACE', () => {
    const cases: [number, 'standard' | 'purified', CoreRepulsionSpec][] = [
        [3, 'standard', DEFAULT_CORE_REPULSION],
        [4, 'purified', { kind: 'acejl-core', strength: 250, rInner: 1.3 }],
    ];
    for (const [K, variant, core] of cases) {
        it(`K=${K} ${variant}, B = ${core.strength} eV, r_i = ${core.rInner} Å: the embedded data and a C₂ curve 0.5–2 Å agree`, () => {
            const short = shortDimerCurve();
            const { basis, c, text } = compare(K, variant, ['c2-dimer-curve.xyz', 'carbon-narrow.xyz', short], core);
            expect(text).toContain('polypairpot');
            // on the short curve the wall dominates: E(0.5 Å) − 2E0 is the repulsion's order (≈ V(0.5)), positive
            const f = parseExtXyz(readFileSync(short, 'utf8'))[0];
            const withCore = predict(basis, c, E0, f, { forces: false }).energy - 2 * E0;
            const without = predict(AceBasis.create({ ...basis.spec, coreRepulsion: undefined }), c, E0, f, { forces: false }).energy - 2 * E0;
            expect(withCore - without).toBeGreaterThan(50);
            expect(withCore).toBeGreaterThan(Math.abs(without));
        }, 300_000);
    }
});

describe('.yace export refuses what it cannot write exactly', () => {
    it('Agnesi-radial models: a one-line error that says what to do', () => {
        const basis = AceBasis.create(paperSpec(2));
        expect(() => exportYace({ basis, coefficients: new Float64Array(basis.size), e0: 0 })).toThrow(ExportError);
        expect(() => exportYace({ basis, coefficients: new Float64Array(basis.size), e0: 0 })).toThrow(/agnesi.*acejl/);
    });
});
