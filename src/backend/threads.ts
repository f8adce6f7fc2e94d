// The thread pool behind `init({ threads })`: workers that each instantiate the threads build over
// the one shared WebAssembly.Memory, and a dispatcher that runs one kernel call split into parts,
// part 0 on the calling thread and part w on worker w, and returns when every part is done.
// Kernels choose their parts so that each output element is written by one part in the same
// order as the single-threaded call; the pool itself never changes what is computed.
//
// Synchronisation is Atomics.wait/notify on a small control block (see thread-worker.ts), so the
// caller blocks: that is allowed on Node's and Deno's main thread and inside browser workers, not
// on a browser's main thread (`threadSupport` says so). Nothing here holds a view of wasm memory.
import { heap } from './memory.js';
import type { Kernels } from './wasm.js';
import { SLOT, WORKER_SOURCE } from './thread-worker.js';

/** The most threads a pool runs, whatever `init({ threads })` asks. */
export const MAX_THREADS = 64;

type Fn = (...args: number[]) => number;

/** A started worker, whichever API made it. */
interface PoolWorker {
  post(message: unknown): void;
  /** Resolves with the worker's first message; rejects if it fails to start. */
  first(): Promise<{ ready?: boolean; error?: string }>;
  terminate(): void;
}

/** Runs kernel calls split into parts over the pool's threads (the caller is thread 0). */
export class ThreadPool {
  /** Argument slots: slot w at [w*SLOT, (w+1)*SLOT): export index, then the call's numbers. */
  readonly slots: Float64Array;
  private readonly words: Int32Array;
  private readonly generations: Int32Array;
  private readonly fns: Fn[];
  private readonly indexByFn = new Map<unknown, number>();
  private readonly scratchPtr: number[];
  private readonly scratchBytes: number[];
  /** Kernel calls run in parts so far (tests check that work was split). */
  calls = 0;

  constructor(
    /** Threads, the caller included. */
    readonly size: number,
    names: readonly string[],
    main: Kernels,
    control: SharedArrayBuffer,
    args: SharedArrayBuffer,
    private readonly workers: readonly PoolWorker[],
  ) {
    this.words = new Int32Array(control);
    this.slots = new Float64Array(args);
    this.generations = new Int32Array(size);
    this.fns = names.map((name) => main[name] as Fn);
    this.fns.forEach((fn, i) => this.indexByFn.set(fn, i));
    this.scratchPtr = new Array<number>(size).fill(0);
    this.scratchBytes = new Array<number>(size).fill(0);
  }

  /** The index (what slot[0] holds) of `kernel`, an export of the calling thread's module. */
  index(kernel: unknown): number {
    const i = this.indexByFn.get(kernel);
    if (i === undefined) throw new Error('threads: the kernel is not an export of the module the pool runs');
    return i;
  }

  /**
   * A block of at least `bytes` owned by part `part` of a split call (packing scratch, a per-part
   * struct), kept and reused by every later call; it is replaced by a larger one from the heap
   * once per new high-water mark, which may grow memory, so take it before `run`.
   */
  scratch(part: number, bytes: number): number {
    if (this.scratchBytes[part]! < bytes) {
      const ptr = heap().alloc(bytes, 'threads (per-part scratch)');
      heap().free(this.scratchPtr[part]!);
      this.scratchPtr[part] = ptr;
      this.scratchBytes[part] = bytes;
    }
    return this.scratchPtr[part]!;
  }

  /**
   * Runs slots 0..parts-1: slot 0 on this thread, slot w on worker w, and waits for all of them.
   * Throws if any part threw (after every part has finished, so no worker still writes).
   */
  run(parts: number): void {
    const size = this.size;
    this.calls++;
    for (let w = 1; w < parts; w++) {
      const next = this.generations[w] === 0x7fffffff ? 1 : this.generations[w]! + 1;
      this.generations[w] = next;
      Atomics.store(this.words, w, next);
      Atomics.notify(this.words, w, 1);
    }
    let failure: unknown;
    try {
      const s = this.slots;
      this.fns[s[0]!]!(s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, s[8]!, s[9]!, s[10]!, s[11]!, s[12]!, s[13]!, s[14]!, s[15]!);
    } catch (error) {
      failure = error;
    }
    let failedPart = 0;
    for (let w = 1; w < parts; w++) {
      const target = this.generations[w]!;
      for (;;) {
        const done = Atomics.load(this.words, size + w);
        if (done === target) break;
        Atomics.wait(this.words, size + w, done);
      }
      if (this.words[2 * size + w] !== 0) failedPart = w;
    }
    if (failure !== undefined) throw failure;
    if (failedPart !== 0) throw new Error(`threads: part ${failedPart} of a kernel call failed on its worker (a trap in the wasm module)`);
  }

