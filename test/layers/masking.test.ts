// Masking (issue 12): `embedding({ maskZero })` and `layers.masking` make a mask that recurrent
// layers, bidirectional, global pooling and the loss honour. The contract test: a padded batch
// gives the same per-sample outputs, losses and gradients as the same samples run unpadded.
import { describe, expect, test } from 'vitest';
import { layers, Input, Model, io, ops, optimizers, tensor, Tensor, valueAndGrad, type SymbolicTensor } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';

const VOCAB = 7, D = 4, U = 5, T = 6;
/** Two sequences of ids (1..VOCAB-1) of lengths 3 and 5, and the same padded to T with 0. */
const SEQS = [
  [3, 1, 6],
  [2, 5, 4, 4, 1],
];
function padded(where: 'post' | 'pre'): Tensor {
  const data = new Float32Array(SEQS.length * T);
  SEQS.forEach((s, i) => s.forEach((id, t) => (data[i * T + (where === 'post' ? t : T - s.length + t)] = id)));
  return tensor(data, [SEQS.length, T]);
}

type Recurrent = (c: Record<string, unknown>) => Layer;
/** Fresh layers of one kind (every call makes new ones: layers are built for one sequence length). */
const RECURRENT: Record<string, (seq?: boolean) => Layer> = {
  simpleRnn: (seq) => (layers.simpleRnn as unknown as Recurrent)({ units: U, returnSequences: seq }),
  gru: (seq) => (layers.gru as unknown as Recurrent)({ units: U, returnSequences: seq }),
  lstm: (seq) => (layers.lstm as unknown as Recurrent)({ units: U, returnSequences: seq }),
  lstmBackwards: (seq) => (layers.lstm as unknown as Recurrent)({ units: U, goBackwards: true, returnSequences: seq }),
  bidirectionalGru: (seq) => layers.bidirectional((layers.gru as unknown as Recurrent)({ units: U, returnSequences: seq })),
};

