// Sequence layers (embedding, conv1d, 1-D pooling, upSampling1d, repeatVector): shapes, finite
// differences, config and io round trips, errors, and PyTorch 1.13 fixtures
// (test/fixtures/sequence/sequence.json from scripts/fixtures/sequence.py).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { heap, readF32, writeF32 } from '../../src/backend/memory.js';
import { io, Input, layers, Sequential, ShapeError, Tensor, tensor, ValueError, type Shape } from '../../src/index.js';
import { fromConfig } from '../../src/layers/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { Rng } from '../../src/random.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';

interface Case {
  config: Record<string, unknown>;
  x: number[];
  xShape: number[];
  weights: number[][];
  y: number[];
  dy: number[];
  dx?: number[];
  dweights: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/sequence/sequence.json', import.meta.url), 'utf8')) as { cases: Record<string, Case> };

/** One layer forward (training) and backward for dL/dy = dy on a plan; ids or values in `x`. */
function run(layer: Layer, xShape: readonly number[], x: ArrayLike<number>, dy?: ArrayLike<number>) {
  const input = Input({ shape: xShape.slice(1) });
  const graph = buildGraph([input], layer.apply(input), 'sequence');
  if (!layer.weightsInitialized) layer.initializeWeights(new Rng(3));
  const grads = layer.weights.map((w) => heap().alloc(w.size * 4));
  grads.forEach((g, i) => writeF32(g, new Float32Array(layer.weights[i]!.size)));
  const batch = xShape[0]!;
  const plan = new Plan(graph, batch, 0, new Map(layer.weights.map((w, i) => [w, grads[i]!])), true);
  try {
    writeF32(plan.inputs[0]!.ptr, x);
    const ctx = { training: true, batch, rng: new Rng(1) };
    plan.forward(ctx);
    const n = batch * plan.output.size;
    const y = readF32(plan.output.ptr, n);
    plan.zeroGrads();
    writeF32(plan.output.grad, dy ?? new Float32Array(n));
    plan.backward(ctx);
    return { y, dx: readF32(plan.inputs[0]!.grad, x.length), dweights: layer.weights.map((w, i) => readF32(grads[i]!, w.size)) };
  } finally {
    plan.free();
    for (const g of grads) heap().free(g);
  }
}

function roundTrip(layer: Layer, className: string, shape: Shape): void {
  layer.apply(Input({ shape }));
  const again = fromConfig(className, JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>);
  expect(again.className).toBe(className);
  expect(again.getConfig()).toEqual(layer.getConfig());
  expect(again.apply(Input({ shape })).shape).toEqual(layer.apply(Input({ shape })).shape);
}

describe('Embedding', () => {
  test('maps [batch, time] ids to [batch, time, outputDim] rows of a Keras-layout table', () => {
    const e = layers.embedding({ inputDim: 6, outputDim: 4 });
    expect(e.apply(Input({ shape: [5] })).shape).toEqual([5, 4]);
    expect(e.weights.map((w) => [w.name, w.shape])).toEqual([['embeddings', [6, 4]]]);
    const table = Float32Array.from({ length: 24 }, (_, i) => i);
    e.setWeights([new Tensor(table, [6, 4])]);
    const { y } = run(e, [2, 5], [0, 5, 2, 2, 1, 3, 4, 0, 5, 1]);
    expect(Array.from(y.subarray(4, 8))).toEqual([20, 21, 22, 23]);
    expect(Array.from(y.subarray(36, 40))).toEqual([4, 5, 6, 7]);
  });

  test('table gradient by finite differences (ids fixed; they get none) and scatter-add of repeats', () => {
    const e = layers.embedding({ inputDim: 5, outputDim: 3 });
    const ids = [4, 1, 1, 0, 4, 4, 2];
    const dy = randomArray(21, 9);
    const { dx, dweights } = run(e, [1, 7], ids, dy);
    expect(Array.from(dx)).toEqual(new Array(7).fill(0));
    const w = e.weights[0]!;
    const vals = readF32(w.ptr, w.size);
    const loss = () => run(e, [1, 7], ids).y.reduce((s, v, i) => s + v * dy[i]!, 0);
    for (let i = 0; i < vals.length; i++) {
      const orig = vals[i]!;
      vals[i] = orig + 1e-2;
      writeF32(w.ptr, vals);
      const up = loss();
      vals[i] = orig - 1e-2;
      writeF32(w.ptr, vals);
      const down = loss();
      vals[i] = orig;
      writeF32(w.ptr, vals);
      expect(Math.abs(dweights[0]![i]! - (up - down) / 2e-2)).toBeLessThan(2e-3);
    }
    expect(Array.from(dweights[0]!.subarray(9, 12))).toEqual([0, 0, 0]); // row 3: id 3 never appears
  });

  test('throws naming the layer and the id for out-of-range, negative and non-integer ids', () => {
    for (const [bad, at] of [[6, '[1, 2]'], [-1, '[1, 2]'], [2.5, '[1, 2]'], [Number.NaN, '[1, 2]']] as const) {
      const e = layers.embedding({ inputDim: 6, outputDim: 2, name: 'emb_bad' });
      const ids = [0, 1, 2, 3, 4, 5];
      ids[5] = bad;
      expect(() => run(e, [2, 3], ids)).toThrow(new RegExp(`emb_bad: id ${String(bad).replace('.', '\\.')} at ${at.replace(/[[\]]/g, '\\$&')} is not an integer in \\[0, 6\\)`));
    }
  });

  test('rejects bad options, typos and scalar input', () => {
    expect(() => layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(/inputDim must be a positive integer, got 0/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 1.5 })).toThrow(/outputDim must be a positive integer/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, maskZeros: true } as never)).toThrow(/unknown option 'maskZeros'/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, outputDims: 2 } as never)).toThrow(ValueError);
  });

  test('config round trip and a PyTorch 1.13 fixture (repeated ids accumulate)', () => {
    roundTrip(layers.embedding({ inputDim: 7, outputDim: 3, embeddingsInitializer: 'glorotUniform' }), 'Embedding', [4]);
    const c = fixture.cases.embedding!;
    const e = layers.embedding(c.config as never);
    e.apply(Input({ shape: c.xShape.slice(1) }));
    e.setWeights([new Tensor(Float32Array.from(c.weights[0]!), e.weights[0]!.shape)]);
    const got = run(e, c.xShape, c.x, c.dy);
    expectClose(got.y, c.y, 'embedding y', 2e-5, 2e-5);
    expectClose(got.dweights[0]!, c.dweights[0]!, 'embedding dtable', 2e-5, 2e-5);
  });
});

