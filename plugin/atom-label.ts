/**
 * Hover label for an atom of a frame loaded from extended XYZ: the active model's per-atom energy, the DFT and
 * model forces and the force error, and the posterior σ for a Bayesian fit, in eV and eV/Å. Mol* shows the label as HTML: every user-derived string in it
 * (model name, error text) goes through escapeHtml.
 */
import { StructureElement } from 'molstar/lib/mol-model/structure';
import type { Loci } from 'molstar/lib/mol-model/loci';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { LociLabelProvider } from 'molstar/lib/mol-plugin-state/manager/loci-label';
import { getFrameData } from './props/frame-data';
import { acelensStore } from './store';
import { escapeHtml } from './html';

const norm = (v: ArrayLike<number>, i: number) => Math.hypot(v[3 * i], v[3 * i + 1], v[3 * i + 2]);

export function atomLabel(plugin: PluginContext, loci: Loci): string | undefined {
    if (!StructureElement.Loci.is(loci) || StructureElement.Loci.size(loci) !== 1) return;
    const location = StructureElement.Loci.getFirstLocation(loci);
    if (!location) return;
    const data = getFrameData(location.unit.model);
    if (!data) return;
    const frame = data.dataset.frames[data.index];
    const i = location.element as number;
    const parts = [`<b>acelens</b> frame ${data.index}, atom ${i}`];
    if (frame.forces) parts.push(`|F_DFT| ${norm(frame.forces, i).toFixed(3)} eV/Å`);
    const store = acelensStore(plugin);
    const model = store.activeModel;
    if (model) {
        try {
            const p = store.predict(model, frame);
            const orders = Object.keys(p.perAtomEnergyByOrder).map(Number).sort((a, b) => a - b);
            const split = orders.length > 1 ? ` (${orders.map(K => `K=${K} ${p.perAtomEnergyByOrder[K][i].toFixed(3)}`).join(', ')})` : '';
            parts.push(`E_i − E0 ${(p.perAtomEnergy[i] - store.engine(model).e0).toFixed(3)} eV${split}`);
            parts.push(`|F_model| ${norm(p.forces, i).toFixed(3)} eV/Å`);
            if (p.forceError) parts.push(`|ΔF| ${p.forceError[i].toFixed(3)} eV/Å`);
            // the posterior σ of a Bayesian fit: how sure the model is here
            if (p.uncertainty) parts.push(`σ(E_i) ${p.uncertainty.perAtomEnergy[i].toFixed(3)} eV, σ(F_i) ${p.uncertainty.perAtomForce[i].toFixed(3)} eV/Å`);
            parts.push(`(${escapeHtml(model.name)})`);
        } catch (e) {
            parts.push(`model error: ${escapeHtml((e as Error).message)}`);
        }
    }
    return parts.join(' · ');
}

export function atomLabelProvider(plugin: PluginContext): LociLabelProvider {
    return { label: loci => atomLabel(plugin, loci), group: () => 'acelens' };
}
