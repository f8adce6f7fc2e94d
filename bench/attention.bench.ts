// Multi-head attention forward + backward and a Transformer encoder block training step, one
// thread, beside PyTorch 1.13 (Debian python3-torch, torch.set_num_threads(1)) run by this bench
// in the same session: torch.nn.MultiheadAttention and torch.nn.TransformerEncoderLayer.
//
// Napkin math, batch 32, sequence 128, width 128, 4 heads (keyDim 32): forward = 4 projections
// 4·2·(32·128)·128·128 = 537 MFLOP + scores and context 2·2·32·4·128·128·32 = 268 MFLOP
// ≈ 0.81 GFLOP; backward ≈ 2x forward; forward + backward ≈ 2.4 GFLOP. At a one-thread WASM SIMD
// GEMM of ~25-30 GFLOP/s that is ~80-100 ms before the softmax (2 passes over 8 MB of scores).
// The encoder block adds a 128-512-128 feed-forward (2·2·4096·128·512 = 1.07 GFLOP forward),
// two layer norms and dropout: ≈ 5.6 GFLOP per training step.
//
// Run: npm run bench -- attention (BENCH_CLOCK=cpu times both sides in CPU seconds: steadier on a
// shared machine)
import { spawnSync } from 'node:child_process';
import { CLOCK, heap, initLibrary, measure, printTable, readF32, writeF32, type Row } from './harness.js';
import { Input, Model, layers, losses, optimizers, tensor } from '../src/api.js';
import { buildGraph } from '../src/model/graph.js';
import { Plan } from '../src/train/plan.js';
import { Rng } from '../src/random.js';
import { randomArray } from '../test/util.js';
import { transformerEncoderBlock } from '../examples/shared/transformer.js';

initLibrary();
const [B, T, D, H, FF] = [32, 128, 128, 4, 512];
const MHA_FLOP = 3 * (4 * 2 * B * T * D * D + 2 * 2 * B * H * T * T * (D / H));
const BLOCK_FLOP = MHA_FLOP + 3 * (2 * 2 * B * T * D * FF);
const rows: Row[] = [];

// ---- MultiHeadAttention forward + backward (self-attention, weight and input gradients) ----
{
  const x = Input({ shape: [T, D] });
  const mha = layers.multiHeadAttention({ numHeads: H, keyDim: D / H });
  const graph = buildGraph([x], mha.apply([x, x]), 'bench');
  mha.initializeWeights(new Rng(1));
  const grads = mha.weights.map((w) => heap().alloc(w.size * 4));
  const plan = new Plan(graph, B, 0, new Map(mha.weights.map((w, i) => [w, grads[i]!])), true);
  writeF32(plan.inputs[0]!.ptr, randomArray(B * T * D, 2));
  const dy = randomArray(B * T * D, 3);
  const ctx = { training: true, batch: B, rng: new Rng(4) };
  const step = (): void => {
    plan.forward(ctx);
    plan.zeroGrads();
    writeF32(plan.output.grad, dy);
    plan.backward(ctx);
  };
  step();
  if (!Number.isFinite(readF32(plan.inputs[0]!.grad, 1)[0]!)) throw new Error('bench: non-finite gradient');
  const t = await measure('mha fwd+bwd', step, { maxTime: 4, minSamples: 5 });
  rows.push({ case: `MHA fwd+bwd ${B}x${T}x${D}, ${H} heads`, variant: 'tensorlane', value: MHA_FLOP / t.seconds / 1e9, note: `${(t.seconds * 1e3).toFixed(1)} ms (median ${(t.median * 1e3).toFixed(1)})` });
  plan.free();
  for (const g of grads) heap().free(g);
}

// ---- Transformer encoder block (post-norm, relu, dropout 0.1) training step, Adam, MSE ----
{
  const x = Input({ shape: [T, D] });
  const model = new Model({ inputs: x, outputs: transformerEncoderBlock(x, { numHeads: H, intermediateDim: FF, dropout: 0.1 }), seed: 1 });
  model.compile({ optimizer: optimizers.adam(), loss: losses.meanSquaredError() });
  const xs = tensor(randomArray(B * T * D, 5), [B, T, D]);
  const ys = tensor(randomArray(B * T * D, 6), [B, T, D]);
  model.trainStep(xs, ys);
  const t = await measure('encoder step', () => model.trainStep(xs, ys), { maxTime: 6, minSamples: 5 });
  rows.push({ case: `encoder block train step ${B}x${T}x${D}, ff ${FF}`, variant: 'tensorlane (Adam, MSE)', value: BLOCK_FLOP / t.seconds / 1e9, note: `${(t.seconds * 1e3).toFixed(1)} ms (median ${(t.median * 1e3).toFixed(1)})` });
}

// ---- PyTorch 1.13, one thread, same shapes, same process session ----
const TORCH = `
import json, time, torch
torch.set_num_threads(1); torch.manual_seed(0)
B, T, D, H, FF = ${B}, ${T}, ${D}, ${H}, ${FF}
clock = time.process_time if ${JSON.stringify(CLOCK)} == "cpu" else time.perf_counter
def best(fn, seconds):
    for _ in range(2): fn()
    times, end = [], time.perf_counter() + seconds
    while len(times) < 5 or time.perf_counter() < end:
        t0 = clock(); fn(); times.append(clock() - t0)
    times.sort(); return times[0], times[len(times) // 2]
x = torch.randn(B, T, D, requires_grad=True); dy = torch.randn(B, T, D)
mha = torch.nn.MultiheadAttention(D, H, batch_first=True)
def mha_step():
    mha.zero_grad(); x.grad = None
    y, _ = mha(x, x, x, need_weights=False); y.backward(dy)
enc = torch.nn.TransformerEncoderLayer(D, H, dim_feedforward=FF, dropout=0.1, batch_first=True)
opt = torch.optim.Adam(enc.parameters()); xe = torch.randn(B, T, D); target = torch.randn(B, T, D)
def enc_step():
    opt.zero_grad(); loss = ((enc(xe) - target) ** 2).mean(); loss.backward(); opt.step()
print(json.dumps({"torch": torch.__version__, "mha": best(mha_step, 4), "enc": best(enc_step, 6)}))
`;
const py = spawnSync('/usr/bin/python3', ['-c', TORCH], { encoding: 'utf8' });
if (py.status === 0) {
  const r = JSON.parse(py.stdout.trim().split('\n').pop()!) as { torch: string; mha: [number, number]; enc: [number, number] };
  rows.push({ case: `MHA fwd+bwd ${B}x${T}x${D}, ${H} heads`, variant: `PyTorch ${r.torch}, 1 thread`, value: MHA_FLOP / r.mha[0] / 1e9, note: `${(r.mha[0] * 1e3).toFixed(1)} ms (median ${(r.mha[1] * 1e3).toFixed(1)})` });
  rows.push({ case: `encoder block train step ${B}x${T}x${D}, ff ${FF}`, variant: `PyTorch ${r.torch}, 1 thread (Adam, MSE)`, value: BLOCK_FLOP / r.enc[0] / 1e9, note: `${(r.enc[0] * 1e3).toFixed(1)} ms (median ${(r.enc[1] * 1e3).toFixed(1)})` });
} else {
  rows.push({ case: 'PyTorch peer', variant: 'not run', value: 0, note: `/usr/bin/python3 with torch failed: ${(py.stderr || String(py.error)).trim().split('\n').pop()}` });
}
printTable('Attention (1 thread)', rows);
