import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { Rng, philox4x32, streamId, StreamPurpose } from '../../src/random.js';
import {
  randomUniformPtr, randomNormalPtr, truncatedNormalPtr, dropoutForwardPtr, dropoutBackwardPtr, gaussianNoiseForwardPtr, gaussianNoiseBackwardPtr,
} from '../../src/ops/random.js';
import { heap, i32 } from '../../src/backend/memory.js';
import { expectClose, fromWasm, k, randomArray, toWasm } from '../util.js';
import { PHILOX_KATS } from './random-kats.js';

const SIZES = [1, 2, 3, 4, 5, 7, 15, 16, 17, 33, 65, 1001];

/** Runs `fn` with a zeroed heap block of n floats, freed afterwards. */
function withBlock<T>(n: number, fn: (ptr: number) => T): T {
  const ptr = toWasm(new Float32Array(n));
  try {
    return fn(ptr);
  } finally {
    heap().free(ptr);
  }
}

function u32s(ptr: number, n: number): number[] {
  return Array.from(new Uint32Array(i32().buffer, ptr, n));
}

/** The words the JS Rng gives from block `counter` of (seed, stream). */
function jsWords(seed: number, stream: number, counter: number, n: number): number[] {
  const rng = new Rng(seed, stream);
  rng.reserve(counter);
  return Array.from({ length: n }, () => rng.nextU32());
}

describe('u32_random_bits', () => {
  test.each(PHILOX_KATS.map((v, i) => [i, ...v] as const))('matches Random123 known answer %i', (_, ctr, key, want) => {
    withBlock(4, (dst) => {
      k().u32_random_bits!(dst, 4, key[0]!, key[1]!, ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!);
      expect(u32s(dst, 4)).toEqual(want);
    });
  });

  test.each(SIZES)('gives the JS Rng words for n=%i (every tail)', (n) => {
    withBlock(n, (dst) => {
      const seed = 0x1234_5678_9abc + n;
      const stream = streamId(StreamPurpose.dropout, n);
      k().u32_random_bits!(dst, n, seed % 2 ** 32, Math.floor(seed / 2 ** 32), 3, 0, stream, 0);
      expect(u32s(dst, n)).toEqual(jsWords(seed, stream, 3, n));
    });
  });

  test('carries the block index from the first counter word into the second', () => {
    withBlock(40, (dst) => {
      k().u32_random_bits!(dst, 40, 5, 0, 0xfffffffe, 0, 0, 0);
      const want: number[] = [];
      for (let b = 0; b < 10; b++) want.push(...philox4x32(new Uint32Array(4), (0xfffffffe + b) % 2 ** 32, b >= 2 ? 1 : 0, 0, 0, 5, 0));
      expect(u32s(dst, 40)).toEqual(want);
    });
  });
});

describe('f32_random_uniform', () => {
  test.each(SIZES)('is lo + (hi - lo) * (w >>> 8) 2^-24 in f32, word for word the JS stream, n=%i', (n) => {
    const lo = -0.3, hi = 1.7;
    const rng = new Rng(99, 4);
    rng.reserve(n); // start somewhere other than block 0
    const words = jsWords(99, 4, rng.counter, n);
    withBlock(n, (dst) => {
      randomUniformPtr(dst, n, lo, hi, rng);
      const f = Math.fround;
      const range = f(f(hi) - f(lo));
      const want = words.map((w) => f(f(lo) + f(range * ((w >>> 8) * 2 ** -24))));
      expect(Array.from(fromWasm(dst, n))).toEqual(want);
    });
    expect(rng.counter).toBe(n + Math.ceil(n / 4));
  });

  test('consecutive calls continue the stream: two fills of 6 equal one fill of 8 (block-aligned)', () => {
    const a = withBlock(8, (dst) => {
      const rng = new Rng(1);
      randomUniformPtr(dst, 6, 0, 1, rng);
      randomUniformPtr(dst + 24, 2, 0, 1, rng);
      return fromWasm(dst, 8);
    });
    const b = withBlock(12, (dst) => {
      randomUniformPtr(dst, 12, 0, 1, new Rng(1));
      return fromWasm(dst, 12);
    });
    expect(Array.from(a.subarray(0, 6))).toEqual(Array.from(b.subarray(0, 6)));
    expect(Array.from(a.subarray(6, 8))).toEqual(Array.from(b.subarray(8, 10)));
  });

  test('stays in [lo, hi] with the uniform mean and variance', () => {
    const n = 50000;
    const v = withBlock(n, (dst) => {
      randomUniformPtr(dst, n, 2, 6, new Rng(123));
      return fromWasm(dst, n);
    });
    let mean = 0;
    for (const x of v) mean += x / n;
    let variance = 0;
    for (const x of v) variance += (x - mean) ** 2 / n;
    expect(Math.min(...v)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...v)).toBeLessThanOrEqual(6);
    expect(Math.abs(mean - 4)).toBeLessThan(0.03);
    expect(Math.abs(variance - 16 / 12)).toBeLessThan(0.03);
  });
});

