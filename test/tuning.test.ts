import { describe, expect, test } from 'vitest';
import { callbacks, layers, optimizers, Sequential, tensor, tuning, type Tensor } from '../src/index.js';
import { randomArray } from './util.js';

/**
 * A stand-in model for the search mechanics: fits y = 2x with plain gradient descent in JS, so
 * its val_loss is a known function of learningRate (0.1 converges, 1e-4 crawls, 5 diverges).
 */
class LineModel {
  fitCalls: Array<Record<string, unknown>> = [];
  constructor(readonly learningRate: number) {}
  async fit(x: Tensor, y: Tensor, options: Record<string, unknown> = {}) {
    this.fitCalls.push(options);
    let w = 0;
    const history: Record<string, number[]> = { loss: [], val_loss: [] };
    const epochs = (options.epochs as number | undefined) ?? 1;
    for (let epoch = 0; epoch < epochs; epoch++) {
      let grad = 0;
      for (let i = 0; i < x.size; i++) grad += (2 * (w * x.data[i]! - y.data[i]!) * x.data[i]!) / x.size;
      w -= this.learningRate * grad;
      history.loss!.push((w - 2) ** 2);
      history.val_loss!.push((w - 2) ** 2 + 0.01);
      for (const cb of (options.callbacks as Array<{ onEpochEnd(e: number): void }> | undefined) ?? []) cb.onEpochEnd(epoch);
    }
    return { history };
  }
}

const x = tensor([0.5, 1, 1.5, 2]);
const y = tensor([1, 2, 3, 4]);
const data = { x, y, validationData: [x, y] as const };

describe('tuning.gridSearch', () => {
  test('trains every combination and ranks the known-best learning rate first', async () => {
    const seen: Array<[number, number]> = [];
    const result = await tuning.gridSearch({
      space: { learningRate: [1e-4, 0.1, 5], batchSize: [2, 4] },
      build: (p) => new LineModel(p.learningRate as number),
      fit: { epochs: 20 },
      data,
      onTrial: (_, done, total) => {
        seen.push([done, total]);
      },
    });
    expect(result.trials.length).toBe(6);
    expect(seen).toEqual([[1, 6], [2, 6], [3, 6], [4, 6], [5, 6], [6, 6]]);
    expect(result.bestParams.learningRate).toBe(0.1);
    expect(result.trials.map((t) => t.params.learningRate)).toEqual([0.1, 0.1, 1e-4, 1e-4, 5, 5]);
    expect(result.trials[0]!.index).toBe(2); // ties keep run order: batchSize 2 ran before 4
    expect(Number.isNaN(result.trials[5]!.score) || result.trials[5]!.score > 1).toBe(true);
    expect(result.best.score).toBeCloseTo(0.01, 6);
    const calls = (result.bestModel as LineModel).fitCalls[0]!;
    expect(calls).toMatchObject({ epochs: 20, batchSize: 2, seed: 0, verbose: 0, validationData: data.validationData });
  });

  test('passes fit options from a function, fresh callbacks per trial, and maximises accuracy metrics', async () => {
    const made: object[] = [];
    const result = await tuning.gridSearch({
      space: { learningRate: [0.01, 0.1] },
      build: (p) => new LineModel(p.learningRate as number),
      fit: (p) => ({ epochs: p.learningRate === 0.1 ? 3 : 5, seed: 7 }),
      data,
      metric: 'loss',
      callbacks: () => {
        const cb = { epochs: 0, onEpochEnd() { this.epochs++; } };
        made.push(cb);
        return [cb];
      },
    });
    expect(made.length).toBe(2);
    expect(made.map((c) => (c as { epochs: number }).epochs)).toEqual([5, 3]);
    expect(result.trials.map((t) => t.epochs)).toEqual([3, 5]);
    expect((result.bestModel as LineModel).fitCalls[0]!.seed).toBe(7);

    const acc = await tuning.gridSearch({
      space: { learningRate: [0.01, 0.1] },
      build: (p) => ({ fit: async () => ({ history: { val_accuracy: [p.learningRate === 0.01 ? 0.9 : 0.5] } }) }),
      data,
      metric: 'val_accuracy',
    });
    expect(acc.bestParams.learningRate).toBe(0.01);
  });

  test('rejects bad spaces, missing validation data and unknown metrics with the function name', async () => {
    const build = () => new LineModel(0.1);
    await expect(tuning.gridSearch({ space: {}, build, data })).rejects.toThrow(/tuning.gridSearch: space has no parameters/);
    await expect(tuning.gridSearch({ space: { lr: [] }, build, data })).rejects.toThrow(/space.lr is an empty list/);
    await expect(tuning.gridSearch({ space: { lr: { min: 0, max: 1 } } as never, build, data })).rejects.toThrow(/space.lr must be a list of values, got/);
    await expect(tuning.gridSearch({ space: { lr: [1] }, build, data: { x, y } })).rejects.toThrow(/metric 'val_loss' needs data.validationData or a validationSplit/);
    await expect(tuning.gridSearch({ space: { lr: [1] }, build, data, metric: 'val_auc' })).rejects.toThrow(/the History has no 'val_auc'; it has loss, val_loss/);
    await expect(tuning.gridSearch({ space: { lr: [1] }, build: () => null as never, data })).rejects.toThrow(/build returned null/);
    await expect(tuning.gridSearch({ space: { lr: [1] }, build, data, fit: 5 as never })).rejects.toThrow(/tuning.gridSearch: fit must be fit options or a function/);
    await expect(tuning.gridSearch(null as never)).rejects.toThrow(/tuning.gridSearch: options must be an object, got null/);
    await expect(tuning.randomSearch({ space: null as never, trials: 1, build, data })).rejects.toThrow(/tuning.randomSearch: space must be an object of parameter names to candidate lists, got null/);
    await expect(tuning.gridSearch({ space: { lr: [1] }, build, data, metric: 3 as never })).rejects.toThrow(/tuning.gridSearch: metric must be a History key such as 'val_loss', got 3/);
    await expect(tuning.gridSearch({ space: { lr: [1] }, build, data, callbacks: [] as never })).rejects.toThrow(/tuning.gridSearch: callbacks must be a function, got/);
    await expect(tuning.gridSearch({ space: { lr: [1] }, build, data, onTrial: 'log' as never })).rejects.toThrow(/tuning.gridSearch: onTrial must be a function, got log/);
  });
});