describe('Conv1D', () => {
  test('output steps for valid, same, causal, stride and dilation; Keras kernel [k, inC, filters]', () => {
    const x = Input({ shape: [10, 3] });
    expect(layers.conv1d({ filters: 4, kernelSize: 3 }).apply(x).shape).toEqual([8, 4]);
    expect(layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', strides: 3 }).apply(x).shape).toEqual([4, 4]);
    expect(layers.conv1d({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 4 }).apply(x).shape).toEqual([10, 2]);
    expect(layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 4 }).apply(x).shape).toEqual([2, 2]);
    const c = layers.conv1d({ filters: 5, kernelSize: 2 });
    c.apply(x);
    expect(c.weights.map((w) => w.shape)).toEqual([[2, 3, 5], [5]]);
  });

  test('causal: output step t does not depend on inputs after t', () => {
    const c = layers.conv1d({ filters: 1, kernelSize: 3, padding: 'causal', dilationRate: 2, useBias: false });
    const dy = new Float32Array(8);
    dy[4] = 1;
    const { dx } = run(c, [1, 8, 1], randomArray(8, 2), dy);
    expect(Array.from(dx.subarray(5))).toEqual([0, 0, 0]);
    expect(dx[0]).not.toBe(0);
  });

  test('matches finite differences (input, kernel, bias): valid + dilation, causal + stride, same + relu', () => {
    gradCheck(layers.conv1d({ filters: 3, kernelSize: 3, dilationRate: 2 }), [[9, 2]], { batch: 2 });
    gradCheck(layers.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', strides: 2 }), [[7, 3]], { batch: 2 });
    gradCheck(layers.conv1d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }), [[5, 2]], { batch: 2, eps: 1e-3, atol: 5e-3 });
  });

  test('errors: rank, too-short input, bad padding, typos', () => {
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, name: 'c1_rank' }).apply(Input({ shape: [4, 4, 1] }))).toThrow(/c1_rank: expected input of rank 3 \[batch, steps, channels\], got \[\*, 4, 4, 1\]/);
    expect(() => layers.conv1d({ filters: 2, kernelSize: 5, name: 'c1_short' }).apply(Input({ shape: [3, 1] }))).toThrow(ShapeError);
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/padding must be 'valid', 'same' or 'causal', got "full"/);
    expect(() => layers.conv1d({ filters: 0, kernelSize: 3 })).toThrow(/filters must be a positive integer/);
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, dilation: 2 } as never)).toThrow(/unknown option 'dilation'/);
  });

  test('config round trip and PyTorch 1.13 fixtures (dilation, causal, same + stride, causal + stride)', () => {
    roundTrip(layers.conv1d({ filters: 3, kernelSize: 2, padding: 'causal', dilationRate: 2, activation: 'tanh' }), 'Conv1D', [6, 2]);
    for (const name of ['conv1d_causal_dilation2', 'conv1d_valid_dilation3', 'conv1d_same_stride2', 'conv1d_causal_stride2']) {
      const c = fixture.cases[name]!;
      const layer = layers.conv1d(c.config as never);
      layer.apply(Input({ shape: c.xShape.slice(1) }));
      layer.setWeights(layer.weights.map((w, i) => new Tensor(Float32Array.from(c.weights[i]!), w.shape)));
      const got = run(layer, c.xShape, c.x, c.dy);
      expectClose(got.y, c.y, `${name} y`, 2e-5, 2e-5);
      expectClose(got.dx, c.dx!, `${name} dx`, 2e-5, 2e-5);
      c.dweights.forEach((want, i) => expectClose(got.dweights[i]!, want, `${name} dweight ${i}`, 2e-5, 2e-5));
    }
  });
});

