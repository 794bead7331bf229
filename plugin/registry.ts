/**
 * The implementations behind the ids in manifest.json. Registration (plugin/index.ts) walks the manifest and
 * looks each id up here, so the manifest stays the one list of what the plugin contributes; a test checks that
 * both sides agree.
 */
import type { DataFormatProvider } from 'molstar/lib/mol-plugin-state/formats/provider';
import type { ColorTheme } from 'molstar/lib/mol-theme/color';
import { ExtXyzFormatProvider } from './formats/extxyz';
import { DatasetPanel } from './panels/dataset-panel';
import { FitPanel } from './panels/fit-panel';
import { ModelsPanel } from './panels/models-panel';
import { DimerPanel } from './panels/dimer-panel';
import { BondScanPanel } from './panels/bond-scan-panel';
import { ReproducePanel } from './panels/reproduce-panel';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import { atomQuantityThemeProvider } from './themes/atom-quantity';
import { AtomQuantities } from './themes/quantities';

export const PanelImplementations: Record<string, new (...args: any[]) => any> = {
    'acelens-dataset': DatasetPanel,
    'acelens-fit': FitPanel,
    'acelens-models': ModelsPanel,
    'acelens-dimer': DimerPanel,
    'acelens-bond-scan': BondScanPanel,
    'acelens-reproduce': ReproducePanel,
};

/** Colour themes are made per plugin instance (they read that plugin's models and predictions). */
export const ThemeImplementations: Record<string, (plugin: PluginContext) => ColorTheme.Provider<any, any>> = Object.fromEntries(
    AtomQuantities.map(q => [q.name, (plugin: PluginContext) => atomQuantityThemeProvider(plugin, q)]));

export const FormatImplementations: Record<string, DataFormatProvider<any, any, any>> = {
    'acelens-extxyz': ExtXyzFormatProvider,
};
