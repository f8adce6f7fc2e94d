// A small real task for the sequence layers: does a token sequence contain a, then b, then c,
// within a window of WINDOW steps (other tokens may sit between them)? Negatives hold the same
// three tokens in another order with the same gaps, so a bag of tokens cannot tell the classes
// apart: the model must read order and distance. Embedding + Conv1D +
// globalMaxPooling1d + dense, trained with fit, checked on a held-out set.
import { describe, expect, test } from 'vitest';
import { layers, Sequential, tensor, type Tensor } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';

const VOCAB = 8; // 0..7; a = 1, b = 2, c = 3
const STEPS = 20;
const WINDOW = 5;
const ORDERS = [[1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]];

/** Deterministic integers from a 32-bit LCG (tests take no Math.random). */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

/** True when some a at i, b at j, c at k have i < j < k < i + WINDOW. */
function containsAbc(seq: ArrayLike<number>, at: number): boolean {
  for (let i = 0; i < STEPS; i++) {
    if (seq[at + i] !== 1) continue;
    for (let j = i + 1; j < Math.min(STEPS, i + WINDOW); j++) {
      if (seq[at + j] !== 2) continue;
      for (let k = j + 1; k < Math.min(STEPS, i + WINDOW); k++) if (seq[at + k] === 3) return true;
    }
  }
  return false;
}

/** n sequences, about half positive; the label is read back from the tokens. */
function dataset(n: number, seed: number): { x: Tensor; y: Tensor; positives: number } {
  const rand = lcg(seed);
  const ids = new Float32Array(n * STEPS);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * STEPS;
    for (let t = 0; t < STEPS; t++) ids[at + t] = rand(VOCAB);
    // Gaps g1, g2 >= 1 with g1 + g2 < WINDOW: the trio spans at most WINDOW steps.
    const g1 = 1 + rand(WINDOW - 2);
    const g2 = 1 + rand(WINDOW - 1 - g1);
    const pos = rand(STEPS - g1 - g2);
    const trio = i % 2 === 0 ? [1, 2, 3] : ORDERS[rand(ORDERS.length)]!;
    [0, g1, g1 + g2].forEach((offset, k) => (ids[at + pos + offset] = trio[k]!));
    labels[i] = containsAbc(ids, at) ? 1 : 0;
  }
  return { x: tensor(ids, [n, STEPS]), y: tensor(labels, [n, 1]), positives: labels.reduce((a, b) => a + b, 0) };
}

describe('sequence classifier (Embedding + Conv1D + globalMaxPooling1d + dense)', () => {
  test('learns whether a, b, c occur in order within 5 steps to >= 0.9 held-out accuracy', async () => {
    const train = dataset(1200, 1);
    const val = dataset(400, 2);
    expect(val.positives / 400).toBeGreaterThan(0.35); // balanced enough that 0.9 is not a base rate
    expect(val.positives / 400).toBeLessThan(0.65);
    const model = new Sequential([
      layers.embedding({ inputDim: VOCAB, outputDim: 8, inputShape: [STEPS] }),
      layers.conv1d({ filters: 32, kernelSize: WINDOW, activation: 'relu' }),
      layers.globalMaxPooling1d(),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ], { seed: 12 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const start = performance.now();
    await model.fit(train.x, train.y, { epochs: 20, batchSize: 32, verbose: 0, seed: 3 });
    const seconds = (performance.now() - start) / 1000;
    const logs = model.evaluate(val.x, val.y);
    expect(logs.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(seconds).toBeLessThan(30);
  });
});
