import { describe, expect, test } from 'vitest';
import * as callbacks from '../../src/callbacks/index.js';
import { FakeModel, replay, series } from './replay.js';
import { monitorDirection } from '../../src/callbacks/monitor.js';

interface Row {
  name: string;
  options: callbacks.EarlyStoppingOptions;
  monitor?: string;
  values: number[];
  /** Epochs that run; stoppedEpoch (0 = not stopped); bestEpoch. */
  epochs: number;
  stopped: number;
  bestEpoch: number;
}

const TABLE: Row[] = [
  { name: 'patience 0 stops at the first epoch without improvement', options: { patience: 0 }, values: [1, 0.9, 0.95, 0.97, 0.96], epochs: 3, stopped: 2, bestEpoch: 1 },
  { name: 'patience 1 behaves like 0 (Keras counts the epoch before testing)', options: { patience: 1 }, values: [1, 0.9, 0.95, 0.97, 0.96], epochs: 3, stopped: 2, bestEpoch: 1 },
  { name: 'patience 2 stops after two epochs without improvement', options: { patience: 2 }, values: [1, 0.9, 0.95, 0.97, 0.96], epochs: 4, stopped: 3, bestEpoch: 1 },
  { name: 'patience 2 never stops while it keeps improving', options: { patience: 2 }, values: [1, 0.9, 0.95, 0.8, 0.96, 0.7], epochs: 6, stopped: 0, bestEpoch: 5 },
  { name: 'patience 0 never stops on epoch 0, even without improvement', options: { patience: 0 }, values: [Infinity, 1, 2], epochs: 3, stopped: 2, bestEpoch: 1 },
  { name: 'minDelta: 0.96 is no improvement on 1 by 0.05, 0.9 is', options: { patience: 2, minDelta: 0.05 }, values: [1, 0.96, 0.9, 0.89, 0.88], epochs: 5, stopped: 4, bestEpoch: 2 },
  { name: 'minDelta is taken as an absolute value', options: { patience: 2, minDelta: -0.05 }, values: [1, 0.96, 0.9, 0.89, 0.88], epochs: 5, stopped: 4, bestEpoch: 2 },
  { name: "mode 'max' with accuracy: equal is no improvement", options: { patience: 2, monitor: 'val_accuracy', mode: 'max' }, monitor: 'val_accuracy', values: [0.5, 0.6, 0.6, 0.55, 0.7], epochs: 4, stopped: 3, bestEpoch: 1 },
  { name: "mode 'auto' maximises val_accuracy", options: { patience: 1, monitor: 'val_accuracy' }, monitor: 'val_accuracy', values: [0.5, 0.6, 0.4], epochs: 3, stopped: 2, bestEpoch: 1 },
  { name: "mode 'auto' minimises loss", options: { patience: 1, monitor: 'loss' }, monitor: 'loss', values: [0.5, 0.6, 0.4], epochs: 2, stopped: 1, bestEpoch: 0 },
  { name: "mode 'min' on a custom metric", options: { patience: 1, monitor: 'val_score', mode: 'min' }, monitor: 'val_score', values: [3, 2, 2.5], epochs: 3, stopped: 2, bestEpoch: 1 },
  { name: 'baseline not beaten: wait is never reset, so the first plateau stops', options: { patience: 2, baseline: 0.5 }, values: [0.8, 0.7, 0.75, 0.72], epochs: 3, stopped: 2, bestEpoch: 1 },
  { name: 'same values without baseline', options: { patience: 2 }, values: [0.8, 0.7, 0.75, 0.72], epochs: 4, stopped: 3, bestEpoch: 1 },
  { name: 'baseline beaten behaves as without it', options: { patience: 1, baseline: 0.5 }, values: [0.4, 0.45, 0.3], epochs: 2, stopped: 1, bestEpoch: 0 },
  { name: 'startFromEpoch ignores the warm-up epochs', options: { patience: 1, startFromEpoch: 3 }, values: [1, 2, 3, 0.5, 0.6, 0.7], epochs: 5, stopped: 4, bestEpoch: 3 },
  { name: 'without startFromEpoch the same values stop at epoch 1', options: { patience: 1 }, values: [1, 2, 3, 0.5, 0.6, 0.7], epochs: 2, stopped: 1, bestEpoch: 0 },
];

