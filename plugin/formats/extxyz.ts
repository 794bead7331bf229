/**
 * Extended XYZ as a Mol* trajectory format. All frames are read with the acelens reader (src/io), each becomes
 * a model of the trajectory; periodic frames get a P1 unit cell (rotated into Mol*'s standard orientation, atoms
 * with it) and every model keeps its Frame with the DFT labels (plugin/props/frame-data.ts).
 */
import { Column } from 'molstar/lib/mol-data/db';
import { Vec3 } from 'molstar/lib/mol-math/linear-algebra';
import type { Model, Trajectory } from 'molstar/lib/mol-model/structure';
import { trajectoryFromXyz } from 'molstar/lib/mol-model-formats/structure/xyz';
import { ModelSymmetry } from 'molstar/lib/mol-model-formats/structure/property/symmetry';
import type { XyzFile } from 'molstar/lib/mol-io/reader/xyz/parser';
import type { DataFormatProvider } from 'molstar/lib/mol-plugin-state/formats/provider';
import { TrajectoryFormatCategory } from 'molstar/lib/mol-plugin-state/formats/trajectory';
import { PluginStateObject as SO, PluginStateTransform } from 'molstar/lib/mol-plugin-state/objects';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { StateObjectRef } from 'molstar/lib/mol-state';
import { Task } from 'molstar/lib/mol-task';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { ExtXyzReader } from '../../src/io/extxyz';
import type { StringLike } from 'molstar/lib/mol-io/common/string-like';
import type { Frame } from '../../src/structure/frame';
import { getFrameData, setFrameData, type AcelensDataset } from '../props/frame-data';
import { rotateVectors, standardCell } from './standard-cell';
import { showOnlyTrajectory } from '../current-dataset';
import { initialModelProperties } from '../props/predictions';

function isPeriodic(frame: Frame) {
    return !!frame.cell && frame.pbc.some(p => p);
}

/** Builds the Mol* trajectory of a dataset (a Task, so Mol* shows progress). */
export function trajectoryFromFrames(dataset: AcelensDataset): Task<Trajectory> {
    return Task.create('acelens: build trajectory', async ctx => {
        const rotations: (Float64Array | null)[] = [];
        const molecules: XyzFile['molecules'][number][] = dataset.frames.map((frame, index) => {
            let positions = frame.positions;
            let rotation: Float64Array | null = null;
            if (isPeriodic(frame)) {
                rotation = standardCell(frame.cell!).rotation;
                positions = rotateVectors(frame.positions, rotation);
            }
            rotations.push(rotation);
            const n = frame.natoms;
            const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
            for (let i = 0; i < n; i++) { x[i] = positions[3 * i]; y[i] = positions[3 * i + 1]; z[i] = positions[3 * i + 2]; }
            return {
                comment: `${dataset.name} #${index}`,
                count: n,
                x: Column.ofFloatArray(x), y: Column.ofFloatArray(y), z: Column.ofFloatArray(z),
                type_symbol: Column.ofStringArray(frame.species),
            };
        });
        const trajectory = await trajectoryFromXyz({ molecules }).runInContext(ctx);
        const stores = new Set<Model['_staticPropertyData']>();
        for (let i = 0; i < trajectory.frameCount; i++) {
            const atIndex = trajectory.getFrameAtIndex(i);
            const model = Task.is(atIndex) ? await atIndex.runInContext(ctx) : atIndex;
            // Mol*'s XYZ reader makes a frame with the same atoms as the one before a copy of it that shares its
            // static property data; the cell and the frame data set below are per frame, so each frame gets its own
            // store (otherwise every frame of a run shows the last one's cell and DFT labels)
            if (stores.has(model._staticPropertyData)) (model as { _staticPropertyData: Model['_staticPropertyData'] })._staticPropertyData = { ...model._staticPropertyData };
            stores.add(model._staticPropertyData);
            const frame = dataset.frames[i];
            if (isPeriodic(frame)) {
                const cell = standardCell(frame.cell!);
                ModelSymmetry.Provider.set(model, ModelSymmetry.fromCell(Vec3.create(...cell.lengths), Vec3.create(...cell.angles)));
            }
            setFrameData(model, { dataset, index: i, rotation: rotations[i] });
        }
        return trajectory;
    });
}

