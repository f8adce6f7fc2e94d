// P0 (issue 15): NaN in the data must stop fit with its documented error for every loss in the
// registry, with the update not applied: some losses (categoricalHinge, multiclassHinge,
// tripletMargin, marginRanking) report a finite loss while their gradients are NaN, so fit checks
// the gradient block too (one f32_all_finite pass), not only the reported loss.
import { describe, expect, test } from 'vitest';
import { Sequential, layers, losses, tensor, type Tensor } from '../../src/index.js';

const N = 6;

/** A model whose output fits `name`'s layout, inputs, and valid targets for it. */
function setup(name: (typeof losses.LOSS_NAMES)[number]): { model: Sequential; x: Float32Array; xShape: number[]; y: Float32Array; yShape: number[] } {
  const loss = losses.get(name);
  const image = name === 'pixelwiseCrossentropy';
  const width = image ? 3 : name === 'marginRanking' ? 2 : name === 'tripletMargin' ? 6 : loss.targetSampleShape([3]).length === 0 ? 3 : 4;
  const model = image
    ? new Sequential([layers.conv2d({ filters: 3, kernelSize: 1, activation: 'sigmoid', inputShape: [2, 2, 1] })], { seed: 1 })
    : new Sequential([layers.dense({ units: width, activation: 'sigmoid', inputShape: [3] })], { seed: 1 });
  model.compile({ optimizer: 'sgd', loss });
  const xShape = image ? [N, 2, 2, 1] : [N, 3];
  const x = Float32Array.from({ length: xShape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i + 1));
  const targetShape = loss.targetSampleShape(image ? [2, 2, 3] : [width]);
  const yShape = [N, ...targetShape];
  const y = Float32Array.from({ length: yShape.reduce((a, b) => a * b) }, (_, i) => {
    if (name === 'marginRanking') return i % 2 === 0 ? 1 : -1;
    if (targetShape.length < (image ? 3 : 1)) return i % 3; // class indices (sparse) or ignored (triplet)
    if (name === 'hinge' || name === 'squaredHinge') return i % 2;
    return 0.2 + 0.6 * ((i * 7) % 5) / 4;
  });
  return { model, x, xShape, y, yShape };
}

const bits = (ts: readonly Tensor[]) => ts.map((t) => Array.from(t.data));

describe.each(losses.LOSS_NAMES)('%s', (name) => {
  test('clean data trains with finite weights', async () => {
    const { model, x, xShape, y, yShape } = setup(name);
    const h = await model.fit(tensor(x, xShape), tensor(y, yShape), { epochs: 1, batchSize: N, verbose: 0 });
    expect(Number.isFinite(h.history.loss![0])).toBe(true);
  });

  test.each(['x', 'y'] as const)('NaN in %s stops fit with the documented error; the update is not applied', async (where) => {
    const { model, x, xShape, y, yShape } = setup(name);
    (where === 'x' ? x : y)[1] = Number.NaN;
    const before = bits(model.getWeights());
    // Sparse losses refuse a NaN class index up front with their own error; every other case is
    // fit's non-finite error (the onNonFiniteLoss behaviour).
    const sparse = where === 'y' && ['sparseCategoricalCrossentropy', 'pixelwiseCrossentropy', 'multiclassHinge'].includes(name);
    await expect(model.fit(tensor(x, xShape), tensor(y, yShape), { epochs: 1, batchSize: N, verbose: 0 })).rejects.toThrow(
      sparse
        ? new RegExp(`^${name}: label NaN at row \\d+.* is not a class index`)
        : /fit: (the loss became (NaN|Infinity|-Infinity)( \(the batch's targets contain NaN or Inf\))?|the gradients of the batch contain NaN or Inf) at epoch 1, batch 1 of 1; the update was not applied/,
    );
    expect(bits(model.getWeights())).toEqual(before);
  });
});

describe('onNonFiniteLoss applies to NaN gradients behind a finite loss', () => {
  test.each(['stop', 'skip'] as const)("'%s' ends or skips gracefully and leaves the weights finite", async (mode) => {
    const { model, x, xShape, y, yShape } = setup('categoricalHinge');
    x[1] = Number.NaN; // the first batch of 3 samples is bad, the second is clean
    const h = await model.fit(tensor(x, xShape), tensor(y, yShape), { epochs: 2, batchSize: 3, shuffle: false, verbose: 0, onNonFiniteLoss: mode });
    expect(h.history.loss).toHaveLength(mode === 'stop' ? 1 : 2);
    expect(model.getWeights().every((w) => w.data.every(Number.isFinite))).toBe(true);
  });

  test('trainStep refuses the step and names the gradients', () => {
    const { model, x, xShape, y, yShape } = setup('marginRanking');
    x[0] = Number.NaN;
    expect(() => model.trainStep(tensor(x, xShape), tensor(y, yShape))).toThrow(/trainStep: the gradients of the batch contain NaN or Inf; the update was not applied/);
  });
});
