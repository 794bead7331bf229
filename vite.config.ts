import { defineConfig } from 'vite';

// The viewer app: index.html → plugin/app/main.ts. In development Vite serves the project root, so the
// embedded data is fetched from /assets/*.xyz as listed in manifest.json.
export default defineConfig({
    // 'mpa': a missing file is a 404, not index.html
    appType: 'mpa',
    server: { host: '127.0.0.1', port: 5173, strictPort: true },
    css: { preprocessorOptions: { scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'legacy-js-api'] } } },
    worker: { format: 'es' },
    // ajv (model-file schema) is CommonJS, and the Plotly bundle (plugin/plots/plotly-bundle.ts) is imported only when
    // the plots first draw: both pre-bundled up front, so a page does not re-optimise and reload when it first needs
    // them (with a dependency cache from before a trace type was added, the reload lost the page's state)
    optimizeDeps: { include: ['molstar/lib/mol-plugin-ui', 'react', 'react-dom', 'ajv', 'plotly.js/lib/core', 'plotly.js/lib/scatter', 'plotly.js/lib/scattergl', 'plotly.js/lib/bar'] },
});
