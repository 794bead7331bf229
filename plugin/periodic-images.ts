/**
 * Periodic images around the unit cell of the shown frame, so that a small periodic cell looks like the
 * crystal, slab or tube it stands for: bonds across the cell faces are drawn and every atom shows its full
 * coordination. Mol*'s own "Symmetry (indices)" structure (P1 cell from the format provider) builds them;
 * images are made only along the frame's periodic directions (a slab is not stacked across its vacuum) and a
 * frame without periodic directions is shown alone. Image atoms are the same model atoms, so the per-atom
 * colour themes colour them like their originals.
 */
import { Vec3 } from 'molstar/lib/mol-math/linear-algebra';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { StateBuilder } from 'molstar/lib/mol-state';
import type { StructureRef } from 'molstar/lib/mol-plugin-state/manager/structure/hierarchy-state';
import type { Frame } from '../src/structure/frame';
import { currentDataset } from './current-dataset';

export type ImageRange = { ijkMin: [number, number, number]; ijkMax: [number, number, number] };

/** ±n cells along each periodic direction of `frame` (0 along open ones), or null: no images to show. */
export function imageRange(frame: Frame, n: number): ImageRange | null {
    if (!(n > 0) || !frame.cell || !frame.pbc.some(p => p)) return null;
    const m = Math.floor(n);
    const along = (d: number) => (frame.pbc[d] ? m : 0);
    return { ijkMin: [0, 1, 2].map(d => -along(d) || 0) as ImageRange['ijkMin'], ijkMax: [along(0), along(1), along(2)] };
}

/** Mol*'s structure type for the frame: its images (symmetry by indices) or the plain model. */
function structureType(range: ImageRange | null) {
    return range
        ? { name: 'symmetry' as const, params: { ijkMin: Vec3.create(...range.ijkMin), ijkMax: Vec3.create(...range.ijkMax) } }
        : { name: 'model' as const, params: {} };
}

function sameType(a: any, b: ReturnType<typeof structureType>): boolean {
    if (!a || a.name !== b.name) return false;
    if (b.name === 'model') return true;
    return Vec3.exactEquals(a.params.ijkMin, b.params.ijkMin) && Vec3.exactEquals(a.params.ijkMax, b.params.ijkMax);
}

/**
 * Shows the current frame of the current dataset with ±n periodic images (0: the cell alone). Does nothing
 * when the structure already shows that, so it can be called on every frame change.
 */
/**
 * Adds to `update` the structures of `structures` that do not show frame `frame` with ±n periodic images yet
 * (0: the cell alone); returns whether any was added. For one state update with other changes (a frame switch).
 */
export function updatePeriodicImages(update: StateBuilder.Root, structures: readonly StructureRef[], frame: Frame, n: number): boolean {
    const type = structureType(imageRange(frame, n));
    let changed = false;
    for (const s of structures) {
        if (sameType((s.cell.transform.params as any)?.type, type)) continue;
        update.to(s.cell.transform.ref).update(StateTransforms.Model.StructureFromModel, old => ({ ...old, type }));
        changed = true;
    }
    return changed;
}

/**
 * Shows the current frame of the current dataset with ±n periodic images (0: the cell alone). Does nothing
 * when the structure already shows that, so it can be called on every frame change.
 */
export async function showPeriodicImages(plugin: PluginContext, n: number): Promise<void> {
    const current = currentDataset(plugin);
    const frame = current?.dataset.frames[current.frameIndex];
    if (!current || !frame) return;
    const update = plugin.build();
    let changed = false;
    for (const model of current.trajectory.models) changed = updatePeriodicImages(update, model.structures, frame, n) || changed;
    if (!changed) return;
    await update.commit();
    plugin.managers.camera.reset(); // the view grows or shrinks by the images
}
