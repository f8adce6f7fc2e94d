// Convolution and pooling, one thread: tensorlane's pointer-level kernels beside TF.js wasm
// (XNNPACK) and onnxruntime-web (MLAS) forward in the same run. Rate = 2·(output elements)·kH·kW·inC
// flops per second for every conv kernel (forward, input gradient, filter gradient), GB/s =
// (input + output bytes) per second for pooling.
//
// Napkin math: the 2x16 register tile does 64 flops per depth step from 4 filter loads and 2
// broadcasts, ~4 cycles at 2 mul + 2 add per cycle: the GEMM micro-kernel ceiling. Overheads on
// top: im2col of each chunk (K floats copied per output pixel, ~K/(32·outC) of the flops' time),
// filter packing (K·outC once per call) and padding to 16 output channels. (a) has K = 9, so the
// 9-step depth loop pays the tile's load/store epilogue every 9 steps (~60-70 % of the ceiling);
// (b) K = 288 runs near the ceiling; (c) K = 27 sits between. Pooling reads 4 floats per output
// float: bound by memory (the 6.4 MB input is L3-resident).
//
// Run: npm run bench -- conv
import { encodeModel } from './onnx.js';
import { f32, gbps, gflops, heap, initLibrary, measure, measurePeakGflops, printTable, type Row } from './harness.js';
import { ortSession, ortTensor, tfjs } from './peers.js';
import { randomArray } from '../test/util.js';
import { conv2dGeometry, convBackwardFilterPtr, convBackwardInputPtr, convForwardPtr } from '../src/ops/conv.js';
import { maxPool2dForwardPtr, pool2dGeometry } from '../src/ops/pool.js';

interface Case {
  name: string;
  input: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  backward: boolean;
}

const CASES: Case[] = [
  { name: '(a) 64x28x28x1 -> 3x3x32 same', input: [64, 28, 28, 1], filter: [3, 3, 1, 32], strides: 1, backward: true },
  { name: '(b) 64x14x14x32 -> 3x3x64 same', input: [64, 14, 14, 32], filter: [3, 3, 32, 64], strides: 1, backward: true },
  { name: '(c) 1x224x224x3 -> 3x3x32 s2 same', input: [1, 224, 224, 3], filter: [3, 3, 3, 32], strides: 2, backward: false },
];

initLibrary();
const peak = measurePeakGflops();
const tf = await tfjs('wasm');
const rows: Row[] = [];
const note = (seconds: number, median: number, flops: number, extra = '') => `median ${gflops(flops, median).toFixed(1)}${extra}`;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const alloc = (data: Float32Array) => {
  const p = heap().alloc(data.length * 4);
  f32().set(data, p >>> 2);
  return p;
};

