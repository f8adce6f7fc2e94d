import { describe, expect, test } from 'vitest';
import { tensor, Tensor, zeros, ShapeError } from '../src/index.js';
import { sameShape, sizeOf } from '../src/core/tensor.js';

describe('tensor', () => {
  test('keeps a Float32Array and the shape', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(data, [2, 3]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.data).toBe(data);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });
  test('copies plain arrays and defaults to a flat shape', () => {
    const t = tensor([1, 2, 3]);
    expect(t.shape).toEqual([3]);
    expect(t.data).toBeInstanceOf(Float32Array);
  });
  test('rejects a length that does not match the shape', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: shape \[2, 2\] needs 4 values, got 3/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
  });
  test('rejects non-integer, negative and infinite dimensions', () => {
    expect(() => tensor([1, 2], [2.5])).toThrow(/dimension 2.5/);
    expect(() => tensor([], [-1])).toThrow(/dimension -1/);
    expect(() => zeros([Infinity])).toThrow(/dimension Infinity/);
  });
  test('rejects data that is not numeric', () => {
    expect(() => tensor('abc' as never)).toThrow(/tensor: data must be/);
  });
});

describe('shape helpers', () => {
  test('sizeOf multiplies the dimensions (1 for a scalar); sameShape compares dimension by dimension', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 5])).toBe(30);
    expect(sizeOf([4, 0, 7])).toBe(0);
    expect(sameShape([2, 3], [2, 3])).toBe(true);
    expect(sameShape([], [])).toBe(true);
    expect(sameShape([2, 3], [3, 2])).toBe(false);
    expect(sameShape([2, 3], [2, 3, 1])).toBe(false);
    expect(sameShape([2], [])).toBe(false);
  });
});
