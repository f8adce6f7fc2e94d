// The callbacks in a real `fit` (src/model): early stopping with restored weights,
// ReduceLROnPlateau and TerminateOnNaN.
import { describe, expect, test } from 'vitest';
import { layers, Sequential, tensor, type Tensor } from '../../src/index.js';
import * as callbacks from '../../src/callbacks/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import { randomArray } from '../util.js';

/** x in [-1, 1)^3 and y = x·w + b. */
function linear(n: number, w: number[], b: number, seed: number): { x: Tensor; y: Tensor } {
  const x = randomArray(n * 3, seed);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = w[0]! * x[i * 3]! + w[1]! * x[i * 3 + 1]! + w[2]! * x[i * 3 + 2]! + b;
  return { x: tensor(x, [n, 3]), y: tensor(y, [n, 1]) };
}

function model(optimizer: optimizers.Optimizer): Sequential {
  const m = new Sequential([layers.dense({ units: 1, inputShape: [3] })], { seed: 3 });
  m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

// Training pulls the weights from near 0 towards w = [2, -1, 0.5]; the validation set wants half
// of that, so val_loss falls while the weights approach it and rises once they pass it.
const train = linear(128, [2, -1, 0.5], 0, 1);
const validation = linear(64, [1, -0.5, 0.25], 0, 2);
/** A validation set that wants the opposite sign: val_loss rises from the first epoch. */
const opposite = linear(64, [-2, 1, -0.5], 0, 3);

describe('callbacks in Model.fit', () => {
  test('earlyStopping stops when val_loss rises and restores the best epoch’s weights', async () => {
    const m = model(optimizers.sgd({ learningRate: 0.02 }));
    const snapshots: Float32Array[][] = [];
    const stop = callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const keep = callbacks.lambdaCallback({ onEpochEnd: () => void snapshots.push(m.getWeights().map((t) => t.data.slice())) });
    const history = await m.fit(train.x, train.y, { epochs: 20, batchSize: 16, validationData: [validation.x, validation.y], verbose: 0, shuffle: false, callbacks: [keep, stop] });
    const val = history.history.val_loss!;
    expect(stop.bestEpoch).toBeGreaterThan(0);
    expect(val[0]!).toBeGreaterThan(val[stop.bestEpoch]!);
    expect(val.length).toBeLessThan(20);
    expect(val[val.length - 1]!).toBeGreaterThan(val[val.length - 2]!);
    expect(val[val.length - 2]!).toBeGreaterThan(val[stop.bestEpoch]!);
    expect(stop.stoppedEpoch).toBe(val.length - 1);
    expect(stop.bestEpoch).toBe(val.indexOf(Math.min(...val)));
    expect(m.getWeights().map((t) => Array.from(t.data))).toEqual(snapshots[stop.bestEpoch]!.map((d) => Array.from(d)));
  });

  test('reduceLROnPlateau lowers the optimizer’s learning rate when val_loss stops improving', async () => {
    const opt = optimizers.adam({ learningRate: 0.01 });
    const m = model(opt);
    const rates: number[] = [];
    const reduce = callbacks.reduceLROnPlateau({ monitor: 'val_loss', patience: 1, factor: 0.5, minLr: 0.002 });
    const seen = callbacks.lambdaCallback({ onEpochBegin: () => void rates.push(opt.learningRate) });
    await m.fit(train.x, train.y, { epochs: 6, batchSize: 32, validationData: [opposite.x, opposite.y], verbose: 0, callbacks: [seen, reduce] });
    expect(rates).toEqual([0.01, 0.01, 0.005, 0.0025, 0.002, 0.002]);
  });

  test('terminateOnNaN ends fit gracefully after the batch whose loss is not finite', async () => {
    const y = train.y.data.slice();
    y.fill(NaN, 32, 48); // the third batch of 16 (no shuffling)
    const m = model(optimizers.sgd({ learningRate: 0.01 }));
    const nan = callbacks.terminateOnNaN({ print: () => {} });
    const ends: number[] = [];
    const end = callbacks.lambdaCallback({ onTrainEnd: () => void ends.push(1) });
    const history = await m.fit(train.x, tensor(y, [128, 1]), { epochs: 5, batchSize: 16, shuffle: false, verbose: 0, callbacks: [nan, end] });
    expect(nan.terminatedAtBatch).toBe(2);
    expect(history.epoch).toEqual([0]); // fit still ends the interrupted epoch, as Keras does
    expect(ends).toEqual([1]);
    for (const w of m.getWeights()) expect(w.data.every(Number.isFinite)).toBe(true);
  });
});
