// Bindings of assembly/gemm.ts: the SGEMM driver and its flag bits.
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

/** C[m x n] (+)= op(A)·op(B) (+ bias): the driver (flags from GEMM_FLAGS; offsets in bytes). */
export function gemm(
  flags: number, m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number,
  c: number, ldc: number, bias: number, scratch: number,
): void {
  wasm().f32_gemm(flags, m, n, k, a, lda, b, ldb, c, ldc, bias, scratch);
}
