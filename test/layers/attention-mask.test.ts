// MultiHeadAttention with the padding mask a value carries (SymbolicTensor.mask, as set by
// maskZero / masking): a padded batch gives the same outputs at valid positions, the same input
// gradients and the same weight gradients as its samples run unpadded one by one, alone or with an
// attentionMask and the causal mask; the output carries the query's mask; fully masked rows stay
// finite.
import { describe, expect, test } from 'vitest';
import { Input, io, layers, Model, ops, Tensor, tensor, valueAndGrad, ValueError, type SymbolicTensor } from '../../src/index.js';
import type { MultiHeadAttention } from '../../src/layers/attention.js';
import { expectClose, randomArray } from '../util.js';

const T = 6, F = 5, D = 4;
const LENGTHS = [6, 4, 2];

/** Per position and feature weights of the objective Σ r·y (the same r for padded and unpadded runs). */
const R = randomArray(T * D, 71, -1, 1);

function mha(causal: boolean): MultiHeadAttention {
  return layers.multiHeadAttention({ numHeads: 2, keyDim: 3, outputShape: D, useCausalMask: causal });
}

/** [Tq, Tk] attention mask shared by every sample, with some zeros off the diagonal. */
const ATTEND = Float32Array.from({ length: T * T }, (_, i) => (Math.floor(i / T) === i % T || (i * 5) % 7 !== 0 ? 1 : 0));

function sub(a: Float32Array, rows: number, cols: number, keepRows: number, keepCols: number): Float32Array {
  const out = new Float32Array(keepRows * keepCols);
  for (let i = 0; i < keepRows; i++) for (let j = 0; j < keepCols; j++) out[i * keepCols + j] = a[i * cols + j]!;
  return out;
}

/**
 * Outputs, and value and gradients (x, then every weight) of Σ r·y·valid, for `layer` on x
 * [n, t, F] with the padding mask `keep` [n, t] set on x (when given) and the optional attention
 * mask; `weights` (when given) replace the layer's once it is built.
 */
function run(layer: MultiHeadAttention, x: Tensor, keep: Tensor | undefined, attend: Float32Array | undefined, weights?: Tensor[]) {
  const [n, t] = x.shape as [number, number, number];
  const r = new Tensor(R.slice(0, t * D), [t, D]);
  const m = attend === undefined ? undefined : tensor(Float32Array.from({ length: n * t * t }, (_, i) => sub(attend, T, T, t, t)[i % (t * t)]!), [n, t, t]);
  // The outputs, from a model (which also builds and initialises the layer).
  const xi = Input({ shape: [t, F] });
  const ki = Input({ shape: [t] });
  const mi = Input({ shape: [t, t] });
  if (keep !== undefined) xi.mask = ki;
  const out = layer.apply([xi, xi], m === undefined ? {} : { attentionMask: mi });
  expect(out.mask).toBe(keep === undefined ? undefined : ki);
  const model = new Model({ inputs: [xi, ...(keep === undefined ? [] : [ki]), ...(m === undefined ? [] : [mi])], outputs: out, seed: 5 });
  if (weights !== undefined) layer.setWeights(weights);
  const y = model.predict([x, ...(keep === undefined ? [] : [keep]), ...(m === undefined ? [] : [m])]).data;
  const f = valueAndGrad((xs: SymbolicTensor, valid: SymbolicTensor, am?: SymbolicTensor) => {
    if (keep !== undefined) xs.mask = valid;
    const o = layer.apply([xs, xs], am === undefined ? {} : { attentionMask: am });
    return ops.sum(ops.mul(ops.mul(o, r), ops.expandDims(valid, -1)));
  }, { wrt: [0, ...layer.weights] });
  const valid = keep ?? tensor(new Float32Array(n * t).fill(1), [n, t]);
  return { ...f(x, valid, ...(m === undefined ? [] : [m])), y };
}

