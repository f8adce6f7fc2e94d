import { describe, expect, test } from 'vitest';
import { losses, ops, tensor } from '../../src/api.js';
import { lossRef } from '../reference/loss.js';
import { expectClose, randomArray } from '../util.js';

describe('course numbers', () => {
  test('multiclassHinge gives 2.9, 0 and 12.9 on the three-image table, mean 5.27 (all four numbers are right)', () => {
    // Rows are images (cat, car, frog); columns the class scores; labels 0, 1, 2.
    const scores = tensor([3.2, 5.1, -1.7, 1.3, 4.9, 2.0, 2.2, 2.5, -3.1], [3, 3]);
    const labels = tensor([0, 1, 2], [3]);
    const { value, perSample } = losses.evaluateLoss(losses.multiclassHinge(), labels, scores);
    expectClose(perSample.data, [2.9, 0, 12.9], 'per-image hinge', 1e-6, 1e-6);
    expect(value).toBeCloseTo(5.2667, 4);
    expect(Math.round(value * 100) / 100).toBe(5.27);
  });
  test('binaryCrossentropy of a true label predicted at 0.01 is -log(0.01) = 4.6', () => {
    const v = losses.compute(losses.binaryCrossentropy(), tensor([1], [1, 1]), tensor([0.01], [1, 1]));
    expect(v).toBeCloseTo(4.605, 3);
  });
  test('sparseCategoricalCrossentropy from logits of [3.2, 1.3, 0.2, 0.8] with label 0 is -log(0.775)', () => {
    const v = losses.compute(losses.sparseCategoricalCrossentropy({ fromLogits: true }), tensor([0], [1]), tensor([3.2, 1.3, 0.2, 0.8], [1, 4]));
    const p = ops.softmax(tensor([3.2, 1.3, 0.2, 0.8], [1, 4])).data[0]!;
    expect(v).toBeCloseTo(-Math.log(p), 6);
    expect(v).toBeCloseTo(0.255, 3);
  });
});

describe('Keras documentation examples', () => {
  test('sparseCategoricalCrossentropy gives [0.0513, 2.3026], mean 1.1769, and 0.8136 with sample weights [0.3, 0.7]', () => {
    const yTrue = tensor([1, 2], [2]);
    const yPred = tensor([0.05, 0.95, 0, 0.1, 0.8, 0.1], [2, 3]);
    const { value, perSample } = losses.evaluateLoss('sparseCategoricalCrossentropy', yTrue, yPred);
    expectClose(perSample.data, [0.05129344, 2.3025851], 'per-sample', 1e-6, 1e-7);
    expect(value).toBeCloseTo(1.1769392, 6);
    expect(losses.compute('sparseCategoricalCrossentropy', yTrue, yPred, { sampleWeights: tensor([0.3, 0.7], [2]) })).toBeCloseTo(0.8135988, 6);
  });
});

