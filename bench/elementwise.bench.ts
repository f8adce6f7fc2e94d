// Elementwise throughput, one thread: activations (relu, sigmoid, tanh, gelu) on 1M floats,
// softmax over rows of 10 and of 1000, and the fused softmax-crossentropy loss (value + gradient
// in one pass) beside TF.js wasm (XNNPACK) in the same run; then the maximum error of every
// function in assembly/math.ts, measured on a dense sweep against f64.
//
// Napkin math: an activation reads 4 B and writes 4 B per element. 1M floats are 8 MB of traffic,
// L2/L3 resident, so relu is bound by bandwidth (20-80 GB/s: 3-10 G elements/s). Sigmoid costs one
// exp (~20 f32x4 ops) plus a divide per 4 lanes: ~1-1.5 G elements/s at 3 GHz; tanh the same plus
// a select; gelu one erf (a 13/8-degree rational: ~25 ops and a divide). Softmax reads a row three
// times (max, exp+sum, scale): exp-bound like sigmoid for long rows; rows of 10 add per-row
// overhead (two horizontal reductions and a 2-element scalar tail per row). The fused
// softmax-crossentropy computes exp twice per element (sum, then gradient).
//
// Run: npm run bench -- elementwise
import { gbps, heap, initLibrary, measure, printTable, writeF32, type Row } from './harness.js';
import { tfjs, tfjsWasmThreads } from './peers.js';
import { MATH_REFERENCE, ulpError, type MathName } from '../test/reference/math.js';
import { randomArray } from '../test/util.js';
import { losses } from '../src/api.js';

const k = initLibrary();
const tf = await tfjs('wasm');
const N = 1 << 20;
const rows: Row[] = [];
const x = randomArray(N, 1, -6, 6);
const px = heap().alloc(N * 4);
const py = heap().alloc(N * 4);
writeF32(px, x);

const rate = (elements: number, bytes: number, t: { seconds: number; median: number }, note = '') => ({
  value: elements / t.seconds / 1e9,
  unit: 'G elem/s',
  note: `${gbps(bytes, t.seconds).toFixed(1)} GB/s; median ${(elements / t.median / 1e9).toFixed(2)}${note}`,
});

// --- activations on 1M floats -------------------------------------------------------------
const xt = tf.tensor1d(x);
const ACTIVATIONS = [
  { name: 'relu', symbol: 'f32_relu_forward__simd', tf: () => tf.relu(xt), ref: (v: number) => Math.max(v, 0) },
  { name: 'sigmoid', symbol: 'f32_sigmoid_forward__simd', tf: () => tf.sigmoid(xt), ref: (v: number) => 1 / (1 + Math.exp(-v)) },
  { name: 'tanh', symbol: 'f32_tanh_forward__simd', tf: () => tf.tanh(xt), ref: Math.tanh },
  { name: 'gelu (erf)', symbol: 'f32_gelu_forward__simd', tf: undefined, ref: undefined },
] as const;
for (const a of ACTIVATIONS) {
  const label = `${a.name}, 1M`;
  if (a.ref) {
    const out = new Float64Array(N);
    const ref = a.ref;
    const t = await measure(`${a.name} reference`, () => { for (let i = 0; i < N; i++) out[i] = ref(x[i]!); });
    rows.push({ case: label, variant: 'reference TS (f64 loop)', ...rate(N, 8 * N, t) });
  }
  const t = await measure(`${a.name} tensorlane`, () => k[a.symbol]!(py, px, N));
  const ours = N / t.seconds;
  rows.push({ case: label, variant: 'tensorlane wasm SIMD', ...rate(N, 8 * N, t) });
  if (a.tf) {
    const fn = a.tf;
    const tt = await measure(`${a.name} tfjs`, () => fn().dispose());
    rows.push({ case: label, variant: 'TF.js wasm', ...rate(N, 8 * N, tt, `; tensorlane ${(ours / (N / tt.seconds)).toFixed(1)}x`) });
  } else {
    rows.push({ case: label, variant: 'TF.js wasm', value: 0, unit: 'G elem/s', note: 'no gelu op in TF.js 4.22' });
  }
}

// --- softmax over rows --------------------------------------------------------------------
for (const cols of [10, 1000]) {
  const r = N / cols | 0;
  const n = r * cols;
  const label = `softmax ${r}x${cols}`;
  const t = await measure(`${label} tensorlane`, () => k.f32_softmax_forward__simd!(py, px, r, cols));
  rows.push({ case: label, variant: 'tensorlane wasm SIMD', ...rate(n, 8 * n, t) });
  const xs = tf.tensor2d(x.subarray(0, n), [r, cols]);
  const tt = await measure(`${label} tfjs`, () => tf.softmax(xs).dispose());
  rows.push({ case: label, variant: 'TF.js wasm', ...rate(n, 8 * n, tt, `; tensorlane ${((n / t.seconds) / (n / tt.seconds)).toFixed(1)}x`) });
  xs.dispose();
}