/** Embedding -> recurrent -> dense for sequences of `steps` ids; with `seq`, a per-step softmax tagger, compiled. */
function build(kind: string, steps: number, options: { maskZero?: boolean; seq?: boolean } = {}): Model {
  const x = Input({ shape: [steps] });
  const e = layers.embedding({ inputDim: VOCAB, outputDim: D, maskZero: options.maskZero ?? true }).apply(x);
  const r = RECURRENT[kind]!(options.seq).apply(e);
  const y = layers.dense(options.seq === true ? { units: 3, activation: 'softmax' } : { units: 2 }).apply(r);
  const model = new Model({ inputs: x, outputs: y, seed: 1 });
  if (options.seq === true) model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** `model` for each sample alone (its own length, the weights of `model`). */
function alone(kind: string, model: Model, options: { maskZero?: boolean; seq?: boolean } = {}): Model[] {
  return SEQS.map((s) => {
    const m = build(kind, s.length, options);
    m.setWeights(model.getWeights());
    return m;
  });
}
const sample = (i: number): Tensor => tensor(Float32Array.from(SEQS[i]!), [1, SEQS[i]!.length]);

describe.each(Object.keys(RECURRENT))('%s with a mask', (kind) => {
  test.each(['post', 'pre'] as const)('a %s-padded batch gives the outputs of the samples run unpadded', (where) => {
    const model = build(kind, T);
    const batch = model.predict(padded(where));
    alone(kind, model).forEach((m, i) => {
      const y = m.predict(sample(i));
      for (let j = 0; j < 2; j++) expect(batch.data[i * 2 + j]).toBe(y.data[j]);
    });
  });

  test('without maskZero the padding changes the outputs (the test above can fail)', () => {
    const model = build(kind, T, { maskZero: false });
    const batch = model.predict(padded('post'));
    const y = alone(kind, model, { maskZero: false })[0]!.predict(sample(0));
    expect(Math.abs(batch.data[0]! - y.data[0]!) + Math.abs(batch.data[1]! - y.data[1]!)).toBeGreaterThan(1e-6);
  });
});

const TAGS = SEQS.map((s) => s.map((id) => id % 3));
function paddedTags(): Tensor {
  const data = new Float32Array(SEQS.length * T);
  TAGS.forEach((s, i) => s.forEach((v, t) => (data[i * T + t] = v)));
  return tensor(data, [SEQS.length, T]);
}

// goBackwards with returnSequences gives its steps in processing order but keeps the mask in time
// order (as Keras), so a per-step loss on it does not line up with the unpadded run.
describe.each(Object.keys(RECURRENT).filter((k) => k !== 'lstmBackwards'))('%s: masked loss', (kind) => {
  test('loss and one SGD step on a padded batch equal the token-weighted unpadded ones', () => {
    const model = build(kind, T, { seq: true });
    const start = model.getWeights();
    const lossOf = (m: Model, x: Tensor, y: Tensor): number => (m.evaluate(x, y) as { loss: number }).loss;
    const batchLoss = lossOf(model, padded('post'), paddedTags());
    const tokens = SEQS.reduce((n, s) => n + s.length, 0);
    const deltas: Tensor[][] = [];
    let expected = 0;
    alone(kind, model, { seq: true }).forEach((m, i) => {
      const n = SEQS[i]!.length, y = tensor(Float32Array.from(TAGS[i]!), [1, n]);
      expected += (lossOf(m, sample(i), y) * n) / tokens;
      m.trainOnBatch(sample(i), y);
      deltas.push(m.getWeights().map((w, k) => new Tensor(w.data.map((v, j) => v - start[k]!.data[j]!), w.shape)));
    });
    expect(batchLoss).toBeCloseTo(expected, 5);
    model.trainOnBatch(padded('post'), paddedTags());
    model.getWeights().forEach((w, k) => {
      for (let j = 0; j < w.size; j++) {
        const delta = SEQS.reduce((sum, s, i) => sum + (deltas[i]![k]!.data[j]! * s.length) / tokens, 0);
        expect(w.data[j]! - start[k]!.data[j]!).toBeCloseTo(delta, 5);
      }
    });
  });
});

describe('masking layer', () => {
  test('steps whose features all equal maskValue are zeroed and skipped by an LSTM', () => {
    const F = 3, value = -1;
    const rows = [
      [0.5, -1, 2],
      [-1, -1, -1],
      [1, 0, -0.5],
    ];
    const x = tensor(Float32Array.from(rows.flat()), [1, 3, F]);
    const input = Input({ shape: [3, F] });
    const maskingLayer = layers.masking({ maskValue: value });
    const [masked, mask] = maskingLayer.applyAll(input);
    expect(masked!.mask).toBe(mask);
    const lstm = layers.lstm({ units: U });
    const probe = new Model<Tensor[]>({ inputs: input, outputs: [masked!, mask!, lstm.apply(masked!)], seed: 2 });
    const lstm2 = layers.lstm({ units: U });
    const [y, m, h] = probe.predict(x);
    expect(Array.from(m!.data)).toEqual([1, 0, 1]);
    expect(Array.from(y!.data)).toEqual([0.5, -1, 2, 0, 0, 0, 1, 0, -0.5]);
    // The same two real steps without the padded one.
    const input2 = Input({ shape: [2, F] });
    const short = new Model({ inputs: input2, outputs: lstm2.apply(input2) });
    lstm2.setWeights(lstm.getWeights());
    const h2 = short.predict(tensor(Float32Array.from([...rows[0]!, ...rows[2]!]), [1, 2, F]));
    expect(Array.from(h!.data)).toEqual(Array.from(h2.data));
  });

  test('the input gradient is zero at masked steps', () => {
    const input = Input({ shape: [2, 2] });
    const model = new Model({ inputs: input, outputs: layers.globalAveragePooling1d().apply(layers.masking().apply(input)) });
    const f = valueAndGrad((a: SymbolicTensor) => ops.sum(model.apply(a)));
    const { value, grads: [g] } = f(tensor([1, 2, 0, 0], [1, 2, 2]));
    expect(value).toBe(3); // the mean over the one real step
    expect(Array.from(g!.data)).toEqual([1, 1, 0, 0]);
    // Max pooling: the gradient goes to the largest unmasked value of each channel.
    const maxModel = new Model({ inputs: input, outputs: layers.globalMaxPooling1d().apply(layers.masking().apply(input)) });
    const fm = valueAndGrad((a: SymbolicTensor) => ops.sum(maxModel.apply(a)));
    const r = fm(tensor([0, 0, 1, -2], [1, 2, 2]));
    expect(r.value).toBe(-1);
    expect(Array.from(r.grads[0]!.data)).toEqual([0, 0, 1, 1]);
  });

  test('rejects bad options and inputs', () => {
    expect(() => layers.masking({ maskValue: Number.NaN })).toThrow(/masking.*maskValue must be a finite number/);
    expect(() => layers.masking().apply(Input({ shape: [4] }))).toThrow(/masking/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, maskZero: 1 as unknown as boolean })).toThrow(/maskZero must be true or false/);
  });
});

