import { madd } from './fma';
// SGEMM: C[m x n] (+)= op(A)[m x k] · op(B)[k x n] (+ bias[n]).
// Row-major with leading dimensions. op(A) = A (stored m x k, lda >= k) or Aᵀ (A stored k x m,
// lda >= m); op(B) = B (stored k x n, ldb >= n) or Bᵀ (B stored n x k, ldb >= k).
//
// `f32_gemm` (the driver src/ calls) sends tiny problems to `f32_gemm__scalar` and the rest to
// `f32_gemm__simd`, a packed, cache-blocked GEMM in the style of BLIS/GotoBLAS:
//
//   for jc in n step NC:              B block  [KC x NC] packed into NR-wide panels (L2/L3)
//     for pc in k step KC:
//       pack B[pc.., jc..]
//       for ic in m step MC:          A block  [MC x KC] packed into MR-tall panels (L2)
//         pack A[ic.., pc..]
//         for jr in nc step NR:       one B panel [KC x NR] stays in L1
//           for ir in mc step MR:     micro-kernel: C[MR x NR] (+)= Apanel · Bpanel
//
// Packing performs every transpose; partial panels are zero-padded and partial tiles written back
// through a small tile in scratch. When an operand would be reused by at most two panels of the
// other (m <= 4 or n <= 32), it is read in place instead of packed (A in either layout, B when
// row-major; the micro-kernels take strides); panels of at most 8 columns then run 4x8 tiles,
// a lone row 1x32 over two panels (1x16 for the last odd one). Bias is added on the first KC block only; later KC blocks
// accumulate into C. Blocks are split into equal parts (k = 784 runs as 4 x 196).
//
// Aliasing: C must not overlap A, B or bias (C is written while A and B are still being read).
// A and B may be the same buffer (e.g. Xᵀ·X). Scratch must hold f32_gemm_scratch_bytes(m, n, k).

export const GEMM_TRANS_A: i32 = 1;
export const GEMM_TRANS_B: i32 = 2;
export const GEMM_ACCUMULATE: i32 = 4;

/** Micro-tile: rows of A per panel and columns of B per panel (2 f32x4 per row). */
const MR: i32 = 2;
const NR: i32 = 16;
/** Cache blocks: depth (A and B panels of KC fit L1 together), rows of A per block, columns of B. */
const KC: i32 = 256;
const MC: i32 = 256;
const NC: i32 = 1024;
/** Below this many multiply-adds packing does not pay off (measured crossover ~4x4x4): plain loops. */
const SMALL_MADDS: i64 = 64;

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

/**
 * Micro-kernel: C[2 x 16] = (accumulate ? C : 0) + A[2 x kc] · B[kc x 16] (+ bias[16]).
 * A[r][p] is at a + (r*aRow + p*aStep) floats, B[p][0..16) at b + p*bStep floats, so the same
 * kernel reads packed panels (aRow = 1, aStep = 2, bStep = 16) or A and B in place (row-major A:
 * aRow = lda, aStep = 1; row-major B: bStep = ldb). c: row-major with leading dimension ldc;
 * bias = 0 for none. Each depth step broadcasts one A value per row and multiplies it by the
 * four B vectors of that step.
 *
 * Why 2 x 16: V8 (TurboFan, x64) has 15 allocatable xmm registers and schedules all of a step's
 * loads first, so a step needs MR*NR/4 accumulators + NR/4 B vectors + MR broadcasts + 1
 * temporary registers: 2x16 uses 8 + 4 + 2 + 1 = 15 and does not spill (6x8 needs 21 and spills
 * 4 accumulators every step). In L1 it runs at ~95 % of the machine's mul+add peak, 4x8 at 75 %.
 */
