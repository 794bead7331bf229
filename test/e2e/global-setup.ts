import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';

let server: ViteDevServer | undefined;

/** Starts the app (same config as `npm start`) on its own port and hands the URL to the tests. */
export default async function setup(project: TestProject) {
    const port = Number(process.env.ACELENS_E2E_PORT ?? 5199);
    server = await createServer({ configFile: 'vite.config.ts', server: { port, host: '127.0.0.1', strictPort: true }, logLevel: 'warn' });
    await server.listen();
    project.provide('baseUrl', `http://127.0.0.1:${port}/`);
    return async () => { await server?.close(); };
}

declare module 'vitest' {
    export interface ProvidedContext { baseUrl: string }
}
