import { describe, expect, test } from 'vitest';
import { ops, tensor, Tensor } from '../../src/api.js';
import { heap } from '../../src/backend/memory.js';
import { conv2dGeometry, conv2dTransposeGeometry, depthwiseConv2dGeometry, conv2dForwardPtr } from '../../src/ops/conv.js';
import { pool2dGeometry } from '../../src/ops/pool.js';
import { convForwardRef, convBackwardInputRef, convBackwardFilterRef, convTransposeForwardRef } from '../reference/conv.js';
import { maxPoolRef, avgPoolBackwardRef } from '../reference/pool.js';
import { expectClose, randomArray } from '../util.js';

const rand = (shape: number[], seed: number) => tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape);

describe('ops.conv2d and its gradients', () => {
  const x = rand([2, 7, 5, 3], 1);
  const w = rand([3, 3, 3, 4], 2);
  const options = { strides: 2, padding: 'same' } as const;

  test("'same' with stride 2 on odd sizes gives ceil(in / stride) and pads bottom/right", () => {
    const g = conv2dGeometry([2, 7, 5, 3], [3, 3, 3, 4], options);
    expect(g.outputShape).toEqual([2, 4, 3, 4]);
    expect(g.padding).toEqual([1, 1, 1, 1]);
    expect(conv2dGeometry([1, 8, 8, 1], [3, 3, 1, 1], options).padding).toEqual([0, 1, 0, 1]);
    expect(conv2dGeometry([1, 5, 5, 1], [2, 2, 1, 1], { padding: 'same', dilationRate: 2 }).padding).toEqual([1, 1, 1, 1]);
  });

  test('forward with bias and relu, and both gradients, match the reference', () => {
    const bias = rand([4], 3);
    const y = ops.conv2d(x, w, { ...options, bias, activation: 'relu' });
    const g = conv2dGeometry(x.shape, w.shape, options);
    expect(y.shape).toEqual([2, 4, 3, 4]);
    expectClose(y.data, convForwardRef(g.struct, false, x.data, w.data, bias.data, true), 'conv2d', 1e-5, 1e-5);
    const dy = rand(y.shape as number[], 4);
    const dx = ops.conv2dBackpropInput(dy, w, x.shape, options);
    expectClose(dx.data, convBackwardInputRef(g.struct, false, dy.data, w.data), 'conv2dBackpropInput', 1e-5, 1e-5);
    const dw = ops.conv2dBackpropFilter(x, dy, w.shape, options);
    expect(dw.shape).toEqual(w.shape);
    expectClose(dw.data, convBackwardFilterRef(g.struct, false, x.data, dy.data, w.size), 'conv2dBackpropFilter', 1e-5, 1e-5);
    const db = ops.conv2dBackpropBias(dy);
    expect(db.shape).toEqual([4]);
  });

  test('depthwise and transposed convolutions have the documented output shapes', () => {
    expect(ops.depthwiseConv2d(x, rand([3, 3, 3, 2], 5), { padding: 'same' }).shape).toEqual([2, 7, 5, 6]);
    const t = ops.conv2dTranspose(x, rand([3, 3, 6, 3], 6), { strides: 2, padding: 'same' });
    expect(t.shape).toEqual([2, 14, 10, 6]);
    expect(ops.conv2dTranspose(x, rand([3, 3, 6, 3], 6), { strides: 2 }).shape).toEqual([2, 15, 11, 6]);
    const g = conv2dTransposeGeometry(x.shape, [3, 3, 6, 3], { strides: 2, padding: 'same' });
    expectClose(t.data, convTransposeForwardRef(g.struct, x.data, rand([3, 3, 6, 3], 6).data), 'conv2dTranspose', 1e-5, 1e-5);
    const dy = rand([2, 14, 10, 6], 7);
    expect(ops.conv2dTransposeBackpropInput(dy, rand([3, 3, 6, 3], 6), x.shape, { strides: 2, padding: 'same' }).shape).toEqual(x.shape);
    expect(ops.conv2dTransposeBackpropFilter(x, dy, [3, 3, 6, 3], { strides: 2, padding: 'same' }).shape).toEqual([3, 3, 6, 3]);
    const dd = rand([2, 7, 5, 6], 8);
    expect(ops.depthwiseConv2dBackpropInput(dd, rand([3, 3, 3, 2], 5), x.shape, { padding: 'same' }).shape).toEqual(x.shape);
    expect(ops.depthwiseConv2dBackpropFilter(x, dd, [3, 3, 3, 2], { padding: 'same' }).shape).toEqual([3, 3, 3, 2]);
  });

  test('tensor-level ops leave no heap blocks behind', () => {
    const before = heap().blockCount;
    ops.conv2d(x, w, options);
    ops.maxPool2d(x);
    ops.conv2dBackpropBias(x);
    expect(heap().blockCount).toBe(before);
  });

  test('errors name the function, what was expected and what was received', () => {
    expect(() => ops.conv2d(rand([7, 5, 3], 1), w)).toThrow(/conv2d: expected input of rank 4 \[batch, height, width, channels\].*got \[7, 5, 3\]/);
    expect(() => ops.conv2d(x, rand([3, 3, 2, 4], 1))).toThrow(/conv2d: filter \[3, 3, 2, 4\] expects 2 input channels but the input \[2, 7, 5, 3\] has 3/);
    expect(() => ops.conv2d(x, rand([7, 7, 3, 4], 1))).toThrow(/conv2d: window width 7 is larger than the padded input width 5/);
    expect(() => ops.conv2d(x, w, { strides: 0 })).toThrow(/conv2d: strides must be an integer >= 1, got 0/);
    expect(() => ops.conv2d(x, w, { dilationRate: 1.5 })).toThrow(/conv2d: dilationRate must be an integer >= 1, got 1.5/);
    expect(() => ops.conv2d(x, w, { padding: 'full' as never })).toThrow(/conv2d: padding must be 'valid', 'same' or \[top, bottom, left, right\]/);
    expect(() => ops.conv2d(x, w, { activation: 'tanh' as never })).toThrow(/conv2d: activation must be 'linear' or 'relu'/);
    expect(() => ops.conv2d(x, w, { activation: 'toString' as never })).toThrow(/conv2d: activation must be 'linear' or 'relu'/);
    expect(() => ops.conv2d(x, w, { bias: rand([3], 1) })).toThrow(/conv2d: expected bias \[4\], got \[3\]/);
    expect(() => ops.conv2dBackpropInput(rand([2, 3, 3, 4], 1), w, x.shape, options)).toThrow(/conv2dBackpropInput: expected dy \[2, 4, 3, 4\], got \[2, 3, 3, 4\]/);
    expect(() => ops.conv2dBackpropFilter(x, rand([2, 4, 3, 4], 1), [3, 3, 3], options)).toThrow(/conv2dBackpropFilter: expected a filter of rank 4/);
    expect(() => depthwiseConv2dGeometry([1, 4, 4, 2], [3, 3, 3, 1], {}, 'depthwise_1')).toThrow(/depthwise_1: filter \[3, 3, 3, 1\] expects 3 input channels/);
    expect(() => conv2dGeometry([1, 4, 4, 2], [3, 3, 2, 1], [1, 1] as never, 'conv_1')).toThrow(/conv_1: options must be an object, got \[1,1\]/);
    expect(() => conv2dTransposeGeometry([1, 4, 4, 2], [3, 3, 1, 2], null as never)).toThrow(/conv2dTranspose: options must be an object, got null/);
    expect(() => ops.conv2dTranspose(x, rand([3, 3, 6, 2], 1))).toThrow(/conv2dTranspose: filter \[3, 3, 6, 2\] expects 2 input channels \(its last axis\)/);
    expect(() => ops.conv2d(x, w, { dilationRate: 3 })).toThrow(/dilated to 7/);
    expect(() => ops.conv2d({} as Tensor, w)).toThrow(/conv2d: input must be a Tensor/);
  });

  test('pointer functions check the geometry kind and the layer name reaches the message', () => {
    const pool = pool2dGeometry([1, 4, 4, 1]);
    expect(() => conv2dForwardPtr(pool as never, { y: 0, x: 0, w: 0 })).toThrow(/conv2dForwardPtr: expected a convolution geometry/);
    const dw = depthwiseConv2dGeometry([1, 4, 4, 1], [3, 3, 1, 1]);
    expect(() => conv2dForwardPtr(dw, { y: 0, x: 0, w: 0 })).toThrow(/conv2dForwardPtr: expected a conv2d geometry, got a depthwiseConv2d geometry/);
    expect(() => conv2dForwardPtr(conv2dGeometry([1, 4, 4, 1], [3, 3, 1, 1]), { y: 0, x: 0, w: 0, activation: 'constructor' as never })).toThrow(/conv2dForwardPtr: activation must be/);
    expect(() => conv2dGeometry([1, 2, 2, 1], [3, 3, 1, 1], {}, 'conv2d_3')).toThrow(/^conv2d_3: window height 3/);
  });

  test('a geometry writes its wasm struct once and reuses it', () => {
    const g = conv2dGeometry([1, 4, 4, 1], [3, 3, 1, 1]);
    const p = g.ptr();
    expect(g.ptr()).toBe(p);
    g.release();
  });
});

