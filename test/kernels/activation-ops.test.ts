import { describe, expect, test } from 'vitest';
import { ops, tensor } from '../../src/api.js';
import { activationBackwardPtr, activationForwardPtr } from '../../src/ops/activation.js';
import { ACTIVATION_REF, softmaxRef } from '../reference/activation.js';
import { expectClose, fromWasm, randomArray, toWasm } from '../util.js';
import { heap } from '../../src/backend/memory.js';

describe('resolveActivation', () => {
  test('fills in the default alpha: 0.2 for leakyRelu (Keras function), 1 for elu', () => {
    expect(ops.resolveActivation('leakyRelu')).toEqual({ name: 'leakyRelu', alpha: 0.2 });
    expect(ops.resolveActivation({ name: 'leakyRelu', alpha: 0.3 })).toEqual({ name: 'leakyRelu', alpha: 0.3 });
    expect(ops.resolveActivation('elu')).toEqual({ name: 'elu', alpha: 1 });
    expect(ops.resolveActivation(undefined)).toEqual({ name: 'linear' });
    expect(ops.resolveActivation('relu')).toEqual({ name: 'relu' });
  });
  test('rejects an unknown name, listing the valid ones', () => {
    expect(() => ops.resolveActivation('rleu' as never)).toThrow(/unknown activation 'rleu'; valid names are linear, step, sigmoid.*logSoftmax/);
    expect(() => ops.resolveActivation('toString' as never)).toThrow(/unknown activation/);
  });
  test('rejects an alpha where none is taken, and a non-finite alpha', () => {
    expect(() => ops.resolveActivation({ name: 'relu', alpha: 1 })).toThrow(/'relu' takes no alpha/);
    expect(() => ops.resolveActivation({ name: 'elu', alpha: NaN })).toThrow(/finite alpha/);
  });
  test('activationReads says which saved buffers the backward reads', () => {
    expect(ops.activationReads({ name: 'relu' })).toEqual({ x: true, y: false });
    expect(ops.activationReads({ name: 'sigmoid' })).toEqual({ x: false, y: true });
    expect(ops.activationReads({ name: 'softmax' })).toEqual({ x: false, y: true });
    expect(ops.activationReads({ name: 'elu', alpha: 1 })).toEqual({ x: true, y: true });
  });
});

describe('activationForwardPtr / activationBackwardPtr', () => {
  test.each(ops.ACTIVATION_NAMES)('%s works in place and accumulates its gradient', (name) => {
    const spec = ops.resolveActivation(name);
    const lastDim = 5;
    const x = randomArray(3 * lastDim, 8, -3, 3);
    const px = toWasm(x), py = toWasm(x), pdy = toWasm(new Float32Array(x.length).fill(1)), pdx = toWasm(new Float32Array(x.length).fill(2));
    try {
      activationForwardPtr(spec, py, py, x.length, lastDim); // y aliases its own input copy
      const y = fromWasm(py, x.length);
      const want = ops.activation(spec, tensor(x, [3, lastDim]));
      expectClose(y, want.data, `${name} pointer vs tensor op`, 0, 0);
      activationBackwardPtr(spec, pdx, pdy, px, py, x.length, lastDim);
      const dx = fromWasm(pdx, x.length);
      const dxTensor = ops.activationBackward(spec, tensor(new Float32Array(x.length).fill(1), [3, lastDim]), tensor(x, [3, lastDim]));
      expectClose(dx, dxTensor.data.map((v) => v + 2), `${name} backward accumulates`, 1e-6, 1e-6);
    } finally {
      for (const p of [px, py, pdy, pdx]) heap().free(p);
    }
  });
  test('softmax rejects a lastDim that does not divide n', () => {
    expect(() => activationForwardPtr({ name: 'softmax' }, 0, 0, 10, 3)).toThrow(/softmax: 10 values do not split into rows of lastDim=3/);
  });
});

describe('tensor ops', () => {
  test('ops.softmax works over the last axis of any rank', () => {
    const x = randomArray(2 * 3 * 7, 4, -5, 5);
    const y = ops.softmax(tensor(x, [2, 3, 7]));
    expect(y.shape).toEqual([2, 3, 7]);
    expectClose(y.data, softmaxRef(x, 7), 'ops.softmax', 2e-6, 1e-7);
    expect(ops.softmax(tensor([3.2, 1.3, 0.2, 0.8], [1, 4])).data[0]).toBeCloseTo(0.775, 3);
  });
  test('ops.logSoftmax is finite at ±1000', () => {
    const y = ops.logSoftmax(tensor([1000, -1000, 0], [1, 3]));
    expectClose(y.data, [0, -2000, -1000], 'ops.logSoftmax', 1e-7, 0);
  });
  test('named ops match the reference; leakyRelu and elu take alpha', () => {
    const x = tensor(randomArray(9, 2, -4, 4), [9]);
    expectClose(ops.leakyRelu(x).data, Array.from(x.data, (v) => ACTIVATION_REF.leakyRelu!.f(v, Math.fround(0.2))), 'leakyRelu default', 1e-7, 0);
    expectClose(ops.leakyRelu(x, 0.3).data, Array.from(x.data, (v) => ACTIVATION_REF.leakyRelu!.f(v, Math.fround(0.3))), 'leakyRelu 0.3', 1e-7, 0);
    expectClose(ops.elu(x, 0.5).data, Array.from(x.data, (v) => ACTIVATION_REF.elu!.f(v, 0.5)), 'elu 0.5', 1e-6, 1e-7);
    for (const [name, fn] of [['relu', ops.relu], ['sigmoid', ops.sigmoid], ['tanh', ops.tanh], ['gelu', ops.gelu], ['geluTanh', ops.geluTanh],
      ['swish', ops.swish], ['silu', ops.silu], ['mish', ops.mish], ['softplus', ops.softplus], ['softsign', ops.softsign], ['selu', ops.selu],
      ['relu6', ops.relu6], ['hardSigmoid', ops.hardSigmoid], ['step', ops.step], ['linear', ops.linear]] as const) {
      expectClose(fn(x).data, Array.from(x.data, (v) => ACTIVATION_REF[name]!.f(v, 0)), `ops.${name}`, 2e-6, 3e-6);
    }
  });
  test('ops.prelu and ops.preluBackward use one alpha per last-axis channel', () => {
    const x = tensor([-1, 2, -3, 4, -5, -6], [3, 2]);
    const alpha = tensor([0.1, 0.5], [2]);
    expectClose(ops.prelu(x, alpha).data, [-0.1, 2, -0.3, 4, -0.5, -3], 'prelu', 1e-7, 0);
    const { dx, dalpha } = ops.preluBackward(tensor([1, 1, 1, 1, 1, 1], [3, 2]), x, alpha);
    expectClose(dx.data, [0.1, 1, 0.1, 1, 0.1, 0.5], 'prelu dx', 1e-7, 0);
    expectClose(dalpha.data, [-9, -6], 'prelu dalpha', 1e-7, 0);
    expect(() => ops.prelu(x, tensor([1, 2, 3], [3]))).toThrow(/prelu: alpha \[3\] must have 2 values/);
  });
  test('activationBackward names both shapes when dy does not match x', () => {
    expect(() => ops.activationBackward('relu', tensor([1, 2], [2]), tensor([1, 2, 3], [3]))).toThrow(/relu backward: dy \[2\] must have the shape of x \[3\]/);
  });
});
