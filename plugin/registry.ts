/**
 * The implementations behind the ids in manifest.json. Registration (plugin/index.ts) walks the manifest and
 * looks each id up here, so the manifest stays the one list of what the plugin contributes; a test checks that
 * both sides agree.
 */
import type { DataFormatProvider } from 'molstar/lib/mol-plugin-state/formats/provider';
import type { ColorTheme } from 'molstar/lib/mol-theme/color';
import { ExtXyzFormatProvider } from './formats/extxyz';
import { DatasetPanel } from './panels/dataset-panel';

export const PanelImplementations: Record<string, new (...args: any[]) => any> = {
    'acelens-dataset': DatasetPanel,
};

export const ThemeImplementations: Record<string, ColorTheme.Provider<any, any>> = {};

export const FormatImplementations: Record<string, DataFormatProvider<any, any, any>> = {
    'acelens-extxyz': ExtXyzFormatProvider,
};
