/**
 * Rendering quality of Mol*'s 3D view, chosen for the WebGL renderer the browser actually has.
 *
 * In software WebGL (SwiftShader, Mesa llvmpipe, Windows' WARP, …: cluster login nodes, VNC, virtual machines,
 * headless Chromium) every pixel of every pass is computed on the CPU, and Mol*'s default canvas settings cost a lot
 * there: screen-space ambient occlusion (several full-screen passes with many depth samples per pixel), an
 * always-on bloom pass, "temporal" multi-sampling, which after every change (a recolouring, a camera move) redraws
 * the whole scene again for each further jittered sample, frame after frame (and draws all samples at once for a
 * highlight), and SMAA's three edge-smoothing passes. On such a renderer acelens switches the first three off and
 * smooths edges with FXAA (one pass), and says so in the 3D view, with one click back to Mol*'s full quality; the
 * choice is remembered in the browser. On a hardware GPU nothing is changed.
 *
 * `classifyRenderer` is a pure function of the renderer string (tested in test/plugin/render-quality.test.ts).
 */
import { BehaviorSubject } from 'rxjs';
import type { PluginContext } from 'molstar/lib/mol-plugin/context';
import type { Canvas3DProps, PartialCanvas3DProps } from 'molstar/lib/mol-canvas3d/canvas3d';
import { FxaaParams } from 'molstar/lib/mol-canvas3d/passes/fxaa';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';

export type RendererKind = 'software' | 'hardware' | 'unknown';

/** Renderer strings of WebGL implementations that draw on the CPU. */
const SoftwareRenderers: { pattern: RegExp; name: string }[] = [
    { pattern: /swiftshader/i, name: 'SwiftShader' },
    { pattern: /llvmpipe/i, name: 'Mesa llvmpipe' },
    { pattern: /lavapipe/i, name: 'Mesa lavapipe' },
    { pattern: /softpipe/i, name: 'Mesa softpipe' },
    { pattern: /\bswrast\b|software rasterizer/i, name: 'Mesa software rasterizer' },
    { pattern: /osmesa|mesa offscreen/i, name: 'Mesa off-screen' },
    { pattern: /microsoft basic render driver|\bwarp\b/i, name: 'Microsoft WARP' },
    { pattern: /gdi generic/i, name: 'Windows GDI generic' },
    { pattern: /apple software renderer/i, name: 'Apple software renderer' },
];

/**
 * What kind of WebGL renderer a renderer string (WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL, or
 * gl.RENDERER) names: 'software' for the CPU rasterisers above, 'unknown' when the browser hides it (an empty string,
 * or Firefox/Safari's generic "WebKit WebGL"/"Mozilla"), 'hardware' otherwise. `name` is a short label for the user.
 */
export function classifyRenderer(renderer: string | undefined | null): { kind: RendererKind; name: string } {
    const r = (renderer ?? '').trim();
    for (const s of SoftwareRenderers) if (s.pattern.test(r)) return { kind: 'software', name: s.name };
    if (!r || /^(webkit webgl|mozilla|generic renderer)$/i.test(r)) return { kind: 'unknown', name: r || 'unknown' };
    return { kind: 'hardware', name: r };
}

/** The renderer string of a WebGL context: unmasked where the browser gives it, gl.RENDERER otherwise. */
export function rendererString(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
    try {
        const info = gl.getExtension('WEBGL_debug_renderer_info');
        const unmasked = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : undefined;
        if (typeof unmasked === 'string' && unmasked) return unmasked;
        const r = gl.getParameter(gl.RENDERER);
        return typeof r === 'string' ? r : '';
    } catch {
        return '';
    }
}

export type RenderQuality = 'light' | 'full';

/**
 * The light settings: ambient occlusion, bloom and multi-sampling off. Mol* draws one frame per change instead of a
 * frame plus a series of multi-sample frames, each without the occlusion passes.
 */
