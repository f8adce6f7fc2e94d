// The inference path: Dense kernels packed once (layers/prepack.ts) and repacked whenever any
// weight write bumps the weights version, so predict never reads stale weights; inference plans
// hold no gradient buffers.
import { describe, expect, test } from 'vitest';
import { heap, readF32, writeF32 } from '../../src/backend/memory.js';
import { weightsChanged, weightsVersion } from '../../src/backend/weights-version.js';
import { Input, Model, Sequential, Tensor, layers, losses, optimizers, tensor } from '../../src/index.js';
import { PackedGemmB } from '../../src/layers/prepack.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { expectClose, randomArray } from '../util.js';

/** relu(x·W1 + b1)·W2 + b2 in f64 from the model's current weights. */
function reference(model: Sequential, x: Float32Array, n: number): Float64Array {
  const [w1, b1, w2, b2] = model.getWeights().map((t) => t.data);
  const [inDim, hidden] = model.getWeights()[0]!.shape as [number, number];
  const out = model.getWeights()[2]!.shape[1]!;
  const y = new Float64Array(n * out);
  for (let r = 0; r < n; r++) {
    const h = new Float64Array(hidden);
    for (let j = 0; j < hidden; j++) {
      let s = b1![j]!;
      for (let p = 0; p < inDim; p++) s += x[r * inDim + p]! * w1![p * hidden + j]!;
      h[j] = Math.max(0, s);
    }
    for (let j = 0; j < out; j++) {
      let s = b2![j]!;
      for (let p = 0; p < hidden; p++) s += h[p]! * w2![p * out + j]!;
      y[r * out + j] = s;
    }
  }
  return y;
}

function mlp(): Sequential {
  const model = new Sequential([
    layers.dense({ units: 37, activation: 'relu', inputShape: [65] }),
    layers.dense({ units: 5 }),
  ], { seed: 3 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: losses.meanSquaredError() });
  return model;
}

/** Three predicts in a row (unpacked, packing, packed) each match the f64 reference of the current weights. */
function expectCurrent(model: Sequential, x: Tensor, what: string): void {
  const n = x.shape[0]!;
  const want = reference(model, x.data, n);
  for (let i = 0; i < 3; i++) expectClose(model.predict(x).data, want, `${what}, predict ${i + 1}`, 2e-5, 2e-5);
}

describe('Dense inference on a pre-packed kernel', () => {
  test('predict matches the current weights after setWeights, fit, trainStep and a layer shared with another model', async () => {
    const model = mlp();
    const one = tensor(randomArray(65, 1), [1, 65]);
    const many = tensor(randomArray(7 * 65, 2), [7, 65]);
    expectCurrent(model, one, 'fresh, batch 1');
    expectCurrent(model, many, 'fresh, batch 7');
    model.setWeights(model.getWeights().map((t, i) => tensor(randomArray(t.data.length, 10 + i), t.shape)));
    expectCurrent(model, one, 'after setWeights');
    const xs = tensor(randomArray(20 * 65, 3), [20, 65]);
    const ys = tensor(randomArray(20 * 5, 4), [20, 5]);
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    expectCurrent(model, one, 'after fit');
    model.trainStep(xs, ys);
    expectCurrent(model, many, 'after trainStep');
    // The first Dense shared with a second model: training that one changes this one's predictions.
    const x = Input({ shape: [65] });
    const other = new Model({ inputs: x, outputs: layers.dense({ units: 2 }).apply(model.layers[0]!.apply(x)) });
    other.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: losses.meanSquaredError() });
    const before = model.predict(one).data.slice();
    other.trainStep(xs, tensor(randomArray(40, 5), [20, 2]));
    expectCurrent(model, one, 'after training a model sharing the layer');
    expect(Array.from(model.predict(one).data)).not.toEqual(Array.from(before));
  });

  test('packed and unpacked predictions are bit-identical, at batch 1 and in batches', () => {
    const model = mlp();
    const x = tensor(randomArray(33 * 65, 6), [33, 65]);
    const first = model.predict(x, { batchSize: 33 }).data.slice(); // unpacked
    const packed = model.predict(x, { batchSize: 33 }).data;
    expect(Array.from(packed)).toEqual(Array.from(first));
    for (const r of [0, 5, 32]) {
      const row = tensor(x.data.slice(r * 65, (r + 1) * 65), [1, 65]);
      for (let i = 0; i < 2; i++) expect(Array.from(model.predict(row).data), `row ${r}`).toEqual(Array.from(first.slice(r * 5, (r + 1) * 5)));
    }
  });
});

describe('PackedGemmB', () => {
  test('packs on the second call at one weights version and repacks only when the version changes', () => {
    const k = 9, n = 20;
    const b = heap().alloc(k * n * 4);
    const owned: number[] = [];
    const packed = new PackedGemmB((floats) => {
      const p = heap().alloc(floats * 4);
      owned.push(p);
      return p;
    });
    try {
      const values = randomArray(k * n, 7);
      writeF32(b, values);
      weightsChanged();
      expect(packed.get(b, n, false, k, n)).toBe(0); // first call at this version: no packing
      const ptr = packed.get(b, n, false, k, n);
      expect(ptr).not.toBe(0);
      expect(owned).toHaveLength(1);
      // Panel 0, depth 1, column 3 is B[1][3]; columns past n in the last panel are zero.
      const at = (panel: number, p: number, j: number) => readF32(ptr + ((panel * k + p) * 16 + j) * 4, 1)[0]!;
      expect(at(0, 1, 3)).toBe(values[1 * n + 3]);
      expect(at(1, 8, 3)).toBe(values[8 * n + 19]);
      expect(at(1, 8, 4)).toBe(0);
      // Memory written without a version bump is not repacked (the cache trusts the counter) ...
      writeF32(b, new Float32Array(k * n).fill(2));
      const v = weightsVersion();
      expect(packed.get(b, n, false, k, n)).toBe(ptr);
      expect(at(0, 1, 3)).toBe(values[1 * n + 3]);
      // ... and every bump is: one unpacked call, then a repack into the same buffer.
      weightsChanged();
      expect(weightsVersion()).toBe(v + 1);
      expect(packed.get(b, n, false, k, n)).toBe(0);
      expect(packed.get(b, n, false, k, n)).toBe(ptr);
      expect(at(0, 1, 3)).toBe(2);
      expect(owned).toHaveLength(1);
    } finally {
      for (const p of [b, ...owned]) heap().free(p);
    }
  });
});

describe('inference plans', () => {
  test('hold no gradient buffers', () => {
    const x = Input({ shape: [12, 12, 3] });
    let y = layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
    y = layers.maxPooling2d().apply(y);
    y = layers.dense({ units: 4, activation: 'relu' }).apply(layers.flatten().apply(y));
    const graph = buildGraph([x], y, 'inference plan test');
    const inference = new Plan(graph, 4, 0, undefined);
    const training = new Plan(graph, 4, 0, new Map(graph.layers.flatMap((l) => l.weights.map((w) => [w, 8] as const))));
    try {
      for (const s of inference.steps) {
        expect(s.io.output.grad, s.layer.name).toBe(0);
        expect(s.io.dz, s.layer.name).toBe(0);
        expect(s.io.weightGrads.every((g) => g === 0), s.layer.name).toBe(true);
        expect(s.io.sink, s.layer.name).toBe(0);
      }
      expect(inference.bytes).toBeLessThan(training.bytes / 2);
    } finally {
      inference.free();
      training.free();
    }
  });
});
