/**
 * The dataset shown in the viewer: the last trajectory loaded from extended XYZ, and which frame is shown.
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { TrajectoryRef } from 'molstar/lib/mol-plugin-state/manager/structure/hierarchy-state';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms';
import { getFrameData, type AcelensDataset } from './props/frame-data';

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

/** Shows frame `index` of the current dataset in 3D. */
export async function showFrame(plugin: PluginContext, index: number) {
    const current = currentDataset(plugin);
    const model = current?.trajectory.models[0];
    if (!model) return;
    await plugin.build().to(model.cell.transform.ref)
        .update(StateTransforms.Model.ModelFromTrajectory, old => ({ ...old, modelIndex: index }))
        .commit();
}
