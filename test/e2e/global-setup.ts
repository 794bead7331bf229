import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';

let server: ViteDevServer | undefined;

/** Starts the app (same config as `npm start`) on its own port and hands the URL to the tests. */
export default async function setup(project: TestProject) {
    const port = Number(process.env.ACELENS_E2E_PORT ?? 5199);
    server = await createServer({ configFile: 'vite.config.ts', server: { port, host: '127.0.0.1', strictPort: false, hmr: false, watch: null }, logLevel: 'warn' });
    await server.listen();
    // the next free port when the preferred one is taken (another test run on this machine)
    const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
    project.provide('baseUrl', url);
    return async () => { await server?.close(); };
}

declare module 'vitest' {
    export interface ProvidedContext { baseUrl: string }
}
