/**
 * Colour themes for per-atom quantities of a fitted model on the frames loaded from extended XYZ:
 * a generic Mol* colour-theme provider over "a number per atom of a frame", with a legend that names the
 * quantity and unit, shows the numeric ends and marks clamping, and grey for atoms without a value.
 * The quantities themselves are in ./quantities.ts.
 *
 * A theme is a pure function of its parameters and of the structure with its custom properties: the model is
 * chosen from the list of stored models (a `PD.Select`, the list read when Mol* asks for the parameters), its
 * numbers come only from the 'acelens-predictions' model property (plugin/props/predictions.ts), which
 * `ensureCustomProperties` attaches. Nothing mutable is read while colouring; the legend shown by the acelens panel
 * is computed by the same function (`quantityColouring`) from the parameters the representation has.
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
import type { CustomModelProperty } from 'molstar/lib/mol-model-props/common/custom-model-property';
import type { FramePrediction } from '../../src/analysis/predictions';
import { getFrameData } from '../props/frame-data';
import { attachedPredictions, predictionsProvider, type ModelPredictions, type PredictionModelInfo, type PredictionParams } from '../props/predictions';
import { acelensStore, type StoredModel } from '../store';

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
    /** per-atom values of a frame's prediction, or null where the quantity does not exist (e.g. no DFT forces) */
    values(model: PredictionModelInfo, prediction: FramePrediction, props: Record<string, any>): ArrayLike<number> | null;
    /** why the quantity does not exist for this model at all (e.g. no posterior), or null */
    unavailable?(model: PredictionModelInfo): string | null;
}

/** The model parameter of the themes: one of the stored models. */
export function modelParam(models: readonly StoredModel[]) {
    return PD.Select<string>(models[0]?.id ?? '', models.length ? models.map(m => [m.id, m.name] as [string, string]) : [['', 'no model']],
        { description: 'the stored model (fit or upload one in the acelens panels); its predictions come from the acelens-predictions model property' });
}

