/**
 * The dataset the acelens panels act on: the extended XYZ trajectory selected in Mol*'s structure hierarchy
 * (the structure source at the top of the right column; the last selected and shown one when several are),
 * and which frame of it is shown. Loading a dataset shows it alone (`showOnlyTrajectory`); a user can show
 * the others again with Mol*'s visibility toggles and pick which one the panels act on.
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { TrajectoryRef } from 'molstar/lib/mol-plugin-state/manager/structure/hierarchy-state';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms';
import { getFrameData, type AcelensDataset } from './props/frame-data';
import { OrderedSet } from 'molstar/lib/mol-data/int';
import { updatePeriodicImages } from './periodic-images';
import { acelensStore } from './store';
import { StructureElement, StructureProperties, type ElementIndex, type Structure } from 'molstar/lib/mol-model/structure';

export interface CurrentDataset { trajectory: TrajectoryRef; dataset: AcelensDataset; frameIndex: number }

function asCurrent(traj: TrajectoryRef): CurrentDataset | undefined {
    const data = getFrameData(traj.cell.obj?.data.representative);
    if (!data) return undefined;
    const frameIndex = (traj.models[0]?.cell.transform.params as any)?.modelIndex ?? 0;
    return { trajectory: traj, dataset: data.dataset, frameIndex };
}

/** The acelens dataset selected in Mol*'s hierarchy: shown ones first, the last selected; else the last loaded. */
export function currentDataset(plugin: PluginContext): CurrentDataset | undefined {
    const hierarchy = plugin.managers.structure.hierarchy;
    const selected = hierarchy.selection.trajectories;
    for (const visibleOnly of [true, false]) {
        for (let t = selected.length - 1; t >= 0; t--) {
            if (visibleOnly && selected[t].cell.state.isHidden) continue;
            const c = asCurrent(selected[t]);
            if (c) return c;
        }
    }
    const trajectories = hierarchy.current.trajectories;
    for (let t = trajectories.length - 1; t >= 0; t--) {
        const c = asCurrent(trajectories[t]);
        if (c) return c;
    }
    return undefined;
}

/**
 * Shows one trajectory alone: the others are hidden (not removed; Mol*'s eye toggles show them again) and
 * left out of the hierarchy selection, so the panels act on this one.
 */
export function showOnlyTrajectory(plugin: PluginContext, trajectoryRef: string) {
    const hierarchy = plugin.managers.structure.hierarchy;
    const others = hierarchy.current.trajectories.filter(t => t.cell.transform.ref !== trajectoryRef);
    if (others.length === 0) return;
    hierarchy.toggleVisibility(others, 'hide');
    const otherRefs = new Set(others.map(t => t.cell.transform.ref));
    const deselect = [...others, ...hierarchy.current.models.filter(m => otherRefs.has(m.trajectory?.cell.transform.ref ?? '')),
        ...hierarchy.current.structures.filter(s => otherRefs.has(s.model?.trajectory?.cell.transform.ref ?? ''))];
    hierarchy.updateCurrent(deselect, 'remove');
}

/**
 * Shows frame `index` of the current dataset in 3D and fits the camera to it (frames differ in size: a camera
 * left where the previous frame was shows a 1000-atom cell cut off or a dimer as a dot).
 */
export async function showFrame(plugin: PluginContext, index: number) {
    const current = currentDataset(plugin);
    const model = current?.trajectory.models[0];
    if (!model) return;
    if (current.frameIndex === index) return;
    const update = plugin.build();
    update.to(model.cell.transform.ref).update(StateTransforms.Model.ModelFromTrajectory, old => ({ ...old, modelIndex: index }));
    // the periodic images of the new frame (its periodic directions) in the same state update: the structure is
    // built and drawn once, not once for the frame and again for its images (which would also drop a selection
    // made in between)
    const frame = current.dataset.frames[index];
    if (frame) updatePeriodicImages(update, model.structures, frame, acelensStore(plugin).periodicImages.value);
    await update.commit();
    plugin.managers.structure.focus.clear();
    plugin.managers.camera.reset(undefined, 0);
}

/**
 * Shows frame `frameIndex` and selects and focuses exactly atom `atom` of it (whatever Mol*'s picking level:
 * a link to an atom never selects its whole structure). Returns the atom's element symbol, or undefined.
 */
export async function showAtom(plugin: PluginContext, frameIndex: number, atom: number): Promise<string | undefined> {
    await showFrame(plugin, frameIndex);
    const structure = currentDataset(plugin)?.trajectory.models[0]?.structures[0]?.cell.obj?.data as Structure | undefined;
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
