// layers.multiHeadAttention: PyTorch 1.13 fixtures (test/fixtures/attention/attention.json from
// scripts/fixtures/attention.py: torch.nn.MultiheadAttention with its weights in Keras layout),
// finite differences with and without causal and padding masks, config and io round trips, errors.
import { describe, expect, test } from 'vitest';
import { heap, readF32, writeF32 } from '../../src/backend/memory.js';
import { io, Input, layers, Model, ShapeError, Tensor, tensor, ValueError } from '../../src/index.js';
import { fromConfig } from '../../src/layers/index.js';
import type { MultiHeadAttention } from '../../src/layers/attention.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { Rng } from '../../src/random.js';
import { expectClose, randomArray } from '../util.js';
import { attentionFixture, caseInputs } from './attention-fixture.js';
import { gradCheck } from './gradcheck.js';

const fixture = attentionFixture;

/** Forward (training) and backward of `layer` inside the graph inputs -> output, for dL/dy = dy. */
function run(layer: MultiHeadAttention, inputs: SymbolicTensor[], output: SymbolicTensor, xs: ArrayLike<number>[], batch: number, dy: ArrayLike<number>) {
  const graph = buildGraph(inputs, output, 'attention test');
  const grads = layer.weights.map((w) => heap().alloc(w.size * 4));
  grads.forEach((g, i) => writeF32(g, new Float32Array(layer.weights[i]!.size)));
  const plan = new Plan(graph, batch, 0, new Map(layer.weights.map((w, i) => [w, grads[i]!])), true);
  try {
    xs.forEach((x, i) => writeF32(plan.inputs[i]!.ptr, x));
    const ctx = { training: true, batch, rng: new Rng(1) };
    plan.forward(ctx);
    const n = batch * plan.output.size;
    const y = readF32(plan.output.ptr, n);
    plan.zeroGrads();
    writeF32(plan.output.grad, dy);
    plan.backward(ctx);
    return { y, dxs: xs.map((x, i) => readF32(plan.inputs[i]!.grad, x.length)), dweights: layer.weights.map((w, i) => readF32(grads[i]!, w.size)) };
  } finally {
    plan.free();
    for (const g of grads) heap().free(g);
  }
}

describe('MultiHeadAttention against torch.nn.MultiheadAttention', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    test(`${name}: output, input and weight gradients match`, () => {
      const layer = layers.multiHeadAttention(c.config as never);
      const batch = c.queryShape[0]!;
      const { inputs, call, mask, values: xs } = caseInputs(c);
      const out = layer.apply(call, mask === undefined ? {} : { attentionMask: mask });
      layer.setWeights(c.weights.map((w, i) => new Tensor(Float32Array.from(w), layer.weights[i]!.shape)));
      const r = run(layer, inputs, out, xs, batch, c.dy);
      expectClose(r.y, c.y, `${name} y`, 1e-4, 1e-5);
      expectClose(r.dxs[0]!, c.dquery, `${name} dquery`, 1e-4, 1e-5);
      if (!c.selfAttention) {
        expectClose(r.dxs[1]!, c.dvalue!, `${name} dvalue`, 1e-4, 1e-5);
        expectClose(r.dxs[2]!, c.dkey!, `${name} dkey`, 1e-4, 1e-5);
      }
      r.dweights.forEach((dw, i) => expectClose(dw, c.dweights[i]!, `${name} d${layer.weights[i]!.name}`, 1e-4, 1e-5));
    });
  }

  test('a key mask [*, Tk] gives the same result as the [*, Tq, Tk] mask it broadcasts to', () => {
    const c = fixture.cases.padding_cross!;
    const [batch, tq] = c.queryShape as [number, number, number];
    const tk = c.valueShape![1]!;
    const keyMask = Array.from({ length: batch * tk }, (_, i) => c.mask![Math.floor(i / tk) * tq * tk + (i % tk)]!);
    const layer = layers.multiHeadAttention(c.config as never);
    const [q, v, k, m] = [Input({ shape: c.queryShape.slice(1) }), Input({ shape: c.valueShape!.slice(1) }), Input({ shape: c.keyShape!.slice(1) }), Input({ shape: [tk] })];
    const out = layer.apply([q!, v!, k!], { attentionMask: m });
    layer.setWeights(c.weights.map((w, i) => new Tensor(Float32Array.from(w), layer.weights[i]!.shape)));
    const r = run(layer, [q!, v!, k!, m!], out, [c.query, c.value!, c.key!, keyMask], batch, c.dy);
    expectClose(r.y, c.y, 'key mask y', 1e-4, 1e-5);
    expectClose(r.dxs[2]!, c.dkey!, 'key mask dkey', 1e-4, 1e-5);
  });
});