/** Box-Muller in f64 from the words: what f32_random_normal approximates in f32. */
function boxMullerReference(words: number[]): number[] {
  const out: number[] = [];
  for (let b = 0; b + 1 < words.length; b += 2) {
    const r = Math.sqrt(-2 * Math.log(((words[b]! >>> 8) + 1) * 2 ** -24));
    const theta = 2 * Math.PI * (words[b + 1]! >>> 8) * 2 ** -24;
    out.push(r * Math.cos(theta), r * Math.sin(theta));
  }
  return out;
}

/** Fills n floats with `fill` and returns them. */
function filled(n: number, fill: (dst: number) => void): Float32Array {
  return withBlock(n, (dst) => {
    fill(dst);
    return fromWasm(dst, n);
  });
}

function moments(v: ArrayLike<number>): { mean: number; variance: number; kurtosis: number } {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i]! / v.length;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < v.length; i++) {
    const d = (v[i]! - mean) ** 2;
    m2 += d / v.length;
    m4 += (d * d) / v.length;
  }
  return { mean, variance: m2, kurtosis: m4 / (m2 * m2) };
}

describe('f32_random_normal', () => {
  test.each(SIZES)('is mean + std * Box-Muller of the JS stream words (f64 reference), n=%i', (n) => {
    const words = jsWords(21, 6, 0, 4 * Math.ceil(n / 4));
    const got = filled(n, (dst) => randomNormalPtr(dst, n, 0.5, 2, new Rng(21, 6)));
    const want = boxMullerReference(words).slice(0, n).map((z) => 0.5 + 2 * z);
    expectClose(got, want, `f32_random_normal n=${n}`, 2e-6, 4e-6);
  });

  test('z is within 2.5e-7 r of r cos and r sin of 2 pi u over 200000 draws (every quadrant and fold)', () => {
    const n = 200000;
    const words = jsWords(3, 0, 0, n);
    const got = filled(n, (dst) => randomNormalPtr(dst, n, 0, 1, new Rng(3)));
    const want = boxMullerReference(words);
    let worst = 0;
    for (let i = 0; i < n; i += 2) {
      const r = Math.hypot(want[i]!, want[i + 1]!);
      worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / r, Math.abs(got[i + 1]! - want[i + 1]!) / r);
    }
    expect(worst).toBeLessThan(2.5e-7); // the bound stated in assembly/random.ts (measured 1.5e-7)
  });

  test('has mean 0, variance 1, kurtosis 3 and the normal coverage of 1, 2, 3 std', () => {
    const n = 100000;
    const z = filled(n, (dst) => randomNormalPtr(dst, n, 0, 1, new Rng(1234)));
    const m = moments(z);
    expect(Math.abs(m.mean)).toBeLessThan(0.015); // sd of the mean 0.003
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.1);
    for (const [k, p] of [[1, 0.682689], [2, 0.954500], [3, 0.997300]] as const) {
      const inside = z.filter((v) => Math.abs(v) <= k).length / n;
      expect(Math.abs(inside - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(5.78);
  });

  test('Rng.normal() gives the kernel values of consecutive blocks', () => {
    const rng = new Rng(77, 9);
    const js = Array.from({ length: 10 }, () => rng.normal());
    const wasm = filled(12, (dst) => randomNormalPtr(dst, 12, 0, 1, new Rng(77, 9)));
    expect(js).toEqual(Array.from(wasm.subarray(0, 10)));
    expect(rng.counter).toBe(3);
    expect(new Rng(77, 9).normal(3, 0.5)).toBe(3 + 0.5 * wasm[0]!);
  });
});

describe('f32_random_truncated_normal', () => {
  test('keeps every draw of the plain normal fill within 2 std and redraws only the others', () => {
    const n = 20001;
    const plain = filled(n, (dst) => randomNormalPtr(dst, n, 1, 3, new Rng(8)));
    const trunc = filled(n, (dst) => truncatedNormalPtr(dst, n, 1, 3, new Rng(8)));
    let redrawn = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(trunc[i]! - 1)).toBeLessThanOrEqual(6);
      if (Math.abs(plain[i]! - 1) <= 6 * (1 - 1e-6)) expect(trunc[i]).toBe(plain[i]);
      else redrawn++;
    }
    expect(Math.abs(redrawn / n - 0.0455)).toBeLessThan(0.006);
  });

  test('has the truncated normal variance (0.7737 std^2) and mean', () => {
    const n = 100000;
    const z = filled(n, (dst) => truncatedNormalPtr(dst, n, 0, 1, new Rng(55)));
    const m = moments(z);
    expect(Math.abs(m.mean)).toBeLessThan(0.012);
    expect(Math.abs(m.variance - 0.7737)).toBeLessThan(0.015);
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(2);
  });

  test.each(SIZES)('depends only on the element index: a prefix of a longer fill, n=%i', (n) => {
    const long = filled(1024, (dst) => truncatedNormalPtr(dst, 1024, 0, 1, new Rng(4)));
    const short = filled(n, (dst) => truncatedNormalPtr(dst, n, 0, 1, new Rng(4)));
    expect(Array.from(short)).toEqual(Array.from(long.subarray(0, n)));
  });
});

