import { defineConfig } from 'vitest/config';

// Unit and integration tests (Node). End-to-end browser tests live in test/e2e and run with vitest.e2e.config.ts.
export default defineConfig({
    test: {
        include: ['test/**/*.test.ts'],
        exclude: ['test/e2e/**', 'node_modules/**'],
        // bin/acelens.mjs runs the compiled lib/: rebuild it from the sources first
        globalSetup: ['test/build-lib.setup.ts'],
        testTimeout: 60_000,
        pool: 'forks',
    },
});
