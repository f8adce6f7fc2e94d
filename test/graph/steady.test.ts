// A model whose custom layer is made of the new ops trains with wasm memory and the JS heap flat:
// structs and geometries are written when the batch size changes, never per step.
import { describe, expect, test } from 'vitest';
import { Input, Model, layers, ops, optimizers, Tensor, type Shape } from '../../src/index.js';
import type { SymbolicTensor, Weight } from '../../src/layers/layer.js';
import { measureRetention, randomArray } from '../util.js';

type S = SymbolicTensor;

class SmallNet extends layers.Layer {
  filter!: Weight;
  kernel!: Weight;
  gamma!: Weight;
  override build(shape: Shape): void {
    this.filter = this.addWeight('filter', [3, 3, shape.at(-1)!, 4], { initializer: 'glorotUniform' });
    this.kernel = this.addWeight('kernel', [16, 3], { initializer: 'glorotUniform' });
    this.gamma = this.addWeight('gamma', [16], { initializer: 'ones' });
  }
  override call(x: S): S {
    const h = ops.maxPool2d(ops.relu(ops.conv2d(x, this.filter, { padding: 'same' })), { poolSize: 2 });
    const flat = ops.dropout(ops.layerNormalization(ops.reshape(h, [-1, 16]), { gamma: this.gamma }), 0.2);
    const [a, b] = ops.split(flat, 2, -1) as S[];
    const joined = ops.concat([ops.transpose(ops.stack([b!, a!], 1), [0, 2, 1]) as S], 1);
    return ops.softmax(ops.matmul(ops.reshape(joined, [-1, 16]), this.kernel));
  }
}

describe('steady state', () => {
  test('fit keeps wasm memory and the JS heap flat with a custom layer made of ops', async () => {
    const x = new Tensor(randomArray(20 * 4 * 4 * 2, 1), [20, 4, 4, 2]);
    const y = new Tensor(Float32Array.from({ length: 60 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [20, 3]);
    const input = Input({ shape: [4, 4, 2] });
    const model = new Model({ inputs: input, outputs: new SmallNet().apply(input) as S, seed: 3 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 1e-2 }), loss: 'categoricalCrossentropy' });
    const first = await model.fit(x, y, { epochs: 30, batchSize: 6, verbose: 0 });
    await model.fit(x, y, { epochs: 150, batchSize: 6, verbose: 0 }); // warm up the JIT tiers on the changing batch size
    const losses = first.history.loss!;
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    // 20 samples / batch 6 = 4 steps (the last partial: the batch size changes every epoch)
    const r = await measureRetention(() => model.fit(x, y, { epochs: 150, batchSize: 6, verbose: 0 }));
    expect(r.wasmAfter).toBe(r.wasmBefore);
    expect(r.blocksAfter).toBe(r.blocksBefore);
    expect(r.minGrowth, `JS heap growth per round: ${r.growth.join(', ')} bytes`).toBeLessThan(128 * 1024);
  });
});
