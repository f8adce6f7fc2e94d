import { describe, expect, test } from 'vitest';
import { layers, Input, Sequential, tensor } from '../../src/index.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';

describe('BatchNormalization', () => {
  test('has Keras weights [gamma, beta, moving_mean, moving_variance], two trainable', () => {
    const bn = layers.batchNormalization();
    bn.apply(Input({ shape: [4, 4, 3] }));
    expect(bn.weights.map((w) => `${w.name}${JSON.stringify(w.shape)}`)).toEqual(['gamma[3]', 'beta[3]', 'moving_mean[3]', 'moving_variance[3]']);
    expect(bn.trainableWeights).toHaveLength(2);
    expect(bn.nonTrainableWeights).toHaveLength(2);
    const noScale = layers.batchNormalization({ scale: false, center: false });
    noScale.apply(Input({ shape: [3] }));
    expect(noScale.weights.map((w) => w.name)).toEqual(['moving_mean', 'moving_variance']);
  });

  test('matches finite differences in training mode (batch statistics)', () => {
    gradCheck(layers.batchNormalization(), [[5]], { batch: 4 });
    gradCheck(layers.batchNormalization(), [[3, 2, 3]], { batch: 2 });
  });

  test('matches finite differences in inference mode', () => {
    gradCheck(layers.batchNormalization(), [[3, 5]], { batch: 3, training: false });
  });

  test('training updates the moving statistics; a frozen layer keeps them and its gamma/beta', async () => {
    const bn = layers.batchNormalization({ inputShape: [3] });
    const model = new Sequential([bn, layers.dense({ units: 1 })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tensor(randomArray(24, 5, 2, 4), [8, 3]);
    const y = tensor(randomArray(8, 6), [8, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const [, , mean1] = bn.getWeights();
    expect(Array.from(mean1!.data).every((v) => v > 0.02 && v < 0.04)).toBe(true); // 0.01 of a mean near 3
    bn.trainable = false;
    const frozen = bn.getWeights().map((t) => Array.from(t.data));
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(bn.getWeights().map((t) => Array.from(t.data))).toEqual(frozen);
  });

  test('inference uses the moving statistics', () => {
    const model = new Sequential([layers.batchNormalization({ inputShape: [2], epsilon: 1e-9 })]);
    model.setWeights([tensor([2, 3], [2]), tensor([1, -1], [2]), tensor([1, 2], [2]), tensor([4, 9], [2])]);
    const y = model.predict(tensor([3, 5, 1, 2], [2, 2]));
    expectClose(y.data, [2 * (3 - 1) / 2 + 1, 3 * (5 - 2) / 3 - 1, 2 * 0 / 2 + 1, 3 * 0 / 3 - 1], 'bn inference', 1e-5, 1e-5);
  });
});

describe('LayerNormalization', () => {
  test('normalises each sample and matches finite differences', () => {
    const ln = layers.layerNormalization();
    expect(ln.apply(Input({ shape: [2, 5] })).shape).toEqual([2, 5]);
    gradCheck(layers.layerNormalization(), [[7]], { batch: 3 });
    gradCheck(layers.layerNormalization({ center: false }), [[2, 5]], { batch: 2 });
    const model = new Sequential([layers.layerNormalization({ inputShape: [4], epsilon: 1e-6 })]);
    const y = model.predict(tensor(randomArray(8, 3), [2, 4])).data;
    for (let r = 0; r < 2; r++) {
      const row = Array.from(y.subarray(r * 4, r * 4 + 4));
      const mean = row.reduce((a, b) => a + b, 0) / 4;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(variance).toBeCloseTo(1, 3);
    }
  });
});

describe('Dropout and GaussianNoise', () => {
  test('are the identity in inference', () => {
    const x = tensor(randomArray(12, 4), [3, 4]);
    for (const layer of [layers.dropout({ rate: 0.5, inputShape: [4] }), layers.gaussianNoise({ stddev: 1, inputShape: [4] })]) {
      const y = new Sequential([layer]).predict(x);
      expectClose(y.data, x.data, layer.name);
    }
  });

  test('dropout zeroes about `rate` of the values in training and scales the rest', () => {
    const { output } = gradCheck(layers.dropout({ rate: 0.25 }), [[400]], { batch: 1, lo: 1, hi: 2 });
    const zeros = output.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(60);
    expect(zeros).toBeLessThan(140);
  });

  test('gaussian noise passes gradients through', () => {
    gradCheck(layers.gaussianNoise({ stddev: 0.5 }), [[6]], { batch: 2 });
  });

  test('reject bad rates', () => {
    expect(() => layers.dropout({ rate: 1 })).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => layers.gaussianNoise({ stddev: -1 })).toThrow(/stddev/);
  });
});

describe('normalisation axis as Keras counts it (issue 15)', () => {
  test('batchNormalization({ axis: 1 }) on [*, 3] is the last axis and accepted; other axes are refused, naming the layer', () => {
    const x = Input({ shape: [3] });
    expect(layers.batchNormalization({ axis: 1 }).apply(x).shape).toEqual([3]);
    expect(layers.batchNormalization({ axis: 3 }).apply(Input({ shape: [4, 4, 2] })).shape).toEqual([4, 4, 2]);
    expect(layers.layerNormalization({ axis: -1 }).apply(x).shape).toEqual([3]);
    expect(() => layers.batchNormalization({ axis: 1, name: 'bn' }).apply(Input({ shape: [4, 4, 2] }))).toThrow('bn: only the last axis (-1 or 3 for input [*, 4, 4, 2]) is supported, got axis 1');
    expect(() => layers.batchNormalization({ axis: 0 })).toThrow(/axis must be a non-zero integer/);
  });
});
