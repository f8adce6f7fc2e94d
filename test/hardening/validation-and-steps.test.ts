// P1 (issue 15): an empty validationData is refused (Keras refuses it too) instead of reporting
// val_loss NaN; evaluate(dataset, undefined, { steps }) beyond the end of a finite dataset stops
// at its end with a warning (Keras: "Your input ran out of data") instead of looping forever.
import { describe, expect, test } from 'vitest';
import { Sequential, data, layers, tensor, zeros } from '../../src/index.js';

function model(): Sequential {
  const m = new Sequential([layers.dense({ units: 1, inputShape: [3] })], { seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return m;
}
const x = tensor(Float32Array.from({ length: 30 }, (_, i) => Math.cos(i)), [10, 3]);
const y = tensor(Float32Array.from({ length: 10 }, (_, i) => Math.sin(i)), [10, 1]);

describe('fit: empty validationData', () => {
  test('[x, y] with no samples is refused naming fit, before any training', async () => {
    const m = model();
    const before = m.getWeights().map((w) => Array.from(w.data));
    await expect(m.fit(x, y, { validationData: [zeros([0, 3]), zeros([0, 1])], verbose: 0 })).rejects.toThrow(
      new RegExp(`^${m.name}\\.fit: validationData has no samples \\(x \\[0, 3\\]\\)`),
    );
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  test('a dataset that yields no batches is refused naming fit (validationData)', async () => {
    const m = model();
    await expect(m.fit(x, y, { validationData: [], verbose: 0 } as never)).rejects.toThrow(/fit: validationData must be \[x, y\]|no batches/);
    await expect(m.fit(x, y, { validationData: { [Symbol.iterator]: () => [][Symbol.iterator]() }, verbose: 0 })).rejects.toThrow(
      /fit \(validationData\): epoch 1, batch 1: the data yielded no batches/,
    );
  });
});

describe('evaluate(dataset) with steps beyond the data', () => {
  test('stops at the end of a finite dataset (1e9 steps asked) and warns through onWarning; the result equals one full pass', async () => {
    const m = model();
    const ds = data.fromTensors(x, y, { batchSize: 4 }); // 3 batches: 4, 4, 2
    const warnings: string[] = [];
    const logs = await m.evaluate(ds, undefined, { steps: 1e9, onWarning: (w) => warnings.push(w) });
    expect(logs).toEqual(await m.evaluate(ds));
    expect(logs.loss).toBeCloseTo(m.evaluate(x, y).loss!, 6);
    expect(warnings).toEqual([`${m.name}.evaluate: the data ran out after 3 batches of the 1000000000 steps asked for; evaluated those 3`]);
  });

  test('a one-shot generator: same stop; steps within the data give no warning', async () => {
    const m = model();
    function* batches() {
      for (let i = 0; i < 2; i++) yield { x: tensor(x.data.slice(i * 12, i * 12 + 12), [4, 3]), y: tensor(y.data.slice(i * 4, i * 4 + 4), [4, 1]) };
    }
    const warnings: string[] = [];
    await m.evaluate(batches(), undefined, { steps: 5, onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ran out after 2 batches of the 5 steps/);
    await m.evaluate(data.fromTensors(x, y, { batchSize: 4 }), undefined, { steps: 3, onWarning: (w) => warnings.push(w) });
    await m.evaluate(data.fromTensors(x, y, { batchSize: 4 }), undefined, { steps: 2, onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
  });

  test('onWarning must be a function', async () => {
    const m = model();
    await expect(m.evaluate(data.fromTensors(x, y, { batchSize: 4 }), undefined, { onWarning: 'log' as never })).rejects.toThrow(/evaluate: onWarning must be a function/);
  });
});
