// valueAndGrad / grad: gradients with respect to inputs and weights against finite differences,
// tracing once per shape, and clear errors.
import { describe, expect, test } from 'vitest';
import { layers, Input, Model, ops, tensor, Tensor, grad, grads, valueAndGrad, ShapeError, ValueError, type SymbolicTensor } from '../../src/index.js';
import { randomArray } from '../util.js';

function classifier(seed: number): Model {
  const input = Input({ shape: [5, 5, 1] });
  let h = layers.conv2d({ filters: 2, kernelSize: 3, activation: 'tanh' }).apply(input);
  h = layers.flatten().apply(h);
  return new Model({ inputs: input, outputs: layers.dense({ units: 3, activation: 'softmax' }).apply(h), seed });
}

describe('valueAndGrad', () => {
  test('the gradient of the loss with respect to the input image matches finite differences', () => {
    const model = classifier(1);
    const x = tensor(randomArray(2 * 25, 2, 0, 1), [2, 5, 5, 1]);
    const y = tensor([0, 2], [2]);
    const f = valueAndGrad((a: SymbolicTensor, b: SymbolicTensor) => ops.loss('sparseCategoricalCrossentropy', b, model.apply(a)), { wrt: [0] });
    const { value, grads: [dx] } = f(x, y);
    expect(value).toBeGreaterThan(0);
    expect(dx!.shape).toEqual([2, 5, 5, 1]);
    const h = 1e-2;
    for (const i of [0, 7, 24, 31, 49]) {
      const at = (d: number): number => {
        const v = x.data.slice();
        v[i] = v[i]! + d;
        return f(new Tensor(v, x.shape), y).value;
      };
      expect(dx!.data[i]!).toBeCloseTo((at(h) - at(-h)) / (2 * h), 3);
    }
    // The same shape reuses the traced plan: the same numbers again.
    expect(Array.from(f(x, y).grads[0]!.data)).toEqual(Array.from(dx!.data));
  });

  test('gradients with respect to weights (model.trainableWeights) match finite differences', () => {
    const model = classifier(3);
    const x = tensor(randomArray(3 * 25, 4, 0, 1), [3, 5, 5, 1]);
    const y = tensor([1, 0, 2], [3]);
    const ws = model.trainableWeights;
    const f = valueAndGrad((a: SymbolicTensor, b: SymbolicTensor) => ops.loss('sparseCategoricalCrossentropy', b, model.apply(a)), { wrt: ws });
    const r = f(x, y);
    expect(r.grads.map((g) => g.shape)).toEqual(ws.map((w) => w.shape));
    const values = model.getWeights();
    const h = 1e-2;
    for (let k = 0; k < ws.length; k++) {
      const at = (d: number): number => {
        const v = values.map((t) => t.data.slice());
        v[k]![0] = v[k]![0]! + d;
        model.setWeights(v.map((data, i) => new Tensor(data, values[i]!.shape)));
        return f(x, y).value;
      };
      expect(r.grads[k]!.data[0]!).toBeCloseTo((at(h) - at(-h)) / (2 * h), 3);
    }
  });

  test('grad and grads; a new shape traces again', () => {
    const dsq = grad((x: SymbolicTensor) => ops.sum(ops.mul(ops.square(x), 0.5)));
    expect(Array.from(dsq(tensor([1, -2, 3], [3, 1])).data)).toEqual([1, -2, 3]);
    expect(Array.from(dsq(tensor([4, 5], [1, 2])).data)).toEqual([4, 5]);
    const both = grads((a: SymbolicTensor, b: SymbolicTensor) => ops.sum(ops.mul(a, b)));
    const [da, db] = both(tensor([1, 2], [2, 1]), tensor([3, 4], [2, 1]));
    expect(Array.from(da!.data)).toEqual([3, 4]);
    expect(Array.from(db!.data)).toEqual([1, 2]);
  });

  test('bad functions and arguments get clear errors', () => {
    expect(() => valueAndGrad('f' as never)).toThrow(/valueAndGrad: expected a function/);
    expect(() => valueAndGrad((x: SymbolicTensor) => x, { wrt: [] })).toThrow(/wrt must be a non-empty array/);
    expect(() => valueAndGrad((x: SymbolicTensor) => x)(tensor([1, 2], [2, 1]))).toThrow(ShapeError);
    expect(() => valueAndGrad((x: SymbolicTensor) => x)(tensor([1, 2], [2, 1]))).toThrow(/must return a scalar \(shape \[\]\), got SymbolicTensor\(.*\[\*, 1\]\); reduce it with ops\.mean or ops\.sum/);
    const f = valueAndGrad((a: SymbolicTensor, b: SymbolicTensor) => ops.sum(ops.add(a, b)));
    expect(() => f(tensor([1, 2], [2, 1]), tensor([1, 2, 3], [3, 1]))).toThrow(/same first \(batch\) axis/);
    expect(() => f([1, 2] as never, tensor([1], [1, 1]))).toThrow(ValueError);
    const other = layers.dense({ units: 1 });
    other.apply(Input({ shape: [1] }));
    expect(() => valueAndGrad((a: SymbolicTensor) => ops.sum(a), { wrt: [other.weights[0]!] })(tensor([1], [1, 1]))).toThrow(/wrt lists weight kernel, which the function does not use/);
  });
});
