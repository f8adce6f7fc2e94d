// Default entry (Node, Deno, browsers): the wasm bytes are inlined as base64, so `await init()`
// needs no file access and no configuration.
import wasmBase64 from 'tensorlane:wasm-base64';
import { decodeBase64, makeInit } from './init.js';

export * from './api.js';
export { initSync, type InitOptions, type InitSyncOptions } from './init.js';

/**
 * Loads and instantiates the wasm module: `await init()` once, before any other call.
 * With no options it uses the module inlined in this bundle (no file access, no configuration); `{ module }`, `{ bytes }` or `{ url }`
 * load another copy of `tensorlane.wasm` instead. Without options, later calls return at once; with a source they
 * only check it: the first module installed stays, so models built before keep working.
 * `{ threads: n }` (or `'auto'`) splits kernels over n threads with bit-identical results, loading
 * `tensorlane-threads.wasm` from beside this bundle unless a source is given.
 */
export const init = makeInit(() => WebAssembly.compile(decodeBase64(wasmBase64)), threadsUrl);

/** Where `init({ threads > 1 })` finds the threads build: beside this bundle, in dist/. */
function threadsUrl(): URL {
  return new URL('./tensorlane-threads.wasm', import.meta.url);
}
