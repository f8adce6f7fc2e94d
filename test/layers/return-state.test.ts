// returnState: recurrent layers with several outputs (the output, then h, and c for LSTM), their
// gradients (finite differences through valueAndGrad) and an LSTM encoder handing its states to a
// decoder (Keras's seq2seq wiring), trained, saved and loaded.
import { describe, expect, test } from 'vitest';
import { layers, Input, Model, ops, tensor, Tensor, io, valueAndGrad, type SymbolicTensor } from '../../src/index.js';
import { randomArray } from '../util.js';

const B = 2, T = 4, F = 3, U = 5;

describe.each(['simpleRnn', 'gru', 'lstm'] as const)('%s returnState', (kind) => {
  const make = (config: Record<string, unknown>) => (layers[kind] as unknown as (c: Record<string, unknown>) => ReturnType<typeof layers.lstm>)({ units: U, ...config });
  const states = kind === 'lstm' ? 2 : 1;

  test('outputs [output, ...final states]; h equals the last output; gradients match finite differences', () => {
    const layer = make({ returnState: true, returnSequences: true });
    const x0 = Input({ shape: [T, F] });
    const outs = layer.applyAll(x0);
    expect(outs.map((t) => t.shape)).toEqual([[T, U], ...Array.from({ length: states }, () => [U])]);
    const probe = new Model<Tensor[]>({ inputs: x0, outputs: outs, seed: 2 });
    const x = tensor(randomArray(B * T * F, 3, -1, 1), [B, T, F]);
    const [seq, h] = probe.predict(x);
    for (let i = 0; i < B; i++) for (let j = 0; j < U; j++) expect(h!.data[i * U + j]).toBe(seq!.data[(i * T + T - 1) * U + j]);
    const r = tensor(randomArray(U * (states + 1), 4, -1, 1), [states + 1, U]);
    const f = valueAndGrad((a: SymbolicTensor) => {
      const o = probe.applyAll(a);
      let total = ops.sum(ops.mul(ops.mean(o[0]!, 1), ops.slice(r, [0, 0], [1, U])));
      for (let k = 1; k <= states; k++) total = ops.add(total, ops.sum(ops.mul(o[k]!, ops.slice(r, [k, 0], [1, U]))));
      return total;
    });
    const { grads: [dx] } = f(x);
    const h2 = 1e-2;
    for (const i of [0, 5, B * T * F - 1]) {
      const at = (d: number): number => {
        const v = x.data.slice();
        v[i] = v[i]! + d;
        return f(new Tensor(v, x.shape)).value;
      };
      expect(dx!.data[i]!).toBeCloseTo((at(h2) - at(-h2)) / (2 * h2), 3);
    }
  });
});

describe('LSTM encoder-decoder with the encoder states as the decoder initial states', () => {
  test('trains, and saves and loads with the extra outputs wired by index', async () => {
    const enc = Input({ shape: [T, F] });
    const dec = Input({ shape: [T, F] });
    const [, h, c] = layers.lstm({ units: U, returnState: true }).applyAll(enc);
    const seq = layers.lstm({ units: U, returnSequences: true }).apply([dec, h!, c!]);
    const out = layers.timeDistributed(layers.dense({ units: 1 })).apply(seq);
    const model = new Model({ inputs: [enc, dec], outputs: out, seed: 5 });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const n = 32;
    const xe = tensor(randomArray(n * T * F, 6, -1, 1), [n, T, F]);
    const xd = tensor(randomArray(n * T * F, 7, -1, 1), [n, T, F]);
    // Target: the encoder's first feature summed, at every decoder step (needs the hand-off).
    const y = new Float32Array(n * T);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += xe.data[(i * T + t) * F]!;
      for (let t = 0; t < T; t++) y[i * T + t] = s / T;
    }
    const target = tensor(y, [n, T, 1]);
    const before = model.evaluate([xe, xd], target).loss!;
    await model.fit([xe, xd], target, { epochs: 40, batchSize: 8, verbose: 0 });
    expect(model.evaluate([xe, xd], target).loss!).toBeLessThan(before * 0.5);
    const loaded = await io.load(io.save(model));
    expect(Array.from(loaded.predict([xe, xd]).data)).toEqual(Array.from(model.predict([xe, xd]).data));
  });
});
