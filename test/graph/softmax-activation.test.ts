import { describe, expect, test } from 'vitest';
import { Input, Model, ops, tensor, Tensor } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { ACTIVATION_NAMES } from '../../src/ops/activation.js';
import { gradCheck, rand } from './gradcheck.js';

type S = SymbolicTensor;

function predict(f: (x: S) => S, x: Tensor): Tensor {
  const input = Input({ shape: x.shape.slice(1) });
  return new Model({ inputs: input, outputs: f(input) }).predict(x) as Tensor;
}

describe('softmax and logSoftmax ops', () => {
  test('over every axis, the batch axis included', () => {
    for (const kind of ['softmax', 'logSoftmax'] as const) {
      for (const axis of [0, 1, -1, 2]) gradCheck(`${kind} axis ${axis}`, (x) => ops[kind](x, axis), [rand([3, 5, 7], 1, -2, 2)]);
    }
  });

  test('with a broadcast mask; a fully masked row is zeros', () => {
    // mask [*, 1, 7]: sample 1 masks every entry
    const mask = tensor([1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0], [3, 1, 7]);
    for (const kind of ['softmax', 'logSoftmax'] as const) {
      gradCheck(`${kind} masked`, (x, m) => ops[kind](x, -1, m), [rand([3, 5, 7], 1, -2, 2), mask], [], { wrt: [0] });
    }
    const x = rand([3, 5, 7], 2, -2, 2);
    const inputs = [Input({ shape: [5, 7] }), Input({ shape: [1, 7] })];
    const y = new Model({ inputs, outputs: ops.softmax(inputs[0]!, -1, inputs[1]!) }).predict([x, mask]) as Tensor;
    expect(Array.from(y.data.subarray(35, 70)).every((v) => v === 0)).toBe(true);
    let row = 0;
    for (let j = 0; j < 7; j++) row += y.data[j]!;
    expect(row).toBeCloseTo(1, 6);
    expect(y.data[1]).toBe(0);
    const eager = ops.softmax(x, -1, mask);
    expect(Array.from(eager.data)).toEqual(Array.from(y.data));
    expect(() => ops.softmax(Input({ shape: [5, 7] }), -1, Input({ shape: [5, 3] }))).toThrow(/softmax: shapes \[\*, 5, 7\] and \[\*, 5, 3\] cannot be broadcast/);
  });

  test('eager equals symbolic along the last axis', () => {
    const x = rand([3, 7], 3, -3, 3);
    expect(Array.from(predict((t) => ops.softmax(t, 0), x).data)).toEqual(Array.from(ops.softmax(x, 0).data));
    const viaOp = predict((t) => ops.logSoftmax(t), x);
    const eager = ops.logSoftmax(x);
    for (let i = 0; i < x.size; i++) expect(Math.abs(viaOp.data[i]! - eager.data[i]!)).toBeLessThan(1e-5);
  });
});

describe('activation ops', () => {
  const elementwise = ACTIVATION_NAMES.filter((n) => n !== 'softmax' && n !== 'logSoftmax' && n !== 'step');
  test.each(elementwise)('%s: gradient check and eager equals symbolic', (name) => {
    // values away from the kinks at 0, ±2.5 (hardSigmoid) and 6 (relu6)
    const x = rand([3, 5], 7, 0.1, 2.2);
    for (let i = 0; i < x.size; i += 2) x.data[i] = -x.data[i]!;
    x.data[3] = 6.5;
    const fn = (ops as unknown as Record<string, (t: unknown) => unknown>)[name]!;
    gradCheck(name, (t) => fn(t) as S, [x]);
    expect(Array.from(predict((t) => fn(t) as S, x).data)).toEqual(Array.from((fn(x) as Tensor).data));
  });
  test('alpha of leakyRelu and elu; step has no gradient', () => {
    const x = rand([3, 5], 8, -2, 2);
    gradCheck('leakyRelu 0.3', (t) => ops.leakyRelu(t, 0.3), [x]);
    gradCheck('elu 0.5', (t) => ops.elu(t, 0.5), [x]);
    expect(Array.from(predict((t) => ops.elu(t, 0.5), x).data)).toEqual(Array.from(ops.elu(x, 0.5).data));
    expect(Array.from(predict((t) => ops.step(t), x).data)).toEqual(Array.from(ops.step(x).data));
  });
});
