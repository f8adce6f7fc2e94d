import { describe, expect, test } from 'vitest';
import { ops, tensor } from '../../src/api.js';
import { upSampling2dForwardPtr, zeroPadding2dGeometry } from '../../src/ops/resize.js';

const x = tensor([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);

describe('ops.upSampling2d, ops.zeroPadding2d, ops.cropping2d', () => {
  test('upSampling2d repeats pixels and its backward sums the blocks', () => {
    const y = ops.upSampling2d(x, { size: [2, 1] });
    expect(y.shape).toEqual([1, 4, 3, 1]);
    expect(Array.from(y.data)).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
    expect(Array.from(ops.upSampling2dBackward(y, x.shape, { size: [2, 1] }).data)).toEqual([2, 4, 6, 8, 10, 12]);
  });

  test('zeroPadding2d takes Keras forms and its backward crops', () => {
    const y = ops.zeroPadding2d(x, { padding: [[1, 0], [0, 2]] });
    expect(y.shape).toEqual([1, 3, 5, 1]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0]);
    expect(Array.from(ops.zeroPadding2dBackward(y, x.shape, { padding: [[1, 0], [0, 2]] }).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ops.zeroPadding2d(x).shape).toEqual([1, 4, 5, 1]);
  });

  test('cropping2d keeps the window and its backward puts it back', () => {
    const y = ops.cropping2d(x, { cropping: [[0, 1], [1, 0]] });
    expect(Array.from(y.data)).toEqual([2, 3]);
    expect(Array.from(ops.cropping2dBackward(y, x.shape, { cropping: [[0, 1], [1, 0]] }).data)).toEqual([0, 2, 3, 0, 0, 0]);
  });

  test('errors name the function and what was wrong', () => {
    expect(() => ops.upSampling2d(x, null as never)).toThrow(/upSampling2d: options must be an object, got null/);
    expect(() => ops.zeroPadding2dBackward(x, x.shape, null as never)).toThrow(/zeroPadding2dBackward: options must be an object, got null/);
    expect(() => ops.cropping2d(x, [1, 1] as never)).toThrow(/cropping2d: options must be an object, got \[1,1\]/);
    expect(() => ops.cropping2d(x, { cropping: [1, 0] })).toThrow(/cropping2d: cropping \[\[1, 1\], \[0, 0\]\] leaves nothing of the input \[1, 2, 3, 1\]/);
    expect(() => ops.zeroPadding2d(x, { padding: -1 })).toThrow(/zeroPadding2d: padding must be an integer >= 0, got -1/);
    expect(() => ops.zeroPadding2d(x, { padding: [1, 2, 3] as never })).toThrow(/zeroPadding2d: padding must be n, \[height, width\]/);
    expect(() => ops.upSampling2d(x, { size: 0 })).toThrow(/upSampling2d: size must be an integer >= 1, got 0/);
    expect(() => ops.upSampling2d(x, { interpolation: 'bilinear' as never })).toThrow(/upSampling2d: interpolation must be 'nearest'/);
    expect(() => ops.upSampling2dBackward(x, x.shape)).toThrow(/upSampling2dBackward: expected dy \[1, 4, 6, 1\], got \[1, 2, 3, 1\]/);
    expect(() => upSampling2dForwardPtr(zeroPadding2dGeometry(x.shape), { y: 0, x: 0 })).toThrow(/upSampling2dForwardPtr: expected a upSampling2d geometry, got a zeroPadding2d geometry/);
  });
});
