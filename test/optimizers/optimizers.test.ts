// One hand-computed step per optimizer, config round-trips, clipping kernels and the
// deterministic scalar math the optimizers and schedules use.
import { afterEach, describe, expect, test } from 'vitest';
import * as optimizers from '../../src/optimizers/index.js';
import { releaseSlots, type SlotBlocks } from '../../src/optimizers/base.js';
import { cos, exp, log, pow, powInt } from '../../src/core/math.js';
import { heap } from '../../src/backend/memory.js';
import { expectClose, fromWasm, k, randomArray, toWasm } from '../util.js';
import { FakeParams } from './helpers.js';

let live: FakeParams[] = [];
afterEach(() => {
  for (const p of live) p.free();
  live = [];
});

/** p = 1, g = 0.5 (then g2 for a second step if given): the parameter after each step. */
function oneWeight(opt: optimizers.Optimizer, g = [0.5]): number[] {
  const fp = new FakeParams([[1]]);
  live.push(fp);
  opt.build(fp.refs);
  return g.map((gi) => {
    fp.setGrads([[gi]]);
    opt.step();
    return fp.values()[0]![0]!;
  });
}

describe('one hand-computed step', () => {
  const b1 = 0.9;
  const mu = (t: number) => b1 * (1 - 0.5 * Math.pow(0.96, t * 0.004));
  test.each([
    ['adagrad', optimizers.adagrad({ learningRate: 0.1 }), [1 - 0.1 * 0.5 / (0.5 + 1e-10)]],
    ['adagrad initialAccumulatorValue', optimizers.adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.75 }), [0.95]],
    ['rmsprop', optimizers.rmsprop({ learningRate: 0.01 }), [1 - 0.005 / (0.05 + 1e-8)]],
    ['rmsprop centered', optimizers.rmsprop({ learningRate: 0.01, centered: true }), [1 - 0.005 / (Math.sqrt(0.0025 - 0.005 ** 2) + 1e-8)]],
    ['rmsprop momentum', optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, epsilon: 0 }), [0.9]],
    ['adadelta', optimizers.adadelta(), [1 - (Math.sqrt(1e-6) / Math.sqrt(0.025 + 1e-6)) * 0.5]],
    ['adamax', optimizers.adamax({ learningRate: 0.1 }), [1 - 0.05 / (0.5 + 1e-8)]],
    ['nadam', optimizers.nadam({ learningRate: 0.1, epsilon: 0 }), [1 - 0.1 * 0.5 / 0.5 - (0.1 * mu(2)) / (1 - mu(1) * mu(2)) * 0.05 / 0.5]],
  ])('%s', (_, opt, want) => {
    expectClose(oneWeight(opt), want, opt.name, 1e-6, 1e-7);
  });

  test('adagrad lrDecay divides the second step by 1 + lrDecay', () => {
    const [p1, p2] = oneWeight(optimizers.adagrad({ learningRate: 0.1, lrDecay: 1, epsilon: 0 }), [0.5, 0.5]);
    expectClose([p1!, p2!], [0.9, 0.9 - 0.05 * 0.5 / Math.sqrt(0.5)], 'adagrad lrDecay', 1e-6, 1e-7);
  });
});

describe('optimizers.get', () => {
  const all = [
    optimizers.sgd({ momentum: 0.9, nesterov: true, clipNorm: 1 }),
    optimizers.adam({ amsgrad: true, clipValue: 0.5 }),
    optimizers.adamw({ globalClipNorm: 2 }),
    optimizers.adagrad({ lrDecay: 0.1, initialAccumulatorValue: 0.1 }),
    optimizers.rmsprop({ centered: true, momentum: 0.9 }),
    optimizers.adadelta({ rho: 0.5 }),
    optimizers.adamax({ beta2: 0.99 }),
    optimizers.nadam({ momentumDecay: 0.01 }),
  ];

  test.each(all.map((o) => [o.name, o] as const))('rebuilds %s from its name and getConfig()', (name, opt) => {
    const again = optimizers.get(name, opt.getConfig());
    expect(again.name).toBe(name);
    expect(again.getConfig()).toEqual(opt.getConfig());
    expect(JSON.parse(JSON.stringify(opt.getConfig()))).toEqual(opt.getConfig());
  });

  test('has torch default learning rates (sgd 0.01 as in Keras)', () => {
    const lrs = Object.fromEntries(['sgd', 'adam', 'adamw', 'adagrad', 'rmsprop', 'adadelta', 'adamax', 'nadam'].map((n) => [n, optimizers.get(n).learningRate]));
    expect(lrs).toEqual({ sgd: 0.01, adam: 1e-3, adamw: 1e-3, adagrad: 1e-2, rmsprop: 1e-2, adadelta: 1, adamax: 2e-3, nadam: 2e-3 });
  });

  test('refuses two clipping options and non-positive limits', () => {
    expect(() => optimizers.adam({ clipNorm: 1, clipValue: 1 })).toThrow(/adam: only one of clipValue, clipNorm and globalClipNorm may be set, got clipValue and clipNorm/);
    expect(() => optimizers.rmsprop({ globalClipNorm: 0 })).toThrow(/rmsprop: globalClipNorm must be a finite number in \(0, Infinity\]/);
  });
});

