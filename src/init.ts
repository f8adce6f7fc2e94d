import { installModule, installModuleAsync, isInitialized } from './backend/wasm.js';
import { ValueError } from './core/errors.js';

/**
 * Where `init` gets the wasm module from; give at most one. With none, each entry point uses its
 * own default: the bytes inlined in the bundle (Node, Deno, browsers) or the imported `.wasm`
 * module (the `workerd`/`worker` export).
 */
export interface InitOptions {
  /** A compiled module, e.g. `import wasm from 'tensorlane/tensorlane.wasm'` in an edge worker. */
  module?: WebAssembly.Module;
  /** The raw bytes of `tensorlane.wasm` (e.g. `await readFile(...)` in Node). */
  bytes?: BufferSource;
  /** Where to fetch `tensorlane.wasm` from (browsers, Deno; Node's `fetch` has no `file:` URLs). */
  url?: string | URL;
}

/** Options of `initSync`: a compiled module or its bytes (exactly one). */
export interface InitSyncOptions {
  module?: WebAssembly.Module;
  bytes?: BufferSource;
}

const SOURCES = ['module', 'bytes', 'url'] as const;

type Base64Host = {
  Uint8Array: { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> };
  Buffer?: { from(text: string, encoding: 'base64'): Uint8Array };
};

/**
 * Decodes base64 with the fastest decoder the runtime has, found at call time (no imports):
 * `Uint8Array.fromBase64` (Deno, current browsers), Node's global `Buffer`, else `atob`.
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const host = globalThis as unknown as Base64Host;
  if (typeof host.Uint8Array.fromBase64 === 'function') return host.Uint8Array.fromBase64(text);
  if (typeof host.Buffer?.from === 'function') {
    const view = host.Buffer.from(text, 'base64');
    return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer);
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Checks that `options` is an object naming at most one source (exactly one when `required`). */
function checkOptions(who: string, options: unknown, allowed: readonly string[], required: boolean): Record<string, unknown> {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${who}: options must be an object like { ${allowed.join(' | ')} }, got ${options === null ? 'null' : typeof options}`);
  }
  const given = Object.keys(options).filter((key) => (options as Record<string, unknown>)[key] !== undefined);
  const unknown = given.filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new ValueError(`${who}: unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; expected one of ${allowed.join(', ')}`);
  if (given.length > 1) throw new ValueError(`${who}: give one of ${allowed.join(', ')}, got ${given.join(' and ')}`);
  if (required && given.length === 0) throw new ValueError(`${who}: pass { module: WebAssembly.Module } or { bytes }`);
  const opts = options as Record<string, unknown>;
  if (opts.module !== undefined && !(opts.module instanceof WebAssembly.Module)) {
    throw new ValueError(`${who}: options.module must be a WebAssembly.Module, got ${describe(opts.module)}`);
  }
  if (opts.bytes !== undefined && !(opts.bytes instanceof ArrayBuffer || ArrayBuffer.isView(opts.bytes))) {
    throw new ValueError(`${who}: options.bytes must be an ArrayBuffer or a typed array, got ${describe(opts.bytes)}`);
  }
  if (opts.url !== undefined && typeof opts.url !== 'string' && !(opts.url instanceof URL)) {
    throw new ValueError(`${who}: options.url must be a string or a URL, got ${describe(opts.url)}`);
  }
  return opts;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

const NEEDS = 'tensorlane.wasm needs WebAssembly SIMD (Node >= 16.4, Deno, Chrome >= 91, Firefox >= 89, Safari >= 16.4)';

/** Compiles `bytes`, naming where they came from if they are not a WebAssembly module. */
async function compile(who: string, bytes: BufferSource, from: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw new Error(`${who}: ${from} is not a valid tensorlane.wasm, or this runtime cannot compile it (${(error as Error).message}); ${NEEDS}`, { cause: error });
  }
}

/**
 * The module behind the worker entry's `import wasm from './tensorlane.wasm'`. workerd and wrangler
 * give a compiled `WebAssembly.Module`; other bundlers that pick the `worker` condition may give
 * the bytes (esbuild's `binary` loader) or a URL (asset loaders), which are loaded as such.
 */
export async function moduleFromImport(imported: unknown): Promise<WebAssembly.Module> {
  if (imported instanceof WebAssembly.Module) return imported;
  if (imported instanceof ArrayBuffer || ArrayBuffer.isView(imported)) return compile('init', imported as BufferSource, "the bytes imported from './tensorlane.wasm'");
  if (typeof imported === 'string' || imported instanceof URL) {
    const response = await fetch(imported);
    if (!response.ok) throw new Error(`init: fetching ${String(imported)} (imported from './tensorlane.wasm') failed with HTTP ${response.status}`);
    return compile('init', await response.arrayBuffer(), String(imported));
  }
  throw new ValueError(
    `init: importing './tensorlane.wasm' gave ${describe(imported)}, not a WebAssembly.Module, bytes or a URL; ` +
      "let your bundler import .wasm files as modules, or pass init({ module | bytes | url })",
  );
}

/** Builds `init` for an entry point whose default module comes from `defaultModule`. */
export function makeInit(defaultModule: () => WebAssembly.Module | Promise<WebAssembly.Module>) {
  /**
   * Loads and instantiates the wasm module; call it once before anything else. The first module
   * installed stays for the life of the process, because every model, layer and optimizer keeps
   * its buffers in its memory: a later call without options returns at once, and a later call
   * with a source checks that source (a module that is not tensorlane.wasm is an error) and keeps
   * the running module, so models built before keep working.
   */
  return async function init(options: InitOptions = {}): Promise<void> {
    const opts = checkOptions('init', options, SOURCES, false);
    let module: WebAssembly.Module;
    if (opts.module !== undefined) {
      module = opts.module as WebAssembly.Module;
    } else if (opts.bytes !== undefined) {
      module = await compile('init', opts.bytes as BufferSource, 'options.bytes');
    } else if (opts.url !== undefined) {
      const url = String(opts.url);
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new Error(`init: fetching ${url} failed (${(error as Error).message})`, { cause: error });
      }
      if (!response.ok) throw new Error(`init: fetching ${url} failed with HTTP ${response.status}`);
      module = await compile('init', await response.arrayBuffer(), url);
    } else {
      if (isInitialized()) return;
      try {
        module = await defaultModule();
      } catch (error) {
        throw new Error(`init: this runtime cannot compile the bundled tensorlane.wasm (${(error as Error).message}); ${NEEDS}`, { cause: error });
      }
    }
    await installModuleAsync(module);
  };
}

/**
 * Initialises synchronously from a compiled module or its bytes. Browsers limit synchronous
 * compilation to small modules on the main thread, and workerd refuses bytes: prefer `init()`.
 * As with `init`, a module that is not tensorlane.wasm is refused with a clear error, and once a
 * module is installed a later call only checks its argument and keeps the running module.
 */
export function initSync(options: InitSyncOptions): void {
  const opts = checkOptions('initSync', options, ['module', 'bytes'], true);
  if (opts.module !== undefined) return installModule(opts.module as WebAssembly.Module);
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(opts.bytes as BufferSource);
  } catch (error) {
    throw new Error(`initSync: options.bytes is not a valid tensorlane.wasm, or this runtime cannot compile it (${(error as Error).message}); ${NEEDS}`, { cause: error });
  }
  installModule(module);
}
