// Default entry (Node, Deno, browsers): the wasm bytes are inlined as base64, so `await init()`
// needs no file access and no configuration.
import wasmBase64 from 'tensorlane:wasm-base64';
import { decodeBase64, makeInit, type BuildVariant } from './init.js';

export * from './api.js';
export { initSync, type InitOptions, type InitSyncOptions } from './init.js';

/**
 * Loads and instantiates the wasm module: `await init()` once, before any other call.
 * With no options it uses the module inlined in this bundle (no file access, no configuration); `{ module }`, `{ bytes }` or `{ url }`
 * load another copy of `tensorlane.wasm` instead. Without options, later calls return at once; with a source they
 * only check it: the first module installed stays, so models built before keep working.
 * `{ threads: n }` (or `'auto'`) splits kernels over n threads with bit-identical results, loading
 * `tensorlane-threads.wasm` from beside this bundle unless a source is given; `{ simd: 'relaxed' }`
 * loads the relaxed-SIMD build (fused multiply-adds, numbers that differ in the last bits) where the
 * engine has relaxed SIMD.
 */
export const init = makeInit(() => WebAssembly.compile(decodeBase64(wasmBase64)), buildUrl);

/**
 * Where `init({ threads > 1 })` and `init({ simd: 'relaxed' })` find their builds: beside this
 * bundle, in dist/ (literal URLs, so bundlers that copy `new URL('./x.wasm', import.meta.url)`
 * assets find them). Only the build chosen is fetched; none is inlined.
 */
function buildUrl(variant: BuildVariant): URL {
  if (variant === 'threads') return new URL('./tensorlane-threads.wasm', import.meta.url);
  if (variant === 'relaxed') return new URL('./tensorlane-relaxed.wasm', import.meta.url);
  return new URL('./tensorlane-threads-relaxed.wasm', import.meta.url);
}
