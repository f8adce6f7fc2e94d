import { describe, expect, test } from 'vitest';
import { Input, Model, ops, tensor, ShapeError, Tensor } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { gradCheck, param, rand } from './gradcheck.js';

type S = SymbolicTensor;

/** The model's prediction of `f` on `xs` (the symbolic route) against f on Tensors (the eager route): same bits. */
function sameBothRoutes(f: (...a: never[]) => unknown, xs: Tensor[]): Tensor {
  const inputs = xs.map((x) => Input({ shape: x.shape.slice(1) }));
  const out = (f as (...a: S[]) => S)(...inputs);
  const m = new Model({ inputs, outputs: out });
  const symbolic = m.predict(xs.length === 1 ? xs[0]! : xs) as Tensor;
  const eager = (f as (...a: Tensor[]) => Tensor)(...xs);
  expect(symbolic.shape).toEqual(eager.shape);
  expect(Array.from(symbolic.data)).toEqual(Array.from(eager.data));
  return eager;
}

describe('shape ops', () => {
  test('reshape, expandDims, squeeze (views)', () => {
    gradCheck('reshape', (x) => ops.square(ops.reshape(x, [-1, 5, -1])), [rand([3, 4, 5], 1)]);
    gradCheck('expandDims + squeeze', (x) => ops.squeeze(ops.mul(ops.expandDims(x, 1), ops.expandDims(ops.square(x), -2)), 1), [rand([3, 5], 1)]);
    const y = sameBothRoutes((x: S) => ops.reshape(ops.expandDims(x, 2), [-1, 7]), [rand([1, 7], 2)]);
    expect(y.shape).toEqual([1, 7]);
    expect(() => ops.reshape(Input({ shape: [12] }), [3, 4])).toThrow(/reshape: x \[\*, 12\] has a batch axis, which stays/);
    expect(() => ops.reshape(Input({ shape: [12] }), [-1, 5])).toThrow(/cannot reshape \[\*, 12\] to \[-1, 5\]/);
    expect(() => ops.squeeze(Input({ shape: [3] }), 1)).toThrow(/squeeze: axis 1 of \[\*, 3\] has size 3, not 1/);
  });

  test('transpose, slice, tile (strided copy and accumulate)', () => {
    gradCheck('transpose', (x) => ops.transpose(x, [0, 2, 1]), [rand([3, 4, 5], 1)]);
    const w = param([5, 7], 2);
    gradCheck('transpose weight', (x) => ops.matmul(x, ops.transpose(ops.transpose(w.w))), [rand([3, 5], 1)], [w]);
    gradCheck('slice', (x) => ops.slice(x, [0, 1, 2], [-1, 3, -1]), [rand([3, 5, 7], 1)]);
    gradCheck('tile', (x) => ops.tile(x, [1, 3, 2]), [rand([3, 1, 5], 1)]);
    sameBothRoutes((x: S) => ops.tile(ops.transpose(ops.slice(x, [0, 1, 0], [-1, 2, 3]), [0, 2, 1]), [1, 2, 3]), [rand([5, 3, 3], 3)]);
    expect(() => ops.transpose(Input({ shape: [3] }), [1, 0])).toThrow(/transpose: the result would move the batch axis/);
    expect(() => ops.slice(Input({ shape: [3] }), [0, 2], [-1, 2])).toThrow(/slice: begin 2 \+ size 2 exceeds axis 1 of \[\*, 3\]/);
  });

  test('concat, stack and split (several outputs)', () => {
    gradCheck('concat', (a, b) => ops.concat([a, b, a], 1), [rand([3, 2, 5], 1), rand([3, 3, 5], 2)]);
    gradCheck('concat last axis', (a, b) => ops.concat([a, b], -1), [rand([3, 5, 1], 1), rand([3, 5, 3], 2)]);
    gradCheck('stack', (a, b) => ops.stack([a, b], 2), [rand([3, 5, 1], 1), rand([3, 5, 1], 2)]);
    gradCheck('split', (x) => {
      const [a, b, c] = ops.split(x, [1, 3, 1], -1) as S[];
      return ops.concat([ops.square(c!), a!, ops.mul(b!, 3)], -1);
    }, [rand([3, 7, 5], 1)]);
    gradCheck('split, one part used', (x) => (ops.split(x, 3, 1) as S[])[1]!, [rand([3, 3, 5], 1)]);
    sameBothRoutes((a: S, b: S) => ops.stack([ops.concat([a, b], 1), ops.concat([b, a], 1)], -1), [rand([3, 2], 1), rand([3, 5], 2)]);
    const parts = ops.split(tensor([1, 2, 3, 4, 5, 6], [2, 3]), [1, 2], 1);
    expect(parts.map((p) => Array.from(p.data))).toEqual([[1, 4], [2, 3, 5, 6]]);
    expect(() => ops.concat([Input({ shape: [2, 5] }), Input({ shape: [3, 4] })], 1)).toThrow(/concat: shapes \[\*, 2, 5\] and \[\*, 3, 4\] do not match outside axis 1/);
    expect(() => ops.split(Input({ shape: [7] }), 2, 1)).toThrow(ShapeError);
  });

  test('gather (embeddings) and oneHot', () => {
    const table = param([7, 3], 2);
    // ids as floats, one repeated and one out of range (a zero row, no gradient)
    const ids = tensor([0, 6, 2, 2, 9, 1, 3, 5, 4, 6], [2, 5]);
    gradCheck('gather rows of a weight', (i) => ops.gather(table.w, i), [ids], [table], { wrt: [] });
    gradCheck('gather along axis 1', (x) => ops.gather(x, tensor([4, 0, 4, 2], [4]), 1), [rand([3, 5, 2], 1)]);
    const out = sameBothRoutes((x: S) => ops.gather(x, tensor([2, 0, -1], [3]), -1), [rand([3, 5], 3)]);
    expect(out.data[2]).toBe(0);
    const hot = sameBothRoutes((i: S) => ops.oneHot(i, 4), [tensor([3, 0, 7, 1.5, 2], [5])]);
    expect(Array.from(hot.data)).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(() => ops.gather(Input({ shape: [3] }), tensor([0], [1]), 0)).toThrow(/gather: cannot gather along the batch axis/);
  });
});