describe('MultiHeadAttention with a padding mask on the value', () => {
  for (const causal of [false, true]) {
    for (const withMask of [false, true]) {
      test(`a padded batch matches its samples run one by one (causal ${causal}, attentionMask ${withMask})`, () => {
        const padded = mha(causal);
        const x = randomArray(LENGTHS.length * T * F, 3, -1, 1);
        const keep = Float32Array.from({ length: LENGTHS.length * T }, (_, i) => (i % T < LENGTHS[Math.floor(i / T)]! ? 1 : 0));
        const attend = withMask ? ATTEND : undefined;
        const all = run(padded, tensor(x, [LENGTHS.length, T, F]), tensor(keep, [LENGTHS.length, T]), attend);
        const weightSums = padded.weights.map((w) => new Float32Array(w.size));
        expect(all.grads).toHaveLength(1 + 8);
        LENGTHS.forEach((len, s) => {
          const xs = sub(x.subarray(s * T * F, (s + 1) * T * F), T, F, len, F);
          const one = run(mha(causal), tensor(xs, [1, len, F]), undefined, attend, padded.getWeights());
          const rows = (a: Float32Array, width: number) => sub(a.subarray(s * T * width, (s + 1) * T * width), T, width, len, width);
          expectClose(rows(all.y, D), one.y, `sample ${s} outputs at valid steps`, 1e-5, 1e-6);
          expectClose(rows(all.grads[0]!.data, F), one.grads[0]!.data, `sample ${s} dx at valid steps`, 1e-4, 1e-6);
          const dx = all.grads[0]!.data.subarray(s * T * F, (s + 1) * T * F);
          expect(Array.from(dx.subarray(len * F)).every((v) => v === 0)).toBe(true);
          one.grads.slice(1).forEach((g, i) => g.data.forEach((v, j) => (weightSums[i]![j]! += v)));
        });
        all.grads.slice(1).forEach((g, i) => expectClose(g.data, weightSums[i]!, `d${padded.weights[i]!.name}`, 1e-4, 1e-5));
      });
    }
  }

  test('the output carries the query mask, also in cross-attention with a masked value', () => {
    const q = Input({ shape: [3, F] });
    const v = Input({ shape: [5, F] });
    const qm = Input({ shape: [3] });
    const vm = Input({ shape: [5] });
    q.mask = qm;
    v.mask = vm;
    const out = layers.multiHeadAttention({ numHeads: 1, keyDim: 2 }).apply([q, v]);
    expect(out.mask).toBe(qm);
    expect(out.node.inputs.at(-1)).toBe(vm);
    expect(out.node.dataInputs).toEqual([q, v, v]);
  });

  test('a sample whose keys are all masked gives the output bias, not NaN', () => {
    const layer = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, biasInitializer: 'ones' });
    const x = Input({ shape: [4, F] });
    const keep = Input({ shape: [4] });
    x.mask = keep;
    const model = new Model({ inputs: [x, keep], outputs: layer.apply([x, x]) });
    const y = model.predict([tensor(randomArray(2 * 4 * F, 9), [2, 4, F]), tensor(Float32Array.from([1, 1, 0, 0, 0, 0, 0, 0]), [2, 4])]).data;
    expect(y.every((v) => Number.isFinite(v))).toBe(true);
    expect(Array.from(y.subarray(4 * F))).toEqual(new Array(4 * F).fill(1));
  });

  test('with embedding maskZero and masked pooling: a padded sample gives its unpadded result, also after io.save / io.load', async () => {
    const build = (t: number): Model => {
      const ids = Input({ shape: [t] });
      const e = layers.embedding({ inputDim: 9, outputDim: F, maskZero: true }).apply(ids);
      const att = layers.multiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([e, e]);
      expect(att.mask).toBe(e.mask);
      return new Model({ inputs: ids, outputs: layers.globalAveragePooling1d().apply(att), seed: 8 });
    };
    const padded = build(T);
    const short = build(4);
    short.setWeights(padded.getWeights());
    const want = short.predict(tensor(Float32Array.from([3, 1, 4, 1, 5, 2, 6, 5]), [2, 4])).data;
    const x = tensor(Float32Array.from([3, 1, 4, 1, 0, 0, 5, 2, 6, 5, 0, 0]), [2, T]);
    expectClose(padded.predict(x).data, want, 'padded', 1e-5, 1e-6);
    const again = await io.load(io.save(padded));
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(padded.predict(x).data));
  });

  test('errors: value and key with different masks, a mask of the wrong length', () => {
    const layer = layers.multiHeadAttention({ numHeads: 1, keyDim: 2 });
    const q = Input({ shape: [3, F] });
    const v = Input({ shape: [5, F] });
    const k = Input({ shape: [5, F] });
    v.mask = Input({ shape: [5] });
    k.mask = Input({ shape: [5] });
    expect(() => layer.apply([q, v, k])).toThrow(ValueError);
    expect(() => layer.apply([q, v, k])).toThrow(/value and key carry different masks/);
    const w = Input({ shape: [5, F] });
    w.mask = Input({ shape: [4] });
    expect(() => layer.apply([q, w])).toThrow(/the value's mask must be \[\*, 5\] \(one entry per key step\), got \[\*, 4\]/);
  });
});