describe('MultiHeadAttention finite differences', () => {
  const padding = (batch: number, tq: number, tk: number): Float32Array => Float32Array.from({ length: batch * tq * tk }, (_, i) => (Math.floor(i / (tq * tk)) === 1 && i % tk >= 2 ? 0 : (i * 7) % 5 === 0 ? 0 : 1));
  test('cross-attention, distinct key and value widths (inputs and every weight)', () => {
    gradCheck(layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2 }), [[3, 4], [5, 3], [5, 2]]);
  });
  test('causal mask', () => {
    gradCheck(layers.multiHeadAttention({ numHeads: 3, keyDim: 2, useCausalMask: true }), [[4, 5], [4, 3], [4, 3]]);
  });
  test('padding mask [Tq, Tk], no bias, outputShape', () => {
    gradCheck(layers.multiHeadAttention({ numHeads: 2, keyDim: 3, useBias: false, outputShape: 5 }), [[3, 4], [4, 3], [4, 2], [3, 4]], { fixedInputs: { 3: padding(2, 3, 4) } });
  });
  test('causal and padding masks together', () => {
    gradCheck(layers.multiHeadAttention({ numHeads: 2, keyDim: 2, useCausalMask: true }), [[5, 3], [5, 3], [5, 3], [5, 5]], { fixedInputs: { 3: padding(2, 5, 5) } });
  });
  test('dropout on the probabilities (one seeded mask per run)', () => {
    gradCheck(layers.multiHeadAttention({ numHeads: 2, keyDim: 3, dropout: 0.3 }), [[3, 4], [4, 3], [4, 3]]);
  });
});

describe('MultiHeadAttention behaviour', () => {
  test('has Keras weight names and shapes', () => {
    const layer = layers.multiHeadAttention({ numHeads: 4, keyDim: 8, valueDim: 6, outputShape: [10] });
    layer.apply([Input({ shape: [7, 16] }), Input({ shape: [9, 12] }), Input({ shape: [9, 5] })]);
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      ['query/kernel', [16, 4, 8]], ['query/bias', [4, 8]], ['key/kernel', [5, 4, 8]], ['key/bias', [4, 8]],
      ['value/kernel', [12, 4, 6]], ['value/bias', [4, 6]], ['attention_output/kernel', [4, 6, 10]], ['attention_output/bias', [10]],
    ]);
  });

  test('dropout is the identity in inference and changes training outputs', () => {
    const x = Input({ shape: [6, 8] });
    const model = new Model({ inputs: x, outputs: layers.multiHeadAttention({ numHeads: 2, keyDim: 4, dropout: 0.5 }).apply([x, x]), seed: 3 });
    const data = tensor(randomArray(2 * 6 * 8, 4), [2, 6, 8]);
    const a = model.predict(data);
    expect(Array.from(model.predict(data).data)).toEqual(Array.from(a.data));
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = model.getWeights().map((w) => Array.from(w.data));
    model.trainOnBatch(data, tensor(new Float32Array(2 * 6 * 8), [2, 6, 8]));
    expect(model.getWeights().map((w) => Array.from(w.data))).not.toEqual(before);
  });

  test('config round-trips through fromConfig', () => {
    const layer = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 5, dropout: 0.1, useBias: false, outputShape: 7, useCausalMask: true, kernelInitializer: 'heNormal' });
    const shapes = [[4, 6], [5, 6]];
    layer.apply(shapes.map((shape) => Input({ shape })));
    const again = fromConfig('MultiHeadAttention', JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>);
    expect(again.getConfig()).toEqual(layer.getConfig());
    expect(again.apply(shapes.map((shape) => Input({ shape }))).shape).toEqual([4, 7]);
  });

  test('a model with a mask input and a causal mask predicts the same after io.save / io.load', async () => {
    const x = Input({ shape: [5, 8] });
    const m = Input({ shape: [5, 5] });
    const att = layers.multiHeadAttention({ numHeads: 2, keyDim: 4 }).apply([x, x], { attentionMask: m, useCausalMask: true });
    const y = layers.dense({ units: 3 }).apply(layers.add().apply([x, att]));
    const model = new Model({ inputs: [x, m], outputs: y, seed: 9 });
    const xs = [tensor(randomArray(3 * 5 * 8, 2), [3, 5, 8]), tensor(Float32Array.from({ length: 75 }, (_, i) => (i % 5 < 4 ? 1 : 0)), [3, 5, 5])];
    const again = await io.load(io.save(model));
    expect(again.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(Array.from(again.predict(xs).data)).toEqual(Array.from(model.predict(xs).data));
  });

  test('the causal mask hides the future: output i does not change when inputs after i do', () => {
    const x = Input({ shape: [4, 6] });
    const model = new Model({ inputs: x, outputs: layers.multiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([x, x], { useCausalMask: true }), seed: 1 });
    const a = randomArray(24, 5);
    const b = Float32Array.from(a, (v, i) => (i >= 12 ? v + 1 : v));
    const ya = model.predict(tensor(a, [1, 4, 6])).data;
    const yb = model.predict(tensor(b, [1, 4, 6])).data;
    expect(Array.from(yb.slice(0, 12))).toEqual(Array.from(ya.slice(0, 12)));
    expect(Array.from(yb.slice(12))).not.toEqual(Array.from(ya.slice(12)));
  });
  test('a key padding mask hides padded steps: real positions ignore what the padding holds', () => {
    const x = Input({ shape: [6, 8] });
    const keep = Input({ shape: [6] });
    const model = new Model({ inputs: [x, keep], outputs: layers.multiHeadAttention({ numHeads: 2, keyDim: 4 }).apply([x, x], { attentionMask: keep }), seed: 4 });
    const mask = tensor(Float32Array.from([1, 1, 1, 1, 0, 0]), [1, 6]);
    const a = randomArray(48, 8);
    const b = Float32Array.from(a, (v, i) => (i >= 32 ? v * 3 - 1 : v));
    const ya = model.predict([tensor(a, [1, 6, 8]), mask]).data;
    const yb = model.predict([tensor(b, [1, 6, 8]), mask]).data;
    expectClose(yb.slice(0, 32), ya.slice(0, 32), 'real positions', 1e-6, 1e-7);
  });
});

