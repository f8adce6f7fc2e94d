import { describe, expect, test } from 'vitest';
import * as callbacks from '../../src/callbacks/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import * as schedules from '../../src/schedules.js';
import { FakeModel, replay, series } from './replay.js';

describe('ReduceLROnPlateau', () => {
  const flat = series('val_loss', [1, 1, 1, 1, 1, 1, 1, 1, 1]);
  const rates = (logs: Array<Record<string, number>>) => logs.map((l) => l.learning_rate);

  test('reduces every `patience` epochs on a plateau, never below minLr, and logs learning_rate', async () => {
    const model = new FakeModel(optimizers.sgd({ learningRate: 1 }));
    const run = await replay(model, [callbacks.reduceLROnPlateau({ factor: 0.5, patience: 2, minLr: 0.2 })], flat);
    expect(rates(run.logs)).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]);
    expect(model.optimizer!.learningRate).toBe(0.2);
  });

  test('cooldown holds the wait counter at 0 after a reduction', async () => {
    const model = new FakeModel(optimizers.sgd({ learningRate: 1 }));
    const run = await replay(model, [callbacks.reduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2 })], flat);
    // Reductions after epochs 2, 5 and 8 instead of 2, 4, 6, 8.
    expect(rates(run.logs)).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    expect(model.optimizer!.learningRate).toBe(0.125);
  });

  test('an improvement by more than minDelta resets the wait', async () => {
    const model = new FakeModel(optimizers.adam({ learningRate: 0.1 }));
    const cb = callbacks.reduceLROnPlateau({ patience: 2, minDelta: 0.01 });
    await replay(model, [cb], series('val_loss', [1, 0.5, 0.495, 0.48, 0.6]));
    // 0.495 is within minDelta of 0.5 (wait 1), 0.48 improves (wait 0), 0.6 is wait 1: no reduction.
    expect([model.optimizer!.learningRate, cb.wait, cb.best]).toEqual([0.1, 1, 0.48]);
    await replay(model, [cb], series('val_loss', [1, 0.5, 0.495, 0.499]));
    expect(model.optimizer!.learningRate).toBeCloseTo(0.01, 12);
  });

  test("mode 'auto' maximises val_accuracy", async () => {
    const model = new FakeModel(optimizers.sgd({ learningRate: 1 }));
    await replay(model, [callbacks.reduceLROnPlateau({ monitor: 'val_accuracy', patience: 1 })], series('val_accuracy', [0.5, 0.6, 0.7]));
    expect(model.optimizer!.learningRate).toBe(1);
    await replay(model, [callbacks.reduceLROnPlateau({ monitor: 'val_accuracy', patience: 1 })], series('val_accuracy', [0.5, 0.4]));
    expect(model.optimizer!.learningRate).toBe(0.1);
  });

  test('refuses factor >= 1, a missing optimizer and a scheduled learning rate', async () => {
    expect(() => callbacks.reduceLROnPlateau({ factor: 1 })).toThrow(/reduceLROnPlateau: factor must be in \[0, 1\), got 1/);
    await expect(replay(new FakeModel(), [callbacks.reduceLROnPlateau()], flat)).rejects.toThrow(/reduceLROnPlateau: the model has no optimizer/);
    const scheduled = new FakeModel(optimizers.sgd({ learningRate: schedules.cosineDecay({ initialLearningRate: 1, decaySteps: 10 }) }));
    await expect(replay(scheduled, [callbacks.reduceLROnPlateau({ patience: 0 })], flat)).rejects.toThrow(/sgd: the learning rate comes from a schedule and cannot be set/);
  });
});

describe('LearningRateScheduler', () => {
  test('sets schedule(epoch, lr) at each epoch start and logs it', async () => {
    const model = new FakeModel(optimizers.sgd({ learningRate: 1 }));
    const messages: string[] = [];
    const cb = callbacks.learningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr * 0.5), { verbose: 1, print: (m) => messages.push(m) });
    const run = await replay(model, [cb], series('val_loss', [1, 1, 1, 1]));
    expect(run.logs.map((l) => l.learning_rate)).toEqual([1, 1, 0.5, 0.25]);
    expect(messages[2]).toBe('Epoch 3: LearningRateScheduler setting learning rate to 0.5.');
  });

  test('refuses a schedule that returns a non-number', async () => {
    const model = new FakeModel(optimizers.sgd());
    await expect(replay(model, [callbacks.learningRateScheduler(() => NaN)], series('val_loss', [1]))).rejects.toThrow(
      /learningRateScheduler: the schedule returned NaN for epoch 0; expected a finite number >= 0/,
    );
  });
});

