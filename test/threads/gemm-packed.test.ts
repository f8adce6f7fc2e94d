// The pre-packed GEMM (inference Dense) split over threads, by rows of C or by columns of the
// packed B, computes exactly what the unpacked GEMM computes on one thread.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomArray } from '../util.js';
import { instance, type Instance } from './instances.js';

let single: Instance;
let threaded: Instance[];

beforeAll(async () => {
  single = await instance(1);
  threaded = [await instance(2), await instance(3)];
  for (const t of threaded) t.gemm.GEMM_SPLIT.minPartMadds = 1;
});

afterAll(() => {
  for (const t of threaded) t.threads.stopThreads();
});

/** C's bits of A·B (+ bias) in `lib`: packed B through gemmPacked, or the plain gemm. */
function run(lib: Instance, m: number, n: number, k: number, packed: boolean, seed: number): number[] {
  const { heap, writeF32, readF32 } = lib.memory;
  const g = lib.gemm;
  const h = heap();
  const pa = h.alloc(m * k * 4), pb = h.alloc(k * n * 4), pc = h.alloc(m * n * 4), pbias = h.alloc(n * 4);
  const pp = h.alloc(g.packedBFloats(k, n) * 4);
  const work = h.alloc(Math.max(16, g.gemmScratchBytes(m, n, k), g.gemmPackedScratchBytes(m, n, k)));
  try {
    writeF32(pa, randomArray(m * k, seed));
    writeF32(pb, randomArray(k * n, seed + 1));
    writeF32(pbias, randomArray(n, seed + 2));
    if (packed) {
      g.packGemmB(pp, pb, n, false, k, n);
      g.gemmPacked(0, m, n, k, pa, k, pp, pc, n, pbias, work);
    } else {
      g.gemm(0, m, n, k, pa, k, pb, n, pc, n, pbias, work);
    }
    return Array.from(new Uint32Array(readF32(pc, m * n).buffer));
  } finally {
    for (const p of [work, pp, pbias, pc, pb, pa]) h.free(p);
  }
}

describe('threaded packed GEMM', () => {
  test('is bit-identical to the unpacked GEMM on one thread, split by rows and by columns', () => {
    let seed = 1;
    for (const [m, n, k] of [[1, 128, 300], [3, 65, 17], [33, 7, 65], [65, 33, 5], [2, 100, 33], [17, 17, 17]] as const) {
      const want = run(single, m, n, k, false, seed);
      expect(run(single, m, n, k, true, seed), `1 thread m=${m} n=${n} k=${k}`).toEqual(want);
      for (const t of threaded) expect(run(t, m, n, k, true, seed), `${t.tl.threadCount()} threads m=${m} n=${n} k=${k}`).toEqual(want);
      seed += 3;
    }
  });
});
