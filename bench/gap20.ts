/**
 * `npm run bench -- gap20`: fits on ALL GAP-20 training files (../shared/data/gap20, ≈3 000 structures) for
 * K = 3, 4, 5 (default standard bases) with the default Bayesian solver and the per-config_type weights
 * below, 10 % of the structures held out (seeded split by structure). Prints per K: the evidence-chosen α, β,
 * the total CPU time (process.cpuUsage: main thread + worker threads) and wall time of the fit, E and F RMSE
 * per config_type on the training and held-out parts, and Spearman's rank correlation between the predicted
 * uncertainty and the actual error on the held-out part (per atom: σ of |F_i| vs |ΔF_i|; per structure: σ of
 * E/N vs |ΔE/N|). Skipped with a message without ../shared/data. Heavy (minutes): runs only when named.
 * Options: --orders 3,4 (a subset), --workers N.
 *
 * Weights (σ_E eV/atom, σ_F eV/Å, σ_V eV/atom; w = 1/σ, see src/fit/weights.ts) — GAP-20's own choice gives
 * the liquid / amorphous / random-search structures looser σ than the crystalline ones (Rowe et al.,
 * J. Chem. Phys. 153, 034702 (2020)); ours follow that pattern:
 *   default (crystals, defects, surfaces, fullerenes, nanotubes): 0.10, 0.40
 *   Liquid, Liquid_Interface, Amorphous_Surfaces:                  0.15, 0.60
 *   Crystalline_RSS, SACADA, LD_iter1 (random search, high-energy): 0.30, 0.80
 *   Dimer (short-range, huge forces):                              0.50, 2.00
 * (σ_E ten times GAP-20's: acelens' force rows are averaged per structure (w_F/√(3N)), so one structure's
 * forces weigh like one energy row; with σ_E = 0.01 eV/atom the energies — eV/atom-inconsistent between
 * small and large cells — dominated and the K = 3 force RMSE was 3.2 eV/Å.)
 * Virials are left out (σ_V = ∞): with them (σ_V 0.1 eV/atom) every error grew (K = 2 on Diamond: 123 → 389
 * meV/atom train), which points at a virial convention mismatch between GAP-20's dft_virial and the engine
 * (checked separately); until that is settled the bench fits energies and forces.
 * and per structure (info key energy_weight = 0.1) for cells of fewer than 20 atoms: their labels sit eV/atom
 * above larger cells of the same phase (not k-point converged, see issue 20), so their energies count 1/10.
 */
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSpec } from '../src/ace/spec';
import { fitModel } from '../src/fit/fit';
import type { ErrorMetrics } from '../src/fit/metrics';
import type { ConfigTypeWeights } from '../src/fit/normal-equations';
import { createParallelAssembler } from '../src/fit/parallel';
import { spearman } from '../src/fit/rank-correlation';
import { readExtXyzFile } from '../src/io/extxyz-node';
import { Model } from '../src/model/model';
import type { Frame } from '../src/structure/frame';
import { registerBench } from './registry';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/gap20');

const sigma = (e: number, f: number): ConfigTypeWeights => ({ energy: 1 / e, force: 1 / f, virial: 0 });
export const GAP20_DEFAULT_WEIGHTS = sigma(0.1, 0.4);
export const GAP20_WEIGHTS: Record<string, ConfigTypeWeights> = {
    Liquid: sigma(0.15, 0.6),
    Liquid_Interface: sigma(0.15, 0.6),
    Amorphous_Surfaces: sigma(0.15, 0.6),
    Crystalline_RSS: sigma(0.3, 0.8),
    SACADA: sigma(0.3, 0.8),
    LD_iter1: sigma(0.3, 0.8),
    Dimer: sigma(0.5, 2),
};
export const SMALL_CELL_ATOMS = 20;
export const SMALL_CELL_ENERGY_WEIGHT = 0.1;

const f1 = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));

