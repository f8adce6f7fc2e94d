import { NotInitializedError } from '../errors.js';

/** A kernel export: every argument and result is a number (pointers are byte offsets). */
export type KernelFn = (...args: number[]) => number;

/** The wasm module's exports: its memory and the kernels named as in assembly/. */
export type Kernels = { readonly memory: WebAssembly.Memory } & { readonly [name: string]: KernelFn };

let instance: Kernels | undefined;
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

/** Runs `fn` with the kernels every time a module is installed (memory managers reset on re-init). */
export function onInstall(fn: (k: Kernels) => void): void {
  initListeners.push(fn);
}

const imports: WebAssembly.Imports = {};

/** Instantiates a compiled module synchronously and installs it. */
export function installModule(module: WebAssembly.Module): void {
  install(new WebAssembly.Instance(module, imports));
}

/** Instantiates a compiled module asynchronously and installs it. */
export async function installModuleAsync(module: WebAssembly.Module): Promise<void> {
  install(await WebAssembly.instantiate(module, imports));
}

function install(wasm: WebAssembly.Instance): void {
  const exports = wasm.exports as unknown as Kernels;
  if (!(exports.memory instanceof WebAssembly.Memory)) {
    throw new Error('init: the WebAssembly module does not export its memory; is it tensorlane.wasm?');
  }
  instance = exports;
  for (const fn of initListeners) fn(exports);
}
