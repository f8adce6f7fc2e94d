// The JS side of the seeded generator: Philox4x32-10 in plain 32-bit TypeScript arithmetic,
// word for word the generator of assembly/random.ts (same key, counter and stream layout; see
// the scheme at the top of that file). Use it for shuffling, augmentation parameters, data
// splits and searches; the wasm fill kernels (src/ops/random.ts) take their seed, stream and
// counter from an `Rng`, so a whole training run follows from one seed.
import { ValueError } from './core/errors.js';
import { randomNormal } from './kernels/random.js';
import { f32, scratch } from './backend/memory.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO32 = 4294967296;

/** High 32 bits of the 64-bit product of two u32s (exact, no BigInt). */
function mulhi(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const loHi = aLo * bHi;
  const hiLo = aHi * bLo;
  const mid = ((aLo * bLo) >>> 16) + (hiLo & 0xffff) + loHi; // < 2^33: exact in a double
  return (aHi * bHi + (hiLo >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/**
 * Philox4x32-10 of one block: writes the four output words of counter (c0, c1, c2, c3) under
 * key (k0, k1) into `out`. This is Random123's `philox4x32_10(ctr, key)`.
 */
export function philox4x32(out: Uint32Array, c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): Uint32Array {
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/** What a stream is used for: the top 8 bits of a stream id (see `streamId`). */
export const StreamPurpose = {
  /** Streams a user creates directly (`new Rng(seed)` uses stream 0). */
  user: 0,
  /** Weight initialisers: index = layer index. */
  initializer: 1,
  /** Dropout masks: index = layer index. */
  dropout: 2,
  /** Gaussian noise layers: index = layer index. */
  noise: 3,
  /** Shuffling of training data. */
  shuffle: 4,
  /** Data augmentation. */
  augment: 5,
  /** Data splits (train/test, validation). */
  split: 6,
  /** Hyper-parameter search. */
  search: 7,
} as const;

/**
 * The stream id for `purpose` (0-255, see `StreamPurpose`) and `index` (0 to 2^24 - 1, e.g. a
 * layer index): `purpose << 24 | index`. Different (purpose, index) pairs never share draws.
 */
export function streamId(purpose: number, index = 0): number {
  if (!Number.isInteger(purpose) || purpose < 0 || purpose > 255) {
    throw new ValueError(`streamId: purpose must be an integer in [0, 255], got ${String(purpose)}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= 1 << 24) {
    throw new ValueError(`streamId: index must be an integer in [0, 2^24), got ${String(index)}`);
  }
  return ((purpose << 24) | index) >>> 0;
}

/**
 * A seeded Philox4x32-10 generator: one stream of one seed, read in order. `nextU32()` returns
 * the words of blocks 0, 1, 2, ... of the stream, the same words the wasm kernels produce.
 *
 * ```ts
 * const rng = new Rng(42);
 * rng.shuffle(indices);                 // Fisher-Yates
 * const dropoutRng = rng.split(streamId(StreamPurpose.dropout, 3));
 * ```
 */
export class Rng {
  /** Low and high 32 bits of the seed: the Philox key. */
  readonly seedLo: number;
  readonly seedHi: number;
  /** The stream id (third counter word). */
  readonly stream: number;
  private block = 0;
  private readonly words = new Uint32Array(4);
  private used = 4;
  private readonly normals = new Float32Array(4);
  private normalsUsed = 4;

  /**
   * @param seed an integer in [0, 2^53)
   * @param stream a stream id in [0, 2^32) (see `streamId`); default 0
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ValueError(`Rng: seed must be an integer in [0, 2^53), got ${String(seed)}`);
    }
    if (!Number.isInteger(stream) || stream < 0 || stream >= TWO32) {
      throw new ValueError(`Rng: stream must be an integer in [0, 2^32), got ${String(stream)}`);
    }
    this.seedLo = seed % TWO32;
    this.seedHi = Math.floor(seed / TWO32);
    this.stream = stream;
  }

  /** The seed this generator was made with. */
  get seed(): number {
    return this.seedHi * TWO32 + this.seedLo;
  }

  /** Index of the next unused block of this stream. */
  get counter(): number {
    return this.block;
  }

  /** The next 32-bit word of the stream, in [0, 2^32). */
  nextU32(): number {
    if (this.used === 4) {
      philox4x32(this.words, this.block % TWO32, Math.floor(this.block / TWO32), this.stream, 0, this.seedLo, this.seedHi);
      this.block++;
      this.used = 0;
    }
    return this.words[this.used++]!;
  }

  /**
   * Reserves `blocks` whole blocks for a wasm fill and returns the index of the first; the rest
   * of a partly read block is skipped. The kernels take it as (counter % 2^32, counter / 2^32).
   */
  reserve(blocks: number): number {
    const start = this.block;
    this.block += blocks;
    this.used = 4;
    return start;
  }

  /** A uniform float in [lo, hi) with 24 random bits: lo + (hi - lo) * (w >>> 8) * 2^-24. */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * ((this.nextU32() >>> 8) * 5.9604644775390625e-8);
  }

  /**
   * A normal draw `mean + std * z`. The standard normals z come four per block from the wasm
   * kernel `f32_random_normal` (so they need `init()`), and are the very values that kernel
   * fills with for the same block; a new block is reserved when the previous four are used.
   */
  normal(mean = 0, std = 1): number {
    if (this.normalsUsed === 4) {
      const c = this.reserve(1);
      const arena = scratch(); // mark/reset directly: no closure per block of four draws
      const mark = arena.mark();
      try {
        const ptr = arena.alloc(16);
        randomNormal(ptr, 4, 0, 1, this.seedLo, this.seedHi, this.stream, c % TWO32, Math.floor(c / TWO32));
        const view = f32();
        for (let i = 0; i < 4; i++) this.normals[i] = view[(ptr >>> 2) + i]!;
      } finally {
        arena.reset(mark);
      }
      this.normalsUsed = 0;
    }
    return mean + std * this.normals[this.normalsUsed++]!;
  }

  /** A uniform integer in [0, n) without modulo bias, for n in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO32) {
      throw new ValueError(`Rng.int: n must be an integer in [1, 2^32], got ${String(n)}`);
    }
    const limit = TWO32 - (TWO32 % n);
    let w = this.nextU32();
    while (w >= limit) w = this.nextU32();
    return w % n;
  }

  /**
   * Shuffles `array` (an Array or a typed array) in place (Fisher-Yates, from the end) and
   * returns it. Other array-likes are refused: `{ length: 1e9 }` would grow a billion properties
   * until the process aborts.
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    if (!Array.isArray(array) && !(ArrayBuffer.isView(array) && !(array instanceof DataView))) {
      const got = array === null ? 'null' : typeof array === 'object' ? `an object (${Object.prototype.toString.call(array)}) with length ${String((array as { length?: unknown }).length)}` : typeof array;
      throw new ValueError(`Rng.shuffle: expected an Array or a typed array, got ${got}`);
    }
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A generator on stream `id` of the same seed, from its start (streams are a flat space). */
  split(id: number): Rng {
    return new Rng(this.seed, id);
  }
}
