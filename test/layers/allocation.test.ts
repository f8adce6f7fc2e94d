// The per-step paths (layer forward/backward, gemm, activations, loss, metrics, the plan) must not
// allocate on the JS heap. Measured with V8's sampling heap profiler over 2,000 training steps,
// counting also objects that were collected, attributed to the function that allocated.
import { expect, test } from 'vitest';
import { layers, Input, Model, tensor } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import * as optimizers from '../../src/optimizers/index.js';
import * as losses from '../../src/losses/index.js';
import { randomArray } from '../util.js';
import { sampleAllocations } from '../heap-profile.js';

// The files whose step paths are plain-number code. (Passing a float to a wasm export or returning
// one can box it in V8, e.g. a loss value or a dropout rate: a few bytes per step, not counted.)
const STEP_FILES = /src\/(ops\/(matmul|activation)|layers\/(core|normalization|merge|activations|layer)|model\/plan)\.ts/;

test('2,000 training steps of dense, batch/layer norm, activation, add and concatenate layers allocate nothing in their step paths or callback dispatch', async () => {
  const input = Input({ shape: [6] });
  const a = layers.dense({ units: 8, activation: 'relu' }).apply(input) as SymbolicTensor;
  const b = layers.batchNormalization().apply(layers.dense({ units: 8 }).apply(input)) as SymbolicTensor;
  const sum = layers.add().apply([a, b]) as SymbolicTensor;
  const joined = layers.concatenate().apply([layers.layerNormalization().apply(sum) as SymbolicTensor, layers.leakyRelu().apply(a) as SymbolicTensor]) as SymbolicTensor;
  const output = layers.dense({ units: 3, activation: 'softmax' }).apply(joined) as SymbolicTensor;
  const model = new Model({ inputs: input, outputs: output, seed: 4 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: losses.categoricalCrossentropy(), metrics: ['accuracy'] });
  const n = 4 * 2000;
  const x = tensor(randomArray(n * 6, 1), [n, 6]);
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) y[i * 3 + (i % 3)] = 1;
  const fit = () => model.fit(x, tensor(y, [n, 3]), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
  await fit(); // warm up: plans, JIT tiers
  const bytes = await sampleAllocations(fit);
  const inStep = [...bytes].filter(([where]) => STEP_FILES.test(where));
  const total = inStep.reduce((s, [, b]) => s + b, 0);
  // Under 128 B per step (sampling and a boxed number here and there). Before these paths were
  // made allocation-free, gemm alone took about 5 KiB per call and batch norm 2.5 KiB per step.
  expect(total, `allocations in step paths: ${inStep.map(([w, b]) => `${w} ${b} B`).join('; ')}`).toBeLessThan(256 * 1024);
  // fit's per-batch callback dispatch: a closure in runHooks once cost ~280 B per batch (a context per call).
  const hooks = [...bytes].filter(([where]) => /model\/model\.ts:\d+ (runHooks|continueHooks)$/.test(where)).reduce((s, [, b]) => s + b, 0);
  expect(hooks, 'bytes allocated by runHooks over 2,000 batches').toBeLessThan(64 * 1024);
});

test('2,000 training steps of a conv/pool/dropout model allocate nothing in Geometry.ptr()', async () => {
  const input = Input({ shape: [6, 6, 1] });
  let h = layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }).apply(input) as SymbolicTensor;
  h = layers.maxPooling2d().apply(h) as SymbolicTensor;
  h = layers.dropout({ rate: 0.25 }).apply(layers.flatten().apply(h)) as SymbolicTensor;
  const model = new Model({ inputs: input, outputs: layers.dense({ units: 2 }).apply(h) as SymbolicTensor, seed: 5 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: losses.meanSquaredError() });
  const x = tensor(randomArray(2 * 36, 2), [2, 6, 6, 1]);
  const y = tensor(randomArray(2 * 2, 3), [2, 2]);
  const steps = async (): Promise<void> => {
    for (let i = 0; i < 2000; i++) model.trainStep(x, y);
  };
  await steps(); // warm up
  const bytes = await sampleAllocations(steps);
  const sum = (re: RegExp): number => [...bytes].filter(([where]) => re.test(where)).reduce((s, [, b]) => s + b, 0);
  // Before, ptr() built a closure context on every call (its write loop was a forEach closure
  // capturing `this`): ~47 B/step here. (clipGradients' boxed Infinity limits showed only in the
  // bundled build, so node test/layers/alloc-profile.mjs covers it, not this test.)
  expect(sum(/ops\/geometry\.ts:\d+ ptr$/), 'bytes allocated by Geometry.ptr() over 2,000 steps').toBeLessThan(16 * 1024);
});

