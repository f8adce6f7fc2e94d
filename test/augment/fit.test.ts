import { describe, expect, test } from 'vitest';
import { augment, layers, optimizers, Sequential, tensor, type Rng } from '../../src/index.js';
import { f32 } from '../../src/backend/memory.js';

/** Images [n, 4, 4, 1] with every pixel `value`, targets = value. */
function constantImages(values: number[]) {
  const x = new Float32Array(values.length * 16);
  values.forEach((v, i) => x.fill(v, i * 16, (i + 1) * 16));
  return { x: tensor(x, [values.length, 4, 4, 1]), y: tensor(values, [values.length, 1]) };
}

function model(): Sequential {
  const m = new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.dense({ units: 1 })], { seed: 3 });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
  return m;
}

describe('Model.fit with augment', () => {
  test('augments every training batch in place and never a validation batch', async () => {
    const train = constantImages([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]);
    const val = constantImages([0.9, 0.9, 0.9]);
    const pipeline = augment.sequence([augment.randomBrightness([0.2, 0.3])]);
    const seen: Array<{ n: number; max: number; shift: number }> = [];
    const spy = {
      applyInPlacePtr(ptr: number, shape: [number, number, number, number], rng: Rng) {
        const count = shape[0] * 16;
        const before = f32().slice(ptr >>> 2, (ptr >>> 2) + count);
        pipeline.applyInPlacePtr(ptr, shape, rng);
        const after = f32().subarray(ptr >>> 2, (ptr >>> 2) + count);
        seen.push({ n: shape[0], max: Math.max(...before), shift: Math.min(...after.map((v, i) => v - before[i]!)) });
      },
    };
    const history = await model().fit(train.x, train.y, { epochs: 2, batchSize: 4, validationData: [val.x, val.y], augment: spy, verbose: 0, seed: 1 });
    expect(history.history.val_loss).toHaveLength(2);
    expect(seen.map((s) => s.n)).toEqual([4, 4, 2, 4, 4, 2]); // 10 training rows, 3 batches per epoch
    expect(seen.every((s) => s.max <= 0.5)).toBe(true); // the 0.9 validation images never reach it
    expect(seen.every((s) => s.shift >= 0.2 - 1e-6)).toBe(true); // brightness +0.2..0.3 was applied in place
  });

  test('trains bit-identically twice with the same seed and a random pipeline', async () => {
    const { x, y } = constantImages([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    const pipeline = augment.sequence([augment.randomFlip(), augment.randomRotation(0.1), augment.gaussianNoise(0.05)]);
    const run = async () => {
      const m = model();
      const h = await m.fit(x, y, { epochs: 3, batchSize: 3, augment: pipeline, verbose: 0, seed: 11 });
      return [...h.history.loss!, ...m.getWeights().flatMap((w) => [...w.data])];
    };
    const a = await run();
    expect(await run()).toEqual(a);
    const plain = await model().fit(x, y, { epochs: 3, batchSize: 3, verbose: 0, seed: 11 });
    expect(plain.history.loss).not.toEqual(a.slice(0, 3));
  });
});
