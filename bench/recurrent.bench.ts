// LSTM training step: batch 64, 50 steps, 128 features -> 128 units, MSE on the last state, SGD;
// tensorlane (Sequential + trainOnBatch) against PyTorch 1.13 on one thread (torch.nn.LSTM, the
// same shapes, loss and optimizer), both timed in this run.
//
// Napkin math: per step and direction one [64, 128]x[128, 512] recurrent GEMM (8.4 MFLOP), plus
// the input projection [3200, 128]x[128, 512] for all steps at once (420 MFLOP); forward ~840
// MFLOP, backward ~2x (dW, dU, dx, dh) -> ~2.5 GFLOP per training step, ~100 ms at 25 GFLOP/s.
// The per-step GEMMs are small (m = 64), so the gate arithmetic and the 50 sequential steps
// weigh more than in a large GEMM. Debian's python3-torch 1.13 is built with BLAS_INFO=generic
// (its plain [3200, 128]x[128, 512] matmul runs at ~3 GFLOP/s on one thread here), which is most
// of PyTorch's time in this figure.
//
// Run: npm run bench -- recurrent   (BENCH_CLOCK is not used: both sides report wall time, best
// of N, and CPU time per step, which is what a quiet machine would take.)
import { spawnSync } from 'node:child_process';
import { initLibrary, printTable, type Row } from './harness.js';
import { Sequential, layers, optimizers, tensor } from '../src/api.js';
import { randomArray } from '../test/util.js';

const BATCH = 64, STEPS = 50, FEATURES = 128, UNITS = 128, REPS = 8;
const FLOPS = 3 * 2 * BATCH * STEPS * (FEATURES + UNITS) * 4 * UNITS; // forward + ~2x backward

initLibrary();
const model = new Sequential([layers.lstm({ units: UNITS, inputShape: [STEPS, FEATURES] })], { seed: 1 });
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'meanSquaredError' });
const x = tensor(randomArray(BATCH * STEPS * FEATURES, 1), [BATCH, STEPS, FEATURES]);
const y = tensor(randomArray(BATCH * UNITS, 2), [BATCH, UNITS]);
for (let i = 0; i < 3; i++) model.trainOnBatch(x, y); // plan, JIT

let best = Infinity;
const cpu0 = process.cpuUsage();
for (let i = 0; i < REPS; i++) {
  const t0 = performance.now();
  model.trainOnBatch(x, y);
  best = Math.min(best, (performance.now() - t0) / 1000);
}
const cpu = process.cpuUsage(cpu0);
const oursCpu = (cpu.user + cpu.system) / 1e6 / REPS;

const PY = `
import json, time, torch
torch.set_num_threads(1)
torch.manual_seed(0)
lstm = torch.nn.LSTM(${FEATURES}, ${UNITS}, batch_first=True)
opt = torch.optim.SGD(lstm.parameters(), lr=0.01)
x = torch.rand(${BATCH}, ${STEPS}, ${FEATURES}) * 2 - 1
y = torch.rand(${BATCH}, ${UNITS}) * 2 - 1
def step():
    opt.zero_grad()
    out, _ = lstm(x)
    loss = ((out[:, -1] - y) ** 2).mean()
    loss.backward()
    opt.step()
for _ in range(3):
    step()
best = float("inf")
c0 = time.process_time()
for _ in range(${REPS}):
    t0 = time.perf_counter()
    step()
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"best": best, "cpu": (time.process_time() - c0) / ${REPS}, "threads": torch.get_num_threads(), "version": torch.__version__}))
`;
const single = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const py = spawnSync('/usr/bin/python3', ['-c', PY], { encoding: 'utf8', env: { ...process.env, ...single } });
const rows: Row[] = [
  { case: 'LSTM train step b64 T50 128->128', variant: 'tensorlane, trainOnBatch, SGD', value: FLOPS / best / 1e9, unit: 'GFLOP/s', note: `${(best * 1000).toFixed(1)} ms best of ${REPS}; ${(oursCpu * 1000).toFixed(1)} ms CPU per step` },
];
if (py.status === 0) {
  const t = JSON.parse(py.stdout.trim().split('\n').pop()!) as { best: number; cpu: number; threads: number; version: string };
  rows.push({ case: 'LSTM train step b64 T50 128->128', variant: `PyTorch ${t.version}, ${t.threads} thread, SGD`, value: FLOPS / t.best / 1e9, unit: 'GFLOP/s', note: `${(t.best * 1000).toFixed(1)} ms best of ${REPS}; ${(t.cpu * 1000).toFixed(1)} ms CPU per step` });
  rows.push({ case: 'LSTM train step b64 T50 128->128', variant: 'tensorlane / PyTorch speed', value: t.best / best, unit: 'x', note: `CPU-time ratio ${(t.cpu / oursCpu).toFixed(2)}` });
} else {
  rows.push({ case: 'LSTM train step b64 T50 128->128', variant: 'PyTorch 1 thread', value: 0, unit: 'GFLOP/s', note: `not measured: /usr/bin/python3 with torch failed (${(py.stderr || py.error?.message || '').trim().split('\n').pop()})` });
}
printTable('LSTM training step (1 thread)', rows);
