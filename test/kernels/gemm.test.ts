import { describe, expect, test } from 'vitest';
import { gemmReference } from '../reference/gemm.js';
import { expectClose, fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap, withScratch } from '../../src/backend/memory.js';
import { GemmFlags } from '../../src/ops/matmul.js';

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 17, 33, 65, 127, 128, 129];

/** Runs one wasm GEMM symbol on random data and compares with the f64 reference. */
function check(symbol: 'f32_gemm' | 'f32_gemm__scalar', m: number, n: number, kk: number, flags: number, withBias: boolean, seed: number): void {
  const transposeA = (flags & GemmFlags.transposeA) !== 0;
  const transposeB = (flags & GemmFlags.transposeB) !== 0;
  const accumulate = (flags & GemmFlags.accumulate) !== 0;
  const lda = transposeA ? m : kk;
  const ldb = transposeB ? kk : n;
  const a = randomArray(m * kk, seed);
  const b = randomArray(kk * n, seed + 1);
  const c = randomArray(m * n, seed + 2);
  const bias = withBias ? randomArray(n, seed + 3) : undefined;
  const want = gemmReference({ m, n, k: kk, a, lda, transposeA, b, ldb, transposeB, c, ldc: n, accumulate, bias });
  const pa = toWasm(a), pb = toWasm(b), pc = toWasm(c), pbias = bias ? toWasm(bias) : 0;
  try {
    if (symbol === 'f32_gemm') {
      withScratch((alloc) => {
        const work = alloc(k().f32_gemm_scratch_bytes!(m, n, kk));
        k().f32_gemm!(flags, m, n, kk, pa, lda, pb, ldb, pc, n, pbias, work);
      });
    } else {
      k().f32_gemm__scalar!(flags, m, n, kk, pa, lda, pb, ldb, pc, n, pbias);
    }
    const tol = 2e-6 * Math.sqrt(kk + 1);
    expectClose(fromWasm(pc, m * n), want, `${symbol} m=${m} n=${n} k=${kk} flags=${flags} bias=${withBias}`, tol, tol);
  } finally {
    for (const p of [pa, pb, pc, pbias]) heap().free(p);
  }
}

describe.each(['f32_gemm', 'f32_gemm__scalar'] as const)('%s', (symbol) => {
  test.each([0, 1, 2, 3])('matches the f64 reference on odd sizes, flags %i', (trans) => {
    let seed = 10;
    for (const m of SIZES) {
      for (const n of SIZES) {
        // Every (m, n) pair with a rotating k keeps the sweep thorough and fast.
        const kk = SIZES[(m * 7 + n * 3 + trans) % SIZES.length]!;
        check(symbol, m, n, kk, trans, false, seed++);
      }
    }
  });

  test('fuses bias and accumulates into C for every transpose', () => {
    let seed = 1000;
    for (const flags of [0, 1, 2, 3]) {
      for (const [m, n, kk] of [[1, 1, 1], [5, 7, 3], [17, 33, 9], [65, 9, 129], [128, 127, 2]] as const) {
        check(symbol, m, n, kk, flags | GemmFlags.accumulate, true, seed++);
        check(symbol, m, n, kk, flags, true, seed++);
        check(symbol, m, n, kk, flags | GemmFlags.accumulate, false, seed++);
      }
    }
  });
});

describe('f32_gemm at large sizes', () => {
  test.each([0, 1, 2, 3])('512 x 512 x 512 matches the reference, flags %i', (flags) => {
    check('f32_gemm', 512, 512, 512, flags, flags === 0, 77 + flags);
  });
  test('k = 0 gives the bias (or leaves C with accumulate)', () => {
    check('f32_gemm', 5, 7, 0, 0, true, 5);
    check('f32_gemm', 5, 7, 0, GemmFlags.accumulate, false, 6);
  });
});

test('f32_gemm_scratch_bytes is a whole number of bytes', () => {
  const bytes = k().f32_gemm_scratch_bytes!(1024, 1024, 1024);
  expect(Number.isInteger(bytes) && bytes >= 0).toBe(true);
});