describe('ops pooling', () => {
  const x = rand([3, 5, 7, 4], 9);

  test('maxPool2d / avgPool2d default strides to poolSize and match the reference', () => {
    const y = ops.maxPool2d(x, { poolSize: 2 });
    expect(y.shape).toEqual([3, 2, 3, 4]);
    expectClose(y.data, maxPoolRef(pool2dGeometry(x.shape, { poolSize: 2 }).struct, x.data).y, 'maxPool2d', 0, 0);
    expect(ops.avgPool2d(x, { poolSize: 2, padding: 'same' }).shape).toEqual([3, 3, 4, 4]);
    expect(ops.maxPool2d(x, { poolSize: [3, 2], strides: 1 }).shape).toEqual([3, 3, 6, 4]);
  });

  test('backward ops return gradients of the input shape', () => {
    const dy = rand([3, 3, 4, 4], 10);
    const options = { poolSize: 2, padding: 'same' } as const;
    const dx = ops.avgPool2dBackward(dy, x.shape, options);
    expectClose(dx.data, avgPoolBackwardRef(pool2dGeometry(x.shape, options).struct, dy.data), 'avgPool2dBackward', 1e-6, 1e-6);
    const dmax = ops.maxPool2dBackward(dy, x, options);
    expect(dmax.shape).toEqual(x.shape);
    expect(dmax.data.reduce((a, b) => a + b, 0)).toBeCloseTo(dy.data.reduce((a, b) => a + b, 0), 4);
  });

  test('global pools reduce height and width', () => {
    const avg = ops.globalAveragePooling2d(x);
    expect(avg.shape).toEqual([3, 4]);
    let sum = 0;
    for (let i = 0; i < 35; i++) sum += x.data[i * 4]!;
    expect(avg.data[0]).toBeCloseTo(sum / 35, 5);
    const max = ops.globalMaxPooling2d(x);
    expect(max.data[0]).toBe(Math.max(...Array.from({ length: 35 }, (_, i) => x.data[i * 4]!)));
    const dy = rand([3, 4], 11);
    expect(ops.globalAveragePooling2dBackward(dy, x.shape).data[4]).toBeCloseTo(dy.data[0]! / 35, 6);
    expect(ops.globalMaxPooling2dBackward(dy, x).data.reduce((a, b) => a + b, 0)).toBeCloseTo(dy.data.reduce((a, b) => a + b, 0), 4);
  });

  test('errors name the function and the problem', () => {
    expect(() => ops.maxPool2d(x, null as never)).toThrow(/maxPool2d: options must be an object, got null/);
    expect(() => ops.avgPool2d(x, [3, 3] as never)).toThrow(/avgPool2d: options must be an object, got \[3,3\]/);
    expect(() => ops.maxPool2d(x, { poolSize: 6 })).toThrow(/maxPool2d: window height 6 is larger than the padded input height 5/);
    expect(() => ops.avgPool2d(x, { padding: [1, 1, 1, 1] as never })).toThrow(/avgPool2d: padding must be 'valid' or 'same'/);
    expect(() => ops.maxPool2d(x, { poolSize: 0 })).toThrow(/maxPool2d: poolSize must be an integer >= 1, got 0/);
    expect(() => ops.maxPool2dBackward(rand([3, 2, 2, 4], 1), x)).toThrow(/maxPool2dBackward: expected dy \[3, 2, 3, 4\], got \[3, 2, 2, 4\]/);
    expect(() => ops.globalMaxPooling2d(rand([5, 4], 1))).toThrow(/globalMaxPooling2d: expected input of rank 4/);
  });
});

