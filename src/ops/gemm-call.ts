// One GEMM call object refilled for every product of the per-step code (gemm reads it
// synchronously), so a step allocates nothing: the matmul op, Dense and the recurrent layers use it.
import { scratch } from '../backend/memory.js';
import { gemmPacked, gemmPackedScratchBytes } from '../kernels/gemm.js';
import { gemm, type GemmCall } from './matmul.js';

const call: GemmCall = { m: 0, n: 0, k: 0, a: 0, b: 0, c: 0 };

/** C[m x n] (+)= op(A) · op(B) (+ bias) on wasm buffers; lda/ldc/ldb default to the packed row lengths (0). */
export function runGemm(
  m: number, n: number, k: number, a: number, b: number, c: number,
  transposeA: boolean, transposeB: boolean, accumulate: boolean, bias = 0, lda = 0, ldc = 0, ldb = 0,
): void {
  call.m = m;
  call.n = n;
  call.k = k;
  call.a = a;
  call.b = b;
  call.c = c;
  call.transposeA = transposeA;
  call.transposeB = transposeB;
  call.accumulate = accumulate;
  call.bias = bias;
  call.lda = lda === 0 ? undefined : lda;
  call.ldc = ldc === 0 ? undefined : ldc;
  call.ldb = ldb === 0 ? undefined : ldb;
  gemm(call);
}

/**
 * C[m x n] = A[m x k] · B (+ bias) with B packed by `PackedGemmB` (layers/prepack.ts), A and C
 * row-major and contiguous: the layers' inference path, bit-identical to `runGemm` on the
 * unpacked B. The plan laid the buffers out, so only the arena scratch is set up here.
 */
export function runGemmPacked(m: number, n: number, k: number, a: number, packed: number, c: number, bias: number): void {
  const arena = scratch();
  const mark = arena.mark();
  try {
    gemmPacked(0, m, n, k, a, k, packed, c, n, bias, arena.alloc(gemmPackedScratchBytes(m, n, k)));
  } finally {
    arena.reset(mark);
  }
}
