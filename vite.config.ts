import { defineConfig } from 'vite';

// The viewer app: index.html → plugin/app/main.ts. In development Vite serves the project root, so the
// embedded data is fetched from /assets/*.xyz as listed in manifest.json.
export default defineConfig({
    // 'mpa': a missing file is a 404, not index.html
    appType: 'mpa',
    server: { host: '127.0.0.1', port: 5173, strictPort: true },
    css: { preprocessorOptions: { scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'legacy-js-api'] } } },
    worker: { format: 'es' },
    // ajv (model-file schema) is CommonJS: pre-bundled up front, so a first page load does not re-optimise and reload
    optimizeDeps: { include: ['molstar/lib/mol-plugin-ui', 'react', 'react-dom', 'ajv'] },
});
