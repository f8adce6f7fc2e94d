// The part of the library's seeded generator (`Rng`, src/random.ts) that data utilities and
// augmentations draw from. They take this interface (any deterministic source works) or a
// `seed`, from which they make an `Rng` on the stream reserved for their purpose.
import { ValueError } from '../core/errors.js';
import { Rng, streamId } from '../random.js';

/** A seeded random source: the library's `Rng` satisfies it. */
export interface RandomSource {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
  /** A uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** A normally distributed float. */
  normal(mean: number, std: number): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/** True if `v` looks like a RandomSource. */
export function isRandomSource(v: unknown): v is RandomSource {
  const r = v as RandomSource | null;
  return typeof r === 'object' && r !== null && typeof r.nextU32 === 'function' && typeof r.uniform === 'function'
    && typeof r.normal === 'function' && typeof r.int === 'function';
}

/** Shuffles `a` in place (Fisher-Yates, drawing with `rng.int`) and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: RandomSource): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/**
 * The generator a function should draw from: `options.rng` if given, else a new `Rng` seeded
 * with `options.seed` (default 0) on stream `streamId(purpose)`.
 */
export function resolveRng(options: { rng?: RandomSource; seed?: number } | undefined, who: string, purpose: number): RandomSource {
  if (options?.rng !== undefined) {
    if (!isRandomSource(options.rng)) throw new ValueError(`${who}: rng must be a seeded Rng, got ${typeof options.rng}`);
    return options.rng;
  }
  const seed = options?.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ValueError(`${who}: seed must be an integer in [0, 2^53), got ${seed}`);
  return new Rng(seed, streamId(purpose));
}
