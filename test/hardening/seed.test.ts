// P1 (issue 15): a model without a seed draws a fresh one (crypto.getRandomValues) instead of a
// fixed per-process default, so runs differ; the seed is reported (model.seed, history.params.seed,
// and a line of fit's verbose output) and passing it back repeats the run bit for bit. An explicit
// seed stays deterministic.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Sequential, layers, tensor, type Tensor } from '../../src/index.js';
import { ProgressBar, type ProgressSink } from '../../src/callbacks/progress-bar.js';
import { freshSeed } from '../../src/core/seed.js';

const x = tensor(Float32Array.from({ length: 48 }, (_, i) => Math.cos(i)), [16, 3]);
const y = tensor(Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), [16, 1]);

function mlp(seed?: number): Sequential {
  const m = new Sequential(
    [layers.dense({ units: 6, activation: 'relu', inputShape: [3] }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 1 })],
    seed === undefined ? {} : { seed },
  );
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return m;
}

const bits = (ts: readonly Tensor[]): number[][] => ts.map((t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size)));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('models without a seed', () => {
  test('draw a fresh seed each: different seeds, different initial weights; seedDrawn says so', () => {
    const a = mlp();
    const b = mlp();
    expect(a.seedDrawn).toBe(true);
    expect(Number.isSafeInteger(a.seed) && a.seed >= 0).toBe(true);
    expect(a.seed).not.toBe(b.seed);
    expect(bits(a.getWeights())).not.toEqual(bits(b.getWeights()));
  });

  test('the reported seed repeats the run: weights after fit (shuffling and dropout included) are bit-identical', async () => {
    const a = mlp();
    const h = await a.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(h.params!.seed).toBe(a.seed);
    expect(h.params!.seedDrawn).toBe(true);
    const again = mlp(a.seed);
    expect(again.seedDrawn).toBe(false);
    const h2 = await again.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(bits(again.getWeights())).toEqual(bits(a.getWeights()));
    expect(h2.history).toEqual(h.history);
    expect(h2.params!.seedDrawn).toBe(false);
  });

  test("fit's seed wins and is the reported one; an explicit model seed stays deterministic", async () => {
    const h = await mlp().fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, seed: 7 });
    expect(h.params!.seed).toBe(7);
    expect(h.params!.seedDrawn).toBe(false);
    const p = mlp(42);
    const q = mlp(42);
    expect(p.seed).toBe(42);
    expect(bits(p.getWeights())).toEqual(bits(q.getWeights()));
  });

  test("fit's verbose output shows a drawn seed (and only a drawn one)", () => {
    const lines = (params: { seed: number; seedDrawn: boolean }): string[] => {
      const out: string[] = [];
      const sink: ProgressSink = { tty: false, write: () => {}, line: (t) => void out.push(t) };
      const bar = new ProgressBar(2, sink, 0);
      bar.setParams({ epochs: 1, steps: 1, samples: 4, batchSize: 4, verbose: 2, metrics: ['loss'], ...params });
      bar.onTrainBegin();
      return out;
    };
    expect(lines({ seed: 123456789, seedDrawn: true })).toEqual(['Seed 123456789 (drawn at random; pass { seed: 123456789 } to repeat this run)']);
    expect(lines({ seed: 5, seedDrawn: false })).toEqual([]);
  });

  test('freshSeed: integers in [0, 2^53); without crypto.getRandomValues a clear error asks for a seed', () => {
    for (let i = 0; i < 50; i++) {
      const s = freshSeed('t');
      expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    }
    vi.stubGlobal('crypto', undefined);
    expect(() => new Sequential([layers.dense({ units: 1, inputShape: [2] })], { name: 'no_crypto' })).toThrow(
      'no_crypto: no seed was given and this runtime has no crypto.getRandomValues to draw one; pass { seed: n }',
    );
    expect(new Sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 }).seed).toBe(1);
  });
});
