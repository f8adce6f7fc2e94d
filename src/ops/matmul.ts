import { ShapeError, ValueError, formatShape } from '../errors.js';
import { kernels } from '../backend/wasm.js';
import { withScratch, writeF32, readF32 } from '../backend/memory.js';
import { Tensor, expectRank } from '../tensor.js';

/** Flag bits of the wasm GEMM driver (mirrors assembly/gemm.ts). */
export const GemmFlags = { transposeA: 1, transposeB: 2, accumulate: 4 } as const;

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

/** Byte range [start, end) of a row-major rows x cols block with leading dimension ld; empty if no elements. */
function span(ptr: number, rows: number, cols: number, ld: number): [number, number] {
  return rows > 0 && cols > 0 ? [ptr, ptr + ((rows - 1) * ld + cols) * 4] : [ptr, ptr];
}

function overlaps([s0, e0]: [number, number], [s1, e1]: [number, number]): boolean {
  return s0 < e1 && s1 < e0;
}

/**
 * Runs the GEMM driver on buffers already in wasm memory (what layers call).
 * Aliasing: C must not overlap A, B or the bias (the driver reads A and B after writing parts of
 * C); A and B may be the same buffer. Throws a ValueError for overlapping C or a leading
 * dimension shorter than its row. Scratch for packing comes from the arena.
 */
export function gemm(call: GemmCall): void {
  const k = kernels();
  const transposeA = call.transposeA ?? false;
  const transposeB = call.transposeB ?? false;
  const flags =
    (transposeA ? GemmFlags.transposeA : 0) |
    (transposeB ? GemmFlags.transposeB : 0) |
    (call.accumulate ? GemmFlags.accumulate : 0);
  const [aRows, aCols] = transposeA ? [call.k, call.m] : [call.m, call.k];
  const [bRows, bCols] = transposeB ? [call.n, call.k] : [call.k, call.n];
  const lda = call.lda ?? aCols;
  const ldb = call.ldb ?? bCols;
  const ldc = call.ldc ?? call.n;
  for (const [name, ld, cols] of [['lda', lda, aCols], ['ldb', ldb, bCols], ['ldc', ldc, call.n]] as const) {
    if (!(ld >= cols)) throw new ValueError(`gemm: ${name} must be at least the row length ${cols}, got ${ld}`);
  }
  const c = span(call.c, call.m, call.n, ldc);
  for (const [name, range] of [
    ['A', span(call.a, aRows, aCols, lda)],
    ['B', span(call.b, bRows, bCols, ldb)],
    ['bias', span(call.bias ?? 0, 1, call.bias ? call.n : 0, call.n)],
  ] as const) {
    if (overlaps(c, range)) {
      throw new ValueError(`gemm: C (bytes ${c[0]}..${c[1]}) overlaps ${name} (bytes ${range[0]}..${range[1]}); C must not alias A, B or the bias`);
    }
  }
  withScratch((alloc) => {
    const work = alloc(k.f32_gemm_scratch_bytes!(call.m, call.n, call.k));
    k.f32_gemm!(flags, call.m, call.n, call.k, call.a, lda, call.b, ldb, call.c, ldc, call.bias ?? 0, work);
  });
}

/** Options of `ops.matmul`. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** A vector of length n added to every row of the result (fused into the GEMM). */
  bias?: Tensor;
}

/**
 * Matrix product of rank-2 tensors, or a batched product of rank-3 tensors with the same batch.
 * `a` is [m, k] ([k, m] with `transposeA`), `b` is [k, n] ([n, k] with `transposeB`); the result
 * is [m, n] (or [batch, m, n]).
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transposeA = false, transposeB = false, bias } = options;
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
  });
  return new Tensor(out, batched ? [batch, m, n] : [m, n]);
}
