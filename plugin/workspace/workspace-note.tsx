/**
 * A line for panels whose output is drawn in the plot area: shown only when this plugin has no acelens workspace
 * (a host app that added the behaviour but kept Mol*'s own layout), so that a user is not left with a form and
 * no plot. It names the one-line fix.
 */
import * as React from 'react';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { workspaceState } from './state';

export class WorkspaceAbsentNote extends PluginUIComponent<{}, { mounted: boolean }> {
    override state = { mounted: workspaceState(this.plugin).mounted.value };

    override componentDidMount() {
        this.subscribe(workspaceState(this.plugin).mounted, mounted => this.setState({ mounted }));
    }

    override render() {
        if (this.state.mounted) return null;
        return <div className='msp-help-text' data-testid='acelens-no-workspace'>
            This app has no acelens plot area (parity, error-vs-distance, histograms, dimer and bond-scan curves): its Mol* layout is its own.
            Create the plugin with <code>spec: acelensUISpec()</code> from <code>acelens/plugin</code> to get it beside the 3D view.
        </div>;
    }
}