export const RangeParams = {
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

/** The colour range of a set of values for a range mode; diverging scales are symmetric around 0. (`sortedFinite`: the values are finite and ascending already.) */
export function colourRange(values: Float64Array, kind: AtomQuantity['kind'], mode: 'robust' | 'minmax' | 'manual', manual: { min: number; max: number }, sortedFinite = false): ColourRange {
    const finite = sortedFinite ? values : values.filter(Number.isFinite).sort();
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

type Provider = CustomModelProperty.Provider<PredictionParams, ModelPredictions | undefined>;

export interface QuantityColouring {
    /** the model the atoms are coloured with (its predictions attached), if any */
    model?: PredictionModelInfo;
    /** values per Mol* model id (frame), null where the quantity does not exist */
    perModel: Map<string, ArrayLike<number> | null>;
    /** the values the range comes from */
    pooled: Float64Array;
    range: ColourRange;
    /** the range is from this frame although "all frames" was asked (the dataset's predictions are not attached) */
    scopeFallback: boolean;
    /** why no atom has a colour (no model, predictions not attached, quantity not available), or undefined */
    missing?: string;
}

/**
 * The numbers a theme colours by, from the structure's attached predictions and the theme's parameters only:
 * the theme factory and the panel's legend both call it, so they cannot disagree.
 */
export function quantityColouring(provider: Provider, q: AtomQuantity, structure: Structure | undefined, props: Record<string, any>): QuantityColouring {
    const perModel = new Map<string, ArrayLike<number> | null>();
    const parts: ArrayLike<number>[] = [];
    let sortedPart: Float64Array | undefined;
    let model: PredictionModelInfo | undefined, missing: string | undefined, scopeFallback = false;
    let any = false;
    for (const m of structure?.models ?? []) {
        if (!getFrameData(m)) continue;
        any = true;
        const attached = props.model ? attachedPredictions(provider, m, props.model) : undefined;
        if (!attached) { missing = props.model ? 'the predictions of this model are not attached to the frame (yet)' : 'no model: fit or upload one'; continue; }
        model = attached.model;
        const why = q.unavailable?.(attached.model);
        if (why) { missing = why; perModel.set(m.id, null); continue; }
        const v = q.values(attached.model, attached.frame, props);
        perModel.set(m.id, v);
        if (props.scope === 'dataset' && attached.dataset) {
            const sorted = datasetValues(q, attached.model, attached.dataset, props);
            parts.push(sorted);
            sortedPart = sorted;
        } else {
            if (props.scope === 'dataset') scopeFallback = true;
            if (v) parts.push(v);
        }
    }
    if (!any) missing = 'not a frame read from extended XYZ';
    // one structure of one frame with the dataset's values (the usual case): those, sorted once per dataset
    const single = parts.length === 1 && parts[0] === sortedPart;
    const values = single ? sortedPart! : concatenate(parts);
    const range = colourRange(values, q.kind, props.range, { min: props.min, max: props.max }, single);
    return { model, perModel, pooled: values, range, scopeFallback, missing };
}

function concatenate(parts: ArrayLike<number>[]): Float64Array {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Float64Array(n);
    let k = 0;
    for (const p of parts) for (let i = 0; i < p.length; i++) out[k++] = p[i];
    return out;
}

/**
 * The finite values of a quantity over every frame of a dataset, ascending: a memo of a pure function of the
 * predictions (objects of the store's cache, never changed once made), the quantity and its own parameters, so a
 * theme of scope "dataset" costs O(atoms of the frame) after the first (2·10⁵ atoms of GAP-20: a sort of the whole
 * dataset per theme factory call otherwise, and Mol* calls it per visual).
 */
const datasetMemo = new WeakMap<FramePrediction, Map<string, { dataset: readonly FramePrediction[]; sorted: Float64Array }>>();

function datasetValues(q: AtomQuantity, model: PredictionModelInfo, dataset: readonly FramePrediction[], props: Record<string, any>): Float64Array {
    const own = Object.keys(q.params ?? {}).map(k => props[k]);
    const key = JSON.stringify([q.name, model.id, own]);
    const anchor = dataset[0];
    let memo = anchor ? datasetMemo.get(anchor) : undefined;
    const hit = memo?.get(key);
    if (hit && hit.dataset.length === dataset.length && hit.dataset.every((p, k) => p === dataset[k])) return hit.sorted;
    let n = 0;
    const perFrame = dataset.map(p => q.values(model, p, props));
    for (const w of perFrame) if (w) for (let i = 0; i < w.length; i++) if (Number.isFinite(w[i])) n++;
    const sorted = new Float64Array(n);
    let k = 0;
    for (const w of perFrame) if (w) for (let i = 0; i < w.length; i++) if (Number.isFinite(w[i])) sorted[k++] = w[i];
    sorted.sort();
    if (anchor) {
        if (!memo) datasetMemo.set(anchor, memo = new Map());
        memo.set(key, { dataset, sorted });
    }
    return sorted;
}

export function atomQuantityThemeProvider(plugin: PluginContext, q: AtomQuantity): ColorTheme.Provider<any, any> {
    const provider = predictionsProvider(plugin);
    const getParams = () => ({ ...(q.params ?? {}), model: modelParam(acelensStore(plugin).models.value), ...RangeParams });
    type Params = ReturnType<typeof getParams>;

    function factory(ctx: ThemeDataContext, props: PD.Values<Params>): ColorTheme<any> {
        const c = quantityColouring(provider, q, ctx.structure, props);
        const scale = ColorScale.create({ domain: [c.range.min, c.range.max], listOrName: q.colours });
        const value = (unit: StructureElement.Location['unit'], element: number) => {
            const v = c.perModel.get(unit.model.id);
            return v ? v[element] : undefined;
        };
        const color = (location: Location): Color => {
            let v: number | undefined;
            if (StructureElement.Location.is(location)) v = value(location.unit, location.element);
            else if (Bond.isLocation(location)) v = value(location.aUnit, location.aUnit.elements[location.aIndex]);
            return v === undefined || !Number.isFinite(v) ? NoValueColor : scale.color(v);
        };
        const labels = legendLabels(q, c.range);
        const legend = ScaleLegend(labels.min, labels.max, scale.legend.colors);
        const scope = props.scope === 'dataset' && !c.scopeFallback ? 'all frames' : 'this frame';
        return {
            factory,
            granularity: 'group',
            preferSmoothing: false,
            color,
            props,
            description: `${q.description}${c.model ? ` Model: ${c.model.name}.` : ''}${c.missing ? ` Grey: ${c.missing}.` : ''} Range: ${props.range === 'robust' ? '2nd–98th percentile' : props.range} of ${scope}.`,
            legend,
        };
    }

    return {
        name: q.name,
        label: q.label,
        category: ColorThemeCategory.Atom,
        factory,
        getParams,
        get defaultValues() { return PD.getDefaultValues(getParams()); },
        isApplicable: (ctx: ThemeDataContext) => !!ctx.structure && ctx.structure.models.some(m => !!getFrameData(m)),
        ensureCustomProperties: {
            attach: async (ctx, data) => {
                for (const m of data.structure?.models ?? []) if (provider.isApplicable(m)) await provider.attach(ctx, m, void 0, true);
            },
            detach: data => {
                for (const m of data.structure?.models ?? []) if (provider.isApplicable(m)) provider.ref(m, false);
            },
        },
    };
}