  /** Ends every worker. */
  stop(): void {
    for (let w = 1; w < this.size; w++) {
      Atomics.store(this.words, w, -1);
      Atomics.notify(this.words, w);
    }
    for (const worker of this.workers) worker.terminate();
  }
}

let pool: ThreadPool | undefined;

/** The running pool, or undefined when tensorlane runs on one thread. */
export function threadPool(): ThreadPool | undefined {
  return pool;
}

/** How many threads kernels run on: 1 unless `init({ threads })` started workers. */
export function threadCount(): number {
  return pool?.size ?? 1;
}

type Host = {
  Deno?: unknown;
  process?: { versions?: { node?: string } };
  crossOriginIsolated?: boolean;
  Worker?: new (url: string | URL, options?: { type?: string }) => {
    postMessage(message: unknown): void;
    terminate(): void;
    onmessage: ((event: { data: unknown }) => void) | null;
    onerror: ((event: { message?: string }) => void) | null;
  };
};

const host = () => globalThis as unknown as Host;
/**
 * Node and Deno: workers from `node:worker_threads`, which can be unref'ed (Deno's web Workers
 * would keep the process alive after the script ends).
 */
const hasNodeWorkers = () => host().Deno !== undefined || typeof host().process?.versions?.node === 'string';

/**
 * Why this runtime cannot run tensorlane's threads (undefined when it can): threads need
 * SharedArrayBuffer (browsers: a cross-origin-isolated page), workers, and a thread that may
 * block in Atomics.wait (not a browser's main thread).
 */
export function threadSupport(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return host().crossOriginIsolated === false
      ? 'SharedArrayBuffer needs a cross-origin-isolated page (COOP/COEP headers)'
      : 'this runtime has no SharedArrayBuffer';
  }
  if (!hasNodeWorkers() && typeof host().Worker !== 'function') return 'this runtime has no workers';
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    return 'this thread may not block in Atomics.wait (a browser main thread: run tensorlane in a worker)';
  }
  return undefined;
}

async function spawn(): Promise<PoolWorker> {
  if (hasNodeWorkers()) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const first = new Promise<{ ready?: boolean; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // Once started, workers never keep the process alive: they only serve calls the main thread
    // waits for. (Before, they must: init awaits their first message.)
    void first.then(() => worker.unref(), () => undefined);
    return { post: (m) => worker.postMessage(m), first: () => first, terminate: () => void worker.terminate() };
  }
  const WebWorker = host().Worker!;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new WebWorker(url, { type: 'module' });
  const first = new Promise<{ ready?: boolean; error?: string }>((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data as { ready?: boolean; error?: string });
    worker.onerror = (event) => reject(new Error(event.message ?? 'the worker failed to start'));
  });
  void first.finally(() => URL.revokeObjectURL(url)).catch(() => undefined);
  return { post: (m) => worker.postMessage(m), first: () => first, terminate: () => worker.terminate() };
}

/**
 * Starts `size - 1` workers over `memory` running `module` (the threads build); `main` is the
 * calling thread's instance of the same module. On any failure every worker started is ended and
 * the error is thrown. `usePool` makes the result current.
 */
export async function startPool(module: WebAssembly.Module, memory: WebAssembly.Memory, main: Kernels, size: number): Promise<ThreadPool> {
  const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  const control = new SharedArrayBuffer(3 * size * 4);
  const args = new SharedArrayBuffer(size * SLOT * 8);
  const workers: PoolWorker[] = [];
  try {
    for (let id = 1; id < size; id++) {
      const worker = await spawn();
      workers.push(worker);
      worker.post({ module, memory, control, args, id, size, names });
    }
    for (const worker of workers) {
      const reply = await worker.first();
      if (reply.ready !== true) throw new Error(reply.error ?? 'no reply');
    }
  } catch (error) {
    for (const worker of workers) worker.terminate();
    throw new Error(`init: starting ${size - 1} worker thread(s) failed (${(error as Error).message})`, { cause: error });
  }
  return new ThreadPool(size, names, main, control, args, workers);
}

/** Makes `started` the pool every kernel call uses (once per process, with the module it runs). */
export function usePool(started: ThreadPool): void {
  pool = started;
}

/** Ends the pool's workers; kernels run on one thread afterwards (the memory stays shared). */
export function stopThreads(): void {
  pool?.stop();
  pool = undefined;
}