export function f32_gemm_2x16__simd(
  c: usize, ldc: i32, a: usize, aRow: i32, aStep: i32, b: usize, bStep: i32, kc: i32, bias: usize, accumulate: i32,
): void {
  let acc0x0123 = f32x4.splat(0), acc0x4567 = f32x4.splat(0), acc0x89AB = f32x4.splat(0), acc0xCDEF = f32x4.splat(0);
  let acc1x0123 = f32x4.splat(0), acc1x4567 = f32x4.splat(0), acc1x89AB = f32x4.splat(0), acc1xCDEF = f32x4.splat(0);
  let a0p = a;
  let a1p = a + (<usize>aRow << 2);
  let bp = b;
  const aBytes = <usize>aStep << 2;
  const bBytes = <usize>bStep << 2;
  for (let p = 0; p < kc; p++) {
    const b0123 = v128.load(bp);
    const b4567 = v128.load(bp, 16);
    const b89AB = v128.load(bp, 32);
    const bCDEF = v128.load(bp, 48);
    const a0 = v128.load32_splat(a0p);
    acc0x0123 = madd(a0, b0123, acc0x0123);
    acc0x4567 = madd(a0, b4567, acc0x4567);
    acc0x89AB = madd(a0, b89AB, acc0x89AB);
    acc0xCDEF = madd(a0, bCDEF, acc0xCDEF);
    const a1 = v128.load32_splat(a1p);
    acc1x0123 = madd(a1, b0123, acc1x0123);
    acc1x4567 = madd(a1, b4567, acc1x4567);
    acc1x89AB = madd(a1, b89AB, acc1x89AB);
    acc1xCDEF = madd(a1, bCDEF, acc1xCDEF);
    a0p += aBytes;
    a1p += aBytes;
    bp += bBytes;
  }
  if (bias != 0) {
    const bias0123 = v128.load(bias), bias4567 = v128.load(bias, 16), bias89AB = v128.load(bias, 32), biasCDEF = v128.load(bias, 48);
    acc0x0123 = f32x4.add(acc0x0123, bias0123); acc0x4567 = f32x4.add(acc0x4567, bias4567);
    acc0x89AB = f32x4.add(acc0x89AB, bias89AB); acc0xCDEF = f32x4.add(acc0xCDEF, biasCDEF);
    acc1x0123 = f32x4.add(acc1x0123, bias0123); acc1x4567 = f32x4.add(acc1x4567, bias4567);
    acc1x89AB = f32x4.add(acc1x89AB, bias89AB); acc1xCDEF = f32x4.add(acc1xCDEF, biasCDEF);
  }
  const c0 = c, c1 = c + (<usize>ldc << 2);
  if (accumulate != 0) {
    acc0x0123 = f32x4.add(acc0x0123, v128.load(c0)); acc0x4567 = f32x4.add(acc0x4567, v128.load(c0, 16));
    acc0x89AB = f32x4.add(acc0x89AB, v128.load(c0, 32)); acc0xCDEF = f32x4.add(acc0xCDEF, v128.load(c0, 48));
    acc1x0123 = f32x4.add(acc1x0123, v128.load(c1)); acc1x4567 = f32x4.add(acc1x4567, v128.load(c1, 16));
    acc1x89AB = f32x4.add(acc1x89AB, v128.load(c1, 32)); acc1xCDEF = f32x4.add(acc1xCDEF, v128.load(c1, 48));
  }
  v128.store(c0, acc0x0123); v128.store(c0, acc0x4567, 16); v128.store(c0, acc0x89AB, 32); v128.store(c0, acc0xCDEF, 48);
  v128.store(c1, acc1x0123); v128.store(c1, acc1x4567, 16); v128.store(c1, acc1x89AB, 32); v128.store(c1, acc1xCDEF, 48);
}

/**
 * Micro-kernel for a lone row (m = 1, or the last row of an odd m): C[1 x 16] = (accumulate ? C
 * : 0) + A[1 x kc] · B[kc x 16] (+ bias[16]); same arguments and strides as f32_gemm_2x16__simd
 * (aRow is unused). Half the work of running 2x16 with a duplicated row.
 */
