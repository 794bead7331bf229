/**
 * The acelens workspace: Mol*'s main layout region (`PluginUISpec.components.viewport.view`) split into the 3D
 * view and the plot area, side by side; the divider drags, and its place is remembered in the browser. Mol*'s
 * own viewport (canvas, its controls, task progress, toasts) is kept whole on its side; the right column stays
 * Mol*'s control region with the acelens forms.
 */
import * as React from 'react';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { DefaultViewport } from 'molstar/lib/mol-plugin-ui/plugin';
import { AcelensPlotArea } from './plot-area';
import { workspaceState } from './state';
import { RenderQualityNote } from '../render-quality-note';

export const SplitStorageKey = 'acelens.workspace.split.v1';
/** Share of the main region taken by the 3D view by default, and the limits of dragging. */
export const DefaultSplit = 0.45;
const MinSplit = 0.2, MaxSplit = 0.8;

function storedSplit(): number {
    try {
        const v = Number(globalThis.localStorage?.getItem(SplitStorageKey));
        return v >= MinSplit && v <= MaxSplit ? v : DefaultSplit;
    } catch { return DefaultSplit; }
}

export class AcelensWorkspace extends PluginUIComponent<{}, { split: number; dragging: boolean }> {
    override state = { split: storedSplit(), dragging: false };
    private root = React.createRef<HTMLDivElement>();

    override componentDidMount() {
        workspaceState(this.plugin).mounted.next(true);
    }

    override componentWillUnmount() {
        super.componentWillUnmount();
        workspaceState(this.plugin).mounted.next(false);
    }

    private onPointerDown = (e: React.PointerEvent) => {
        e.preventDefault();
        (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
        this.setState({ dragging: true });
    };

    private onPointerMove = (e: React.PointerEvent) => {
        if (!this.state.dragging || !this.root.current) return;
        const box = this.root.current.getBoundingClientRect();
        const split = Math.min(MaxSplit, Math.max(MinSplit, (e.clientX - box.left) / box.width));
        this.setState({ split });
    };

    private onPointerUp = (e: React.PointerEvent) => {
        if (!this.state.dragging) return;
        (e.target as HTMLElement).releasePointerCapture?.(e.pointerId);
        this.setState({ dragging: false });
        try { globalThis.localStorage?.setItem(SplitStorageKey, String(this.state.split)); } catch { /* private mode: not remembered */ }
    };

    override render() {
        const pct = `${(100 * this.state.split).toFixed(2)}%`;
        return <div ref={this.root} className='acelens-workspace' data-testid='acelens-workspace' style={{ position: 'absolute', inset: 0 }}>
            <div className='acelens-workspace-3d' style={{ position: 'absolute', left: 0, top: 0, bottom: 0, width: pct }}>
                <DefaultViewport />
                <RenderQualityNote />
            </div>
            <div role='separator' aria-orientation='vertical' title='drag to resize the 3D view and the plots' data-testid='acelens-workspace-divider'
                onPointerDown={this.onPointerDown} onPointerMove={this.onPointerMove} onPointerUp={this.onPointerUp}
                style={{ position: 'absolute', top: 0, bottom: 0, left: `calc(${pct} - 3px)`, width: 6, cursor: 'col-resize', zIndex: 10, background: this.state.dragging ? 'rgba(80,140,220,0.5)' : '#d6d2c8' }} />
            <div className='acelens-workspace-plots' style={{ position: 'absolute', top: 0, bottom: 0, right: 0, left: `calc(${pct} + 3px)`, pointerEvents: this.state.dragging ? 'none' : undefined }}>
                <AcelensPlotArea />
            </div>
        </div>;
    }
}
