// Trains a seeded MLP with the BUILT package (dist/) on the thread count given as the first
// argument, loading dist/tensorlane-threads.wasm from beside the bundle as users do, and prints
// one JSON line: the thread count that ran and a digest of the final weights' bits.
// node test/threads/dist-train.mjs 4   |   deno run -A test/threads/dist-train.mjs 4   |   ... cjs
const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);
const threads = Number(args[0] ?? 1);
const tl = args[1] === 'cjs'
  ? (await import('node:module')).createRequire(import.meta.url)('../../dist/tensorlane.cjs')
  : await import('../../dist/tensorlane.js');
await tl.init(threads > 1 ? { threads } : {});

const n = 256;
const features = 64;
const x = tl.ops.randomNormal([n, features], 0, 1, { seed: 3 });
const labels = new Float32Array(n);
for (let i = 0; i < n; i++) labels[i] = (i * 7) % 10;
const model = new tl.Sequential([
  tl.layers.dense({ units: 128, activation: 'relu', inputShape: [features] }),
  tl.layers.dense({ units: 10 }),
], { seed: 42 });
model.compile({ optimizer: tl.optimizers.adam({ learningRate: 0.01 }), loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
await model.fit(x, tl.tensor(labels, [n]), { epochs: 2, batchSize: 64, verbose: 0 });
let digest = 0;
for (const w of model.getWeights()) {
  for (const bits of new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)) digest = (Math.imul(digest, 31) + bits) >>> 0;
}
console.log(JSON.stringify({ threads: tl.threadCount(), digest }));
