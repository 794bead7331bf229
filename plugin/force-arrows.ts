/**
 * Force arrows on the atoms of the shown frame: DFT forces, the active model's forces, or their difference
 * (model − DFT), as a Mol* shape (cylinder shaft + cone head per atom), in the drawn (standard-cell) orientation.
 */
import { Mesh } from 'molstar/lib/mol-geo/geometry/mesh/mesh';
import { MeshBuilder } from 'molstar/lib/mol-geo/geometry/mesh/mesh-builder';
import { addCylinder } from 'molstar/lib/mol-geo/geometry/mesh/builder/cylinder';
import { Vec3 } from 'molstar/lib/mol-math/linear-algebra';
import { Shape } from 'molstar/lib/mol-model/shape';
import { PluginStateObject as SO, PluginStateTransform } from 'molstar/lib/mol-plugin-state/objects';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { StateSelection } from 'molstar/lib/mol-state';
import { Task } from 'molstar/lib/mol-task';
import { Color } from 'molstar/lib/mol-util/color';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { rotateVectors } from './formats/standard-cell';
import { currentDataset } from './current-dataset';
import { acelensStore } from './store';
import { getFrameData } from './props/frame-data';

export type ArrowKind = 'dft' | 'model' | 'difference';

export const ArrowColours: Record<ArrowKind, Color> = { dft: Color(0x202020), model: Color(0xd95f02), difference: Color(0xc00060) };

export interface ArrowSet { origins: Float64Array; vectors: Float64Array; label: string }

/** Origins (drawn atom positions) and vectors (eV/Å, drawn orientation) of the current frame, or null. */
export function arrowSet(plugin: PluginContext, kind: ArrowKind): ArrowSet | null {
    const current = currentDataset(plugin);
    if (!current) return null;
    const frame = current.dataset.frames[current.frameIndex];
    const model = acelensStore(plugin).activeModel;
    let vectors: Float64Array | null = null;
    if (kind === 'dft') vectors = frame.forces ?? null;
    else if (model) {
        const p = acelensStore(plugin).predict(model, frame);
        vectors = kind === 'model' ? p.forces : p.forceErrorVector;
    }
    if (!vectors) return null;
    const rotation = getFrameData(current.trajectory.models[0]?.cell.obj?.data)?.rotation ?? null;
    const origins = rotation ? rotateVectors(frame.positions, rotation) : frame.positions;
    return { origins, vectors: rotation ? rotateVectors(vectors, rotation) : vectors, label: kind === 'dft' ? 'DFT force' : kind === 'model' ? `model force (${model!.name})` : `F_model − F_DFT (${model!.name})` };
}

function arrowMesh(set: ArrowSet, scale: number): Mesh {
    const n = set.origins.length / 3;
    const state = MeshBuilder.createState(n * 128, n * 64);
    const a = Vec3(), b = Vec3(), c = Vec3();
    for (let i = 0; i < n; i++) {
        const vx = set.vectors[3 * i] * scale, vy = set.vectors[3 * i + 1] * scale, vz = set.vectors[3 * i + 2] * scale;
        const length = Math.hypot(vx, vy, vz);
        if (length < 1e-3) continue;
        state.currentGroup = i;
        Vec3.set(a, set.origins[3 * i], set.origins[3 * i + 1], set.origins[3 * i + 2]);
        const head = Math.min(0.35, 0.4 * length);
        const f = (length - head) / length;
        Vec3.set(b, a[0] + vx * f, a[1] + vy * f, a[2] + vz * f);
        Vec3.set(c, a[0] + vx, a[1] + vy, a[2] + vz);
        addCylinder(state, a, b, 1, { radiusTop: 0.05, radiusBottom: 0.05, radialSegments: 12, topCap: false, bottomCap: true });
        addCylinder(state, b, c, 1, { radiusTop: 0, radiusBottom: 0.14, radialSegments: 12, topCap: false, bottomCap: true });
    }
    return MeshBuilder.getMesh(state);
}

export const ForceArrows3D = PluginStateTransform.BuiltIn({
    name: 'acelens-force-arrows',
    display: { name: 'Force arrows (acelens)' },
    from: SO.Root,
    to: SO.Shape.Provider,
    params: {
        kind: PD.Select<ArrowKind>('dft', [['dft', 'DFT forces'], ['model', 'Model forces'], ['difference', 'Model − DFT']]),
        scale: PD.Numeric(0.5, { min: 0.01, max: 5, step: 0.01 }, { description: 'arrow length per force, Å per eV/Å' }),
        /** frame and model shown; changing them rebuilds the arrows */
        frameKey: PD.Text(''),
    },
})({
    canAutoUpdate: () => true,
    apply({ params }, plugin: PluginContext) {
        return Task.create('acelens: force arrows', async () => {
            const set = arrowSet(plugin, params.kind);
            const data = set ?? { origins: new Float64Array(0), vectors: new Float64Array(0), label: 'no forces' };
            const colour = ArrowColours[params.kind];
            return new SO.Shape.Provider({
                label: 'Force arrows',
                data,
                params: Mesh.Params,
                geometryUtils: Mesh.Utils,
                getShape: (_, d: ArrowSet) => Shape.create('acelens force arrows', d, arrowMesh(d, params.scale), () => colour, () => 1,
                    g => `${d.label}: |F| ${Math.hypot(d.vectors[3 * g], d.vectors[3 * g + 1], d.vectors[3 * g + 2]).toFixed(3)} eV/Å (atom ${g})`),
            }, { label: 'Force arrows', description: set?.label ?? 'no forces for this frame' });
        });
    },
});

const ArrowsTag = 'acelens-force-arrows';

const pending = new WeakMap<PluginContext, Promise<void>>();

/**
 * Shows, updates or (kind null) removes the force arrows of the current frame. Calls run one after another
 * (panels call this from several events at once), so there is never more than one arrow shape.
 */
export function setForceArrows(plugin: PluginContext, kind: ArrowKind | null, scale = 0.5): Promise<void> {
    const next = (pending.get(plugin) ?? Promise.resolve()).catch(() => {}).then(() => applyForceArrows(plugin, kind, scale));
    pending.set(plugin, next);
    return next;
}

async function applyForceArrows(plugin: PluginContext, kind: ArrowKind | null, scale: number) {
    const existing = plugin.state.data.select(StateSelection.Generators.root.subtree().withTag(ArrowsTag));
    if (!kind) {
        if (existing.length) {
            const b = plugin.build();
            for (const cell of existing) b.delete(cell.transform.ref);
            await b.commit();
        }
        return;
    }
    const current = currentDataset(plugin);
    const frameKey = `${current?.dataset.name}#${current?.frameIndex}|${acelensStore(plugin).activeModelId.value}`;
    const params = { kind, scale, frameKey };
    if (existing.length === 1) {
        const old = existing[0].transform.params as typeof params;
        if (old.kind === kind && old.scale === scale && old.frameKey === frameKey) return;
    }
    // rebuilt rather than updated: Mol*'s shape representation keeps its first geometry on a provider update
    const b = plugin.build();
    for (const cell of existing) b.delete(cell.transform.ref);
    b.toRoot().apply(ForceArrows3D, params, { tags: ArrowsTag })
        .apply(StateTransforms.Representation.ShapeRepresentation3D, { alpha: 1 } as any);
    await b.commit();
}
