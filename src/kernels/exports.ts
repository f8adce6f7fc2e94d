// The typed handle on the installed module's exports. Every file of src/kernels/ reaches wasm
// through `wasm()`; nothing outside src/kernels/ (besides src/backend and src/init, which install
// the module) reads the exports (test/kernels/boundary.test.ts checks it).
import { kernels } from '../backend/wasm.js';
import { WASM_CONSTANTS, type WasmExports } from './exports.generated.js';

export type { WasmExports } from './exports.generated.js';

/** The module's exported constants (flag bits, enum codes, struct layouts), from the build. */
export const CONSTANTS = WASM_CONSTANTS;

/** The exports of the installed module, typed from the build's declarations; throws before `init()`. */
export function wasm(): WasmExports {
  return kernels() as unknown as WasmExports;
}
