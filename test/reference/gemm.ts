/**
 * Reference GEMM, naive on purpose, accumulating in f64:
 * C[m x n] = (accumulate ? C : 0) + op(A) · op(B) + bias. Row-major with leading dimensions.
 */
export function gemmReference(o: {
  m: number; n: number; k: number;
  a: ArrayLike<number>; lda: number; transposeA: boolean;
  b: ArrayLike<number>; ldb: number; transposeB: boolean;
  c: Float32Array; ldc: number; accumulate: boolean; bias?: ArrayLike<number>;
}): Float32Array {
  const out = o.c.slice();
  for (let i = 0; i < o.m; i++) {
    for (let j = 0; j < o.n; j++) {
      let sum = 0;
      for (let p = 0; p < o.k; p++) {
        const av = o.transposeA ? o.a[p * o.lda + i]! : o.a[i * o.lda + p]!;
        const bv = o.transposeB ? o.b[j * o.ldb + p]! : o.b[p * o.ldb + j]!;
        sum += av * bv;
      }
      if (o.bias) sum += o.bias[j]!;
      if (o.accumulate) sum += o.c[i * o.ldc + j]!;
      out[i * o.ldc + j] = sum;
    }
  }
  return out;
}
