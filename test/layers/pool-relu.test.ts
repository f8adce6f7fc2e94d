// conv(relu) -> maxPooling2d: the plan lets the pool write the conv's pre-activation gradient with
// relu' applied (assembly/pool-relu.ts), skipping a zero-fill and the ReLU pass. The contract is
// bit-identical training to the unfused path (conv -> activation('relu') -> pool, which the plan
// never fuses), on odd sizes: uncovered edge cells, 'same' padding, channel counts off the SIMD width.
import { describe, expect, test } from 'vitest';
import { layers, Input, Model, optimizers, tensor } from '../../src/index.js';
import type { Pooling2DConfig } from '../../src/layers/pooling.js';
import { randomArray } from '../util.js';

function cnn(fused: boolean, size: number, channels: number, pool: Pooling2DConfig): Model {
  const x = Input({ shape: [size, size, 2] });
  const conv = layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', activation: fused ? 'relu' : 'linear', name: 'conv' });
  let h = conv.apply(x);
  if (!fused) h = layers.activation({ activation: 'relu' }).apply(h);
  h = layers.maxPooling2d(pool).apply(h);
  const y = layers.dense({ units: 3, name: 'head' }).apply(layers.flatten().apply(h));
  const model = new Model({ inputs: x, outputs: y, seed: 7 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
  return model;
}

describe('max-pool backward fused with the ReLU before it', () => {
  test.each([
    { size: 8, channels: 4, pool: {} },
    { size: 7, channels: 5, pool: {} }, // a row and a column in no window; a scalar channel tail
    { size: 7, channels: 3, pool: { padding: 'same' } },
    { size: 9, channels: 7, pool: { poolSize: 3 } },
    { size: 7, channels: 6, pool: { poolSize: [2, 3] } },
  ] as Array<{ size: number; channels: number; pool: Pooling2DConfig }>)('trains bit for bit as the unfused path: $size x $size x $channels, $pool', ({ size, channels, pool }) => {
    const batch = 3;
    const x = tensor(randomArray(batch * size * size * 2, 11, -1, 1), [batch, size, size, 2]);
    const y = tensor(randomArray(batch * 3, 12, -1, 1), [batch, 3]);
    const fused = cnn(true, size, channels, pool);
    const plain = cnn(false, size, channels, pool);
    plain.setWeights(fused.getWeights());
    for (let step = 0; step < 3; step++) {
      expect(fused.trainOnBatch(x, y).loss).toBe(plain.trainOnBatch(x, y).loss);
    }
    const a = fused.getWeights(), b = plain.getWeights();
    a.forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(b[i]!.data)));
    // The unfused plan holds one more [batch, size, size, channels] buffer for the activation
    // layer (as in the overlapping case below) and one for the conv output's gradient, which the
    // fused plan does without (16-byte aligned).
    const n = Math.ceil((batch * size * size * channels) / 4) * 4;
    expect(plain.planBytes - fused.planBytes).toBe(2 * n * 4);
  });

  test('overlapping windows are not fused and still train as the unfused path', () => {
    const pool: Pooling2DConfig = { poolSize: 3, strides: 2 };
    const x = tensor(randomArray(2 * 7 * 7 * 2, 13, -1, 1), [2, 7, 7, 2]);
    const y = tensor(randomArray(2 * 3, 14, -1, 1), [2, 3]);
    const fused = cnn(true, 7, 4, pool);
    const plain = cnn(false, 7, 4, pool);
    plain.setWeights(fused.getWeights());
    expect(fused.trainOnBatch(x, y).loss).toBe(plain.trainOnBatch(x, y).loss);
    const n = 2 * 7 * 7 * 4;
    expect(plain.planBytes - fused.planBytes).toBe(n * 4); // only the activation layer's buffer
    fused.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(plain.getWeights()[i]!.data)));
    expect(layers.maxPooling2d(pool).fusesReluBackward).toBe(false);
    expect(layers.maxPooling2d({}).fusesReluBackward).toBe(true);
  });
});