describe('EarlyStopping', () => {
  test.each(TABLE)('$name', async ({ options, monitor, values, epochs, stopped, bestEpoch }) => {
    const es = callbacks.earlyStopping(options);
    const model = new FakeModel();
    const run = await replay(model, [es], series(monitor ?? 'val_loss', values));
    expect({ epochs: run.epochs, stopped: es.stoppedEpoch, bestEpoch: es.bestEpoch, stopTraining: model.stopTraining }).toEqual({ epochs, stopped, bestEpoch, stopTraining: stopped > 0 });
  });

  test('restoreBestWeights puts back the best epoch’s weights after an early stop', async () => {
    const es = callbacks.earlyStopping({ patience: 2, restoreBestWeights: true });
    const model = new FakeModel();
    const run = await replay(model, [es], series('val_loss', [1, 0.5, 0.7, 0.8, 0.1]));
    expect([run.epochs, es.stoppedEpoch, es.bestEpoch]).toEqual([4, 3, 1]);
    expect(Array.from(model.weight.data)).toEqual([1]);
  });

  test('restoreBestWeights restores at the end even when training was not stopped (Keras 3)', async () => {
    const es = callbacks.earlyStopping({ patience: 5, restoreBestWeights: true });
    const model = new FakeModel();
    await replay(model, [es], series('val_loss', [1, 0.5, 0.7]));
    expect(es.stoppedEpoch).toBe(0);
    expect(Array.from(model.weight.data)).toEqual([1]);
  });

  test('restoreBestWeights keeps the last weights when off', async () => {
    const model = new FakeModel();
    await replay(model, [callbacks.earlyStopping({ patience: 1 })], series('val_loss', [1, 0.5, 0.7]));
    expect(Array.from(model.weight.data)).toEqual([2]);
  });

  test('restoreBestWeights with startFromEpoch counts only monitored epochs', async () => {
    const es = callbacks.earlyStopping({ patience: 1, restoreBestWeights: true, startFromEpoch: 2 });
    const model = new FakeModel();
    await replay(model, [es], series('val_loss', [0.1, 0.2, 0.9, 1.0]));
    expect([es.stoppedEpoch, es.bestEpoch, model.weight.data[0]]).toEqual([3, 2, 2]);
  });

  test('a missing monitor is an error listing the logged names', async () => {
    const es = callbacks.earlyStopping({ monitor: 'val_loss' });
    await expect(replay(new FakeModel(), [es], [{ loss: 1, accuracy: 0.5 }])).rejects.toThrow(
      /earlyStopping: monitor 'val_loss' is not in the logs of epoch 0; available: loss, accuracy \(val_ metrics need validation data in fit\)/,
    );
  });

  test("mode 'auto' knows the direction of the library's loss and metric names", () => {
    const names = ['loss', 'val_loss', 'accuracy', 'val_binary_accuracy', 'sparse_categorical_accuracy', 'val_categorical_accuracy', 'mse', 'val_mae',
      'mean_squared_error', 'val_mean_absolute_error', 'precision', 'val_recall', 'auc', 'val_categorical_crossentropy'];
    expect(Object.fromEntries(names.map((n) => [n, monitorDirection('t', n, 'auto')]))).toEqual({
      loss: 'min', val_loss: 'min', accuracy: 'max', val_binary_accuracy: 'max', sparse_categorical_accuracy: 'max', val_categorical_accuracy: 'max',
      mse: 'min', val_mae: 'min', mean_squared_error: 'min', val_mean_absolute_error: 'min', precision: 'max', val_recall: 'max', auc: 'max',
      val_categorical_crossentropy: 'min',
    });
  });

  test("mode 'auto' refuses a name whose direction it cannot infer", () => {
    expect(() => callbacks.earlyStopping({ monitor: 'val_score' })).toThrow(/earlyStopping: cannot tell whether monitor 'val_score' should be maximized or minimized/);
  });

  test('rejects bad options', () => {
    expect(() => callbacks.earlyStopping({ patience: -1 })).toThrow(/earlyStopping: patience must be an integer >= 0, got -1/);
    expect(() => callbacks.earlyStopping({ mode: 'up' as never })).toThrow(/earlyStopping: mode must be 'auto', 'min' or 'max', got up/);
    expect(() => callbacks.earlyStopping({ baseline: NaN })).toThrow(/earlyStopping: baseline must be a finite number/);
  });

  test('resets in onTrainBegin, so one instance serves several fits', async () => {
    const es = callbacks.earlyStopping({ patience: 1, restoreBestWeights: true });
    const model = new FakeModel();
    await replay(model, [es], series('val_loss', [0.1, 0.5, 0.6]));
    expect([es.stoppedEpoch, es.bestEpoch, es.best]).toEqual([1, 0, 0.1]);
    const second = await replay(model, [es], series('val_loss', [3, 2, 1, 0.5]));
    expect([second.epochs, es.stoppedEpoch, es.bestEpoch, es.best, model.weight.data[0]]).toEqual([4, 0, 3, 0.5, 3]);
  });

  test('verbose 1 reports the stop and the restore', async () => {
    const messages: string[] = [];
    const es = callbacks.earlyStopping({ patience: 0, restoreBestWeights: true, verbose: 1, print: (m) => messages.push(m) });
    await replay(new FakeModel(), [es], series('val_loss', [1, 2]));
    expect(messages).toEqual(['Epoch 2: early stopping', 'Restoring model weights from the end of the best epoch: 1.']);
  });
});
