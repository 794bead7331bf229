/**
 * Colour themes for per-atom quantities of a fitted model on the frames loaded from extended XYZ:
 * a generic Mol* colour-theme provider over "a number per atom of a frame", with a legend that names the
 * quantity and unit, shows the numeric ends and marks clamping, and grey for atoms without a value.
 * The quantities themselves are in ./quantities.ts.
 */
import { Bond, StructureElement, type Structure } from 'molstar/lib/mol-model/structure';
import type { Location } from 'molstar/lib/mol-model/location';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { ColorTheme } from 'molstar/lib/mol-theme/color';
import { ColorThemeCategory } from 'molstar/lib/mol-theme/color/categories';
import type { ThemeDataContext } from 'molstar/lib/mol-theme/theme';
import { Color, ColorScale } from 'molstar/lib/mol-util/color';
import { ScaleLegend } from 'molstar/lib/mol-util/legend';
import type { ColorListName } from 'molstar/lib/mol-util/color/lists';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import type { Frame } from '../../src/structure/frame';
import { getFrameData } from '../props/frame-data';
import { acelensStore, type AcelensStore, type StoredModel } from '../store';

/** Colour of atoms without a value (no DFT forces, no model): explained in the legend. */
export const NoValueColor = Color(0xa0a0a0);

export interface AtomQuantity {
    /** Mol* theme name, e.g. 'acelens-force-error' */
    name: string;
    label: string;
    /** what the legend calls it, e.g. '|F_model − F_DFT|' */
    symbol: string;
    unit: string;
    kind: 'sequential' | 'diverging';
    colours: ColorListName;
    description: string;
    /** extra parameters of this quantity (e.g. which component) */
    params?: PD.Params;
    /** per-atom values of a frame, or null where the quantity does not exist (e.g. no DFT forces) */
    values(store: AcelensStore, model: StoredModel, frame: Frame, props: Record<string, any>): ArrayLike<number> | null;
}

export const RangeParams = {
    model: PD.Text('active', { description: 'id of the model (see the fit panel), or "active"' }),
    range: PD.Select('robust', [['robust', 'Robust (2nd–98th percentile)'], ['minmax', 'Min–max'], ['manual', 'Manual']] as const),
    scope: PD.Select('frame', [['frame', 'This frame'], ['dataset', 'All frames of the dataset']] as const, { description: 'where the automatic range comes from; keep "dataset" to compare frames on one scale' }),
    min: PD.Numeric(0, { step: 0.01 }, { description: 'manual lower end (ignored for diverging scales: symmetric around 0)' }),
    max: PD.Numeric(1, { step: 0.01 }, { description: 'manual upper end' }),
};

export interface ColourRange { min: number; max: number; clampedLow: boolean; clampedHigh: boolean }

