import { describe, expect, test } from 'vitest';
import { gemmReference } from '../reference/gemm.js';
import { expectClose, fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap, scratch } from '../../src/backend/memory.js';
import { GemmFlags, gemm } from '../../src/ops/matmul.js';
import { ValueError } from '../../src/core/errors.js';

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 17, 33, 65, 127, 128, 129];
const DRIVERS = ['f32_gemm', 'f32_gemm__simd', 'f32_gemm__scalar'] as const;
type Driver = (typeof DRIVERS)[number];
const SENTINEL = -12345.5;

interface Case {
  m: number;
  n: number;
  k: number;
  flags: number;
  bias?: boolean;
  /** Extra elements at the end of every row of A, B, C as stored (leading dimension > row). */
  padA?: number;
  padB?: number;
  padC?: number;
  seed: number;
}

/** Runs one driver on random data and compares with the f64 reference, checking what it must not touch. */
function check(symbol: Driver, c: Case): void {
  const { m, n, k: kk, flags, seed } = c;
  const transposeA = (flags & GemmFlags.transposeA) !== 0;
  const transposeB = (flags & GemmFlags.transposeB) !== 0;
  const accumulate = (flags & GemmFlags.accumulate) !== 0;
  const [aRows, aCols] = transposeA ? [kk, m] : [m, kk];
  const [bRows, bCols] = transposeB ? [n, kk] : [kk, n];
  const lda = aCols + (c.padA ?? 0);
  const ldb = bCols + (c.padB ?? 0);
  const ldc = n + (c.padC ?? 0);
  const a = randomArray(aRows * lda, seed);
  const b = randomArray(bRows * ldb, seed + 1);
  const cIn = randomArray(m * ldc, seed + 2);
  const bias = c.bias ? randomArray(n, seed + 3) : undefined;
  const want = gemmReference({ m, n, k: kk, a, lda, transposeA, b, ldb, transposeB, c: cIn, ldc, accumulate, bias });
  const what = `${symbol} m=${m} n=${n} k=${kk} flags=${flags} bias=${!!bias} ld=${lda},${ldb},${ldc}`;
  const scratchBytes = k().f32_gemm_scratch_bytes!(m, n, kk);
  const guard = 16;
  const pa = toWasm(a), pb = toWasm(b), pc = toWasm(cIn), pbias = bias ? toWasm(bias) : 0;
  const work = toWasm(new Float32Array(scratchBytes / 4 + guard).fill(SENTINEL));
  try {
    if (symbol === 'f32_gemm__scalar') {
      k().f32_gemm__scalar!(flags, m, n, kk, pa, lda, pb, ldb, pc, ldc, pbias);
    } else {
      k()[symbol]!(flags, m, n, kk, pa, lda, pb, ldb, pc, ldc, pbias, work);
    }
    const tol = 2e-6 * Math.sqrt(kk + 1);
    expectClose(fromWasm(pc, m * ldc), want, what, tol, tol);
    expectClose(fromWasm(pa, a.length), a, `${what}: A is read-only`, 0, 0);
    expectClose(fromWasm(pb, b.length), b, `${what}: B is read-only`, 0, 0);
    expectClose(fromWasm(work + scratchBytes, guard), new Float32Array(guard).fill(SENTINEL), `${what}: bytes past the scratch`, 0, 0);
  } finally {
    for (const p of [pa, pb, pc, pbias, work]) heap().free(p);
  }
}

