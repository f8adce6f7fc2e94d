import { describe, expect, test } from 'vitest';
import { layers, Input, ShapeError } from '../../src/index.js';
import { gradCheck } from './gradcheck.js';

describe('Conv2D', () => {
  test('infers TensorFlow output shapes for valid/same padding, strides and dilation', () => {
    const x = Input({ shape: [7, 9, 3] });
    expect(layers.conv2d({ filters: 4, kernelSize: 3 }).apply(x).shape).toEqual([5, 7, 4]);
    expect(layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x).shape).toEqual([7, 9, 4]);
    expect(layers.conv2d({ filters: 2, kernelSize: [3, 1], strides: 2, padding: 'same' }).apply(x).shape).toEqual([4, 5, 2]);
    expect(layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2 }).apply(x).shape).toEqual([3, 5, 2]);
  });

  test('has HWIO kernels and counts parameters', () => {
    const c = layers.conv2d({ filters: 8, kernelSize: 3 });
    c.apply(Input({ shape: [5, 5, 2] }));
    expect(c.weights.map((w) => w.shape)).toEqual([[3, 3, 2, 8], [8]]);
    expect(c.countParams()).toBe(3 * 3 * 2 * 8 + 8);
  });

  test('rejects rank-2 input and too-small images naming the layer', () => {
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, name: 'c_bad' }).apply(Input({ shape: [10] }))).toThrow(/c_bad: expected input of rank 4/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 5, name: 'c_small' }).apply(Input({ shape: [3, 3, 1] }))).toThrow(ShapeError);
  });

  test('matches finite differences (valid, same + stride 2, fused relu)', () => {
    gradCheck(layers.conv2d({ filters: 3, kernelSize: 3 }), [[5, 4, 2]], { batch: 2 });
    gradCheck(layers.conv2d({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same' }), [[5, 7, 3]], { batch: 1 });
    gradCheck(layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }), [[4, 5, 1]], { batch: 2, eps: 1e-3, atol: 5e-3 });
  });
});

describe('DepthwiseConv2D', () => {
  test('multiplies channels and matches finite differences', () => {
    const d = layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 });
    expect(d.apply(Input({ shape: [6, 6, 3] })).shape).toEqual([4, 4, 6]);
    expect(d.weights.map((w) => w.shape)).toEqual([[3, 3, 3, 2], [6]]);
    gradCheck(layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }), [[5, 4, 3]], { batch: 2 });
  });
});

describe('Conv2DTranspose', () => {
  test('upsamples with stride and matches finite differences', () => {
    const t = layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' });
    expect(t.apply(Input({ shape: [3, 4, 5] })).shape).toEqual([6, 8, 2]);
    expect(t.weights[0]!.shape).toEqual([3, 3, 2, 5]);
    gradCheck(layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 }), [[3, 2, 3]], { batch: 2 });
  });
});

describe('pooling', () => {
  test('infers shapes', () => {
    const x = Input({ shape: [7, 6, 3] });
    expect(layers.maxPooling2d().apply(x).shape).toEqual([3, 3, 3]);
    expect(layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x).shape).toEqual([4, 3, 3]);
    expect(layers.globalAveragePooling2d().apply(x).shape).toEqual([3]);
    expect(layers.globalMaxPooling2d().apply(x).shape).toEqual([3]);
  });

  test('match finite differences', () => {
    gradCheck(layers.maxPooling2d(), [[5, 4, 3]], { batch: 2, eps: 1e-3, atol: 5e-3 });
    gradCheck(layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), [[5, 5, 2]], { batch: 2 });
    gradCheck(layers.globalAveragePooling2d(), [[3, 5, 2]], { batch: 2 });
    gradCheck(layers.globalMaxPooling2d(), [[3, 3, 3]], { batch: 2, eps: 1e-3, atol: 5e-3 });
  });
});

describe('resizing', () => {
  test('upSampling2d, zeroPadding2d and cropping2d infer shapes and match finite differences', () => {
    const x = Input({ shape: [3, 4, 2] });
    expect(layers.upSampling2d({ size: [2, 3] }).apply(x).shape).toEqual([6, 12, 2]);
    expect(layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }).apply(x).shape).toEqual([6, 5, 2]);
    expect(layers.cropping2d({ cropping: 1 }).apply(x).shape).toEqual([1, 2, 2]);
    gradCheck(layers.upSampling2d(), [[3, 2, 2]], { batch: 2 });
    gradCheck(layers.zeroPadding2d({ padding: 1 }), [[2, 3, 2]], { batch: 2 });
    gradCheck(layers.cropping2d({ cropping: [1, 0] }), [[4, 3, 1]], { batch: 2 });
  });
});

describe('Conv2DTranspose sizes as Keras (issue 15)', () => {
  test("'valid' gives in * stride + max(k - stride, 0); outputPadding adds rows; gradients match finite differences", () => {
    const x = Input({ shape: [3, 4, 2] });
    expect(layers.conv2dTranspose({ filters: 1, kernelSize: 1, strides: 2 }).apply(x).shape).toEqual([6, 8, 1]);
    expect(layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2 }).apply(x).shape).toEqual([7, 9, 1]);
    expect(layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, outputPadding: 1 }).apply(x).shape).toEqual([8, 10, 1]);
    expect(layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', outputPadding: [0, 1] }).apply(x).shape).toEqual([5, 8, 1]);
    expect(() => layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, outputPadding: 2 }).apply(x)).toThrow(/outputPadding must be smaller than the stride/);
    gradCheck(layers.conv2dTranspose({ filters: 2, kernelSize: 1, strides: 2 }), [[2, 3, 2]], { batch: 2 });
    gradCheck(layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 1 }), [[2, 3, 2]], { batch: 2 });
    gradCheck(layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1 }), [[2, 3, 2]], { batch: 2 });
  });
});