describe('TerminateOnNaN', () => {
  test.each([NaN, Infinity, -Infinity])('stops after the batch whose loss is %s', async (bad) => {
    const messages: string[] = [];
    const cb = callbacks.terminateOnNaN({ print: (m) => messages.push(m) });
    const model = new FakeModel();
    const run = await replay(model, [cb], series('val_loss', [1, 1, 1]), [[0.5, 0.4], [0.3, bad, 0.2], [0.1]]);
    expect([run.epochs, cb.terminatedAtBatch, model.stopTraining]).toEqual([2, 1, true]);
    expect(messages).toEqual(['Batch 1: Invalid loss, terminating training']);
  });

  test('lets finite losses through and throws with raiseError', async () => {
    const model = new FakeModel();
    const cb = callbacks.terminateOnNaN();
    expect((await replay(model, [cb], series('val_loss', [1, 1]), [[0.5], [1e30]])).epochs).toBe(2);
    await expect(replay(model, [callbacks.terminateOnNaN({ raiseError: true })], series('val_loss', [1]), [[NaN]])).rejects.toThrow(
      /terminateOnNaN: NaN or Inf loss encountered at batch 0/,
    );
  });
});

describe('ModelCheckpoint', () => {
  test('saves every epoch, or only improvements with saveBestOnly', async () => {
    const every: number[] = [];
    const best: number[] = [];
    const model = new FakeModel();
    await replay(model, [
      callbacks.modelCheckpoint({ onSave: (bytes, epoch) => void every.push(epoch * 10 + bytes[0]!) }),
      callbacks.modelCheckpoint({ saveBestOnly: true, onSave: async (_, epoch) => void best.push(epoch) }),
    ], series('val_loss', [1, 0.5, 0.7, 0.4]));
    expect(every).toEqual([0, 11, 22, 33]);
    expect(best).toEqual([0, 1, 3]);
  });

  test('initialValueThreshold, max mode and saveFreq in batches', async () => {
    const saved: number[] = [];
    const model = new FakeModel();
    await replay(model, [callbacks.modelCheckpoint({ monitor: 'val_accuracy', saveBestOnly: true, initialValueThreshold: 0.6, onSave: (_, e) => void saved.push(e) })], series('val_accuracy', [0.5, 0.7, 0.65, 0.8]));
    expect(saved).toEqual([1, 3]);
    const batches: number[] = [];
    await replay(model, [callbacks.modelCheckpoint({ saveFreq: 2, onSave: (_, e) => void batches.push(e) })], series('val_loss', [1, 1]), [[1, 1, 1], [1, 1, 1]]);
    expect(batches).toEqual([0, 1, 1]);
  });

  test('needs onSave', () => {
    expect(() => callbacks.modelCheckpoint({} as never)).toThrow(/modelCheckpoint: onSave must be a function/);
    expect(() => callbacks.modelCheckpoint({ onSave: () => {}, saveFreq: 0 })).toThrow(/saveFreq must be 'epoch' or a positive integer, got 0/);
  });
});

