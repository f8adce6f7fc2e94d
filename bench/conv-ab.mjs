// Side-by-side timing of the conv and pooling kernels of two wasm builds in one process:
//   node bench/conv-ab.mjs OLD.wasm NEW.wasm [rounds]
// Each round runs every case once on each build (A then B, then B then A in the next round), so
// drift on a shared machine hits both alike; prints the median CPU ms per call and new/old speed-up.
// The inputs are identical for both builds; the outputs are compared (max abs difference).
import { readFileSync } from 'node:fs';

const [pathA, pathB, roundsArg] = process.argv.slice(2);
if (!pathA || !pathB) {
  console.error('usage: node bench/conv-ab.mjs OLD.wasm NEW.wasm [rounds]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg ?? 15);

function load(path) {
  const { exports: k } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {});
  let top = (k.heap_base() + 63) & ~63;
  const alloc = (floats) => {
    const p = top;
    top = (top + floats * 4 + 64 + 63) & ~63;
    const need = top - k.memory.buffer.byteLength;
    if (need > 0) k.memory.grow(Math.ceil(need / 65536));
    return p;
  };
  return { k, alloc, f32: () => new Float32Array(k.memory.buffer) };
}

function geometry(mod, input, filter, stride, pad) {
  const [batch, inH, inW, inC] = input;
  const [kH, kW, , outC] = filter;
  const outH = Math.ceil(inH / stride);
  const outW = Math.ceil(inW / stride);
  const total = (o, i, k) => Math.max((o - 1) * stride + k - i, 0);
  const th = pad ? total(outH, inH, kH) : 0;
  const tw = pad ? total(outW, inW, kW) : 0;
  const fields = [batch, inH, inW, inC, outH, outW, outC, kH, kW, stride, stride, 1, 1, th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1), 1];
  const g = mod.alloc(fields.length);
  new Int32Array(mod.k.memory.buffer).set(fields, g >>> 2);
  return { g, outH, outW, outC };
}

let seed = 1;
const rand = (n) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);

const CASES = [
  { name: '(a) 64x28x28x1 -> 3x3x32', input: [64, 28, 28, 1], filter: [3, 3, 1, 32], stride: 1, dx: false },
  { name: '(b) 64x14x14x32 -> 3x3x64', input: [64, 14, 14, 32], filter: [3, 3, 32, 64], stride: 1, dx: true },
  // Shapes Winograd does not take (direct micro-kernel path): a 5x5 window and a strided 3x3.
  { name: '(d) 16x14x14x32 -> 5x5x64', input: [16, 14, 14, 32], filter: [5, 5, 32, 64], stride: 1, dx: true },
  { name: '(e) 16x28x28x32 -> 3x3x64 s2', input: [16, 28, 28, 32], filter: [3, 3, 32, 64], stride: 2, dx: true },
  // Wider layers: Winograd's transformed filter (16·inC·outC floats) leaves L2.
  { name: '(f) 16x14x14x128 -> 3x3x128', input: [16, 14, 14, 128], filter: [3, 3, 128, 128], stride: 1, dx: true },
  { name: '(g) 4x14x14x256 -> 3x3x256', input: [4, 14, 14, 256], filter: [3, 3, 256, 256], stride: 1, dx: true },
];

