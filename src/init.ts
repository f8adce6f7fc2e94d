import { importsMemory, installInstance, installModule, instantiateModule, isInitialized, sharedMemory } from './backend/wasm.js';
import { moduleSimd, relaxedSimdSupported, type SimdMode } from './backend/simd.js';
import { MAX_THREADS, startPool, threadSupport, usePool } from './backend/threads.js';
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
  /**
   * Threads that kernels split their work over (default 1; `'auto'`: the cores, at most 8). More
   * than one loads `tensorlane-threads.wasm` (beside the bundle, or the `module`/`bytes`/`url`
   * given) over a shared memory and starts workers; results are bit-identical for every count.
   * Where threads cannot run (a browser page that is not cross-origin isolated, a browser's main
   * thread, workerd) tensorlane runs on one thread; `verbose` says why.
   */
  threads?: number | 'auto';
  /**
   * The SIMD arithmetic (default `'strict'`). `'strict'`: the default build, a rounding after every
   * multiply and every add, bit-identical results in every runtime and for every thread count.
   * `'relaxed'`: loads `tensorlane-relaxed.wasm` (`tensorlane-threads-relaxed.wasm` with threads)
   * from beside the bundle, whose convolution micro-kernels use `f32x4.relaxed_madd`, fused into
   * one rounding on CPUs with FMA. Faster there, but its numbers differ from the strict build's in
   * the last bits and may differ between machines (within the error bound in the README), so a
   * seeded run is no longer reproducible across builds. Needs an engine with relaxed SIMD (V8 >=
   * 11.4: Chromium >= 114, Node >= 22, Deno, workerd; Node 20 only with
   * `--experimental-wasm-relaxed-simd`); where it is missing, or the entry point has no relaxed
   * build beside it (the `workerd`/`worker` entry: pass the file as `module` instead), the strict
   * build runs and `verbose` says why. `simdMode()` tells which one runs.
   */
  simd?: SimdMode;
  /** Print a one-line note (console.warn) when fewer threads run than were asked for, or strict SIMD instead of relaxed. */
  verbose?: boolean;
}

/** Options of `initSync`: a compiled module or its bytes (exactly one). */
export interface InitSyncOptions {
  module?: WebAssembly.Module;
  bytes?: BufferSource;
}

