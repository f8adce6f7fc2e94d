// Broadcasting and reductions through the strided kernels (assembly/strided.ts), one thread:
// add with both operands full, with a row (bias) and with a column broadcast, and sum over the
// inner and the outer axis of a [1024, 1024] matrix, beside TF.js wasm (XNNPACK) in the same run.
// Variants: the naive TS reference, the kernel on buffers already in wasm memory (what a plan
// calls), the eager op (`ops.add`: copy in, call, copy out) and TF.js (allocates its output).
//
// Napkin math: 1M floats are 4 MB per operand, beyond L2, so these are bound by bandwidth. add
// moves 12 B per element with both operands full and 8 B with a broadcast one (the broadcast
// operand stays in L1); sum reads 4 B per element. One core streams roughly 10-30 GB/s from L3 or
// DRAM, so the expectation is 1-3 G elements/s for add and 3-7 for sum; the SIMD loop itself (two
// loads, one add, one store per four lanes) would run 8-12 G elements/s from L1. The table's
// 'napkin' rows are that ceiling measured in the same run: a 4 MB copy's GB/s.
//
// Run: npm run bench -- elementwise-broadcast
import { gbps, heap, initLibrary, measureInterleaved, measure, printTable, writeF32, type Row } from './harness.js';
import { tfjs, tfjsWasmThreads } from './peers.js';
import { randomArray } from '../test/util.js';
import { binaryRef, reduceRef } from '../test/reference/elementwise.js';
import { ops, tensor } from '../src/api.js';
import { STRIDED_BYTES, broadcastLayout, reduceLayout, writeStrided } from '../src/ops/strided.js';

const k = initLibrary();
const tf = await tfjs('wasm');
const R = 1024;
const C = 1024;
const N = R * C;
const rows: Row[] = [];
const x = randomArray(N, 1);
const bias = randomArray(C, 2);
const column = randomArray(R, 3);
const px = heap().alloc(N * 4);
const pother = heap().alloc(N * 4);
const py = heap().alloc(N * 4);
const pg = heap().alloc(STRIDED_BYTES);
writeF32(px, x);

// The napkin ceiling measured here: a 4 MB copy (f32_copy, memory.copy) moves 8 B per element at
// this machine's streaming bandwidth; a bandwidth-bound add or sum should come close to it.
const copy = await measure('copy 4 MB', () => k.f32_copy!(py, px, N));
const copyGbps = gbps(8 * N, copy.seconds);

const rate = (elements: number, bytes: number, seconds: number, note = '') => ({
  value: gbps(bytes, seconds), unit: 'GB/s', note: `${(elements / seconds / 1e9).toFixed(2)} G elem/s${note}`,
});

const ADD_CASES = [
  { label: `add [${R}, ${C}] + [${R}, ${C}]`, shape: [R, C], data: randomArray(N, 4), bytes: 12 * N },
  { label: `add [${R}, ${C}] + [${C}] (row)`, shape: [C], data: bias, bytes: 8 * N },
  { label: `add [${R}, ${C}] + [${R}, 1] (column)`, shape: [R, 1], data: column, bytes: 8 * N },
];
for (const c of ADD_CASES) {
  writeF32(pother, c.data);
  writeStrided(pg, broadcastLayout('bench', [R, C], [[R, C], c.shape]));
  const xt = tensor(x, [R, C]);
  const bt = tensor(c.data, c.shape);
  const txa = tf.tensor2d(x, [R, C]);
  const txb = tf.tensor(c.data, c.shape);
  const out = new Float64Array(N);
  const ref = await measure(`${c.label} reference`, () => out.set(binaryRef('add', x, [R, C], c.data, c.shape)), { maxTime: 0.3 });
  rows.push({ case: c.label, variant: 'reference TS (f64, index math)', ...rate(N, c.bytes, ref.seconds) });
  rows.push({ case: c.label, variant: 'napkin: copy bandwidth', ...rate(N, c.bytes, c.bytes / (copyGbps * 1e9), '; bandwidth-bound ceiling') });
  const [ours, eager, peer] = await measureInterleaved(c.label, [
    () => k.f32_add_forward!(py, px, pother, pg),
    () => ops.add(xt, bt),
    () => tf.add(txa, txb).dispose(),
  ] as const);
  rows.push({ case: c.label, variant: 'tensorlane kernel (buffers in wasm)', ...rate(N, c.bytes, ours.seconds, `; ${(peer.seconds / ours.seconds).toFixed(1)}x TF.js`) });
  rows.push({ case: c.label, variant: 'tensorlane ops.add (copy in/out)', ...rate(N, c.bytes, eager.seconds) });
  rows.push({ case: c.label, variant: 'TF.js wasm tf.add', ...rate(N, c.bytes, peer.seconds) });
  txa.dispose();
  txb.dispose();
}

for (const axis of [1, 0]) {
  const label = `sum [${R}, ${C}] over axis ${axis} (${axis === 1 ? 'inner' : 'outer'})`;
  writeStrided(pg, reduceLayout('bench', [R, C], [axis]));
  const xt = tensor(x, [R, C]);
  const txa = tf.tensor2d(x, [R, C]);
  const ref = await measure(`${label} reference`, () => reduceRef('sum', x, [R, C], [axis]), { maxTime: 0.3 });
  rows.push({ case: label, variant: 'reference TS (f64, index math)', ...rate(N, 4 * N, ref.seconds) });
  rows.push({ case: label, variant: 'napkin: copy bandwidth', ...rate(N, 4 * N, (4 * N) / (copyGbps * 1e9), '; bandwidth-bound ceiling') });
  const [ours, eager, peer] = await measureInterleaved(label, [
    () => k.f32_sum_forward!(py, px, pg, 1),
    () => ops.sum(xt, axis),
    () => tf.sum(txa, axis).dispose(),
  ] as const);
  rows.push({ case: label, variant: 'tensorlane kernel (buffers in wasm)', ...rate(N, 4 * N, ours.seconds, `; ${(peer.seconds / ours.seconds).toFixed(1)}x TF.js`) });
  rows.push({ case: label, variant: 'tensorlane ops.sum (copy in/out)', ...rate(N, 4 * N, eager.seconds) });
  rows.push({ case: label, variant: 'TF.js wasm tf.sum', ...rate(N, 4 * N, peer.seconds) });
  txa.dispose();
}

printTable(`broadcasting add and sum over an axis (TF.js wasm threads: ${await tfjsWasmThreads()})`, rows);
