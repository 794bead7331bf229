/**
 * An error boundary around every acelens panel: a panel that throws while rendering shows its error (and how to
 * get out of it) in its own place, and the rest of the viewer — Mol*, the other panels — stays alive.
 * Because a bad stored model could make a panel throw on every visit, the boundary lists the stored models with
 * a button to remove each one.
 */
import * as React from 'react';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { acelensStore } from './store';

interface Props { title: string; children?: React.ReactNode }
interface State { error: Error | null; attempt: number }

export class PanelErrorBoundary extends PluginUIComponent<Props, State> {
    override state: State = { error: null, attempt: 0 };

    static getDerivedStateFromError(error: unknown): Partial<State> {
        return { error: error instanceof Error ? error : new Error(String(error)) };
    }

    override componentDidCatch(error: unknown) {
        console.error(`acelens: panel "${this.props.title}" failed`, error);
    }

    private retry = () => this.setState(s => ({ error: null, attempt: s.attempt + 1 }));

    private remove = (id: string) => {
        acelensStore(this.plugin).removeModel(id);
        this.retry();
    };

    override render() {
        const { error } = this.state;
        if (!error) return <React.Fragment key={this.state.attempt}>{this.props.children}</React.Fragment>;
        const store = acelensStore(this.plugin);
        const models = store.models.value;
        return <div className='msp-control-group-wrapper' data-testid='acelens-panel-error'>
            <div className='msp-section-header'>{this.props.title}</div>
            <div className='msp-help-text' style={{ color: '#b00', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                This panel failed: {String(error.message).slice(0, 500)}
            </div>
            <div className='msp-help-text'>The rest of the viewer still works. If a stored model causes this, remove it:</div>
            {models.map(m => <div key={m.id} className='msp-control-row'>
                <span className='msp-control-row-label' title={m.name}>{m.name.length > 40 ? `${m.name.slice(0, 39)}…` : m.name}</span>
                <div className='msp-control-row-ctrl'>
                    <button className='msp-btn msp-btn-block' onClick={() => this.remove(m.id)} data-testid='acelens-remove-broken-model'>Remove stored model</button>
                </div>
            </div>)}
            <button className='msp-btn msp-btn-block' onClick={this.retry}>Try again</button>
        </div>;
    }
}

/** The panel class wrapped in a PanelErrorBoundary (what plugin/index.ts registers with Mol*). */
export function withErrorBoundary(Panel: React.ComponentType<any>, title: string): new () => React.Component {
    return class extends React.Component<any> {
        constructor(props?: any) { super(props ?? {}); }
        static displayName = `ErrorBoundary(${Panel.displayName ?? Panel.name ?? title})`;
        override render() { return <PanelErrorBoundary title={title}><Panel {...this.props} /></PanelErrorBoundary>; }
    };
}
