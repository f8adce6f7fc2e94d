// The seeded random generator: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
// as 1, 2, 3", SC 2011), a counter-based generator: draws are a pure function
//
//     philox(key, counter) -> 4 x u32            (one "block")
//
// so the same seed gives the same draws in every runtime, in any order, on any thread, and
// the JS `Rng` (src/random.ts) computes the very same words in TypeScript.
//
// The scheme (the ABI every kernel below and src/random.ts share):
//
//   key     = [seedLo, seedHi]                 a seed in [0, 2^53): seed mod 2^32, seed / 2^32
//   counter = [blockLo, blockHi, stream, 0]    a 64-bit block index within a 32-bit stream
//
// - A *stream* is one independent sequence under a seed: 2^64 blocks of 4 words each. Streams
//   never collide because the stream id is part of the counter, not a hash of it. Stream ids
//   are a flat 32-bit space; src/random.ts `streamId(purpose, index)` packs a purpose (initialiser,
//   dropout, noise, shuffle, augmentation, ...) into the top 8 bits and a layer / use index into
//   the low 24 bits, so "dropout of layer 3" and "initialiser of layer 5" are different streams.
// - Element i of a fill that starts at block `counter` uses word (i & 3) of block
//   counter + (i >> 2). A fill of n values therefore consumes ceil(n / 4) blocks, and the caller
//   (the JS `Rng`) advances its counter by that much.
// - The fourth counter word is 0 for every ordinary draw. Truncated-normal redraws use it as the
//   attempt number (1, 2, ...), so a redraw never reuses a word of any stream.
//
// Floats from words: u = (w >>> 8) * 2^-24, exactly one of the 2^24 values in [0, 1).
// Normals: Box-Muller on the word pairs (w0, w1) and (w2, w3) of a block (see boxMuller); the
// JS `Rng.normal()` returns these same values, computed by f32_random_normal.
// All kernels process 4 blocks (16 values) per step with SIMD, one block per lane; the tail
// computes a whole group into a static buffer and copies what it needs, so the values never
// depend on n's remainder.

import { log_f32x4 } from './math';
import { addRow } from './geometry';

// Philox4x32 constants (Random123 philox.h).
const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** One group of 4 blocks (16 words or values): static data, not an allocation. */
const GROUP: usize = memory.data(64, 16);

/** High 32 bits of the four u32 x u32 products of a's lanes with m's. */
// @ts-ignore: decorator
@inline function mulhi(a: v128, m: v128): v128 {
  const lo = i64x2.extmul_low_i32x4_u(a, m);
  const hi = i64x2.extmul_high_i32x4_u(a, m);
  return i32x4.shuffle(lo, hi, 1, 3, 5, 7);
}

/**
 * Philox4x32-10 of four consecutive blocks, counters (lo + j, hi (+ carry), stream, word3) for
 * j = 0..3, stored at GROUP by word: GROUP + 16 w holds word w of blocks 0..3 (one per lane).
 */
function philoxLanes(seedLo: u32, seedHi: u32, stream: u32, word3: u32, lo: u32, hi: u32): void {
  let c0 = i32x4.add(i32x4.splat(lo), i32x4(0, 1, 2, 3));
  // Carry into the high word in the lanes whose low word wrapped around.
  let c1 = i32x4.sub(i32x4.splat(hi), i32x4.lt_u(c0, i32x4.splat(lo)));
  let c2 = i32x4.splat(stream);
  let c3 = i32x4.splat(word3);
  const m0 = i32x4.splat(M0);
  const m1 = i32x4.splat(M1);
  let k0 = seedLo;
  let k1 = seedHi;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(c0, m0);
    const lo0 = i32x4.mul(c0, m0);
    const hi1 = mulhi(c2, m1);
    const lo1 = i32x4.mul(c2, m1);
    c0 = v128.xor(v128.xor(hi1, c1), i32x4.splat(k0));
    c1 = lo1;
    c2 = v128.xor(v128.xor(hi0, c3), i32x4.splat(k1));
    c3 = lo0;
    k0 += W0;
    k1 += W1;
  }
  v128.store(GROUP, c0);
  v128.store(GROUP, c1, 16);
  v128.store(GROUP, c2, 32);
  v128.store(GROUP, c3, 48);
}

