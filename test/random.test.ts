import { describe, expect, test, vi } from 'vitest';
import { Rng, StreamPurpose, philox4x32, streamId } from '../src/random.js';
import { PHILOX_KATS } from './kernels/random-kats.js';


function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

/** Chi-square statistic of `values` in [0, 1) over `buckets` equal buckets. */
function chiSquare(values: ArrayLike<number>, buckets: number): number {
  const counts = new Array<number>(buckets).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.floor(values[i]! * buckets)]!++;
  const expected = values.length / buckets;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/** Pearson correlation of v[i] and v[i + lag]. */
function lagCorrelation(v: ArrayLike<number>, lag: number): number {
  const n = v.length - lag;
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < n; i++) {
    const a = v[i]!, b = v[i + lag]!;
    sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b;
  }
  const cov = sab / n - (sa / n) * (sb / n);
  return cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
}

describe('philox4x32', () => {
  test.each(PHILOX_KATS.map((v, i) => [i, ...v] as const))('matches Random123 known answer %i', (_, ctr, key, want) => {
    const out = philox4x32(new Uint32Array(4), ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!, key[0]!, key[1]!);
    expect(Array.from(out)).toEqual(want);
  });
});

describe('Rng', () => {
  test('reads the blocks of its stream in order: word j of block b is draw 4b + j', () => {
    const rng = new Rng(0x123456789ab, 7);
    const got = draws(rng, 12);
    const want: number[] = [];
    for (let b = 0; b < 3; b++) {
      want.push(...philox4x32(new Uint32Array(4), b, 0, 7, 0, 0x456789ab, 0x123));
    }
    expect(got).toEqual(want);
    expect(rng.counter).toBe(3);
  });

  test('gives fixed golden words for seed 42', () => {
    expect(draws(new Rng(42), 6)).toEqual(draws(new Rng(42), 6));
    const golden = draws(new Rng(42), 4).map((w) => w.toString(16).padStart(8, '0'));
    expect(golden).toEqual(Array.from(philox4x32(new Uint32Array(4), 0, 0, 0, 0, 42, 0), (w) => w.toString(16).padStart(8, '0')));
    // Pinned so that any change of the scheme (key/counter layout) is caught.
    expect(golden).toMatchInlineSnapshot(`
      [
        "9ceaf053",
        "77f5493b",
        "12bf50ad",
        "5742b3d7",
      ]
    `);
  });

  test('different seeds and different streams give different sequences', () => {
    const base = draws(new Rng(1), 64);
    expect(draws(new Rng(2), 64)).not.toEqual(base);
    expect(draws(new Rng(1, 1), 64)).not.toEqual(base);
    expect(draws(new Rng(1).split(streamId(StreamPurpose.dropout, 3)), 64)).not.toEqual(draws(new Rng(1).split(streamId(StreamPurpose.initializer, 3)), 64));
    // No shared words at all between two streams over a long stretch.
    const a = new Set(draws(new Rng(5, streamId(StreamPurpose.dropout, 0)), 20000));
    const shared = draws(new Rng(5, streamId(StreamPurpose.dropout, 1)), 20000).filter((w) => a.has(w)).length;
    expect(shared).toBeLessThan(3); // 20000^2 / 2^32 ~ 0.09 expected by chance
  });

  test('neighbouring streams and seeds are uncorrelated and each is uniform (chi-square)', () => {
    const n = 50000;
    const draw = (rng: Rng) => Float64Array.from({ length: n }, () => rng.uniform());
    const base = draw(new Rng(100, streamId(StreamPurpose.dropout, 0)));
    const others = [
      draw(new Rng(100, streamId(StreamPurpose.dropout, 1))),
      draw(new Rng(100, streamId(StreamPurpose.initializer, 0))),
      draw(new Rng(101, streamId(StreamPurpose.dropout, 0))),
    ];
    for (const other of others) {
      const both = new Float64Array(2 * n);
      both.set(base);
      both.set(other, n);
      expect(Math.abs(lagCorrelation(both, n))).toBeLessThan(4 / Math.sqrt(n)); // element i with element i of the other
      expect(chiSquare(other, 32)).toBeLessThan(70); // chi2(31) 99.99th percentile: 67
    }
  });

  test('split(id) is stream id of the same seed, from its start', () => {
    const child = new Rng(9).split(17);
    expect(child.seed).toBe(9);
    expect(child.stream).toBe(17);
    expect(draws(child, 8)).toEqual(draws(new Rng(9, 17), 8));
  });

  test('streamId packs purpose and index', () => {
    expect(streamId(StreamPurpose.dropout, 3)).toBe(0x02000003);
    expect(streamId(255, (1 << 24) - 1)).toBe(0xffffffff);
    expect(() => streamId(256)).toThrow(/streamId: purpose must be an integer in \[0, 255\], got 256/);
    expect(() => streamId(1, 1 << 24)).toThrow(/streamId: index/);
  });

  test('rejects bad seeds and streams with clear errors', () => {
    expect(() => new Rng(-1)).toThrow(/Rng: seed must be an integer in \[0, 2\^53\), got -1/);
    expect(() => new Rng(1.5)).toThrow(/Rng: seed/);
    expect(() => new Rng(2 ** 53)).toThrow(/Rng: seed/);
    expect(() => new Rng(1, 2 ** 32)).toThrow(/Rng: stream must be an integer in \[0, 2\^32\)/);
    expect(() => new Rng(1).int(0)).toThrow(/Rng.int: n must be an integer in \[1, 2\^32\], got 0/);
  });

  test('reserve skips the rest of a partly read block', () => {
    const rng = new Rng(3);
    rng.nextU32();
    expect(rng.reserve(5)).toBe(1);
    expect(rng.counter).toBe(6);
    expect(rng.nextU32()).toBe(philox4x32(new Uint32Array(4), 6, 0, 0, 0, 3, 0)[0]);
  });

  test('carries the block counter past 2^32 into the second counter word', () => {
    const rng = new Rng(11);
    rng.reserve(2 ** 32 - 1);
    const w = draws(rng, 8);
    expect(w.slice(0, 4)).toEqual(Array.from(philox4x32(new Uint32Array(4), 0xffffffff, 0, 0, 0, 11, 0)));
    expect(w.slice(4)).toEqual(Array.from(philox4x32(new Uint32Array(4), 0, 1, 0, 0, 11, 0)));
  });

  test('uniform draws are in range with the right mean, variance, buckets and no lag correlation', () => {
    const rng = new Rng(2024);
    const n = 100000;
    const u = Float64Array.from({ length: n }, () => rng.uniform());
    let mean = 0;
    for (const v of u) mean += v / n;
    let variance = 0;
    for (const v of u) variance += (v - mean) ** 2 / n;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // sd of the mean: 0.29 / sqrt(n) = 0.0009
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    expect(chiSquare(u, 64)).toBeLessThan(110); // chi2(63) 99.9th percentile: 103.4
    for (const lag of [1, 2, 3, 4, 5, 8]) expect(Math.abs(lagCorrelation(u, lag))).toBeLessThan(0.015);
    const scaled = new Rng(5).uniform(-3, 5);
    expect(scaled).toBeGreaterThanOrEqual(-3);
    expect(scaled).toBeLessThan(5);
  });

  test('int(n) is uniform over [0, n) and shuffle is a seeded permutation', () => {
    const rng = new Rng(77);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[rng.int(7)]!++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(450);
    const a = Array.from({ length: 100 }, (_, i) => i);
    const s1 = new Rng(8).shuffle([...a]);
    expect([...s1].sort((x, y) => x - y)).toEqual(a);
    expect(s1).not.toEqual(a);
    expect(new Rng(8).shuffle(Int32Array.from(a))).toEqual(Int32Array.from(s1));
    expect(new Rng(9).shuffle([...a])).not.toEqual(s1);
    // Each position gets each value about equally often.
    const firstCounts = new Array<number>(5).fill(0);
    const shuffler = new Rng(10);
    for (let t = 0; t < 10000; t++) firstCounts[shuffler.shuffle([0, 1, 2, 3, 4])[0]!]!++;
    for (const c of firstCounts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});

describe('ops.randomUniform, ops.randomNormal, ops.truncatedNormal', () => {
  test('give the pointer-level fills for a seed, with the requested shape', async () => {
    const { ops, tensor } = await import('../src/api.js');
    const u = ops.randomUniform([3, 5], -2, 2, { seed: 4 });
    expect(u.shape).toEqual([3, 5]);
    expect(u.data.every((v) => v >= -2 && v <= 2)).toBe(true);
    expect(Array.from(ops.randomUniform([15], -2, 2, { seed: 4 }).data)).toEqual(Array.from(u.data));
    const rng = new Rng(4);
    const a = ops.randomNormal([7], 1, 2, { rng });
    const b = ops.randomNormal([7], 1, 2, { rng });
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
    expect(rng.counter).toBe(4);
    const t = ops.truncatedNormal([2, 500], 0, 0.1, { seed: 1 });
    expect(t.data.every((v) => Math.abs(v) <= 0.2 + 1e-7)).toBe(true);
    expect(ops.randomNormal([0], 0, 1, { seed: 1 }).size).toBe(0);
    expect(tensor([1]).size).toBe(1);
  });

  test('reject bad arguments with clear errors', async () => {
    const { ops } = await import('../src/api.js');
    expect(() => ops.randomUniform([2], 1, 0)).toThrow(/randomUniform: maxval \(0\) must be >= minval \(1\)/);
    expect(() => ops.randomUniform([2, -1])).toThrow(/randomUniform: shape \[2, -1\]/);
    expect(() => ops.randomNormal([2], 0, -1)).toThrow(/randomNormal: stddev must be >= 0, got -1/);
    expect(() => ops.truncatedNormal([2], NaN)).toThrow(/truncatedNormal: mean must be a finite number, got NaN/);
    expect(() => ops.randomNormal([2], 0, 1, { seed: -3 })).toThrow(/randomNormal: options.seed must be an integer in \[0, 2\^53\), got -3/);
    expect(() => ops.randomNormal([2], 0, 1, { rng: {} as Rng })).toThrow(/randomNormal: options.rng must be an Rng/);
  });
});

describe('ops.dropout and ops.gaussianNoise', () => {
  test('dropout zeroes about rate of the values, scales the rest exactly, and is the identity in inference', async () => {
    const { ops, tensor } = await import('../src/api.js');
    const x = tensor(Float32Array.from({ length: 4000 }, (_, i) => 1 + (i % 7)), [40, 100]);
    const y = ops.dropout(x, 0.25, { seed: 3 });
    expect(y.shape).toEqual([40, 100]);
    let kept = 0;
    y.data.forEach((v, i) => {
      if (v !== 0) {
        kept++;
        expect(v).toBe(Math.fround(x.data[i]! * Math.fround(1 / 0.75)));
      }
    });
    expect(Math.abs(kept / 4000 - 0.75)).toBeLessThan(0.03);
    expect(Array.from(ops.dropout(x, 0.25, { seed: 3 }).data)).toEqual(Array.from(y.data));
    expect(Array.from(ops.dropout(x, 0.25, { seed: 4 }).data)).not.toEqual(Array.from(y.data));
    const inference = ops.dropout(x, 0.5, { training: false });
    expect(Array.from(inference.data)).toEqual(Array.from(x.data));
    expect(inference.data).not.toBe(x.data);
    expect(Array.from(ops.dropout(x, 0).data)).toEqual(Array.from(x.data));
  });

  test('gaussianNoise adds N(0, stddev) in training only', async () => {
    const { ops, tensor } = await import('../src/api.js');
    const x = tensor(new Float32Array(20000).fill(5), [20000]);
    const y = ops.gaussianNoise(x, 0.5, { seed: 2 });
    let mean = 0;
    for (const v of y.data) mean += v / y.size;
    let variance = 0;
    for (const v of y.data) variance += (v - mean) ** 2 / y.size;
    expect(Math.abs(mean - 5)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(variance) - 0.5)).toBeLessThan(0.02);
    expect(Array.from(ops.gaussianNoise(x, 0.5, { training: false }).data)).toEqual(Array.from(x.data));
  });

  test('reject bad arguments with clear errors', async () => {
    const { ops, tensor } = await import('../src/api.js');
    const x = tensor([1, 2, 3]);
    expect(() => ops.dropout(x, 1)).toThrow(/dropout: rate must be a number in \[0, 1\), got 1/);
    expect(() => ops.dropout(x, -0.1)).toThrow(/dropout: rate must be a number in \[0, 1\), got -0.1/);
    expect(() => ops.dropout([1, 2] as never, 0.5)).toThrow(/dropout: expected a Tensor, got object/);
    expect(() => ops.gaussianNoise(x, NaN)).toThrow(/gaussianNoise: stddev must be a finite number >= 0, got NaN/);
    expect(() => ops.dropout(x, 0.5, null as never)).toThrow(/dropout: options must be an object, got null/);
    expect(() => ops.randomUniform([2], 0, 1, null as never)).toThrow(/randomUniform: options must be an object, got null/);
    expect(() => ops.dropout(x, 0.5, { training: 'no' as never })).toThrow(/dropout: options.training must be true or false, got no/);
    expect(() => ops.gaussianNoise(x, 0.5, { training: 0 as never })).toThrow(/gaussianNoise: options.training must be true or false, got 0/);
  });
});

describe('golden values shared with the Deno check (test/runtimes/rng-deno.ts)', () => {
  test('Node reproduces every golden digest of the generator, fills, dropout, noise and norms', async () => {
    const { rngValues, GOLDEN } = await import('./runtimes/rng-deno.js');
    const api = await import('../src/api.js');
    const { init } = await import('../src/index.js');
    const values = await rngValues({ ...api, init } as never);
    expect(values).toEqual(GOLDEN);
  });
});

test('Rng draws words without the wasm module, and normal() before init() says to call init()', async () => {
  vi.resetModules();
  const fresh = await import('../src/random.js');
  const rng = new fresh.Rng(42);
  expect(rng.nextU32()).toBe(0x9ceaf053);
  expect(() => rng.normal()).toThrow(/call `await init\(\)`/);
});

describe('Rng.shuffle input (issue 15)', () => {
  test('an array-like that is not an array is refused instead of aborting the process', () => {
    expect(() => new Rng(1).shuffle({ length: 1e9 } as never)).toThrow('Rng.shuffle: expected an Array or a typed array, got an object ([object Object]) with length 1000000000');
    expect(() => new Rng(1).shuffle(null as never)).toThrow('Rng.shuffle: expected an Array or a typed array, got null');
    expect(new Rng(1).shuffle([1, 2, 3]).sort()).toEqual([1, 2, 3]);
    expect(Array.from(new Rng(1).shuffle(new Uint32Array([1, 2, 3]))).sort()).toEqual([1, 2, 3]);
  });
});
