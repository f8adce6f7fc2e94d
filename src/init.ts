import { installModule, installModuleAsync, isInitialized } from './backend/wasm.js';
import { ValueError } from './errors.js';

/** Where `init` gets the wasm module from; with no option it uses the bytes inlined in the bundle. */
export interface InitOptions {
  /** A compiled module, e.g. `import wasm from 'tensorlane/tensorlane.wasm'` in an edge worker. */
  module?: WebAssembly.Module;
  /** The raw bytes of `tensorlane.wasm`. */
  bytes?: BufferSource;
  /** Where to fetch `tensorlane.wasm` from (browsers, Deno). */
  url?: string | URL;
}

/** Options of `initSync`: a compiled module or its bytes. */
export interface InitSyncOptions {
  module?: WebAssembly.Module;
  bytes?: BufferSource;
}

/** Decodes base64 with `atob`, which every supported runtime has. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Builds `init` for an entry point whose default module comes from `defaultModule`. */
export function makeInit(defaultModule: () => WebAssembly.Module | Promise<WebAssembly.Module>) {
  return async function init(options: InitOptions = {}): Promise<void> {
    if (options === null || typeof options !== 'object') throw new ValueError('init: options must be an object');
    if (isInitialized() && options.module === undefined && options.bytes === undefined && options.url === undefined) return;
    let module: WebAssembly.Module;
    if (options.module !== undefined) {
      if (!(options.module instanceof WebAssembly.Module)) throw new ValueError('init: options.module must be a WebAssembly.Module');
      module = options.module;
    } else if (options.bytes !== undefined) {
      module = await WebAssembly.compile(options.bytes);
    } else if (options.url !== undefined) {
      const response = await fetch(options.url);
      if (!response.ok) throw new Error(`init: fetching ${String(options.url)} failed with HTTP ${response.status}`);
      module = await WebAssembly.compile(await response.arrayBuffer());
    } else {
      module = await defaultModule();
    }
    await installModuleAsync(module);
  };
}

/** Initialises synchronously from a compiled module or bytes (small modules; every runtime but workerd for bytes). */
export function initSync(options: InitSyncOptions): void {
  if (options?.module instanceof WebAssembly.Module) return installModule(options.module);
  if (options?.bytes !== undefined) return installModule(new WebAssembly.Module(options.bytes));
  throw new ValueError('initSync: pass { module: WebAssembly.Module } or { bytes }');
}
