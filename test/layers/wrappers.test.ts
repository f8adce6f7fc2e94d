// layers.bidirectional and layers.timeDistributed: outputs against references, finite
// differences, config round-trips, save/load and errors.
import { describe, expect, test } from 'vitest';
import { io, layers, Input, Model, Sequential, tensor, ShapeError, ValueError } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import { fromConfig } from '../../src/layers/index.js';
import type { Layer, SymbolicTensor } from '../../src/layers/layer.js';
import { Layer as CustomLayer } from '../../src/layers/custom.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';
import { gruCell, lastStep, lstmCell, rnnCell, runCell, type Cell } from '../reference/recurrent.js';

const B = 2, T = 4, F = 3, U = 3;
const tol = { rtol: 3e-2, atol: 3e-3 };
type Kind = 'simpleRnn' | 'lstm' | 'gru';
const CELLS: Record<Kind, Cell> = { simpleRnn: rnnCell, lstm: lstmCell, gru: gruCell };
const MODES = ['concat', 'sum', 'mul', 'ave'] as const;

/** The merged reference output of a bidirectional layer: [B, T or 1, 2U or U]. */
function bidirectionalReference(cell: Cell, x: Float32Array, w: Float32Array[], mode: (typeof MODES)[number], returnSequences: boolean): number[] {
  const half = w.length / 2;
  let f: Float64Array = runCell(cell, x, B, T, F, U, w.slice(0, half));
  let b: Float64Array = runCell(cell, x, B, T, F, U, w.slice(half), { goBackwards: true });
  const steps = returnSequences ? T : 1;
  if (!returnSequences) {
    f = lastStep(f, B, T, U);
    b = lastStep(b, B, T, U);
  }
  const out: number[] = [];
  for (let i = 0; i < B; i++) {
    for (let t = 0; t < steps; t++) {
      const fr = Array.from(f.subarray((i * steps + t) * U, (i * steps + t + 1) * U));
      const tb = returnSequences ? T - 1 - t : 0; // backward output in input-time order
      const br = Array.from(b.subarray((i * steps + tb) * U, (i * steps + tb + 1) * U));
      if (mode === 'concat') out.push(...fr, ...br);
      else out.push(...fr.map((v, j) => (mode === 'sum' ? v + br[j]! : mode === 'mul' ? v * br[j]! : 0.5 * (v + br[j]!))));
    }
  }
  return out;
}

describe.each(['simpleRnn', 'lstm', 'gru'] as const)('Bidirectional(%s)', (kind) => {
  test.each(MODES)('mergeMode %s: shapes, Keras weight order and the reference output', (mode) => {
    for (const returnSequences of [true, false]) {
      const layer = layers.bidirectional(layers[kind]({ units: U, returnSequences }), { mergeMode: mode, inputShape: [T, F] });
      const model = new Sequential([layer], { seed: 1 });
      const width = mode === 'concat' ? 2 * U : U;
      expect(layer.apply(Input({ shape: [T, F] })).shape).toEqual(returnSequences ? [T, width] : [width]);
      const names = layer.weights.map((w) => w.name);
      expect(names.slice(0, names.length / 2).every((n) => n.startsWith('forward/'))).toBe(true);
      expect(names.slice(names.length / 2).every((n) => n.startsWith('backward/'))).toBe(true);
      const w = layer.weights.map((wt, i) => randomArray(wt.size, 70 + i, -0.6, 0.6));
      layer.setWeights(w.map((d, i) => tensor(d, layer.weights[i]!.shape)));
      const x = randomArray(B * T * F, 5);
      expectClose(model.predict(tensor(x, [B, T, F])).data, bidirectionalReference(CELLS[kind], x, w, mode, returnSequences), `bidirectional ${kind} ${mode}`, 1e-4, 1e-5);
    }
  });

  test.each(MODES)('mergeMode %s matches finite differences (input and both directions\' weights)', (mode) => {
    gradCheck(layers.bidirectional(layers[kind]({ units: U, returnSequences: true }), { mergeMode: mode }), [[T, F]], { batch: B, ...tol });
  });

  test('last-step output and dropout in training match finite differences', () => {
    gradCheck(layers.bidirectional(layers[kind]({ units: U, dropout: 0.3, recurrentDropout: 0.3 })), [[T, F]], { batch: B, ...tol });
  });
});

