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
//   key     = [seedLo, seedHi]                 a 64-bit seed (the model's or fit()'s seed)
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
// Normals: Box-Muller on the word pairs (w0, w1) and (w2, w3) of a block (see normalPairs).
// All kernels process 4 blocks (16 values) per step with SIMD, one block per lane; the tail
// computes a whole group into a static buffer and copies what it needs, so the values never
// depend on n's remainder.

// Philox4x32 constants (Random123 philox.h).
const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** Scratch for one group of 4 blocks (16 words), for tails: static data, not an allocation. */
const GROUP: usize = memory.data(64, 16);

/** High 32 bits of the four u32 x u32 products of a's lanes with m's. */
// @ts-ignore: decorator
@inline function mulhi(a: v128, m: v128): v128 {
  const lo = i64x2.extmul_low_i32x4_u(a, m);
  const hi = i64x2.extmul_high_i32x4_u(a, m);
  return i32x4.shuffle(lo, hi, 1, 3, 5, 7);
}

/**
 * Philox4x32-10 of four consecutive blocks, counter (lo + j, hi (+ carry), stream, word3) for
 * j = 0..3, stored at `out` in element order (block j's four words at out + 16 j).
 */
// @ts-ignore: decorator
@inline function philoxGroup(out: usize, seedLo: u32, seedHi: u32, stream: u32, word3: u32, lo: u32, hi: u32): void {
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
  // Transpose: lanes hold blocks, vectors hold word indices -> one vector per block.
  const t0 = i32x4.shuffle(c0, c1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(c2, c3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(c0, c1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(c2, c3, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(out, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
  v128.store(out, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
  v128.store(out, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
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
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    philoxGroup(dst + (<usize>i << 2), key0, key1, ctr2, ctr3, ctr0, ctr1);
    const next = ctr0 + 4;
    if (next < ctr0) ctr1++;
    ctr0 = next;
  }
  if (i < n) {
    philoxGroup(GROUP, key0, key1, ctr2, ctr3, ctr0, ctr1);
    memory.copy(dst + (<usize>i << 2), GROUP, <usize>(n - i) << 2);
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
  let i = 0;
  for (; i < n; i += 16) {
    philoxGroup(GROUP, seedLo, seedHi, stream, 0, counterLo, counterHi);
    const next = counterLo + 4;
    if (next < counterLo) counterHi++;
    counterLo = next;
    const rest = n - i;
    for (let j = 0; j < 4; j++) {
      const v = f32x4.add(vlo, f32x4.mul(range, unit(v128.load(GROUP + (<usize>j << 4)))));
      const p = dst + (<usize>(i + (j << 2)) << 2);
      if (rest >= (j + 1) << 2) {
        v128.store(p, v);
      } else {
        v128.store(GROUP + (<usize>j << 4), v);
        for (let e = j << 2; e < rest; e++) store<f32>(dst + (<usize>(i + e) << 2), load<f32>(GROUP + (<usize>e << 2)));
        break;
      }
    }
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
  let i = 0;
  for (; i < n; i += 16) {
    philoxGroup(GROUP, seedLo, seedHi, stream, 0, counterLo, counterHi);
    const next = counterLo + 4;
    if (next < counterLo) counterHi++;
    counterLo = next;
    const rest = n - i;
    for (let j = 0; j < 4; j++) {
      const m = v128.and(scale, i32x4.ge_u(v128.load(GROUP + (<usize>j << 4)), t));
      const o = <usize>(i + (j << 2)) << 2;
      if (rest >= (j + 1) << 2) {
        v128.store(mask + o, m);
        v128.store(y + o, f32x4.mul(v128.load(x + o), m));
      } else {
        v128.store(GROUP + (<usize>j << 4), m);
        for (let e = j << 2; e < rest; e++) {
          const oe = <usize>(i + e) << 2;
          const me = load<f32>(GROUP + (<usize>e << 2));
          store<f32>(mask + oe, me);
          store<f32>(y + oe, load<f32>(x + oe) * me);
        }
        break;
      }
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
