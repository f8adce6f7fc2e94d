// Fresh seeds for runs the user did not seed (Keras and PyTorch draw one too), from the
// runtime's cryptographic generator: globalThis.crypto.getRandomValues exists in Node >= 20,
// Deno, browsers and workerd. Math.random is never used (house rule: determinism).
import { ValueError } from './errors.js';

/** A seed drawn at random: an integer in [0, 2^53), the whole range `Rng` accepts. */
export function freshSeed(who: string): number {
  const c = (globalThis as { crypto?: { getRandomValues?<T extends ArrayBufferView>(a: T): T } }).crypto;
  if (c === undefined || typeof c.getRandomValues !== 'function') {
    throw new ValueError(`${who}: no seed was given and this runtime has no crypto.getRandomValues to draw one; pass { seed: n }`);
  }
  const words = c.getRandomValues(new Uint32Array(2));
  return (words[0]! & 0x1fffff) * 2 ** 32 + words[1]!; // 21 + 32 bits
}