describe('1-D pooling, upSampling1d, repeatVector', () => {
  test('shapes', () => {
    const x = Input({ shape: [7, 3] });
    expect(layers.maxPooling1d().apply(x).shape).toEqual([3, 3]);
    expect(layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x).shape).toEqual([4, 3]);
    expect(layers.averagePooling1d({ poolSize: 2, strides: 1 }).apply(x).shape).toEqual([6, 3]);
    expect(layers.globalAveragePooling1d().apply(x).shape).toEqual([3]);
    expect(layers.globalMaxPooling1d().apply(x).shape).toEqual([3]);
    expect(layers.upSampling1d({ size: 3 }).apply(x).shape).toEqual([21, 3]);
    expect(layers.repeatVector({ n: 4 }).apply(Input({ shape: [5] })).shape).toEqual([4, 5]);
  });

  test('values: max and mean windows, global max/mean, repeats', () => {
    const x = [1, 10, 5, 2, 3, 30, 0, -4, 7, 70]; // [1, 5, 2]
    expect(Array.from(run(layers.maxPooling1d(), [1, 5, 2], x).y)).toEqual([5, 10, 3, 30]);
    expect(Array.from(run(layers.averagePooling1d({ padding: 'same' }), [1, 5, 2], x).y)).toEqual([3, 6, 1.5, 13, 7, 70]);
    expect(Array.from(run(layers.globalMaxPooling1d(), [1, 5, 2], x).y)).toEqual([7, 70]);
    expect(Array.from(run(layers.globalAveragePooling1d(), [1, 5, 2], x).y)).toEqual([16 / 5, 108 / 5].map(Math.fround));
    expect(Array.from(run(layers.upSampling1d(), [1, 2, 2], [1, 2, 3, 4]).y)).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    expect(Array.from(run(layers.repeatVector({ n: 3 }), [2, 2], [1, 2, 3, 4]).y)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  });

  test('match finite differences', () => {
    const distinct = { lo: -1, hi: 1, seed: 11 };
    gradCheck(layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), [[7, 2]], { ...distinct, eps: 1e-3, atol: 5e-3 });
    gradCheck(layers.averagePooling1d({ poolSize: 2, padding: 'same' }), [[5, 3]]);
    gradCheck(layers.globalMaxPooling1d(), [[6, 3]], { ...distinct, eps: 1e-3, atol: 5e-3 });
    gradCheck(layers.globalAveragePooling1d(), [[6, 3]]);
    gradCheck(layers.upSampling1d({ size: 3 }), [[4, 2]]);
    gradCheck(layers.repeatVector({ n: 3 }), [[5]], { batch: 3 });
  });

  test('errors and typos name the layer', () => {
    expect(() => layers.maxPooling1d({ name: 'mp1' }).apply(Input({ shape: [4, 4, 2] }))).toThrow(/mp1: expected input of rank 3/);
    expect(() => layers.globalMaxPooling1d({ name: 'gmp1' }).apply(Input({ shape: [4] }))).toThrow(/gmp1: expected input of rank 3/);
    expect(() => layers.repeatVector({ n: 2, name: 'rv' }).apply(Input({ shape: [3, 2] }))).toThrow(/rv: expected input of rank 2 \[batch, features\]/);
    expect(() => layers.repeatVector({ n: 0 })).toThrow(/n must be a positive integer, got 0/);
    expect(() => layers.upSampling1d({ size: -1 })).toThrow(/size must be a positive integer/);
    expect(() => layers.maxPooling1d({ poolSize: 9, name: 'mp_long' }).apply(Input({ shape: [4, 2] }))).toThrow(ShapeError);
    expect(() => layers.maxPooling1d({ pool_size: 2 } as never)).toThrow(/unknown option 'pool_size'/);
    expect(() => layers.repeatVector({ n: 2, times: 2 } as never)).toThrow(/unknown option 'times'/);
  });

  test('config round trips', () => {
    roundTrip(layers.maxPooling1d({ poolSize: 3, strides: 1, padding: 'same' }), 'MaxPooling1D', [6, 2]);
    roundTrip(layers.averagePooling1d({ poolSize: 2 }), 'AveragePooling1D', [6, 2]);
    roundTrip(layers.globalAveragePooling1d(), 'GlobalAveragePooling1D', [6, 2]);
    roundTrip(layers.globalMaxPooling1d(), 'GlobalMaxPooling1D', [6, 2]);
    roundTrip(layers.upSampling1d({ size: 2 }), 'UpSampling1D', [6, 2]);
    roundTrip(layers.repeatVector({ n: 3 }), 'RepeatVector', [4]);
  });
});