describe('clipping and large magnitudes', () => {
  test('probability crossentropies clip to [1e-7, 1 - 1e-7] and give clipped entries no gradient', () => {
    const bce = losses.evaluateLoss('binaryCrossentropy', tensor([1, 0], [1, 2]), tensor([0, 1], [1, 2]));
    // In f32, 1 - 1e-7 rounds to 1 - 2^-23 (as in Keras), so the second term is -log(1.19e-7).
    expect(bce.value).toBeCloseTo(-(Math.log(Math.fround(1e-7)) + Math.log(1 - Math.fround(1 - 1e-7))) / 2, 3);
    expect(Array.from(bce.gradient.data)).toEqual([0, 0]);
    const cce = losses.evaluateLoss('categoricalCrossentropy', tensor([0, 1, 0], [1, 3]), tensor([0.5, 0, 0.5], [1, 3]));
    expect(cce.value).toBeCloseTo(-Math.log(1e-7), 3);
    const sparse = losses.evaluateLoss('sparseCategoricalCrossentropy', tensor([1], [1]), tensor([1, 0, 0], [1, 3]));
    expect(sparse.value).toBeCloseTo(-Math.log(1e-7), 3);
    expect(Array.from(sparse.gradient.data)).toEqual([0, 0, 0]);
  });
  test('categoricalCrossentropy divides probabilities by their sum first (Keras 3)', () => {
    const a = losses.compute('categoricalCrossentropy', tensor([0, 1], [1, 2]), tensor([1, 3], [1, 2]));
    expect(a).toBeCloseTo(-Math.log(0.75), 6);
  });
  test.each([30, 100, 1000])('fromLogits crossentropies stay finite and exact at logits ±%i', (s) => {
    const logits = tensor([s, -s, 0, -s, s, 0], [2, 3]);
    const dense = losses.evaluateLoss(losses.categoricalCrossentropy({ fromLogits: true }), tensor([0, 1, 0, 0, 1, 0], [2, 3]), logits);
    const sparse = losses.evaluateLoss(losses.sparseCategoricalCrossentropy({ fromLogits: true }), tensor([1, 1], [2]), logits);
    const want = lossRef('sparseCategoricalCrossentropy', { fromLogits: true }, [1, 1], logits.data, 2, [3]).value;
    expect(dense.value).toBeCloseTo(want, 3);
    expect(sparse.value).toBeCloseTo(want, 3);
    for (const g of [...dense.gradient.data, ...sparse.gradient.data]) expect(Number.isFinite(g)).toBe(true);
    const bce = losses.evaluateLoss(losses.binaryCrossentropy({ fromLogits: true }), tensor([1, 0, 1, 0], [1, 4]), tensor([s, -s, -s, s], [1, 4]));
    expect(bce.value).toBeCloseTo(lossRef('binaryCrossentropy', { fromLogits: true, labelSmoothing: 0, posWeight: 1 }, [1, 0, 1, 0], [s, -s, -s, s], 1, [4]).value, 3);
    expectClose(bce.gradient.data, [0, 0, -0.25, 0.25], `bce logits gradient at ${s}`, 1e-6, 1e-7);
  });
});

