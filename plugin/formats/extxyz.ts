/**
 * Extended XYZ as a Mol* trajectory format. All frames are read with the acelens reader (src/io) in a web worker
 * (./extxyz-read.ts: the page stays responsive, frames arrive as transferred typed arrays), each becomes a model
 * of the trajectory when it is shown (ExtXyzTrajectory); periodic frames get a P1 unit cell (rotated into Mol*'s standard orientation, atoms
 * with it) and every model keeps its Frame with the DFT labels (plugin/props/frame-data.ts).
 */
import { Column } from 'molstar/lib/mol-data/db';
import { Vec3 } from 'molstar/lib/mol-math/linear-algebra';
import { Model, type Trajectory } from 'molstar/lib/mol-model/structure';
import { trajectoryFromXyz } from 'molstar/lib/mol-model-formats/structure/xyz';
import { ModelSymmetry } from 'molstar/lib/mol-model-formats/structure/property/symmetry';
import type { XyzFile } from 'molstar/lib/mol-io/reader/xyz/parser';
import type { DataFormatProvider } from 'molstar/lib/mol-plugin-state/formats/provider';
import { TrajectoryFormatCategory } from 'molstar/lib/mol-plugin-state/formats/trajectory';
import { PluginStateObject as SO, PluginStateTransform } from 'molstar/lib/mol-plugin-state/objects';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { StateObjectRef } from 'molstar/lib/mol-state';
import { Task, type RuntimeContext } from 'molstar/lib/mol-task';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { readExtXyzInWorker } from './extxyz-read';
import type { Frame } from '../../src/structure/frame';
import { getFrameData, setFrameData, type AcelensDataset } from '../props/frame-data';
import { rotateVectors, standardCell } from './standard-cell';
import { showOnlyTrajectory } from '../current-dataset';
import { initialModelProperties } from '../props/predictions';

function isPeriodic(frame: Frame) {
    return !!frame.cell && frame.pbc.some(p => p);
}

/** One frame as a Mol* model: a P1 cell for a periodic frame (rotated into Mol*'s standard orientation, atoms with it) and the frame's data. */
async function frameModel(dataset: AcelensDataset, index: number, ctx: RuntimeContext): Promise<Model> {
    const frame = dataset.frames[index];
    let positions = frame.positions;
    let rotation: Float64Array | null = null;
    if (isPeriodic(frame)) {
        rotation = standardCell(frame.cell!).rotation;
        positions = rotateVectors(frame.positions, rotation);
    }
    const n = frame.natoms;
    const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
    for (let i = 0; i < n; i++) { x[i] = positions[3 * i]; y[i] = positions[3 * i + 1]; z[i] = positions[3 * i + 2]; }
    const molecule: XyzFile['molecules'][number] = {
        comment: `${dataset.name} #${index}`,
        count: n,
        x: Column.ofFloatArray(x), y: Column.ofFloatArray(y), z: Column.ofFloatArray(z),
        type_symbol: Column.ofStringArray(frame.species),
    };
    const one = await trajectoryFromXyz({ molecules: [molecule] }).runInContext(ctx);
    const model = one.representative;
    Model.TrajectoryInfo.set(model, { index, size: dataset.frames.length });
    if (isPeriodic(frame)) {
        const cell = standardCell(frame.cell!);
        ModelSymmetry.Provider.set(model, ModelSymmetry.fromCell(Vec3.create(...cell.lengths), Vec3.create(...cell.angles)));
    }
    setFrameData(model, { dataset, index, rotation });
    return model;
}

/** How many frame models a trajectory keeps built (the most recently shown); the others are rebuilt when asked for. */
export const KeptFrameModels = 32;

/**
 * The Mol* trajectory of a dataset: each frame's model is built when it is first asked for (Mol*'s frame slider,
 * the Dataset panel), not all up front — a 3 000-frame file shows its first structure after building one model,
 * and memory holds at most KeptFrameModels models besides the frames themselves.
 */
