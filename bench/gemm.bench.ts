// GEMM GFLOP/s (2·M·N·K / s), one thread: the ladder reference TS (naive f64 loop) -> scalar wasm
// (f32_gemm__scalar) -> SIMD driver (f32_gemm), beside TF.js wasm (XNNPACK), onnxruntime-web
// (MLAS) and TF.js cpu in the same run, as a fraction of the measured WASM SIMD peak.
//
// Napkin math: the 2x16 micro-kernel does 8 f32x4 mul + 8 f32x4 add per depth step (64 flops)
// from 4 B loads and 2 broadcasts; at the machine's 2 mul + 2 add per cycle that is 4 cycles per
// step, i.e. the peak. Packing costs O(mk + kn) per call against O(mnk) flops, so squares >= 128
// and the Dense shapes should run at 85-95 % of peak.
//
// Run: npm run bench -- gemm   (BENCH_CLOCK=cpu npm run bench -- gemm on a busy shared machine)
import { encodeModel } from './onnx.js';
import { f32, gflops, heap, initLibrary, measure, measureInterleaved, measurePeakGflops, printTable, type Row } from './harness.js';
import { cpuPerWall, osThreadCount, ortSession, ortTensor, tfjs, tfjsWasmThreads } from './peers.js';
import { gemmReference } from '../test/reference/gemm.js';
import { randomArray } from '../test/util.js';

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

const square = (s: number): Shape => ({ name: `square ${s}`, m: s, n: s, k: s, transposeA: false, transposeB: false });
const SHAPES: Shape[] = [
  ...[64, 128, 256, 512, 1024].map(square),
  // Dense(784 -> 128) at batch 64, written M x K x N.
  { name: 'dense fwd 64x784x128 (X·W)', m: 64, k: 784, n: 128, transposeA: false, transposeB: false },
  { name: 'dense dW 784x64x128 (Xᵀ·dY)', m: 784, k: 64, n: 128, transposeA: true, transposeB: false },
  { name: 'dense dX 64x128x784 (dY·Wᵀ)', m: 64, k: 128, n: 784, transposeA: false, transposeB: true },
];
/** The slow rungs only run where a call takes well under a second. */
const SLOW_MAX_FLOPS = 2 * 256 ** 3;
const SCALAR_MAX_FLOPS = 2 * 512 ** 3;

const k = initLibrary();
measurePeakGflops();
const threadsBefore = osThreadCount();
const tf = await tfjs('wasm');
const rows: Row[] = [];
const threadChecks: string[] = [`TF.js wasm threads: ${await tfjsWasmThreads()}`];