describe.each(DRIVERS)('%s', (symbol) => {
  test.each([0, 1, 2, 3])('matches the f64 reference on odd sizes, transpose flags %i', (trans) => {
    let seed = 10;
    for (const m of SIZES) {
      for (const n of SIZES) {
        // Every (m, n) pair with two rotating k values keeps the sweep thorough and fast.
        for (const r of [0, 5]) {
          const kk = SIZES[(m * 7 + n * 3 + trans + r) % SIZES.length]!;
          check(symbol, { m, n, k: kk, flags: trans, seed: seed++ });
        }
      }
    }
  });

  test('fuses bias and accumulates into C for every transpose', () => {
    let seed = 1000;
    for (const flags of [0, 1, 2, 3]) {
      for (const [m, n, kk] of [[1, 1, 1], [5, 7, 3], [17, 33, 9], [65, 9, 129], [128, 127, 2], [3, 16, 17], [2, 32, 64]] as const) {
        check(symbol, { m, n, k: kk, flags: flags | GemmFlags.accumulate, bias: true, seed: seed++ });
        check(symbol, { m, n, k: kk, flags, bias: true, seed: seed++ });
        check(symbol, { m, n, k: kk, flags: flags | GemmFlags.accumulate, seed: seed++ });
      }
    }
  });

  test('honours leading dimensions larger than the rows (strided A, B and C)', () => {
    let seed = 2000;
    for (const flags of [0, 1, 2, 3, 4, 7]) {
      for (const [m, n, kk] of [[3, 5, 7], [17, 33, 65], [66, 40, 31]] as const) {
        check(symbol, { m, n, k: kk, flags, bias: flags === 4, padA: 3, padB: 5, padC: 2, seed: seed++ });
        check(symbol, { m, n, k: kk, flags, padA: 16, padB: 1, padC: 17, seed: seed++ });
      }
    }
  });

  test('k = 0 gives the bias (or leaves C with accumulate)', () => {
    check(symbol, { m: 5, n: 7, k: 0, flags: 0, bias: true, seed: 5 });
    check(symbol, { m: 5, n: 7, k: 0, flags: 0, seed: 6 });
    check(symbol, { m: 65, n: 70, k: 0, flags: GemmFlags.accumulate, seed: 7 });
  });

  test('A and B may be the same buffer (Xᵀ·X, X·Xᵀ, X·X)', () => {
    for (const [flags, m, kk] of [[1, 33, 70], [2, 40, 19], [0, 37, 37], [1, 130, 130]] as const) {
      const n = m;
      const x = randomArray(m * kk, 40 + flags);
      const want = gemmReference({
        m, n, k: kk, a: x, lda: flags === 1 ? m : kk, transposeA: flags === 1,
        b: x, ldb: flags === 2 ? kk : n, transposeB: flags === 2, c: new Float32Array(m * n), ldc: n, accumulate: false,
      });
      const px = toWasm(x), pc = toWasm(new Float32Array(m * n));
      const work = heap().alloc(k().f32_gemm_scratch_bytes!(m, n, kk));
      try {
        const lda = flags === 1 ? m : kk, ldb = flags === 2 ? kk : n;
        if (symbol === 'f32_gemm__scalar') k().f32_gemm__scalar!(flags, m, n, kk, px, lda, px, ldb, pc, n, 0);
        else k()[symbol]!(flags, m, n, kk, px, lda, px, ldb, pc, n, 0, work);
        const tol = 2e-6 * Math.sqrt(kk + 1);
        expectClose(fromWasm(pc, m * n), want, `${symbol} aliased A = B, flags=${flags} m=${m} k=${kk}`, tol, tol);
      } finally {
        for (const p of [px, pc, work]) heap().free(p);
      }
    }
  });
});

