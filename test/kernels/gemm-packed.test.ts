// The inference GEMM on a pre-packed B (assembly/gemm.ts f32_gemm_pack_b, f32_gemm_packed) and
// the 1x32 lone-row micro-kernel: against the f64 reference on odd sizes, and bit-identical to
// f32_gemm on the unpacked B (so a packed Dense predicts exactly what the training path computes).
import { describe, expect, test } from 'vitest';
import { gemmReference } from '../reference/gemm.js';
import { expectClose, fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import { GemmFlags } from '../../src/ops/matmul.js';

const SIZES = [1, 3, 5, 7, 17, 33, 65];
const SENTINEL = -12345.5;

interface Case { m: number; n: number; k: number; flags: number; bias: boolean; padA: number; padB: number; padC: number; seed: number }

/** Packs B, runs f32_gemm_packed and f32_gemm; checks the reference, bit-identity, the packed size and the guards. */
function check(c: Case): void {
  const { m, n, k: kk, flags, seed } = c;
  const transA = (flags & GemmFlags.transposeA) !== 0;
  const transB = (flags & GemmFlags.transposeB) !== 0;
  const accumulate = (flags & GemmFlags.accumulate) !== 0;
  const [aRows, aCols] = transA ? [kk, m] : [m, kk];
  const [bRows, bCols] = transB ? [n, kk] : [kk, n];
  const lda = aCols + c.padA, ldb = bCols + c.padB, ldc = n + c.padC;
  const a = randomArray(aRows * lda, seed), b = randomArray(bRows * ldb, seed + 1), cIn = randomArray(m * ldc, seed + 2);
  const bias = c.bias ? randomArray(n, seed + 3) : undefined;
  const want = gemmReference({ m, n, k: kk, a, lda, transposeA: transA, b, ldb, transposeB: transB, c: cIn, ldc, accumulate, bias });
  const what = `m=${m} n=${n} k=${kk} flags=${flags} bias=${c.bias} ld=${lda},${ldb},${ldc}`;
  const floats = k().f32_gemm_packed_b_floats!(kk, n);
  expect(floats, `${what}: packed floats`).toBe(Math.ceil(n / 16) * 16 * kk);
  const guard = 16;
  const packedBytes = k().f32_gemm_packed_scratch_bytes!(m, n, kk);
  const plainBytes = k().f32_gemm_scratch_bytes!(m, n, kk);
  const pa = toWasm(a), pb = toWasm(b), pc = toWasm(cIn), pc2 = toWasm(cIn), pbias = bias ? toWasm(bias) : 0;
  const packed = toWasm(new Float32Array(floats + guard).fill(SENTINEL));
  const work = toWasm(new Float32Array(packedBytes / 4 + guard).fill(SENTINEL));
  const work2 = heap().alloc(Math.max(16, plainBytes));
  try {
    k().f32_gemm_pack_b!(packed, pb, ldb, transB ? 1 : 0, kk, n);
    expectClose(fromWasm(packed + floats * 4, guard), new Float32Array(guard).fill(SENTINEL), `${what}: bytes past the packed B`, 0, 0);
    k().f32_gemm_packed!(flags, m, n, kk, pa, lda, packed, kk, pc, ldc, pbias, work);
    const got = fromWasm(pc, m * ldc);
    const tol = 2e-6 * Math.sqrt(kk + 1);
    expectClose(got, want, what, tol, tol);
    expectClose(fromWasm(work + packedBytes, guard), new Float32Array(guard).fill(SENTINEL), `${what}: bytes past the scratch`, 0, 0);
    k().f32_gemm!(flags, m, n, kk, pa, lda, pb, ldb, pc2, ldc, pbias, work2);
    expect(Array.from(new Uint32Array(got.buffer)), `${what}: bit-identical to f32_gemm`).toEqual(Array.from(new Uint32Array(fromWasm(pc2, m * ldc).buffer)));
  } finally {
    for (const p of [pa, pb, pc, pc2, pbias, packed, work, work2]) heap().free(p);
  }
}

describe('f32_gemm_packed (B packed once by f32_gemm_pack_b)', () => {
  test.each([0, 1, 2, 3])('matches the f64 reference and f32_gemm bit for bit on odd sizes, transpose flags %i', (trans) => {
    let seed = 10;
    for (const m of SIZES) {
      for (const n of SIZES) {
        for (const r of [0, 3]) {
          const kk = SIZES[(m * 7 + n * 3 + trans + r) % SIZES.length]!;
          check({ m, n, k: kk, flags: trans, bias: r === 0, padA: 0, padB: 0, padC: 0, seed: seed++ });
        }
      }
    }
  });

  test('bias, accumulate, leading dimensions and every cache block edge', () => {
    let seed = 500;
    for (const flags of [0, 1, 2, 3, 4, 5, 6, 7]) {
      for (const [m, n, kk] of [[1, 128, 784], [1, 33, 17], [1, 96, 300], [2, 64, 65], [3, 1041, 9], [17, 130, 263], [259, 40, 33], [5, 8, 70], [67, 7, 33]] as const) {
        check({ m, n, k: kk, flags, bias: seed % 2 === 0, padA: seed % 3, padB: 1, padC: 2, seed: seed++ });
      }
    }
  });

  test('k = 0 gives the bias (or leaves C with accumulate)', () => {
    check({ m: 5, n: 7, k: 0, flags: 0, bias: true, padA: 0, padB: 0, padC: 0, seed: 5 });
    check({ m: 3, n: 40, k: 0, flags: GemmFlags.accumulate, bias: false, padA: 0, padB: 0, padC: 1, seed: 6 });
  });
});

describe('f32_gemm_1x32__simd', () => {
  test.each([1, 3, 5, 7, 17, 33, 65])('C[1 x 32] over two panels matches the scalar reference, kc = %i', (kc) => {
    for (const [bias, accumulate] of [[false, 0], [true, 0], [true, 1], [false, 1]] as const) {
      const aStep = 3, bStep = 20; // strided A, panels with 4 floats between depth steps
      const a = randomArray(kc * aStep, kc), b0 = randomArray(kc * bStep, kc + 1), b1 = randomArray(kc * bStep, kc + 2);
      const cIn = randomArray(32, kc + 3), bv = randomArray(32, kc + 4);
      const want = new Float64Array(32);
      for (let j = 0; j < 32; j++) {
        let s = 0;
        for (let p = 0; p < kc; p++) s += a[p * aStep]! * (j < 16 ? b0[p * bStep + j]! : b1[p * bStep + j - 16]!);
        want[j] = s + (bias ? bv[j]! : 0) + (accumulate ? cIn[j]! : 0);
      }
      const pa = toWasm(a), p0 = toWasm(b0), p1 = toWasm(b1), pc = toWasm(cIn), pbias = toWasm(bv);
      try {
        k().f32_gemm_1x32__simd!(pc, pa, aStep, p0, p1, bStep, kc, bias ? pbias : 0, accumulate);
        const tol = 2e-6 * Math.sqrt(kc + 1);
        expectClose(fromWasm(pc, 32), want, `kc=${kc} bias=${bias} accumulate=${accumulate}`, tol, tol);
      } finally {
        for (const p of [pa, p0, p1, pc, pbias]) heap().free(p);
      }
    }
  });
});
