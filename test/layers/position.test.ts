// layers.positionalEmbedding and layers.sinusoidalPositionEncoding: values, finite differences,
// config and io round trips, errors.
import { describe, expect, test } from 'vitest';
import { io, Input, layers, Model, Tensor, tensor } from '../../src/index.js';
import { fromConfig } from '../../src/layers/index.js';
import { sinusoidalTable } from '../../src/layers/position.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';

describe('PositionalEmbedding', () => {
  test('adds the first `time` rows of the table to every sample', () => {
    const x = Input({ shape: [3, 2] });
    const layer = layers.positionalEmbedding({ sequenceLength: 5 });
    const model = new Model({ inputs: x, outputs: layer.apply(x), seed: 1 });
    layer.setWeights([new Tensor(Float32Array.from({ length: 10 }, (_, i) => i * 10), [5, 2])]);
    const y = model.predict(tensor(Float32Array.from({ length: 12 }, (_, i) => i % 6), [2, 3, 2])).data;
    expect(Array.from(y)).toEqual([0, 11, 22, 33, 44, 55, 0, 11, 22, 33, 44, 55]);
  });

  test('gradients of the input and the table match finite differences', () => {
    gradCheck(layers.positionalEmbedding({ sequenceLength: 7, outputDim: 3 }), [[5, 3]], { batch: 3 });
  });

  test('config and io round trips', async () => {
    const layer = layers.positionalEmbedding({ sequenceLength: 6, initializer: 'zeros' });
    const x = Input({ shape: [4, 3] });
    const model = new Model({ inputs: x, outputs: layers.dense({ units: 2 }).apply(layer.apply(x)), seed: 2 });
    layer.setWeights([tensor(randomArray(18, 3), [6, 3])]);
    const again = fromConfig('PositionalEmbedding', JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>);
    expect(again.getConfig()).toEqual(layer.getConfig());
    const loaded = await io.load(io.save(model));
    const data = tensor(randomArray(24, 4), [2, 4, 3]);
    expect(Array.from(loaded.predict(data).data)).toEqual(Array.from(model.predict(data).data));
  });

  test('errors name the layer, the expectation and the input', () => {
    expect(() => layers.positionalEmbedding({ sequenceLength: 0 })).toThrow(/positional_embedding_\d+: sequenceLength must be a positive integer/);
    expect(() => layers.positionalEmbedding({ sequenceLength: 4 }).apply(Input({ shape: [5, 2] }))).toThrow(/input has 5 steps but sequenceLength is 4, got \[\*, 5, 2\]/);
    expect(() => layers.positionalEmbedding({ sequenceLength: 4, outputDim: 3 }).apply(Input({ shape: [4, 2] }))).toThrow(/expected input \[\*, time, 3\] \(outputDim\), got \[\*, 4, 2\]/);
    expect(() => layers.positionalEmbedding({ sequenceLength: 4 }).apply(Input({ shape: [4] }))).toThrow(/expected input of rank 3 \[batch, time, features\], got \[\*, 4\]/);
  });
});

describe('SinusoidalPositionEncoding', () => {
  test('the table is sin at even features and cos at odd ones (keras_hub SinePositionEncoding)', () => {
    for (const [time, dim] of [[1, 1], [5, 3], [17, 8], [65, 33]] as const) {
      const want = new Float64Array(time * dim);
      for (let p = 0; p < time; p++) {
        for (let i = 0; i < dim; i++) {
          const angle = p / 10000 ** ((i - (i % 2)) / dim);
          want[p * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
        }
      }
      expectClose(sinusoidalTable(time, dim, 10000), want, `table ${time}x${dim}`, 1e-6, 1e-7);
    }
  });

  test('adds the encoding; the input gradient passes through (finite differences)', () => {
    const x = Input({ shape: [4, 6] });
    const model = new Model({ inputs: x, outputs: layers.sinusoidalPositionEncoding({ maxWavelength: 100 }).apply(x) });
    const y = model.predict(tensor(new Float32Array(2 * 24), [2, 4, 6])).data;
    expectClose(y, [...sinusoidalTable(4, 6, 100), ...sinusoidalTable(4, 6, 100)], 'encoding of zeros', 0, 0);
    gradCheck(layers.sinusoidalPositionEncoding(), [[5, 4]]);
  });

  test('config round trip, no weights, and a bad maxWavelength', () => {
    const layer = layers.sinusoidalPositionEncoding({ maxWavelength: 500 });
    layer.apply(Input({ shape: [3, 4] }));
    expect(layer.weights).toEqual([]);
    expect(fromConfig('SinusoidalPositionEncoding', layer.getConfig()).getConfig()).toEqual(layer.getConfig());
    expect(() => layers.sinusoidalPositionEncoding({ maxWavelength: 1 })).toThrow(/sinusoidal_position_encoding_\d+: maxWavelength must be a finite number > 1, got 1/);
  });
});
