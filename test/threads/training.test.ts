// The determinism promise of DESIGN.md §5 across thread counts: the same seeded MLP trained on the
// same data with 1 (the single-threaded build), 2, 3 and 4 threads ends with bit-identical
// weights, losses and predictions. Dense layers run their forward and both gradients as GEMMs,
// which split over the threads, as do convolutions (all three passes), elementwise kernels and
// optimizer updates; the CNN test covers convolutions, pooling and batch norm.
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { randomArray } from '../util.js';
import { instance, splitEverything, SINGLE_WASM, THREADS_WASM, type Instance } from './instances.js';

const N = 300; // batches of 64: four full and one of 44 (odd row counts split too)
const FEATURES = 128;
const CLASSES = 10;

let runs: Instance[];

beforeAll(async () => {
  runs = [await instance(1), await instance(2), await instance(3), await instance(4)];
});

afterAll(() => {
  for (const run of runs) run.threads.stopThreads();
});

type Optimizers = Library['optimizers'];
type Library = Instance['tl'];

/** Trains the MLP in `lib` and returns its weights' bits, the loss history and the predictions' bits. */
async function train(
  lib: Instance,
  optimizer: (o: Optimizers) => ReturnType<Optimizers['get']> = (o) => o.adam({ learningRate: 0.01 }),
  epochs = 3,
): Promise<{ weights: number[][]; loss: number[]; predictions: number[] }> {
  const { tl } = lib;
  const x = tl.tensor(randomArray(N * FEATURES, 11), [N, FEATURES]);
  const labels = new Float32Array(N);
  for (let i = 0; i < N; i++) labels[i] = (i * 7) % CLASSES;
  const y = tl.tensor(labels, [N]);
  const model = new tl.Sequential([
    tl.layers.dense({ units: 128, activation: 'relu', inputShape: [FEATURES] }),
    tl.layers.dense({ units: 64, activation: 'tanh' }),
    tl.layers.dense({ units: CLASSES }),
  ], { seed: 42 });
  model.compile({ optimizer: optimizer(tl.optimizers), loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const history = await model.fit(x, y, { epochs, batchSize: 64, shuffle: true, verbose: 0 });
  const bits = (t: { data: Float32Array }) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
  return { weights: model.getWeights().map(bits), loss: history.history.loss as number[], predictions: bits(model.predict(x)) };
}

test('an MLP trained with 1, 2, 3 and 4 threads ends with bit-identical weights', async () => {
  expect(runs.map((r) => r.tl.threadCount())).toEqual([1, 2, 3, 4]);
  const results = [];
  for (const run of runs) results.push(await train(run));
  // The products did split: every pool ran kernel calls in parts.
  for (const run of runs.slice(1)) expect(run.threads.threadPool()!.calls).toBeGreaterThan(50);
  const [one, ...more] = results;
  expect(one!.loss[2]).toBeLessThan(one!.loss[0]!);
  for (const [i, result] of more.entries()) {
    expect(result.weights, `${i + 2} threads: weights`).toEqual(one!.weights);
    expect(result.loss, `${i + 2} threads: loss`).toEqual(one!.loss);
    expect(result.predictions, `${i + 2} threads: predictions`).toEqual(one!.predictions);
  }
});

test('the same with every GEMM, activation, fill and optimizer update split, with each optimizer', async () => {
  for (const run of runs) splitEverything(run);
  const optimizers: Record<string, (o: Optimizers) => ReturnType<Optimizers['get']>> = {
    adam: (o) => o.adam({ learningRate: 0.01 }),
    'adam amsgrad': (o) => o.adam({ learningRate: 0.01, amsgrad: true, weightDecay: 0.01 }),
    adamw: (o) => o.adamw({ learningRate: 0.01 }),
    'sgd nesterov': (o) => o.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }),
    'rmsprop centered': (o) => o.rmsprop({ learningRate: 0.001, centered: true, momentum: 0.5 }),
    adagrad: (o) => o.adagrad({ learningRate: 0.05 }),
    adadelta: (o) => o.adadelta({ learningRate: 1 }),
    adamax: (o) => o.adamax(),
    nadam: (o) => o.nadam(),
  };
  for (const [name, optimizer] of Object.entries(optimizers)) {
    const one = await train(runs[0]!, optimizer, 1);
    for (const run of [runs[1]!, runs[2]!]) {
      expect((await train(run, optimizer, 1)).weights, `${name}, ${run.tl.threadCount()} threads`).toEqual(one.weights);
    }
  }
});

/**
 * Trains a small CNN in `lib`: a Winograd conv (3x3, 16 -> 16: forward, flipped input gradient,
 * filter gradient), a few-channel conv (3x3 on one channel), a 5x5 stride-2 conv (im2col chunks,
 * col2im input gradient, the general filter gradient), batch norm and both poolings.
 */
