// The GEMMs of multi-head attention, over buffers in wasm memory: the dense projections (one GEMM
// over every position of the batch, bias fused) and the per-(sample, head) products, strided views
// into the [batch, time, heads, depth] projections (no transposes, nothing copied).
import { biasBackward } from '../kernels/graph.js';
import { gemm, type GemmCall } from '../ops/matmul.js';

/** One call object reused by every GEMM of every attention layer (gemm reads it synchronously). */
const call: Required<GemmCall> = { m: 0, n: 0, k: 0, a: 0, b: 0, c: 0, transposeA: false, transposeB: false, accumulate: false, bias: 0, lda: 0, ldb: 0, ldc: 0 };

/** C[m x n] (+)= op(A)·op(B) (+ bias) with leading dimensions in floats. */
function run(m: number, n: number, k: number, a: number, lda: number, transposeA: boolean, b: number, ldb: number, transposeB: boolean, c: number, ldc: number, accumulate: boolean, bias: number): void {
  call.m = m;
  call.n = n;
  call.k = k;
  call.a = a;
  call.lda = lda;
  call.transposeA = transposeA;
  call.b = b;
  call.ldb = ldb;
  call.transposeB = transposeB;
  call.c = c;
  call.ldc = ldc;
  call.accumulate = accumulate;
  call.bias = bias;
  gemm(call);
}

/** y[rows, out] = x[rows, in] · kernel[in, out] (+ bias). */
export function projectForward(y: number, x: number, kernel: number, bias: number, rows: number, inDim: number, outDim: number): void {
  run(rows, outDim, inDim, x, inDim, false, kernel, outDim, false, y, outDim, false, bias);
}

/**
 * Backward of `projectForward`, accumulating: dKernel += xᵀ·dy, dBias += Σ dy, dx += dy·kernelᵀ
 * (each skipped when its buffer is 0).
 */
export function projectBackward(dx: number, dKernel: number, dBias: number, dy: number, x: number, kernel: number, rows: number, inDim: number, outDim: number): void {
  if (dKernel !== 0) run(inDim, outDim, rows, x, inDim, true, dy, outDim, false, dKernel, outDim, true, 0);
  if (dBias !== 0) biasBackward(dBias, dy, rows, outDim);
  if (dx !== 0) run(rows, inDim, outDim, dy, outDim, false, kernel, outDim, true, dx, inDim, true, 0);
}

/**
 * A per-head operand: `base` holds [batch, rows, heads, depth] (a projection; head h of sample b
 * is a rows x depth block at column h * depth with leading dimension heads * depth) or, with
 * depth 0, [batch, heads, rows, cols] packed blocks (scores and probabilities).
 */
export interface HeadOperand {
  base: number;
  rows: number;
  /** Columns of one head's block. */
  cols: number;
  /** Floats between rows of one head's block. */
  ld: number;
  /** Floats between heads. */
  headStride: number;
  /** Floats between samples. */
  sampleStride: number;
  transpose: boolean;
}

/** A head block of a [batch, time, heads, depth] projection. */
export function projected(base: number, time: number, heads: number, depth: number, transpose = false): HeadOperand {
  return { base, rows: time, cols: depth, ld: heads * depth, headStride: depth, sampleStride: time * heads * depth, transpose };
}

/** A [rows, cols] block of a packed [batch, heads, rows, cols] buffer. */
export function packed(base: number, rows: number, cols: number, heads: number, transpose = false): HeadOperand {
  return { base, rows, cols, ld: cols, headStride: rows * cols, sampleStride: heads * rows * cols, transpose };
}

/** For every sample and head: C (+)= op(A)·op(B), with C's m x n and A's inner size from the operands. */
export function perHead(batch: number, heads: number, c: HeadOperand, a: HeadOperand, b: HeadOperand, accumulate: boolean): void {
  const m = c.rows;
  const n = c.cols;
  const k = a.transpose ? a.rows : a.cols;
  for (let s = 0; s < batch; s++) {
    for (let h = 0; h < heads; h++) {
      const pa = a.base + (s * a.sampleStride + h * a.headStride) * 4;
      const pb = b.base + (s * b.sampleStride + h * b.headStride) * 4;
      const pc = c.base + (s * c.sampleStride + h * c.headStride) * 4;
      run(m, n, k, pa, a.ld, a.transpose, pb, b.ld, b.transpose, pc, c.ld, accumulate, 0);
    }
  }
}
