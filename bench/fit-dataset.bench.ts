// fit on tensors vs fit on a stream of the same batches (data.fromTensors, and an iterable of
// batches prepared in advance), to show what the async path costs per step: min of 15 runs of
// one epoch over 8,192 samples, dense 64-128-10, Adam, shuffle off.
//
// Run: npm run bench -- fit-dataset
import { initLibrary } from './harness.js';
import { data, layers, Sequential, tensor } from '../src/api.js';
import { randomArray } from '../test/util.js';

initLibrary();
const n = 8192;
const d = 64;
const X = tensor(randomArray(n * d, 1), [n, d]);
const Y = tensor(Float32Array.from({ length: n }, (_, i) => i % 10), [n]);
const make = (): Sequential => {
  const m = new Sequential([layers.dense({ units: 128, activation: 'relu', inputShape: [d] }), layers.dense({ units: 10 })], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return m;
};

async function time(run: (m: Sequential) => Promise<unknown>): Promise<number> {
  const m = make();
  const t0 = performance.now();
  await run(m);
  return performance.now() - t0;
}

void (async () => {
  console.log('| batch | tensors | data.fromTensors | iterable of prepared batches |\n|---|---|---|---|');
  for (const bs of [8, 32, 128]) {
    const best = [Infinity, Infinity, Infinity];
    const prepared = [...data.batches(X, Y, { batchSize: bs })];
    for (let r = 0; r < 15; r++) {
      best[0] = Math.min(best[0]!, await time((m) => m.fit(X, Y, { batchSize: bs, shuffle: false, verbose: 0 })));
      best[1] = Math.min(best[1]!, await time((m) => m.fit(data.fromTensors(X, Y, { batchSize: bs }), undefined, { verbose: 0 })));
      best[2] = Math.min(best[2]!, await time((m) => m.fit({ [Symbol.iterator]: () => prepared[Symbol.iterator]() }, undefined, { verbose: 0 })));
    }
    console.log(`| ${bs} | ${best.map((ms) => `${ms.toFixed(1)} ms (${Math.round((n / ms) * 1000).toLocaleString('en-US')} samples/s)`).join(' | ')} |`);
  }
})();
