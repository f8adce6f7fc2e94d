// Separate copies of the library in one test process, each with its own module: vi.resetModules()
// makes the next imports a fresh module graph, so a copy can be initialised with the
// single-threaded build and others with the threads build and 2, 3, 4 threads, side by side.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, vi } from 'vitest';

export const SINGLE_WASM = () => readFileSync('build/tensorlane.wasm');
export const THREADS_WASM = () => readFileSync('build/tensorlane-threads.wasm');

export type Library = typeof import('../../src/index.js');

/** One initialised copy of the library and its low-level modules, all from one module graph. */
export interface Instance {
  tl: Library;
  memory: typeof import('../../src/backend/memory.js');
  gemm: typeof import('../../src/kernels/gemm.js');
  threads: typeof import('../../src/backend/threads.js');
  split: typeof import('../../src/kernels/split.js');
  activation: typeof import('../../src/kernels/activation.js');
  fill: typeof import('../../src/kernels/memory.js')['fill'];
  conv: typeof import('../../src/ops/conv.js');
  convSplit: typeof import('../../src/kernels/conv-split.js');
}

/** Makes every split-able call of `lib` split, however small (one tile, 64 floats or one conv unit per part is enough). */
export function splitEverything(lib: Instance): void {
  lib.gemm.GEMM_SPLIT.minPartMadds = 1;
  lib.split.POINTWISE_SPLIT.minPartFloats = 1;
  lib.convSplit.CONV_SPLIT.minPartMadds = 1;
}

/** A fresh copy running on `threads` threads (1: the single-threaded build, as `init()` loads it). */
export async function instance(threads: number): Promise<Instance> {
  vi.resetModules();
  const tl = await import('../../src/index.js');
  const memory = await import('../../src/backend/memory.js');
  const gemm = await import('../../src/kernels/gemm.js');
  const pool = await import('../../src/backend/threads.js');
  const split = await import('../../src/kernels/split.js');
  const activation = await import('../../src/kernels/activation.js');
  const { fill } = await import('../../src/kernels/memory.js');
  const conv = await import('../../src/ops/conv.js');
  const convSplit = await import('../../src/kernels/conv-split.js');
  await tl.init(threads === 1 ? { bytes: SINGLE_WASM() } : { threads, bytes: THREADS_WASM() });
  return { tl, memory, gemm, threads: pool, split, activation, fill, conv, convSplit };
}

/** A single-threaded copy and copies on 2, 3 and 4 threads that split every call they can. */
export interface ComparedCopies {
  single: Instance;
  threaded: Instance[];
}

/**
 * Registers the suite's beforeAll (start the copies) and afterAll (stop their workers) and returns
 * the object they fill: read its fields inside tests.
 */
export function comparedCopies(): ComparedCopies {
  const copies: ComparedCopies = { single: undefined as unknown as Instance, threaded: [] };
  beforeAll(async () => {
    copies.single = await instance(1);
    copies.threaded = [await instance(2), await instance(3), await instance(4)];
    for (const t of copies.threaded) splitEverything(t);
  });
  afterAll(() => {
    for (const t of copies.threaded) t.threads.stopThreads();
  });
  return copies;
}
