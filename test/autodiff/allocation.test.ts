// A model with a custom layer (traced ops) and loss terms trains without allocating in the op,
// plan and executor step paths.
import { expect, test } from 'vitest';
import { layers, regularizers, Input, Model, ops, tensor, type Shape, type SymbolicTensor, type Weight } from '../../src/index.js';
import { randomArray } from '../util.js';
import { sampleAllocations } from '../heap-profile.js';

class Gate extends layers.Layer {
  w!: Weight;
  override build(shape: Shape): void {
    this.w = this.addWeight('w', [shape.at(-1)!], { initializer: 'ones' });
  }
  override call(x: SymbolicTensor): SymbolicTensor {
    const y = ops.mul(ops.maximum(x, 0), this.w);
    this.addLoss(ops.mul(1e-3, ops.sum(ops.square(this.w))));
    return ops.sub(y, ops.mean(y, -1, true));
  }
}

test('2,000 training steps of a model with a custom layer, addLoss and an activity penalty allocate nothing in their step paths', async () => {
  const input = Input({ shape: [6] });
  const h = new Gate().apply(layers.dense({ units: 8, activityRegularizer: regularizers.l2(1e-3) }).apply(input));
  const model = new Model({ inputs: input, outputs: layers.dense({ units: 2 }).apply(h), seed: 7 });
  model.addLoss(ops.mul(1e-3, ops.mean(ops.abs(h))));
  model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
  const x = tensor(randomArray(4 * 6, 1), [4, 6]);
  const y = tensor(randomArray(4 * 2, 2), [4, 2]);
  const steps = async (): Promise<void> => {
    for (let i = 0; i < 2000; i++) model.trainStep(x, y);
  };
  await steps(); // warm up
  const bytes = await sampleAllocations(steps);
  // The op nodes, the plan and custom layers. (The executor and the activity penalty pass floats
  // to and from wasm exports, which V8 may box: ~16 B per value per step, as for a loss value in
  // every model; test/layers/alloc-profile.mjs follows those.)
  const inStep = [...bytes].filter(([where]) => /src\/(graph\/|train\/(plan|heads)|layers\/custom)/.test(where));
  const total = inStep.reduce((s, [, b]) => s + b, 0);
  // Under 16 B per step: a closure, array or call object made per step would be 32 B or more.
  expect(total, `allocations in step paths: ${inStep.map(([w, b]) => `${w} ${b} B`).join('; ')}`).toBeLessThan(32 * 1024);
});
