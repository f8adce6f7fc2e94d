// P0 (issue 15): one model runs one fit (or dataset evaluate) at a time. A second fit, a
// compile, a trainStep/trainOnBatch or a dataset evaluate while fit is running would interleave
// updates on shared plans, gradients and metrics; each is refused with an error naming the model
// and what is running. Synchronous predict/evaluate on tensors stay allowed (callbacks use them).
import { describe, expect, test } from 'vitest';
import { Sequential, callbacks, data, layers, tensor } from '../../src/index.js';

function model(): Sequential {
  const m = new Sequential([layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), layers.dense({ units: 1 })], { seed: 2 });
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
  return m;
}
const x = tensor(Float32Array.from({ length: 96 }, (_, i) => Math.cos(i)), [32, 3]);
const y = tensor(Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)), [32, 1]);
const fitOptions = { epochs: 3, batchSize: 8, verbose: 0 as const };

describe('one fit at a time per model', () => {
  test('fit called twice at once: the second is rejected naming the model and the running fit; the first is undisturbed', async () => {
    const m = model();
    const reference = model();
    await reference.fit(x, y, fitOptions);
    const first = m.fit(x, y, fitOptions);
    await expect(m.fit(x, y, fitOptions)).rejects.toThrow(new RegExp(`^${m.name}\\.fit: ${m.name} is already running fit\\(\\)`));
    await first;
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(reference.getWeights().map((w) => Array.from(w.data)));
    // Once it is done, the model trains again.
    await expect(m.fit(x, y, { ...fitOptions, epochs: 1 })).resolves.toBeDefined();
  });

  test('compile, trainStep, trainOnBatch and a dataset evaluate during fit are refused; predict and evaluate on tensors work', async () => {
    const m = model();
    const refused: string[] = [];
    let predicted = 0;
    const probe = callbacks.lambdaCallback({
      onEpochEnd: async () => {
        for (const [what, call] of [
          ['compile', () => m.compile({ optimizer: 'sgd', loss: 'meanAbsoluteError' })],
          ['trainStep', () => m.trainStep(x, y)],
          ['trainOnBatch', () => m.trainOnBatch(x, y)],
        ] as const) {
          try {
            call();
          } catch (error) {
            expect((error as Error).message).toMatch(new RegExp(`^${m.name}\\.${what}: ${m.name} is already running fit\\(\\); await it first`));
            refused.push(what);
          }
        }
        await expect(m.evaluate(data.fromTensors(x, y, { batchSize: 8 }))).rejects.toThrow(`${m.name}.evaluate: ${m.name} is already running fit()`);
        refused.push('evaluate(dataset)');
        predicted += m.predict(x).size;
        expect(Number.isFinite(m.evaluate(x, y).loss)).toBe(true);
      },
    });
    const h = await m.fit(x, y, { ...fitOptions, callbacks: [probe] });
    expect(refused).toEqual(Array(3).fill(['compile', 'trainStep', 'trainOnBatch', 'evaluate(dataset)']).flat());
    expect(predicted).toBe(3 * 32);
    expect(h.history.loss).toHaveLength(3);
    expect(m.loss?.name).toBe('meanSquaredError'); // the refused compile changed nothing
    m.compile({ optimizer: 'sgd', loss: 'meanAbsoluteError' }); // allowed again after fit
  });

  test('a fit that throws releases the model', async () => {
    const m = model();
    await expect(m.fit(x, tensor(new Float32Array(32).fill(Number.NaN), [32, 1]), fitOptions)).rejects.toThrow(/loss became NaN/);
    await expect(m.fit(x, y, { ...fitOptions, epochs: 1 })).resolves.toBeDefined();
  });

  test('fit during a dataset evaluate is refused too', async () => {
    const m = model();
    await m.fit(x, y, { ...fitOptions, epochs: 1 });
    const evaluating = m.evaluate(data.fromTensors(x, y, { batchSize: 8 }));
    await expect(m.fit(x, y, fitOptions)).rejects.toThrow(`${m.name}.fit: ${m.name} is already running evaluate()`);
    expect(Number.isFinite((await evaluating).loss)).toBe(true);
  });
});
