import { NotInitializedError } from '../core/errors.js';
import { moduleSimd, type SimdMode } from './simd.js';

/** A kernel export: every argument and result is a number (pointers are byte offsets). */
export type KernelFn = (...args: number[]) => number;

/** The wasm module's exports: its memory and the kernels named as in assembly/. */
export type Kernels = { readonly memory: WebAssembly.Memory } & { readonly [name: string]: KernelFn };

let instance: Kernels | undefined;
let instanceSimd: SimdMode = 'strict';
const initListeners: Array<(k: Kernels) => void> = [];

/** The kernels of the initialised module; throws a clear error before `init()`. */
export function kernels(): Kernels {
  if (instance === undefined) {
    throw new NotInitializedError('tensorlane is not initialised: call `await init()` (or `initSync({ module })`) first');
  }
  return instance;
}

/** True once `init()` or `initSync()` has finished. */
export function isInitialized(): boolean {
  return instance !== undefined;
}

/**
 * The SIMD arithmetic of the running module: `'strict'` (the default builds: bit-identical results
 * in every runtime) or `'relaxed'` (after `init({ simd: 'relaxed' })` where the engine has relaxed
 * SIMD: fused multiply-adds, results that differ in the last bits). `'strict'` before `init()`.
 */
export function simdMode(): SimdMode {
  return instanceSimd;
}

/** Runs `fn` with the kernels every time a module is installed (memory managers reset on re-init). */
export function onInstall(fn: (k: Kernels) => void): void {
  initListeners.push(fn);
}

/**
 * Exports that identify tensorlane.wasm: the memory, the allocator's base and one kernel of each
 * family. A module lacking any of them is another program (or a stale build) and is refused
 * before it is instantiated.
 */
const REQUIRED_EXPORTS = [
  'memory', 'heap_base', 'f32_fill', 'f32_copy', 'f32_gemm', 'f32_conv2d_forward', 'f32_max_pool2d_forward',
  'f32_batch_norm_train_forward', 'f32_adam_update', 'f32_random_uniform', 'f32_affine_warp', 'f32_all_finite',
] as const;

/**
 * True for the threads build (tensorlane-threads.wasm): its one import is a memory, `env.memory`,
 * which must be a shared WebAssembly.Memory. The single-threaded build imports nothing.
 */
export function importsMemory(module: WebAssembly.Module): boolean {
  const wanted = WebAssembly.Module.imports(module);
  return wanted.length === 1 && wanted[0]!.module === 'env' && wanted[0]!.name === 'memory' && wanted[0]!.kind === 'memory';
}

/** Throws a clear error naming `who` unless `module` is tensorlane.wasm or tensorlane-threads.wasm (checked without instantiating it). */
function checkModule(module: WebAssembly.Module, who: string): void {
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const missing = REQUIRED_EXPORTS.filter((name) => exports.get(name) !== (name === 'memory' ? 'memory' : 'function'));
  const wanted = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
  if (missing.length === 0 && (wanted.length === 0 || importsMemory(module))) return;
  const why =
    missing.length > 0
      ? `${missing.includes('memory') ? 'it does not export its memory; ' : ''}it lacks the exports ${missing.join(', ')}`
      : `it imports ${wanted.slice(0, 3).join(', ')}${wanted.length > 3 ? ', ...' : ''}, and tensorlane.wasm imports nothing (tensorlane-threads.wasm only env.memory)`;
  throw new Error(
    `${who}: the WebAssembly module is not tensorlane.wasm (or is a build of another version): ${why}. ` +
      (instance === undefined ? 'Nothing was installed.' : 'The module already installed stays in use.'),
  );
}

/** A shared memory for the threads build: the module's 16 initial pages, up to 4 GiB (1 GiB where that is refused). */
export function sharedMemory(): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  } catch {
    return new WebAssembly.Memory({ initial: 16, maximum: 16384, shared: true });
  }
}

/** The imports of `module`: none, or for the threads build the shared `memory` (a new one if not given). */
function importsFor(module: WebAssembly.Module, memory: WebAssembly.Memory | undefined): WebAssembly.Imports {
  if (!importsMemory(module)) return {};
  return { env: { memory: memory ?? sharedMemory() } };
}

/**
 * Checks `module` and instantiates it synchronously, unless a module is already installed: then
 * the running one is kept (see `install`).
 */
export function installModule(module: WebAssembly.Module, who = 'initSync'): void {
  checkModule(module, who);
  if (instance === undefined) installInstance(new WebAssembly.Instance(module, importsFor(module, undefined)).exports as unknown as Kernels, moduleSimd(module));
}

/** Checks `module` and instantiates it asynchronously, unless a module is already installed. */
export async function installModuleAsync(module: WebAssembly.Module, who = 'init'): Promise<void> {
  const instantiated = await instantiateModule(module, who);
  if (instantiated !== undefined) installInstance(instantiated, moduleSimd(module));
}

/**
 * Checks `module` and instantiates it without installing it (undefined if a module is already
 * installed); the threads build runs over `memory` (a new shared one if not given).
 */
export async function instantiateModule(module: WebAssembly.Module, who: string, memory?: WebAssembly.Memory): Promise<Kernels | undefined> {
  checkModule(module, who);
  if (instance !== undefined) return undefined;
  const wasm = await WebAssembly.instantiate(module, importsFor(module, memory));
  return wasm.exports as unknown as Kernels;
}

/**
 * Installs the first checked instance, built with `simd` arithmetic; false (and nothing changes)
 * if a concurrent init() finished first. A module is installed once per process: every model,
 * layer and optimizer keeps its buffers in that instance's memory, so replacing it would leave
 * them pointing into a memory nobody writes (they would predict zeros with no error). A later
 * `init` with a source is therefore checked and then ignored.
 */
export function installInstance(exports: Kernels, simd: SimdMode): boolean {
  if (instance !== undefined) return false;
  instance = exports;
  instanceSimd = simd;
  for (const fn of initListeners) fn(exports);
  return true;
}
