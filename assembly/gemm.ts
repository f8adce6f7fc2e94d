// SGEMM: C[m x n] (+)= op(A)[m x k] · op(B)[k x n] (+ bias[n]).
// Row-major. op(A) = A (lda >= k) or Aᵀ (A stored k x m, lda >= m); same for B.

export const GEMM_TRANS_A: i32 = 1;
export const GEMM_TRANS_B: i32 = 2;
export const GEMM_ACCUMULATE: i32 = 4;

/**
 * Plain triple loop over any shape and flags: the fallback and the algorithmic reference.
 * flags: GEMM_TRANS_A | GEMM_TRANS_B | GEMM_ACCUMULATE; bias = 0 for none.
 */
export function f32_gemm__scalar(
  flags: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, bias: usize,
): void {
  const transA = (flags & GEMM_TRANS_A) != 0;
  const transB = (flags & GEMM_TRANS_B) != 0;
  const accumulate = (flags & GEMM_ACCUMULATE) != 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum: f32 = 0;
      for (let p = 0; p < k; p++) {
        const av = load<f32>(a + ((transA ? <usize>p * lda + i : <usize>i * lda + p) << 2));
        const bv = load<f32>(b + ((transB ? <usize>j * ldb + p : <usize>p * ldb + j) << 2));
        sum += av * bv;
      }
      const cp = c + ((<usize>i * ldc + j) << 2);
      if (bias != 0) sum += load<f32>(bias + (<usize>j << 2));
      store<f32>(cp, accumulate ? load<f32>(cp) + sum : sum);
    }
  }
}

/** Bytes of scratch that f32_gemm needs for these sizes (packing buffers). */
export function f32_gemm_scratch_bytes(m: i32, n: i32, k: i32): usize {
  return 0;
}

/** Driver: what src/ calls. scratch must hold f32_gemm_scratch_bytes(m, n, k) bytes. */
export function f32_gemm(
  flags: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, bias: usize, scratch: usize,
): void {
  f32_gemm__scalar(flags, m, n, k, a, lda, b, ldb, c, ldc, bias);
}
