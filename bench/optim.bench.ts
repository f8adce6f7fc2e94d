// Optimizer update throughput (parameters/s and GB/s of state traffic), one thread, on a
// 1M-parameter buffer: reference TS (f64 loop, the torch formulas) -> the fused wasm SIMD kernel
// called through the optimizer (`step()`), beside TF.js wasm (XNNPACK) `tf.train.*.applyGradients`
// in the same run.
//
// Napkin math: an update streams every buffer once. SGD with momentum reads p, g, buf and writes
// p, buf (20 B/param); Adam reads p, g, m, v and writes p, m, v (28 B/param). 1M parameters are
// 12-16 MB of buffers, about an EPYC's L3, so SGD is bound by L3/DRAM bandwidth (20-80 GB/s:
// 1-4 G params/s); Adam's f32x4 sqrt and div (each about one per 4-8 cycles) cap it near
// 1 G params/s at 3 GHz before bandwidth does.
//
// Run: npm run bench -- optim
import { gbps, initLibrary, measure, printTable, writeF32, heap, type Row } from './harness.js';
import { tfjs, tfjsWasmThreads } from './peers.js';
import * as optimizers from '../src/optimizers/index.js';
import { adamStep, sgdStep } from '../test/reference/optim.js';
import { randomArray } from '../test/util.js';

const N = 1 << 20;
initLibrary();
const tf = await tfjs('wasm');
const rows: Row[] = [];
const params = randomArray(N, 1);
const grads = randomArray(N, 2, -0.01, 0.01);

const CASES = [
  {
    name: 'sgd momentum 0.9',
    bytes: 20,
    make: () => optimizers.sgd({ learningRate: 0.01, momentum: 0.9 }),
    reference: () => {
      const p = Float64Array.from(params);
      const state = {};
      return () => sgdStep(p, grads, state, { lr: 0.01, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 });
    },
    tfjs: () => tf.train.momentum(0.01, 0.9),
  },
  {
    name: 'adam',
    bytes: 28,
    make: () => optimizers.adam({ learningRate: 1e-3 }),
    reference: () => {
      const p = Float64Array.from(params);
      const state = { step: 0 };
      return () => adamStep(p, grads, state, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, decoupled: false });
    },
    tfjs: () => tf.train.adam(1e-3, 0.9, 0.999, 1e-8),
  },
];

for (const c of CASES) {
  const add = (variant: string, t: { seconds: number; median: number }, note = '') =>
    rows.push({ case: `${c.name}, 1M params`, variant, value: N / t.seconds / 1e9, unit: 'G params/s', note: `${gbps(c.bytes * N, t.seconds).toFixed(1)} GB/s; median ${(N / t.median / 1e9).toFixed(3)}${note}` });

  add('reference TS (f64 loop)', await measure(`${c.name} reference`, c.reference()));

  const ptr = heap().alloc(N * 4);
  const gradPtr = heap().alloc(N * 4);
  writeF32(ptr, params);
  writeF32(gradPtr, grads);
  const opt = c.make();
  opt.build([{ name: 'w', ptr, gradPtr, size: N }]);
  add('tensorlane wasm SIMD (step)', await measure(`${c.name} tensorlane`, () => opt.step()));

  const w = tf.variable(tf.tensor1d(params), true, `w_${c.name}`);
  const g = tf.tensor1d(grads);
  const tfOpt = c.tfjs();
  const named = [{ name: w.name, tensor: g }];
  const before = tf.memory().numTensors;
  const t = await measure(`${c.name} tfjs`, () => tfOpt.applyGradients(named));
  const ratio = rows[rows.length - 1]!.value / (N / t.seconds / 1e9);
  add('TF.js wasm applyGradients', t, `; tensorlane is ${ratio.toFixed(1)}x; TF.js tensors +${tf.memory().numTensors - before} after the run`);
}

printTable(`optimizer updates (TF.js wasm threads: ${await tfjsWasmThreads()})`, rows);