registerBench({
    name: 'gap20',
    description: 'Bayesian fits K = 3, 4, 5 on all GAP-20 training files (per-config_type weights, 10 % held out): RMSE per config_type, CPU/wall time, uncertainty–error rank correlation',
    onlyWhenNamed: true,
    async run(args) {
        if (!existsSync(DATA)) {
            console.log(`skipped: ${DATA} not found (the GAP-20 data live in ../shared/data/gap20)`);
            return;
        }
        const oi = args.indexOf('--orders');
        const orders = oi >= 0 ? args[oi + 1].split(',').map(Number) : [3, 4, 5];
        const wi = args.indexOf('--workers');
        const workers = wi >= 0 ? Number(args[wi + 1]) : availableParallelism();
        const files = readdirSync(DATA).filter((f) => f.endsWith('.xyz')).sort();
        const frames: Frame[] = [];
        const sources: string[] = [];
        for (const f of files) {
            for (const fr of await readExtXyzFile(join(DATA, f))) {
                if (fr.natoms < SMALL_CELL_ATOMS && fr.natoms > 1) fr.info.energy_weight = SMALL_CELL_ENERGY_WEIGHT;
                frames.push(fr);
                sources.push(f);
            }
        }
        const atoms = frames.reduce((s, f) => s + f.natoms, 0);
        const small = frames.filter((f) => f.natoms < SMALL_CELL_ATOMS && f.natoms > 1).length;
        console.log(`${files.length} files, ${frames.length} structures, ${atoms} atoms; ${small} cells of < ${SMALL_CELL_ATOMS} atoms get energy_weight ${SMALL_CELL_ENERGY_WEIGHT}; ${workers} workers on ${availableParallelism()} cores (machine shared: times are noisy)`);
        for (const K of orders) {
            const spec = defaultSpec(K, 'standard');
            const cpu0 = process.cpuUsage();
            const t0 = performance.now();
            const r = await fitModel(frames, {
                spec,
                energyWeight: GAP20_DEFAULT_WEIGHTS.energy,
                forceWeight: GAP20_DEFAULT_WEIGHTS.force,
                virialWeight: GAP20_DEFAULT_WEIGHTS.virial,
                configTypeWeights: GAP20_WEIGHTS,
                validFraction: 0.1,
                seed: 1,
                trainSources: sources,
                assemble: createParallelAssembler({ workers }),
            });
            const wall = (performance.now() - t0) / 1000;
            const c = process.cpuUsage(cpu0);
            const cpu = (c.user + c.system) / 1e6;
            const b = r.model.fit.bayes!;
            console.log(
                `\nK = ${K}: ${r.model.nbasis} functions; α = ${b.alpha.toExponential(2)}, β = ${b.beta.toExponential(2)} (λ = α/β = ${r.model.fit.lambda.toExponential(2)}), ` +
          `${b.effectiveParameters.toFixed(1)} effective parameters; fit ${wall.toFixed(0)} s wall, ${cpu.toFixed(0)} s CPU`,
            );
            const tr = r.metrics.train, va = r.metrics.valid!;
            const rows: Array<[string, ErrorMetrics, ErrorMetrics | undefined]> = [['all', tr, va], ...Object.keys(tr.per_config_type).map((k) => [k, tr.per_config_type[k], va.per_config_type[k]] as [string, ErrorMetrics, ErrorMetrics | undefined])];
            console.log('  config_type           train/valid structures   E RMSE meV/atom train  valid   F RMSE meV/Å train  valid');
            for (const [k, t, v] of rows) {
                console.log(
                    `  ${k.padEnd(20)} ${String(t.structures).padStart(8)}/${String(v?.structures ?? 0).padEnd(12)} ${f1(t.energy_rmse_meV_atom).padStart(20)} ${f1(v?.energy_rmse_meV_atom ?? null).padStart(6)} ${f1(t.force_rmse_meV_A, 0).padStart(20)} ${f1(v?.force_rmse_meV_A ?? null, 0).padStart(6)}`,
                );
            }
            // uncertainty vs actual error on the held-out structures
            const model = new Model(r.model);
            const sigF: number[] = [], errF: number[] = [], sigE: number[] = [], errE: number[] = [];
            const u0 = performance.now();
            for (const i of r.split.valid) {
                const f = frames[i];
                const u = model.uncertainty(f)!;
                const p = model.predict(f, { forces: true });
                if (f.energy !== undefined) {
                    sigE.push(u.energy / f.natoms);
                    errE.push(Math.abs(p.energy - f.energy) / f.natoms);
                }
                if (f.forces) {
                    for (let a = 0; a < f.natoms; a++) {
                        sigF.push(u.perAtomForce[a]);
                        errF.push(Math.hypot(p.forces[3 * a] - f.forces[3 * a], p.forces[3 * a + 1] - f.forces[3 * a + 1], p.forces[3 * a + 2] - f.forces[3 * a + 2]));
                    }
                }
            }
            console.log(
                `  uncertainty vs error on the ${r.split.valid.length} held-out structures (Spearman ρ): per atom |ΔF_i| vs σ(F_i) ${spearman(sigF, errF).toFixed(3)} (${sigF.length} atoms); ` +
          `per structure |ΔE/N| vs σ(E)/N ${spearman(sigE, errE).toFixed(3)} (${sigE.length}); ${((performance.now() - u0) / 1000).toFixed(0)} s`,
            );
        }
    },
});
