// Edge-worker entry (workerd / Cloudflare Workers): those runtimes refuse to compile wasm from
// bytes, but accept a `.wasm` import, which arrives as a compiled WebAssembly.Module.
import wasmModule from './tensorlane.wasm';
import { makeInit } from './init.js';

export * from './api.js';
export { initSync, type InitOptions, type InitSyncOptions } from './init.js';

/** Instantiates the bundled module. Call once, before anything else; later calls are no-ops. */
export const init = makeInit(() => wasmModule);
