/**
 * What the plot area and the panels of one plugin share: the colouring of the 3D view (quantity, palette, range;
 * the plots use the same) and the atoms selected or hovered, as dataset atom ids.
 */
import { BehaviorSubject } from 'rxjs';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { DatasetErrors } from '../../src/analysis/dataset-errors';

export interface SharedColouring {
    /** Mol* theme name of the acelens quantity, e.g. 'acelens-force-error' */
    quantity: string;
    /** the range of the legend (after the range mode and scope), in the quantity's unit */
    min: number;
    max: number;
    /** the palette, low to high, as CSS colours */
    colours: string[];
    /** where the range comes from: the shown frame or the whole dataset */
    scope: 'frame' | 'dataset';
    /** e.g. '|F_model − F_DFT| (eV/Å)' */
    title: string;
}

export interface AtomSelection {
    /** dataset atom ids (frame offset + atom), ascending */
    ids: Int32Array;
    /** what made it, e.g. 'force parity: box' */
    label: string;
    /** the value range picked on the histogram, if it came from there */
    range?: [number, number];
}

export class WorkspaceState {
    readonly colouring = new BehaviorSubject<SharedColouring | undefined>(undefined);
    /** the errors of the active model on the current dataset, as plotted */
    readonly errors = new BehaviorSubject<DatasetErrors | undefined>(undefined);
    /** the atoms selected in a plot, the table or the 3D view */
    readonly selection = new BehaviorSubject<AtomSelection | undefined>(undefined);
    /** an acelens workspace (./workspace.tsx) is on screen: false in a host app that kept Mol*'s own layout */
    readonly mounted = new BehaviorSubject<boolean>(false);
}

const states = new WeakMap<PluginContext, WorkspaceState>();

export function workspaceState(plugin: PluginContext): WorkspaceState {
    let s = states.get(plugin);
    if (!s) states.set(plugin, s = new WorkspaceState());
    return s;
}
