import { describe, expect, test } from 'vitest';
import { Input, Model, layers, ops, valueAndGrad, Tensor, type Shape } from '../../src/index.js';
import type { SymbolicTensor, Weight } from '../../src/layers/layer.js';
import { gradCheck, param, rand } from './gradcheck.js';

type S = SymbolicTensor;

describe('conv, pooling, normalisation ops', () => {
  test('conv2d with a bias, strides and padding', () => {
    const w = param([3, 3, 3, 2], 2);
    const b = param([2], 3);
    gradCheck('conv2d same stride 2', (x) => ops.conv2d(x, w.w, { strides: 2, padding: 'same', bias: b.w }), [rand([2, 5, 7, 3], 1)], [w, b]);
    const w2 = param([2, 3, 3, 1], 4);
    gradCheck('conv2d valid dilation 2', (x) => ops.conv2d(x, w2.w, { dilationRate: 2 }), [rand([2, 5, 7, 3], 5)], [w2]);
    expect(() => ops.conv2d(Input({ shape: [5, 5, 4] }), w2.w, {})).toThrow(/conv2d: filter \[2, 3, 3, 1\] expects 3 input channels but the input \[1, 5, 5, 4\] has 4 \(symbolic shapes: \[\*, 5, 5, 4\] and \[2, 3, 3, 1\]\)/);
  });
  test('max and average pooling', () => {
    gradCheck('maxPool2d', (x) => ops.maxPool2d(x, { poolSize: 2, strides: 2, padding: 'same' }), [rand([2, 5, 7, 3], 1)], [], { eps: 1e-3 });
    gradCheck('avgPool2d', (x) => ops.avgPool2d(x, { poolSize: 3, strides: 2 }), [rand([2, 5, 7, 3], 2)]);
    const x = rand([2, 5, 7, 3], 3);
    const input = Input({ shape: [5, 7, 3] });
    const y = new Model({ inputs: input, outputs: ops.maxPool2d(input, { poolSize: 3 }) }).predict(x) as Tensor;
    expect(Array.from(y.data)).toEqual(Array.from(ops.maxPool2d(x, { poolSize: 3 }).data));
  });
  test('layerNormalization op', () => {
    const g = param([7], 2);
    const b = param([7], 3);
    gradCheck('layerNormalization', (x) => ops.layerNormalization(x, { gamma: g.w, beta: b.w }), [rand([3, 5, 7], 1)], [g, b]);
    gradCheck('layerNormalization defaults', (x) => ops.layerNormalization(ops.mul(x, 3)), [rand([3, 5], 4)]);
  });
});

describe('dropout and random ops', () => {
  test('dropout: identity in inference, a masked and rescaled copy while training', () => {
    const x = rand([3, 5, 7], 1, 0.5, 1.5);
    gradCheck('dropout inference', (t) => ops.dropout(t, 0.5), [x]);
    const r = rand([3, 5, 7], 2);
    const f = valueAndGrad((t: S, u: S) => ops.sum(ops.mul(ops.dropout(t, 0.4), u)), { wrt: [0], training: true, seed: 3 });
    const { value, grads: [dx] } = f(x, r);
    // dx = r * mask, mask 0 or 1 / 0.6; and the value is linear in x: sum(x * dx)
    let dropped = 0;
    let dot = 0;
    for (let i = 0; i < x.size; i++) {
      const m = dx!.data[i]! / r.data[i]!;
      expect(Math.abs(m) < 1e-6 || Math.abs(m - 1 / 0.6) < 1e-4).toBe(true);
      if (Math.abs(m) < 1e-6) dropped++;
      dot += x.data[i]! * dx!.data[i]!;
    }
    expect(dropped).toBeGreaterThan(20);
    expect(dropped).toBeLessThan(65);
    expect(value).toBeCloseTo(dot, 3);
    expect(Array.from(f(x, r).grads[0]!.data)).not.toEqual(Array.from(dx!.data)); // a fresh mask each step
  });

  test('randomNormalLike / randomNormal(shapeOf): fresh seeded draws every step; the VAE sampling gradient', () => {
    class Sampling extends layers.Layer {
      override call([mean, logVar]: S[]): S {
        const eps = ops.randomNormal(ops.shapeOf(mean!));
        return ops.add(mean!, ops.mul(ops.exp(ops.mul(logVar!, 0.5)), eps));
      }
    }
    const mean = rand([64, 33], 1);
    const logVar = rand([64, 33], 2, -1, 0.5);
    const s = new Sampling();
    const f = valueAndGrad((m: S, lv: S) => ops.sum(s.apply([m, lv]) as S), { seed: 7 });
    const a = f(mean, logVar);
    // d/dmean = 1; d/dlogVar = 0.5 exp(0.5 logVar) eps, so eps = 2 dlogVar / exp(0.5 logVar): standard normal
    expect(Array.from(a.grads[0]!.data).every((v) => v === 1)).toBe(true);
    const eps = a.grads[1]!.data.map((g, i) => (2 * g) / Math.exp(0.5 * logVar.data[i]!));
    const mu = eps.reduce((p, v) => p + v, 0) / eps.length;
    const sd = Math.sqrt(eps.reduce((p, v) => p + (v - mu) ** 2, 0) / eps.length);
    expect(Math.abs(mu)).toBeLessThan(0.1);
    expect(Math.abs(sd - 1)).toBeLessThan(0.1);
    expect(f(mean, logVar).value).not.toBe(a.value); // a fresh draw each step
    expect(valueAndGrad((m: S, lv: S) => ops.sum(s.apply([m, lv]) as S), { seed: 7 })(mean, logVar).value).toBe(a.value); // seeded
    const u = valueAndGrad((m: S) => ops.sum(ops.mul(ops.randomUniformLike(m, 2, 3), m)), { seed: 1 })(ops.add(mean, 0) as Tensor);
    expect(Array.from(u.grads[0]!.data).every((v) => v >= 2 && v < 3)).toBe(true);
  });
});

describe('errors name the op, both shapes, and the custom layer', () => {
  class Bad extends layers.Layer {
    w!: Weight;
    override build(shape: Shape): void {
      this.w = this.addWeight('w', [shape.at(-1)! + 1, 2], { initializer: 'ones' });
    }
    override call(x: S): S {
      return ops.matmul(x, this.w);
    }
  }
  test('matmul inside a custom layer', () => {
    const bad = new Bad({ name: 'bad_layer' });
    expect(() => bad.apply(Input({ shape: [4] }))).toThrow(/bad_layer: matmul: inner sizes differ: a \[\*, 4\] gives k=4, b \[5, 2\] gives k=5/);
  });
  test('an op on a plain array names the op and the operand', () => {
    expect(() => ops.reshape([1, 2] as never, [2])).toThrow(/ops\.reshape: x must be a Tensor, SymbolicTensor or Weight/);
    expect(() => ops.concat([Input({ shape: [2] }), [1] as never])).toThrow(/ops\.concat: xs\[1\] must be a Tensor, SymbolicTensor/);
  });
});
