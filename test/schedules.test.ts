import { describe, expect, test } from 'vitest';
import * as schedules from '../src/schedules.js';
import * as optimizers from '../src/optimizers/index.js';

const cosineHalf = (from: number, alpha: number, fraction: number) => from * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + alpha);

/** [schedule, [step, closed-form value]...] */
const TABLE: Array<[string, schedules.Schedule, Array<[number, number]>]> = [
  ['exponentialDecay', schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }), [[0, 0.1], [5, 0.1 * Math.SQRT1_2], [20, 0.025], [37, 0.1 * 0.5 ** 3.7]]],
  ['exponentialDecay staircase', schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }), [[9, 0.1], [15, 0.05], [20, 0.025]]],
  ['stepDecay', schedules.stepDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] }), [[0, 1], [10, 1], [11, 0.5], [20, 0.5], [21, 0.1], [1e6, 0.1]]],
  ['polynomialDecay', schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 100, endLearningRate: 0.01, power: 2 }), [[0, 0.1], [50, 0.0325], [100, 0.01], [200, 0.01]]],
  ['polynomialDecay cycle', schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 100, endLearningRate: 0.01, power: 2, cycle: true }), [[0, 0.1], [150, 0.09 * 0.25 ** 2 + 0.01], [200, 0.01]]],
  ['polynomialDecay default', schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10 }), [[5, (0.1 - 1e-4) * 0.5 + 1e-4]]],
  ['cosineDecay', schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 }), [[0, 0.1], [25, cosineHalf(0.1, 0.1, 0.25)], [50, 0.055], [100, 0.01], [300, 0.01]]],
  ['cosineDecay warmup', schedules.cosineDecay({ initialLearningRate: 0, decaySteps: 100, alpha: 0.1, warmupTarget: 0.1, warmupSteps: 10 }), [[0, 0], [5, 0.05], [10, 0.1], [60, 0.055], [110, 0.01], [500, 0.01]]],
  ['cosineDecayRestarts', schedules.cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, mMul: 0.5 }), [[0, 1], [5, 0.5], [10, 0.5], [20, 0.25], [30, 0.25], [40, 0.125 * (1 + Math.cos(Math.PI * 0.25))]]],
  ['cosineDecayRestarts tMul 1', schedules.cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 1, mMul: 0.5, alpha: 0.2 }), [[15, 0.5 * 0.8 * 0.5 + 0.2], [20, 0.8 * 0.25 + 0.2]]],
  ['linearWarmup', schedules.linearWarmup({ warmupTarget: 0.1, warmupSteps: 10 }), [[0, 0], [5, 0.05], [10, 0.1], [99, 0.1]]],
  ['linearWarmup then cosineDecay', schedules.linearWarmup({ warmupTarget: 0.1, warmupSteps: 10, initialLearningRate: 0.02, after: schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 }) }), [[5, 0.06], [10, 0.1], [60, 0.05], [110, 0]]],
];

describe('schedules', () => {
  test.each(TABLE)('%s matches its closed form at chosen steps', (_, schedule, points) => {
    for (const [step, want] of points) {
      const got = schedule(step);
      expect(Math.abs(got - want), `${schedule.className} step ${step}: got ${got} want ${want}`).toBeLessThanOrEqual(1e-15 + 1e-13 * Math.abs(want));
    }
  });

  test.each(TABLE)('%s survives serialize / JSON / deserialize', (_, schedule, points) => {
    const again = schedules.deserialize(JSON.parse(JSON.stringify(schedules.serialize(schedule))));
    for (const [step] of points) expect(again(step)).toBe(schedule(step));
  });

  test('drives an optimizer per step and round-trips through its config', () => {
    const opt = optimizers.adamw({ learningRate: schedules.cosineDecay({ initialLearningRate: 1e-3, decaySteps: 10 }) });
    const again = optimizers.get('adamw', JSON.parse(JSON.stringify(opt.getConfig())));
    expect(again.learningRate).toBe(1e-3);
    expect(again.getConfig()).toEqual(opt.getConfig());
  });

  test('reject bad options with the schedule named', () => {
    expect(() => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(/schedules.exponentialDecay: decaySteps must be a finite number > 0, got 0/);
    expect(() => schedules.stepDecay({ boundaries: [10, 5], values: [1, 2, 3] })).toThrow(/boundaries must be finite and increasing/);
    expect(() => schedules.stepDecay({ boundaries: [10], values: [1] })).toThrow(/one more entry than boundaries, got 1 boundaries and 1 values/);
    expect(() => schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 })).toThrow(/alpha must be in \[0, 1\]/);
    expect(() => schedules.deserialize({ className: 'warmCosine', config: {} })).toThrow(/unknown schedule 'warmCosine'; known: exponentialDecay, stepDecay/);
    expect(() => schedules.deserialize({ className: 'toString', config: {} })).toThrow(/schedules.deserialize: unknown schedule 'toString'/);
    expect(() => schedules.deserialize({ className: 'constructor', config: {} })).toThrow(/schedules.deserialize: unknown schedule 'constructor'/);
    expect(() => schedules.deserialize(null as never)).toThrow(/schedules.deserialize: expected \{ className, config \}, got null/);
    expect(() => schedules.exponentialDecay(null as never)).toThrow(/schedules.exponentialDecay: options must be an object, got null/);
    expect(() => schedules.stepDecay(undefined as never)).toThrow(/schedules.stepDecay: options must be an object, got undefined/);
    expect(() => schedules.cosineDecay([0.1, 10] as never)).toThrow(/schedules.cosineDecay: options must be an object, got \[0.1,10\]/);
    expect(() => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: 'yes' as never })).toThrow(/schedules.exponentialDecay: staircase must be true or false, got yes/);
    expect(() => schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, cycle: 1 as never })).toThrow(/schedules.polynomialDecay: cycle must be true or false, got 1/);
  });
});
