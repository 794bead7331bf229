/**
 * Plotly (a custom bundle of plotly.js: ./plotly-bundle.ts), loaded on first use so the viewer starts without it.
 * Why Plotly: WebGL scatter (scattergl) for parity plots with 10⁵–10⁶ force components, click events on points,
 * SVG/PNG export of publication figures, log/linear axes and zoom out of the box; well kept and widely used.
 */
export type PlotlyModule = {
    react: (el: HTMLElement, data: any[], layout?: any, config?: any) => Promise<any>;
    purge: (el: HTMLElement) => void;
    downloadImage: (el: HTMLElement, opts: { format: 'svg' | 'png'; filename: string; width?: number; height?: number }) => Promise<string>;
    toImage: (el: HTMLElement, opts: { format: 'svg' | 'png'; width?: number; height?: number }) => Promise<string>;
    Plots: { resize: (el: HTMLElement) => void };
};

let loading: Promise<PlotlyModule> | undefined;

export function loadPlotly(): Promise<PlotlyModule> {
    if (!loading) loading = import('./plotly-bundle').then(m => m.Plotly as PlotlyModule);
    return loading;
}

/** Compact layout defaults for plots inside the Mol* side panel. */
export function panelLayout(extra: Record<string, any> = {}): Record<string, any> {
    return {
        margin: { l: 48, r: 8, t: 8, b: 36 },
        font: { size: 10 },
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(255,255,255,1)',
        legend: { orientation: 'h', y: -0.25, font: { size: 9 } },
        ...extra,
    };
}

export const PanelPlotConfig = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['lasso2d', 'select2d'] };

/** Triggers a download of text (CSV, JSON) in the browser. */
export function downloadText(text: string, fileName: string, mime = 'text/plain') {
    const url = URL.createObjectURL(new Blob([text], { type: mime }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Wraps a draw so that draws run one after another (Plotly must not be re-entered on one element) and
 * requests made while one is waiting are merged (the draw reads the state when it starts).
 */
export function serialDraw(drawNow: () => Promise<void>, onError: (e: Error) => void): () => void {
    let drawing: Promise<void> = Promise.resolve();
    let queued = false;
    return () => {
        if (queued) return;
        queued = true;
        drawing = drawing.then(() => { queued = false; return drawNow(); }).catch(e => onError(e as Error));
    };
}
