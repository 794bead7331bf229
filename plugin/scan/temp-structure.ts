/**
 * A temporary structure in the 3D view (the C₂ dimer of the dimer panel, the displaced copy of a structure of
 * the bond-scan panel), loaded from plain XYZ text with Mol*'s own XYZ reader — so it carries no acelens frame
 * data and the dataset panels keep showing the dataset — and replaced when its geometry changes.
 *
 * Updates are serialised: while one load runs, only the latest requested geometry is kept and loaded next,
 * so dragging a slider never piles up work.
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { XyzProvider } from 'molstar/lib/mol-plugin-state/formats/trajectory';

interface Slot { ref?: string; running: boolean; pending?: { text: string; done: (() => void)[] } }

const slots = new WeakMap<PluginContext, Map<string, Slot>>();

function slotOf(plugin: PluginContext, label: string): Slot {
    let m = slots.get(plugin);
    if (!m) { m = new Map(); slots.set(plugin, m); }
    let s = m.get(label);
    if (!s) { s = { running: false }; m.set(label, s); }
    return s;
}

/** Plain XYZ text of atoms (element symbols, positions in Å, 3 per atom). */
export function xyzText(species: string[], positions: ArrayLike<number>, comment: string): string {
    const lines = [String(species.length), comment.replace(/\n/g, ' ')];
    for (let i = 0; i < species.length; i++) lines.push(`${species[i]} ${positions[3 * i].toFixed(6)} ${positions[3 * i + 1].toFixed(6)} ${positions[3 * i + 2].toFixed(6)}`);
    return lines.join('\n') + '\n';
}

async function load(plugin: PluginContext, slot: Slot, label: string, text: string) {
    const old = slot.ref;
    const data = await plugin.builders.data.rawData({ data: text, label });
    // Mol*'s XYZ provider itself, not by its name: acelens takes the name 'xyz' out of the plugin's data formats
    // (every .xyz a user opens goes through acelens' strict reader, plugin/index.ts), and these structures must
    // not carry acelens frame data
    const trajectory = await plugin.builders.structure.parseTrajectory(data, XyzProvider);
    await plugin.builders.structure.hierarchy.applyPreset(trajectory, 'default', { showUnitcell: false } as any);
    slot.ref = data.ref;
    if (old) await plugin.build().delete(old).commit();
}

/**
 * Shows `text` (plain XYZ) as the structure named `label`, replacing the previous one of that name.
 * Resolves when this geometry (or a newer one requested meanwhile) is on screen.
 */
export function showTemporaryStructure(plugin: PluginContext, label: string, text: string): Promise<void> {
    const slot = slotOf(plugin, label);
    return new Promise<void>((resolve, reject) => {
        if (slot.running) {
            const done = slot.pending?.done ?? [];
            done.push(resolve);
            slot.pending = { text, done };
            return;
        }
        slot.running = true;
        const run = async (t: string, done: (() => void)[]) => {
            try {
                await load(plugin, slot, label, t);
                done.forEach(d => d());
            } catch (e) {
                slot.running = false;
                slot.pending = undefined;
                reject(e);
                return;
            }
            const next = slot.pending;
            slot.pending = undefined;
            if (next) await run(next.text, next.done);
            else slot.running = false;
        };
        run(text, [resolve]);
    });
}

/** Removes the temporary structure named `label` (if shown). */
export async function removeTemporaryStructure(plugin: PluginContext, label: string) {
    const slot = slotOf(plugin, label);
    const ref = slot.ref;
    slot.ref = undefined;
    if (ref && plugin.state.data.cells.has(ref)) await plugin.build().delete(ref).commit();
}

/** The data-node ref of the temporary structure named `label`, if shown. */
export function temporaryStructureRef(plugin: PluginContext, label: string): string | undefined {
    const ref = slotOf(plugin, label).ref;
    return ref && plugin.state.data.cells.has(ref) ? ref : undefined;
}