export function f32_gemm_1x16__simd(
  c: usize, ldc: i32, a: usize, aRow: i32, aStep: i32, b: usize, bStep: i32, kc: i32, bias: usize, accumulate: i32,
): void {
  let acc0x0123 = f32x4.splat(0), acc0x4567 = f32x4.splat(0), acc0x89AB = f32x4.splat(0), acc0xCDEF = f32x4.splat(0);
  let a0p = a;
  let bp = b;
  const aBytes = <usize>aStep << 2;
  const bBytes = <usize>bStep << 2;
  for (let p = 0; p < kc; p++) {
    const a0 = v128.load32_splat(a0p);
    acc0x0123 = madd(a0, v128.load(bp), acc0x0123);
    acc0x4567 = madd(a0, v128.load(bp, 16), acc0x4567);
    acc0x89AB = madd(a0, v128.load(bp, 32), acc0x89AB);
    acc0xCDEF = madd(a0, v128.load(bp, 48), acc0xCDEF);
    a0p += aBytes;
    bp += bBytes;
  }
  if (bias != 0) {
    acc0x0123 = f32x4.add(acc0x0123, v128.load(bias)); acc0x4567 = f32x4.add(acc0x4567, v128.load(bias, 16));
    acc0x89AB = f32x4.add(acc0x89AB, v128.load(bias, 32)); acc0xCDEF = f32x4.add(acc0xCDEF, v128.load(bias, 48));
  }
  if (accumulate != 0) {
    acc0x0123 = f32x4.add(acc0x0123, v128.load(c)); acc0x4567 = f32x4.add(acc0x4567, v128.load(c, 16));
    acc0x89AB = f32x4.add(acc0x89AB, v128.load(c, 32)); acc0xCDEF = f32x4.add(acc0xCDEF, v128.load(c, 48));
  }
  v128.store(c, acc0x0123); v128.store(c, acc0x4567, 16); v128.store(c, acc0x89AB, 32); v128.store(c, acc0xCDEF, 48);
}

/**
 * Micro-kernel for narrow panels (at most 8 columns of C): C[4 x 8] = (accumulate ? C : 0) +
 * A[4 x kc] · B[kc x 8] (+ bias[8]); strides as in f32_gemm_2x16__simd (row r of A at
 * a + r*aRow floats). 8 accumulators + 2 B vectors + 4 broadcasts + 1 temporary = 15 registers;
 * where n <= 8 it replaces a 2x16 tile that would waste half its columns or more.
 */
export function f32_gemm_4x8__simd(
  c: usize, ldc: i32, a: usize, aRow: i32, aStep: i32, b: usize, bStep: i32, kc: i32, bias: usize, accumulate: i32,
): void {
  let acc0x0123 = f32x4.splat(0), acc0x4567 = f32x4.splat(0);
  let acc1x0123 = f32x4.splat(0), acc1x4567 = f32x4.splat(0);
  let acc2x0123 = f32x4.splat(0), acc2x4567 = f32x4.splat(0);
  let acc3x0123 = f32x4.splat(0), acc3x4567 = f32x4.splat(0);
  const rowBytes = <usize>aRow << 2;
  let a0p = a;
  let bp = b;
  const aBytes = <usize>aStep << 2;
  const bBytes = <usize>bStep << 2;
  for (let p = 0; p < kc; p++) {
    const b0123 = v128.load(bp);
    const b4567 = v128.load(bp, 16);
    const a0 = v128.load32_splat(a0p);
    acc0x0123 = madd(a0, b0123, acc0x0123);
    acc0x4567 = madd(a0, b4567, acc0x4567);
    const a1 = v128.load32_splat(a0p + rowBytes);
    acc1x0123 = madd(a1, b0123, acc1x0123);
    acc1x4567 = madd(a1, b4567, acc1x4567);
    const a2 = v128.load32_splat(a0p + 2 * rowBytes);
    acc2x0123 = madd(a2, b0123, acc2x0123);
    acc2x4567 = madd(a2, b4567, acc2x4567);
    const a3 = v128.load32_splat(a0p + 3 * rowBytes);
    acc3x0123 = madd(a3, b0123, acc3x0123);
    acc3x4567 = madd(a3, b4567, acc3x4567);
    a0p += aBytes;
    bp += bBytes;
  }
  if (bias != 0) {
    const bias0123 = v128.load(bias), bias4567 = v128.load(bias, 16);
    acc0x0123 = f32x4.add(acc0x0123, bias0123); acc0x4567 = f32x4.add(acc0x4567, bias4567);
    acc1x0123 = f32x4.add(acc1x0123, bias0123); acc1x4567 = f32x4.add(acc1x4567, bias4567);
    acc2x0123 = f32x4.add(acc2x0123, bias0123); acc2x4567 = f32x4.add(acc2x4567, bias4567);
    acc3x0123 = f32x4.add(acc3x0123, bias0123); acc3x4567 = f32x4.add(acc3x4567, bias4567);
  }
  const stride = <usize>ldc << 2;
  const c0 = c, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride;
  if (accumulate != 0) {
    acc0x0123 = f32x4.add(acc0x0123, v128.load(c0)); acc0x4567 = f32x4.add(acc0x4567, v128.load(c0, 16));
    acc1x0123 = f32x4.add(acc1x0123, v128.load(c1)); acc1x4567 = f32x4.add(acc1x4567, v128.load(c1, 16));
    acc2x0123 = f32x4.add(acc2x0123, v128.load(c2)); acc2x4567 = f32x4.add(acc2x4567, v128.load(c2, 16));
    acc3x0123 = f32x4.add(acc3x0123, v128.load(c3)); acc3x4567 = f32x4.add(acc3x4567, v128.load(c3, 16));
  }
  v128.store(c0, acc0x0123); v128.store(c0, acc0x4567, 16);
  v128.store(c1, acc1x0123); v128.store(c1, acc1x4567, 16);
  v128.store(c2, acc2x0123); v128.store(c2, acc2x4567, 16);
  v128.store(c3, acc3x0123); v128.store(c3, acc3x4567, 16);
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, to: i32): i32 {
  return (x + to - 1) / to * to;
}