describe('f32_gaussian_noise_forward and f32_gaussian_noise_backward', () => {
  test.each(SIZES)('adds stddev times the normal fill, and the backward passes dy through, n=%i', (n) => {
    const x = randomArray(n, 12);
    const z = filled(n, (dst) => randomNormalPtr(dst, n, 0, 1, new Rng(6, 1)));
    const px = toWasm(x), py = toWasm(new Float32Array(n)), pdx = toWasm(randomArray(n, 13)), pdy = toWasm(randomArray(n, 14));
    try {
      gaussianNoiseForwardPtr({ y: py, x: px, n, stddev: 0.25, rng: new Rng(6, 1) });
      const f = Math.fround;
      expect(Array.from(fromWasm(py, n))).toEqual(Array.from(x, (v, i) => f(v + f(0.25 * z[i]!))));
      gaussianNoiseBackwardPtr({ dx: pdx, dy: pdy, n });
      expect(Array.from(fromWasm(pdx, n))).toEqual(Array.from(randomArray(n, 13), (v, i) => f(v + randomArray(n, 14)[i]!)));
    } finally {
      for (const p of [px, py, pdx, pdy]) heap().free(p);
    }
  });
});

describe('f32_dropout_forward', () => {
  function run(n: number, rate: number, rng: Rng, xs = randomArray(n, n + 1)): { y: Float32Array; mask: Float32Array; x: Float32Array } {
    const px = toWasm(xs), py = toWasm(new Float32Array(n)), pm = toWasm(new Float32Array(n));
    try {
      dropoutForwardPtr({ y: py, mask: pm, x: px, n, rate, rng });
      return { y: fromWasm(py, n), mask: fromWasm(pm, n), x: xs };
    } finally {
      for (const p of [px, py, pm]) heap().free(p);
    }
  }

  test.each(SIZES)('keeps word >= rate 2^32 and scales by exactly f32(1 / (1 - rate)), n=%i', (n) => {
    const rate = 0.3;
    const rng = new Rng(5, 2);
    const words = jsWords(5, 2, 0, n);
    const { y, mask, x } = run(n, rate, rng);
    const scale = Math.fround(1 / (1 - rate));
    const wantMask = words.map((w) => (w >= Math.floor(rate * 2 ** 32) ? scale : 0));
    expect(Array.from(mask)).toEqual(wantMask);
    expect(Array.from(y)).toEqual(Array.from(x, (v, i) => Math.fround(v * wantMask[i]!)));
  });

  test('rate 0 is the identity with mask 1', () => {
    const { y, mask, x } = run(37, 0, new Rng(1));
    expect(Array.from(y)).toEqual(Array.from(x));
    expect(mask.every((m) => m === 1)).toBe(true);
  });

  test.each([0.1, 0.5, 0.9])('keeps about 1 - rate of the values, rate %f', (rate) => {
    const n = 40000;
    const { mask } = run(n, rate, new Rng(31));
    const kept = mask.filter((m) => m !== 0).length / n;
    expect(Math.abs(kept - (1 - rate))).toBeLessThan(4 * Math.sqrt((rate * (1 - rate)) / n) + 1e-4);
  });

  test('the same seed gives the same mask, a different seed or the next call a different one', () => {
    const a = run(100, 0.5, new Rng(7)).mask;
    expect(Array.from(run(100, 0.5, new Rng(7)).mask)).toEqual(Array.from(a));
    expect(Array.from(run(100, 0.5, new Rng(8)).mask)).not.toEqual(Array.from(a));
    const rng = new Rng(7);
    run(100, 0.5, rng);
    expect(Array.from(run(100, 0.5, rng).mask)).not.toEqual(Array.from(a));
  });

  test('works in place (y = x)', () => {
    const n = 23;
    const xs = randomArray(n, 4);
    const want = run(n, 0.25, new Rng(3), xs).y;
    const px = toWasm(xs), pm = toWasm(new Float32Array(n));
    dropoutForwardPtr({ y: px, mask: pm, x: px, n, rate: 0.25, rng: new Rng(3) });
    expect(Array.from(fromWasm(px, n))).toEqual(Array.from(want));
    heap().free(px);
    heap().free(pm);
  });
});

