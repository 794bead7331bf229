/**
 * Between the plots and the 3D view: dataset atom ids (src/analysis/dataset-errors.ts: frame offset + atom) and
 * Mol* loci. A selection made in a plot becomes a Mol* selection of those atoms in the shown frame (the frame is
 * switched when none of them is in it); an atom hovered, clicked or selected in 3D becomes ids the plots mark.
 */
import { OrderedSet } from 'molstar/lib/mol-data/int';
import type { Loci } from 'molstar/lib/mol-model/loci';
import { Structure, StructureElement } from 'molstar/lib/mol-model/structure';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { AtomIndex } from '../../src/analysis/dataset-errors';
import { currentDataset, showFrame } from '../current-dataset';
import { getFrameData, type AcelensDataset } from '../props/frame-data';

/** The structure of the shown frame of the current dataset (Mol* data), if drawn. */
export function shownStructure(plugin: PluginContext): Structure | undefined {
    const current = currentDataset(plugin);
    return current?.trajectory.models[0]?.structures[0]?.cell.obj?.data;
}

/** Dataset atom ids of the atoms of a loci (images of an atom count as the atom); only atoms of `dataset`. */
export function atomIdsOfLoci(loci: Loci, dataset: AcelensDataset, index: AtomIndex): number[] {
    if (!StructureElement.Loci.is(loci)) return [];
    const ids = new Set<number>();
    for (const e of loci.elements) {
        const data = getFrameData(e.unit.model);
        if (!data || data.dataset !== dataset) continue;
        const first = index.offsets[data.index];
        OrderedSet.forEach(e.indices, i => { ids.add(first + e.unit.elements[i]); });
    }
    return [...ids].sort((a, b) => a - b);
}

/** The Mol* loci of some atoms (model atom indices) of a structure: every copy of them (periodic images too). */
export function lociOfAtoms(structure: Structure, atoms: ReadonlySet<number>): StructureElement.Loci {
    const elements: StructureElement.Loci['elements'][number][] = [];
    for (const unit of structure.units) {
        if (!getFrameData(unit.model)) continue;
        const indices: number[] = [];
        for (let i = 0; i < unit.elements.length; i++) if (atoms.has(unit.elements[i])) indices.push(i);
        if (indices.length) elements.push({ unit, indices: OrderedSet.ofSortedArray(indices as any) as any });
    }
    return StructureElement.Loci(structure, elements);
}

/**
 * Selects the given atoms (dataset ids; `preferred` first: e.g. the largest error) in Mol*: the shown frame when
 * it holds any of them, else the frame of `preferred` (or of the first id) is shown first. Returns the frame shown
 * and how many atoms were selected in it.
 */
