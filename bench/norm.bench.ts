// Batch norm, layer norm, dropout and the random fills, one thread, in GB/s of essential traffic
// (each input read once, each output written once) beside TF.js wasm and cpu in the same run.
//
// Napkin math: these kernels are memory-bound streams with a few flops per element. Batch norm
// training forward reads x three times (sum, centred squares, normalise) and writes y: 4 passes
// over 1.6 MB (64x14x14x32 f32) that stay mostly in L2, so 2-4x below a single-pass copy is
// expected; its essential traffic is 8 B per element. Backward reads dy and x twice and dx
// once, writes dx: essential 16 B per element. Dropout generates one Philox block (10 rounds of
// 2 32x32->64 multiplies per lane, SIMD over 4 blocks) per 4 values: about 50 SIMD instructions
// per 16 values, so ~1-2 Gvalues/s; essential traffic x in, y and mask out = 12 B per element.
//
// Run: npm run bench -- norm
import { gbps, heap, initLibrary, measure, printTable, f32, type Row } from './harness.js';
import { tfjs } from './peers.js';
import { randomArray } from '../test/util.js';
import { Rng } from '../src/random.js';
import {
  batchNormBackwardPtr, batchNormInferenceForwardPtr, batchNormTrainForwardPtr, layerNormBackwardPtr, layerNormForwardPtr,
} from '../src/ops/norm.js';
import { dropoutForwardPtr, randomNormalPtr, randomUniformPtr } from '../src/ops/random.js';

const k = initLibrary();
const rows: Row[] = [];

function buffer(data: Float32Array): number {
  const p = heap().alloc(data.length * 4);
  f32().set(data, p >>> 2);
  return p;
}

async function add(caseName: string, variant: string, bytes: number, fn: () => unknown, note = ''): Promise<number> {
  const t = await measure(`${caseName} ${variant}`, fn);
  rows.push({ case: caseName, variant, value: gbps(bytes, t.seconds), unit: 'GB/s', note: `median ${gbps(bytes, t.median).toFixed(2)}${note}` });
  return t.seconds;
}

const tfWasm = await tfjs('wasm'); // TF.js has one active backend: the cpu peer runs last

// ---- Batch norm on 64x14x14x32 (NHWC) ----
{
  const [n, h, w, c] = [64, 14, 14, 32];
  const count = n * h * w * c;
  const r = n * h * w;
  const x = randomArray(count, 1, -2, 2);
  const name = `batch norm ${n}x${h}x${w}x${c}`;
  const p = {
    x: buffer(x), y: buffer(new Float32Array(count)), dy: buffer(randomArray(count, 2)), dx: buffer(new Float32Array(count)),
    gamma: buffer(randomArray(c, 3, 0.5, 1.5)), beta: buffer(randomArray(c, 4)), mm: buffer(new Float32Array(c)), mv: buffer(new Float32Array(c).fill(1)),
    sm: buffer(new Float32Array(c)), si: buffer(new Float32Array(c)), dg: buffer(new Float32Array(c)), db: buffer(new Float32Array(c)),
  };
  const train = () => batchNormTrainForwardPtr({ y: p.y, x: p.x, gamma: p.gamma, beta: p.beta, movingMean: p.mm, movingVar: p.mv, saveMean: p.sm, saveInvStd: p.si, rows: r, channels: c });
  await add(`${name} train fwd`, 'tensorlane', 8 * count, train);
  const tx = tfWasm.tensor(x, [n, h, w, c]);
  const tGamma = tfWasm.tensor(randomArray(c, 3, 0.5, 1.5));
  const tBeta = tfWasm.tensor(randomArray(c, 4));
  await add(`${name} train fwd`, 'TF.js wasm (moments + batchNorm)', 8 * count, () => {
    const y = tfWasm.tidy(() => {
      const { mean, variance } = tfWasm.moments(tx, [0, 1, 2]);
      return tfWasm.batchNorm(tx, mean, variance, tBeta, tGamma, 1e-3);
    });
    y.dataSync();
    y.dispose();
  });

  await add(`${name} backward`, 'tensorlane', 16 * count, () =>
    batchNormBackwardPtr({ dx: p.dx, dgamma: p.dg, dbeta: p.db, dy: p.dy, x: p.x, gamma: p.gamma, saveMean: p.sm, saveInvStd: p.si, rows: r, channels: c }),
  );

  await add(`${name} inference fwd`, 'tensorlane', 8 * count, () =>
    batchNormInferenceForwardPtr({ y: p.y, x: p.x, gamma: p.gamma, beta: p.beta, movingMean: p.mm, movingVar: p.mv, rows: r, channels: c }),
  );
  const tMean = tfWasm.tensor(randomArray(c, 5));
  const tVar = tfWasm.tensor(randomArray(c, 6, 0.5, 2));
  await add(`${name} inference fwd`, 'TF.js wasm (batchNorm)', 8 * count, () => {
    const y = tfWasm.batchNorm(tx, tMean, tVar, tBeta, tGamma, 1e-3);
    y.dataSync();
    y.dispose();
  });
  for (const ptr of Object.values(p)) heap().free(ptr);
}