export const LightCanvasProps: PartialCanvas3DProps = {
    multiSample: { mode: 'off' },
    postprocessing: {
        occlusion: { name: 'off', params: {} },
        bloom: { name: 'off', params: {} },
        // FXAA (one full-screen pass) instead of Mol*'s SMAA (three): in SwiftShader at 548×998 pixels SMAA took
        // about half of a light frame (≈110 of 220 ms at load 13), FXAA ≈8 ms
        antialiasing: { name: 'fxaa', params: PD.getDefaultValues(FxaaParams) },
    },
};

/** The part of the canvas props that the light settings change, as it is now (to put back on 'full quality'). */
function changedPart(p: Canvas3DProps): PartialCanvas3DProps {
    return {
        multiSample: { ...p.multiSample },
        postprocessing: { occlusion: p.postprocessing.occlusion, bloom: p.postprocessing.bloom, antialiasing: p.postprocessing.antialiasing },
    };
}

export const RenderQualityStorageKey = 'acelens.render-quality.v1';

function storedChoice(): RenderQuality | undefined {
    try {
        const v = globalThis.localStorage?.getItem(RenderQualityStorageKey);
        return v === 'light' || v === 'full' ? v : undefined;
    } catch { return undefined; }
}

export interface RenderQualityState {
    /** The renderer string and what it was classified as (undefined until Mol*'s canvas exists). */
    renderer?: { string: string; kind: RendererKind; name: string };
    /** What the 3D view uses now. */
    quality: RenderQuality;
    /** Whether that is the user's remembered choice (otherwise: chosen for the renderer). */
    chosen: boolean;
}

class RenderQualityManager {
    readonly state = new BehaviorSubject<RenderQualityState>({ quality: 'full', chosen: false });
    /** Mol*'s settings that the light settings replaced, put back for full quality. */
    private full: PartialCanvas3DProps | undefined;

    constructor(private plugin: PluginContext) {}

    /** Reads the renderer of Mol*'s canvas and applies the quality chosen for it (or the user's remembered choice). */
    init() {
        const webgl = this.plugin.canvas3dContext?.webgl;
        if (!webgl || !this.plugin.canvas3d) return;
        const s = rendererString(webgl.gl);
        const renderer = { string: s, ...classifyRenderer(s) };
        const stored = storedChoice();
        // only on a software renderer does acelens change anything by itself; a choice the user made is kept anywhere
        const quality: RenderQuality = stored ?? (renderer.kind === 'software' ? 'light' : 'full');
        this.state.next({ ...this.state.value, renderer });
        this.apply(quality, stored !== undefined);
    }

    /** Sets the 3D view's quality; `remember`: the user chose it (kept in the browser for the next visit). */
    set(quality: RenderQuality, remember = true) {
        if (remember) {
            try { globalThis.localStorage?.setItem(RenderQualityStorageKey, quality); } catch { /* private mode: not remembered */ }
        }
        this.apply(quality, remember || this.state.value.chosen);
    }

    /** The acelens behaviour is removed: Mol*'s settings as they were before the light ones (nothing remembered). */
    restore() {
        if (this.state.value.quality === 'light') this.apply('full', this.state.value.chosen);
    }

    private apply(quality: RenderQuality, chosen: boolean) {
        const canvas = this.plugin.canvas3d;
        if (!canvas) return;
        const now = this.state.value.quality;
        if (quality === 'light' && (now !== 'light' || !this.full)) {
            this.full = changedPart(canvas.props);
            canvas.setProps(LightCanvasProps);
        } else if (quality === 'full' && now === 'light' && this.full) {
            canvas.setProps(this.full);
            this.full = undefined;
        }
        this.state.next({ ...this.state.value, quality, chosen });
    }
}

const managers = new WeakMap<PluginContext, RenderQualityManager>();

/** The render-quality state of a plugin (one per plugin). */
export function renderQuality(plugin: PluginContext): RenderQualityManager {
    let m = managers.get(plugin);
    if (!m) { m = new RenderQualityManager(plugin); managers.set(plugin, m); }
    return m;
}

/** Called when the acelens behaviour is registered: applies the quality once Mol*'s canvas exists. */
export function initRenderQuality(plugin: PluginContext) {
    plugin.canvas3dInitialized.then(() => renderQuality(plugin).init(), () => { /* no WebGL: nothing to tune */ });
}