describe('f32_gemm__simd across cache blocks', () => {
  test.each([0, 1, 2, 3])('512 x 512 x 512 matches the reference, flags %i', (flags) => {
    check('f32_gemm__simd', { m: 512, n: 512, k: 512, flags, bias: flags === 0, seed: 77 + flags });
  });
  test.each([0, 1, 2, 3, 5, 6])('crosses every block edge (m > MC, n > NC, k > KC), flags %i', (flags) => {
    check('f32_gemm__simd', { m: 259, n: 1041, k: 263, flags, bias: true, padC: 3, seed: 90 + flags });
  });
  test('reads A or B in place when the other operand is narrow (m <= 4 or n <= 32), with 4 x 8 tiles for n <= 8', () => {
    let seed = 300;
    for (const flags of [0, 1, 2, 3, 4, 5]) {
      for (const [m, n, kk] of [[1, 50, 300], [3, 33, 17], [4, 16, 9], [2, 1040, 20], [77, 32, 9], [130, 17, 270], [5, 5, 70], [67, 8, 33], [9, 3, 300], [261, 7, 9]] as const) {
        check('f32_gemm__simd', { m, n, k: kk, flags, bias: seed % 2 === 0, padA: 1, padB: 2, padC: 1, seed: seed++ });
      }
    }
  });
  test('the Dense training shapes of a 784 -> 128 layer at batch 64', () => {
    check('f32_gemm', { m: 64, n: 128, k: 784, flags: 0, bias: true, seed: 101 });
    check('f32_gemm', { m: 784, n: 128, k: 64, flags: GemmFlags.transposeA | GemmFlags.accumulate, seed: 102 });
    check('f32_gemm', { m: 64, n: 784, k: 128, flags: GemmFlags.transposeB, seed: 103 });
  });
});

describe.each([
  ['f32_gemm_2x16__simd', 2, 16],
  ['f32_gemm_1x16__simd', 1, 16],
  ['f32_gemm_4x8__simd', 4, 8],
] as const)('%s', (symbol, rows, cols) => {
  // The micro-kernel on packed panels (A kc x rows interleaved, B kc x 16) and on row-major A and
  // B read in place with leading dimensions.
  test.each([0, 1, 2, 3, 5, 17, 256, 300])(`computes one ${rows} x ${cols} tile from packed panels and from strided rows, kc = %i`, (kc) => {
    for (const [ldc, withBias, accumulate] of [[16, false, 0], [21, true, 0], [16, true, 1], [33, false, 1]] as const) {
      for (const packed of [true, false]) {
        const lda = packed ? rows : kc + 3;
        const ldb = packed ? 16 : 19;
        const aIn = randomArray(packed ? kc * rows : rows * lda, kc + 1);
        const bIn = randomArray(kc * ldb, kc + 2);
        const cIn = randomArray(rows * ldc, kc + 3);
        const bias = withBias ? randomArray(cols, kc + 4) : undefined;
        const want = gemmReference({
          m: rows, n: cols, k: kc, a: aIn, lda, transposeA: packed, b: bIn, ldb, transposeB: false,
          c: cIn, ldc, accumulate: accumulate === 1, bias,
        });
        const pa = toWasm(aIn), pb = toWasm(bIn), pc = toWasm(cIn), pbias = bias ? toWasm(bias) : 0;
        try {
          const [aRow, aStep] = packed ? [1, rows] : [lda, 1];
          k()[symbol]!(pc, ldc, pa, aRow, aStep, pb, ldb, kc, pbias, accumulate);
          const tol = 2e-6 * Math.sqrt(kc + 1);
          const what = `${symbol} ${packed ? 'packed' : 'strided'} kc=${kc} ldc=${ldc} bias=${withBias} accumulate=${accumulate}`;
          expectClose(fromWasm(pc, rows * ldc), want, what, tol, tol);
        } finally {
          for (const p of [pa, pb, pc, pbias]) heap().free(p);
        }
      }
    }
  });
});

describe('f32_gemm_scratch_bytes', () => {
  test('is a pure, bounded function of (m, n, k): packing blocks, not the problem', () => {
    const bytes = k().f32_gemm_scratch_bytes!(1024, 1024, 1024);
    expect(bytes).toBe(k().f32_gemm_scratch_bytes!(1024, 1024, 1024));
    expect(Number.isInteger(bytes) && bytes > 0).toBe(true);
    // Cache blocks cap it: a 100x larger problem needs no more scratch.
    expect(k().f32_gemm_scratch_bytes!(100_000, 100_000, 100_000)).toBe(bytes);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    expect(k().f32_gemm_scratch_bytes!(0, 5, 5)).toBe(0);
    expect(k().f32_gemm_scratch_bytes!(5, 5, 0)).toBe(0);
  });
});