/** Quantile of sorted values (linear interpolation). */
function quantile(sorted: Float64Array, q: number) {
    if (sorted.length === 0) return NaN;
    const x = q * (sorted.length - 1);
    const i = Math.floor(x), f = x - i;
    return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

/** The colour range of a set of values for a range mode; diverging scales are symmetric around 0. */
export function colourRange(values: Float64Array, kind: AtomQuantity['kind'], mode: 'robust' | 'minmax' | 'manual', manual: { min: number; max: number }): ColourRange {
    const finite = values.filter(Number.isFinite).sort();
    let min: number, max: number;
    if (mode === 'manual') { min = manual.min; max = manual.max; } else if (finite.length === 0) { min = 0; max = 1; } else if (mode === 'robust') { min = quantile(finite, 0.02); max = quantile(finite, 0.98); } else { min = finite[0]; max = finite[finite.length - 1]; }
    if (kind === 'diverging') {
        const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
        min = -m; max = m;
    } else if (!(max > min)) max = min + (Math.abs(min) || 1) * 1e-3;
    const lo = finite.length ? finite[0] : min, hi = finite.length ? finite[finite.length - 1] : max;
    return { min, max, clampedLow: lo < min - 1e-12, clampedHigh: hi > max + 1e-12 };
}

function formatNumber(x: number) {
    const a = Math.abs(x);
    return a !== 0 && (a < 0.01 || a >= 1e4) ? x.toExponential(2) : x.toFixed(a < 1 ? 3 : 2);
}

/** Legend labels: quantity and unit at the ends, "≤"/"≥" where values beyond the end are clamped. */
export function legendLabels(q: Pick<AtomQuantity, 'symbol' | 'unit'>, range: ColourRange) {
    return {
        min: `${range.clampedLow ? '≤ ' : ''}${formatNumber(range.min)} ${q.unit}`,
        max: `${range.clampedHigh ? '≥ ' : ''}${formatNumber(range.max)} ${q.unit} · ${q.symbol} · grey: no value`,
    };
}

/**
 * A sentence for the legend when the colours cannot show the values: every atom (nearly) one colour, because
 * the atoms' values differ by less than 5 % of the colour range (e.g. the many-body part of a standard-basis
 * model: its self-interaction gives every atom a large K ≥ 3 share of nearly the same size, so a scale centred
 * on 0 paints them all alike). Undefined when the colours do show differences.
 */
export function uniformNote(q: Pick<AtomQuantity, 'name' | 'unit'>, values: ArrayLike<number>, range: ColourRange, variant?: 'standard' | 'purified'): string | undefined {
    const finite = Float64Array.from(values).filter(Number.isFinite).sort();
    if (finite.length < 2) return undefined;
    const lo = finite[0], hi = finite[finite.length - 1];
    const width = range.max - range.min;
    if (!(width > 0) || hi - lo > 0.05 * width) return undefined;
    let sum = 0;
    for (const x of finite) sum += x;
    const text = `every atom ${formatNumber(sum / finite.length)} ${q.unit} (spread ${formatNumber(hi - lo)} ${q.unit}): one colour at this range`;
    if (q.name === 'acelens-many-body-energy' && variant === 'standard' && Math.abs(sum / finite.length) > 2 * (hi - lo)) {
        return `${text}. A standard basis includes self-interaction: its K ≥ 3 part is a large, nearly equal share of every E_i; a self-interaction-free model shows where many-body terms act.`;
    }
    return `${text}.`;
}

function modelOf(store: AcelensStore, id: string): StoredModel | undefined {
    return id === 'active' ? store.activeModel : store.getModel(id);
}

/** Values of every atom of every model in the structure, keyed by Mol* model id, plus all values for the range. */
function collect(store: AcelensStore, q: AtomQuantity, structure: Structure, props: Record<string, any>) {
    const model = modelOf(store, props.model);
    const perModel = new Map<string, ArrayLike<number> | null>();
    const pooled: number[] = [];
    if (!model) return { model, perModel, pooled: new Float64Array(0) };
    for (const m of structure.models) {
        const data = getFrameData(m);
        if (!data) continue;
        const frame = data.dataset.frames[data.index];
        const v = q.values(store, model, frame, props);
        perModel.set(m.id, v);
        if (props.scope !== 'dataset' && v) for (let i = 0; i < v.length; i++) pooled.push(v[i]);
        if (props.scope === 'dataset') {
            for (const f of data.dataset.frames) {
                const w = f === frame ? v : q.values(store, model, f, props);
                if (w) for (let i = 0; i < w.length; i++) pooled.push(w[i]);
            }
        }
    }
    return { model, perModel, pooled: Float64Array.from(pooled) };
}

export function atomQuantityThemeProvider(plugin: PluginContext, q: AtomQuantity): ColorTheme.Provider<any, any> {
    const params = { ...(q.params ?? {}), ...RangeParams };
    const store = () => acelensStore(plugin);

    function factory(ctx: ThemeDataContext, props: PD.Values<typeof params>): ColorTheme<any> {
        const structure = ctx.structure;
        const { model, perModel, pooled } = structure ? collect(store(), q, structure, props) : { model: undefined, perModel: new Map(), pooled: new Float64Array(0) };
        const range = colourRange(pooled, q.kind, props.range, { min: props.min, max: props.max });
        const scale = ColorScale.create({ domain: [range.min, range.max], listOrName: q.colours });
        const value = (unit: StructureElement.Location['unit'], element: number) => {
            const v = perModel.get(unit.model.id);
            return v ? v[element] : undefined;
        };
        const color = (location: Location): Color => {
            let v: number | undefined;
            if (StructureElement.Location.is(location)) v = value(location.unit, location.element);
            else if (Bond.isLocation(location)) v = value(location.aUnit, location.aUnit.elements[location.aIndex]);
            return v === undefined || !Number.isFinite(v) ? NoValueColor : scale.color(v);
        };
        const labels = legendLabels(q, range);
        const legend = ScaleLegend(labels.min, labels.max, scale.legend.colors);
        return {
            factory,
            granularity: 'group',
            preferSmoothing: false,
            color,
            props,
            description: `${q.description}${model ? ` Model: ${model.name}.` : ' No model: fit or load one in the acelens fit panel.'} Range: ${props.range === 'robust' ? '2nd–98th percentile' : props.range} of ${props.scope === 'dataset' ? 'all frames' : 'this frame'}.`,
            legend,
        };
    }

    return {
        name: q.name,
        label: q.label,
        category: ColorThemeCategory.Atom,
        factory,
        getParams: () => params,
        defaultValues: PD.getDefaultValues(params),
        isApplicable: (ctx: ThemeDataContext) => !!ctx.structure && ctx.structure.models.some(m => !!getFrameData(m)),
    };
}
