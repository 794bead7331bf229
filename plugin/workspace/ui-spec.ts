/**
 * The acelens workspace for a host Mol* app in one call: `createPluginUI({ …, spec: acelensUISpec() })` gives the
 * acelens behaviour, the split main region (3D view + plot area, ./workspace.tsx) and acelens' structure tools
 * (./structure-tools.tsx), on top of the host's own spec (default: Mol*'s `DefaultPluginUISpec()`). Without it a
 * host that only adds the behaviour keeps Mol*'s layout: panels, themes and formats work, but there is no plot
 * area (the Models panel says so).
 */
import { DefaultPluginUISpec, type PluginUISpec } from 'molstar/lib/mol-plugin-ui/spec';
import { PluginSpec } from 'molstar/lib/mol-plugin/spec';
import { AcelensPlugin } from '../index';
import { AcelensStructureTools } from './structure-tools';
import { AcelensWorkspace } from './workspace';

export function acelensUISpec(base: PluginUISpec = DefaultPluginUISpec()): PluginUISpec {
    const behaviors = base.behaviors.some(b => b.transformer === PluginSpec.Behavior(AcelensPlugin).transformer) ? base.behaviors : [...base.behaviors, PluginSpec.Behavior(AcelensPlugin)];
    return {
        ...base,
        behaviors,
        layout: {
            ...base.layout,
            initial: { isExpanded: false, showControls: true, controlsDisplay: 'landscape', ...base.layout?.initial, regionState: { left: 'collapsed', right: 'full', top: 'hidden', bottom: 'hidden', ...base.layout?.initial?.regionState } },
        },
        components: {
            ...base.components,
            structureTools: AcelensStructureTools,
            viewport: { ...base.components?.viewport, view: AcelensWorkspace },
        },
    };
}
