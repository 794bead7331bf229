/**
 * Settings a host app can give acelens through Mol*'s plugin config (PluginSpec `config: [[item, value]]`).
 */
import { PluginConfigItem } from 'molstar/lib/mol-plugin/config';

export const AcelensConfig = {
    /**
     * Where the embedded data (manifest.json "assets": assets/carbon-diverse.xyz, …) is served, e.g.
     * '/static/acelens/' for a host that copies the package's assets/ folder there. Unset (default): the files
     * are located from the package itself (`new URL(path, import.meta.url)`, which bundlers emit).
     */
    AssetBaseUrl: new PluginConfigItem<string | undefined>('acelens.asset-base-url', undefined),
};