/** The step that splits `size` into ceil(size / block) near-equal parts, a multiple of `unit` (block is one too). */
// @ts-ignore: decorator
@inline function balancedStep(size: i32, block: i32, unit: i32): i32 {
  const parts = (size + block - 1) / block;
  return roundUp((size + parts - 1) / parts, unit);
}

/** Bytes of scratch that f32_gemm needs for these sizes: one packed A block, one packed B block, one tile. */
export function f32_gemm_scratch_bytes(m: i32, n: i32, k: i32): usize {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  const kc = <usize>min(KC, k);
  const mc = <usize>min(MC, roundUp(m, MR));
  const nc = <usize>min(NC, roundUp(n, NR));
  return (mc * kc + kc * nc + <usize>(MR * NR)) << 2;
}

/**
 * Packs rows [i0, i0+mc) and depth [p0, p0+kc) of op(A) into MR-tall panels:
 * dst[panel][p][r] = op(A)[i0 + panel*MR + r][p0 + p], rows past mc are zero.
 */
function packA(dst: usize, a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + (<usize>ir * kc << 2);
    if (transA) {
      // A stored k x m: the MR = 2 values of one depth step are contiguous.
      let src = a + ((<usize>p0 * lda + i0 + ir) << 2);
      const step = <usize>lda << 2;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          store<u64>(panel + (<usize>p << 3), load<u64>(src));
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          store<f32>(panel + (<usize>p << 3), load<f32>(src));
          store<f32>(panel + (<usize>p << 3), 0, 4);
          src += step;
        }
      }
    } else {
      // A stored m x k: interleave two rows, four depth steps at a time.
      const r0 = a + ((<usize>(i0 + ir) * lda + p0) << 2);
      const r1 = rows == MR ? r0 + (<usize>lda << 2) : 0;
      let p = 0;
      if (rows == MR) {
        for (; p + 4 <= kc; p += 4) {
          const po = <usize>p << 2;
          const x0 = v128.load(r0 + po), x1 = v128.load(r1 + po);
          v128.store(panel + (<usize>p << 3), v128.shuffle<f32>(x0, x1, 0, 4, 1, 5));
          v128.store(panel + (<usize>p << 3), v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), 16);
        }
      }
      for (; p < kc; p++) {
        const po = <usize>p << 2;
        store<f32>(panel + (<usize>p << 3), load<f32>(r0 + po));
        store<f32>(panel + (<usize>p << 3), rows == MR ? load<f32>(r1 + po) : 0, 4);
      }
    }
  }
}

/**
 * Packs depth [p0, p0+kc) and columns [j0, j0+nc) of op(B) into NR-wide panels:
 * dst[panel][p][j] = op(B)[p0 + p][j0 + panel*NR + j], columns past nc are zero.
 */
