// The anchor CNN (conv32-pool-conv64-pool-dense128-dense10, 3x3 'same' convs) trained and run by
// two copies of the library side by side in one process: the working tree and another checkout
// (its build/tensorlane.wasm built). Each library keeps its own wasm instance (separate module
// graphs), the rounds alternate A B / B A, and every figure is this process's CPU time (the
// machine is shared; the library runs on one thread).
//
// Run: npx tsx bench/cnn-ab.ts /path/to/old-checkout [rounds]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { anchorCnnLayers } from './anchor-cnn.js';

const [oldRoot, roundsArg] = process.argv.slice(2);
if (oldRoot === undefined) {
  console.error('usage: npx tsx bench/cnn-ab.ts OLD_CHECKOUT [rounds]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg ?? 7);
const N = 640; // 10 batches of 64 per training round

type Api = typeof import('../src/api.js');

async function library(root: string) {
  const url = (p: string) => pathToFileURL(resolve(root, p)).href;
  // The API first: its modules register their install hooks before the module is installed.
  const api = (await import(url('src/api.js'))) as Api;
  const init = (await import(url('src/init.js'))) as typeof import('../src/init.js');
  init.initSync({ bytes: readFileSync(resolve(root, 'build/tensorlane.wasm')) });
  const { Sequential, layers, losses, optimizers, tensor } = api;
  let s = 1;
  const rand = (n: number) => Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32));
  const x = tensor(rand(N * 784), [N, 28, 28, 1]);
  const y = tensor(Float32Array.from({ length: N }, (_, i) => i % 10), [N]);
  const one = tensor(rand(784), [1, 28, 28, 1]);
  const many = tensor(rand(256 * 784), [256, 28, 28, 1]);
  const model = new Sequential(anchorCnnLayers(layers), { seed: 1 });
  model.compile({ optimizer: optimizers.adam(), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
  return {
    train: () => model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }),
    predict1: () => { for (let i = 0; i < 50; i++) model.predict(one); },
    predict256: () => model.predict(many, { batchSize: 256 }),
  };
}

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const libs = [await library(oldRoot), await library(resolve(import.meta.dirname, '..'))];
const cases = ['train', 'predict1', 'predict256'] as const;
const times = cases.map(() => [[] as number[], [] as number[]]);
for (let r = 0; r < ROUNDS + 1; r++) {
  for (let c = 0; c < cases.length; c++) {
    for (const side of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const t0 = cpuMs();
      await libs[side]![cases[c]!]();
      if (r > 0) times[c]![side]!.push(cpuMs() - t0);
    }
  }
}
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
const rate = (c: number, ms: number) => (c === 0 ? `${(N / (ms / 1e3)).toFixed(0)} images/s` : c === 1 ? `${(ms / 50).toFixed(3)} ms` : `${(256 / (ms / 1e3)).toFixed(0)} images/s`);
console.log('| anchor CNN, CPU time | old | new | new/old speed |');
console.log('| --- | --- | --- | --- |');
const label = ['training, batch 64, Adam', 'inference batch 1 (latency)', 'inference batch 256'];
cases.forEach((_, c) => {
  const [a, b] = times[c]!.map(median) as [number, number];
  console.log(`| ${label[c]} | ${rate(c, a)} | ${rate(c, b)} | ${(a / b).toFixed(2)}x |`);
});
