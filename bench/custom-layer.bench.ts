// A Dense layer written as a custom layer (ops.matmul + ops.add + ops.relu, traced, no
// hand-written backward) against the built-in Dense (fused GEMM + bias + ReLU) in the same run:
// training throughput of the same MLP (784-256-256-10, batch 64, Adam) through model.fit.
// Issue 11's goal: the custom route within 1.5x of the built-in one. The anchor CNN's figure
// (npm run bench -- fit) is untouched by this route.
//
// Run: npm run bench -- custom-layer
import { initLibrary, measure, printTable, type Row } from './harness.js';
import { Input, Model, layers, losses, ops, optimizers, tensor, type Shape, type SymbolicTensor, type Weight } from '../src/api.js';
import { randomArray } from '../test/util.js';

/** Dense from ops: relu(x W + b) (or linear). */
class OpsDense extends layers.Layer<{ units: number; relu: boolean; name?: string }> {
  kernel!: Weight;
  bias!: Weight;
  override build(shape: Shape): void {
    this.kernel = this.addWeight('kernel', [shape.at(-1)!, this.units], { initializer: 'glorotUniform' });
    this.bias = this.addWeight('bias', [this.units], { initializer: 'zeros' });
  }
  get units(): number {
    return (this.getConfig().units as number) ?? 1;
  }
  override call(x: SymbolicTensor): SymbolicTensor {
    const z = ops.add(ops.matmul(x, this.kernel), this.bias);
    return this.getConfig().relu === true ? ops.relu(z) : z;
  }
}

initLibrary();
const N = 640;
const x = tensor(randomArray(N * 784, 1, 0, 1), [N, 784]);
const y = tensor(Float32Array.from({ length: N }, (_, i) => i % 10), [N]);

function mlp(custom: boolean): Model {
  const input = Input({ shape: [784] });
  let h = input;
  for (const units of [256, 256]) h = custom ? new OpsDense({ units, relu: true }).apply(h) : layers.dense({ units, activation: 'relu' }).apply(h);
  const out = custom ? new OpsDense({ units: 10, relu: false }).apply(h) : layers.dense({ units: 10 }).apply(h);
  return new Model({ inputs: input, outputs: out, seed: 1 });
}

const rows: Row[] = [];
const models = [false, true].map((custom) => {
  const model = mlp(custom);
  model.compile({ optimizer: optimizers.adam(), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  return { custom, model };
});
for (const { model } of models) await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }); // plans, JIT
// CPU time of this single-threaded process per sample (what a quiet machine takes), in
// alternating rounds so both routes see the same load; the median round counts.
const cpuRates: number[][] = [[], []];
for (let round = 0; round < 5; round++) {
  for (const [i, { model }] of models.entries()) {
    const cpu0 = process.cpuUsage();
    await model.fit(x, y, { epochs: 2, batchSize: 64, verbose: 0 });
    const cpu = process.cpuUsage(cpu0);
    cpuRates[i]!.push((2 * N) / ((cpu.user + cpu.system) / 1e6));
  }
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [i, { custom, model }] of models.entries()) {
  const run = await measure(custom ? 'custom' : 'built-in', () => model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }), { maxTime: 4, minSamples: 3 });
  const perCpu = median(cpuRates[i]!);
  rows.push({
    case: 'MLP 784-256-256-10, batch 64, Adam',
    variant: custom ? 'Dense as a custom layer (ops)' : 'built-in Dense',
    value: perCpu,
    unit: 'samples per CPU-s',
    note: `wall ${(N / run.median).toFixed(0)} samples/s${custom ? `; built-in / custom = ${(median(cpuRates[0]!) / perCpu).toFixed(2)}x (goal <= 1.5x)` : ''}`,
  });
}
printTable('Custom layer (ops) vs built-in Dense, training (1 thread)', rows);
