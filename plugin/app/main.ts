/**
 * The acelens viewer page: a Mol* plugin UI with the acelens behaviour, and the default embedded dataset loaded.
 */
import { createPluginUI } from 'molstar/lib/mol-plugin-ui';
import { renderReact18 } from 'molstar/lib/mol-plugin-ui/react18';
import { DefaultPluginUISpec } from 'molstar/lib/mol-plugin-ui/spec';
import { PluginSpec } from 'molstar/lib/mol-plugin/spec';
import { PluginConfig } from 'molstar/lib/mol-plugin/config';
import 'molstar/build/viewer/molstar.css';
import '../workspace/workspace.css';
import { AcelensPlugin } from '../index';
import { AcelensStructureTools } from '../workspace/structure-tools';
import { AcelensWorkspace } from '../workspace/workspace';
import { workspaceState } from '../workspace/state';
import { acelensStore } from '../store';
import { defaultAsset, loadAsset, loadExtXyzText } from '../assets';
import { renderQuality } from '../render-quality';

declare global {
    /** The page's handle for scripts and end-to-end tests. */
    interface Window { acelens: { plugin: import('molstar/lib/mol-plugin-ui/context').PluginUIContext; store: import('../store').AcelensStore; workspace: import('../workspace/state').WorkspaceState; ready: boolean; error?: string; loadText: (text: string, name: string) => Promise<unknown>; renderQuality: ReturnType<typeof renderQuality> } }
}

async function main() {
    const target = document.getElementById('app')!;
    const base = DefaultPluginUISpec();
    const plugin = await createPluginUI({
        target,
        render: renderReact18,
        spec: {
            ...base,
            behaviors: [...base.behaviors, PluginSpec.Behavior(AcelensPlugin)],
            layout: { initial: { isExpanded: false, showControls: true, regionState: { left: 'hidden', right: 'full', top: 'hidden', bottom: 'hidden' }, controlsDisplay: 'landscape' } },
            components: { ...base.components, remoteState: 'none', structureTools: AcelensStructureTools, viewport: { ...base.components?.viewport, view: AcelensWorkspace } },
            config: [...(base.config ?? []), [PluginConfig.Viewport.ShowAnimation, false]],
        },
    });
    // acelens is about atoms (per-atom energies, forces, errors): hovering and clicking pick single atoms, not
    // Mol*'s default residue (for an XYZ structure, the whole "Unknown Entity")
    plugin.managers.interactivity.setProps({ granularity: 'element' });
    window.acelens = { plugin, store: acelensStore(plugin), workspace: workspaceState(plugin), ready: false, loadText: (text, name) => loadExtXyzText(plugin, text, name), renderQuality: renderQuality(plugin) };
    const asset = defaultAsset();
    try {
        if (asset) await loadAsset(plugin, asset.id);
        window.acelens.ready = true;
    } catch (e) {
        window.acelens.error = String((e as Error).message ?? e);
        console.error(e);
        plugin.log.error(window.acelens.error);
        window.acelens.ready = true;
    }
}

main();