function packB(dst: usize, b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + (<usize>jr * kc << 2);
    if (transB) {
      // B stored n x k: column j of op(B) is row j of B, contiguous in depth.
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const s0 = b + ((<usize>(j0 + jr + j) * ldb + p0) << 2);
        const s1 = s0 + (<usize>ldb << 2), s2 = s1 + (<usize>ldb << 2), s3 = s2 + (<usize>ldb << 2);
        const out = panel + (<usize>j << 2);
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          // 4x4 transpose: rows j..j+3 at depths p..p+3 become depths p..p+3 at columns j..j+3.
          const po = <usize>p << 2;
          const r0 = v128.load(s0 + po), r1 = v128.load(s1 + po), r2 = v128.load(s2 + po), r3 = v128.load(s3 + po);
          const t01lo = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
          const t23lo = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
          const t01hi = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
          const t23hi = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const o = out + (<usize>p * NR << 2);
          v128.store(o, v128.shuffle<f32>(t01lo, t23lo, 0, 1, 4, 5));
          v128.store(o, v128.shuffle<f32>(t01lo, t23lo, 2, 3, 6, 7), NR * 4);
          v128.store(o, v128.shuffle<f32>(t01hi, t23hi, 0, 1, 4, 5), NR * 8);
          v128.store(o, v128.shuffle<f32>(t01hi, t23hi, 2, 3, 6, 7), NR * 12);
        }
        for (; p < kc; p++) {
          const po = <usize>p << 2;
          const o = out + (<usize>p * NR << 2);
          store<f32>(o, load<f32>(s0 + po));
          store<f32>(o, load<f32>(s1 + po), 4);
          store<f32>(o, load<f32>(s2 + po), 8);
          store<f32>(o, load<f32>(s3 + po), 12);
        }
      }
      for (; j < NR; j++) {
        const out = panel + (<usize>j << 2);
        if (j < cols) {
          const src = b + ((<usize>(j0 + jr + j) * ldb + p0) << 2);
          for (let p = 0; p < kc; p++) store<f32>(out + (<usize>p * NR << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(out + (<usize>p * NR << 2), 0);
        }
      }
    } else {
      // B stored k x n: NR contiguous values per depth step.
      let src = b + ((<usize>p0 * ldb + j0 + jr) << 2);
      const step = <usize>ldb << 2;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          const out = panel + (<usize>p * NR << 2);
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
          v128.store(out, v128.load(src, 32), 32);
          v128.store(out, v128.load(src, 48), 48);
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const out = panel + (<usize>p * NR << 2);
          for (let j = 0; j < NR; j++) store<f32>(out + (<usize>j << 2), j < cols ? load<f32>(src + (<usize>j << 2)) : 0);
          src += step;
        }
      }
    }
  }
}

/**
 * Driver: what src/ calls. Any shape, any flags; scratch must hold f32_gemm_scratch_bytes(m, n, k)
 * bytes. C must not overlap A, B or bias; A and B may alias each other. Problems too small for
 * packing to pay off (and k = 0) take the plain loops.
 */
export function f32_gemm(
  flags: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, bias: usize, scratch: usize,
): void {
  if (<i64>m * n * k < SMALL_MADDS) {
    f32_gemm__scalar(flags, m, n, k, a, lda, b, ldb, c, ldc, bias);
  } else {
    f32_gemm__simd(flags, m, n, k, a, lda, b, ldb, c, ldc, bias, scratch);
  }
}

/**
 * The packed, cache-blocked SIMD GEMM for every size (f32_gemm without the small-problem
 * shortcut); same arguments and scratch as f32_gemm.
 */
export function f32_gemm__simd(
  flags: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, bias: usize, scratch: usize,
): void {
  gemmBlocked(flags, m, n, k, a, lda, b, ldb, c, ldc, bias, scratch, false);
}

/**
 * The blocked GEMM of f32_gemm__simd and f32_gemm_packed. With `prepacked`, b holds op(B) packed
 * by f32_gemm_pack_b with ldb floats of depth per panel (the k it was packed for): block (pc, jc)
 * of panel jp is read at (jp*ldb + pc)*NR floats, nothing is packed, and the scratch has no B block.
 */
