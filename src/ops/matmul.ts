import { ShapeError, ValueError, checkFlag, formatShape, checkOptions } from '../core/errors.js';
import { GEMM_FLAGS, gemm as gemmKernel, gemmScratchBytes } from '../kernels/gemm.js';
import { checkRange } from '../kernels/bounds.js';
import { scratch, withScratch, writeF32, readF32 } from '../backend/memory.js';
import { Tensor, expectRank } from '../core/tensor.js';

/** Flag bits of the wasm GEMM driver (the module's exported constants). */
export const GemmFlags = GEMM_FLAGS;

/** Pointer-level GEMM call: C[m x n] (+)= op(A) · op(B) (+ bias). Offsets are bytes in wasm memory. */
export interface GemmCall {
  m: number;
  n: number;
  k: number;
  a: number;
  b: number;
  c: number;
  transposeA?: boolean;
  transposeB?: boolean;
  /** Add into C instead of overwriting it (gradient accumulation). */
  accumulate?: boolean;
  /** Byte offset of a bias vector of n floats, or 0. */
  bias?: number;
  /** Leading dimensions; default to the packed row length. */
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/** End byte (exclusive) of a row-major rows x cols block at `ptr` with leading dimension ld; `ptr` if empty. */
function spanEnd(ptr: number, rows: number, cols: number, ld: number): number {
  return rows > 0 && cols > 0 ? ptr + ((rows - 1) * ld + cols) * 4 : ptr;
}

function checkLeading(name: string, ld: number, cols: number): void {
  if (!(ld >= cols)) throw new ValueError(`gemm: ${name} must be at least the row length ${cols}, got ${ld}`);
}

/** Throws if C's byte range [c0, c1) overlaps the operand's [s, e) (plain numbers: nothing allocated unless it throws). */
function checkDisjoint(c0: number, c1: number, name: string, s: number, e: number): void {
  if (c0 < e && s < c1) {
    throw new ValueError(`gemm: C (bytes ${c0}..${c1}) overlaps ${name} (bytes ${s}..${e}); C must not alias A, B or the bias`);
  }
}

/**
 * Runs the GEMM driver on buffers already in wasm memory (what layers call every step).
 * Aliasing: C must not overlap A, B or the bias (the driver reads A and B after writing parts of
 * C); A and B may be the same buffer. Throws a ValueError for sizes that are not non-negative
 * integers, overlapping C or a leading dimension shorter than its row. Scratch for packing comes
 * from the arena. Allocates nothing on the JS heap (it runs every training step).
 */
export function gemm(call: GemmCall): void {
  const { m, n, k: kk } = call;
  if (!(Number.isSafeInteger(m) && m >= 0 && Number.isSafeInteger(n) && n >= 0 && Number.isSafeInteger(kk) && kk >= 0)) {
    throw new ValueError(`gemm: m, n and k must be non-negative integers, got m=${m}, n=${n}, k=${kk}`);
  }
  const transposeA = call.transposeA === true;
  const transposeB = call.transposeB === true;
  const flags =
    (transposeA ? GemmFlags.transposeA : 0) |
    (transposeB ? GemmFlags.transposeB : 0) |
    (call.accumulate ? GemmFlags.accumulate : 0);
  const aRows = transposeA ? kk : m;
  const aCols = transposeA ? m : kk;
  const bRows = transposeB ? n : kk;
  const bCols = transposeB ? kk : n;
  const lda = call.lda ?? aCols;
  const ldb = call.ldb ?? bCols;
  const ldc = call.ldc ?? n;
  checkLeading('lda', lda, aCols);
  checkLeading('ldb', ldb, bCols);
  checkLeading('ldc', ldc, n);
  const bias = call.bias ?? 0;
  const c0 = call.c;
  const c1 = spanEnd(c0, m, n, ldc);
  checkDisjoint(c0, c1, 'A', call.a, spanEnd(call.a, aRows, aCols, lda));
  checkDisjoint(c0, c1, 'B', call.b, spanEnd(call.b, bRows, bCols, ldb));
  checkDisjoint(c0, c1, 'bias', bias, bias !== 0 ? bias + n * 4 : bias);
  checkRange('gemm', 'C', c0, c1 - c0);
  if (m > 0 && n > 0) {
    checkRange('gemm', 'A', call.a, spanEnd(call.a, aRows, aCols, lda) - call.a);
    checkRange('gemm', 'B', call.b, spanEnd(call.b, bRows, bCols, ldb) - call.b);
  }
  if (bias !== 0) checkRange('gemm', 'bias', bias, n * 4);
  const arena = scratch();
  const mark = arena.mark();
  try {
    const work = arena.alloc(gemmScratchBytes(m, n, kk));
    gemmKernel(flags, m, n, kk, call.a, lda, call.b, ldb, c0, ldc, bias, work);
  } finally {
    arena.reset(mark);
  }
}

/** Options of `ops.matmul`. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** A vector of length n added to every row of the result (fused into the GEMM). */
  bias?: Tensor;
}

