import { describe, expect, test } from 'vitest';
import { layers, Input, Model, Sequential, tensor, ShapeError } from '../../src/index.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';

describe('Dense', () => {
  test('infers output shapes, including over leading axes', () => {
    const d = layers.dense({ units: 4 });
    expect(d.apply(Input({ shape: [3] })).shape).toEqual([4]);
    const e = layers.dense({ units: 5 });
    expect(e.apply(Input({ shape: [2, 3] })).shape).toEqual([2, 5]);
  });

  test('has Keras weight layout and counts parameters', () => {
    const d = layers.dense({ units: 4 });
    d.apply(Input({ shape: [3] }));
    expect(d.weights.map((w) => [w.name, w.shape])).toEqual([['kernel', [3, 4]], ['bias', [4]]]);
    expect(d.countParams()).toBe(16);
    const noBias = layers.dense({ units: 4, useBias: false });
    noBias.apply(Input({ shape: [3] }));
    expect(noBias.countParams()).toBe(12);
  });

  test('a model whose output needs an input it was not given is rejected', () => {
    const d = layers.dense({ units: 2 });
    expect(() => new Model({ inputs: Input({ shape: [3] }), outputs: d.apply(Input({ shape: [3] })) })).toThrow(/depends on input_\d+ .*not among the model's inputs/);
  });

  test('matches finite differences on odd shapes (input, kernel, bias)', () => {
    gradCheck(layers.dense({ units: 5 }), [[3]], { batch: 3 });
    gradCheck(layers.dense({ units: 1 }), [[7]], { batch: 1 });
    gradCheck(layers.dense({ units: 3 }), [[2, 5]], { batch: 2 });
  });

  test('rejects a wrong input size naming the layer and shapes', () => {
    const d = layers.dense({ units: 2, name: 'dense_x' });
    d.apply(Input({ shape: [4] }));
    expect(() => d.apply(Input({ shape: [5] }))).toThrow(/dense_x: expected input \[\*, 4\], got \[\*, 5\]/);
  });

  test('round-trips its config', () => {
    const d = layers.dense({ units: 3, activation: 'relu', useBias: false, name: 'd_cfg' });
    const cfg = d.getConfig();
    expect(cfg).toMatchObject({ units: 3, activation: 'relu', useBias: false, name: 'd_cfg', trainable: true });
    const again = layers.dense(cfg as never);
    expect(again.getConfig()).toEqual(cfg);
  });
});

describe('Flatten and Reshape', () => {
  test('infer shapes and alias their input', () => {
    expect(layers.flatten().apply(Input({ shape: [2, 3, 4] })).shape).toEqual([24]);
    expect(layers.reshape({ targetShape: [4, -1] }).apply(Input({ shape: [2, 6] })).shape).toEqual([4, 3]);
    expect(() => layers.reshape({ targetShape: [5, -1] }).apply(Input({ shape: [2, 6] }))).toThrow(ShapeError);
  });

  test('pass gradients through', () => {
    gradCheck(layers.flatten(), [[2, 3]], { batch: 2 });
    gradCheck(layers.reshape({ targetShape: [3, 2] }), [[6]], { batch: 2 });
  });
});

describe('Sequential', () => {
  test('predict computes x·W + b with the weights set', () => {
    const model = new Sequential([layers.dense({ units: 2, inputShape: [3] })]);
    model.setWeights([tensor([1, 2, 3, 4, 5, 6], [3, 2]), tensor([0.5, -0.5], [2])]);
    const y = model.predict(tensor([1, 0, 0, 0, 1, 1], [2, 3]));
    expect(y.shape).toEqual([2, 2]);
    expectClose(y.data, [1.5, 1.5, 8.5, 9.5], 'predict');
  });

  test('summary lists layers, shapes and parameter totals', () => {
    const model = new Sequential([layers.dense({ units: 8, inputShape: [4], name: 'hidden' }), layers.dense({ units: 3, name: 'out' })], { name: 'mlp' });
    const text = model.summary();
    expect(text).toContain('Model: "mlp"');
    expect(text).toMatch(/hidden \(Dense\)\s+\(None, 8\)\s+40/);
    expect(text).toMatch(/out \(Dense\)\s+\(None, 3\)\s+27/);
    expect(text).toContain('Total params: 67');
    expect(text).toContain('Trainable params: 67');
    expect(text).toContain('Non-trainable params: 0');
  });

  test('predict handles batch sizes that do not divide n', () => {
    const model = new Sequential([layers.dense({ units: 3, inputShape: [5] })], { seed: 3 });
    const x = tensor(randomArray(7 * 5, 2), [7, 5]);
    const all = model.predict(x, { batchSize: 7 });
    const chunked = model.predict(x, { batchSize: 3 });
    expectClose(chunked.data, all.data, 'predict batch 3 vs 7');
  });
});
