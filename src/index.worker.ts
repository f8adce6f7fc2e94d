// Edge-worker entry (workerd / Cloudflare Workers): those runtimes refuse to compile wasm from
// bytes, but accept a `.wasm` import, which arrives as a compiled WebAssembly.Module.
import wasmModule from './tensorlane.wasm';
import { makeInit, moduleFromImport } from './init.js';

export * from './api.js';
export { initSync, type InitOptions, type InitSyncOptions } from './init.js';

/**
 * Loads and instantiates the wasm module: `await init()` once, before any other call.
 * With no options it uses the module imported beside this entry (`./tensorlane.wasm`); `{ module }`,
 * `{ bytes }` or `{ url }` load another copy of `tensorlane.wasm` instead. Without options, later
 * calls return at once.
 */
export const init = makeInit(() => moduleFromImport(wasmModule));
