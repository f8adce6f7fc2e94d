// Training throughput (images/s) of whole models through model.fit: the anchor CNN
// (conv32-pool-conv64-pool-dense128-dense10, 3x3 'same' convs, batch 64, Adam, 1 thread) and the
// demo CNN (conv-BN-ReLU-pool x2 + dense), beside PyTorch 1.13 on the same machine.
//
// Napkin math for the anchor CNN, per image: forward 2·(28·28·9·1·32 + 14·14·9·32·64 +
// 3136·128 + 128·10) ≈ 8.6 MFLOP, training ≈ 3x that ≈ 26 MFLOP (conv1 has no input gradient,
// so a little less). At a one-thread WASM SIMD GEMM of ~20-30 GFLOP/s that is ~800-1,100
// images/s before pooling, ReLU, BN and data movement.
//
// PyTorch 1.13 (Debian python3-torch, torch.set_num_threads(1), the same model, batch 64, Adam)
// measured 1,485 images/s on this machine (the number given with the task; TF.js's wasm backend
// cannot train this model: it has no gradient kernels for conv2d in wasm).
//
// Run: npm run bench -- fit
import { initLibrary, measure, printTable, type Row } from './harness.js';
import { Sequential, layers, losses, optimizers, tensor } from '../src/api.js';
import { randomArray } from '../test/util.js';
import { anchorCnnLayers } from './anchor-cnn.js';

initLibrary();
const N = 640; // 10 batches of 64 per measured call
const x = tensor(randomArray(N * 784, 1, 0, 1), [N, 28, 28, 1]);
const y = tensor(Float32Array.from({ length: N }, (_, i) => i % 10), [N]);

const MODELS = {
  'anchor CNN (421,642 params)': () => new Sequential(anchorCnnLayers(layers), { seed: 1 }),
  'demo CNN, conv-BN-ReLU (50,474 params)': () =>
    new Sequential([
      layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false, inputShape: [28, 28, 1] }),
      layers.batchNormalization(),
      layers.relu(),
      layers.maxPooling2d(),
      layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false }),
      layers.batchNormalization(),
      layers.relu(),
      layers.maxPooling2d(),
      layers.flatten(),
      layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 10 }),
    ], { seed: 1 }),
};

const rows: Row[] = [];
for (const [name, make] of Object.entries(MODELS)) {
  const model = make();
  model.compile({ optimizer: optimizers.adam(), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }); // plans, slots, JIT
  const train = await measure(`${name} fit`, () => model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }), { maxTime: 6, minSamples: 3 });
  // On a shared machine wall time includes waiting for a core; CPU time of this (single-threaded)
  // process is what a quiet machine would take.
  const cpu0 = process.cpuUsage();
  await model.fit(x, y, { epochs: 3, batchSize: 64, verbose: 0 });
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rows.push({
    case: name,
    variant: 'tensorlane fit, batch 64, Adam',
    value: N / train.seconds,
    unit: 'images/s',
    note: `median ${(N / train.median).toFixed(0)}; per CPU-second ${((3 * N) / cpuSeconds).toFixed(0)}`,
  });
  const infer = await measure(`${name} predict`, () => model.predict(x, { batchSize: 64 }), { maxTime: 3, minSamples: 3 });
  rows.push({ case: name, variant: 'tensorlane predict, batch 64', value: N / infer.seconds, unit: 'images/s', note: `median ${(N / infer.median).toFixed(0)}` });
}
rows.push({ case: 'anchor CNN (421,642 params)', variant: 'PyTorch 1.13, 1 thread (given)', value: 1485, unit: 'images/s', note: 'train; goal for tensorlane >= 900' });
printTable('Training throughput (1 thread)', rows);
