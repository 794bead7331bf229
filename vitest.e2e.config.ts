import { defineConfig } from 'vitest/config';

// End-to-end tests: a Vite dev server (test/e2e/global-setup.ts) and Debian's Chromium driven by playwright-core.
export default defineConfig({
    test: {
        include: ['test/e2e/**/*.e2e.test.ts'],
        globalSetup: ['test/e2e/global-setup.ts'],
        testTimeout: 240_000,
        hookTimeout: 240_000,
        fileParallelism: false,
        pool: 'forks',
    },
});
