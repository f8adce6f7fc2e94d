// Recurrent options beyond the basic layers: goBackwards, dropout / recurrentDropout, stateful
// with resetStates, GRU resetAfter false, initial states as inputs, and returnState's type checked (its behaviour: test/layers/return-state.test.ts).
import { describe, expect, test } from 'vitest';
import { io, layers, Input, Model, Sequential, tensor, ShapeError, ValueError } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import { fromConfig } from '../../src/layers/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';
import { readF32, writeF32 } from '../../src/backend/memory.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { Rng } from '../../src/random.js';
import { gruCell, gruResetBeforeCell, lastStep, lstmCell, rnnCell, runCell, type Cell } from '../reference/recurrent.js';

const B = 2, T = 4, F = 3, U = 3;
const tol = { rtol: 3e-2, atol: 3e-3 };

type Kind = 'simpleRnn' | 'lstm' | 'gru';
const CELLS: Record<Kind, Cell> = { simpleRnn: rnnCell, lstm: lstmCell, gru: gruCell };
const STATES: Record<Kind, number> = { simpleRnn: 1, lstm: 2, gru: 1 };
const make = (kind: Kind, c: Record<string, unknown> = {}): Layer => layers[kind]({ units: U, ...c });

/** Random Keras-layout weights for a built layer. */
function setRandomWeights(layer: Layer, seed: number): Float32Array[] {
  const w = layer.weights.map((wt, i) => randomArray(wt.size, seed + i, -0.6, 0.6));
  layer.setWeights(w.map((d, i) => tensor(d, layer.weights[i]!.shape)));
  return w;
}