for (const c of CASES) {
  const g = conv2dGeometry(c.input, c.filter, { strides: c.strides, padding: 'same' });
  const flops = 2 * g.outputSize * c.filter[0] * c.filter[1] * c.filter[2];
  const xData = randomArray(size(c.input), 1);
  const wData = randomArray(size(c.filter), 2);
  const x = alloc(xData);
  const w = alloc(wData);
  const y = alloc(new Float32Array(g.outputSize));
  const ours = await measure(`${c.name} fwd`, () => convForwardPtr(g, { y, x, w }));

  // TF.js wasm (XNNPACK): NHWC / HWIO like ours; the filter tensor is reused (packed once).
  const tx = tf.tensor4d(xData, c.input);
  const tw = tf.tensor4d(wData, c.filter);
  const xnn = await measure(`${c.name} tfjs`, () => {
    const out = tf.conv2d(tx, tw, c.strides, 'same');
    out.dataSync();
    out.dispose();
  });

  // onnxruntime-web (MLAS): NCHW input, OIHW filter as an initializer, our explicit pads.
  const [top, bottom, left, right] = g.padding;
  const [kh, kw, inC, outC] = c.filter;
  const oihw = new Float32Array(wData.length);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let ci = 0; ci < inC; ci++) for (let o = 0; o < outC; o++) {
    oihw[((o * inC + ci) * kh + i) * kw + j] = wData[((i * kw + j) * inC + ci) * outC + o]!;
  }
  const nchw = [c.input[0], c.input[3], c.input[1], c.input[2]];
  const session = await ortSession(
    encodeModel({
      nodes: [{ op: 'Conv', inputs: ['X', 'W'], outputs: ['Y'], attributes: { kernel_shape: [kh, kw], strides: [c.strides, c.strides], pads: [top, left, bottom, right] } }],
      inputs: [{ name: 'X', shape: nchw }],
      outputs: [{ name: 'Y', shape: [c.input[0], outC, g.outputShape[1]!, g.outputShape[2]!] }],
      initializers: [{ name: 'W', shape: [outC, inC, kh, kw], data: oihw }],
    }),
  );
  const feeds = { X: await ortTensor(xData, nchw) };
  const ort = await measure(`${c.name} ort`, () => session.run(feeds));

  rows.push({
    case: c.name, variant: 'tensorlane forward', value: gflops(flops, ours.seconds),
    note: note(ours.seconds, ours.median, flops, `; ${(xnn.seconds / ours.seconds).toFixed(2)}x XNNPACK, ${(ort.seconds / ours.seconds).toFixed(2)}x ORT`),
  });
  rows.push({ case: c.name, variant: 'TF.js wasm (XNNPACK) forward', value: gflops(flops, xnn.seconds), note: note(xnn.seconds, xnn.median, flops) });
  rows.push({ case: c.name, variant: 'onnxruntime-web (MLAS) forward', value: gflops(flops, ort.seconds), note: note(ort.seconds, ort.median, flops) });

  if (c.backward) {
    const dyData = randomArray(g.outputSize, 3);
    const dy = alloc(dyData);
    const dx = alloc(new Float32Array(g.inputSize));
    const dw = alloc(new Float32Array(wData.length));
    const bi = await measure(`${c.name} dx`, () => convBackwardInputPtr(g, { dx, dy, w }));
    const bf = await measure(`${c.name} dw`, () => convBackwardFilterPtr(g, { dw, dy, x }));
    const tdy = tf.tensor4d(dyData, g.outputShape as [number, number, number, number]);
    const tfDx = await measure(`${c.name} tfjs dx`, () => {
      const out = tf.conv2dTranspose(tdy, tw, c.input, c.strides, 'same');
      out.dataSync();
      out.dispose();
    });
    rows.push({ case: c.name, variant: 'tensorlane input gradient', value: gflops(flops, bi.seconds), note: note(bi.seconds, bi.median, flops, `; ${(tfDx.seconds / bi.seconds).toFixed(2)}x XNNPACK`) });
    rows.push({ case: c.name, variant: 'TF.js wasm input gradient (conv2dTranspose)', value: gflops(flops, tfDx.seconds), note: note(tfDx.seconds, tfDx.median, flops) });
    rows.push({ case: c.name, variant: 'tensorlane filter gradient', value: gflops(flops, bf.seconds), note: note(bf.seconds, bf.median, flops) });
    tdy.dispose();
    for (const p of [dy, dx, dw]) heap().free(p);
  }
  await session.release();
  tx.dispose();
  tw.dispose();
  for (const p of [x, w, y]) heap().free(p);
  g.release();
}

printTable('Conv2D (1 thread; rate from the fastest benny sample)', rows, peak);

// Max pooling 2x2 / 2 on 64x28x28x32.
const poolInput = [64, 28, 28, 32];
const pg = pool2dGeometry(poolInput, { poolSize: 2 });
const bytes = (pg.inputSize + pg.outputSize) * 4;
const pxData = randomArray(pg.inputSize, 4);
const px = alloc(pxData);
const py = alloc(new Float32Array(pg.outputSize));
const pool = await measure('maxpool', () => maxPool2dForwardPtr(pg, { y: py, x: px }));
const tpx = tf.tensor4d(pxData, [64, 28, 28, 32]);
const tfPool = await measure('maxpool tfjs', () => {
  const out = tf.maxPool(tpx, 2, 2, 'valid');
  out.dataSync();
  out.dispose();
});
const pnchw = [64, 32, 28, 28];
const poolSession = await ortSession(
  encodeModel({
    nodes: [{ op: 'MaxPool', inputs: ['X'], outputs: ['Y'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } }],
    inputs: [{ name: 'X', shape: pnchw }],
    outputs: [{ name: 'Y', shape: [64, 32, 14, 14] }],
  }),
);
const poolFeeds = { X: await ortTensor(pxData, pnchw) };
const ortPool = await measure('maxpool ort', () => poolSession.run(poolFeeds));
const gb = (t: { seconds: number; median: number }) => ({ value: gbps(bytes, t.seconds), unit: 'GB/s', note: `median ${gbps(bytes, t.median).toFixed(1)}` });
printTable('MaxPool2D 2x2/2 on 64x28x28x32 (1 thread; bytes = input + output)', [
  { case: 'maxPool2d', variant: 'tensorlane forward', ...gb(pool), note: `median ${gbps(bytes, pool.median).toFixed(1)}; ${(tfPool.seconds / pool.seconds).toFixed(2)}x XNNPACK, ${(ortPool.seconds / pool.seconds).toFixed(2)}x ORT` },
  { case: 'maxPool2d', variant: 'TF.js wasm (XNNPACK)', ...gb(tfPool) },
  { case: 'maxPool2d', variant: 'onnxruntime-web (MLAS)', ...gb(ortPool) },
]);
await poolSession.release();