describe('Logger', () => {
  test('yields one row per epoch with sorted columns and formats CSV', async () => {
    const lines: string[] = [];
    const log = callbacks.logger({ onRow: (_, line) => lines.push(line) });
    const model = new FakeModel(optimizers.sgd({ learningRate: 1 }));
    await replay(model, [callbacks.reduceLROnPlateau({ patience: 0, factor: 0.5 }), log], [
      { val_loss: 1, loss: 2, accuracy: 0.5 },
      { val_loss: 1.5, loss: 1.25, accuracy: 0.75 },
    ]);
    expect(log.rows).toEqual([
      { epoch: 0, accuracy: 0.5, learning_rate: 1, loss: 2, val_loss: 1 },
      { epoch: 1, accuracy: 0.75, learning_rate: 1, loss: 1.25, val_loss: 1.5 },
    ]);
    expect(log.toCSV()).toBe('epoch,accuracy,learning_rate,loss,val_loss\n0,0.5,1,2,1\n1,0.75,1,1.25,1.5\n');
    expect(lines).toEqual(['epoch,accuracy,learning_rate,loss,val_loss', '0,0.5,1,2,1', '1,0.75,1,1.25,1.5']);
  });

  test('marks keys missing in later epochs as NA, starts over per fit unless append', async () => {
    const log = callbacks.logger({ separator: ';' });
    const model = new FakeModel();
    await replay(model, [log], [{ loss: 1, val_loss: 2 }, { loss: 0.5 }]);
    expect(log.toCSV()).toBe('epoch;loss;val_loss\n0;1;2\n1;0.5;NA\n');
    await replay(model, [log], [{ loss: 3 }]);
    expect(log.rows).toEqual([{ epoch: 0, loss: 3 }]);
    const kept = callbacks.logger({ append: true });
    await replay(model, [kept], [{ loss: 1 }]);
    await replay(model, [kept], [{ loss: 2 }]);
    expect(kept.rows.length).toBe(2);
  });
});

describe('LambdaCallback and History', () => {
  test('calls the given hooks in fit order', async () => {
    const calls: string[] = [];
    const cb = callbacks.lambdaCallback({
      onTrainBegin: () => void calls.push('train'),
      onEpochBegin: (e) => void calls.push(`epoch ${e}`),
      onBatchEnd: (b, logs) => void calls.push(`batch ${b} ${logs?.loss}`),
      onEpochEnd: async (e, logs) => void calls.push(`end ${e} ${logs?.val_loss}`),
      onTrainEnd: () => void calls.push('done'),
    });
    const history = new callbacks.History();
    await replay(new FakeModel(), [cb, history], series('val_loss', [0.5, 0.25]), [[3], [4]]);
    expect(calls).toEqual(['train', 'epoch 0', 'batch 0 3', 'end 0 0.5', 'epoch 1', 'batch 0 4', 'end 1 0.25', 'done']);
    expect(history.history.val_loss).toEqual([0.5, 0.25]);
  });

  test('refuses unknown hooks', () => {
    expect(() => callbacks.lambdaCallback({ onEpochEnded: () => {} } as never)).toThrow(/lambdaCallback: unknown hook 'onEpochEnded'; valid hooks are onTrainBegin/);
  });
});

describe('callback options are validated up front, naming the callback', () => {
  test('options that are not objects, and print / onRow that are not functions', () => {
    expect(() => callbacks.earlyStopping(null as never)).toThrow(/earlyStopping: options must be an object, got null/);
    expect(() => callbacks.reduceLROnPlateau([3] as never)).toThrow(/reduceLROnPlateau: options must be an object, got \[3\]/);
    expect(() => callbacks.terminateOnNaN(null as never)).toThrow(/terminateOnNaN: options must be an object, got null/);
    expect(() => callbacks.logger(null as never)).toThrow(/logger: options must be an object, got null/);
    expect(() => callbacks.lambdaCallback(null as never)).toThrow(/lambdaCallback: options must be an object, got null/);
    expect(() => callbacks.learningRateScheduler((_, lr) => lr, null as never)).toThrow(/learningRateScheduler: options must be an object, got null/);
    expect(() => callbacks.earlyStopping({ verbose: 1, print: 'console' as never })).toThrow(/earlyStopping: print must be a function \(message\) => void, got console/);
    expect(() => callbacks.terminateOnNaN({ print: 1 as never })).toThrow(/terminateOnNaN: print must be a function/);
    expect(() => callbacks.learningRateScheduler((_, lr) => lr, { print: {} as never })).toThrow(/learningRateScheduler: print must be a function/);
    expect(() => callbacks.logger({ onRow: 'rows' as never })).toThrow(/logger: onRow must be a function \(row\) => void, got rows/);
  });

  test('a given print receives the messages', async () => {
    const messages: string[] = [];
    const model = new FakeModel();
    await replay(model, [callbacks.earlyStopping({ monitor: 'val_loss', patience: 0, verbose: 1, print: (m) => messages.push(m) })], series('val_loss', [1, 2, 3]));
    expect(messages).toEqual(['Epoch 2: early stopping']);
  });
});