describe('Bidirectional', () => {
  test('round-trips its config with the wrapped layer\'s config; save/load keeps the outputs', async () => {
    const layer = layers.bidirectional(layers.lstm({ units: 2, returnSequences: true, name: 'inner_lstm' }), { mergeMode: 'sum', name: 'bi_cfg' });
    const cfg = layer.getConfig();
    expect(cfg).toMatchObject({ mergeMode: 'sum', name: 'bi_cfg', layer: { className: 'LSTM', config: { units: 2, returnSequences: true, name: 'inner_lstm' } } });
    expect(fromConfig('Bidirectional', JSON.parse(JSON.stringify(cfg)) as Record<string, unknown>).getConfig()).toEqual(cfg);
    const model = new Sequential([layers.bidirectional(layers.gru({ units: 3, returnSequences: true, inputShape: [T, F] })), layers.bidirectional(layers.lstm({ units: 2 }), { mergeMode: 'ave' }), layers.dense({ units: 1 })], { seed: 3 });
    const again = await io.load(io.save(model));
    expect(again.layers.map((l) => l.className)).toEqual(['Bidirectional', 'Bidirectional', 'Dense']);
    const x = tensor(randomArray(B * T * F, 9), [B, T, F]);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  test('a bidirectional GRU classifier trains in a functional model', async () => {
    const input = Input({ shape: [5, 1] });
    const out = layers.dense({ units: 1, activation: 'sigmoid' }).apply(layers.bidirectional(layers.gru({ units: 6 })).apply(input));
    const model = new Model({ inputs: input, outputs: out, seed: 4 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.03 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const n = 64, xs = randomArray(n * 5, 21), ys = new Float32Array(n);
    for (let i = 0; i < n; i++) ys[i] = xs[i * 5 + 4]! > 0 ? 1 : 0; // the last element: easy for the backward direction
    const h = await model.fit(tensor(xs, [n, 5, 1]), tensor(ys, [n, 1]), { epochs: 25, batchSize: 16, verbose: 0, seed: 1 });
    const acc = h.history.accuracy as number[];
    expect(acc[acc.length - 1]!).toBeGreaterThan(0.9);
  });

  test('rejects what it cannot wrap, with clear errors', () => {
    expect(() => layers.bidirectional(layers.dense({ units: 2 }), { name: 'bi_d' })).toThrow(/bi_d: expected a recurrent layer \(layers.simpleRnn, layers.lstm, layers.gru\), got Dense/);
    expect(() => layers.bidirectional(layers.lstm({ units: 2 }), { mergeMode: 'max' as never, name: 'bi_m' })).toThrow(/bi_m: mergeMode must be one of concat, sum, mul, ave, got "max"/);
    const built = layers.lstm({ units: 2 });
    built.apply(Input({ shape: [T, F] }));
    expect(() => layers.bidirectional(built, { name: 'bi_b' })).toThrow(/bi_b: .* is already built/);
    expect(() => layers.bidirectional(layers.gru({ units: 2, stateful: true, batchInputShape: [2, T, F] }), { name: 'bi_s' })).toThrow(ValueError);
    expect(() => layers.bidirectional(layers.gru({ units: 2 })).apply(Input({ shape: [F] }))).toThrow(ShapeError);
  });
});

describe('TimeDistributed', () => {
  test('Dense with its activation on every step equals Dense on each step', () => {
    const dense = layers.dense({ units: 4, activation: 'relu' });
    const td = layers.timeDistributed(dense, { inputShape: [T, F] });
    const model = new Sequential([td], { seed: 2 });
    const [W, b] = td.getWeights();
    const x = randomArray(B * T * F, 6);
    const y = model.predict(tensor(x, [B, T, F]));
    expect(y.shape).toEqual([B, T, 4]);
    const want: number[] = [];
    for (let r = 0; r < B * T; r++) for (let j = 0; j < 4; j++) {
      let s = b!.data[j]!;
      for (let k = 0; k < F; k++) s += x[r * F + k]! * W!.data[k * 4 + j]!;
      want.push(Math.max(0, s));
    }
    expectClose(y.data, want, 'timeDistributed(dense)', 1e-5, 1e-6);
  });

  test('Conv2D on every frame equals Conv2D on the frames as a batch', () => {
    const conv = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' });
    const td = layers.timeDistributed(conv, { inputShape: [3, 5, 5, 2] });
    const model = new Sequential([td], { seed: 3 });
    const x = randomArray(B * 3 * 50, 7);
    const y = model.predict(tensor(x, [B, 3, 5, 5, 2]));
    expect(y.shape).toEqual([B, 3, 5, 5, 2]);
    const single = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [5, 5, 2] });
    const ref = new Sequential([single], { seed: 9 });
    single.setWeights(td.getWeights());
    expect(Array.from(y.data)).toEqual(Array.from(ref.predict(tensor(x, [B * 3, 5, 5, 2])).data));
  });

  test('matches finite differences (Dense with an activation, Conv2D, an LSTM per step)', () => {
    gradCheck(layers.timeDistributed(layers.dense({ units: 3, activation: 'tanh' })), [[T, F]], { batch: B, ...tol });
    gradCheck(layers.timeDistributed(layers.conv2d({ filters: 2, kernelSize: 2 })), [[2, 3, 3, 2]], { batch: B, ...tol });
    gradCheck(layers.timeDistributed(layers.lstm({ units: 2 })), [[2, 3, 2]], { batch: B, ...tol });
  });

  test('round-trips its config; save/load keeps the outputs', async () => {
    const td = layers.timeDistributed(layers.dense({ units: 2, name: 'td_inner' }), { name: 'td_cfg' });
    const cfg = td.getConfig();
    expect(cfg).toMatchObject({ name: 'td_cfg', layer: { className: 'Dense', config: { units: 2, name: 'td_inner' } } });
    expect(fromConfig('TimeDistributed', JSON.parse(JSON.stringify(cfg)) as Record<string, unknown>).getConfig()).toEqual(cfg);
    const model = new Sequential([layers.lstm({ units: 3, returnSequences: true, inputShape: [T, F] }), layers.timeDistributed(layers.dense({ units: 2, activation: 'softmax' }))], { seed: 5 });
    const again = await io.load(io.save(model));
    const x = tensor(randomArray(B * T * F, 8), [B, T, F]);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  test('rejects what it cannot wrap and inputs without a time axis, with clear errors', () => {
    expect(() => layers.timeDistributed(layers.add(), { name: 'td_add' })).toThrow(/td_add: the wrapped layer must take exactly 1 input/);
    expect(() => layers.timeDistributed(layers.lstm({ units: 2, stateful: true, batchInputShape: [2, 3, 2] }), { name: 'td_sf' })).toThrow(/td_sf: .* is stateful/);
    expect(() => layers.timeDistributed(layers.dense({ units: 2 }), { name: 'td_r' }).apply(Input({ shape: [4] }))).toThrow(/td_r: expected input \[batch, time, \.\.\.\] \(rank 3 or more\), got \[\*, 4\]/);
    class Identity extends CustomLayer {
      override call(x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
        return x;
      }
    }
    expect(() => layers.timeDistributed(new Identity(), { name: 'td_custom' })).toThrow(/td_custom: identity_\d+ is a custom layer traced from call\(\)/);
    expect(() => layers.timeDistributed({} as Layer, { name: 'td_x' })).toThrow(/td_x: expected a layer to wrap/);
    expect(() => fromConfig('TimeDistributed', { name: 'td_c' })).toThrow(/TimeDistributed needs layer: \{ className, config \}/);
  });
});
