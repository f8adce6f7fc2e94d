import { describe, expect, test } from 'vitest';
import { Input, Model, ops, ShapeError, Tensor } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { gradCheck, param, rand } from './gradcheck.js';

describe('ops.matmul on symbolic tensors', () => {
  test('x [*, k] x weight [k, n] (Dense) and its transposes', () => {
    const w = param([5, 7], 2);
    gradCheck('dense', (x) => ops.matmul(x, w.w), [rand([3, 5], 1)], [w]);
    const wt = param([7, 5], 3);
    gradCheck('dense transposeB', (x) => ops.matmul(x, wt.w, { transposeB: true }), [rand([3, 5], 1)], [wt]);
  });
  test('batched products, broadcasting and transposeA', () => {
    gradCheck('batched', (a, b) => ops.matmul(a, b), [rand([3, 1, 5], 1), rand([3, 5, 7], 2)]);
    const w = param([5, 3], 4);
    gradCheck('[*, 2, 4, 5] x [5, 3] transposeA', (a) => ops.matmul(ops.reshape(a, [-1, 2, 5, 4]), w.w, { transposeA: true }), [rand([3, 2, 4, 5], 1)], [w]);
    const b = param([7, 3, 5], 5);
    gradCheck('broadcast batch [*, 1, 1, 5] x [7, 3, 5]ᵀ', (a) => ops.matmul(a, b.w, { transposeB: true }), [rand([3, 1, 1, 5], 1)], [b]);
    gradCheck('contract the batch axis', (a, c) => ops.matmul(a, c, { transposeA: true }), [rand([5, 3], 1), rand([5, 7], 2)]);
  });
  test('eager equals symbolic; errors name the op and both shapes', () => {
    const a = rand([2, 3, 5], 1);
    const b = rand([5, 4], 2);
    const input = Input({ shape: [3, 5] });
    const symbolic = new Model({ inputs: input, outputs: ops.matmul(input, b) }).predict(a) as Tensor;
    expect(symbolic.shape).toEqual([2, 3, 4]);
    for (let i = 0; i < 2; i++) {
      const eager = ops.matmul(new Tensor(a.data.slice(i * 15, (i + 1) * 15), [3, 5]), b);
      expect(Array.from(symbolic.data.subarray(i * 12, (i + 1) * 12))).toEqual(Array.from(eager.data));
    }
    expect(() => ops.matmul(input, b, { transposeA: 'no' as never })).toThrow('matmul: transposeA must be true or false, got no');
    const w = param([4, 5], 3);
    expect(() => ops.matmul(ops.reshape(w.w, [2, 10]) as SymbolicTensor, w.w)).toThrow(ShapeError);
    expect(() => ops.matmul(ops.reshape(w.w, [2, 10]) as SymbolicTensor, w.w)).toThrow(/matmul: inner sizes differ: a \[2, 10\] gives k=10, b \[4, 5\] gives k=4/);
  });
});