describe('f32_dropout_backward', () => {
  test.each(SIZES)('accumulates dx += dy * mask with the forward mask, n=%i', (n) => {
    const x = randomArray(n, 1);
    const dy = randomArray(n, 2);
    const dx0 = randomArray(n, 3);
    const px = toWasm(x), py = toWasm(new Float32Array(n)), pm = toWasm(new Float32Array(n));
    const pdy = toWasm(dy), pdx = toWasm(dx0);
    try {
      dropoutForwardPtr({ y: py, mask: pm, x: px, n, rate: 0.4, rng: new Rng(n) });
      dropoutBackwardPtr({ dx: pdx, dy: pdy, mask: pm, n });
      const mask = fromWasm(pm, n);
      const y = fromWasm(py, n);
      expectClose(fromWasm(pdx, n), Array.from(dx0, (d, i) => d + dy[i]! * mask[i]!), `f32_dropout_backward n=${n}`, 1e-6, 1e-7);
      // The backward uses the forward's mask: zeroed outputs get no gradient.
      for (let i = 0; i < n; i++) if (y[i] === 0 && x[i] !== 0) expect(fromWasm(pdx, n)[i]).toBe(dx0[i]);
    } finally {
      for (const p of [px, py, pm, pdy, pdx]) heap().free(p);
    }
  });
});

test('every export of assembly/random.ts is a wasm function with a describe block in this file', () => {
  const exported = [...readFileSync('assembly/random.ts', 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]!);
  const described = [...readFileSync('test/kernels/random.test.ts', 'utf8').matchAll(/^describe\('([^']+)'/gm)].map((m) => m[1]!).join(' ');
  expect(exported.length).toBe(8);
  for (const symbol of exported) {
    expect(typeof k()[symbol], symbol).toBe('function');
    expect(described, `no describe block names ${symbol}`).toMatch(new RegExp(`\\b${symbol}\\b`));
  }
});
