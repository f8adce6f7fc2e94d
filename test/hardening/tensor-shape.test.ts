// P0 (issue 15): a Tensor whose data length does not match its shape must not exist, so no op
// can read past its data (ops size their copies from the shape).
import { describe, expect, test } from 'vitest';
import { ops, tensor, Tensor, ShapeError, ValueError } from '../../src/index.js';
import { healthCheck } from './health.js';

describe('new Tensor validates its arguments', () => {
  test('data shorter or longer than the shape is a ShapeError naming Tensor, the shape and both lengths', () => {
    expect(() => new Tensor(new Float32Array([1, 1]), [2, 3])).toThrow(ShapeError);
    expect(() => new Tensor(new Float32Array([1, 1]), [2, 3])).toThrow('Tensor: shape [2, 3] needs 6 values, got a Float32Array of 2');
    expect(() => new Tensor(new Float32Array(7), [2, 3])).toThrow('needs 6 values, got a Float32Array of 7');
    expect(() => new Tensor(new Float32Array(1), [])).not.toThrow();
    expect(() => new Tensor(new Float32Array(0), [0, 5])).not.toThrow();
  });

  test.each([
    ['1.5', [2, 1.5]],
    ['-3', [2, -3]],
    ['NaN', [Number.NaN, 2]],
    ['Infinity', [Infinity]],
    ['2 (string)', ['2', 3]],
    ['2 (bigint)', [2n, 3]],
  ])('a shape with dimension %s is refused', (named, shape) => {
    expect(() => new Tensor(new Float32Array(6), shape as number[])).toThrow(ShapeError);
    expect(() => new Tensor(new Float32Array(6), shape as number[])).toThrow(`has dimension ${named}; dimensions must be non-negative integers`);
  });

  test('data that is not a Float32Array and shapes that are not arrays are refused', () => {
    expect(() => new Tensor([1, 2] as unknown as Float32Array, [2])).toThrow(ValueError);
    expect(() => new Tensor([1, 2] as unknown as Float32Array, [2])).toThrow('Tensor: data must be a Float32Array, got an array');
    expect(() => new Tensor(new Float32Array(2), 2 as unknown as number[])).toThrow('Tensor: shape must be an array of integers, got number');
  });

  test('more elements than wasm32 memory can hold fail up front, naming the caller', () => {
    expect(() => ops.randomUniform([2 ** 16, 2 ** 15])).toThrow('randomUniform: shape [65536, 32768] has 2147483648 elements');
    expect(() => tensor(new Float32Array(0), [2 ** 31, 0])).not.toThrow(); // zero elements
  });

  test('tensor() refuses values that are not numbers and a null shape instead of coercing them', () => {
    expect(() => tensor([1, 'x', null] as never)).toThrow("tensor: data[1] is string; every value must be a number");
    expect(() => tensor([1, null] as never)).toThrow('tensor: data[1] is null; every value must be a number');
    expect(() => tensor({ length: 1e12 } as never)).toThrow('tensor: data has length 1000000000000; expected an integer from 0 to 1073741824');
    expect(() => tensor(new Float32Array(6), null as never)).toThrow('tensor: shape must be an array of integers, got null');
    expect(Array.from(tensor(new Int32Array([1, -2])).data)).toEqual([1, -2]);
  });

  test('a tensor is frozen: data and shape cannot be swapped after the check', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => {
      (t as { data: Float32Array }).data = new Float32Array(2);
    }).toThrow(TypeError);
    expect(() => (t.shape as number[]).push(1)).toThrow(TypeError);
    expect(t.size).toBe(6);
  });

  test('the issue-15 reproductions: matmul and relu on a mismatched tensor cannot happen; memory stays right', () => {
    const health = healthCheck();
    const b = tensor(new Float32Array(12).fill(1), [3, 4]);
    expect(() => ops.matmul(new Tensor(new Float32Array([1, 1]), [2, 3]), b)).toThrow(/^Tensor: shape \[2, 3\] needs 6 values/);
    expect(() => ops.relu(new Tensor(new Float32Array(2), [2, 3]))).toThrow(ShapeError);
    health.check();
  });
});