/** Transposes the 4 x 4 GROUP in place: from one vector per word index to one per block. */
// @ts-ignore: decorator
@inline function transposeGroup(): void {
  const a = v128.load(GROUP);
  const b = v128.load(GROUP, 16);
  const c = v128.load(GROUP, 32);
  const d = v128.load(GROUP, 48);
  const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(GROUP, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(GROUP, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
  v128.store(GROUP, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
  v128.store(GROUP, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
}

/** The 16 words of blocks lo.. lo+3 in element order at GROUP. */
// @ts-ignore: decorator
@inline function philoxGroup(seedLo: u32, seedHi: u32, stream: u32, word3: u32, lo: u32, hi: u32): void {
  philoxLanes(seedLo, seedHi, stream, word3, lo, hi);
  transposeGroup();
}

/** Copies the first min(16, rest) values of GROUP to dst. */
// @ts-ignore: decorator
@inline function copyGroup(dst: usize, rest: i32): void {
  if (rest >= 16) {
    v128.store(dst, v128.load(GROUP));
    v128.store(dst, v128.load(GROUP, 16), 16);
    v128.store(dst, v128.load(GROUP, 32), 32);
    v128.store(dst, v128.load(GROUP, 48), 48);
  } else {
    memory.copy(dst, GROUP, <usize>rest << 2);
  }
}

/** The 64-bit block index from its two words. */
// @ts-ignore: decorator
@inline function counter64(lo: u32, hi: u32): u64 {
  return <u64>lo | (<u64>hi << 32);
}

/** Uniform floats in [0, 1) from four words: (w >>> 8) * 2^-24, exact. */
// @ts-ignore: decorator
@inline function unit(words: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(words, 8)), f32x4.splat(5.9604644775390625e-8));
}

/**
 * Raw generator output: dst[i] (u32) = word (i & 3) of block (ctr0, ctr1) + (i >> 2) with the
 * 64-bit block index carrying from ctr0 into ctr1, under key (key0, key1) and counter words
 * ctr2, ctr3. With n = 4 this is exactly Random123's philox4x32_10(ctr, key).
 */
export function u32_random_bits(dst: usize, n: i32, key0: u32, key1: u32, ctr0: u32, ctr1: u32, ctr2: u32, ctr3: u32): void {
  let block = counter64(ctr0, ctr1);
  for (let i = 0; i < n; i += 16, block += 4) {
    philoxGroup(key0, key1, ctr2, ctr3, <u32>block, <u32>(block >>> 32));
    copyGroup(dst + (<usize>i << 2), n - i);
  }
}

/**
 * dst[i] = lo + (hi - lo) * u_i with u_i uniform in [0, 1) (24 bits), computed in f32; the
 * result can round up to hi when |lo| is much larger than hi - lo. Consumes ceil(n / 4) blocks
 * of stream `stream` starting at block (counterLo, counterHi).
 */
export function f32_random_uniform(dst: usize, n: i32, lo: f32, hi: f32, seedLo: u32, seedHi: u32, stream: u32, counterLo: u32, counterHi: u32): void {
  const vlo = f32x4.splat(lo);
  const range = f32x4.splat(hi - lo);
  let block = counter64(counterLo, counterHi);
  for (let i = 0; i < n; i += 16, block += 4) {
    philoxGroup(seedLo, seedHi, stream, 0, <u32>block, <u32>(block >>> 32));
    for (let o: usize = 0; o < 64; o += 16) {
      v128.store(GROUP + o, f32x4.add(vlo, f32x4.mul(range, unit(v128.load(GROUP + o)))));
    }
    copyGroup(dst + (<usize>i << 2), n - i);
  }
}

// Gaussian draws: Box-Muller. Block words (w0, w1) give z0 = r cos(theta), z1 = r sin(theta)
// with r = sqrt(-2 ln u1), u1 = ((w0 >>> 8) + 1) 2^-24 in (0, 1], theta = 2 pi u2,
// u2 = (w1 >>> 8) 2^-24; words (w2, w3) give z2, z3 the same way. |z| <= sqrt(2 ln 2^24) = 5.77.
// sin and cos of 2 pi u2 are exact in their argument reduction: the top 2 bits of the 24-bit u2
// pick the quadrant, the other 22 bits a fraction f of it, folded to t = min(f, 1 - f) pi/2 in
// [0, pi/4], where Taylor polynomials of degree 9 (sin) and 10 (cos) are below 2e-9. With the
// f32 evaluation and log_f32x4 (1 ulp) from math.ts, each z is within 2.5e-7 r of the exact
// r cos / r sin (measured 1.5e-7 over 200000 draws; test/kernels/random.test.ts uses 2.5e-7).

const HALF_PI_2M22: f32 = 3.7450702829239286e-7; // (pi / 2) * 2^-22
const S1: f32 = -1.6666667e-1;
const S2: f32 = 8.3333333e-3;
const S3: f32 = -1.9841270e-4;
const S4: f32 = 2.7557319e-6;
const C1: f32 = -0.5;
const C2: f32 = 4.1666667e-2;
const C3: f32 = -1.3888889e-3;
const C4: f32 = 2.4801587e-5;
const C5: f32 = -2.7557319e-7;

/** Writes r cos(2 pi u2) and r sin(2 pi u2) at GROUP + at and GROUP + at + 16, per lane. */
// @ts-ignore: decorator
@inline function boxMuller(w0: v128, w1: v128, at: usize): void {
  const u1 = f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(i32x4.shr_u(w0, 8), i32x4.splat(1))), f32x4.splat(5.9604644775390625e-8));
  const r = f32x4.sqrt(f32x4.mul(f32x4.splat(-2), log_f32x4(u1)));
  const m = i32x4.shr_u(w1, 8); // 24 bits: quadrant (2) and fraction (22)
  const frac = v128.and(m, i32x4.splat(0x3fffff));
  const fold = i32x4.gt_s(frac, i32x4.splat(0x200000)); // f > 1/2: use the complement
  const g = v128.bitselect(i32x4.sub(i32x4.splat(0x400000), frac), frac, fold);
  const t = f32x4.mul(f32x4.convert_i32x4_s(g), f32x4.splat(HALF_PI_2M22));
  const t2 = f32x4.mul(t, t);
  let ps = f32x4.add(f32x4.mul(f32x4.splat(S4), t2), f32x4.splat(S3));
  ps = f32x4.add(f32x4.mul(ps, t2), f32x4.splat(S2));
  ps = f32x4.add(f32x4.mul(ps, t2), f32x4.splat(S1));
  const s = f32x4.add(t, f32x4.mul(f32x4.mul(ps, t2), t));
  let pc = f32x4.add(f32x4.mul(f32x4.splat(C5), t2), f32x4.splat(C4));
  pc = f32x4.add(f32x4.mul(pc, t2), f32x4.splat(C3));
  pc = f32x4.add(f32x4.mul(pc, t2), f32x4.splat(C2));
  pc = f32x4.add(f32x4.mul(pc, t2), f32x4.splat(C1));
  const c = f32x4.add(f32x4.splat(1), f32x4.mul(pc, t2));
  // Quadrant q = k pi/2 + phi: (sin, cos) = (S, C), (C, -S), (-S, -C), (-C, S) for k = 0..3,
  // where (S, C) = (sin phi, cos phi) = fold ? (c, s) : (s, c).
  const q = i32x4.shr_u(m, 22);
  const odd = i32x4.eq(v128.and(q, i32x4.splat(1)), i32x4.splat(1));
  const swap = v128.xor(fold, odd);
  const sinv = v128.bitselect(c, s, swap);
  const cosv = v128.bitselect(s, c, swap);
  const sinSign = i32x4.shl(i32x4.shr_u(q, 1), 31);
  const cosSign = i32x4.shl(v128.xor(i32x4.shr_u(q, 1), v128.and(q, i32x4.splat(1))), 31);
  v128.store(GROUP + at, f32x4.mul(r, v128.xor(cosv, cosSign)));
  v128.store(GROUP + at, f32x4.mul(r, v128.xor(sinv, sinSign)), 16);
}

