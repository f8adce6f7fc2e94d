// Bindings of assembly/gemm.ts: the SGEMM driver and its flag bits, split over the thread pool.
import { SLOT } from '../backend/thread-worker.js';
import { threadPool, type ThreadPool } from '../backend/threads.js';
import { CONSTANTS, wasm } from './exports.js';

/** Flag bits of the GEMM driver, read from the module's exported constants. */
export const GEMM_FLAGS = {
  transposeA: CONSTANTS.GEMM_TRANS_A,
  transposeB: CONSTANTS.GEMM_TRANS_B,
  accumulate: CONSTANTS.GEMM_ACCUMULATE,
} as const;

/** Bytes of packing scratch the driver needs for an m x n x k product. */
export function gemmScratchBytes(m: number, n: number, k: number): number {
  return wasm().f32_gemm_scratch_bytes(m, n, k);
}

/** The driver's micro-tile (assembly/gemm.ts MR x NR): parts split on whole tiles, so no part adds edge tiles. */
const TILE_ROWS = 2;
const TILE_COLS = 16;

/**
 * How GEMM calls are split over threads. `minPartMadds`: the fewest multiply-adds worth a part of
 * their own. A dispatch round trip (wake a worker, wait for it) measured 35-45 µs on the 2-core
 * test machine under load, about the time of 2^18 multiply-adds at 13 GFLOP/s, so smaller parts
 * would lose time. Tests lower it to split tiny products.
 */
export const GEMM_SPLIT = { minPartMadds: 1 << 18 };

/** Parts for an m x n x k product on `threads` threads: no more than the work or the tiles allow. */
export function gemmParts(threads: number, m: number, n: number, k: number): number {
  const byWork = Math.floor((m * n * k) / GEMM_SPLIT.minPartMadds);
  const tiles = m >= n ? Math.ceil(m / TILE_ROWS) : Math.ceil(n / TILE_COLS);
  return Math.max(1, Math.min(threads, byWork, tiles));
}

/**
 * C[m x n] (+)= op(A)·op(B) (+ bias): the driver (flags from GEMM_FLAGS; offsets in bytes). With
 * a thread pool, a large product is split into blocks of C rows (m >= n) or C columns, one per
 * thread, each a driver call of its own. Every element of C is still computed by one call, over
 * the same k in the same order (the driver's depth blocking depends on k alone), so the result
 * is bit-identical to the single-threaded call for any thread count.
 */
export function gemm(
  flags: number, m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number,
  c: number, ldc: number, bias: number, scratch: number,
): void {
  const kernel = wasm().f32_gemm;
  const pool = threadPool();
  const parts = pool === undefined ? 1 : gemmParts(pool.size, m, n, k);
  if (parts <= 1) {
    kernel(flags, m, n, k, a, lda, b, ldb, c, ldc, bias, scratch);
    return;
  }
  splitGemm(pool!, pool!.index(kernel), parts, flags, m, n, k, a, lda, b, ldb, c, ldc, bias, scratch, gemmScratchBytes);
}

function splitGemm(
  pool: ThreadPool, gemmIndex: number, parts: number, flags: number, m: number, n: number, k: number, a: number, lda: number,
  b: number, ldb: number, c: number, ldc: number, bias: number, scratch: number, scratchBytes: (m: number, n: number, k: number) => number,
): void {
  const byRows = m >= n;
  const unit = byRows ? TILE_ROWS : TILE_COLS;
  const extent = byRows ? m : n;
  const units = Math.ceil(extent / unit);
  const base = Math.floor(units / parts);
  const extra = units % parts;
  // The first part is the largest: its scratch size serves every worker.
  const largest = Math.min(extent, (base + (extra > 0 ? 1 : 0)) * unit);
  const workerScratch = byRows ? scratchBytes(largest, n, k) : scratchBytes(m, largest, k);
  const transA = (flags & GEMM_FLAGS.transposeA) !== 0;
  const transB = (flags & GEMM_FLAGS.transposeB) !== 0;
  const slots = pool.slots;
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const lo = start * unit;
    start += base + (p < extra ? 1 : 0);
    const hi = Math.min(start * unit, extent);
    const o = p * SLOT;
    slots[o] = gemmIndex;
    slots[o + 1] = flags;
    slots[o + 2] = byRows ? hi - lo : m;
    slots[o + 3] = byRows ? n : hi - lo;
    slots[o + 4] = k;
    // Rows lo..hi of op(A) and C, or columns lo..hi of op(B), C and the bias.
    slots[o + 5] = byRows ? a + (transA ? lo : lo * lda) * 4 : a;
    slots[o + 6] = lda;
    slots[o + 7] = byRows ? b : b + (transB ? lo * ldb : lo) * 4;
    slots[o + 8] = ldb;
    slots[o + 9] = c + (byRows ? lo * ldc : lo) * 4;
    slots[o + 10] = ldc;
    slots[o + 11] = byRows || bias === 0 ? bias : bias + lo * 4;
    slots[o + 12] = p === 0 ? scratch : pool.scratch(p, workerScratch);
  }
  pool.run(parts);
}

/** Floats of op(B) (k x n) packed by `packGemmB`: ceil(n / 16) panels of k x 16. */
export function packedBFloats(k: number, n: number): number {
  return wasm().f32_gemm_packed_b_floats(k, n);
}

/** Packs op(B) (k x n; B stored n x k when `transposeB`) at `b` into the panel-major layout at `dst` (`packedBFloats` floats). */
export function packGemmB(dst: number, b: number, ldb: number, transposeB: boolean, k: number, n: number): void {
  wasm().f32_gemm_pack_b(dst, b, ldb, transposeB ? 1 : 0, k, n);
}

/** Bytes of scratch `gemmPacked` needs for an m x n x k product. */
export function gemmPackedScratchBytes(m: number, n: number, k: number): number {
  return wasm().f32_gemm_packed_scratch_bytes(m, n, k);
}

/**
 * C[m x n] (+)= op(A)·B (+ bias) with B packed by `packGemmB` (flags: transposeA, accumulate):
 * bit-identical to `gemm` on the unpacked B. Split over the thread pool like `gemm`, by rows of
 * C or by columns (a column block of the packed B starts at lo*k floats, no repacking).
 */
export function gemmPacked(
  flags: number, m: number, n: number, k: number, a: number, lda: number, packed: number,
  c: number, ldc: number, bias: number, scratch: number,
): void {
  const kernel = wasm().f32_gemm_packed;
  const pool = threadPool();
  const parts = pool === undefined ? 1 : gemmParts(pool.size, m, n, k);
  if (parts <= 1) {
    kernel(flags, m, n, k, a, lda, packed, k, c, ldc, bias, scratch);
    return;
  }
  // Packed columns lo.. start at lo*k floats: the split of a transposed B with ldb = k.
  splitGemm(pool!, pool!.index(kernel), parts, flags | GEMM_FLAGS.transposeB, m, n, k, a, lda, packed, k, c, ldc, bias, scratch, gemmPackedScratchBytes);
}
