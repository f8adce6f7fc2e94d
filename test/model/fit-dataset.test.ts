import { describe, expect, test } from 'vitest';
import { data, layers, Model, Input, Rng, Sequential, tensor, ShapeError, ValueError, type Tensor } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import * as callbacks from '../../src/callbacks/index.js';
import { Callback, type Logs, type TrainingParams } from '../../src/callbacks/callback.js';
import { memoryBytes } from '../../src/backend/memory.js';
import { ProgressBar, type ProgressSink } from '../../src/callbacks/progress-bar.js';
import { randomArray } from '../util.js';

/** y = x·[2, -1, 0.5] + 0.5: a regression a Dense layer can fit. */
function regression(n: number, seed: number): { x: Tensor; y: Tensor } {
  const x = randomArray(n * 3, seed);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 2 * x[i * 3]! - x[i * 3 + 1]! + 0.5 * x[i * 3 + 2]! + 0.5;
  return { x: tensor(x, [n, 3]), y: tensor(y, [n, 1]) };
}

/** A small MLP (dense-relu-dense) with adam and an mae metric. */
function mlp(seed = 3): Sequential {
  const model = new Sequential([layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), layers.dense({ units: 1 })], { seed });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] });
  return model;
}

function bits(ts: readonly Tensor[]): number[][] {
  return ts.map((t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size)));
}

/** Records the params and every epoch's logs (keeps a copy, as the loop reuses nothing it hands out). */
class Recorder extends Callback {
  seenParams: TrainingParams | undefined;
  batches: number[] = [];
  epochs: Logs[] = [];
  override onTrainBegin(): void {
    this.seenParams = this.params;
  }
  override onBatchEnd(batch: number): void {
    this.batches.push(batch);
  }
  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.epochs.push({ ...logs });
  }
}