describe('conv2dTranspose follows Keras (issue 15) and conv2d sizes are checked', () => {
  test("kernel 1, stride 2, 'valid': each input lands on an even pixel of a 2x larger output (PyTorch gives 3, Keras 4)", () => {
    const y = ops.conv2dTranspose(tensor([1, 2, 3, 4], [1, 2, 2, 1]), tensor([10], [1, 1, 1, 1]), { strides: 2 });
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(y.data)).toEqual([10, 0, 20, 0, 0, 0, 0, 0, 30, 0, 40, 0, 0, 0, 0, 0]);
    const extra = ops.conv2dTranspose(tensor([1, 2, 3, 4], [1, 2, 2, 1]), tensor([10], [1, 1, 1, 1]), { strides: 3, outputPadding: [1, 0] });
    expect(extra.shape).toEqual([1, 5, 4, 1]);
    expect(() => ops.conv2dTranspose(tensor([1], [1, 1, 1, 1]), tensor([1], [1, 1, 1, 1]), { outputPadding: 1 })).toThrow(/conv2dTranspose: outputPadding must be smaller than the stride/);
    expect(() => ops.conv2d(tensor([1], [1, 1, 1, 1]), tensor([1], [1, 1, 1, 1]), { outputPadding: 1 } as never)).toThrow(/conv2d: unknown option 'outputPadding'/);
  });

  test('an option typo is an error naming the op and the closest option', () => {
    expect(() => ops.conv2d(rand([1, 4, 4, 1], 1), rand([1, 1, 1, 1], 2), { stride: 2 } as never)).toThrow("conv2d: unknown option 'stride' (did you mean 'strides'?)");
  });

  test('a huge padding is refused before anything is allocated, naming the op', () => {
    expect(() => ops.conv2d(rand([1, 3, 3, 1], 1), rand([1, 1, 1, 2], 2), { padding: [1e9, 0, 0, 0] })).toThrow(/^conv2d: cannot allocate 24000000072 bytes for output \[1, 1000000003, 3, 2\] \(6000000018 values\): a tensor holds at most 1073741824 values \(4 GiB, the wasm32 memory limit\)/);
    expect(Array.from(ops.conv2d(tensor([2], [1, 1, 1, 1]), tensor([3], [1, 1, 1, 1])).data)).toEqual([6]);
  });
});


