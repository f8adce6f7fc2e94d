// Heap-sampling of training steps against the built library (not a vitest file):
//   node scripts/build.mjs && node test/layers/alloc-profile.mjs
// Prints bytes allocated (V8 sampling heap profiler, collected objects included) per step and the
// top allocating functions for 2,000 trainSteps and one 2,000-batch fit epoch of a small Dense
// model, and 2,000 trainSteps of a conv/batch-norm/pool/dropout model.
import { Session } from 'node:inspector/promises';
const root = process.argv[2] ?? process.cwd();
const tl = await import(root + '/dist/tensorlane.js');
const { init, Sequential, layers, losses, optimizers, tensor } = tl;
await init();
const model = new Sequential([
  layers.dense({ units: 16, activation: 'relu', inputShape: [8] }),
  layers.dense({ units: 4, activation: 'softmax' }),
], { seed: 1 });
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: losses.categoricalCrossentropy() });
const B = 8, N = B * 2000;
const xd = new Float32Array(N * 8).map((_, i) => ((i * 7919) % 97) / 97 - 0.5);
const yd = new Float32Array(N * 4); for (let i = 0; i < N; i++) yd[i * 4 + (i % 4)] = 1;
const x = tensor(xd, [N, 8]), y = tensor(yd, [N, 4]);
const xb = tensor(xd.slice(0, B * 8), [B, 8]), yb = tensor(yd.slice(0, B * 4), [B, 4]);
for (let i = 0; i < 50; i++) model.trainStep(xb, yb);   // warm up
await model.fit(x, y, { epochs: 1, batchSize: B, shuffle: false, verbose: 0 });
const s = new Session(); s.connect();
await s.post('HeapProfiler.enable');
async function sample(label, fn) {
  await s.post('HeapProfiler.collectGarbage');
  await s.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await fn();
  const { profile } = await s.post('HeapProfiler.stopSampling');
  const byFn = new Map(); let total = 0;
  (function walk(n) { const self = n.selfSize; if (self) { total += self; const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`; byFn.set(k, (byFn.get(k) ?? 0) + self); } n.children.forEach(walk); })(profile.head);
  console.log(`${label}: ~${(total / 1024).toFixed(0)} KiB sampled (${(total / 2000).toFixed(0)} B/step)`);
  [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 12).forEach(([k, v]) => console.log(`   ${(v / 1024).toFixed(1).padStart(8)} KiB  ${k}`));
}
await sample('trainStep x2000 (batch 8)', () => { for (let i = 0; i < 2000; i++) model.trainStep(xb, yb); });
await sample('fit 1 epoch = 2000 steps (batch 8)', () => model.fit(x, y, { epochs: 1, batchSize: B, shuffle: false, verbose: 0 }));

// A second small model: conv + batch norm + pool + dropout + dense (2,000 trainSteps of batch 4).
const cnn = new Sequential([
  layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
  layers.batchNormalization(),
  layers.maxPooling2d(),
  layers.dropout({ rate: 0.25 }),
  layers.flatten(),
  layers.dense({ units: 4, activation: 'softmax' }),
], { seed: 2 });
cnn.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: losses.categoricalCrossentropy() });
const cx = tensor(new Float32Array(4 * 64).map((_, i) => ((i * 31) % 17) / 17), [4, 8, 8, 1]);
const cy = tensor(yd.slice(0, 16), [4, 4]);
for (let i = 0; i < 50; i++) cnn.trainStep(cx, cy);
await sample('cnn trainStep x2000 (batch 4)', () => { for (let i = 0; i < 2000; i++) cnn.trainStep(cx, cy); });
