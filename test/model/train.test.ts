// End-to-end learning: small problems every layer stack must solve.
import { describe, expect, test } from 'vitest';
import { layers, Input, Model, Sequential, tensor, type Tensor } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import * as losses from '../../src/losses/index.js';
import { randomArray } from '../util.js';

const logits = () => losses.sparseCategoricalCrossentropy({ fromLogits: true });

function accuracy(model: Model, x: Tensor, labels: ArrayLike<number>): number {
  const y = model.predict(x).data;
  const k = y.length / labels.length;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (y[i * k + j]! > y[i * k + best]!) best = j;
    if (best === labels[i]) hits++;
  }
  return hits / labels.length;
}

/** Two interleaved spirals (2 classes), deterministic. */
function spiral(n: number): { x: Tensor; y: Tensor; labels: Float32Array } {
  const x = new Float32Array(n * 2);
  const labels = new Float32Array(n);
  const noise = randomArray(n * 2, 11, -0.03, 0.03);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const t = (Math.floor(i / 2) / (n / 2)) * 3 * Math.PI + 0.5;
    const r = t / (3 * Math.PI + 0.5);
    const a = t + cls * Math.PI;
    x[i * 2] = r * Math.cos(a) + noise[i * 2]!;
    x[i * 2 + 1] = r * Math.sin(a) + noise[i * 2 + 1]!;
    labels[i] = cls;
  }
  return { x: tensor(x, [n, 2]), y: tensor(labels, [n]), labels };
}

describe('learning', () => {
  test('an MLP learns XOR', async () => {
    const x = tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
    const y = tensor([0, 1, 1, 0], [4]);
    const model = new Sequential([layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 2 })], { seed: 1 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: logits(), metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
    expect(accuracy(model, x, [0, 1, 1, 0])).toBe(1);
    expect(h.history.accuracy!.at(-1)).toBe(1);
  });

  test('an MLP learns a 2-class spiral to >= 0.97 accuracy', async () => {
    const { x, y, labels } = spiral(300);
    const model = new Sequential([
      layers.dense({ units: 32, activation: 'relu', inputShape: [2] }),
      layers.dense({ units: 32, activation: 'relu' }),
      layers.dense({ units: 2 }),
    ], { seed: 3 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: logits(), metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 150, batchSize: 32, verbose: 0 });
    expect(accuracy(model, x, labels)).toBeGreaterThanOrEqual(0.97);
  });

  test('a small CNN learns horizontal vs vertical bars', async () => {
    const n = 64;
    const img = new Float32Array(n * 8 * 8);
    const labels = new Float32Array(n);
    const noise = randomArray(img.length, 5, 0, 0.2);
    for (let i = 0; i < n; i++) {
      const vertical = i % 2;
      const at = (i * 3) % 8;
      labels[i] = vertical;
      for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) {
        const on = vertical ? c === at : r === at;
        img[i * 64 + r * 8 + c] = (on ? 1 : 0) + noise[i * 64 + r * 8 + c]!;
      }
    }
    const x = tensor(img, [n, 8, 8, 1]);
    const model = new Sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
      layers.batchNormalization(),
      layers.maxPooling2d(),
      layers.flatten(),
      layers.dense({ units: 2 }),
    ], { seed: 4 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: logits(), metrics: ['accuracy'] });
    await model.fit(x, tensor(labels, [n]), { epochs: 25, batchSize: 16, verbose: 0 });
    expect(accuracy(model, x, labels)).toBe(1);
  });
});

