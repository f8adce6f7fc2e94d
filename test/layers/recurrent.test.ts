import { describe, expect, test } from 'vitest';
import { io, layers, Input, Model, Sequential, tensor, Tensor, ShapeError, ValueError } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import { fromConfig } from '../../src/layers/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';
import { gruCell, lstmCell, rnnCell, runCell, type Cell } from '../reference/recurrent.js';

/** Runs a reference cell over [batch, T, F]; returns every state [batch, T, u]. */
function reference(cell: Cell, x: Float32Array, batch: number, T: number, F: number, u: number, w: Float32Array[]): Float64Array {
  return runCell(cell, x, batch, T, F, u, w);
}

const B = 2, T = 3, F = 3, U = 5;

const cases: Array<[string, (c: Record<string, unknown>) => Layer, Cell, number]> = [
  ['SimpleRNN', (c) => layers.simpleRnn({ units: U, ...c }), rnnCell, 1],
  ['LSTM', (c) => layers.lstm({ units: U, ...c }), lstmCell, 4],
  ['GRU', (c) => layers.gru({ units: U, ...c }), gruCell, 3],
];

describe.each(cases)('%s', (name, make, cell, gates) => {
  test('output shapes with and without returnSequences; Keras weight layout', () => {
    const a = make({});
    expect(a.apply(Input({ shape: [T, F] })).shape).toEqual([U]);
    const s = make({ returnSequences: true });
    expect(s.apply(Input({ shape: [7, F] })).shape).toEqual([7, U]);
    expect(a.weights.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [F, gates * U]],
      ['recurrent_kernel', [U, gates * U]],
      ['bias', name === 'GRU' ? [2, gates * U] : [gates * U]],
    ]);
    const noBias = make({ useBias: false });
    noBias.apply(Input({ shape: [T, F] }));
    expect(noBias.weights.map((w) => w.name)).toEqual(['kernel', 'recurrent_kernel']);
  });

  test('matches an f64 reference forward with random (Keras-layout) weights, both output modes', () => {
    for (const returnSequences of [false, true]) {
      const layer = make({ returnSequences, inputShape: [T, F] });
      const model = new Sequential([layer], { seed: 2 });
      const w = layer.weights.map((wt, i) => tensor(randomArray(wt.size, 40 + i, -0.6, 0.6), wt.shape));
      layer.setWeights(w);
      const x = randomArray(B * T * F, 3, -1, 1);
      const y = model.predict(tensor(x, [B, T, F]));
      const all = reference(cell, x, B, T, F, U, w.map((t) => t.data));
      const want = returnSequences ? all : Float64Array.from({ length: B * U }, (_, k) => all[(Math.floor(k / U) * T + T - 1) * U + (k % U)]!);
      expect(y.shape).toEqual(returnSequences ? [B, T, U] : [B, U]);
      expectClose(y.data, want, `${name} forward (returnSequences ${returnSequences})`, 1e-4, 1e-5);
    }
  });

  test('matches finite differences (input and every weight), both output modes', () => {
    gradCheck(make({}), [[T, F]], { batch: B, rtol: 3e-2, atol: 3e-3 });
    gradCheck(make({ returnSequences: true }), [[T, F]], { batch: B, rtol: 3e-2, atol: 3e-3 });
    // No bias, another activation, batch 3 of a longer sequence.
    gradCheck(make({ useBias: false, activation: 'softsign', returnSequences: true }), [[5, 2]], { batch: 3, rtol: 3e-2, atol: 3e-3 });
  });

  test('round-trips its config and saves/loads through io', async () => {
    const layer = make({ returnSequences: true, name: `${name}_cfg` });
    const cfg = layer.getConfig();
    expect(cfg).toMatchObject({ units: U, returnSequences: true, name: `${name}_cfg`, trainable: true });
    expect(fromConfig(name, cfg).getConfig()).toEqual(cfg);
    const model = new Sequential([make({ returnSequences: true, inputShape: [T, F] }), make({}), layers.dense({ units: 2 })], { seed: 5 });
    const again = await io.load(io.save(model));
    expect(again.layers.map((l) => l.className)).toEqual([name, name, 'Dense']);
    const x = tensor(randomArray(B * T * F, 9), [B, T, F]);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  test('rejects input that is not [batch, time, features], naming the layer and the shape', () => {
    expect(() => make({ name: 'rec_bad' }).apply(Input({ shape: [4] }))).toThrow(ShapeError);
    expect(() => make({ name: 'rec_bad2' }).apply(Input({ shape: [2, 3, 4] }))).toThrow(/rec_bad2: expected input of rank 3 \(\[batch, time, features\]\), got \[\*, 2, 3, 4\]/);
    expect(() => make({ units: 0 })).toThrow(/units must be a positive integer/);
    expect(() => make({ unknownOption: 1 })).toThrow(/unknown option 'unknownOption'/);
  });
});

describe('recurrent specifics', () => {
  test('LSTM initialises the forget-gate bias to 1 (unitForgetBias) unless disabled', () => {
    const a = layers.lstm({ units: 3, inputShape: [2, 2] });
    new Sequential([a], { seed: 1 });
    expect(Array.from(a.getWeights()[2]!.data)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const b = layers.lstm({ units: 3, unitForgetBias: false, inputShape: [2, 2] });
    new Sequential([b], { seed: 1 });
    expect(Array.from(b.getWeights()[2]!.data)).toEqual(new Array(12).fill(0));
  });

  test('GRU rejects a resetAfter that is not a boolean with a clear error', () => {
    expect(() => layers.gru({ units: 2, resetAfter: 'no' as never, name: 'gru_ra' })).toThrow(ValueError);
    expect(() => layers.gru({ units: 2, resetAfter: 0 as never, name: 'gru_ra' })).toThrow(/gru_ra: resetAfter must be a boolean, got 0/);
  });

  test('rejects row-wise activations (softmax) with a clear error', () => {
    expect(() => layers.lstm({ units: 2, activation: 'softmax', name: 'lstm_sm' })).toThrow(/lstm_sm: activation 'softmax' works over rows, not elementwise/);
    expect(() => layers.simpleRnn({ units: 2, activation: 'logSoftmax', name: 'rnn_sm' })).toThrow(ValueError);
  });

  test.each(['simpleRnn', 'lstm', 'gru'] as const)('%s learns "is the first element positive" in a few epochs', async (kind) => {
    const n = 64, steps = 5;
    const xs = randomArray(n * steps, 11, -1, 1);
    const ys = new Float32Array(n);
    for (let i = 0; i < n; i++) ys[i] = xs[i * steps]! > 0 ? 1 : 0;
    const model = new Sequential([layers[kind]({ units: 8, inputShape: [steps, 1] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.03 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = tensor(xs, [n, steps, 1]), y = tensor(ys, [n, 1]);
    const h = await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0, seed: 1 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]!).toBeLessThan(0.5 * loss[0]!);
    const acc = h.history.accuracy as number[];
    expect(acc[acc.length - 1]!).toBeGreaterThan(0.9);
  });

  test('a functional model of an LSTM over a GRU trains with no NaN', async () => {
    const input = Input({ shape: [4, 2] });
    const out = layers.dense({ units: 1 }).apply(layers.lstm({ units: 3 }).apply(layers.gru({ units: 4, returnSequences: true }).apply(input)));
    const model = new Model({ inputs: input, outputs: out, seed: 8 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const x = tensor(randomArray(24 * 8, 2), [24, 4, 2]);
    const y = new Tensor(randomArray(24, 4), [24, 1]);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 5, verbose: 0 });
    expect((h.history.loss as number[]).every(Number.isFinite)).toBe(true);
  });
});
