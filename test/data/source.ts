// A deterministic RandomSource for data tests (xorshift32): test scaffolding, not library numerics.
import type { RandomSource } from '../../src/data/random.js';

export function testRng(seed = 1): RandomSource {
  let s = seed >>> 0 || 1;
  const nextU32 = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const uniform = (lo: number, hi: number): number => lo + ((hi - lo) * nextU32()) / 4294967296;
  return {
    nextU32,
    uniform,
    int: (n: number) => Math.floor((nextU32() / 4294967296) * n),
    normal: (mean: number, std: number) => {
      const u = 1 - nextU32() / 4294967296;
      return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * (nextU32() / 4294967296));
    },
  };
}
