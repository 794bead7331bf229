/**
 * The acelens version. package.json is its one source: this module reads it (Vite, vitest and tsx import
 * JSON), and the library build (tools/build-lib.mjs) inlines the name and version into lib/.
 */
import packageJson from '../package.json';

export const ACELENS_VERSION: string = packageJson.version;
