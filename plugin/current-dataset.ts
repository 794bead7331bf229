/**
 * The dataset shown in the viewer: the last trajectory loaded from extended XYZ, and which frame is shown.
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { TrajectoryRef } from 'molstar/lib/mol-plugin-state/manager/structure/hierarchy-state';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms';
import { getFrameData, type AcelensDataset } from './props/frame-data';
import { OrderedSet } from 'molstar/lib/mol-data/int';
import { StructureElement, StructureProperties, type ElementIndex, type Structure } from 'molstar/lib/mol-model/structure';

export interface CurrentDataset { trajectory: TrajectoryRef; dataset: AcelensDataset; frameIndex: number }

export function currentDataset(plugin: PluginContext): CurrentDataset | undefined {
    const trajectories = plugin.managers.structure.hierarchy.current.trajectories;
    for (let t = trajectories.length - 1; t >= 0; t--) {
        const traj = trajectories[t];
        const data = getFrameData(traj.cell.obj?.data.representative);
        if (data) {
            const frameIndex = (traj.models[0]?.cell.transform.params as any)?.modelIndex ?? 0;
            return { trajectory: traj, dataset: data.dataset, frameIndex };
        }
    }
    return undefined;
}

/**
 * Shows frame `index` of the current dataset in 3D and fits the camera to it (frames differ in size: a camera
 * left where the previous frame was shows a 1000-atom cell cut off or a dimer as a dot).
 */
export async function showFrame(plugin: PluginContext, index: number) {
    const current = currentDataset(plugin);
    const model = current?.trajectory.models[0];
    if (!model) return;
    const changed = current.frameIndex !== index;
    await plugin.build().to(model.cell.transform.ref)
        .update(StateTransforms.Model.ModelFromTrajectory, old => ({ ...old, modelIndex: index }))
        .commit();
    if (changed) {
        plugin.managers.structure.focus.clear();
        plugin.managers.camera.reset(undefined, 0);
    }
}

/**
 * Shows frame `frameIndex` and selects and focuses exactly atom `atom` of it (whatever Mol*'s picking level:
 * a link to an atom never selects its whole structure). Returns the atom's element symbol, or undefined.
 */
export async function showAtom(plugin: PluginContext, frameIndex: number, atom: number): Promise<string | undefined> {
    await showFrame(plugin, frameIndex);
    const structure = plugin.managers.structure.hierarchy.current.structures[0]?.cell.obj?.data as Structure | undefined;
    if (!structure) return;
    for (const unit of structure.units) {
        if (getFrameData(unit.model)?.index !== frameIndex) continue;
        const idx = OrderedSet.indexOf(unit.elements, atom as ElementIndex);
        if (idx < 0) continue;
        const loci = StructureElement.Loci(structure, [{ unit, indices: OrderedSet.ofSingleton(idx as StructureElement.UnitIndex) }]);
        plugin.managers.structure.selection.fromLoci('set', loci, false);
        plugin.managers.structure.focus.setFromLoci(loci);
        plugin.managers.camera.focusLoci(loci, { extraRadius: 4 });
        return StructureProperties.atom.type_symbol(StructureElement.Location.create(structure, unit, unit.elements[idx]));
    }
    return undefined;
}
