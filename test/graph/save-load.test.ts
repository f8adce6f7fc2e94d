// A functional model whose graph holds the new ops saves and loads (io.save / io.load rebuild
// each op from its config through opFromConfig) and predicts the same numbers.
import { describe, expect, test } from 'vitest';
import { Input, Model, io, layers, ops, tensor, Tensor } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { rand } from './gradcheck.js';

type S = SymbolicTensor;

describe('saving a model made of ops', () => {
  test('save, load, predict the same', async () => {
    const x = Input({ shape: [4, 6, 3] });
    const ids = Input({ shape: [2] });
    const conv = ops.relu(ops.conv2d(x, tensor(Array.from(rand([2, 2, 3, 2], 3).data), [2, 2, 3, 2]), { padding: 'same' }));
    const pooled = ops.reshape(ops.maxPool2d(conv, { poolSize: 2 }), [-1, 6, 2]);
    const [a, b] = ops.split(pooled, [2, 4], 1) as S[];
    const joined = ops.concat([ops.transpose(b!, [0, 2, 1]), ops.tile(ops.slice(a!, [0, 0, 0], [-1, 2, 2]), [1, 1, 2])], 1);
    const attended = ops.matmul(ops.softmax(ops.matmul(joined, joined, { transposeB: true }), -1), joined);
    const picked = ops.gather(ops.layerNormalization(attended), tensor([3, 0, 3], [3]), 1);
    const features = ops.concat([ops.reshape(ops.dropout(picked, 0.5), [-1, 12]), ops.reshape(ops.oneHot(ids, 3), [-1, 6])], -1);
    const y = layers.dense({ units: 2 }).apply(features) as S;
    const model = new Model({ inputs: [x, ids], outputs: y, seed: 2 });
    const xs = [rand([3, 4, 6, 3], 1), new Tensor(Float32Array.of(0, 2, 1, 1, 2, 0), [3, 2])];
    const before = model.predict(xs) as Tensor;
    const loaded = await io.load(io.save(model));
    const after = loaded.predict(xs) as Tensor;
    expect(after.shape).toEqual(before.shape);
    expect(Array.from(after.data)).toEqual(Array.from(before.data));
  });
});
