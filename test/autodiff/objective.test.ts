// Multi-output models, loss functions written with ops, addLoss / activityRegularizer terms and a
// model's own trainStep in fit.
import { describe, expect, test } from 'vitest';
import { layers, optimizers, regularizers, Input, Model, ops, tensor, Tensor, ValueError, applyGradients, valueAndGrad, type SymbolicTensor } from '../../src/index.js';
import { randomArray } from '../util.js';

function twoHeads(seed: number): { model: Model<Tensor[]>; x: Tensor; yClass: Tensor; yValue: Tensor } {
  const input = Input({ shape: [4] });
  const h = layers.dense({ units: 8, activation: 'relu', name: 'trunk' }).apply(input);
  const cls = layers.dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(h);
  const reg = layers.dense({ units: 1, name: 'size' }).apply(h);
  const model = new Model<Tensor[]>({ inputs: input, outputs: [cls, reg], seed });
  const n = 48;
  const xs = randomArray(n * 4, seed, -1, 1);
  const labels = new Float32Array(n);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = xs[i * 4]! > 0.3 ? 2 : xs[i * 4]! > -0.3 ? 1 : 0;
    values[i] = xs[i * 4 + 1]! - xs[i * 4 + 2]!;
  }
  return { model, x: tensor(xs, [n, 4]), yClass: tensor(labels, [n]), yValue: tensor(values, [n, 1]) };
}

describe('multi-output models', () => {
  test('fit with a loss per output and lossWeights logs Keras names; evaluate and predict', async () => {
    const { model, x, yClass, yValue } = twoHeads(1);
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: { kind: 'sparseCategoricalCrossentropy', size: 'mse' }, lossWeights: [1, 0.5], metrics: { kind: ['accuracy'] } });
    const h = await model.fit(x, { kind: yClass, size: yValue }, { epochs: 30, batchSize: 16, verbose: 0, validationData: [x, [yClass, yValue]] });
    expect(Object.keys(h.history).sort()).toEqual(['kind_accuracy', 'kind_loss', 'loss', 'size_loss', 'val_kind_accuracy', 'val_kind_loss', 'val_loss', 'val_size_loss'].sort());
    const logs = model.evaluate(x, [yClass, yValue]);
    expect(logs.loss!).toBeCloseTo(logs.kind_loss! + 0.5 * logs.size_loss!, 4);
    expect(logs.kind_accuracy!).toBeGreaterThan(0.8);
    expect(h.history.loss![29]!).toBeLessThan(h.history.loss![0]!);
    const [p, q] = model.predict(x);
    expect(p!.shape).toEqual([48, 3]);
    expect(q!.shape).toEqual([48, 1]);
  });

  test('bad targets and loss specs name the output', () => {
    const { model, x, yClass } = twoHeads(2);
    expect(() => model.compile({ optimizer: 'sgd', loss: { kind: 'mse', nope: 'mse' } })).toThrow(/names 'nope', which is not an output; outputs: kind, size/);
    model.compile({ optimizer: 'sgd', loss: ['sparseCategoricalCrossentropy', 'mse'] });
    expect(() => model.trainStep(x, yClass)).toThrow(/has 2 outputs \(kind, size\); pass y as an array or an object/);
    expect(() => model.trainStep(x, [yClass, tensor(new Float32Array(96), [48, 2])])).toThrow(/output size needs targets \[\*, 1\] for 48 samples, got \[48, 2\]/);
  });
});

describe('losses written with ops', () => {
  test('a loss function equals the built-in loss it spells out, value and training', async () => {
    const make = (seed: number): Model => {
      const input = Input({ shape: [4] });
      return new Model({ inputs: input, outputs: layers.dense({ units: 2 }).apply(input), seed });
    };
    const x = tensor(randomArray(32 * 4, 3), [32, 4]);
    const y = tensor(randomArray(32 * 2, 4), [32, 2]);
    const a = make(9);
    const b = make(9);
    a.compile({ optimizer: 'sgd', loss: 'mse' });
    b.compile({ optimizer: 'sgd', loss: (t: SymbolicTensor, p: SymbolicTensor) => ops.mean(ops.square(ops.sub(t, p)), -1) });
    expect(b.evaluate(x, y).loss!).toBeCloseTo(a.evaluate(x, y).loss!, 5);
    for (let i = 0; i < 5; i++) expect(b.trainStep(x, y)).toBeCloseTo(a.trainStep(x, y), 5);
    const wa = a.getWeights()[0]!.data;
    const wb = b.getWeights()[0]!.data;
    for (let i = 0; i < wa.length; i++) expect(wb[i]!).toBeCloseTo(wa[i]!, 5);
  });
});

/** d(loss)/d(weights) from one SGD step with learning rate 1. */
function sgdGradient(model: Model, x: Tensor, y: Tensor): Float32Array[] {
  const before = model.getWeights().map((w) => w.data.slice());
  model.trainStep(x, y);
  const after = model.getWeights();
  model.setWeights(before.map((d, i) => new Tensor(d, after[i]!.shape)));
  return before.map((d, i) => d.map((v, j) => v - after[i]!.data[j]!));
}

