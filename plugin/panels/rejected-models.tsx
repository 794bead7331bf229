/**
 * Stored models refused when the page loaded (plugin/store.ts `rejected`): a warning per model naming it and the
 * failing field, with a button to remove it from the browser's storage. The other models load and work as usual.
 */
import * as React from 'react';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { acelensStore, type RejectedModel } from '../store';

export class RejectedModels extends PluginUIComponent<{}, { rejected: RejectedModel[] }> {
    override state = { rejected: acelensStore(this.plugin).rejected.value };

    override componentDidMount() {
        this.subscribe(acelensStore(this.plugin).rejected, rejected => this.setState({ rejected }));
    }

    override render() {
        const { rejected } = this.state;
        if (rejected.length === 0) return null;
        return <div data-testid='acelens-rejected-models' style={{ margin: '4px 0', padding: '4px 6px', border: '1px solid #d9a441', background: 'rgba(230,170,60,0.12)' }}>
            <div className='msp-help-text' style={{ color: '#8a5a00' }}>
                {rejected.length === 1 ? 'A stored model was' : `${rejected.length} stored models were`} not loaded (they fail the checks of this acelens, docs/model.schema.json); the others are available:
            </div>
            {rejected.map(r => <div key={r.id} data-testid='acelens-rejected-model' style={{ marginTop: 4 }}>
                <div className='msp-help-text' style={{ color: '#8a5a00', wordBreak: 'break-word' }} title={r.reason}>
                    <b>{r.name.length > 60 ? `${r.name.slice(0, 59)}…` : r.name}</b>: {r.reason.length > 400 ? `${r.reason.slice(0, 399)}…` : r.reason}
                </div>
                <button className='msp-btn msp-btn-block' onClick={() => acelensStore(this.plugin).removeRejected(r.id)} data-testid='acelens-remove-rejected-model'>
                    {r.id === 'storage' ? 'Remove all stored models' : 'Remove this stored model'}
                </button>
            </div>)}
        </div>;
    }
}
