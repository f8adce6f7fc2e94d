// Elementwise kernel calls split over the thread pool: a call over n floats becomes parts over
// [lo, hi) ranges, each the same kernel with its pointers advanced by lo floats and its count
// hi - lo. Parts start on multiples of SPLIT_UNIT floats, a multiple of every kernel's vector
// step, so each element takes the same loop (vector body or scalar tail) in its part as in the
// whole call and the results are bit-identical to one thread.
import { SLOT } from '../backend/thread-worker.js';
import { threadPool } from '../backend/threads.js';

/** Floats per unit of a split (64 floats: 16 f32x4 steps, one 256-byte run). */
export const SPLIT_UNIT = 64;

/**
 * `minPartFloats`: the fewest floats worth a part of their own. A dispatch round trip costs
 * 35-45 µs on the loaded test machine, about the time of a pass over 2^18 floats at memory speed.
 * Tests lower it to split tiny arrays.
 */
export const POINTWISE_SPLIT = { minPartFloats: 1 << 18 };

/** Parts for an elementwise call over n floats: 1 without a pool or below the threshold. */
export function pointwiseParts(n: number): number {
  const pool = threadPool();
  if (pool === undefined) return 1;
  const byWork = Math.floor(n / POINTWISE_SPLIT.minPartFloats);
  return Math.max(1, Math.min(pool.size, byWork, Math.ceil(n / SPLIT_UNIT)));
}

/** Where part p of `parts` over n floats starts (part p covers [partStart(p), partStart(p + 1))), in whole units. */
export function partStart(p: number, parts: number, n: number): number {
  const units = Math.ceil(n / SPLIT_UNIT);
  const base = Math.floor(units / parts);
  const extra = units % parts;
  return Math.min(n, (p * base + Math.min(p, extra)) * SPLIT_UNIT);
}

/**
 * Runs `kernel` (an export of the installed module) in `parts` parts (from `pointwiseParts`) over n floats. a0..a8 are the
 * kernel's arguments in order; bit i of `pointers` marks argument i as a float array pointer
 * (advanced per part unless it is 0, an absent buffer); argument `countAt` is the count n.
 * Unused trailing arguments are ignored by the kernel.
 */
export function splitPointwise(
  kernel: unknown, parts: number, countAt: number, pointers: number,
  a0: number, a1: number, a2: number, a3: number, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0,
): void {
  const pool = threadPool()!;
  const n = countArg(countAt, a0, a1, a2, a3, a4, a5, a6, a7, a8);
  const index = pool.index(kernel);
  for (let p = 0; p < parts; p++) {
    const lo = partStart(p, parts, n);
    const count = partStart(p + 1, parts, n) - lo;
    const o = p * SLOT;
    const s = pool.slots;
    s[o] = index;
    s[o + 1] = arg(0, a0, lo, count, countAt, pointers);
    s[o + 2] = arg(1, a1, lo, count, countAt, pointers);
    s[o + 3] = arg(2, a2, lo, count, countAt, pointers);
    s[o + 4] = arg(3, a3, lo, count, countAt, pointers);
    s[o + 5] = arg(4, a4, lo, count, countAt, pointers);
    s[o + 6] = arg(5, a5, lo, count, countAt, pointers);
    s[o + 7] = arg(6, a6, lo, count, countAt, pointers);
    s[o + 8] = arg(7, a7, lo, count, countAt, pointers);
    s[o + 9] = arg(8, a8, lo, count, countAt, pointers);
  }
  pool.run(parts);
}

function countArg(at: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, a7: number, a8: number): number {
  switch (at) {
    case 0: return a0;
    case 1: return a1;
    case 2: return a2;
    case 3: return a3;
    case 4: return a4;
    case 5: return a5;
    case 6: return a6;
    case 7: return a7;
    default: return a8;
  }
}

/** Argument i of a part starting at float lo with `count` floats. */
function arg(i: number, value: number, lo: number, count: number, countAt: number, pointers: number): number {
  if (i === countAt) return count;
  if ((pointers & (1 << i)) !== 0 && value !== 0) return value + lo * 4;
  return value;
}
