/**
 * LAMMPS `pair_style table` file for a pair-only (K = 2) acelens model: exact up to the table's interpolation.
 *
 * A K = 2 model is E = N·E0 + Σ_{i<j} V(r_ij) with V(r) = E_dimer(r) − 2 E0 (both variants: ν = 1 has no
 * self-interaction). The table lists V and F = −dV/dr at N points evenly spaced in r² ("RSQ"), so that
 * `pair_style table linear N` (same N) uses the file's values as they are (LAMMPS' "match" case) and
 * interpolates linearly in r² between them; the file's header states the largest interpolation error
 * measured at the midpoints. E0 is not a pair term: LAMMPS' energy is E − N·E0.
 */
import { predict } from '../ace/evaluate';
import { dimer } from '../structure/build';
import type { ExportableModel } from './export';
import { ExportError } from './export';

export interface PairTable {
  text: string;
  keyword: string;
  n: number;
  rmin: number;
  rmax: number;
  /** largest |interpolated − exact| at the midpoints between table rows (eV and eV/Å) */
  maxEnergyError: number;
  maxForceError: number;
}

/** Pair energy V(r) (eV) and F = −dV/dr (eV/Å) of a K = 2 model. */
export function pairEnergy(model: ExportableModel, r: number): { e: number; f: number } {
    const p = predict(model.basis, model.coefficients as Float64Array, model.e0, dimer(r), { forces: true });
    // atom 1 sits at +r along x: its force is −dV/dr
    return { e: p.energy - 2 * model.e0, f: p.forces[3] };
}

/** LAMMPS' linear table lookup in r² (pair_table.cpp, LINEAR style, matched table): energy and force. */
export function lammpsLinearLookup(rsq: number[], e: number[], fOverR: number[], r: number): { e: number; f: number } {
    const n = rsq.length;
    const delta = (rsq[n - 1] - rsq[0]) / (n - 1);
    const x = r * r;
    const it = Math.min(n - 2, Math.floor((x - rsq[0]) / delta));
    const frac = (x - rsq[it]) / delta;
    const ev = e[it] + frac * (e[it + 1] - e[it]);
    const fr = fOverR[it] + frac * (fOverR[it + 1] - fOverR[it]);
    return { e: ev, f: fr * r };
}

export function pairTable(model: ExportableModel, opts: { n?: number; rmin?: number; keyword?: string; source?: string } = {}): PairTable {
    const spec = model.basis.spec;
    if (spec.order !== 2) {
        throw new ExportError(`--table needs a pair-only model (K = 2); this model has body order K = ${spec.order} (export it with --yace)`);
    }
    const n = opts.n ?? 5000, rmin = opts.rmin ?? 0.5, rmax = spec.rcut, keyword = opts.keyword ?? 'ACELENS_C_C';
    if (!Number.isInteger(n) || n < 2) throw new ExportError(`table points must be an integer ≥ 2, got ${n}`);
    if (!(rmin > 0 && rmin < rmax)) throw new ExportError(`table inner distance must satisfy 0 < rmin < rcut (${rmax} Å), got ${rmin}`);
    const rsq: number[] = [], e: number[] = [], f: number[] = [], fr: number[] = [], rs: number[] = [];
    const d = (rmax * rmax - rmin * rmin) / (n - 1);
    for (let i = 0; i < n; i++) {
        const r = i === n - 1 ? rmax : Math.sqrt(rmin * rmin + i * d);
        const v = pairEnergy(model, r);
        rs.push(r); rsq.push(r * r); e.push(v.e); f.push(v.f); fr.push(v.f / r);
    }
    let maxE = 0, maxF = 0;
    for (let i = 0; i + 1 < n; i++) {
        const r = Math.sqrt(rsq[i] + d / 2);
        const exact = pairEnergy(model, r), lin = lammpsLinearLookup(rsq, e, fr, r);
        maxE = Math.max(maxE, Math.abs(exact.e - lin.e));
        maxF = Math.max(maxF, Math.abs(exact.f - lin.f));
    }
    const lines = [
        `# acelens K = 2 model${opts.source ? ` ${opts.source}` : ''} as a LAMMPS pair table (metal units: Å, eV, eV/Å)`,
        `# V(r) = E_dimer(r) - 2 E0 (pair energy), F = -dV/dr; E0 = ${model.e0} eV per atom is not included (LAMMPS energy = E - N E0)`,
        `# use: pair_style table linear ${n}   /   pair_coeff * * FILE ${keyword} ${rmax}`,
        `# points evenly spaced in r^2 (RSQ); largest error of LAMMPS' linear interpolation at the midpoints: ${maxE.toExponential(2)} eV, ${maxF.toExponential(2)} eV/A`,
        '',
        keyword,
        `N ${n} RSQ ${rmin} ${rmax}`,
        '',
        ...rs.map((r, i) => `${i + 1} ${r} ${e[i]} ${f[i]}`),
        '',
    ];
    return { text: lines.join('\n'), keyword, n, rmin, rmax, maxEnergyError: maxE, maxForceError: maxF };
}
