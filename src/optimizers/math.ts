// Exact scalar helpers for optimizer bookkeeping on the JS side. Only IEEE-correctly-rounded
// operations (+, *, /, Math.sqrt) are used, so every runtime computes the same bits.

/** base^n for an integer n >= 0 by binary exponentiation (bit-identical across runtimes, unlike Math.pow). */
export function powInt(base: number, n: number): number {
  let result = 1;
  let b = base;
  let e = n;
  while (e > 0) {
    if (e % 2 === 1) result *= b;
    b *= b;
    e = Math.floor(e / 2);
  }
  return result;
}
