import { defineConfig } from 'vitest/config';
import { wasmBase64Plugin } from './scripts/wasm-plugin.mjs';

export default defineConfig({
  plugins: [wasmBase64Plugin()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
  },
});
