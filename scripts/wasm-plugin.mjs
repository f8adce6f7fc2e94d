// Resolves `tensorlane:wasm-base64` to the release .wasm as a base64 string (rollup and vitest).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WASM_PATH = fileURLToPath(new URL('../build/tensorlane.wasm', import.meta.url));
const ID = 'tensorlane:wasm-base64';

export function wasmBase64Plugin() {
  return {
    name: 'tensorlane-wasm-base64',
    resolveId(id) {
      return id === ID ? '\0' + ID : null;
    },
    load(id) {
      if (id !== '\0' + ID) return null;
      return `export default ${JSON.stringify(readFileSync(WASM_PATH).toString('base64'))};`;
    },
  };
}