describe('addLoss and activityRegularizer', () => {
  test('the reported loss includes the penalty and the gradient matches finite differences', () => {
    const input = Input({ shape: [3] });
    const hidden = layers.dense({ units: 4, activation: 'tanh', activityRegularizer: regularizers.l2(0.3) }).apply(input);
    const out = layers.dense({ units: 1 }).apply(hidden);
    const model = new Model({ inputs: input, outputs: out, seed: 2 });
    model.addLoss(ops.mul(0.1, ops.mean(ops.abs(out))));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss: 'mse' });
    const x = tensor(randomArray(8 * 3, 5, -1, 1), [8, 3]);
    const y = tensor(randomArray(8, 6, -1, 1), [8, 1]);
    // The penalty by hand: 0.3 * sum(h^2) / batch, plus 0.1 * mean |out|.
    const probe = new Model({ inputs: input, outputs: [hidden, out] as SymbolicTensor[] });
    const [hv, ov] = probe.predict(x) as unknown as Tensor[];
    let sq = 0;
    for (const v of hv!.data) sq += v * v;
    let mse = 0;
    let absOut = 0;
    for (let i = 0; i < 8; i++) {
      mse += (ov!.data[i]! - y.data[i]!) ** 2;
      absOut += Math.abs(ov!.data[i]!);
    }
    const expected = mse / 8 + (0.3 * sq) / 8 + (0.1 * absOut) / 8;
    expect(model.evaluate(x, y).loss!).toBeCloseTo(expected, 5);
    const g = sgdGradient(model, x, y);
    const weights = model.getWeights();
    const h = 1e-2;
    for (let k = 0; k < weights.length; k++) {
      for (const j of [0, weights[k]!.size - 1]) {
        const at = (d: number): number => {
          const ws = weights.map((w) => w.data.slice());
          ws[k]![j] = ws[k]![j]! + d;
          model.setWeights(ws.map((v, i) => new Tensor(v, weights[i]!.shape)));
          return model.evaluate(x, y).loss!;
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        expect(g[k]![j]!).toBeCloseTo(fd, 2);
      }
    }
  });

  test('layer.addLoss inside call joins the loss; outside call it is refused', () => {
    class Penalised extends layers.Layer {
      override call(x: SymbolicTensor): SymbolicTensor {
        this.addLoss(ops.mul(2, ops.mean(ops.square(x))));
        return x;
      }
    }
    const input = Input({ shape: [2] });
    const model = new Model({ inputs: input, outputs: layers.dense({ units: 1, kernelInitializer: 'zeros' }).apply(new Penalised().apply(input)) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const y = tensor([0, 0], [2, 1]);
    expect(model.evaluate(x, y).loss!).toBeCloseTo(2 * (1 + 4 + 9 + 16) / 4, 5);
    expect(() => new Penalised().addLoss(ops.mean(input))).toThrow(/addLoss: call it inside call\(\)/);
  });
});

describe("a model's own trainStep", () => {
  test('fit runs the overridden step with callbacks and history', async () => {
    class Ridge extends Model {
      readonly opt = optimizers.sgd({ learningRate: 0.1 });
      override trainStep(x: Tensor | readonly Tensor[], y: unknown): number {
        const f = (this.step ??= valueAndGrad((a: SymbolicTensor, b: SymbolicTensor) => ops.add(ops.loss('mse', b, this.apply(a)), ops.mul(0.01, ops.sum(ops.square(this.trainableWeights[0]!)))), { wrt: this.trainableWeights }));
        const r = f(x as Tensor, y as Tensor);
        applyGradients(this.opt, r.grads, this.trainableWeights);
        return { loss: r.value, penalty: 0 } as unknown as number;
      }
      private step: ReturnType<typeof valueAndGrad> | undefined;
    }
    const input = Input({ shape: [3] });
    const model = new Ridge({ inputs: input, outputs: layers.dense({ units: 1 }).apply(input), seed: 4 });
    model.compile({ optimizer: 'sgd' });
    const x = tensor(randomArray(30, 7, -1, 1), [10, 3]);
    const y = tensor(randomArray(10, 8, -1, 1), [10, 1]);
    const h = await model.fit(x, y, { epochs: 8, batchSize: 5, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'penalty']);
    expect(h.history.loss![7]!).toBeLessThan(h.history.loss![0]!);
  });

  test('compile without a loss is refused for an ordinary model', () => {
    const input = Input({ shape: [3] });
    const model = new Model({ inputs: input, outputs: layers.dense({ units: 1 }).apply(input) });
    expect(() => model.compile({ optimizer: 'sgd' })).toThrow(ValueError);
  });
});

describe('metrics written with ops and model.addMetric', () => {
  test('a metric function and an added metric are reported (and val_), and do not change the loss', async () => {
    const input = Input({ shape: [2] });
    const out = layers.dense({ units: 1, kernelInitializer: 'ones' }).apply(input);
    const model = new Model({ inputs: input, outputs: out, seed: 1 });
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const y = tensor([1, 1], [2, 1]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const plain = model.evaluate(x, y).loss!;
    function meanError(t: SymbolicTensor, p: SymbolicTensor): SymbolicTensor {
      return ops.sub(p, t);
    }
    model.addMetric(ops.mean(out), 'meanOutput');
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae', meanError] });
    const logs = model.evaluate(x, y);
    expect(logs.loss!).toBeCloseTo(plain, 6);
    expect(logs.meanError!).toBeCloseTo((3 - 1 + 7 - 1) / 2, 5);
    expect(logs.meanOutput!).toBeCloseTo(5, 5);
    expect(Object.keys(logs)).toEqual(['loss', 'mae', 'meanError', 'meanOutput']);
    const h = await model.fit(x, y, { epochs: 1, verbose: 0, validationData: [x, y] });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'mae', 'meanError', 'meanOutput', 'val_loss', 'val_mae', 'val_meanError', 'val_meanOutput'].sort());
    expect(() => model.addMetric(ops.mean(out), 'loss')).toThrow(/addMetric: name must be a new non-empty string/);
  });
});