/** One build's buffers and calls for every case. */
function prepare(path) {
  const mod = load(path);
  const k = mod.k;
  const calls = [];
  for (const c of CASES) {
    const size = (s) => s.reduce((a, b) => a * b, 1);
    const geo = geometry(mod, c.input, c.filter, c.stride, true);
    const outSize = c.input[0] * geo.outH * geo.outW * geo.outC;
    const put = (data) => { const p = mod.alloc(data.length); mod.f32().set(data, p >>> 2); return p; };
    seed = 7;
    const x = put(rand(size(c.input)));
    const w = put(rand(size(c.filter)));
    const bias = put(rand(geo.outC));
    const dy = put(rand(outSize));
    const y = mod.alloc(outSize);
    const dx = mod.alloc(size(c.input));
    const dw = mod.alloc(size(c.filter));
    const db = mod.alloc(geo.outC);
    const sF = mod.alloc(k.f32_conv2d_forward_scratch_bytes(geo.g) / 4);
    const sI = mod.alloc(k.f32_conv2d_backward_input_scratch_bytes(geo.g) / 4);
    const sW = mod.alloc(k.f32_conv2d_backward_filter_scratch_bytes(geo.g) / 4);
    const flops = 2 * outSize * c.filter[0] * c.filter[1] * c.filter[2];
    const read = (p, n) => mod.f32().slice(p >>> 2, (p >>> 2) + n);
    const zero = (p, n) => k.f32_fill(p, 0, n);
    calls.push({ name: `${c.name} fwd+relu`, flops, run: () => k.f32_conv2d_forward(y, x, w, bias, geo.g, 1, sF), out: () => read(y, outSize) });
    if (c.dx) calls.push({ name: `${c.name} dX`, flops, run: () => { zero(dx, size(c.input)); k.f32_conv2d_backward_input(dx, dy, w, geo.g, sI); }, out: () => read(dx, size(c.input)) });
    calls.push({ name: `${c.name} dW`, flops, run: () => { zero(dw, size(c.filter)); k.f32_conv2d_backward_filter(dw, dy, x, geo.g, sW, 0); }, out: () => read(dw, size(c.filter)) });
    calls.push({ name: `${c.name} db`, flops: 0, run: () => { zero(db, geo.outC); k.f32_conv2d_bias_backward(db, dy, outSize / geo.outC, geo.outC); }, out: () => read(db, geo.outC) });
    // dW and db as the layer runs them: one pass where the build sums db inside the filter gradient.
    const fusedBias = k.f32_conv2d_backward_filter.length >= 6;
    calls.push({
      name: `${c.name} dW+db`, flops, out: () => read(db, geo.outC),
      run: () => {
        zero(dw, size(c.filter)); zero(db, geo.outC);
        if (fusedBias) k.f32_conv2d_backward_filter(dw, dy, x, geo.g, sW, db);
        else { k.f32_conv2d_backward_filter(dw, dy, x, geo.g, sW); k.f32_conv2d_bias_backward(db, dy, outSize / geo.outC, geo.outC); }
      },
    });
  }
  // max-pool 2x2 backward on conv (a)'s output, dx zero-filled first (what the plan does today).
  const pool = { input: [64, 28, 28, 32] };
  const pg = mod.alloc(18);
  new Int32Array(k.memory.buffer).set([64, 28, 28, 32, 14, 14, 32, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1], pg >>> 2);
  seed = 9;
  const n = 64 * 28 * 28 * 32;
  const px = mod.alloc(n); mod.f32().set(rand(n), px >>> 2);
  const pdy = mod.alloc(n / 4); mod.f32().set(rand(n / 4), pdy >>> 2);
  const pdx = mod.alloc(n);
  calls.push({ name: 'max-pool 2x2 bwd 64x28x28x32 (zero-fill + scatter)', flops: 0, run: () => { k.f32_fill(pdx, 0, n); k.f32_max_pool2d_backward(pdx, pdy, px, pg); }, out: () => mod.f32().slice(pdx >>> 2, (pdx >>> 2) + n) });
  calls.push({ name: 'zero-fill 21.7 MB (anchor CNN grads)', flops: 0, run: () => k.f32_fill(pdx, 0, Math.min(n, 5_420_000)), out: () => new Float32Array(1) });
  void pool;
  return calls;
}

/** This process's CPU milliseconds (user + system): on a shared machine, wall time mostly measures the others. */
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const A = prepare(pathA);
const B = prepare(pathB);
const names = A.map((c) => c.name);
const times = names.map(() => [[], []]);
for (let r = 0; r < ROUNDS + 2; r++) {
  for (let i = 0; i < names.length; i++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const side of order) {
      const call = (side === 0 ? A : B)[i];
      const t0 = cpuMs();
      call.run();
      const t = cpuMs() - t0;
      if (r >= 2) times[i][side].push(t); // two warm-up rounds
    }
  }
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
console.log(`| case | old ms | new ms | speed-up | new GFLOP/s | max abs diff |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (let i = 0; i < names.length; i++) {
  const [ta, tb] = times[i].map(median);
  A[i].run(); B[i].run();
  const oa = A[i].out(), ob = B[i].out();
  let diff = 0;
  for (let j = 0; j < oa.length; j++) diff = Math.max(diff, Math.abs(oa[j] - ob[j]));
  const gf = A[i].flops > 0 ? (A[i].flops / (tb / 1e3) / 1e9).toFixed(1) : '';
  console.log(`| ${names[i]} | ${ta.toFixed(2)} | ${tb.toFixed(2)} | ${(ta / tb).toFixed(2)}x | ${gf} | ${diff.toExponential(1)} |`);
}