/** Standard normals of blocks lo.. lo+3 (counter word 3 = word3) in element order at GROUP. */
function normalGroup(seedLo: u32, seedHi: u32, stream: u32, word3: u32, lo: u32, hi: u32): void {
  philoxLanes(seedLo, seedHi, stream, word3, lo, hi);
  const w0 = v128.load(GROUP);
  const w1 = v128.load(GROUP, 16);
  const w2 = v128.load(GROUP, 32);
  const w3 = v128.load(GROUP, 48);
  boxMuller(w0, w1, 0);
  boxMuller(w2, w3, 32);
  transposeGroup();
}

/**
 * dst[i] = mean + std * z_i with z_i standard normal (Box-Muller, above), in f32. Consumes
 * ceil(n / 4) blocks of stream `stream` starting at block (counterLo, counterHi).
 */
export function f32_random_normal(dst: usize, n: i32, mean: f32, std: f32, seedLo: u32, seedHi: u32, stream: u32, counterLo: u32, counterHi: u32): void {
  const vmean = f32x4.splat(mean);
  const vstd = f32x4.splat(std);
  let block = counter64(counterLo, counterHi);
  for (let i = 0; i < n; i += 16, block += 4) {
    normalGroup(seedLo, seedHi, stream, 0, <u32>block, <u32>(block >>> 32));
    for (let o: usize = 0; o < 64; o += 16) {
      v128.store(GROUP + o, f32x4.add(vmean, f32x4.mul(vstd, v128.load(GROUP + o))));
    }
    copyGroup(dst + (<usize>i << 2), n - i);
  }
}

/**
 * Truncated normal (Keras TruncatedNormal): like f32_random_normal, but a draw with |z| > 2 is
 * redrawn from the same block index with counter word 3 = 1, 2, ... until |z| <= 2, so every
 * value lies within mean +- 2 std and depends only on its own index. Consumes ceil(n / 4)
 * blocks (redraws use counter word 3, which ordinary draws leave at 0).
 */
