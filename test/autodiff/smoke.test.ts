import { describe, expect, test } from 'vitest';
import { layers, Input, Model, ops, tensor, valueAndGrad, Tensor, type Shape, type SymbolicTensor, type Weight } from '../../src/index.js';

class Scale extends layers.Layer {
  w!: Weight;
  override build(shape: Shape): void {
    this.w = this.addWeight('w', [shape.at(-1)!], { initializer: 'ones' });
  }
  override call(x: SymbolicTensor): SymbolicTensor {
    return ops.mul(x, this.w);
  }
}

describe('smoke', () => {
  test('custom layer forward and fit', async () => {
    const x = Input({ shape: [3] });
    const s = new Scale();
    const y = layers.dense({ units: 1 }).apply(s.apply(x));
    const m = new Model({ inputs: x, outputs: y, seed: 1 });
    expect(s.weights.length).toBe(1);
    const xs = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = m.predict(xs);
    expect(before.shape).toEqual([2, 1]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await m.fit(xs, tensor([1, 2], [2, 1]), { epochs: 3, verbose: 0 });
    expect(h.history.loss!.length).toBe(3);
    expect(Array.from(s.getWeights()[0]!.data)).not.toEqual([1, 1, 1]);
  });

  test('valueAndGrad wrt input', () => {
    const f = valueAndGrad((x: SymbolicTensor) => ops.sum(ops.square(x)));
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const r = f(x);
    expect(r.value).toBeCloseTo(30);
    expect(Array.from(r.grads[0]!.data)).toEqual([2, 4, 6, 8]);
    const r2 = f(tensor([1, 1, 1, 1], [2, 2]));
    expect(r2.value).toBeCloseTo(4);
    expect(r2.grads[0]).toBeInstanceOf(Tensor);
  });
});