// @ts-ignore: decorator
@inline function gemmBlocked(
  flags: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, bias: usize, scratch: usize, prepacked: bool,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    // Nothing to multiply: C = bias (or 0), or C unchanged with accumulate.
    f32_gemm__scalar(flags, m, n, 0, a, lda, b, ldb, c, ldc, bias);
    return;
  }
  const transA = (flags & GEMM_TRANS_A) != 0;
  const transB = !prepacked && (flags & GEMM_TRANS_B) != 0;
  const accumulate = (flags & GEMM_ACCUMULATE) != 0 ? 1 : 0;
  // Blocks of equal size (k = 784 runs as 4 x 196, not 3 x 256 + 16), never above KC, MC, NC.
  const kcStep = balancedStep(k, KC, 1);
  const mcStep = balancedStep(m, MC, MR);
  const ncStep = balancedStep(n, NC, NR);
  const packedA = scratch;
  const packedB = packedA + (<usize>min(MC, roundUp(m, MR)) * min(KC, k) << 2);
  const tile = prepacked ? packedB : packedB + (<usize>min(NC, roundUp(n, NR)) * min(KC, k) << 2);
  // Packing pays for itself through reuse: B panels are reused by every A panel, A panels by
  // every B panel. With at most two of the other kind, read the operand in place (A in either
  // layout; B only row-major: a step of Bᵀ in place would be 16 floats from 16 rows).
  const directA = n <= 2 * NR;
  // Element (i, p) of op(A) in place: a + i*aRowStride + p*aDepthStride floats.
  const aRowStride = transA ? 1 : lda;
  const aDepthStride = transA ? lda : 1;
  const directB = !prepacked && !transB && m <= 2 * MR;
  for (let jc = 0; jc < n; jc += ncStep) {
    const nc = min(ncStep, n - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = min(kcStep, k - pc);
      if (!directB && !prepacked) packB(packedB, b, ldb, transB, pc, kc, jc, nc);
      const first = pc == 0;
      const accumulateNow = first ? accumulate : 1;
      const biasNow = first ? bias : 0;
      for (let ic = 0; ic < m; ic += mcStep) {
        const mc = min(mcStep, m - ic);
        if (!directA) packA(packedA, a, lda, transA, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          let bp = packedB + (<usize>jr * kc << 2);
          let bStep = NR;
          // Bytes from this panel to the next one's same depth step.
          let panelBytes = <usize>kc * NR << 2;
          if (prepacked) {
            bp = b + ((<usize>(jc + jr) * ldb + <usize>pc * NR) << 2);
            panelBytes = <usize>ldb * NR << 2;
          } else if (directB) {
            if (nr == NR) {
              bp = b + ((<usize>pc * ldb + jc + jr) << 2);
              bStep = ldb;
              panelBytes = <usize>NR << 2;
            } else {
              // The partial panel is packed (zero-padded) so no read goes past B's rows.
              bp = packedB;
              packB(bp, b, ldb, transB, pc, kc, jc + jr, nr);
            }
          }
          const biasTile = biasNow != 0 ? biasNow + (<usize>(jc + jr) << 2) : 0;
          // A lone row over two full panels: the 1x32 kernel (twice the independent chains).
          if (mc == 1 && nr == NR && jr + 2 * NR <= nc) {
            const ap = directA ? a + ((<usize>ic * aRowStride + <usize>pc * aDepthStride) << 2) : packedA;
            f32_gemm_1x32__simd(c + ((<usize>ic * ldc + jc + jr) << 2), ap, directA ? aDepthStride : MR,
              bp, bp + panelBytes, bStep, kc, biasTile, accumulateNow);
            jr += NR;
            continue;
          }
          let ir = 0;
          if (directA && nr <= 8) {
            // A narrow panel: 4 x 8 tiles instead of 2 x 16 ones that would waste half or more.
            for (; ir + 4 <= mc; ir += 4) {
              const ap = a + ((<usize>(ic + ir) * aRowStride + <usize>pc * aDepthStride) << 2);
              const ct = c + ((<usize>(ic + ir) * ldc + jc + jr) << 2);
              if (nr == 8) {
                f32_gemm_4x8__simd(ct, ldc, ap, aRowStride, aDepthStride, bp, bStep, kc, biasTile, accumulateNow);
              } else {
                f32_gemm_4x8__simd(tile, 8, ap, aRowStride, aDepthStride, bp, bStep, kc, 0, 0);
                writeEdgeTile(ct, ldc, tile, 8, 4, nr, biasTile, accumulateNow);
              }
            }
          }
          for (; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            let ap = packedA + (<usize>ir * kc << 2);
            let aRow = 1;
            let aStep = MR;
            if (directA) {
              ap = a + ((<usize>(ic + ir) * aRowStride + <usize>pc * aDepthStride) << 2);
              aRow = aRowStride;
              aStep = aDepthStride;
            }
            const ct = c + ((<usize>(ic + ir) * ldc + jc + jr) << 2);
            if (mr == MR) {
              if (nr == NR) {
                f32_gemm_2x16__simd(ct, ldc, ap, aRow, aStep, bp, bStep, kc, biasTile, accumulateNow);
              } else {
                f32_gemm_2x16__simd(tile, NR, ap, aRow, aStep, bp, bStep, kc, 0, 0);
                writeEdgeTile(ct, ldc, tile, NR, mr, nr, biasTile, accumulateNow);
              }
            } else if (nr == NR) {
              f32_gemm_1x16__simd(ct, ldc, ap, 0, aStep, bp, bStep, kc, biasTile, accumulateNow);
            } else {
              f32_gemm_1x16__simd(tile, NR, ap, 0, aStep, bp, bStep, kc, 0, 0);
              writeEdgeTile(ct, ldc, tile, NR, mr, nr, biasTile, accumulateNow);
            }
          }
        }
      }
    }
  }
}