const SOURCES = ['module', 'bytes', 'url'] as const;
const INIT_KEYS = [...SOURCES, 'threads', 'simd', 'verbose'];
/** Threads that `threads: 'auto'` runs at most (beyond this the 2-core-measured gains are unproven). */
const AUTO_MAX_THREADS = 8;

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
  const sources = allowed.filter((key) => (SOURCES as readonly string[]).includes(key));
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${who}: options must be an object like { ${sources.join(' | ')} }, got ${options === null ? 'null' : typeof options}`);
  }
  const keys = Object.keys(options).filter((key) => (options as Record<string, unknown>)[key] !== undefined);
  const unknown = keys.filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new ValueError(`${who}: unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; expected one of ${allowed.join(', ')}`);
  const given = keys.filter((key) => sources.includes(key));
  if (given.length > 1) throw new ValueError(`${who}: give one of ${sources.join(', ')}, got ${given.join(' and ')}`);
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

/** The thread count asked for: a whole number in [1, MAX_THREADS], or 'auto' (the cores, at most 8). */
async function threadsWanted(threads: unknown): Promise<number> {
  if (threads === undefined) return 1;
  if (threads === 'auto') return Math.max(1, Math.min(AUTO_MAX_THREADS, await cores()));
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new ValueError(`init: options.threads must be a whole number from 1 to ${MAX_THREADS} or 'auto', got ${typeof threads === 'number' ? threads : describe(threads)}`);
  }
  return threads;
}

/** The SIMD arithmetic asked for: 'strict' (the default) or 'relaxed'. */
function simdWanted(simd: unknown): SimdMode {
  if (simd === undefined || simd === 'strict' || simd === 'relaxed') return simd ?? 'strict';
  throw new ValueError(`init: options.simd must be 'strict' or 'relaxed', got ${typeof simd === 'string' ? `'${simd}'` : describe(simd)}`);
}

/** The packaged builds besides the inlined tensorlane.wasm: `tensorlane-${variant}.wasm`. */
export type BuildVariant = 'threads' | 'relaxed' | 'threads-relaxed';

/** Logical cores: navigator.hardwareConcurrency, else Node's os.availableParallelism(), else 1. */
async function cores(): Promise<number> {
  const host = globalThis as unknown as { navigator?: { hardwareConcurrency?: number }; process?: { versions?: { node?: string } } };
  const reported = host.navigator?.hardwareConcurrency;
  if (typeof reported === 'number' && reported >= 1) return reported;
  if (typeof host.process?.versions?.node === 'string') return (await import('node:os')).availableParallelism();
  return 1;
}

/** Reads `url` (a `file:` URL in Node through node:fs, anything else through fetch) and compiles it. */
async function compileFrom(url: URL | string, what: string): Promise<WebAssembly.Module> {
  const href = String(url);
  let bytes: BufferSource;
  try {
    const host = globalThis as unknown as { Deno?: unknown; process?: { versions?: { node?: string } } };
    if (href.startsWith('file:') && host.Deno === undefined && typeof host.process?.versions?.node === 'string') {
      bytes = new Uint8Array(await (await import('node:fs/promises')).readFile(new URL(href)));
    } else {
      const response = await fetch(href);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = await response.arrayBuffer();
    }
  } catch (error) {
    throw new Error(`init: loading ${what} from ${href} failed (${(error as Error).message})`, { cause: error });
  }
  return compile('init', bytes, href);
}

/** The module named by options.module/bytes/url, or undefined when none is given. */
async function moduleFromOptions(opts: Record<string, unknown>): Promise<WebAssembly.Module | undefined> {
  if (opts.module !== undefined) return opts.module as WebAssembly.Module;
  if (opts.bytes !== undefined) return compile('init', opts.bytes as BufferSource, 'options.bytes');
  if (opts.url !== undefined) {
    const url = String(opts.url);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new Error(`init: fetching ${url} failed (${(error as Error).message})`, { cause: error });
    }
    if (!response.ok) throw new Error(`init: fetching ${url} failed with HTTP ${response.status}`);
    return compile('init', await response.arrayBuffer(), url);
  }
  return undefined;
}

/**
 * Builds `init` for an entry point whose default module comes from `defaultModule`, and whose
 * other builds (threads, relaxed SIMD) are at `buildUrl(variant)`; an entry without them runs one
 * thread with strict SIMD unless given a module.
 */
export function makeInit(defaultModule: () => WebAssembly.Module | Promise<WebAssembly.Module>, buildUrl?: (variant: BuildVariant) => URL) {
  /**
   * Loads and instantiates the wasm module; call it once before anything else. The first module
   * installed stays for the life of the process, because every model, layer and optimizer keeps
   * its buffers in its memory: a later call without options returns at once, and a later call
   * with a source checks that source (a module that is not tensorlane.wasm is an error) and keeps
   * the running module, so models built before keep working.
   */
  return async function init(options: InitOptions = {}): Promise<void> {
    const opts = checkOptions('init', options, INIT_KEYS, false);
    if (opts.verbose !== undefined && typeof opts.verbose !== 'boolean') {
      throw new ValueError(`init: options.verbose must be a boolean, got ${describe(opts.verbose)}`);
    }
    let threads = await threadsWanted(opts.threads);
    let simd = simdWanted(opts.simd);
    // The one place the library prints outside callbacks: asked for with { verbose: true }.
    const warn = (line: string) => opts.verbose === true && console.warn(`tensorlane init: ${line}`);
    const note = (why: string) => {
      warn(`running on one thread instead of ${threads}: ${why}`);
      threads = 1;
    };
    const simdNote = (why: string) => {
      warn(`running strict SIMD instead of relaxed: ${why}`);
      simd = 'strict';
    };
    let module = await moduleFromOptions(opts);
    if (module === undefined && isInitialized()) return;
    if (threads > 1) {
      const unsupported = threadSupport();
      if (unsupported !== undefined) note(unsupported);
      else if (module !== undefined && !importsMemory(module)) note('the module given is tensorlane.wasm; threads need tensorlane-threads.wasm');
      else if (module === undefined && buildUrl === undefined) note('this entry point (workerd / worker) has no threads build');
    }
    if (module !== undefined) {
      const given = moduleSimd(module);
      if (opts.simd === 'strict' && given === 'relaxed') {
        throw new ValueError("init: options.simd is 'strict' but the module given is a relaxed-SIMD build; pass tensorlane.wasm (or tensorlane-threads.wasm), or drop simd");
      }
      if (simd === 'relaxed' && given === 'strict') simdNote('the module given is a strict build; relaxed SIMD needs tensorlane-relaxed.wasm (tensorlane-threads-relaxed.wasm with threads)');
    } else if (simd === 'relaxed') {
      if (!relaxedSimdSupported()) simdNote('this runtime has no relaxed SIMD (WebAssembly.validate refuses f32x4.relaxed_madd)');
      else if (buildUrl === undefined) simdNote('this entry point (workerd / worker) has no relaxed build; pass tensorlane-relaxed.wasm as init({ module })');
    }
    const variant: BuildVariant | undefined = threads > 1 ? (simd === 'relaxed' ? 'threads-relaxed' : 'threads') : simd === 'relaxed' ? 'relaxed' : undefined;
    if (module === undefined && variant !== undefined) module = await compileFrom(buildUrl!(variant), `tensorlane-${variant}.wasm`);
    if (module === undefined) {
      try {
        module = await defaultModule();
      } catch (error) {
        throw new Error(`init: this runtime cannot compile the bundled tensorlane.wasm (${(error as Error).message}); ${NEEDS}`, { cause: error });
      }
    }
    const memory = importsMemory(module) ? sharedMemory() : undefined;
    const instance = await instantiateModule(module, 'init', memory);
    if (instance === undefined) return; // installed before (or by a concurrent init): keep it
    const pool = threads > 1 ? await startPool(module, memory!, instance, threads) : undefined;
    if (!installInstance(instance, moduleSimd(module))) {
      pool?.stop();
      return;
    }
    if (pool !== undefined) usePool(pool);
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