describe('MultiHeadAttention errors', () => {
  test('bad options name the layer and the option', () => {
    expect(() => layers.multiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow(/multi_head_attention_\d+: numHeads must be a positive integer/);
    expect(() => layers.multiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 1 })).toThrow(/dropout must be a number in \[0, 1\), got 1/);
    expect(() => layers.multiHeadAttention({ numHeads: 2, keyDim: 2, outputShape: [3, 4] as never })).toThrow(/outputShape must be a positive integer or \[integer\]/);
    expect(() => layers.multiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [1] } as never)).toThrow(/unknown option 'attentionAxes'/);
  });

  test('bad inputs name what was expected and what was received', () => {
    const layer = layers.multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const q = Input({ shape: [4, 6] });
    expect(() => layer.apply(q)).toThrow(ValueError);
    expect(() => layer.apply(q)).toThrow(/expects \[query, value\] or \[query, value, key\]/);
    expect(() => layer.apply([Input({ shape: [6] }), q])).toThrow(/expected query of rank 3 \[batch, time, features\], got \[\*, 6\]/);
    expect(() => layer.apply([q, Input({ shape: [5, 6] }), Input({ shape: [3, 6] })])).toThrow(/key and value must have the same number of steps/);
    expect(() => layer.apply([q, q], { attentionMask: Input({ shape: [4, 3] }) })).toThrow(ShapeError);
    expect(() => layer.apply([q, q], { attentionMask: Input({ shape: [4, 3] }) })).toThrow(/attentionMask must be \[\*, 4, 4\] \(queries, keys\) or \[\*, 4\], got \[\*, 4, 3\]/);
    expect(() => layer.apply([q, q], { returnAttentionScores: 1 as never })).toThrow(/returnAttentionScores must be true or false, got 1/);
    expect(() => layer.apply([q, q], { scores: true } as never)).toThrow(/unknown option scores/);
    layer.apply([q, q]);
    expect(() => layer.apply([Input({ shape: [4, 5] }), Input({ shape: [4, 5] })])).toThrow(/was built for/);
    expect(() => layer.apply([q, q], { useCausalMask: true })).toThrow(/cannot change it between calls/);
    expect(() => layer.apply([q, q], { returnAttentionScores: true })).toThrow(/was called with returnAttentionScores false; a shared layer cannot change it between calls/);
    expect(() => layer.setWeights(layer.getWeights().slice(1))).toThrow(/expected 8 tensors/);
  });
});