// ---- Layer norm on [4096, 256] (a transformer block's activations) ----
{
  const [r, c] = [4096, 256];
  const count = r * c;
  const name = `layer norm ${r}x${c}`;
  const x = randomArray(count, 7, -2, 2);
  const p = {
    x: buffer(x), y: buffer(new Float32Array(count)), dy: buffer(randomArray(count, 8)), dx: buffer(new Float32Array(count)),
    gamma: buffer(randomArray(c, 9, 0.5, 1.5)), beta: buffer(randomArray(c, 10)), sm: buffer(new Float32Array(r)), si: buffer(new Float32Array(r)),
    dg: buffer(new Float32Array(c)), db: buffer(new Float32Array(c)),
  };
  await add(`${name} fwd`, 'tensorlane', 8 * count, () =>
    layerNormForwardPtr({ y: p.y, x: p.x, gamma: p.gamma, beta: p.beta, saveMean: p.sm, saveInvStd: p.si, rows: r, channels: c }),
  );
  const tx = tfWasm.tensor(x, [r, c]);
  const tg = tfWasm.tensor(randomArray(c, 9, 0.5, 1.5));
  const tb = tfWasm.tensor(randomArray(c, 10));
  await add(`${name} fwd`, 'TF.js wasm (moments + elementwise)', 8 * count, () => {
    const y = tfWasm.tidy(() => {
      const { mean, variance } = tfWasm.moments(tx, [1], true);
      return tfWasm.add(tfWasm.mul(tfWasm.mul(tfWasm.sub(tx, mean), tfWasm.rsqrt(tfWasm.add(variance, 1e-3))), tg), tb);
    });
    y.dataSync();
    y.dispose();
  });
  await add(`${name} backward`, 'tensorlane', 16 * count, () =>
    layerNormBackwardPtr({ dx: p.dx, dgamma: p.dg, dbeta: p.db, dy: p.dy, x: p.x, gamma: p.gamma, saveMean: p.sm, saveInvStd: p.si, rows: r, channels: c }),
  );
  for (const ptr of Object.values(p)) heap().free(ptr);
}

// ---- Dropout and the fills on 1M values ----
{
  const count = 1 << 20;
  const x = randomArray(count, 11);
  const p = { x: buffer(x), y: buffer(new Float32Array(count)), mask: buffer(new Float32Array(count)) };
  const rng = new Rng(1);
  const secs = await add('dropout 1M, rate 0.5', 'tensorlane', 12 * count, () => dropoutForwardPtr({ y: p.y, mask: p.mask, x: p.x, n: count, rate: 0.5, rng }));
  rows[rows.length - 1]!.note += `; ${(count / secs / 1e9).toFixed(2)} Gvalues/s`;
  const tx = tfWasm.tensor(x, [count]);
  await add('dropout 1M, rate 0.5', 'TF.js wasm (tf.dropout)', 12 * count, () => {
    const y = tfWasm.dropout(tx, 0.5, undefined, 1);
    y.dataSync();
    y.dispose();
  });
  const s1 = await add('uniform fill 1M', 'tensorlane', 4 * count, () => randomUniformPtr(p.y, count, -1, 1, rng));
  rows[rows.length - 1]!.note += `; ${(count / s1 / 1e9).toFixed(2)} Gvalues/s`;
  await add('uniform fill 1M', 'TF.js wasm (randomUniform)', 4 * count, () => {
    const y = tfWasm.randomUniform([count], -1, 1, 'float32', 1);
    y.dataSync();
    y.dispose();
  });
  const s2 = await add('normal fill 1M', 'tensorlane', 4 * count, () => randomNormalPtr(p.y, count, 0, 1, rng));
  rows[rows.length - 1]!.note += `; ${(count / s2 / 1e9).toFixed(2)} Gvalues/s`;
  await add('normal fill 1M', 'TF.js wasm (randomNormal)', 4 * count, () => {
    const y = tfWasm.randomNormal([count], 0, 1, 'float32', 1);
    y.dataSync();
    y.dispose();
  });
  for (const ptr of Object.values(p)) heap().free(ptr);
  void k;
}

// ---- TF.js cpu (plain JS), last because switching backends is global ----
{
  const tf = await tfjs('cpu');
  const [n, h, w, c] = [64, 14, 14, 32];
  const count = n * h * w * c;
  const x = tf.tensor(randomArray(count, 1, -2, 2), [n, h, w, c]);
  const gamma = tf.tensor(randomArray(c, 3, 0.5, 1.5));
  const beta = tf.tensor(randomArray(c, 4));
  await add(`batch norm ${n}x${h}x${w}x${c} train fwd`, 'TF.js cpu (moments + batchNorm)', 8 * count, () => {
    const y = tf.tidy(() => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
    });
    y.dataSync();
    y.dispose();
  });
}

printTable('Normalisation, dropout and random fills (1 thread; GB/s of essential traffic, fastest benny sample)', rows);