describe('pool and random op options (issue 15)', () => {
  test('pool options: typos and BigInts are clear errors naming the op', () => {
    const x = rand([1, 4, 4, 1], 1);
    expect(() => ops.maxPool2d(x, { poolsize: 3 } as never)).toThrow("maxPool2d: unknown option 'poolsize' (did you mean 'poolSize'?)");
    expect(() => ops.maxPool2d(x, { poolSize: 2n as never })).toThrow('maxPool2d: poolSize must be an integer or [height, width], got "2n"');
    expect(() => ops.maxPool2d(x, { strides: 2n as never })).toThrow('maxPool2d: strides must be an integer or [height, width], got "2n"');
    expect(() => ops.conv2d(x, rand([1, 1, 1, 1], 2), { strides: [2n, 1] as never })).toThrow('conv2d: strides must be an integer >= 1, got "2n"');
  });

  test('random ops and dropout reject unknown keys instead of ignoring the seed', () => {
    expect(() => ops.randomUniform([3], 0, 1, { sed: 1 } as never)).toThrow("randomUniform: unknown option 'sed' (did you mean 'seed'?)");
    expect(() => ops.dropout(tensor([1, 1, 1, 1], [4]), 0.5, { trainng: true } as never)).toThrow("dropout: unknown option 'trainng' (did you mean 'training'?)");
    expect(() => ops.randomNormal([3], 0, 1, { seed: 2n as never })).toThrow('randomNormal: options.seed must be an integer in [0, 2^53), got "2n"');
    expect(Array.from(ops.randomUniform([3], 0, 1, { seed: 1 }).data)).toEqual(Array.from(ops.randomUniform([3], 0, 1, { seed: 1 }).data));
  });
});
