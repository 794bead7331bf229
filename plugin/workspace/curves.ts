/**
 * What the C₂ dimer and bond-scan panels (forms in Mol*'s right column) and their plots in the workspace's plot
 * area share, per plugin: the curves to draw (computed by the panels with src/analysis) and the distance picked
 * by a click on a plot (the panel moves its slider and the 3D structure there). Linked both ways.
 */
import { BehaviorSubject, Subject } from 'rxjs';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { DftDimerPoint, ModelDimerCurve, PairHistogram } from '../../src/analysis/dimer-curves';
import type { BondScan } from '../../src/scan/bond-scan';

export interface DimerPlotInput {
    curves: ModelDimerCurve[];
    /** DFT points (lowest spin state), the spin-unpolarised convention and the reference study's values, when shown */
    dft: DftDimerPoint[];
    spinPaired: { r: number; binding: number }[];
    paper: { r: number; energy: number }[];
    /** pair distances of the current dataset, drawn as bars beneath the curves */
    histogram: { name: string; h: PairHistogram } | null;
    /** the distance of the slider (Å) */
    r: number;
    rmin: number;
    rmax: number;
    /** energy axis range (eV), or undefined for automatic */
    yRange?: [number, number];
    /** the model whose curve is split by body order, or null */
    decomposed: ModelDimerCurve | null;
}

export interface BondScanPlotInput {
    results: { name: string; order: number; variant: string; scan: BondScan }[];
    /** the model being scanned: r (Å) and E − E_start (eV) so far */
    partial?: { name: string; r: number[]; energy: number[] };
    quantity: 'energy' | 'force';
    /** distance of the slider (Å), NaN when no scan */
    r: number;
    i: number | null;
    j: number | null;
}

export type CurvePlotKind = 'dimer' | 'bond-scan';

export class CurvePlotsState {
    readonly dimer = new BehaviorSubject<DimerPlotInput | undefined>(undefined);
    readonly bondScan = new BehaviorSubject<BondScanPlotInput | undefined>(undefined);
    /** a distance (Å) clicked on the dimer plot */
    readonly dimerPick = new Subject<number>();
    /** a distance (Å) clicked on the bond-scan plot */
    readonly bondScanPick = new Subject<number>();
    /** asks the plot area to scroll that plot into view */
    readonly reveal = new Subject<CurvePlotKind>();
}

const states = new WeakMap<PluginContext, CurvePlotsState>();

export function curvePlots(plugin: PluginContext): CurvePlotsState {
    let s = states.get(plugin);
    if (!s) states.set(plugin, s = new CurvePlotsState());
    return s;
}