describe('functional graphs', () => {
  test('a residual block trains and its summary shows the connections', async () => {
    const input = Input({ shape: [6] });
    const h = layers.dense({ units: 16, activation: 'relu', name: 'res_in' }).apply(input);
    const branch = layers.dense({ units: 16, activation: 'relu', name: 'res_branch' }).apply(h);
    const sum = layers.add({ name: 'res_add' }).apply([h, branch]);
    const out = layers.dense({ units: 1, name: 'res_out' }).apply(sum);
    const model = new Model({ inputs: input, outputs: out, seed: 2, name: 'residual' });
    expect(model.summary()).toMatch(/res_add \(Add\)\s+\(None, 16\)\s+0\s+res_in, res_branch/);
    const x = randomArray(128 * 6, 8);
    const y = new Float32Array(128);
    for (let i = 0; i < 128; i++) y[i] = Math.sin(x[i * 6]!) + x[i * 6 + 1]! * x[i * 6 + 2]!;
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    const hist = await model.fit(tensor(x, [128, 6]), tensor(y, [128, 1]), { epochs: 60, batchSize: 32, verbose: 0 });
    expect(hist.history.loss!.at(-1)!).toBeLessThan(hist.history.loss![0]! / 5);
  });

  test('a U-Net-style encoder-decoder with a concatenated skip trains', async () => {
    const input = Input({ shape: [8, 8, 1] });
    const e1 = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input);
    const p1 = layers.maxPooling2d().apply(e1);
    const mid = layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(p1);
    const up = layers.upSampling2d().apply(mid);
    const cat = layers.concatenate().apply([up, e1]);
    expect(cat.shape).toEqual([8, 8, 12]);
    const d1 = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(cat);
    const out = layers.conv2d({ filters: 1, kernelSize: 1 }).apply(d1);
    const model = new Model({ inputs: input, outputs: out, seed: 6 });
    // Task: denoise a bright square.
    const n = 32;
    const clean = new Float32Array(n * 64);
    for (let i = 0; i < n; i++) {
      const r0 = i % 5;
      const c0 = (i * 3) % 5;
      for (let r = r0; r < r0 + 3; r++) for (let c = c0; c < c0 + 3; c++) clean[i * 64 + r * 8 + c] = 1;
    }
    const noisy = clean.map((v, i) => v + randomArray(1, i + 1, -0.3, 0.3)[0]!);
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    const h = await model.fit(tensor(noisy, [n, 8, 8, 1]), tensor(clean, [n, 8, 8, 1]), { epochs: 30, batchSize: 8, verbose: 0 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]! / 3);
  });

  test('two inputs feed one output', () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [2] });
    const out = layers.dense({ units: 1 }).apply(layers.concatenate().apply([a, b]));
    const model = new Model({ inputs: [a, b], outputs: out, seed: 1 });
    const y = model.predict([tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(4), [2, 2])]);
    expect(y.shape).toEqual([2, 1]);
    expect(() => model.predict(tensor(new Float32Array(6), [2, 3]))).toThrow(/has 2 inputs, got 1/);
  });

  test('a shared layer applied twice accumulates both gradients', async () => {
    const input = Input({ shape: [4] });
    const shared = layers.dense({ units: 4, activation: 'tanh' });
    const out = layers.dense({ units: 1 }).apply(shared.apply(shared.apply(input)));
    const model = new Model({ inputs: input, outputs: out, seed: 8 });
    expect(model.layers).toHaveLength(2);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const x = tensor(randomArray(64, 9), [16, 4]);
    const y = tensor(randomArray(16, 10), [16, 1]);
    const h = await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
  });
});

describe('transfer learning', () => {
  test('a frozen layer is not updated and a replaced head trains', async () => {
    const base = layers.dense({ units: 8, activation: 'relu', inputShape: [4], name: 'base' });
    const model = new Sequential([base, layers.dense({ units: 3, name: 'head_a' })], { seed: 5 });
    const before = base.getWeights().map((t) => Array.from(t.data));
    base.trainable = false;
    model.pop();
    model.add(layers.dense({ units: 2, name: 'head_b' }));
    expect(model.summary()).toMatch(/Trainable params: 18\nNon-trainable params: 40/);
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: logits(), metrics: ['accuracy'] });
    const x = tensor(randomArray(40 * 4, 12), [40, 4]);
    const y = tensor(Float32Array.from({ length: 40 }, (_, i) => (x.data[i * 4]! > 0 ? 1 : 0)), [40]);
    const h = await model.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0 });
    expect(base.getWeights().map((t) => Array.from(t.data))).toEqual(before);
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
    // Unfreezing trains the base too.
    base.trainable = true;
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(base.getWeights().map((t) => Array.from(t.data))).not.toEqual(before);
  });

  test('a new model built from another model\'s layers shares their weights', () => {
    const a = new Sequential([layers.dense({ units: 3, inputShape: [2] }), layers.dense({ units: 2 })], { seed: 1 });
    const b = new Sequential([a.layers[0]!, layers.dense({ units: 5 })]);
    const wa = a.getWeights()[0]!.data;
    expect(Array.from(b.getWeights()[0]!.data)).toEqual(Array.from(wa));
  });
});

describe('trainStep checks every call', () => {
  test('rejects inputs whose sample shape or rank does not match, naming the layer', () => {
    const model = new Sequential([layers.dense({ units: 2, inputShape: [3], name: 'head' })], { seed: 3 });
    model.compile({ optimizer: optimizers.sgd(), loss: losses.meanSquaredError() });
    const y = tensor(new Float32Array(4), [2, 2]);
    expect(() => model.trainStep(tensor(new Float32Array(8), [2, 4]), y)).toThrow('head: expected input [*, 3], got [2, 4]');
    expect(() => model.trainStep(tensor(new Float32Array(6), [2, 3, 1]), y)).toThrow('head: expected input [*, 3], got [2, 3, 1]');
    expect(() => model.trainStep(tensor(new Float32Array(3), [3]), y)).toThrow('head: expected input [*, 3], got [3]');
    expect(Number.isFinite(model.trainStep(tensor(new Float32Array(6), [2, 3]), y))).toBe(true);
  });

  test('repeated steps are the same as fit one batch at a time (initialisation happens once)', async () => {
    const make = () => {
      const m = new Sequential([layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1 })], { seed: 9 });
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: losses.meanSquaredError() });
      return m;
    };
    const x = tensor(randomArray(12, 4), [4, 3]);
    const y = tensor(randomArray(4, 5), [4, 1]);
    const a = make();
    for (let i = 0; i < 3; i++) a.trainStep(x, y);
    const b = make();
    await b.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const wa = a.getWeights().map((w) => Array.from(w.data));
    const wb = b.getWeights().map((w) => Array.from(w.data));
    expect(wa).toEqual(wb);
  });
});