async function trainCnn(lib: Instance): Promise<{ weights: number[][]; loss: number[]; predictions: number[] }> {
  const { tl } = lib;
  const n = 150; // batches of 32: four full and one of 22
  const x = tl.tensor(randomArray(n * 14 * 14, 5), [n, 14, 14, 1]);
  const y = tl.tensor(Float32Array.from({ length: n }, (_, i) => (i * 3) % CLASSES), [n]);
  const model = new tl.Sequential([
    tl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [14, 14, 1] }),
    tl.layers.batchNormalization(),
    tl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tl.layers.maxPooling2d(),
    tl.layers.conv2d({ filters: 12, kernelSize: 5, strides: 2, padding: 'same' }),
    tl.layers.batchNormalization(),
    tl.layers.activation({ activation: 'relu' }),
    tl.layers.averagePooling2d(),
    tl.layers.flatten(),
    tl.layers.dense({ units: CLASSES }),
  ], { seed: 7 });
  model.compile({ optimizer: tl.optimizers.adam({ learningRate: 0.01 }), loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const history = await model.fit(x, y, { epochs: 2, batchSize: 32, shuffle: true, verbose: 0 });
  const bits = (t: { data: Float32Array }) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
  return { weights: model.getWeights().map(bits), loss: history.history.loss as number[], predictions: bits(model.predict(x)) };
}

test('a CNN (Winograd and direct convs, batch norm, max and average pooling) trained with 1, 2, 3 and 4 threads ends with bit-identical weights', async () => {
  for (const run of runs) splitEverything(run);
  const before = runs.slice(1).map((run) => run.threads.threadPool()!.calls);
  const results = [];
  for (const run of runs) results.push(await trainCnn(run));
  const [one, ...more] = results;
  // Every conv pass, pooling and normalisation call could split: far more split calls than steps.
  runs.slice(1).forEach((run, i) => expect(run.threads.threadPool()!.calls - before[i]!).toBeGreaterThan(200));
  expect(one!.loss[1]).toBeLessThan(one!.loss[0]!);
  for (const [i, result] of more.entries()) {
    expect(result.weights, `${i + 2} threads: weights`).toEqual(one!.weights);
    expect(result.loss, `${i + 2} threads: loss`).toEqual(one!.loss);
    expect(result.predictions, `${i + 2} threads: predictions`).toEqual(one!.predictions);
  }
});

test('init validates threads and verbose, and says why it runs on one thread', async () => {
  vi.resetModules();
  const tl = await import('../../src/index.js');
  for (const bad of [0, 1.5, 65, 'two', null]) {
    await expect(tl.init({ threads: bad as never })).rejects.toThrow(/init: options.threads must be a whole number from 1 to 64 or 'auto', got /);
  }
  await expect(tl.init({ verbose: 'yes' as never })).rejects.toThrow('init: options.verbose must be a boolean, got string');
  await expect(tl.init({ threads: 2, bytes: SINGLE_WASM(), url: 'x' })).rejects.toThrow('init: give one of module, bytes, url, got bytes and url');
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    await tl.init({ threads: 2, bytes: SINGLE_WASM(), verbose: true });
    expect(tl.threadCount()).toBe(1);
    expect(warn.mock.calls).toEqual([['tensorlane init: running on one thread instead of 2: the module given is tensorlane.wasm; threads need tensorlane-threads.wasm']]);
  } finally {
    warn.mockRestore();
  }
});

test('where Atomics.wait may not block (a browser main thread), threads fall back to one with a note', async () => {
  vi.resetModules();
  const tl = await import('../../src/index.js');
  const wait = vi.spyOn(Atomics, 'wait').mockImplementation(() => {
    throw new TypeError('Atomics.wait cannot be called in this context');
  });
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  let notes: unknown[][];
  try {
    await tl.init({ threads: 4, bytes: THREADS_WASM(), verbose: true });
  } finally {
    notes = [...warn.mock.calls];
    wait.mockRestore();
    warn.mockRestore();
  }
  expect(tl.threadCount()).toBe(1);
  expect(notes).toHaveLength(1);
  expect(notes[0]![0]).toMatch(/running on one thread instead of 4: this thread may not block in Atomics.wait/);
  // The threads build runs single-threaded over its shared memory.
  expect(Array.from(tl.ops.matmul(tl.tensor([1, 2, 3], [1, 3]), tl.tensor([4, 5, 6], [3, 1])).data)).toEqual([32]);
});

test("threads: 'auto' runs one thread per core, at most 8", async () => {
  vi.resetModules();
  const tl = await import('../../src/index.js');
  const threads = await import('../../src/backend/threads.js');
  await tl.init({ threads: 'auto', bytes: THREADS_WASM() });
  const { availableParallelism } = await import('node:os');
  expect(tl.threadCount()).toBe(Math.min(8, availableParallelism()));
  threads.stopThreads();
});