/** Feeds Mol*'s string (a plain string, or a chunked one for very large files) to the incremental reader. */
async function readFrames(data: StringLike, fileName: string, progress: (done: number, total: number) => Promise<void> | void): Promise<Frame[]> {
    const reader = new ExtXyzReader({ fileName });
    const frames: Frame[] = [];
    const chunk = 1 << 20;
    for (let start = 0; start < data.length; start += chunk) {
        for (const f of reader.push(data.substring(start, Math.min(data.length, start + chunk)))) frames.push(f);
        await progress(Math.min(data.length, start + chunk), data.length);
    }
    for (const f of reader.finish()) frames.push(f);
    return frames;
}

export const TrajectoryFromExtXyz = PluginStateTransform.BuiltIn({
    name: 'acelens-trajectory-from-extxyz',
    display: { name: 'Parse extended XYZ (acelens)', description: 'All frames with cell and DFT labels.' },
    from: SO.Data.String,
    to: SO.Molecule.Trajectory,
    params: { name: PD.Text('dataset.xyz', { description: 'file name, used in error messages' }) },
})({
    apply({ a, params }) {
        return Task.create('acelens: read extended XYZ', async ctx => {
            const frames = await readFrames(a.data, params.name, (done, total) => ctx.update({ message: 'reading frames', current: done, max: total }));
            if (frames.length === 0) throw new Error(`${params.name}: no frames`);
            const dataset: AcelensDataset = { name: params.name, frames };
            const trajectory = await trajectoryFromFrames(dataset).runInContext(ctx);
            return new SO.Molecule.Trajectory(trajectory, { label: params.name, description: `${frames.length} frame${frames.length === 1 ? '' : 's'}` });
        });
    },
});

/** The frame shown first: the first with more than two atoms (datasets start with the isolated atom), else 0. */
export function initialFrameIndex(frames: Frame[]): number {
    const k = frames.findIndex(f => f.natoms > 2);
    return k < 0 ? 0 : k;
}

/** Draws one frame: ball-and-stick (Mol*'s auto preset for small structures) and the unit cell, visible. */
export async function extXyzVisuals(plugin: PluginContext, data: { trajectory: StateObjectRef<SO.Molecule.Trajectory> }) {
    const builder = plugin.builders.structure;
    const trajectory = StateObjectRef.resolve(plugin.state.data, data.trajectory)?.obj?.data;
    const first = trajectory ? await Promise.resolve(trajectory.representative) : undefined;
    const dataset = first ? getFrameData(first)?.dataset : undefined;
    const model = await builder.createModel(data.trajectory, { modelIndex: dataset ? initialFrameIndex(dataset.frames) : 0 });
    // the model properties node: the acelens predictions property is attached there (its model chosen by the colouring panel)
    const properties = await builder.insertModelProperties(model, initialModelProperties());
    const structure = await builder.createStructure(properties, { name: 'model', params: {} });
    const unitcell = await builder.tryCreateUnitcell(model, undefined, { isHidden: false });
    const representation = await builder.representation.applyPreset(structure, 'auto');
    // one dataset shown at a time: the ones loaded before are hidden (Mol*'s eye toggles show them again)
    showOnlyTrajectory(plugin, StateObjectRef.resolveRef(data.trajectory)!);
    return { model, structure, unitcell, representation };
}

function looksExtended(text: string): boolean {
    const firstNewline = text.indexOf('\n');
    const secondNewline = text.indexOf('\n', firstNewline + 1);
    const comment = text.slice(firstNewline + 1, secondNewline < 0 ? undefined : secondNewline);
    return /(^|\s)(Lattice|Properties|pbc)=/.test(comment);
}

export const ExtXyzFormatProvider: DataFormatProvider<{ name: string }, { trajectory: StateObjectRef<SO.Molecule.Trajectory> }, any> = {
    label: 'Extended XYZ (acelens)',
    description: 'Extended XYZ as written by ASE: frames, cell, pbc, energies, forces, stress, config_type',
    category: TrajectoryFormatCategory,
    stringExtensions: ['extxyz', 'xyz'],
    // every .xyz/.extxyz goes through acelens' strict reader (plain XYZ is extended XYZ without the key=value
    // comment): a bad file is refused with file, line and frame instead of being drawn wrongly by a laxer reader
    isApplicable: (info, data) => info.ext === 'extxyz' || info.ext === 'xyz' || (!(data instanceof Uint8Array) && looksExtended(data.substring(0, 4096))),
    parse: async (plugin, data, params) => {
        const cell = StateObjectRef.resolve(plugin.state.data, data);
        const name = params?.name ?? (cell?.obj?.label || 'dataset.xyz');
        const trajectory = await plugin.state.data.build().to(data)
            .apply(TrajectoryFromExtXyz, { name })
            .commit();
        return { trajectory };
    },
    visuals: extXyzVisuals,
};
