import { describe, expect, test } from 'vitest';
import { initializers, regularizers, layers, Input, Sequential, tensor } from '../../src/index.js';
import { heap, readF32 } from '../../src/backend/memory.js';
import { Rng } from '../../src/random.js';
import * as optimizers from '../../src/optimizers/index.js';
import * as losses from '../../src/losses/index.js';

function draw(init: initializers.Initializer, shape: number[], seed = 1): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const ptr = heap().alloc(n * 4);
  try {
    init.fill(ptr, shape, new Rng(seed));
    return readF32(ptr, n);
  } finally {
    heap().free(ptr);
  }
}

const stats = (v: Float32Array) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...v), max: Math.max(...v) };
};

describe('initializers', () => {
  test('constants', () => {
    expect(Array.from(draw(initializers.zeros(), [3]))).toEqual([0, 0, 0]);
    expect(Array.from(draw(initializers.ones(), [2]))).toEqual([1, 1]);
    expect(Array.from(draw(initializers.constant({ value: 0.5 }), [2]))).toEqual([0.5, 0.5]);
  });

  test('glorotUniform stays within ±sqrt(6 / (fanIn + fanOut)) and fills the range', () => {
    const v = draw(initializers.glorotUniform(), [200, 100]);
    const limit = Math.sqrt(6 / 300);
    const s = stats(v);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeGreaterThan(limit * 0.99);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 2);
  });

  test('conv fans multiply by the receptive field (heNormal on HWIO)', () => {
    const v = draw(initializers.heNormal(), [3, 3, 16, 32]);
    const std = Math.sqrt(2 / (3 * 3 * 16));
    expect(stats(v).std).toBeCloseTo(std, 2);
    expect(stats(v).max).toBeLessThanOrEqual((2 * std) / 0.87962566103423978 + 1e-6);
  });

  test('lecun, normal and truncated normal have their documented spread', () => {
    expect(stats(draw(initializers.lecunUniform(), [400, 50])).max).toBeLessThanOrEqual(Math.sqrt(3 / 400));
    expect(stats(draw(initializers.lecunNormal(), [400, 50])).std).toBeCloseTo(Math.sqrt(1 / 400), 2);
    expect(stats(draw(initializers.glorotNormal(), [100, 100])).std).toBeCloseTo(Math.sqrt(2 / 200), 2);
    expect(stats(draw(initializers.heUniform(), [100, 100])).max).toBeLessThanOrEqual(Math.sqrt(6 / 100));
    const n = stats(draw(initializers.randomNormal({ mean: 1, stddev: 0.5 }), [20000]));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
    const t = stats(draw(initializers.truncatedNormal({ stddev: 1 }), [20000]));
    expect(t.max).toBeLessThanOrEqual(2);
    expect(t.min).toBeGreaterThanOrEqual(-2);
    const u = stats(draw(initializers.randomUniform({ minval: 2, maxval: 3 }), [5000]));
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThanOrEqual(3);
  });

  test('orthogonal gives orthonormal columns (tall) and rows (wide)', () => {
    for (const [rows, cols] of [[7, 3], [3, 7], [5, 5]] as const) {
      const q = draw(initializers.orthogonal({ gain: 2 }), [rows, cols]);
      const [m, n, at] = rows >= cols ? [rows, cols, (i: number, j: number) => q[i * cols + j]!] : [cols, rows, (i: number, j: number) => q[j * cols + i]!];
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += at(i, a) * at(i, b);
          expect(dot).toBeCloseTo(a === b ? 4 : 0, 4);
        }
      }
    }
  });

  test('the same seed gives the same values; names and { name, config } resolve', () => {
    expect(Array.from(draw(initializers.glorotUniform(), [4, 4], 3))).toEqual(Array.from(draw(initializers.glorotUniform(), [4, 4], 3)));
    expect(Array.from(draw(initializers.glorotUniform(), [4, 4], 3))).not.toEqual(Array.from(draw(initializers.glorotUniform(), [4, 4], 4)));
    expect(initializers.getInitializer('heNormal').name).toBe('heNormal');
    expect(initializers.getInitializer({ name: 'constant', config: { value: 2 } }).getConfig()).toEqual({ value: 2 });
    expect(() => initializers.getInitializer('nope')).toThrow(/unknown initializer "nope"; valid names: zeros, ones/);
    expect(() => initializers.randomNormal({ stddev: -1 })).toThrow(/stddev must be a positive number/);
  });

  test('a seeded model initialises the same weights every time, differently per layer', () => {
    const make = () => new Sequential([layers.dense({ units: 4, inputShape: [4] }), layers.dense({ units: 4 })], { seed: 11 });
    const a = make().getWeights();
    const b = make().getWeights();
    expect(Array.from(a[0]!.data)).toEqual(Array.from(b[0]!.data));
    expect(Array.from(a[0]!.data)).not.toEqual(Array.from(a[2]!.data));
  });
});

describe('regularizers', () => {
  test('l2 adds its penalty to the loss and its gradient to the weights', () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [2], useBias: false, kernelRegularizer: regularizers.l2({ l2: 0.5 }) })]);
    model.setWeights([tensor([1, -2], [2, 1])]);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: losses.meanSquaredError() });
    const x = tensor([0, 0], [1, 2]);
    const y = tensor([0], [1, 1]);
    // The data loss is 0 (x = 0), so the loss is the penalty 0.5 * (1 + 4) and the update is
    // w -= 0.1 * 2 * 0.5 * w.
    expect(model.evaluate(x, y).loss).toBeCloseTo(2.5, 6);
    expect(model.trainStep(x, y)).toBeCloseTo(2.5, 6);
    expect(Array.from(model.getWeights()[0]!.data)).toEqual([Math.fround(0.9), Math.fround(-1.8)]);
  });

  test('l1 and l1l2 resolve by name and validate', () => {
    expect(regularizers.getRegularizer('l1').getConfig()).toEqual({ l1: 0.01, l2: 0 });
    expect(regularizers.l1l2({ l1: 0.1 }).getConfig()).toEqual({ l1: 0.1, l2: 0.01 });
    expect(() => regularizers.l2({ l2: -1 })).toThrow(/l2 must be a finite number >= 0/);
    expect(regularizers.l2(0.3).getConfig()).toEqual({ l1: 0, l2: 0.3 });
    expect(() => regularizers.l1(null as never)).toThrow('regularizers.l1: expected a number or an options object, got null');
    expect(() => regularizers.l2('0.1' as never)).toThrow('regularizers.l2: expected a number or an options object, got string');
    expect(() => regularizers.l1l2(0.1 as never)).toThrow('regularizers.l1l2: expected an options object, got number');
    expect(() => regularizers.getRegularizer('l3' as never)).toThrow(/unknown regularizer "l3"; valid names: l1, l2, l1l2/);
    const d = layers.dense({ units: 2, kernelRegularizer: 'l1' });
    d.apply(Input({ shape: [3] }));
    expect(d.weights[0]!.regularizer!.name).toBe('l1');
  });
});