// Without attention dropout: its rate and Philox counters reach the wasm export as doubles, which
// V8 boxes (~15 B per step, as for layers.dropout), attributed to the inlining caller.
test('2,000 training steps of multi-head attention (mask, causal) and position layers allocate nothing in their step paths', async () => {
  const input = Input({ shape: [5, 8] });
  const keep = Input({ shape: [5] });
  let h = layers.positionalEmbedding({ sequenceLength: 5 }).apply(layers.sinusoidalPositionEncoding().apply(input));
  h = layers.multiHeadAttention({ numHeads: 2, keyDim: 4, dropout: 0 }).apply([h, h], { attentionMask: keep, useCausalMask: true });
  const model = new Model({ inputs: [input, keep], outputs: h, seed: 6 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: losses.meanSquaredError() });
  const xs = [tensor(randomArray(2 * 40, 4), [2, 5, 8]), tensor(Float32Array.from([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]), [2, 5])];
  const y = tensor(randomArray(2 * 40, 5), [2, 5, 8]);
  const steps = async (): Promise<void> => {
    for (let i = 0; i < 2000; i++) model.trainStep(xs, y);
  };
  await steps(); // warm up
  const bytes = await sampleAllocations(steps);
  const inStep = [...bytes].filter(([where]) => /src\/layers\/(attention|attention-gemm|position)\.ts/.test(where));
  const total = inStep.reduce((s, [, b]) => s + b, 0);
  // Under 16 B per step (sampling attributes a few bytes to plain-number code; a closure, array or
  // call object made per step is 32 B or more). A boxed float scale passed to the softmax backward
  // once showed here as 16 B per step.
  expect(total, `allocations in attention step paths: ${inStep.map(([w, b]) => `${w} ${b} B`).join('; ')}`).toBeLessThan(32 * 1024);
});

test('2,000 training steps of LSTM (dropout, recurrentDropout), GRU resetAfter false, bidirectional and timeDistributed layers allocate nothing in their step paths', async () => {
  const input = Input({ shape: [5, 3] });
  let h = layers.lstm({ units: 4, dropout: 0.2, recurrentDropout: 0.2, returnSequences: true }).apply(input) as SymbolicTensor;
  h = layers.timeDistributed(layers.dense({ units: 3, activation: 'tanh' })).apply(h) as SymbolicTensor;
  h = layers.bidirectional(layers.gru({ units: 3, resetAfter: false, goBackwards: true }), { mergeMode: 'mul' }).apply(h) as SymbolicTensor;
  const model = new Model({ inputs: input, outputs: layers.dense({ units: 2 }).apply(h) as SymbolicTensor, seed: 6 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: losses.meanSquaredError() });
  const x = tensor(randomArray(2 * 15, 4), [2, 5, 3]);
  const y = tensor(randomArray(2 * 2, 5), [2, 2]);
  const steps = async (): Promise<void> => {
    for (let i = 0; i < 2000; i++) model.trainStep(x, y);
  };
  await steps(); // warm up
  const bytes = await sampleAllocations(steps);
  const inStep = [...bytes].filter(([where]) => /src\/layers\/(recurrent|recurrent-base|bidirectional|time-distributed)\.ts/.test(where));
  const total = inStep.reduce((s, [, b]) => s + b, 0);
  expect(total, `allocations in recurrent step paths: ${inStep.map(([w, b]) => `${w} ${b} B`).join('; ')}`).toBeLessThan(16 * 1024);
});