const MATMUL_KEYS = ['transposeA', 'transposeB', 'bias'];

/**
 * Matrix product of rank-2 tensors, or a batched product of rank-3 tensors with the same batch.
 * `a` is [m, k] ([k, m] with `transposeA`), `b` is [k, n] ([n, k] with `transposeB`); the result
 * is [m, n] (or [batch, m, n]).
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transposeA = false, transposeB = false, bias } = checkOptions('matmul', options, 'options', MATMUL_KEYS);
  if (transposeA !== undefined) checkFlag('matmul', 'transposeA', transposeA);
  if (transposeB !== undefined) checkFlag('matmul', 'transposeB', transposeB);
  const sa = expectRank(a, [2, 3], 'matmul: a');
  const sb = expectRank(b, [2, 3], 'matmul: b');
  if (sa.length !== sb.length) {
    throw new ShapeError(`matmul: a ${formatShape(sa)} and b ${formatShape(sb)} must both be rank 2 or both rank 3`);
  }
  const batched = sa.length === 3;
  const batch = batched ? sa[0]! : 1;
  if (batched && sb[0] !== batch) {
    throw new ShapeError(`matmul: batch sizes differ: a ${formatShape(sa)} vs b ${formatShape(sb)}`);
  }
  const [ra, ca] = batched ? [sa[1]!, sa[2]!] : [sa[0]!, sa[1]!];
  const [rb, cb] = batched ? [sb[1]!, sb[2]!] : [sb[0]!, sb[1]!];
  const [m, ka] = transposeA ? [ca, ra] : [ra, ca];
  const [kb, n] = transposeB ? [cb, rb] : [rb, cb];
  if (ka !== kb) {
    throw new ShapeError(
      `matmul: inner sizes differ: a ${formatShape(sa)}${transposeA ? 'ᵀ' : ''} gives k=${ka}, ` +
        `b ${formatShape(sb)}${transposeB ? 'ᵀ' : ''} gives k=${kb}`,
    );
  }
  if (bias !== undefined) {
    if (!(bias instanceof Tensor)) throw new ValueError('matmul: bias must be a Tensor');
    if (bias.size !== n) throw new ShapeError(`matmul: bias ${formatShape(bias.shape)} must have ${n} values (the result's columns)`);
  }
  const out = new Float32Array(batch * m * n);
  const aSize = m * ka;
  const bSize = ka * n;
  withScratch((alloc) => {
    const pa = alloc(a.size * 4);
    const pb = alloc(b.size * 4);
    const pc = alloc(m * n * 4);
    const pbias = bias ? alloc(n * 4) : 0;
    writeF32(pa, a.data);
    writeF32(pb, b.data);
    if (bias) writeF32(pbias, bias.data);
    for (let i = 0; i < batch; i++) {
      gemm({ m, n, k: ka, a: pa + i * aSize * 4, b: pb + i * bSize * 4, c: pc, transposeA, transposeB, bias: pbias });
      readF32(pc, m * n, out.subarray(i * m * n, (i + 1) * m * n));
    }
  }, 'matmul');
  return new Tensor(out, batched ? [batch, m, n] : [m, n]);
}
