// The edge example's cold start and request latency, on loopback (examples/edge/: workerd serving
// the Fashion-MNIST worker with its embedded model):
//
//   npm run build && node bench/edge.mjs [--runs 10] [--requests 1000]
//
// Cold start: a fresh `workerd serve examples/edge/config.capnp` per run, timed from spawning the
// process to the first answer of POST /predict (workerd start, module load, wasm compile, init,
// model load, one prediction); median and min over the runs. Latency: one warm process, then
// `--requests` sequential POST /predict requests of single test images (JSON in, JSON out,
// measured at the client): p50, p99 and max. Each answer is checked against the image's class
// probabilities, so a broken worker cannot report a fast time.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { imageAt, post } from '../test/runtimes/edge-predict.mjs';
import { startWorkerd } from '../test/runtimes/workerd.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = option('runs', 10);
const REQUESTS = option('requests', 1000);
const WARMUP = 50;

const tl = await import('../dist/tensorlane.js');
await tl.init();
const { test } = await tl.data.fashionMnist();
const model = await tl.io.load(new Uint8Array(readFileSync(new URL('../examples/edge/model.tlnm', import.meta.url))));
const count = 100;
const expected = tl.ops.softmax(model.predict(tl.tensor(test.x.data.slice(0, count * 784), [count, 28, 28, 1]))).data;
const bodies = Array.from({ length: count }, (_, i) => JSON.stringify({ image: imageAt(test.x.data, i) }));

async function predictChecked(port, i) {
  const { status, json } = await post(port, '/predict', bodies[i % count]);
  const want = Array.from(expected.subarray((i % count) * 10, (i % count) * 10 + 10)).join();
  if (status !== 200 || json.probabilities.join() !== want) throw new Error(`bench/edge: request ${i} answered ${status} ${JSON.stringify(json)}`);
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const ms = (v) => `${v.toFixed(2)} ms`;

console.log(`bench/edge: workerd ${JSON.parse(readFileSync('node_modules/workerd/package.json', 'utf8')).version}, node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}, ${new Date().toISOString()}`);

const cold = [];
const listening = [];
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  const { port, stop } = await startWorkerd('examples/edge/config.capnp');
  try {
    listening.push(performance.now() - t0);
    await predictChecked(port, r);
    cold.push(performance.now() - t0);
  } finally {
    stop();
  }
}
cold.sort((a, b) => a - b);
listening.sort((a, b) => a - b);
console.log(
  `cold start (spawn workerd -> first POST /predict answered), ${RUNS} processes: median ${ms(quantile(cold, 0.5))}, min ${ms(cold[0])}, max ${ms(cold.at(-1))} ` +
    `(of which spawn -> listening: median ${ms(quantile(listening, 0.5))})`,
);

const { port, stop } = await startWorkerd('examples/edge/config.capnp');
try {
  for (let i = 0; i < WARMUP; i++) await predictChecked(port, i);
  const times = [];
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await predictChecked(port, i);
    times.push(performance.now() - t);
  }
  const wall = performance.now() - t0;
  times.sort((a, b) => a - b);
  console.log(
    `latency over ${REQUESTS} sequential POST /predict (one 28x28 image each, after ${WARMUP} warm-up): ` +
      `p50 ${ms(quantile(times, 0.5))}, p99 ${ms(quantile(times, 0.99))}, max ${ms(times.at(-1))}; ${(REQUESTS / (wall / 1000)).toFixed(0)} requests/s`,
  );
} finally {
  stop();
}
