import { describe, expect, test } from 'vitest';
import { layers, Sequential, tensor, ShapeError, ValueError, type Tensor } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import * as callbacks from '../../src/callbacks/index.js';
import { augment, losses } from '../../src/index.js';
import { Callback, type Logs } from '../../src/callbacks/callback.js';
import { heap } from '../../src/backend/memory.js';
import { fullGc, measureRetention, randomArray } from '../util.js';

/** y = x·w + 0.5 + noise for a fixed w: a linear regression a Dense layer can fit. */
function regressionData(n: number, seed = 1): { x: Tensor; y: Tensor } {
  const x = randomArray(n * 3, seed);
  const noise = randomArray(n, seed + 1, -0.01, 0.01);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 2 * x[i * 3]! - 1 * x[i * 3 + 1]! + 0.5 * x[i * 3 + 2]! + 0.5 + noise[i]!;
  return { x: tensor(x, [n, 3]), y: tensor(y, [n, 1]) };
}

function linearModel(seed = 1): Sequential {
  const model = new Sequential([layers.dense({ units: 1, inputShape: [3] })], { seed });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError', metrics: ['mae'] });
  return model;
}

describe('Model.fit', () => {
  test('fits a noisy linear regression with MSE', async () => {
    const { x, y } = regressionData(200);
    const model = linearModel();
    const history = await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
    const losses = history.history.loss!;
    expect(losses).toHaveLength(30);
    expect(losses[29]!).toBeLessThan(1e-3);
    expect(losses[29]!).toBeLessThan(losses[0]!);
    const [kernel, bias] = model.getWeights();
    expect(Array.from(kernel!.data).map((v) => Math.round(v * 10) / 10)).toEqual([2, -1, 0.5]);
    expect(bias!.data[0]!).toBeCloseTo(0.5, 1);
    expect(history.history.mae).toHaveLength(30);
  });

  test('reports val_ logs for a validation split taken from the end', async () => {
    const { x, y } = regressionData(100);
    const model = linearModel();
    const h = await model.fit(x, y, { epochs: 2, batchSize: 10, validationSplit: 0.2, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
  });

  test('trains bit-identically twice with the same seed (shuffling, dropout, batch norm)', async () => {
    const { x, y } = regressionData(64);
    const run = async (fitSeed: number): Promise<number[][]> => {
      const m = new Sequential([
        layers.dense({ units: 8, activation: 'relu', inputShape: [3] }),
        layers.batchNormalization(),
        layers.dropout({ rate: 0.3 }),
        layers.dense({ units: 1 }),
      ]);
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
      await m.fit(x, y, { epochs: 3, batchSize: 10, verbose: 0, seed: fitSeed });
      return m.getWeights().map((t) => Array.from(t.data));
    };
    const a = await run(9);
    expect(await run(9)).toEqual(a);
    expect(await run(10)).not.toEqual(a);
  });

  test('keeps wasm memory and the JS heap flat over 2,000 steps', async () => {
    const { x, y } = regressionData(64);
    const model = new Sequential([layers.dense({ units: 16, inputShape: [3] }), layers.dense({ units: 1 })], { seed: 2 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 100, batchSize: 6, verbose: 0 }); // warm up: plans, slots, JIT tiers
    // 64 samples / batch 6 = 11 steps per epoch (the last one partial): 182 epochs ≈ 2,000 steps.
    const r = await measureRetention(() => model.fit(x, y, { epochs: 182, batchSize: 6, verbose: 0 }));
    expect(r.wasmAfter).toBe(r.wasmBefore);
    expect(r.blocksAfter).toBe(r.blocksBefore);
    expect(heap().allocatedBytes).toBeGreaterThan(0);
    // History keeps 182 small records per round.
    expect(r.minGrowth, `JS heap growth per round: ${r.growth.join(', ')} bytes`).toBeLessThan(128 * 1024);
  });

  test('awaits async callbacks and stops when stopTraining is set', async () => {
    const { x, y } = regressionData(40);
    const model = linearModel();
    const seen: string[] = [];
    const order: string[] = [];
    class Slow extends Callback {
      override async onBatchEnd(batch: number): Promise<void> {
        await new Promise((r) => setTimeout(r, 0));
        order.push(`slow ${batch}`);
      }
    }
    class After extends Callback {
      override onBatchEnd(batch: number): void {
        order.push(`after ${batch}`);
      }
    }
    class Stopper extends Callback {
      override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
        await new Promise((r) => setTimeout(r, 1));
        seen.push(`end ${epoch} ${typeof logs?.loss}`);
        if (epoch === 1) this.model!.stopTraining = true;
      }
    }
    const h = await model.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: [new Slow(), new After(), new Stopper()] });
    expect(seen).toEqual(['end 0 number', 'end 1 number']);
    expect(order.slice(0, 4)).toEqual(['slow 0', 'after 0', 'slow 1', 'after 1']);
    expect(h.epoch).toEqual([0, 1]);
  });

  test('a non-finite loss stops fit with an error naming the epoch and batch', async () => {
    const { x } = regressionData(20);
    const y = tensor(new Float32Array(20).fill(NaN), [20, 1]);
    const model = linearModel();
    await expect(model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0 })).rejects.toThrow(/loss became NaN at epoch 1, batch 1 of 4/);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, onNonFiniteLoss: 'stop' });
    expect(h.epoch).toEqual([0]);
    const before = model.getWeights().map((t) => Array.from(t.data));
    const skipped = await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, onNonFiniteLoss: 'skip' });
    expect(skipped.epoch).toEqual([0, 1]);
    expect(model.getWeights().map((t) => Array.from(t.data))).toEqual(before);
  });

  test('a terminateOnNaN callback opts out of the error and ends training gracefully', async () => {
    const { x } = regressionData(20);
    const y = tensor(new Float32Array(20).fill(Infinity), [20, 1]);
    const model = linearModel();
    const stop = callbacks.terminateOnNaN({ print: () => {} });
    const h = await model.fit(x, y, { epochs: 3, batchSize: 5, verbose: 0, callbacks: [stop] });
    expect(stop.terminatedAtBatch).toBe(0);
    expect(h.epoch).toEqual([0]);
  });

  test('earlyStopping and modelCheckpoint work on a real model', async () => {
    const { x, y } = regressionData(60);
    const model = linearModel();
    const saved: Uint8Array[] = [];
    const stop = callbacks.earlyStopping({ monitor: 'loss', patience: 1, minDelta: 10, restoreBestWeights: true });
    const ckpt = callbacks.modelCheckpoint({ onSave: (bytes) => void saved.push(bytes) });
    const h = await model.fit(x, y, { epochs: 10, batchSize: 10, verbose: 0, callbacks: [stop, ckpt] });
    expect(h.epoch.length).toBeLessThan(10);
    expect(saved.length).toBe(h.epoch.length);
    expect(Array.from(saved[0]!.subarray(0, 4))).toEqual([0x54, 0x4c, 0x4e, 0x4d]);
  });

  test('validationData, initialEpoch, classWeight and augment', async () => {
    const n = 12;
    const x = tensor(randomArray(n * 4 * 4, 3), [n, 4, 4, 1]);
    const y = tensor(Float32Array.from({ length: n }, (_, i) => i % 2), [n]);
    const model = new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.dense({ units: 2 })], { seed: 1 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    const shapes: string[] = [];
    const spy = { applyInPlacePtr: (_ptr: number, shape: readonly number[]) => void shapes.push(shape.join('x')) };
    const h = await model.fit(x, y, { epochs: 3, initialEpoch: 1, batchSize: 5, verbose: 0, validationData: [x, y], augment: spy });
    expect(h.epoch).toEqual([1, 2]);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(shapes).toEqual(['5x4x4x1', '5x4x4x1', '2x4x4x1', '5x4x4x1', '5x4x4x1', '2x4x4x1']);
    // A real pipeline runs in place on the batch.
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, augment: augment.sequence([augment.randomFlip('horizontal')]) });
    // Class weights scale each sample's loss.
    const before = model.getWeights();
    const plain = await model.fit(x, y, { epochs: 1, batchSize: n, verbose: 0, shuffle: false, seed: 1 });
    model.setWeights(before);
    const weighted = await model.fit(x, y, { epochs: 1, batchSize: n, verbose: 0, shuffle: false, seed: 1, classWeight: { 0: 3, 1: 1 } });
    expect(weighted.history.loss![0]).not.toBeCloseTo(plain.history.loss![0]!, 3);
    await expect(model.fit(tensor(new Float32Array(8), [2, 4]), tensor(new Float32Array(2), [2]), { augment: spy, verbose: 0 })).rejects.toThrow(/input \[\*, 4, 4, 1\]/);
  });

  test('trainOnBatch, testOnBatch, trainStep and evaluate report losses', () => {
    const { x, y } = regressionData(32);
    const model = linearModel();
    const first = model.trainOnBatch(x, y);
    expect(Object.keys(first)).toEqual(['loss', 'mae']);
    for (let i = 0; i < 50; i++) model.trainStep(x, y);
    const after = model.testOnBatch(x, y);
    expect(after.loss!).toBeLessThan(first.loss!);
    expect(model.evaluate(x, y, { batchSize: 5 }).loss).toBeCloseTo(after.loss!, 5);
  });
});