export async function selectAtomsInViewer(plugin: PluginContext, index: AtomIndex, ids: ArrayLike<number>, preferred?: number, opts: { focus?: boolean } = {}): Promise<{ frame: number; atoms: number } | undefined> {
    const current = currentDataset(plugin);
    if (!current || ids.length === 0) {
        plugin.managers.interactivity.lociSelects.deselectAll();
        return undefined;
    }
    let frame = current.frameIndex;
    let inShown = false;
    for (let k = 0; k < ids.length && !inShown; k++) inShown = index.frameOf(ids[k]) === frame;
    if (!inShown) {
        frame = index.frameOf(preferred ?? ids[0]);
        await showFrame(plugin, frame);
        performance.mark('acelens:select:frame-shown'); // (read by `npm run bench -- ui`)
    }
    const atoms = new Set<number>();
    const first = index.offsets[frame], end = index.offsets[frame + 1];
    for (let k = 0; k < ids.length; k++) if (ids[k] >= first && ids[k] < end) atoms.add(ids[k] - first);
    // `showFrame` resolves once its one state update (new model, structure, components and visuals) is done: the
    // atoms are selected in the new structure at once. Mol* drops a selection whose structure is replaced (an update
    // that another part started meanwhile): select once no update is running, and again if it was dropped
    let loci: StructureElement.Loci | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
        // no await when nothing is updating: in the frame shown the atoms are then selected in the caller's task,
        // before whatever the caller renders next (the plot area's table)
        if (attempt > 0 || plugin.behaviors.state.isUpdating.value) await stateIdle(plugin);
        const structure = shownStructure(plugin);
        if (!structure) return { frame, atoms: 0 };
        loci = lociOfAtoms(structure, atoms);
        performance.mark('acelens:select:mol-select'); // (read by `npm run bench -- ui`)
        plugin.managers.interactivity.lociSelects.selectOnly({ loci }, false); // these atoms, not their residue (Mol*'s picking granularity)
        if (atoms.size === 0) break;
        await stateIdle(plugin);
        const now = shownStructure(plugin);
        const selected = now ? plugin.managers.structure.selection.getLoci(now) : undefined;
        if (selected && StructureElement.Loci.is(selected) && !StructureElement.Loci.isEmpty(selected)) break;
    }
    if (opts.focus && loci) {
        // Mol*'s focus (the focused atoms and their surroundings drawn as such) and the camera, as a click in 3D does
        plugin.managers.structure.focus.setFromLoci(loci);
        plugin.managers.camera.focusLoci(loci);
    }
    return { frame, atoms: atoms.size };
}

/**
 * Resolves when Mol*'s state tree has no update running: at once when none is, else when Mol* says the update is
 * over (its `isUpdating` behaviour; no polling). Gives up after `timeoutMs` (an update that never ends must not
 * hold the selection forever).
 */
export function stateIdle(plugin: PluginContext, timeoutMs = 5000): Promise<void> {
    const updating = plugin.behaviors.state.isUpdating;
    if (!updating.value) return Promise.resolve();
    return new Promise(resolve => {
        // (done runs after both are set: from the timer, or a microtask after the subscription's value turns false)
        const timer = setTimeout(() => done(), timeoutMs);
        const sub = updating.subscribe(u => { if (!u) queueMicrotask(done); });
        function done() { clearTimeout(timer); sub.unsubscribe(); resolve(); }
    });
}

/** Dataset ids of the atoms selected in Mol* in the shown structure. */
export function selectedAtomIds(plugin: PluginContext, dataset: AcelensDataset, index: AtomIndex): number[] {
    const structure = shownStructure(plugin);
    if (!structure) return [];
    return atomIdsOfLoci(plugin.managers.structure.selection.getLoci(structure), dataset, index);
}

/**
 * Mol*'s selection outline (its marking pass) draws with the 'marking' variant of every shader program on screen;
 * Mol* links those programs only when something is first selected or highlighted, and in software WebGL
 * (SwiftShader) linking them took ≈0.6 s, paid by the first selection (`npm run bench -- ui --profile`:
 * getAttribLocation under the program's finalize). They are linked here instead, when the browser is idle after
 * the drawn representations changed, a few at a time (Mol*'s own time-sliced finalize). Returns the unsubscribe.
 */
export function prepareSelectionHighlight(plugin: PluginContext): () => void {
    const canvas3d = plugin.canvas3d;
    if (!canvas3d) return () => {};
    let scheduled = false, disposed = false;
    const ric: (cb: () => void) => void = (globalThis as any).requestIdleCallback
        ? cb => (globalThis as any).requestIdleCallback(cb) : cb => setTimeout(cb, 200);
    const step = () => {
        const webgl = plugin.canvas3d?.webgl;
        if (disposed || !webgl || webgl.isContextLost) { scheduled = false; return; }
        if (webgl.resources.finalizePrograms(['marking'], false)) { scheduled = false; return; }
        ric(step);
    };
    const sub = canvas3d.reprCount.subscribe(() => { if (!scheduled) { scheduled = true; ric(step); } });
    return () => { disposed = true; sub.unsubscribe(); };
}
