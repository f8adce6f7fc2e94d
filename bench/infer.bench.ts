// Inference of the anchor CNN (conv32-pool-conv64-pool-dense128-dense10, 3x3 'same' convs,
// 421,642 parameters): batch-1 latency and batch-256 throughput, beside TF.js's wasm backend
// (XNNPACK, 1 thread, in this process) and PyTorch 1 thread (Debian python3-torch through
// /usr/bin/python3, eval mode under no_grad, NCHW). Every figure is CPU time (this process's, or
// the Python process's), median over rounds that alternate the libraries: the machine is shared.
// Goals (issue 16): batch 1 <= PyTorch's latency; batch 256 >= 1.3x TF.js wasm.
//
// Run: npm run bench -- infer   (INFER_ROUNDS=N for more rounds; default 15)
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { initLibrary } from './harness.js';
import { tfjs } from './peers.js';
import { Sequential, layers, tensor } from '../src/api.js';
import { randomArray } from '../test/util.js';
import { anchorCnnLayers } from './anchor-cnn.js';

const ROUNDS = Number(process.env.INFER_ROUNDS ?? 15);
const CALLS_1 = 50; // batch-1 calls per round
initLibrary();

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;

const one = randomArray(784, 1, 0, 1);
const many = randomArray(256 * 784, 2, 0, 1);

const model = new Sequential(anchorCnnLayers(layers), { seed: 1 });
const ours = {
  one: () => model.predict(tensor(one, [1, 28, 28, 1])),
  many: () => model.predict(tensor(many, [256, 28, 28, 1]), { batchSize: 256 }),
};

const tf = await tfjs('wasm');
const peer = tf.sequential({
  layers: [
    tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 10 }),
  ],
});
const tfRun = (data: Float32Array, n: number) => () => {
  const x = tf.tensor4d(data, [n, 28, 28, 1]);
  const y = peer.predict(x) as import('@tensorflow/tfjs').Tensor;
  y.dataSync();
  x.dispose();
  y.dispose();
};
const theirs = { one: tfRun(one, 1), many: tfRun(many, 256) };

const sides = [ours, theirs];
const t1: number[][] = [[], []];
const t256: number[][] = [[], []];
for (let r = 0; r <= ROUNDS; r++) {
  for (const s of r % 2 === 0 ? [0, 1] : [1, 0]) {
    const lib = sides[s]!;
    let t0 = cpuMs();
    for (let i = 0; i < CALLS_1; i++) lib.one();
    const a = (cpuMs() - t0) / CALLS_1;
    t0 = cpuMs();
    lib.many();
    const b = cpuMs() - t0;
    if (r > 0) { // round 0 warms up
      t1[s]!.push(a);
      t256[s]!.push(b);
    }
  }
}

// PyTorch: the same model and timing loop in a Python process (CPU time of that process).
const PY = `
import time, torch, torch.nn as nn
torch.set_num_threads(1)
R, C = ${ROUNDS}, ${CALLS_1}
m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)).eval()
one, many = torch.rand(1, 1, 28, 28), torch.rand(256, 1, 28, 28)
a, b = [], []
with torch.no_grad():
    for r in range(R + 1):
        t0 = time.process_time()
        for i in range(C): m(one)
        t1 = time.process_time()
        m(many)
        t2 = time.process_time()
        if r > 0: a.append((t1 - t0) / C * 1e3); b.append((t2 - t1) * 1e3)
a.sort(); b.sort()
print(torch.__version__, torch.get_num_threads(), a[len(a) // 2], b[len(b) // 2])
`;
const py = spawnSync('/usr/bin/python3', ['-c', PY], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
let torch1 = NaN;
let torch256 = NaN;
let torchName = 'PyTorch (python3-torch), 1 thread: not run (/usr/bin/python3 with torch is missing)';
if (py.status === 0) {
  const [version, threads, ms1, ms256] = py.stdout.trim().split(/\s+/);
  torch1 = Number(ms1);
  torch256 = Number(ms256);
  torchName = `PyTorch ${version}, ${threads} thread`;
}

const our1 = median(t1[0]!), our256 = median(t256[0]!);
const tf1 = median(t1[1]!), tf256 = median(t256[1]!);
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical CPUs; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end; ${ROUNDS} rounds, CPU time, medians\n`);
console.log('| anchor CNN inference | batch 1 latency | batch 256 | tensorlane is |');
console.log('| --- | --- | --- | --- |');
console.log(`| tensorlane | ${our1.toFixed(3)} ms | ${(256 / (our256 / 1e3)).toFixed(0)} images/s | |`);
console.log(`| TF.js wasm (XNNPACK), 1 thread | ${tf1.toFixed(3)} ms | ${(256 / (tf256 / 1e3)).toFixed(0)} images/s | ${(tf1 / our1).toFixed(2)}x faster at batch 1, ${(tf256 / our256).toFixed(2)}x at 256 |`);
if (Number.isNaN(torch1)) console.log(`| ${torchName} | | | |`);
else console.log(`| ${torchName} | ${torch1.toFixed(3)} ms | ${(256 / (torch256 / 1e3)).toFixed(0)} images/s | ${(torch1 / our1).toFixed(2)}x faster at batch 1, ${(torch256 / our256).toFixed(2)}x at 256 |`);