describe('tuning.randomSearch', () => {
  test('draws distinct grid points within the budget, the same for the same seed', async () => {
    const run = (seed: number) => tuning.randomSearch({
      space: { learningRate: [1e-4, 1e-3, 0.01, 0.1, 0.3], epochs: [5, 10] },
      trials: 4,
      seed,
      build: (p) => new LineModel(p.learningRate as number),
      data,
    });
    const a = await run(1);
    const b = await run(1);
    const key = (r: tuning.SearchResult) => r.trials.map((t) => JSON.stringify(t.params)).sort();
    expect(a.trials.length).toBe(4);
    expect(new Set(key(a)).size).toBe(4);
    expect(key(a)).toEqual(key(b));
    expect(key(a)).not.toEqual(key(await run(2)));
  });

  test('samples ranges uniformly, log-uniformly and as integers', async () => {
    const seen: tuning.Params[] = [];
    await tuning.randomSearch({
      space: { learningRate: { min: 1e-4, max: 1e-1, log: true }, units: { min: 8, max: 64, integer: true }, act: ['relu', 'tanh'] },
      trials: 40,
      build: (p) => {
        seen.push(p);
        return new LineModel(0.1);
      },
      data,
    });
    const lrs = seen.map((p) => p.learningRate as number);
    expect(lrs.every((v) => v >= 1e-4 && v <= 0.1)).toBe(true);
    expect(lrs.filter((v) => v < 1e-2).length).toBeGreaterThan(15); // log-uniform: 2/3 of the mass below 1e-2
    expect(seen.every((p) => Number.isInteger(p.units) && (p.units as number) >= 8 && (p.units as number) <= 64)).toBe(true);
    expect(new Set(seen.map((p) => p.act))).toEqual(new Set(['relu', 'tanh']));
    await expect(tuning.randomSearch({ space: { a: [1] }, trials: 0, build: () => new LineModel(1), data })).rejects.toThrow(/tuning.randomSearch: trials must be a positive integer, got 0/);
    // A grid too large to enumerate: gridSearch refuses it, randomSearch draws distinct points.
    const huge = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, Array.from({ length: 10 }, (_, v) => v)]));
    await expect(tuning.gridSearch({ space: huge, build: () => new LineModel(1), data })).rejects.toThrow(/the grid has 1000000 combinations/);
    const drawn: string[] = [];
    await tuning.randomSearch({ space: huge, trials: 5, build: (p) => (drawn.push(JSON.stringify(p)), new LineModel(0.1)), data });
    expect(new Set(drawn).size).toBe(5);
    await expect(tuning.randomSearch({ space: { a: { min: 0, max: 1, log: true } }, trials: 1, build: () => new LineModel(1), data })).rejects.toThrow(/min > 0 for log/);
  });
});

describe('tuning.gridSearch on a real model', () => {
  /** y = x·[2, -1, 0.5] + 0.5: with 5 epochs, the largest stable learning rate and the smallest batch win. */
  function regression(n: number, seed: number) {
    const x = randomArray(n * 3, seed);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = 2 * x[i * 3]! - x[i * 3 + 1]! + 0.5 * x[i * 3 + 2]! + 0.5;
    return { x: tensor(x, [n, 3]), y: tensor(y, [n, 1]) };
  }

  test('finds the known-best learning rate and batch size for a linear regression', async () => {
    const train = regression(64, 1);
    const val = regression(32, 2);
    const result = await tuning.gridSearch({
      space: { learningRate: [1e-4, 1e-2, 0.2], batchSize: [8, 32] },
      build: (p) => {
        const m = new Sequential([layers.dense({ units: 1, inputShape: [3] })], { seed: 1 });
        m.compile({ optimizer: optimizers.sgd({ learningRate: p.learningRate as number }), loss: 'meanSquaredError' });
        return m;
      },
      fit: { epochs: 5 },
      data: { x: train.x, y: train.y, validationData: [val.x, val.y] },
      callbacks: () => [callbacks.earlyStopping({ monitor: 'val_loss', patience: 1 })],
    });
    expect(result.bestParams).toEqual({ learningRate: 0.2, batchSize: 8 });
    expect(result.trials.map((t) => t.params.learningRate).slice(-2)).toEqual([1e-4, 1e-4]);
    expect(result.best.score).toBeLessThan(0.05);
    const weights = result.bestModel.getWeights()[0]!.data;
    expect(weights[0]).toBeGreaterThan(1);
  });
});
