// The GEMM split over threads computes exactly what one thread computes: every flag combination,
// odd sizes (so parts end inside tiles), leading dimensions wider than rows, bias, accumulate,
// and buffers placed after the shared memory has grown.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomArray } from '../util.js';
import { instance, type Instance } from './instances.js';

const SIZES = [1, 3, 5, 7, 17, 33, 65];
let single: Instance;
let threaded: Instance[];

beforeAll(async () => {
  single = await instance(1);
  threaded = [await instance(2), await instance(3), await instance(4)];
  // Split every product that has at least one tile per thread, however small.
  for (const t of threaded) t.gemm.GEMM_SPLIT.minPartMadds = 1;
});

afterAll(() => {
  for (const t of threaded) t.threads.stopThreads();
});

interface Case { m: number; n: number; k: number; flags: number; bias: boolean; pad: number; seed: number }

/** Runs one product in `lib` and returns C's bits; `offset` bytes of heap are taken first (to place buffers high). */
function run(lib: Instance, c: Case, offset = 0): Uint32Array {
  const { heap, writeF32, readF32 } = lib.memory;
  const { GEMM_FLAGS, gemm, gemmScratchBytes } = lib.gemm;
  const transA = (c.flags & GEMM_FLAGS.transposeA) !== 0;
  const transB = (c.flags & GEMM_FLAGS.transposeB) !== 0;
  const [aRows, aCols] = transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = transB ? [c.n, c.k] : [c.k, c.n];
  const lda = aCols + c.pad;
  const ldb = bCols + c.pad;
  const ldc = c.n + c.pad;
  const h = heap();
  const gap = offset > 0 ? h.alloc(offset) : 0;
  const pa = h.alloc(aRows * lda * 4);
  const pb = h.alloc(bRows * ldb * 4);
  const pc = h.alloc(c.m * ldc * 4);
  const pbias = c.bias ? h.alloc(c.n * 4) : 0;
  const work = h.alloc(Math.max(16, gemmScratchBytes(c.m, c.n, c.k)));
  try {
    writeF32(pa, randomArray(aRows * lda, c.seed));
    writeF32(pb, randomArray(bRows * ldb, c.seed + 1));
    writeF32(pc, randomArray(c.m * ldc, c.seed + 2));
    if (c.bias) writeF32(pbias, randomArray(c.n, c.seed + 3));
    gemm(c.flags, c.m, c.n, c.k, pa, lda, pb, ldb, pc, ldc, pbias, work);
    return new Uint32Array(readF32(pc, c.m * ldc).buffer);
  } finally {
    for (const p of [work, pbias, pc, pb, pa, gap]) h.free(p);
  }
}

describe('threaded GEMM is bit-identical to one thread', () => {
  test('the pools run 2, 3 and 4 threads', () => {
    expect(single.tl.threadCount()).toBe(1);
    expect(threaded.map((t) => t.tl.threadCount())).toEqual([2, 3, 4]);
  });

  test('every flag combination on odd sizes, with and without bias and padding', () => {
    let seed = 1;
    let compared = 0;
    for (const m of SIZES) {
      for (const n of SIZES) {
        for (const k of [1, 7, 65]) {
          for (let flags = 0; flags < 8; flags++) {
            const c: Case = { m, n, k, flags, bias: (flags & 1) === 0, pad: seed % 3, seed: seed++ };
            const want = run(single, c);
            for (const t of threaded) {
              expect(Array.from(run(t, c)), `${t.tl.threadCount()} threads, ${JSON.stringify(c)}`).toEqual(Array.from(want));
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBe(SIZES.length * SIZES.length * 3 * 8 * 3);
  });

  test('large products with several depth blocks (k > 256) and both split directions', () => {
    for (const [m, n, k] of [[300, 70, 600], [70, 300, 600], [129, 129, 1000]] as const) {
      for (const flags of [0, 3, 4, 7]) {
        const c: Case = { m, n, k, flags, bias: true, pad: 1, seed: m + n + k + flags };
        const want = run(single, c);
        for (const t of threaded) expect(Array.from(run(t, c)), `${t.tl.threadCount()} threads, ${JSON.stringify(c)}`).toEqual(Array.from(want));
      }
    }
  });

  test('after the shared memory grows, workers read and write the new pages', () => {
    const t = threaded[2]!;
    const before = t.memory.memoryBytes();
    const c: Case = { m: 65, n: 33, k: 17, flags: 0, bias: true, pad: 0, seed: 99 };
    const want = run(single, c);
    expect(Array.from(run(t, c, 64 << 20))).toEqual(Array.from(want));
    expect(t.memory.memoryBytes()).toBeGreaterThanOrEqual(before + (64 << 20));
  });

  test('a part that traps on a worker throws on the caller, and the pool keeps working', () => {
    const t = threaded[1]!;
    const end = t.memory.memoryBytes();
    // 3 parts of 22, 22 and 20 rows: the first lies in memory, the workers' parts past its end.
    const c0 = end - 22 * 4 * 4;
    const work = t.memory.heap().alloc(t.gemm.gemmScratchBytes(64, 4, 4));
    expect(() => t.gemm.gemm(0, 64, 4, 4, 0, 4, 0, 4, c0, 4, 0, work)).toThrow(/part \d of a kernel call failed on its worker/);
    t.memory.heap().free(work);
    const c: Case = { m: 33, n: 17, k: 65, flags: 2, bias: true, pad: 0, seed: 5 };
    expect(Array.from(run(t, c))).toEqual(Array.from(run(single, c)));
  });
});
