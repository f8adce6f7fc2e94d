// MultiHeadAttention's returnAttentionScores: the second output [*, heads, Tq, Tk] against
// torch.nn.MultiheadAttention's per-head weights (test/fixtures/attention/attention.json), before
// dropout, gradients through it by finite differences, and an io.save / io.load round trip.
import { describe, expect, test } from 'vitest';
import { Input, io, layers, Model, ops, Tensor, tensor, valueAndGrad, ValueError, type SymbolicTensor } from '../../src/index.js';
import { expectClose, randomArray } from '../util.js';
import { attentionFixture, caseInputs } from './attention-fixture.js';

const fixture = attentionFixture;

describe('MultiHeadAttention returnAttentionScores against torch.nn.MultiheadAttention', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    test(`${name}: the scores are torch's per-head attention weights`, () => {
      const layer = layers.multiHeadAttention(c.config as never);
      const tq = c.queryShape[1]!;
      const { inputs, call, mask, values, shapes } = caseInputs(c);
      const xs = values.map((v, i) => tensor(Float32Array.from(v), shapes[i]!));
      const outs = layer.applyAll(call, { returnAttentionScores: true, ...(mask === undefined ? {} : { attentionMask: mask }) });
      const heads = c.config.numHeads as number;
      expect(outs[1]!.shape).toEqual([heads, tq, (c.keyShape ?? c.queryShape)[1]]);
      const model = new Model<Tensor[]>({ inputs, outputs: outs });
      layer.setWeights(c.weights.map((w, i) => new Tensor(Float32Array.from(w), layer.weights[i]!.shape)));
      const [y, scores] = model.predict(xs);
      expectClose(y!.data, c.y, `${name} y`, 1e-4, 1e-5);
      expectClose(scores!.data, c.scores, `${name} scores`, 1e-4, 1e-6);
    });
  }
});

describe('MultiHeadAttention returnAttentionScores', () => {
  const B = 2, T = 3, S = 4, F = 5;

  test('apply returns the output alone; applyAll the output and the scores, rows summing to 1, masked keys 0', () => {
    const layer = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, returnAttentionScores: true });
    const q = Input({ shape: [T, F] });
    const v = Input({ shape: [S, F] });
    const keep = Input({ shape: [S] });
    v.mask = keep;
    const [out, scores] = layer.applyAll([q, v]);
    expect(layer.apply([q, v]).shape).toEqual(out!.shape);
    const model = new Model<Tensor[]>({ inputs: [q, v, keep], outputs: [out!, scores!] });
    const mask = Float32Array.from([1, 1, 0, 1, 1, 0, 0, 0]);
    const [, p] = model.predict([tensor(randomArray(B * T * F, 1), [B, T, F]), tensor(randomArray(B * S * F, 2), [B, S, F]), tensor(mask, [B, S])]);
    expect(p!.shape).toEqual([B, 2, T, S]);
    for (let row = 0; row < B * 2 * T; row++) {
      const b = Math.floor(row / (2 * T));
      const r = p!.data.subarray(row * S, (row + 1) * S);
      expect(r.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 6);
      r.forEach((x, j) => (mask[b * S + j] === 0 ? expect(x).toBe(0) : expect(x).toBeGreaterThan(0)));
    }
  });

  test('the scores come before dropout (training rows still sum to 1)', () => {
    const layer = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, dropout: 0.5 });
    const x = tensor(randomArray(B * T * F, 3), [B, T, F]);
    const f = valueAndGrad((a: SymbolicTensor) => ops.sum(layer.applyAll([a, a], { returnAttentionScores: true })[1]!), { training: true, seed: 4 });
    expect(f(x).value).toBeCloseTo(B * 2 * T, 4);
  });

  test('gradients through the scores and the output match finite differences (input and query kernel)', () => {
    const layer = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, useCausalMask: true, returnAttentionScores: true });
    const xi = Input({ shape: [T, F] });
    new Model({ inputs: xi, outputs: layer.applyAll([xi, xi])[0]!, seed: 6 });
    const rs = new Tensor(randomArray(2 * T * T, 8), [2, T, T]);
    const ry = new Tensor(randomArray(T * F, 9), [T, F]);
    const loss = (a: SymbolicTensor): SymbolicTensor => {
      const [y, p] = layer.applyAll([a, a]);
      return ops.add(ops.sum(ops.mul(ops.square(p!), rs)), ops.sum(ops.mul(y!, ry)));
    };
    const kernel = layer.weights[0]!;
    const f = valueAndGrad(loss, { wrt: [0, kernel] });
    const x = tensor(randomArray(B * T * F, 7), [B, T, F]);
    const { grads: [dx, dKernel] } = f(x);
    const h = 1e-2;
    for (let i = 0; i < x.size; i++) {
      const at = (d: number): number => {
        const v = x.data.slice();
        v[i] = v[i]! + d;
        return f(new Tensor(v, x.shape)).value;
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(dx!.data[i]! - numeric), `dx[${i}] analytic ${dx!.data[i]} numeric ${numeric}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
    }
    const weights = layer.getWeights();
    for (const i of [0, 7, 17, kernel.size - 1]) {
      const at = (d: number): number => {
        const w = weights[0]!.data.slice();
        w[i] = w[i]! + d;
        layer.setWeights([new Tensor(w, kernel.shape), ...weights.slice(1)]);
        return f(x).value;
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(dKernel!.data[i]! - numeric), `dkernel[${i}] analytic ${dKernel!.data[i]} numeric ${numeric}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
    }
    layer.setWeights(weights);
  });

  test('a model with the scores as an output predicts the same after io.save / io.load', async () => {
    const q = Input({ shape: [T, F] });
    const v = Input({ shape: [S, F] });
    const [out, scores] = layers.multiHeadAttention({ numHeads: 2, keyDim: 2 }).applyAll([q, v], { returnAttentionScores: true, useCausalMask: true });
    const model = new Model<Tensor[]>({ inputs: [q, v], outputs: [layers.dense({ units: 2 }).apply(out!), scores!], seed: 3 });
    const xs = [tensor(randomArray(B * T * F, 5), [B, T, F]), tensor(randomArray(B * S * F, 6), [B, S, F])];
    const again = (await io.load(io.save(model as never))) as unknown as Model<Tensor[]>;
    expect(again.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    const a = model.predict(xs);
    const b = again.predict(xs);
    expect(b.map((t) => t.shape)).toEqual([[B, T, 2], [B, 2, T, S]]);
    b.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(a[i]!.data)));
  });

  test('a bad flag names the layer', () => {
    expect(() => layers.multiHeadAttention({ numHeads: 1, keyDim: 2, returnAttentionScores: 'yes' as never })).toThrow(ValueError);
    expect(() => layers.multiHeadAttention({ numHeads: 1, keyDim: 2, returnAttentionScores: 'yes' as never })).toThrow(/multi_head_attention_\d+: returnAttentionScores must be true or false, got yes/);
  });
});