describe('bad input', () => {
  test('fit without compile says so', async () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [3] })]);
    await expect(model.fit(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(2), [2, 1]))).rejects.toThrow(/not compiled; call model.compile/);
  });

  test('a wrong input shape names the layer and both shapes', () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [3], name: 'first' })]);
    expect(() => model.predict(tensor(new Float32Array(8), [2, 4]))).toThrow(ShapeError);
    expect(() => model.predict(tensor(new Float32Array(8), [2, 4]))).toThrow('first: expected input [*, 3], got [2, 4]');
  });

  test('y with the wrong number of samples is rejected', async () => {
    const model = linearModel();
    await expect(model.fit(tensor(new Float32Array(9), [3, 3]), tensor(new Float32Array(2), [2, 1]), { verbose: 0 })).rejects.toThrow(/x has 3 samples but y has 2/);
  });

  test('unknown loss, metric and optimizer names list the valid ones', () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [3] })]);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'nope' })).toThrow(/nope.*meanSquaredError/);
    expect(() => model.compile({ optimizer: 'nope', loss: 'mse' })).toThrow(/nope.*adam/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['nope'] })).toThrow(/unknown metric "nope"; valid names: accuracy/);
  });

  test('predict before the model knows its input shape says so', () => {
    const model = new Sequential();
    expect(() => model.predict(tensor(new Float32Array(3), [1, 3]))).toThrow(/no layers/);
    expect(() => new Sequential([layers.dense({ units: 2 })]).summary()).toThrow(/no input shape yet/);
  });

  test('a deferred Sequential builds from the first data', () => {
    const model = new Sequential([layers.dense({ units: 2 })]);
    const y = model.predict(tensor(new Float32Array(6), [2, 3]));
    expect(y.shape).toEqual([2, 2]);
  });

  test('options are validated', async () => {
    const model = linearModel();
    const x = tensor(new Float32Array(6), [2, 3]);
    const y = tensor(new Float32Array(2), [2, 1]);
    await expect(model.fit(x, y, { epochs: 0 })).rejects.toThrow(ValueError);
    await expect(model.fit(x, y, { batchSize: 1.5 })).rejects.toThrow(/batchSize must be an integer/);
    await expect(model.fit(x, y, { validationSplit: 1.5 })).rejects.toThrow(/validationSplit/);
  });
});

