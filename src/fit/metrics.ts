/**
 * Error metrics of predictions against DFT labels, overall and per config_type.
 *
 * Energy errors are per structure and per atom: ΔE_s / N_s, in meV/atom; RMSE = √(mean_s (ΔE_s/N_s)²).
 * Force errors are over Cartesian components, in meV/Å: RMSE = √(Σ ΔF² / Σ 3N_s), MAE = Σ|ΔF| / Σ 3N_s.
 * A metric with no labelled data is null (e.g. force errors of a set without forces).
 */

export interface ErrorMetrics {
  structures: number;
  atoms: number;
  /** structures with an energy label */
  energy_count: number;
  /** force components with a label */
  force_count: number;
  energy_rmse_meV_atom: number | null;
  energy_mae_meV_atom: number | null;
  force_rmse_meV_A: number | null;
  force_mae_meV_A: number | null;
}

export interface MetricsReport extends ErrorMetrics {
  per_config_type: Record<string, ErrorMetrics>;
  /** per training/validation file, when the structures came from several (acelens fit a.xyz b.xyz …) */
  per_file?: Record<string, ErrorMetrics>;
}

/** The config_type key used for structures without one. */
export const NO_CONFIG_TYPE = 'default';

class Sums {
    structures = 0;
    atoms = 0;
    ne = 0;
    e2 = 0;
    e1 = 0;
    nf = 0;
    f2 = 0;
    f1 = 0;

    result(): ErrorMetrics {
        return {
            structures: this.structures,
            atoms: this.atoms,
            energy_count: this.ne,
            force_count: this.nf,
            energy_rmse_meV_atom: this.ne ? 1000 * Math.sqrt(this.e2 / this.ne) : null,
            energy_mae_meV_atom: this.ne ? (1000 * this.e1) / this.ne : null,
            force_rmse_meV_A: this.nf ? 1000 * Math.sqrt(this.f2 / this.nf) : null,
            force_mae_meV_A: this.nf ? (1000 * this.f1) / this.nf : null,
        };
    }
}

/** Per-structure errors, as returned by `MetricsAccumulator.add`. */
export interface StructureErrors {
  /** (E_model − E_DFT) / N in meV/atom, or null without a DFT energy */
  energy_error_meV_atom: number | null;
  /** RMSE over this structure's force components (meV/Å), or null without DFT forces */
  force_rmse_meV_A: number | null;
}

/** A structure's own errors, without accumulating them. */
export function structureErrors(
    natoms: number,
    energy: number,
    forces: ArrayLike<number> | null,
    dftEnergy: number | undefined,
    dftForces: ArrayLike<number> | undefined,
): StructureErrors {
    let forceRmse: number | null = null;
    if (dftForces !== undefined && forces && natoms > 0) {
        let f2 = 0;
        for (let k = 0; k < 3 * natoms; k++) f2 += (forces[k] - dftForces[k]) ** 2;
        forceRmse = 1000 * Math.sqrt(f2 / (3 * natoms));
    }
    return { energy_error_meV_atom: dftEnergy === undefined ? null : (1000 * (energy - dftEnergy)) / natoms, force_rmse_meV_A: forceRmse };
}

export class MetricsAccumulator {
    private total = new Sums();
    private byType = new Map<string, Sums>();
    private byFile = new Map<string, Sums>();

    /**
   * Adds one structure: predicted energy (eV) and forces (3N, eV/Å), DFT labels when present.
   * Returns the structure's own errors.
   */
    add(
        configType: string | undefined,
        natoms: number,
        energy: number,
        forces: ArrayLike<number> | null,
        dftEnergy: number | undefined,
        dftForces: ArrayLike<number> | undefined,
        file?: string,
    ): StructureErrors {
        const key = configType ?? NO_CONFIG_TYPE;
        let t = this.byType.get(key);
        if (!t) this.byType.set(key, (t = new Sums()));
        const targets = [this.total, t];
        if (file !== undefined) {
            let fs = this.byFile.get(file);
            if (!fs) this.byFile.set(file, (fs = new Sums()));
            targets.push(fs);
        }
        let energyError: number | null = null;
        let forceRmse: number | null = null;
        for (const s of targets) {
            s.structures++;
            s.atoms += natoms;
        }
        if (dftEnergy !== undefined) {
            const d = (energy - dftEnergy) / natoms;
            energyError = 1000 * d;
            for (const s of targets) {
                s.ne++;
                s.e2 += d * d;
                s.e1 += Math.abs(d);
            }
        }
        if (dftForces !== undefined && forces) {
            let f2 = 0;
            let f1 = 0;
            const m = 3 * natoms;
            for (let k = 0; k < m; k++) {
                const d = forces[k] - dftForces[k];
                f2 += d * d;
                f1 += Math.abs(d);
            }
            forceRmse = m ? 1000 * Math.sqrt(f2 / m) : null;
            for (const s of targets) {
                s.nf += m;
                s.f2 += f2;
                s.f1 += f1;
            }
        }
        return { energy_error_meV_atom: energyError, force_rmse_meV_A: forceRmse };
    }

    report(): MetricsReport {
        const per: Record<string, ErrorMetrics> = {};
        for (const key of [...this.byType.keys()].sort()) per[key] = this.byType.get(key)!.result();
        const report: MetricsReport = { ...this.total.result(), per_config_type: per };
        if (this.byFile.size) {
            report.per_file = {};
            for (const key of [...this.byFile.keys()].sort()) report.per_file[key] = this.byFile.get(key)!.result();
        }
        return report;
    }
}

/** The config_type that carries the largest part of a set's squared energy error. */
export interface DominantEnergyError {
  configType: string;
  /** its structures with an energy label */
  structures: number;
  /** its energy RMSE (meV/atom) */
  energy_rmse_meV_atom: number;
  /** its share of Σ_s (ΔE_s/N_s)² over the set, 0..1 */
  share: number;
}

/**
 * Which config_type the energy error of a report is made of: the one with the largest Σ (ΔE/N)² (its count
 * times its RMSE squared) and its share of the set's total; null without energy labels or without error.
 */
export function dominantEnergyError(report: MetricsReport): DominantEnergyError | null {
    let best: { configType: string; m: ErrorMetrics; sq: number } | null = null;
    let total = 0;
    for (const [configType, m] of Object.entries(report.per_config_type)) {
        if (m.energy_rmse_meV_atom === null || m.energy_count === 0) continue;
        const sq = m.energy_count * m.energy_rmse_meV_atom ** 2;
        total += sq;
        if (!best || sq > best.sq) best = { configType, m, sq };
    }
    if (!best || !(total > 0)) return null;
    return { configType: best.configType, structures: best.m.energy_count, energy_rmse_meV_atom: best.m.energy_rmse_meV_atom!, share: best.sq / total };
}