export class ExtXyzTrajectory implements Trajectory {
    readonly frameCount: number;
    readonly duration: number;
    private readonly kept = new Map<number, Promise<Model>>();

    private constructor(readonly dataset: AcelensDataset, readonly representative: Model, representativeIndex: number) {
        this.frameCount = dataset.frames.length;
        this.duration = dataset.frames.length;
        this.kept.set(representativeIndex, Promise.resolve(representative));
    }

    /** Builds the model of the frame shown first (the representative, which carries the dataset for the panels). */
    static async create(dataset: AcelensDataset, ctx: RuntimeContext): Promise<ExtXyzTrajectory> {
        const first = initialFrameIndex(dataset.frames);
        return new ExtXyzTrajectory(dataset, await frameModel(dataset, first, ctx), first);
    }

    getFrameAtIndex(i: number): Task<Model> {
        if (!(i >= 0 && i < this.frameCount)) throw new Error(`${this.dataset.name}: no frame ${i} (the file has ${this.frameCount})`);
        return Task.create(`acelens: frame ${i}`, ctx => {
            let model = this.kept.get(i);
            if (model) this.kept.delete(i); // re-inserted below: the map's order is the order of use
            else model = frameModel(this.dataset, i, ctx);
            this.kept.set(i, model);
            model.catch(() => this.kept.delete(i));
            while (this.kept.size > KeptFrameModels) this.kept.delete(this.kept.keys().next().value!);
            return model;
        });
    }
}

/** Builds the Mol* trajectory of a dataset (a Task, so Mol* shows progress). */
export function trajectoryFromFrames(dataset: AcelensDataset): Task<Trajectory> {
    return Task.create('acelens: build trajectory', ctx => ExtXyzTrajectory.create(dataset, ctx));
}

export const TrajectoryFromExtXyz = PluginStateTransform.BuiltIn({
    name: 'acelens-trajectory-from-extxyz',
    display: { name: 'Parse extended XYZ (acelens)', description: 'All frames with cell and DFT labels, read in a web worker.' },
    from: SO.Data.String,
    to: SO.Molecule.Trajectory,
    params: { name: PD.Text('dataset.xyz', { description: 'file name, used in error messages' }) },
})({
    apply({ a, params }) {
        // Mol*'s string may be a chunked one for very large files: the worker gets one string
        return Task.create('acelens: read extended XYZ', ctx => trajectoryObject(typeof a.data === 'string' ? a.data : a.data.toString(), params.name, ctx));
    },
});

/**
 * A file opened from disk, read by the worker straight from the File (streamed: the text is never whole on the
 * main thread). Mol*'s Asset.File param, as its own ReadFile transform has.
 */
export const TrajectoryFromExtXyzFile = PluginStateTransform.BuiltIn({
    name: 'acelens-trajectory-from-extxyz-file',
    display: { name: 'Open extended XYZ file (acelens)', description: 'All frames with cell and DFT labels, read in a web worker.' },
    from: SO.Root,
    to: SO.Molecule.Trajectory,
    params: { file: PD.File({ accept: '.xyz,.extxyz', label: 'file' }) },
})({
    apply({ params }) {
        return Task.create('acelens: read extended XYZ', ctx => {
            const file = params.file?.file;
            if (!file) throw new Error('no file chosen');
            return trajectoryObject(file, params.file!.name, ctx);
        });
    },
});

async function trajectoryObject(source: Blob | string, name: string, ctx: RuntimeContext) {
    const { frames } = await readExtXyzInWorker(source, name, ctx);
    if (frames.length === 0) throw new Error(`${name}:1: no frames (expected extended XYZ: an atom count, a comment line, one line per atom)`);
    const dataset: AcelensDataset = { name, frames };
    const trajectory = await ExtXyzTrajectory.create(dataset, ctx);
    return new SO.Molecule.Trajectory(trajectory, { label: name, description: `${frames.length} frame${frames.length === 1 ? '' : 's'}` });
}

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