/** C[mr x nr] = (accumulate ? C : 0) + tile (+ bias), for the partial tiles at the edges; tile rows are ldt apart. */
function writeEdgeTile(c: usize, ldc: i32, tile: usize, ldt: i32, mr: i32, nr: i32, bias: usize, accumulate: i32): void {
  for (let r = 0; r < mr; r++) {
    const row = c + (<usize>r * ldc << 2);
    const t = tile + (<usize>r * ldt << 2);
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(t + o);
      if (bias != 0) v += load<f32>(bias + o);
      if (accumulate != 0) v = load<f32>(row + o) + v;
      store<f32>(row + o, v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// B packed once (inference plans: Dense kernels pre-packed at plan time, repacked only when the
// weights change). The layout is panel-major and independent of m and of the blocking:
// panel jp (columns jp*NR .. jp*NR+NR of op(B)) holds its k depth steps contiguous,
//   packed[(jp*k + p)*NR + j] = op(B)[p][jp*NR + j]   (columns past n are zero),
// so a cache block (pc, kc) of panel jp starts at (jp*k + pc)*NR floats, and columns lo.. (lo a
// multiple of NR) of the packed B start at lo*k floats: a split by columns needs no repacking.
// f32_gemm_packed is f32_gemm__simd's blocked loop reading these panels (gemmBlocked), so its C is
// bit-identical to f32_gemm's on the unpacked B.

/** Floats that f32_gemm_pack_b writes for op(B) of k x n. */
export function f32_gemm_packed_b_floats(k: i32, n: i32): usize {
  return <usize>roundUp(n, NR) * <usize>k;
}

/** Packs op(B) (k x n; transB: B stored n x k with ldb >= k, else k x n with ldb >= n) into the panel-major layout at dst. */
export function f32_gemm_pack_b(dst: usize, b: usize, ldb: i32, transB: i32, k: i32, n: i32): void {
  for (let j0 = 0; j0 < n; j0 += NR) {
    packB(dst + (<usize>j0 * k << 2), b, ldb, transB != 0, 0, k, j0, min(NR, n - j0));
  }
}

/**
 * Micro-kernel for a lone row over two panels: C[1 x 32] = (accumulate ? C : 0) + A[1 x kc] ·
 * [B0 | B1] (+ bias[32]), B0 and B1 each kc x 16 with bStep floats between depth steps. Eight
 * independent accumulator chains where 1x16 has four: a GEMV (m = 1) is bound by the add
 * latency of its chains, not by the multiplies. Each element is summed as in 1x16.
 */
export function f32_gemm_1x32__simd(
  c: usize, a: usize, aStep: i32, b0: usize, b1: usize, bStep: i32, kc: i32, bias: usize, accumulate: i32,
): void {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
  let acc4 = f32x4.splat(0), acc5 = f32x4.splat(0), acc6 = f32x4.splat(0), acc7 = f32x4.splat(0);
  let ap = a;
  let p0 = b0;
  let p1 = b1;
  const aBytes = <usize>aStep << 2;
  const bBytes = <usize>bStep << 2;
  for (let p = 0; p < kc; p++) {
    const x = v128.load32_splat(ap);
    acc0 = f32x4.add(acc0, f32x4.mul(x, v128.load(p0)));
    acc1 = f32x4.add(acc1, f32x4.mul(x, v128.load(p0, 16)));
    acc2 = f32x4.add(acc2, f32x4.mul(x, v128.load(p0, 32)));
    acc3 = f32x4.add(acc3, f32x4.mul(x, v128.load(p0, 48)));
    acc4 = f32x4.add(acc4, f32x4.mul(x, v128.load(p1)));
    acc5 = f32x4.add(acc5, f32x4.mul(x, v128.load(p1, 16)));
    acc6 = f32x4.add(acc6, f32x4.mul(x, v128.load(p1, 32)));
    acc7 = f32x4.add(acc7, f32x4.mul(x, v128.load(p1, 48)));
    ap += aBytes;
    p0 += bBytes;
    p1 += bBytes;
  }
  if (bias != 0) {
    acc0 = f32x4.add(acc0, v128.load(bias)); acc1 = f32x4.add(acc1, v128.load(bias, 16));
    acc2 = f32x4.add(acc2, v128.load(bias, 32)); acc3 = f32x4.add(acc3, v128.load(bias, 48));
    acc4 = f32x4.add(acc4, v128.load(bias, 64)); acc5 = f32x4.add(acc5, v128.load(bias, 80));
    acc6 = f32x4.add(acc6, v128.load(bias, 96)); acc7 = f32x4.add(acc7, v128.load(bias, 112));
  }
  if (accumulate != 0) {
    acc0 = f32x4.add(acc0, v128.load(c)); acc1 = f32x4.add(acc1, v128.load(c, 16));
    acc2 = f32x4.add(acc2, v128.load(c, 32)); acc3 = f32x4.add(acc3, v128.load(c, 48));
    acc4 = f32x4.add(acc4, v128.load(c, 64)); acc5 = f32x4.add(acc5, v128.load(c, 80));
    acc6 = f32x4.add(acc6, v128.load(c, 96)); acc7 = f32x4.add(acc7, v128.load(c, 112));
  }
  v128.store(c, acc0); v128.store(c, acc1, 16); v128.store(c, acc2, 32); v128.store(c, acc3, 48);
  v128.store(c, acc4, 64); v128.store(c, acc5, 80); v128.store(c, acc6, 96); v128.store(c, acc7, 112);
}

/** Bytes of scratch that f32_gemm_packed needs: a packed A block and one tile. */
export function f32_gemm_packed_scratch_bytes(m: i32, n: i32, k: i32): usize {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  const kc = <usize>min(KC, k);
  const mc = <usize>min(MC, roundUp(m, MR));
  return (mc * kc + <usize>(MR * NR)) << 2;
}

/**
 * C[m x n] (+)= op(A) · B (+ bias) with B packed by f32_gemm_pack_b for depth ldPacked (>= k; a
 * part of a split reads the packed panels of its columns at lo*ldPacked floats); flags:
 * GEMM_TRANS_A | GEMM_ACCUMULATE (GEMM_TRANS_B is ignored: packing did the transpose). Scratch
 * holds f32_gemm_packed_scratch_bytes(m, n, k). Same blocks, order and micro-kernels as
 * f32_gemm__simd: the result is bit-identical to f32_gemm on the unpacked B.
 */
export function f32_gemm_packed(
  flags: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, packed: usize, ldPacked: i32,
  c: usize, ldc: i32, bias: usize, scratch: usize,
): void {
  gemmBlocked(flags & ~GEMM_TRANS_B, m, n, k, a, lda, packed, ldPacked, c, ldc, bias, scratch, true);
}
