/**
 * Per-config_type weights as users write them: a small JSON or YAML file, or an inline list.
 *
 * File (JSON or YAML; one entry per config_type, `default` for every config_type not listed):
 *
 *   default:  { sigma_E: 0.010, sigma_F: 0.40, sigma_V: 0.10 }   # σ: eV/atom, eV/Å, eV/atom
 *   Liquid:   { sigma_E: 0.003, sigma_F: 0.30 }
 *   Dimer:    { E: 30, F: 1 }                                    # or weights w = 1/σ (ACEpotentials' E/F/V)
 *
 * Inline (`--weights`): `config_type=σE,σF[,σV]` entries separated by ';', σ in eV/atom, eV/Å, eV/atom.
 *
 * Each entry gives that config_type's weights w_E = 1/σ_E, w_F = 1/σ_F, w_V = 1/σ_V in the loss of
 * ./normal-equations.ts (energy rows per atom, force rows averaged per structure); a value left out comes
 * from `default`, and without `default` from the global weights (--energy-weight etc.). σ = ∞ (or w = 0)
 * leaves that label out. Per-structure info keys and per-atom force weights multiply on top.
 *
 * Browser-safe (the `yaml` package is pure JavaScript).
 */
import { parse as parseYaml } from 'yaml';
import type { ConfigTypeWeights } from './normal-equations';

export class WeightsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'WeightsError';
    }
}

/** One entry: weights (1/σ) where given, undefined where left to the default. */
export type PartialWeights = Partial<ConfigTypeWeights>;

export interface WeightsTable {
  /** entry `default` (applies to config_types not listed, and fills missing values of listed ones) */
  default: PartialWeights | null;
  byConfigType: Record<string, PartialWeights>;
}

const SIGMA_KEYS: Record<string, keyof ConfigTypeWeights> = { sigma_E: 'energy', sigma_F: 'force', sigma_V: 'virial' };
const WEIGHT_KEYS: Record<string, keyof ConfigTypeWeights> = { E: 'energy', F: 'force', V: 'virial' };

function fromSigma(where: string, sigma: unknown): number {
    if (sigma === '.inf' || sigma === 'inf' || sigma === Infinity) return 0;
    if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) throw new WeightsError(`${where}: σ must be a number > 0, got ${JSON.stringify(sigma)}`);
    return 1 / sigma;
}

function weightValue(where: string, w: unknown): number {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new WeightsError(`${where}: weight must be a number ≥ 0, got ${JSON.stringify(w)}`);
    return w;
}

/** Parses the text of a weights file (JSON or YAML). `fileName` prefixes errors. */
export function parseWeightsFile(text: string, fileName = 'weights'): WeightsTable {
    let obj: unknown;
    try {
        obj = parseYaml(text); // YAML is a superset of JSON
    } catch (err) {
        throw new WeightsError(`${fileName}: not valid JSON or YAML (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new WeightsError(`${fileName}: expected a mapping config_type → {sigma_E, sigma_F, sigma_V} (or {E, F, V} weights)`);
    }
    const table: WeightsTable = { default: null, byConfigType: {} };
    for (const [ct, entry] of Object.entries(obj as Record<string, unknown>)) {
        const where = `${fileName}: ${ct}`;
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new WeightsError(`${where}: expected {sigma_E, sigma_F, sigma_V} or {E, F, V}`);
        const out: PartialWeights = {};
        for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
            if (k in SIGMA_KEYS) out[SIGMA_KEYS[k]] = fromSigma(`${where}.${k}`, v);
            else if (k in WEIGHT_KEYS) out[WEIGHT_KEYS[k]] = weightValue(`${where}.${k}`, v);
            else throw new WeightsError(`${where}: unknown key '${k}' (expected sigma_E, sigma_F, sigma_V — or weights E, F, V)`);
        }
        if (ct === 'default') table.default = out;
        else table.byConfigType[ct] = out;
    }
    return table;
}

/** Parses `config_type=σE,σF[,σV];…` (σ in eV/atom, eV/Å, eV/atom). */
export function parseWeightsInline(text: string): WeightsTable {
    const table: WeightsTable = { default: null, byConfigType: {} };
    for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
        const eq = part.lastIndexOf('=');
        if (eq <= 0) throw new WeightsError(`weights '${part}': expected config_type=σE,σF[,σV]`);
        const ct = part.slice(0, eq).trim();
        const nums = part.slice(eq + 1).split(',').map((s) => s.trim());
        if (nums.length < 2 || nums.length > 3) throw new WeightsError(`weights '${part}': expected two or three σ values (σE eV/atom, σF eV/Å[, σV eV/atom])`);
        const sig = nums.map((s) => (s === 'inf' ? Infinity : s === '' ? NaN : Number(s)));
        const out: PartialWeights = { energy: fromSigma(`weights ${ct} σE`, sig[0]), force: fromSigma(`weights ${ct} σF`, sig[1]) };
        if (sig.length === 3) out.virial = fromSigma(`weights ${ct} σV`, sig[2]);
        if (ct === 'default') table.default = out;
        else table.byConfigType[ct] = out;
    }
    return table;
}

/**
 * Resolves a table against the global weights: the global weights after `default`, and the full weights
 * of every listed config_type.
 */
export function resolveWeights(
    table: WeightsTable,
    global: ConfigTypeWeights,
): { global: ConfigTypeWeights; configTypes: Record<string, ConfigTypeWeights> } {
    const g: ConfigTypeWeights = { ...global, ...(table.default ?? {}) };
    const configTypes: Record<string, ConfigTypeWeights> = {};
    for (const [ct, w] of Object.entries(table.byConfigType)) configTypes[ct] = { ...g, ...w };
    return { global: g, configTypes };
}