describe('sequence layers through io.save / io.load', () => {
  test('a model using every new layer predicts the same after a round trip', async () => {
    const model = new Sequential([
      layers.embedding({ inputDim: 9, outputDim: 4, inputShape: [12] }),
      layers.conv1d({ filters: 5, kernelSize: 3, padding: 'causal', dilationRate: 2, activation: 'relu' }),
      layers.maxPooling1d({ poolSize: 2 }),
      layers.averagePooling1d({ poolSize: 2, strides: 1, padding: 'same' }),
      layers.upSampling1d({ size: 2 }),
      layers.globalAveragePooling1d(),
      layers.repeatVector({ n: 3 }),
      layers.globalMaxPooling1d(),
      layers.dense({ units: 2 }),
    ], { seed: 5 });
    const ids = tensor(Float32Array.from({ length: 36 }, (_, i) => (i * 5) % 9), [3, 12]);
    const again = await io.load(io.save(model));
    expect(again.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
    expect(Array.from(again.predict(ids).data)).toEqual(Array.from(model.predict(ids).data));
    expect(() => model.predict(tensor(Float32Array.from({ length: 12 }, (_, i) => (i === 7 ? 9 : 1)), [1, 12]))).toThrow(/embedding_\d+: id 9 at \[0, 7\] is not an integer in \[0, 9\)/);
  });
});
