// Default entry (Node, Deno, browsers): the wasm bytes are inlined as base64, so `await init()`
// needs no file access and no configuration.
import wasmBase64 from 'tensorlane:wasm-base64';
import { decodeBase64, makeInit } from './init.js';

export * from './api.js';
export { initSync, type InitOptions, type InitSyncOptions } from './init.js';

/** Loads and instantiates the wasm module. Call once, before anything else; later calls are no-ops. */
export const init = makeInit(() => WebAssembly.compile(decodeBase64(wasmBase64)));