// --- fused softmax + crossentropy (sparse labels, from logits): value and gradient ------------
for (const cols of [10, 1000, 3]) {
  // 3 classes: pixelwise segmentation, [8, 128, 128, 3] logits as 131072 rows (the narrow kernel).
  const batch = cols === 3 ? 8 * 128 * 128 : Math.min(N / cols | 0, 16384);
  const n = batch * cols;
  const label = cols === 3 ? 'pixelwise softmax-xent [8,128,128,3]' : `softmax-xent ${batch}x${cols}`;
  const labels = Float32Array.from(randomArray(batch, 3, 0, cols), Math.floor);
  const pl = heap().alloc(batch * 4);
  const pd = heap().alloc(n * 4);
  writeF32(pl, labels);
  const loss = losses.sparseCategoricalCrossentropy({ fromLogits: true });
  const call = cols === 3
    ? { yTrue: pl, yPred: px, dPred: pd, batch: 8, sampleShape: [128, 128, 3] }
    : { yTrue: pl, yPred: px, dPred: pd, batch, sampleShape: [cols] };
  const t = await measure(`${label} tensorlane`, () => loss.compute(call));
  rows.push({ case: label, variant: 'tensorlane fused value+grad', ...rate(n, 12 * n, t, '; 12 B/elem (logits, dpred r+w)') });
  const logits = tf.tensor2d(x.subarray(0, n), [batch, cols]);
  const onehot = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), cols);
  const tt = await measure(`${label} tfjs`, () => tf.losses.softmaxCrossEntropy(onehot, logits).dispose());
  rows.push({ case: label, variant: 'TF.js wasm (value only)', ...rate(n, 8 * n, tt, `; tensorlane ${((n / t.seconds) / (n / tt.seconds)).toFixed(1)}x`) });
  const grad = tf.grad((l) => tf.losses.softmaxCrossEntropy(onehot, l));
  const tg = await measure(`${label} tfjs grad`, () => grad(logits).dispose());
  rows.push({ case: label, variant: 'TF.js wasm (tf.grad)', ...rate(n, 12 * n, tg, `; tensorlane ${((n / t.seconds) / (n / tg.seconds)).toFixed(1)}x`) });
  logits.dispose();
  onehot.dispose();
}

printTable(`elementwise (TF.js wasm threads: ${await tfjsWasmThreads()})`, rows);

// --- measured maximum error of assembly/math.ts ------------------------------------------
const CODES: Record<MathName, number> = { exp: 0, log: 1, log1p: 2, expm1: 3, tanh: 4, erf: 5, sigmoid: 6, softplus: 7 };
const RANGES: Record<MathName, [number, number, boolean]> = {
  exp: [-103.9, 88.7, false], log: [1e-45, 3.4e38, true], log1p: [1e-10, 1e30, true], expm1: [-30, 88.7, false],
  tanh: [-10, 10, false], erf: [-5, 5, false], sigmoid: [-100, 40, false], softplus: [-100, 100, false],
};
const M = 1 << 20;
const mx = heap().alloc(M * 4);
const my = heap().alloc(M * 4);
const errors: Row[] = [];
for (const name of Object.keys(CODES) as MathName[]) {
  const [lo, hi, geometric] = RANGES[name];
  const xs = new Float32Array(M);
  for (let i = 0; i < M; i++) {
    const t = i / (M - 1);
    xs[i] = geometric ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
  }
  if (name === 'log1p') for (let i = 0; i < M; i += 2) xs[i] = -0.9999999 * (i / M) ** 3;
  writeF32(mx, xs);
  k.f32_math__simd!(CODES[name], my, mx, M);
  const ys = new Float32Array(k.memory.buffer, my, M).slice();
  let worst = 0, at = 0, worstAbs = 0;
  for (let i = 0; i < M; i++) {
    const want = MATH_REFERENCE[name](xs[i]!);
    const e = ulpError(ys[i]!, want);
    if (e > worst) { worst = e; at = xs[i]!; }
    if (Number.isFinite(want)) worstAbs = Math.max(worstAbs, Math.abs(ys[i]! - want));
  }
  const t = await measure(`${name} throughput`, () => k.f32_math__simd!(CODES[name], my, mx, M), { maxTime: 0.3 });
  errors.push({ case: name, variant: `[${lo}, ${hi}]`, value: worst, unit: 'ulp', note: `at x=${at.toPrecision(6)}; max abs ${worstAbs.toPrecision(2)}; ${(M / t.seconds / 1e9).toFixed(2)} G elem/s (called, not inlined)` });
}
printTable('assembly/math.ts measured maximum error (1M-point sweep vs f64)', errors);
