/**
 * The 3D view's rendering quality (plugin/render-quality.ts): renderer strings as browsers report them are told
 * apart (software rasterisers vs GPUs vs hidden), and the light settings are applied only on a software renderer,
 * undone exactly by "full quality", and a user's choice is remembered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Canvas3DParams, type Canvas3DProps, type PartialCanvas3DProps } from 'molstar/lib/mol-canvas3d/canvas3d';
import { ParamDefinition as PD } from 'molstar/lib/mol-util/param-definition';
import { classifyRenderer, renderQuality, RenderQualityStorageKey } from '../../plugin/render-quality';

describe('classifyRenderer', () => {
    it('software rasterisers, as Chromium, Firefox and Mesa report them', () => {
        for (const [s, name] of [
            ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', 'SwiftShader'],
            ['Google SwiftShader', 'SwiftShader'],
            ['ANGLE (Mesa, llvmpipe (LLVM 15.0.6, 256 bits), OpenGL 4.5)', 'Mesa llvmpipe'],
            ['llvmpipe (LLVM 19.1.7, 256 bits)', 'Mesa llvmpipe'],
            ['llvmpipe, or similar', 'Mesa llvmpipe'], // Firefox's sanitised renderer string
            ['ANGLE (Mesa, lavapipe (LLVM 15.0.6, 256 bits), Vulkan 1.3)', 'Mesa lavapipe'],
            ['Gallium 0.4 on softpipe', 'Mesa softpipe'],
            ['Software Rasterizer', 'Mesa software rasterizer'],
            ['Mesa OffScreen', 'Mesa off-screen'],
            ['ANGLE (Microsoft, Microsoft Basic Render Driver (0x0000008C) Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Microsoft WARP'],
            ['D3D12 (Microsoft Basic Render Driver)', 'Microsoft WARP'],
            ['GDI Generic', 'Windows GDI generic'],
            ['Apple Software Renderer', 'Apple software renderer'],
        ] as const) expect(classifyRenderer(s), s).toEqual({ kind: 'software', name });
    });
    it('GPUs (Mesa hardware drivers and virtual GPUs backed by the host included) are hardware', () => {
        for (const s of [
            'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 (0x00002206) Direct3D11 vs_5_0 ps_5_0, D3D11)',
            'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
            'ANGLE (AMD, AMD Radeon RX 6800 XT (radeonsi, navi21, LLVM 15.0.7, DRM 3.49), OpenGL 4.6)',
            'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)',
            'Apple M1', 'Mali-G78', 'Adreno (TM) 650', 'virgl (NVIDIA GeForce GTX 1080)', 'SVGA3D; build: RELEASE; LLVM;',
        ]) expect(classifyRenderer(s).kind, s).toBe('hardware');
    });
    it('a hidden renderer is unknown (and so treated like a GPU: nothing changed)', () => {
        for (const s of ['', '  ', undefined, null, 'WebKit WebGL', 'Mozilla']) expect(classifyRenderer(s).kind).toBe('unknown');
    });
});

/** A stand-in for Mol*'s plugin: its canvas props (Mol*'s defaults) merged as Canvas3D.setProps does, a GL context. */
function fakePlugin(renderer: string) {
    const props: Canvas3DProps = PD.getDefaultValues(Canvas3DParams);
    const canvas3d = {
        get props() { return props; },
        setProps(p: PartialCanvas3DProps) {
            if (p.postprocessing) Object.assign(props.postprocessing, p.postprocessing);
            if (p.multiSample) Object.assign(props.multiSample, p.multiSample);
        },
    };
    const gl = {
        RENDERER: 0x1F01,
        getExtension: (name: string) => name === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 0x9246 } : null,
        getParameter: (p: number) => p === 0x9246 ? renderer : 'WebKit WebGL',
    };
    return { canvas3d, canvas3dContext: { webgl: { gl } } } as any;
}

describe('renderQuality', () => {
    const store = new Map<string, string>();
    beforeEach(() => {
        store.clear();
        (globalThis as any).localStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) };
    });
    afterEach(() => { delete (globalThis as any).localStorage; });

    const summary = (p: any) => ({ occlusion: p.canvas3d.props.postprocessing.occlusion.name, bloom: p.canvas3d.props.postprocessing.bloom.name, multiSample: p.canvas3d.props.multiSample.mode });
    const molstarDefaults = { occlusion: 'on', bloom: 'on', multiSample: 'temporal' };

    it('a GPU keeps Mol*\'s defaults', () => {
        const p = fakePlugin('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)');
        renderQuality(p).init();
        expect(summary(p)).toEqual(molstarDefaults);
        expect(renderQuality(p).state.value).toMatchObject({ quality: 'full', chosen: false, renderer: { kind: 'hardware' } });
    });
    it('software: light settings; full quality puts back exactly what was there; the choice is remembered', () => {
        const p = fakePlugin('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)');
        const occlusionParams = p.canvas3d.props.postprocessing.occlusion.params;
        renderQuality(p).init();
        expect(summary(p)).toEqual({ occlusion: 'off', bloom: 'off', multiSample: 'off' });
        expect(p.canvas3d.props.postprocessing.antialiasing.name).toBe('fxaa'); // one pass instead of SMAA's three
        expect(renderQuality(p).state.value).toMatchObject({ quality: 'light', chosen: false, renderer: { kind: 'software', name: 'SwiftShader' } });
        expect(store.size).toBe(0); // nothing remembered until the user chooses

        renderQuality(p).set('full');
        expect(summary(p)).toEqual(molstarDefaults);
        expect(p.canvas3d.props.postprocessing.occlusion.params).toEqual(occlusionParams);
        expect(p.canvas3d.props.postprocessing.antialiasing.name).toBe('smaa');
        expect(store.get(RenderQualityStorageKey)).toBe('full');
        expect(renderQuality(p).state.value).toMatchObject({ quality: 'full', chosen: true });

        // the next visit: the remembered choice wins over the renderer's default
        const next = fakePlugin('Google SwiftShader');
        renderQuality(next).init();
        expect(summary(next)).toEqual(molstarDefaults);
        renderQuality(next).set('light');
        expect(summary(next)).toEqual({ occlusion: 'off', bloom: 'off', multiSample: 'off' });
        renderQuality(next).set('light'); // twice: still restorable to full
        renderQuality(next).set('full');
        expect(summary(next)).toEqual(molstarDefaults);
    });
    it('removing the acelens behaviour puts Mol*\'s settings back', () => {
        const p = fakePlugin('llvmpipe (LLVM 15.0.6, 256 bits)');
        renderQuality(p).init();
        expect(summary(p)).toEqual({ occlusion: 'off', bloom: 'off', multiSample: 'off' });
        renderQuality(p).restore();
        expect(summary(p)).toEqual(molstarDefaults);
        expect(store.size).toBe(0);
    });
    it('a user who chose light rendering gets it on a GPU too', () => {
        store.set(RenderQualityStorageKey, 'light');
        const p = fakePlugin('Apple M1');
        renderQuality(p).init();
        expect(summary(p)).toEqual({ occlusion: 'off', bloom: 'off', multiSample: 'off' });
        expect(renderQuality(p).state.value).toMatchObject({ quality: 'light', chosen: true });
    });
});