describe('Model.fit on a dataset', () => {
  test('data.fromTensors gives bit-identical weights and logs to fit on the same tensors (shuffle off, same batch size)', async () => {
    const { x, y } = regression(50, 1); // batches of 16, 16, 16, 2: the last one smaller
    const onTensors = mlp();
    const h1 = await onTensors.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
    const onDataset = mlp();
    const h2 = await onDataset.fit(data.fromTensors(x, y, { batchSize: 16 }), undefined, { epochs: 3, verbose: 0 });
    expect(bits(onDataset.getWeights())).toEqual(bits(onTensors.getWeights()));
    expect(h2.history).toEqual(h1.history);
    expect(h2.epoch).toEqual([0, 1, 2]);
  });

  test('a generator of 200 batches made on the fly trains a model; params.steps is undefined; wasm memory stays flat', async () => {
    let passes = 0;
    let made = 0;
    const ds = data.fromGenerator(function* () {
      passes++;
      const rng = new Rng(7);
      for (let b = 0; b < 200; b++) {
        const x = new Float32Array(32 * 3);
        for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
        const y = new Float32Array(32);
        for (let i = 0; i < 32; i++) y[i] = 2 * x[i * 3]! - x[i * 3 + 1]! + 0.5 * x[i * 3 + 2]! + 0.5;
        made++;
        yield { x: tensor(x, [32, 3]), y: tensor(y, [32, 1]) };
      }
    });
    const model = new Sequential([layers.dense({ units: 1, inputShape: [3] })], { seed: 1 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const rec = new Recorder();
    const memory: number[] = [];
    const watch = new (class extends Callback {
      override onEpochEnd(): void {
        memory.push(memoryBytes());
      }
    })();
    const history = await model.fit(ds, undefined, { epochs: 3, verbose: 0, callbacks: [rec, watch] });
    expect(passes).toBe(3);
    expect(made).toBe(600);
    expect(rec.batches.length).toBe(600);
    expect(rec.seenParams!.steps).toBeUndefined();
    expect(rec.seenParams!.samples).toBeUndefined();
    expect(rec.seenParams!.batchSize).toBeUndefined();
    expect(rec.seenParams!.epochs).toBe(3);
    expect(memory[2]).toBe(memory[0]);
    const loss = history.history.loss!;
    expect(loss[2]!).toBeLessThan(1e-4);
    expect(loss[2]!).toBeLessThan(loss[0]!);
    const [kernel, bias] = model.getWeights();
    expect(Array.from(kernel!.data).map((v) => Math.round(v * 100) / 100)).toEqual([2, -1, 0.5]);
    expect(bias!.data[0]!).toBeCloseTo(0.5, 2);
  });

  test('validation on a dataset or on [x, y]; evaluate(dataset) equals evaluate on the tensors bit for bit', async () => {
    const train = regression(64, 2);
    const val = regression(40, 3);
    const model = mlp();
    const valDs = data.fromTensors(val.x, val.y, { batchSize: 16 });
    const h = await model.fit(data.fromTensors(train.x, train.y, { batchSize: 16, shuffle: true, seed: 1 }), undefined, { epochs: 2, verbose: 0, validationData: valDs });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    const fromDataset = await model.evaluate(valDs);
    expect(fromDataset).toEqual(model.evaluate(val.x, val.y, { batchSize: 16 }));
    expect(h.history.val_loss![1]).toBe(fromDataset.loss);
    expect(h.history.val_mae![1]).toBe(fromDataset.mae);
    // [x, y] validation while training on a dataset gives the same numbers (batches of 32).
    const again = mlp();
    const h2 = await again.fit(data.fromTensors(train.x, train.y, { batchSize: 16, shuffle: true, seed: 1 }), undefined, { epochs: 2, verbose: 0, validationData: [val.x, val.y] });
    expect(h2.history.loss).toEqual(h.history.loss);
    expect(h2.history.val_loss![1]).toBeCloseTo(fromDataset.loss!, 6);
    // evaluate with steps takes the first batches only.
    const first = await model.evaluate(valDs, undefined, { steps: 1 });
    expect(first).toEqual(model.evaluate(tensor(val.x.data.slice(0, 16 * 3), [16, 3]), tensor(val.y.data.slice(0, 16), [16, 1])));
  });

  test('a dataset as validationData while training on tensors', async () => {
    const train = regression(48, 4);
    const val = regression(20, 5);
    const a = mlp();
    const ha = await a.fit(train.x, train.y, { epochs: 2, batchSize: 8, seed: 9, verbose: 0, validationData: [val.x, val.y] });
    const b = mlp();
    const hb = await b.fit(train.x, train.y, { epochs: 2, batchSize: 8, seed: 9, verbose: 0, validationData: data.fromTensors(val.x, val.y, { batchSize: 8 }) });
    expect(hb.history).toEqual(ha.history);
  });

  test('stepsPerEpoch takes that many batches per epoch, going on across passes; params.steps is it', async () => {
    const { x, y } = regression(40, 6); // 5 batches of 8 per pass
    let passes = 0;
    const ds = data.fromGenerator(() => {
      passes++;
      return data.batches(x, y, { batchSize: 8 });
    });
    const rec = new Recorder();
    const model = mlp();
    const h = await model.fit(ds, undefined, { epochs: 3, stepsPerEpoch: 4, verbose: 0, callbacks: [rec] });
    expect(rec.seenParams!.steps).toBe(4);
    expect(rec.batches).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    expect(passes).toBe(3); // 12 batches: passes of 5, 5 and 2
    expect(h.history.loss).toHaveLength(3);
    // The same 12 batches as tensors in one epoch: the same weights.
    const flat = mlp();
    const order = Array.from({ length: 12 }, (_, k) => (k % 5) * 8);
    const rows = order.flatMap((r) => Array.from({ length: 8 }, (_, i) => r + i));
    const gx = tensor(Float32Array.from(rows.flatMap((r) => Array.from(x.data.subarray(r * 3, r * 3 + 3)))), [96, 3]);
    const gy = tensor(Float32Array.from(rows.map((r) => y.data[r]!)), [96, 1]);
    await flat.fit(gx, gy, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    expect(bits(model.getWeights())).toEqual(bits(flat.getWeights()));
  });

  test('plain iterables of batches: a re-iterable object and an async one; two-input models take x as an array', async () => {
    const { x, y } = regression(24, 8);
    const batchesOf = () => [...data.batches(x, y, { batchSize: 8 })];
    const sync = mlp();
    await sync.fit({ [Symbol.iterator]: () => batchesOf()[Symbol.iterator]() }, undefined, { epochs: 2, verbose: 0 });
    const viaAsync = mlp();
    await viaAsync.fit(
      {
        async *[Symbol.asyncIterator]() {
          yield* batchesOf();
        },
      },
      undefined,
      { epochs: 2, verbose: 0 },
    );
    const reference = mlp();
    await reference.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    const array = mlp();
    await array.fit(batchesOf(), undefined, { epochs: 2, verbose: 0 }); // an array of { x, y } is re-iterable
    expect(bits(array.getWeights())).toEqual(bits(reference.getWeights()));
    expect(bits(sync.getWeights())).toEqual(bits(reference.getWeights()));
    expect(bits(viaAsync.getWeights())).toEqual(bits(reference.getWeights()));

    const a = Input({ shape: [2] });
    const b = Input({ shape: [1] });
    const two = new Model({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(layers.concatenate().apply([a, b])), seed: 2 });
    two.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xa = tensor(x.data.filter((_, i) => i % 3 !== 2), [24, 2]);
    const xb = tensor(x.data.filter((_, i) => i % 3 === 2), [24, 1]);
    const twoInputs = { [Symbol.iterator]: () => [{ x: [xa, xb], y }][Symbol.iterator]() };
    const h = await two.fit(twoInputs, undefined, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    expect(await two.evaluate(twoInputs)).toEqual(two.evaluate([xa, xb], y));
  });

  test('a Sequential model without inputShape is built from the first batch (which is still trained on)', async () => {
    const { x, y } = regression(40, 14);
    const deferred = new Sequential([layers.dense({ units: 8, activation: 'relu' }), layers.dense({ units: 1 })], { seed: 3 });
    deferred.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] });
    const rec = new Recorder();
    const oneShot = (async function* () {
      yield* data.batches(x, y, { batchSize: 16 });
    })();
    const h = await deferred.fit(oneShot, undefined, { epochs: 1, verbose: 0, callbacks: [rec] });
    expect(deferred.inputShapes).toEqual([[3]]);
    expect(rec.batches).toEqual([0, 1, 2]);
    const reference = mlp();
    const h2 = await reference.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    expect(h.history).toEqual(h2.history);
    expect(bits(deferred.getWeights())).toEqual(bits(reference.getWeights()));
    const fresh = new Sequential([layers.dense({ units: 1 })], { seed: 3 });
    fresh.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    expect((await fresh.evaluate(data.fromTensors(x, y, { batchSize: 16 }))).loss).toBeGreaterThan(0);
    expect(fresh.inputShapes).toEqual([[3]]);
  });

  test('errors name the option, the epoch and the batch', async () => {
    const { x, y } = regression(32, 9);
    const ds = data.fromTensors(x, y, { batchSize: 8 });
    const model = mlp();
    await expect(model.fit(ds, undefined, { validationSplit: 0.2, verbose: 0 })).rejects.toThrow(/fit: validationSplit does not apply to a dataset/);
    await expect(model.fit(ds, undefined, { batchSize: 8, verbose: 0 })).rejects.toThrow(/fit: batchSize does not apply to a dataset/);
    await expect(model.fit(ds, undefined, { shuffle: true, verbose: 0 })).rejects.toThrow(/fit: shuffle does not apply to a dataset/);
    await expect(model.fit(ds, y, { verbose: 0 })).rejects.toThrow(/pass undefined as y, got a Tensor \[32, 1\]/);
    await expect(model.fit(ds, undefined, { stepsPerEpoch: 0, verbose: 0 })).rejects.toThrow(/stepsPerEpoch must be an integer >= 1, got 0/);
    await expect(model.fit(x, y, { stepsPerEpoch: 2, verbose: 0 })).rejects.toThrow(/stepsPerEpoch applies to datasets/);
    await expect(model.evaluate(ds, undefined, { batchSize: 4 })).rejects.toThrow(/evaluate: batchSize does not apply to a dataset/);
    expect(() => model.evaluate(x, y, { steps: 1 })).toThrow(/evaluate: steps applies to datasets/);

    const badShape = data.fromGenerator(function* () {
      let k = 0;
      for (const b of data.batches(x, y, { batchSize: 8 })) yield k++ === 2 ? { x: tensor(new Float32Array(8 * 4), [8, 4]), y: b.y } : b;
    });
    const err = await model.fit(badShape, undefined, { epochs: 1, verbose: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toMatch(/fit: epoch 1, batch 3: dense_\d+ expected input \[\*, 3\], got \[8, 4\]/);

    const sizes = data.fromGenerator(function* () {
      yield { x: tensor(new Float32Array(8 * 3), [8, 3]), y: tensor(new Float32Array(8), [8, 1]) };
      yield { x: tensor(new Float32Array(8 * 3), [8, 3]), y: tensor(new Float32Array(6), [6, 1]) };
    });
    const e2 = await model.fit(sizes, undefined, { verbose: 0 }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ShapeError);
    expect((e2 as Error).message).toMatch(/fit: epoch 1, batch 2: .*\[8, 3\].*\[6, 1\]/);
    // The same through a plain iterable (no Dataset check in between).
    const plain = { [Symbol.iterator]: () => [{ x: tensor(new Float32Array(4 * 3), [4, 3]), y: tensor(new Float32Array(3), [3, 1]) }][Symbol.iterator]() };
    await expect(model.fit(plain, undefined, { verbose: 0 })).rejects.toThrow(/fit: epoch 1, batch 1: x has 4 samples but y has 3/);
    const wrongTargets = { [Symbol.iterator]: () => [{ x: tensor(new Float32Array(4 * 3), [4, 3]), y: tensor(new Float32Array(8), [4, 2]) }][Symbol.iterator]() };
    await expect(model.fit(wrongTargets, undefined, { verbose: 0 })).rejects.toThrow(/fit: epoch 1, batch 1: loss meanSquaredError .* got y \[4, 2\]/);
    const notBatch = { [Symbol.iterator]: () => [[x, y]][Symbol.iterator]() };
    await expect(model.fit(notBatch as never, undefined, { verbose: 0 })).rejects.toThrow(/fit: epoch 1, batch 1: expected a batch \{ x: Tensor, y: Tensor \}, got an array/);

    const growing = data.fromGenerator(function* () {
      yield { x: tensor(new Float32Array(4 * 3), [4, 3]), y: tensor(new Float32Array(4), [4, 1]) };
      yield { x: tensor(new Float32Array(8 * 3), [8, 3]), y: tensor(new Float32Array(8), [8, 1]) };
    });
    await expect(model.fit(growing, undefined, { verbose: 0 })).rejects.toThrow(/fit: epoch 1, batch 2: 8 samples, more than the first batch's 4/);

    const oneShot = (async function* () {
      yield* data.batches(x, y, { batchSize: 8 });
    })();
    await expect(model.fit(oneShot, undefined, { epochs: 2, verbose: 0 })).rejects.toThrow(/fit: epoch 2, batch 1: the data yielded no batches/);
    const empty = data.fromGenerator(function* () {});
    await expect(model.fit(empty, undefined, { epochs: 1, stepsPerEpoch: 2, verbose: 0 })).rejects.toThrow(/fit: epoch 1, batch 1: the data ran out \(stepsPerEpoch is 2/);
    await expect(model.fit(ds, undefined, { verbose: 0, validationData: badShape })).rejects.toThrow(/fit \(validationData\): epoch 1, batch \d+: dense_\d+ expected input/);
  });

  test('closes the stream when a callback stops training early', async () => {
    const { x, y } = regression(64, 10);
    let closed = 0;
    const ds = data.fromGenerator(function* () {
      try {
        yield* data.batches(x, y, { batchSize: 8 });
      } finally {
        closed++;
      }
    });
    const stopper = new (class extends Callback {
      override onBatchEnd(batch: number): void {
        if (batch === 2) this.model!.stopTraining = true;
      }
    })();
    const rec = new Recorder();
    await mlp().fit(ds, undefined, { epochs: 3, verbose: 0, callbacks: [stopper, rec] });
    expect(rec.batches).toEqual([0, 1, 2]);
    expect(closed).toBe(1);
  });

  test('augment applies to image batches from a dataset as it does to tensors', async () => {
    const n = 12;
    const x = tensor(randomArray(n * 4 * 4 * 1, 11), [n, 4, 4, 1]);
    const y = tensor(Float32Array.from({ length: n }, (_, i) => i % 2), [n]);
    const make = () => {
      const m = new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.dense({ units: 2 })], { seed: 4 });
      m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      return m;
    };
    const { augment } = await import('../../src/index.js');
    const a = make();
    await a.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, seed: 5, verbose: 0, augment: augment.sequence([augment.randomFlip('horizontal')]) });
    const b = make();
    await b.fit(data.fromTensors(x, y, { batchSize: 4 }), undefined, { epochs: 2, seed: 5, verbose: 0, augment: augment.sequence([augment.randomFlip('horizontal')]) });
    expect(bits(b.getWeights())).toEqual(bits(a.getWeights()));
  });
});

describe('History runs after the callbacks (Keras 3)', () => {
  test('learning_rate written by learningRateScheduler reaches history.history', async () => {
    const { x, y } = regression(32, 12);
    const model = mlp();
    const h = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [callbacks.learningRateScheduler((epoch) => 0.01 / 2 ** epoch)] });
    expect(h.history.learning_rate).toHaveLength(3);
    expect(h.history.learning_rate![0]).toBeCloseTo(0.01, 9);
    expect(h.history.learning_rate![1]).toBeCloseTo(0.005, 9);
    expect(h.history.learning_rate![2]).toBeCloseTo(0.0025, 9);
  });

  test('learning_rate written by reduceLROnPlateau reaches history.history, on a dataset too', async () => {
    const { x, y } = regression(32, 13);
    const model = mlp();
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: 'meanSquaredError' }); // no progress: a plateau
    const h = await model.fit(data.fromTensors(x, y, { batchSize: 16 }), undefined, {
      epochs: 4,
      verbose: 0,
      callbacks: [callbacks.reduceLROnPlateau({ monitor: 'loss', patience: 0, factor: 0.5, minLr: 0 })],
    });
    expect(h.history.learning_rate).toHaveLength(4);
    expect(h.history.learning_rate!.every((lr) => lr === 0)).toBe(true);
    const model2 = mlp();
    model2.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const h2 = await model2.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [callbacks.reduceLROnPlateau({ monitor: 'loss', patience: 5 })] });
    expect(h2.history.learning_rate).toEqual([0.1, 0.1, 0.1].map((v) => expect.closeTo(v, 7) as unknown as number));
  });
});

describe('ProgressBar with an unknown number of steps', () => {
  test('shows n/Unknown during the first epoch, then the count the first pass gave', () => {
    const s: ProgressSink & { out: string } = { tty: true, out: '', write: (t: string) => void (s.out += t), line: (t: string) => void (s.out += `${t}\n`) };
    const bar = new ProgressBar(1, s, 0);
    bar.setParams({ epochs: 2, steps: undefined, samples: undefined, batchSize: undefined, verbose: 1, metrics: ['loss'] });
    bar.onTrainBegin();
    for (let e = 0; e < 2; e++) {
      bar.onEpochBegin(e);
      for (let b = 0; b < 4; b++) bar.onBatchEnd(b, { loss: 1 });
      bar.onEpochEnd(e, { loss: 1 });
    }
    expect(s.out).toMatch(/\r2\/Unknown - \S+ - loss: 1\.0000/);
    expect(s.out).toMatch(/\r4\/4 \[={30}\] - /);
    expect(s.out).toMatch(/\r1\/4 \[={7}>/);
    expect(s.out).not.toMatch(/NaN|undefined/);
  });
});