export function f32_random_truncated_normal(dst: usize, n: i32, mean: f32, std: f32, seedLo: u32, seedHi: u32, stream: u32, counterLo: u32, counterHi: u32): void {
  f32_random_normal(dst, n, 0, 1, seedLo, seedHi, stream, counterLo, counterHi);
  for (let i = 0; i < n; i++) {
    const p = dst + (<usize>i << 2);
    let z = load<f32>(p);
    if (Mathf.abs(z) > 2) {
      const block = counter64(counterLo, counterHi) + <u64>(i >>> 2);
      for (let attempt: u32 = 1; Mathf.abs(z) > 2; attempt++) {
        normalGroup(seedLo, seedHi, stream, attempt, <u32>block, <u32>(block >>> 32));
        z = load<f32>(GROUP + (<usize>(i & 3) << 2));
      }
    }
    store<f32>(p, mean + std * z);
  }
}

/**
 * Inverted dropout, training: element i is kept when its word w_i >= rate * 2^32 (probability
 * 1 - rate, to within 2^-32), mask[i] = kept ? f32(1 / (1 - rate)) : 0 and y[i] = x[i] * mask[i].
 * The mask is what f32_dropout_backward multiplies by. rate in [0, 1); rate 0 keeps everything
 * with scale 1, so y = x exactly. y may alias x. Consumes ceil(n / 4) blocks.
 */
export function f32_dropout_forward(y: usize, mask: usize, x: usize, n: i32, rate: f64, seedLo: u32, seedHi: u32, stream: u32, counterLo: u32, counterHi: u32): void {
  const cut = rate * 4294967296.0;
  const threshold: u32 = !(cut > 0.0) ? 0 : cut >= 4294967295.0 ? 0xffffffff : <u32>cut;
  const scale = f32x4.splat(<f32>(1.0 / (1.0 - rate)));
  const t = i32x4.splat(threshold);
  let block = counter64(counterLo, counterHi);
  for (let i = 0; i < n; i += 16, block += 4) {
    philoxGroup(seedLo, seedHi, stream, 0, <u32>block, <u32>(block >>> 32));
    for (let o: usize = 0; o < 64; o += 16) {
      v128.store(GROUP + o, v128.and(scale, i32x4.ge_u(v128.load(GROUP + o), t)));
    }
    const at = <usize>i << 2;
    const rest = min(n - i, 16);
    let e = 0;
    for (; e + 4 <= rest; e += 4) {
      const o = <usize>e << 2;
      const m = v128.load(GROUP + o);
      v128.store(mask + at + o, m);
      v128.store(y + at + o, f32x4.mul(v128.load(x + at + o), m));
    }
    for (; e < rest; e++) {
      const o = <usize>e << 2;
      const m = load<f32>(GROUP + o);
      store<f32>(mask + at + o, m);
      store<f32>(y + at + o, load<f32>(x + at + o) * m);
    }
  }
}

/** Dropout backward: dx[i] += dy[i] * mask[i] (mask as stored by f32_dropout_forward). */
export function f32_dropout_backward(dx: usize, dy: usize, mask: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.add(v128.load(dx + o), f32x4.mul(v128.load(dy + o), v128.load(mask + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o) * load<f32>(mask + o));
  }
}

/**
 * Gaussian noise (Keras GaussianNoise), training: y = x + stddev * z with z standard normal,
 * the same draws as f32_random_normal. y may alias x. Consumes ceil(n / 4) blocks.
 */
export function f32_gaussian_noise_forward(y: usize, x: usize, n: i32, stddev: f32, seedLo: u32, seedHi: u32, stream: u32, counterLo: u32, counterHi: u32): void {
  const vstd = f32x4.splat(stddev);
  let block = counter64(counterLo, counterHi);
  for (let i = 0; i < n; i += 16, block += 4) {
    normalGroup(seedLo, seedHi, stream, 0, <u32>block, <u32>(block >>> 32));
    const at = <usize>i << 2;
    const rest = min(n - i, 16);
    let e = 0;
    for (; e + 4 <= rest; e += 4) {
      const o = <usize>e << 2;
      v128.store(y + at + o, f32x4.add(v128.load(x + at + o), f32x4.mul(vstd, v128.load(GROUP + o))));
    }
    for (; e < rest; e++) {
      const o = <usize>e << 2;
      store<f32>(y + at + o, load<f32>(x + at + o) + stddev * load<f32>(GROUP + o));
    }
  }
}

/** Gaussian noise backward (the noise does not depend on x): dx[i] += dy[i]. */
export function f32_gaussian_noise_backward(dx: usize, dy: usize, n: i32): void {
  addRow(dx, dy, n);
}