describe('global pooling with a mask', () => {
  test.each(['globalAveragePooling1d', 'globalMaxPooling1d'] as const)('%s ignores masked steps', (kind) => {
    const pooled = (steps: number): Model => {
      const x = Input({ shape: [steps] });
      return new Model({ inputs: x, outputs: layers[kind]().apply(layers.embedding({ inputDim: VOCAB, outputDim: D, maskZero: true }).apply(x)), seed: 4 });
    };
    const model = pooled(T);
    const batch = model.predict(padded('pre'));
    SEQS.forEach((s, i) => {
      const m = pooled(s.length);
      m.setWeights(model.getWeights());
      const y = m.predict(sample(i));
      for (let j = 0; j < D; j++) expect(batch.data[i * D + j]).toBe(y.data[j]);
    });
    // A sample of padding only pools to zeros.
    expect(Array.from(model.predict(tensor(new Float32Array(T), [1, T])).data)).toEqual([0, 0, 0, 0]);
  });
});

describe('mask flow', () => {
  test('layers that keep the time axis pass the mask on; others drop it; a recurrent layer without returnSequences ends it', () => {
    const x = Input({ shape: [T] });
    const e = layers.embedding({ inputDim: VOCAB, outputDim: D, maskZero: true }).apply(x);
    const d = layers.dropout({ rate: 0.1 }).apply(layers.dense({ units: 3 }).apply(e));
    expect(d.mask).toBe(e.mask);
    expect(layers.flatten().apply(d).mask).toBeUndefined();
    expect(layers.lstm({ units: 2 }).apply(d).mask).toBeUndefined();
    expect(layers.lstm({ units: 2, returnSequences: true }).apply(d).mask).toBe(e.mask);
    expect(layers.add().apply([d, layers.dense({ units: 3 }).apply(e)]).mask).toBe(e.mask);
  });

  test('a mask of the wrong length and joining masked sequences in time are refused', () => {
    const x = Input({ shape: [T] });
    const e = layers.embedding({ inputDim: VOCAB, outputDim: D, maskZero: true }).apply(x);
    expect(() => layers.concatenate({ axis: 1 }).apply([e, e])).toThrow(/concatenate.*cannot join masked sequences along their time axis/);
    const other = layers.embedding({ inputDim: VOCAB, outputDim: D, maskZero: true }).apply(x);
    expect(() => layers.add().apply([e, other])).toThrow(/add.*different masks/);
    const wrong = Input({ shape: [T + 1] });
    const reshaped = layers.dense({ units: D }).apply(Input({ shape: [T, D] }));
    (reshaped as { mask: SymbolicTensor | undefined }).mask = wrong;
    expect(() => layers.lstm({ units: 2 }).apply(reshaped)).toThrow(/lstm.*mask of its input must be \[\*, 6\]/);
  });

  test('a saved masked model loads with its mask and predicts the same', async () => {
    const model = build('gru', T, { seq: true });
    const x = padded('post');
    const before = model.predict(x);
    const loaded = await io.load(io.save(model));
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(before.data));
  });

  test('fit trains a masked tagger, and classWeight with a masked output is refused', async () => {
    const model = build('lstm', T, { seq: true });
    const h = await model.fit(padded('post'), paddedTags(), { epochs: 60, batchSize: 2, verbose: 0 });
    expect(h.history.accuracy!.at(-1)).toBe(1);
    await expect(model.fit(padded('post'), paddedTags(), { epochs: 1, verbose: 0, classWeight: { 0: 2 } })).rejects.toThrow(/classWeight cannot weigh the output .* carries a mask/);
  });
});
