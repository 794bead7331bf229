/**
 * A one-line note in the corner of the 3D view when the browser renders WebGL in software (./render-quality.ts):
 * what acelens turned off and why, and one click to switch Mol*'s full quality back on (or off again); the choice
 * is remembered in the browser. Nothing is shown on a hardware GPU. (Bottom left, right of Mol*'s axes.)
 */
import * as React from 'react';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { renderQuality, type RenderQualityState } from './render-quality';

export class RenderQualityNote extends PluginUIComponent<{}, RenderQualityState> {
    override state = renderQuality(this.plugin).state.value;

    override componentDidMount() {
        this.subscribe(renderQuality(this.plugin).state, s => this.setState(s));
    }

    override render() {
        const r = this.state.renderer;
        if (r?.kind !== 'software') return null;
        const light = this.state.quality === 'light';
        const set = () => renderQuality(this.plugin).set(light ? 'full' : 'light');
        return <div className='acelens-render-quality' data-testid='acelens-render-quality' data-quality={this.state.quality}
            title={`WebGL renderer: ${r.string}. Light rendering: ambient occlusion, bloom and multi-sampling off, FXAA edge smoothing (Mol*: ambient occlusion, bloom, temporal multi-sampling, SMAA).`}
            style={{ position: 'absolute', left: 64, bottom: 8, zIndex: 5, maxWidth: 'calc(100% - 128px)', padding: '3px 8px', fontSize: 11, lineHeight: '16px', background: 'rgba(238,236,231,0.88)', border: '1px solid #cec8ba', borderRadius: 3, color: '#332b1f' }}>
            {light
                ? <>Software WebGL ({r.name}): light rendering, no ambient occlusion or multi-sampling. </>
                : <>Software WebGL ({r.name}): full quality, every change redraws slowly. </>}
            <button type='button' data-testid='acelens-render-quality-toggle' onClick={set}
                style={{ border: 'none', background: 'none', padding: 0, color: '#974102', fontWeight: 700, textDecoration: 'underline', cursor: 'pointer', font: 'inherit' }}>
                {light ? 'Full quality' : 'Light rendering'}
            </button>
        </div>;
    }
}