describe('losses.get', () => {
  test('builds every registered loss by name, and the aliases mse, mae, kld', () => {
    for (const name of losses.LOSS_NAMES) expect(losses.get(name).name).toBe(name);
    expect(losses.get('mse').name).toBe('meanSquaredError');
    expect(losses.get('kld').name).toBe('kullbackLeiblerDivergence');
  });
  test('accepts Keras snake_case names, with options', () => {
    expect(losses.get('categorical_crossentropy').name).toBe('categoricalCrossentropy');
    expect(losses.get('sparse_categorical_crossentropy', { fromLogits: true }).getConfig()).toEqual({ fromLogits: true });
    expect(losses.get('mean_squared_logarithmic_error').name).toBe('meanSquaredLogarithmicError');
    expect(losses.get('kl_divergence').name).toBe('kullbackLeiblerDivergence');
    expect(losses.get('log_cosh').name).toBe('logCosh');
    expect(() => losses.get('categorical_crossentropyy')).toThrow(/losses\.get: unknown loss 'categorical_crossentropyy'; valid names are .* or their snake_case forms/);
    expect(() => losses.get('constructor')).toThrow(/unknown loss 'constructor'/);
    expect(() => losses.get('__proto__')).toThrow(/unknown loss '__proto__'/);
  });
  test('passes a Loss object through and round-trips getConfig', () => {
    const l = losses.binaryCrossentropy({ fromLogits: true, posWeight: 3 });
    expect(losses.get(l)).toBe(l);
    expect(l.getConfig()).toEqual({ fromLogits: true, labelSmoothing: 0, posWeight: 3 });
    const again = losses.get(l.name, l.getConfig());
    expect(again.getConfig()).toEqual(l.getConfig());
    expect(losses.huber({ delta: 2 }).getConfig()).toEqual({ delta: 2 });
  });
  test('rejects unknown names listing the valid ones, and bad options', () => {
    expect(() => losses.get('meanSquareError')).toThrow(/unknown loss 'meanSquareError'; valid names are meanSquaredError, meanAbsoluteError/);
    expect(() => losses.get('huber', { delta: -1 })).toThrow(/huber: delta must be a positive number, got -1/);
    expect(() => losses.get('huber', { detla: 1 })).toThrow(/huber: unknown option 'detla'; valid options are delta/);
    expect(() => losses.get('meanSquaredError', { delta: 1 })).toThrow(/takes no options/);
    expect(() => losses.binaryCrossentropy({ labelSmoothing: 2 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
    expect(() => losses.quantile({ q: 1 })).toThrow(/q must be in \(0, 1\)/);
    expect(() => losses.get('binaryCrossentropy', { fromLogits: 'yes' })).toThrow(/'fromLogits' must be a boolean/);
  });
});

describe('errors', () => {
  test('a yTrue/yPred shape mismatch names both shapes', () => {
    expect(() => losses.compute('meanSquaredError', tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(8), [2, 4])))
      .toThrow(/meanSquaredError: yTrue \[2, 3\] does not match yPred \[2, 4\]; expected yTrue \[2, 4\]/);
    expect(() => losses.compute('sparseCategoricalCrossentropy', tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [2, 3])))
      .toThrow(/yTrue \[2, 3\] does not match yPred \[2, 3\]; expected yTrue \[2\]/);
  });
  test('non-tensor arguments and non-object options are named with what was received', () => {
    const t = tensor([1, 2], [2, 1]);
    expect(() => losses.evaluateLoss('mse', [1, 2] as never, t)).toThrow('meanSquaredError: yTrue and yPred must be Tensors, got an array and a Tensor [2, 1]');
    expect(() => losses.evaluateLoss('mse', t, null as never)).toThrow('got a Tensor [2, 1] and null');
    expect(() => losses.evaluateLoss('mse', t, t, null as never)).toThrow('meanSquaredError: options must be an object, got null');
  });
  test('a sparse label out of range names the bad value and row', () => {
    const pred = tensor(new Float32Array(12).fill(0.25), [3, 4]);
    expect(() => losses.compute('sparseCategoricalCrossentropy', tensor([0, 4, 1], [3]), pred))
      .toThrow(/sparseCategoricalCrossentropy: label 4 at row 1 is not a class index; expected an integer in \[0, 3\]/);
    expect(() => losses.compute('sparseCategoricalCrossentropy', tensor([0, 1, -1], [3]), pred)).toThrow(/label -1 at row 2/);
    expect(() => losses.compute('multiclassHinge', tensor([0.5, 1, 1], [3]), pred)).toThrow(/label 0.5 at row 0/);
    const pixels = tensor(new Float32Array(2 * 2 * 2 * 3).fill(0.3), [2, 2, 2, 3]);
    expect(() => losses.compute('pixelwiseCrossentropy', tensor([0, 1, 2, 0, 1, 1, 3, 0], [2, 2, 2]), pixels))
      .toThrow(/label 3 at row 6 \(sample 1, position 2\)/);
  });
  test('sample weights must have one value per sample', () => {
    expect(() => losses.compute('mse', tensor([1, 2], [2, 1]), tensor([1, 2], [2, 1]), { sampleWeights: tensor([1, 2, 3], [3]) }))
      .toThrow(/sampleWeights must be a Tensor of 2 values/);
  });
  test('layout requirements are checked', () => {
    expect(() => losses.compute('marginRanking', tensor([1], [1]), tensor([1, 2, 3], [1, 3]))).toThrow(/must be 2/);
    expect(() => losses.compute('tripletMargin', tensor([0], [1]), tensor([1, 2], [1, 2]))).toThrow(/multiple of 3/);
    expect(() => losses.compute('pixelwiseCrossentropy', tensor([0], [1]), tensor([1, 2], [1, 2]))).toThrow(/expected predictions \[batch, height, width, classes\]/);
  });
});

describe('conventions', () => {
  test('per-sample weights scale each sample and the mean still divides by batch (sum_over_batch_size)', () => {
    const yTrue = tensor([0, 0, 0, 0], [2, 2]);
    const yPred = tensor([1, 1, 2, 2], [2, 2]);
    expect(losses.compute('mse', yTrue, yPred)).toBeCloseTo(2.5, 6);
    expect(losses.compute('mse', yTrue, yPred, { sampleWeights: tensor([1, 0], [2]) })).toBeCloseTo(0.5, 6);
    const g = ops.lossGradient('mse', yTrue, yPred, { sampleWeights: tensor([1, 0], [2]) });
    expectClose(g.data, [0.5, 0.5, 0, 0], 'weighted mse gradient', 1e-7, 0);
  });
  test('regression losses average over the last axis, then over the other sample axes', () => {
    const yPred = tensor(randomArray(2 * 3 * 4, 1), [2, 3, 4]);
    const yTrue = tensor(randomArray(2 * 3 * 4, 2), [2, 3, 4]);
    const per = ops.lossPerSample('meanAbsoluteError', yTrue, yPred);
    for (let s = 0; s < 2; s++) {
      let total = 0;
      for (let i = 0; i < 12; i++) total += Math.abs(yPred.data[s * 12 + i]! - yTrue.data[s * 12 + i]!);
      expect(per.data[s]).toBeCloseTo(total / 12, 6);
    }
  });
  test('hinge maps {0, 1} labels to {-1, 1} only when every label is 0 or 1 (Keras)', () => {
    const p = tensor([0.3, -0.4, 0.8], [1, 3]);
    const binary = losses.compute('hinge', tensor([1, 0, 1], [1, 3]), p);
    const signed = losses.compute('hinge', tensor([1, -1, 1], [1, 3]), p);
    expect(binary).toBeCloseTo(signed, 6);
    const mixed = losses.compute('hinge', tensor([1, 0, -1], [1, 3]), p);
    expect(mixed).toBeCloseTo((0.7 + 1 + 1.8) / 3, 6);
  });
  test('sparse labels may come with a trailing axis of 1', () => {
    const pred = tensor([0.2, 0.8, 0.6, 0.4], [2, 2]);
    expect(losses.compute('sparseCategoricalCrossentropy', tensor([1, 0], [2, 1]), pred)).toBeCloseTo(losses.compute('sparseCategoricalCrossentropy', tensor([1, 0], [2]), pred), 7);
  });
  test('targets [N] are accepted for predictions [N, 1]', () => {
    expect(losses.compute('mse', tensor([1, 2], [2]), tensor([1.5, 2.5], [2, 1]))).toBeCloseTo(0.25, 6);
  });
  test('pixelwiseCrossentropy averages over pixels per sample', () => {
    const logits = tensor(randomArray(2 * 3 * 2 * 4, 5, -3, 3), [2, 3, 2, 4]);
    const labels = tensor([0, 1, 2, 3, 0, 1, 3, 2, 1, 0, 0, 0], [2, 3, 2]);
    const got = losses.evaluateLoss(losses.pixelwiseCrossentropy({ fromLogits: true }), labels, logits);
    const want = lossRef('sparseCategoricalCrossentropy', { fromLogits: true }, labels.data, logits.data, 2, [3, 2, 4]);
    expectClose(got.perSample.data, want.perSample, 'pixelwise per-sample', 1e-5, 1e-6);
    expect(got.value).toBeCloseTo(want.value, 5);
  });
  test('tripletMargin gives gradients for anchor, positive and negative', () => {
    const yPred = tensor([0, 0, 1, 0, 0.5, 0], [1, 3, 2]); // anchor (0,0), positive (1,0), negative (0.5,0)
    const { value, gradient } = losses.evaluateLoss(losses.tripletMargin({ margin: 1 }), tensor([0], [1]), yPred);
    expect(value).toBeCloseTo(1 - 0.5 + 1, 4);
    expectClose(gradient.data, [-0.5 * 0 - 1 + 1, 0, 1, 0, -1, 0], 'triplet gradient', 1e-4, 1e-4);
  });
});

describe('course definitions (issue 15)', () => {
  // Errors 0, 0.5, 0.5, 1: MAE 0.5, MSE 0.375, RMSE sqrt(0.375) = 0.612.
  const y = tensor([1, 2, 3, 4], [4, 1]);
  const yHat = tensor([1, 2.5, 2.5, 5], [4, 1]);

  test('meanBiasError is sum(y - yhat) / n: negative when predictions are too high', () => {
    const { value, gradient } = losses.evaluateLoss(losses.meanBiasError(), y, yHat);
    expect(value).toBeCloseTo((0 - 0.5 + 0.5 - 1) / 4, 6);
    expectClose(gradient.data, [-0.25, -0.25, -0.25, -0.25], 'mbe gradient', 1e-7, 1e-7);
  });

  test('rootMeanSquaredError is sqrt(mean((y - yhat)^2)) over the batch: 0.612, not the per-sample 0.5', () => {
    const { value, perSample, gradient } = losses.evaluateLoss(losses.rootMeanSquaredError(), y, yHat);
    expect(value).toBeCloseTo(Math.sqrt(0.375), 6);
    expect(value).toBeCloseTo(0.612, 3);
    expectClose(perSample.data, [0, 0.5, 0.5, 1], 'per-sample RMSE', 1e-7, 1e-7);
    // d/dp sqrt(mean(d^2)) = d / (n * rmse).
    const r = Math.sqrt(0.375);
    expectClose(gradient.data, [0, 0.5, -0.5, 1].map((d) => d / (4 * r)), 'rmse gradient', 1e-6, 1e-6);
  });
});
