/**
 * `acelens export --table` (K = 2): the LAMMPS pair table reproduces the model's energies and forces to the
 * accuracy its header states, in Debian's LAMMPS (`lmp`, pair_style table linear; skipped with a message
 * where it is not installed) and in this test's own copy of LAMMPS' lookup (always).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AceBasis } from '../../src/ace/basis';
import { predict } from '../../src/ace/evaluate';
import { paperSpec } from '../../src/ace/spec';
import { cluster } from '../../src/structure/build';
import { lammpsLinearLookup, pairEnergy, pairTable } from '../../src/pace/table';
import { testCoefficients } from './helpers';

const lmp = spawnSync('lmp', ['-h'], { encoding: 'utf8' }).status === 0 ? 'lmp' : null;
if (!lmp) console.warn('LAMMPS (Debian package lammps, `lmp`) not installed: the table is checked by the test\'s copy of its interpolation only');

const basis = AceBasis.create(paperSpec(2, 'purified'));
const coefficients = testCoefficients(basis, 3);
const model = { basis, coefficients, e0: -1.3593914925284625 };
const positions = [0, 0, 0, 1.4, 0.1, 0, 0.3, 1.3, 0.2, -1.1, 0.4, 0.9, 2.2, 2.0, -0.7, -0.4, -1.5, 1.8];
const frame = cluster(positions);
const table = pairTable(model, { n: 5000, rmin: 0.5 });
const npairs = (frame.natoms * (frame.natoms - 1)) / 2;

/** The cluster's energy and forces through the test's copy of LAMMPS' linear r² lookup of the table. */
function lookupCluster(): { E: number; F: Float64Array; rows: number[][] } {
    const lines = table.text.split('\n');
    const start = lines.indexOf('N 5000 RSQ 0.5 5') + 2;
    const rows = lines.slice(start, start + 5000).map((l) => l.split(' ').map(Number));
    const rsq = rows.map((r) => r[1] * r[1]), e = rows.map((r) => r[2]), fr = rows.map((r) => r[3] / r[1]);
    let E = 0;
    const F = new Float64Array(3 * frame.natoms);
    for (let i = 0; i < frame.natoms; i++) for (let j = i + 1; j < frame.natoms; j++) {
        const d = [0, 1, 2].map((a) => positions[3 * j + a] - positions[3 * i + a]);
        const r = Math.hypot(...d);
        if (r >= 5) continue;
        const v = lammpsLinearLookup(rsq, e, fr, r);
        E += v.e;
        for (let a = 0; a < 3; a++) { F[3 * j + a] += (v.f * d[a]) / r; F[3 * i + a] -= (v.f * d[a]) / r; }
    }
    return { E, F, rows };
}

describe('pair table', () => {
    it('refuses K > 2 models', () => {
        const b3 = AceBasis.create(paperSpec(3));
        expect(() => pairTable({ basis: b3, coefficients: new Float64Array(b3.size), e0: 0 })).toThrow(/K = 2.*--yace/);
    });

    it("states an interpolation error that LAMMPS' lookup (reproduced) honours on a cluster", () => {
        expect(table.maxEnergyError).toBeLessThan(1e-5);
        const p = predict(basis, coefficients, model.e0, frame, { forces: true });
        const { E, F, rows } = lookupCluster();
        expect(Math.abs(E - (p.energy - frame.natoms * model.e0))).toBeLessThanOrEqual(npairs * table.maxEnergyError + 1e-12);
        for (let k = 0; k < F.length; k++) expect(Math.abs(F[k] - p.forces[k])).toBeLessThanOrEqual(npairs * table.maxForceError + 1e-12);
        // and the table rows are the model's dimer curve
        const mid = rows[2500];
        const v = pairEnergy(model, mid[1]);
        expect(mid[2]).toBe(v.e);
        expect(mid[3]).toBe(v.f);
    });

    it.skipIf(!lmp)('LAMMPS pair_style table linear reproduces the model on a cluster', () => {
        const dir = mkdtempSync(join(tmpdir(), 'acelens-table-'));
        writeFileSync(join(dir, 'c.table'), table.text);
        const atoms = Array.from({ length: frame.natoms }, (_, i) => `${i + 1} 1 ${positions[3 * i]} ${positions[3 * i + 1]} ${positions[3 * i + 2]}`);
        writeFileSync(join(dir, 'data.c'), `cluster\n\n${frame.natoms} atoms\n1 atom types\n\n-20 20 xlo xhi\n-20 20 ylo yhi\n-20 20 zlo zhi\n\nMasses\n\n1 12.011\n\nAtoms # atomic\n\n${atoms.join('\n')}\n`);
        writeFileSync(join(dir, 'in.lmp'), [
            'units metal', 'boundary f f f', 'atom_style atomic', 'read_data data.c',
            `pair_style table linear ${table.n}`, `pair_coeff * * c.table ${table.keyword} ${table.rmax}`,
            'dump 1 all custom 1 f.dump id fx fy fz', 'dump_modify 1 format float %.17g sort id',
            'thermo_style custom pe', 'run 0', 'print "PE $(pe:%.17g)"', '',
        ].join('\n'));
        const out = execFileSync('lmp', ['-in', 'in.lmp', '-log', 'none'], { cwd: dir, encoding: 'utf8' });
        const pe = Number(/^PE (\S+)/m.exec(out)![1]);
        const dump = readFileSync(join(dir, 'f.dump'), 'utf8').trim().split('\n').slice(-frame.natoms).map((l) => l.split(' ').map(Number));
        const p = predict(basis, coefficients, model.e0, frame, { forces: true });
        const dE = Math.abs(pe - (p.energy - frame.natoms * model.e0));
        let dF = 0;
        dump.forEach((row, i) => { for (let a = 0; a < 3; a++) dF = Math.max(dF, Math.abs(row[1 + a] - p.forces[3 * i + a])); });
        console.log(`LAMMPS pair_style table: |ΔE| ${dE.toExponential(2)} eV, max |ΔF| ${dF.toExponential(2)} eV/Å on ${frame.natoms} atoms (${npairs} pairs; stated per-pair bound ${table.maxEnergyError.toExponential(2)} eV, ${table.maxForceError.toExponential(2)} eV/Å)`);
        expect(dE).toBeLessThanOrEqual(npairs * table.maxEnergyError + 1e-10);
        // LAMMPS' lookup is the one this test reproduces (so the in-test check stands for LAMMPS where it is absent)
        const mine = lookupCluster();
        expect(Math.abs(pe - mine.E)).toBeLessThan(1e-9);
        dump.forEach((row, i) => { for (let a = 0; a < 3; a++) expect(Math.abs(row[1 + a] - mine.F[3 * i + a])).toBeLessThan(1e-8); });
        expect(dF).toBeLessThanOrEqual(npairs * table.maxForceError + 1e-10);
    });
});