for (const s of SHAPES) {
  const { m, n, k: kk, transposeA, transposeB } = s;
  const flops = 2 * m * n * kk;
  const aShape = transposeA ? [kk, m] : [m, kk];
  const bShape = transposeB ? [n, kk] : [kk, n];
  const lda = aShape[1]!;
  const ldb = bShape[1]!;
  const flags = (transposeA ? 1 : 0) | (transposeB ? 2 : 0);
  const a = randomArray(m * kk, 1);
  const b = randomArray(kk * n, 2);
  const add = (variant: string, seconds: number, median: number, note = '') =>
    rows.push({ case: s.name, variant, value: gflops(flops, seconds), note: `median ${gflops(flops, median).toFixed(1)}${note}` });

  if (flops <= SLOW_MAX_FLOPS) {
    const c = new Float32Array(m * n);
    const t = await measure(`${s.name} reference TS`, () =>
      gemmReference({ m, n, k: kk, a, lda, transposeA, b, ldb, transposeB, c, ldc: n, accumulate: false }),
    );
    add('reference TS (f64 loop)', t.seconds, t.median);
  }

  const pa = heap().alloc(a.length * 4);
  const pb = heap().alloc(b.length * 4);
  const pc = heap().alloc(m * n * 4);
  const work = heap().alloc(k.f32_gemm_scratch_bytes!(m, n, kk));
  f32().set(a, pa >>> 2);
  f32().set(b, pb >>> 2);
  if (flops <= SCALAR_MAX_FLOPS) {
    const t = await measure(`${s.name} scalar`, () => k.f32_gemm__scalar!(flags, m, n, kk, pa, lda, pb, ldb, pc, n, 0));
    add('wasm f32_gemm__scalar', t.seconds, t.median);
  }
  const oursRun = () => k.f32_gemm!(flags, m, n, kk, pa, lda, pb, ldb, pc, n, 0, work);

  // TF.js wasm (XNNPACK). Its BatchMatMul caches the packed right-hand side per tensor, so reusing
  // one `b` tensor (as here) lets it skip packing B, which training (new weights each step) cannot.
  const ta = tf.tensor(a, aShape);
  const tb = tf.tensor(b, bShape);
  const tfRun = () => {
    const y = tf.matMul(ta, tb, transposeA, transposeB);
    y.dataSync();
    y.dispose();
  };
  if (s.name === 'square 256') threadChecks.push(`TF.js wasm CPU/wall: ${(await cpuPerWall(tfRun)).toFixed(2)}`);
  // TF.js wasm sends transposed products to a plain loop, not XNNPACK; for a fair kernel-to-kernel
  // figure also time XNNPACK on operands transposed beforehand (outside the timing).
  const transposed = transposeA || transposeB;
  const taN = transposeA ? tf.transpose(ta) : ta;
  const tbN = transposeB ? tf.transpose(tb) : tb;
  const tfPreRun = () => {
    const y = tf.matMul(taN, tbN);
    y.dataSync();
    y.dispose();
  };

  // onnxruntime-web (MLAS): one Gemm node, A and B graph inputs in their stored layout.
  const session = await ortSession(
    encodeModel({
      nodes: [{ op: 'Gemm', inputs: ['A', 'B'], outputs: ['Y'], attributes: { transA: transposeA ? 1 : 0, transB: transposeB ? 1 : 0 } }],
      inputs: [{ name: 'A', shape: aShape }, { name: 'B', shape: bShape }],
      outputs: [{ name: 'Y', shape: [m, n] }],
    }),
  );
  const feeds = { A: await ortTensor(a, aShape), B: await ortTensor(b, bShape) };
  const ortRun = () => session.run(feeds);
  // The shared machine drifts: alternate ours and the peers twice and keep each one's best.
  const timed = await measureInterleaved(s.name, transposed ? [oursRun, tfRun, ortRun, tfPreRun] : [oursRun, tfRun, ortRun]);
  const [ours, xnnAsIs, ort] = [timed[0]!, timed[1]!, timed[2]!];
  const xnnPre = timed[3];
  const xnn = xnnPre && xnnPre.seconds < xnnAsIs.seconds ? xnnPre : xnnAsIs;
  if (s.name === 'square 256') threadChecks.push(`onnxruntime-web CPU/wall: ${(await cpuPerWall(ortRun)).toFixed(2)}`);
  if (s.name === 'square 256') threadChecks.push(`tensorlane CPU/wall: ${(await cpuPerWall(() => k.f32_gemm!(flags, m, n, kk, pa, lda, pb, ldb, pc, n, 0, work))).toFixed(2)}`);

  add('wasm f32_gemm (SIMD)', ours.seconds, ours.median, `; ${(xnn.seconds / ours.seconds).toFixed(2)}x XNNPACK (its best), ${(ort.seconds / ours.seconds).toFixed(2)}x ORT`);
  add('TF.js wasm (XNNPACK)', xnnAsIs.seconds, xnnAsIs.median, transposed ? '; transposed matMul: not XNNPACK' : '');
  if (xnnPre) add('TF.js wasm, pre-transposed (XNNPACK)', xnnPre.seconds, xnnPre.median, '; transpose not timed');
  add('onnxruntime-web (MLAS)', ort.seconds, ort.median);
  await session.release();
  for (const t of new Set([ta, tb, taN, tbN])) t.dispose();
  for (const p of [pa, pb, pc, work]) heap().free(p);
}

// TF.js cpu (plain JS) on the shapes where it finishes quickly.
const cpu = await tfjs('cpu');
for (const s of SHAPES) {
  const flops = 2 * s.m * s.n * s.k;
  if (flops > SLOW_MAX_FLOPS) continue;
  const ta = cpu.tensor(randomArray(s.m * s.k, 1), s.transposeA ? [s.k, s.m] : [s.m, s.k]);
  const tb = cpu.tensor(randomArray(s.k * s.n, 2), s.transposeB ? [s.n, s.k] : [s.k, s.n]);
  const t = await measure(`${s.name} tfjs-cpu`, () => {
    const y = cpu.matMul(ta, tb, s.transposeA, s.transposeB);
    y.dataSync();
    y.dispose();
  });
  const last = rows.map((r) => r.case).lastIndexOf(s.name);
  rows.splice(last + 1, 0, { case: s.name, variant: 'TF.js cpu', value: gflops(flops, t.seconds), note: `median ${gflops(flops, t.median).toFixed(1)}` });
}

threadChecks.push(`OS threads of this process: ${threadsBefore} before the peers, ${osThreadCount()} after`);
printTable('GEMM (1 thread; rate from the fastest sample)', rows, measurePeakGflops(true));
console.log(`single-thread checks: ${threadChecks.join('; ')}`);