describe('plans', () => {
  test('predict with many batch sizes keeps a bounded number of plans and the same answers', () => {
    const model = new Sequential([layers.dense({ units: 3, inputShape: [4] })], { seed: 1 });
    const x = tensor(randomArray(40, 1), [10, 4]);
    const want = Array.from(model.predict(x, { batchSize: 10 }).data);
    const blocks = heap().blockCount;
    for (const b of [1, 2, 3, 4, 5, 6, 7, 9]) expect(Array.from(model.predict(x, { batchSize: b }).data)).toEqual(want);
    expect(heap().blockCount).toBeLessThanOrEqual(blocks + 2 * 2);
    expect(model.planBytes).toBeGreaterThan(0);
  });
});

describe('garbage collection', () => {
  test('a collected model and its layers give their wasm memory back', async () => {
    const gc = fullGc();
    const { x, y } = regressionData(32);
    const train = async (): Promise<void> => {
      const m = new Sequential([layers.dense({ units: 64, activation: 'relu', inputShape: [3] }), layers.batchNormalization(), layers.dense({ units: 1 })], { seed: 1 });
      m.compile({ optimizer: optimizers.adam(), loss: 'meanSquaredError' });
      await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
      m.predict(x, { batchSize: 5 });
    };
    await train(); // warm up the arena and the module-level state
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    const before = heap().allocatedBytes;
    for (let i = 0; i < 5; i++) await train();
    const during = heap().allocatedBytes;
    for (let i = 0; i < 10 && heap().allocatedBytes > before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(during).toBeGreaterThan(before);
    expect(heap().allocatedBytes).toBeLessThanOrEqual(before);
  });
});
