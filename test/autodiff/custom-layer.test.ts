// Custom layers written with build() and call(): training without a hand-written backward, io,
// summary, sublayers, shared weights, and the errors a wrong call() gets.
import { describe, expect, test } from 'vitest';
import { layers, optimizers, Input, Model, ops, tensor, io, valueAndGrad, ValueError, ShapeError, type Shape, type SymbolicTensor, type Weight } from '../../src/index.js';
import { randomArray } from '../util.js';

/** y = x * w (w per feature, initialised to ones). */
class Scale extends layers.Layer {
  w!: Weight;
  override build(shape: Shape): void {
    this.w = this.addWeight('w', [shape.at(-1)!], { initializer: 'ones' });
  }
  override call(x: SymbolicTensor): SymbolicTensor {
    return ops.mul(x, this.w);
  }
}
layers.registerLayer(Scale);

/** A dense layer with a tanh, from a sublayer and ops: its weights come from the sublayer. */
class TanhBlock extends layers.Layer<{ units: number; name?: string }> {
  readonly inner: ReturnType<typeof layers.dense>;
  constructor(config: { units: number; name?: string }) {
    super(config);
    this.inner = layers.dense({ units: config.units });
  }
  override call(x: SymbolicTensor): SymbolicTensor {
    return ops.sub(ops.mul(2, ops.div(1, ops.add(1, ops.exp(ops.mul(-2, this.inner.apply(x)))))), 1);
  }
}
layers.registerLayer(TanhBlock);

function data(n: number, seed: number): { x: ReturnType<typeof tensor>; y: ReturnType<typeof tensor> } {
  const xs = randomArray(n * 3, seed, -1, 1);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) ys[i] = 0.5 * xs[i * 3]! - 0.25 * xs[i * 3 + 1]! + 0.1;
  return { x: tensor(xs, [n, 3]), y: tensor(ys, [n, 1]) };
}

describe('custom layers', () => {
  test('a Scale layer trains without a backward, saves, loads after registerLayer and shows in summary', async () => {
    const x = Input({ shape: [3] });
    const scale = new Scale();
    const model = new Model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(scale.apply(x)), seed: 3 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'mse' });
    const { x: xs, y } = data(64, 1);
    const before = model.evaluate(xs, y).loss!;
    await model.fit(xs, y, { epochs: 20, batchSize: 16, verbose: 0 });
    const after = model.evaluate(xs, y).loss!;
    expect(after).toBeLessThan(before * 0.5);
    expect(Array.from(scale.getWeights()[0]!.data).some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
    expect(model.summary()).toMatch(/scale_\d+ \(Scale\)\s+\(None, 3\)\s+3/);
    const loaded = await io.load(io.save(model));
    expect(Array.from(loaded.predict(xs).data)).toEqual(Array.from(model.predict(xs).data));
    expect(loaded.layers.map((l) => l.className)).toEqual(['Scale', 'Dense']);
  });

  test('a custom layer built from a sublayer and ops adopts its weights, trains and round-trips through io', async () => {
    const x = Input({ shape: [3] });
    const block = new TanhBlock({ units: 4 });
    const model = new Model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(block.apply(x)), seed: 5 });
    expect(block.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
    expect(model.countParams()).toBe(3 * 4 + 4 + 4 + 1);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const { x: xs, y } = data(64, 2);
    const before = model.evaluate(xs, y).loss!;
    await model.fit(xs, y, { epochs: 15, batchSize: 16, verbose: 0 });
    expect(model.evaluate(xs, y).loss!).toBeLessThan(before);
    // The traced tanh equals the built-in dense with a tanh activation.
    const ref = layers.dense({ units: 4, activation: 'tanh' });
    const xi = Input({ shape: [3] });
    const refModel = new Model({ inputs: xi, outputs: ref.apply(xi), seed: 1 });
    ref.setWeights(block.getWeights());
    const probe = new Model({ inputs: x, outputs: block.apply(x) });
    const a = probe.predict(xs).data;
    const b = refModel.predict(xs).data;
    for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 5);
    const loaded = await io.load(io.save(model));
    expect(Array.from(loaded.predict(xs).data)).toEqual(Array.from(model.predict(xs).data));
  });

  test('two custom layers sharing one weight: gradients from both uses add up (finite differences)', () => {
    const a = new Scale();
    class Shared extends layers.Layer {
      override call(x: SymbolicTensor): SymbolicTensor {
        return ops.square(ops.mul(x, a.w));
      }
    }
    const b = new Shared();
    const f = valueAndGrad((x: SymbolicTensor) => ops.sum(ops.add(a.apply(x), b.apply(x))), { wrt: [0] });
    const x = tensor(randomArray(6, 4, -1, 1), [2, 3]);
    f(x); // traces: builds a
    a.setWeights([tensor([0.5, -1.5, 2], [3])]);
    const w = a.weights[0]!;
    const g = valueAndGrad((t: SymbolicTensor) => ops.sum(ops.add(a.apply(t), b.apply(t))), { wrt: [w] })(x).grads[0]!;
    const base = Array.from(a.getWeights()[0]!.data);
    const h = 1e-2;
    for (let i = 0; i < 3; i++) {
      const at = (d: number): number => {
        const v = base.slice();
        v[i] = v[i]! + d;
        a.setWeights([tensor(v, [3])]);
        return f(x).value;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(g.data[i]!).toBeCloseTo(fd, 2);
    }
  });

  test('call() returning something else, or an op on a plain array, throws naming the layer', () => {
    class Bad extends layers.Layer {
      override call(): SymbolicTensor {
        return [1, 2] as unknown as SymbolicTensor;
      }
    }
    class Array1 extends layers.Layer {
      override call(x: SymbolicTensor): SymbolicTensor {
        return ops.mul(x, [1, 2, 3] as unknown as number);
      }
    }
    const x = Input({ shape: [3] });
    expect(() => new Bad({ name: 'bad' }).apply(x)).toThrow(/^bad\.call: must return a SymbolicTensor.*got \[the number 1, the number 2\]/);
    expect(() => new Array1({ name: 'arr' }).apply(x)).toThrow(ValueError);
    expect(() => new Array1({ name: 'arr2' }).apply(x)).toThrow(/^arr2: ops\.mul: b must be a Tensor, SymbolicTensor, Weight or number, got an array \(length 3\)/);
  });

  test('an op on incompatible shapes names the op and both shapes', () => {
    const x = Input({ shape: [3] });
    const y = Input({ shape: [4] });
    expect(() => ops.add(x, y)).toThrow(ShapeError);
    expect(() => ops.add(x, y)).toThrow(/^ops\.add|add: shapes \[\*, 3\] and \[\*, 4\] cannot be broadcast together/);
  });
});