describe.each(['simpleRnn', 'lstm', 'gru'] as const)('%s options', (kind) => {
  test('goBackwards reads the sequence from its last step; a returned sequence is in processing order', () => {
    for (const returnSequences of [true, false]) {
      const layer = make(kind, { goBackwards: true, returnSequences, inputShape: [T, F] });
      const model = new Sequential([layer], { seed: 1 });
      const w = setRandomWeights(layer, 20);
      const x = randomArray(B * T * F, 3);
      const all = runCell(CELLS[kind], x, B, T, F, U, w, { goBackwards: true });
      expectClose(model.predict(tensor(x, [B, T, F])).data, returnSequences ? all : lastStep(all, B, T, U), `${kind} goBackwards`, 1e-4, 1e-5);
    }
  });

  test('goBackwards matches finite differences', () => {
    gradCheck(make(kind, { goBackwards: true, returnSequences: true }), [[T, F]], { batch: B, ...tol });
  });

  test('initial states as inputs: forward matches the reference; gradients reach x, the states and the weights', () => {
    const n = STATES[kind];
    const x = Input({ shape: [T, F] });
    const states = Array.from({ length: n }, () => Input({ shape: [U] }));
    const layer = make(kind, { returnSequences: true });
    const model = new Model({ inputs: [x, ...states], outputs: layer.apply([x, ...states]), seed: 3 });
    const w = setRandomWeights(layer, 30);
    const xs = randomArray(B * T * F, 4), h0 = randomArray(B * U, 5), c0 = randomArray(B * U, 6);
    const y = model.predict([tensor(xs, [B, T, F]), tensor(h0, [B, U]), ...(n === 2 ? [tensor(c0, [B, U])] : [])]);
    expectClose(y.data, runCell(CELLS[kind], xs, B, T, F, U, w, { h0, c0 }), `${kind} with initial states`, 1e-4, 1e-5);
    gradCheck(make(kind), [[T, F], ...Array.from({ length: n }, () => [U])], { batch: B, ...tol });
  });

  test('dropout and recurrentDropout: finite differences in training (fixed masks), identity in inference', () => {
    gradCheck(make(kind, { dropout: 0.3, recurrentDropout: 0.4, returnSequences: true }), [[T, F]], { batch: 3, ...tol });
    gradCheck(make(kind, { recurrentDropout: 0.5 }), [[T, F]], { batch: B, ...tol });
    const plain = make(kind, { inputShape: [T, F] });
    const dropped = make(kind, { dropout: 0.5, recurrentDropout: 0.5, inputShape: [T, F] });
    const a = new Sequential([plain], { seed: 1 }), b = new Sequential([dropped], { seed: 1 });
    dropped.setWeights(plain.getWeights());
    const x = tensor(randomArray(B * T * F, 8), [B, T, F]);
    expect(Array.from(b.predict(x).data)).toEqual(Array.from(a.predict(x).data));
  });

  test('stateful: two halves of a sequence give the state of the whole; resetStates starts again', () => {
    const whole = make(kind, { returnSequences: true, inputShape: [T, F] });
    const half = make(kind, { returnSequences: true, stateful: true, batchInputShape: [B, T / 2, F] });
    const mw = new Sequential([whole], { seed: 2 }), mh = new Sequential([half], { seed: 2 });
    setRandomWeights(whole, 40);
    half.setWeights(whole.getWeights());
    const xs = randomArray(B * T * F, 9);
    const y = mw.predict(tensor(xs, [B, T, F])).data;
    const firstHalf = new Float32Array(B * (T / 2) * F), secondHalf = new Float32Array(B * (T / 2) * F);
    for (let i = 0; i < B; i++) {
      firstHalf.set(xs.subarray(i * T * F, (i * T + T / 2) * F), i * (T / 2) * F);
      secondHalf.set(xs.subarray((i * T + T / 2) * F, (i + 1) * T * F), i * (T / 2) * F);
    }
    const y1 = mh.predict(tensor(firstHalf, [B, T / 2, F]), { batchSize: B }).data;
    const y2 = mh.predict(tensor(secondHalf, [B, T / 2, F]), { batchSize: B }).data;
    const want = (i: number, t: number): number[] => Array.from(y.subarray((i * T + t) * U, (i * T + t + 1) * U));
    for (let i = 0; i < B; i++) {
      for (let t = 0; t < T / 2; t++) {
        expectClose(y1.subarray((i * (T / 2) + t) * U, (i * (T / 2) + t + 1) * U), want(i, t), `${kind} stateful first half`, 1e-5, 1e-6);
        expectClose(y2.subarray((i * (T / 2) + t) * U, (i * (T / 2) + t + 1) * U), want(i, t + T / 2), `${kind} stateful second half`, 1e-5, 1e-6);
      }
    }
    (half as unknown as { resetStates(): void }).resetStates();
    expect(Array.from(mh.predict(tensor(firstHalf, [B, T / 2, F]), { batchSize: B }).data)).toEqual(Array.from(y1));
  });

  test('stateful with a non-zero carried state matches finite differences (the state gets no gradient)', () => {
    const layer = make(kind, { stateful: true, batchInputShape: [B, T, F] }) as Layer & { resetStates(s?: unknown[]): void };
    const states = Array.from({ length: STATES[kind] }, (_, k) => tensor(randomArray(B * U, 60 + k), [B, U]));
    gradCheck(layer, [[T, F]], { batch: B, ...tol, beforeRun: () => layer.resetStates(states) });
  });

  test('config round-trips with the new options; save/load keeps the outputs', async () => {
    const layer = make(kind, { goBackwards: true, dropout: 0.25, recurrentDropout: 0.1, name: `${kind}_opts` });
    const cfg = layer.getConfig();
    expect(cfg).toMatchObject({ goBackwards: true, dropout: 0.25, recurrentDropout: 0.1 });
    expect(fromConfig(layer.className, cfg).getConfig()).toEqual(cfg);
    const model = new Sequential([make(kind, { goBackwards: true, dropout: 0.2, returnSequences: true, inputShape: [T, F] }), layers.dense({ units: 2 })], { seed: 4 });
    const again = await io.load(io.save(model));
    const x = tensor(randomArray(B * T * F, 10), [B, T, F]);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  test('rejects bad options and bad initial states with clear errors', () => {
    expect(() => make(kind, { dropout: 1, name: 'r_do' })).toThrow(/r_do: dropout must be a number in \[0, 1\), got 1/);
    expect(() => make(kind, { recurrentDropout: -0.1, name: 'r_rdo' })).toThrow(/r_rdo: recurrentDropout must be a number in \[0, 1\)/);
    expect(() => make(kind, { goBackwards: 'yes', name: 'r_gb' })).toThrow(/r_gb: goBackwards must be a boolean/);
    expect(() => make(kind, { returnState: 'yes', name: 'r_rs' })).toThrow(/r_rs: returnState must be a boolean/);
    expect(() => make(kind, { stateful: true, name: 'r_sf' })).toThrow(/r_sf: stateful: true needs a fixed batch size; give batchInputShape/);
    const x = Input({ shape: [T, F] });
    expect(() => make(kind, { name: 'r_n' }).apply([x, Input({ shape: [U] }), Input({ shape: [U] }), Input({ shape: [U] })])).toThrow(/r_n: expects x or \[x, h0.*\] \(initial states\), got 4 inputs/);
    const states = Array.from({ length: STATES[kind] }, () => Input({ shape: [U + 1] }));
    expect(() => make(kind, { name: 'r_sh' }).apply([x, ...states])).toThrow(ShapeError);
    expect(() => make(kind, { name: 'r_sh2' }).apply([x, ...states])).toThrow(/r_sh2: initial state 0 must be \[\*, 3\] \(\[batch, units\]\), got \[\*, 4\]/);
    expect(() => (make(kind, { name: 'r_rst' }) as unknown as { resetStates(): void }).resetStates()).toThrow(/r_rst: resetStates\(\) is for stateful layers/);
  });

  test('a stateful layer refuses another batch size, naming both', () => {
    const layer = make(kind, { stateful: true, batchInputShape: [4, T, F], name: `${kind}_sfb` });
    const model = new Sequential([layer], { seed: 1 });
    expect(() => model.predict(tensor(randomArray(3 * T * F, 1), [3, T, F]))).toThrow(new RegExp(`${kind}_sfb: a stateful layer carries 4 states \\(batchInputShape\\[0\\]\\) but got a batch of 3`));
  });
});

/** Output of `layer` on x in a training plan (dropout active), with these weights. */
function trainingForward(layer: Layer, x: Float32Array, shape: number[], weights: number[][], seed = 1): Float32Array {
  const input = Input({ shape: shape.slice(1) });
  const out = layer.apply(input);
  const graph = buildGraph([input], out, 'dropoutCheck');
  layer.setWeights(weights.map((w, i) => tensor(Float32Array.from(w), layer.weights[i]!.shape)));
  const plan = new Plan(graph, shape[0]!, 0, new Map(layer.weights.map((w) => [w, 0])), true);
  try {
    writeF32(plan.inputs[0]!.ptr, x);
    plan.forward({ training: true, batch: shape[0]!, rng: new Rng(seed) });
    return readF32(plan.output.ptr, shape[0]! * out.shape.reduce((p, q) => p * q, 1));
  } finally {
    plan.free();
  }
}

describe('recurrent dropout semantics', () => {
  test('one input mask per sequence, reused at every step (SimpleRNN, identity weights, 1 feature)', () => {
    const layer = layers.simpleRnn({ units: 1, activation: 'linear', dropout: 0.5, returnSequences: true });
    const n = 64;
    const y = trainingForward(layer, new Float32Array(n * 5).fill(1), [n, 5, 1], [[1], [0], [0]], 3);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(y.subarray(i * 5, (i + 1) * 5));
      expect(row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2), `sample ${i}: ${row.join(', ')}`).toBe(true);
      if (row[0] === 2) kept++;
    }
    expect(kept).toBeGreaterThan(n * 0.2);
    expect(kept).toBeLessThan(n * 0.8);
  });

  test('one recurrent mask per sequence: h_t = x_t + m h_{t-1} with the same m at every step', () => {
    const layer = layers.simpleRnn({ units: 1, activation: 'linear', recurrentDropout: 0.5, returnSequences: true });
    const n = 32;
    const y = trainingForward(layer, new Float32Array(n * 4).fill(1), [n, 4, 1], [[1], [1], [0]], 5);
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const row = JSON.stringify(Array.from(y.subarray(i * 4, (i + 1) * 4)));
      expect(['[1,1,1,1]', '[1,3,7,15]']).toContain(row);
      seen.add(row);
    }
    expect(seen.size).toBe(2);
  });

  test('the same seed draws the same masks; another seed other masks', () => {
    const run = (seed: number): number[] => Array.from(trainingForward(layers.lstm({ units: 2, dropout: 0.5, recurrentDropout: 0.5 }), randomArray(8 * 3 * 2, 1), [8, 3, 2], [Array.from(randomArray(16, 2)), Array.from(randomArray(16, 3)), Array.from(randomArray(8, 4))], seed));
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});

describe('GRU resetAfter false (original GRU)', () => {
  test('bias [3·units]; forward matches the f64 reference', () => {
    const layer = layers.gru({ units: U, resetAfter: false, returnSequences: true, inputShape: [T, F] });
    const model = new Sequential([layer], { seed: 6 });
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([['kernel', [F, 3 * U]], ['recurrent_kernel', [U, 3 * U]], ['bias', [3 * U]]]);
    const w = setRandomWeights(layer, 50);
    const x = randomArray(B * T * F, 11);
    expectClose(model.predict(tensor(x, [B, T, F])).data, runCell(gruResetBeforeCell, x, B, T, F, U, w), 'GRU resetAfter false', 1e-4, 1e-5);
  });

  test('matches finite differences, with and without dropout, bias and initial state', () => {
    gradCheck(layers.gru({ units: U, resetAfter: false, returnSequences: true }), [[T, F]], { batch: B, ...tol });
    gradCheck(layers.gru({ units: U, resetAfter: false, useBias: false, recurrentDropout: 0.4, dropout: 0.2 }), [[T, F]], { batch: 3, ...tol });
    gradCheck(layers.gru({ units: U, resetAfter: false, goBackwards: true }), [[T, F], [U]], { batch: B, ...tol });
  });
});

describe('stateful training', () => {
  test('a stateful LSTM trains with fit (fixed batch, no shuffle) and keeps state across batches', async () => {
    const layer = layers.lstm({ units: 4, stateful: true, batchInputShape: [4, 3, 2] });
    const model = new Sequential([layer, layers.dense({ units: 1 })], { seed: 7 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    const x = tensor(randomArray(16 * 6, 12), [16, 3, 2]), y = tensor(randomArray(16, 13), [16, 1]);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expect((h.history.loss as number[]).every(Number.isFinite)).toBe(true);
    const p1 = model.predict(tensor(randomArray(4 * 6, 14), [4, 3, 2]), { batchSize: 4 }).data;
    layer.resetStates();
    const p2 = model.predict(tensor(randomArray(4 * 6, 14), [4, 3, 2]), { batchSize: 4 }).data;
    layer.resetStates();
    expect(Array.from(model.predict(tensor(randomArray(4 * 6, 14), [4, 3, 2]), { batchSize: 4 }).data)).toEqual(Array.from(p2));
    expect(Array.from(p1)).not.toEqual(Array.from(p2));
    await expect(model.fit(tensor(randomArray(6 * 6, 1), [6, 3, 2]), tensor(randomArray(6, 2), [6, 1]), { epochs: 1, batchSize: 4, verbose: 0 })).rejects.toThrow(ValueError);
  });
});