describe('gemm (pointer-level binding of f32_gemm)', () => {
  test('computes with leading dimensions and lets A and B be the same buffer', () => {
    const [m, kk] = [9, 21];
    const x = randomArray(m * kk, 7);
    const px = toWasm(x), pc = toWasm(new Float32Array(m * m));
    try {
      gemm({ m, n: m, k: kk, a: px, b: px, c: pc, transposeB: true });
      const want = gemmReference({ m, n: m, k: kk, a: x, lda: kk, transposeA: false, b: x, ldb: kk, transposeB: true, c: new Float32Array(m * m), ldc: m, accumulate: false });
      expectClose(fromWasm(pc, m * m), want, 'gemm X·Xᵀ with A = B');
    } finally {
      heap().free(px);
      heap().free(pc);
    }
  });

  test('rejects C overlapping A, B or the bias, and short leading dimensions', () => {
    const buf = heap().alloc(4096);
    try {
      expect(() => gemm({ m: 4, n: 4, k: 4, a: buf, b: buf + 256, c: buf + 32 })).toThrow(/gemm: C \(bytes .*\) overlaps A .*must not alias/);
      expect(() => gemm({ m: 4, n: 4, k: 4, a: buf, b: buf + 256, c: buf + 300 })).toThrow(/overlaps B/);
      expect(() => gemm({ m: 4, n: 4, k: 4, a: buf, b: buf + 64, c: buf + 512, bias: buf + 520 })).toThrow(/overlaps bias/);
      expect(() => gemm({ m: 4, n: 4, k: 4, a: buf, b: buf + 64, c: buf + 512, lda: 3 })).toThrow(/gemm: lda must be at least the row length 4, got 3/);
      expect(() => gemm({ m: 4, n: 4, k: 4, a: buf, b: buf + 64, c: buf + 512, ldc: 2 })).toThrow(ValueError);
      expect(() => gemm({ m: 4, n: 4, k: 4, a: buf, b: buf + 64, c: buf + 512, ldb: 3, transposeB: true })).toThrow(/gemm: ldb must be at least the row length 4, got 3/);
      // Aᵀ stored [k=4, m=2] with lda 8 ends at byte 104; C at 100 overlaps it (it would not if A were [2, 4]).
      expect(() => gemm({ m: 2, n: 2, k: 4, a: buf, lda: 8, b: buf + 1024, c: buf + 100, transposeA: true })).toThrow(/overlaps A \(bytes \d+\.\.\d+\)/);
      expect(() => gemm({ m: 2, n: 2, k: 4, a: buf, lda: 8, b: buf + 1024, c: buf + 100 })).not.toThrow();
      expect(() => gemm({ m: 2.5, n: 4, k: 4, a: buf, b: buf + 64, c: buf + 512 })).toThrow(/gemm: m, n and k must be non-negative integers, got m=2.5, n=4, k=4/);
      expect(() => gemm({ m: 4, n: -1, k: 4, a: buf, b: buf + 64, c: buf + 512 })).toThrow(/got m=4, n=-1, k=4/);
      expect(() => gemm({ m: 4, n: 4, k: Number.NaN, a: buf, b: buf + 64, c: buf + 512 })).toThrow(/k=NaN/);
    } finally {
      heap().free(buf);
    }
  });

  test('releases its packing scratch on return and on throw', () => {
    const buf = heap().alloc(4096);
    const arena = scratch();
    const mark = arena.mark();
    try {
      gemm({ m: 5, n: 7, k: 3, a: buf, b: buf + 256, c: buf + 1024 });
      expect(arena.mark()).toBe(mark);
      expect(() => gemm({ m: 4, n: 4, k: 4, a: buf, b: buf + 256, c: buf + 32 })).toThrow(/overlaps A/);
      expect(arena.mark()).toBe(mark);
    } finally {
      heap().free(buf);
    }
  });
});