describe('learningRate', () => {
  test('is settable on a constant-rate optimizer and used by the next step', () => {
    const opt = optimizers.sgd({ learningRate: 0.1 });
    opt.learningRate = 0.2;
    expectClose(oneWeight(opt), [1 - 0.2 * 0.5], "sgd after setting learningRate");
    expect(() => (opt.learningRate = -1)).toThrow(/sgd: learningRate must be/);
  });

  test('follows a function of iterations, which cannot be overwritten', () => {
    const opt = optimizers.sgd({ learningRate: (step) => 0.1 * (step + 1) });
    expect(opt.learningRate).toBe(0.1);
    const [p1, p2] = oneWeight(opt, [1, 1]);
    expectClose([p1!, p2!], [0.9, 0.7], 'sgd with a schedule');
    expect(opt.learningRate).toBeCloseTo(0.3);
    expect(() => (opt.learningRate = 0.1)).toThrow(/sgd: the learning rate comes from a schedule/);
  });

  test('a schedule returning NaN stops the step with the step number', () => {
    const opt = optimizers.adam({ learningRate: () => NaN });
    expect(() => oneWeight(opt)).toThrow(/adam: learning rate at step 0 is NaN/);
  });
});

describe('f32_sum_squares and f32_clip_scale', () => {
  test.each([1, 2, 3, 4, 5, 7, 17, 33, 65])('match the f64 reference, n=%i', (n) => {
    const x = randomArray(n, n, -3, 3);
    const ptr = toWasm(x);
    try {
      let want = 0;
      for (const v of x) want += v * v;
      expectClose([k().f32_sum_squares!(ptr, n)], [want], `f32_sum_squares n=${n}`, 1e-12, 0);
      k().f32_clip_scale!(ptr, n, 0.5, 1);
      expectClose(fromWasm(ptr, n), Array.from(x, (v) => Math.min(Math.max(Math.fround(v * 0.5), -1), 1)), `f32_clip_scale n=${n}`, 0, 0);
    } finally {
      heap().free(ptr);
    }
  });
});

describe('deterministic scalar math', () => {
  test('exp, log, pow and cos agree with Math.* to 1e-14 relative', () => {
    let worst = 0;
    for (let i = 0; i <= 4000; i++) {
      const x = -700 + i * 0.35;
      worst = Math.max(worst, Math.abs(exp(x) - Math.exp(x)) / Math.exp(x));
      const y = Math.exp(-600 + i * 0.3);
      worst = Math.max(worst, Math.abs(log(y) - Math.log(y)) / Math.max(Math.abs(Math.log(y)), 1e-3));
      const z = -40 + i * 0.02;
      worst = Math.max(worst, Math.abs(cos(z) - Math.cos(z)));
      const b = 0.01 + i * 0.001;
      worst = Math.max(worst, Math.abs(pow(b, 0.37) - b ** 0.37) / b ** 0.37);
    }
    expect(worst).toBeLessThan(1e-14);
  });

  test('special values', () => {
    expect([exp(0), exp(-Infinity), exp(Infinity), exp(800), log(1), log(0), log(-1), cos(0), cos(Math.PI), powInt(0.5, 3), pow(2, -2)]).toEqual([
      1, 0, Infinity, Infinity, 0, -Infinity, NaN, 1, -1, 0.125, 0.25,
    ]);
  });
});

describe('slot memory', () => {
  test('slots are allocated once per parameter name and freed by the finalizer’s releaseSlots', () => {
    const fp = new FakeParams([[1, 2, 3], [4]]);
    live.push(fp);
    const before = heap().blockCount;
    const opt = optimizers.adam({ amsgrad: true });
    opt.build(fp.refs);
    opt.build(fp.refs);
    expect(heap().blockCount - before).toBe(6);
    const blocks = (opt as unknown as { blocks: SlotBlocks }).blocks;
    releaseSlots(blocks);
    releaseSlots(blocks);
    expect(heap().blockCount).toBe(before);
  });
});
