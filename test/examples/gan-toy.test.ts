// The GAN of examples/shared/gan.ts (custom trainStep, two optimizers) on a toy distribution: a
// mixture of 8 Gaussians on a circle, with dense nets. After training, the discriminator's
// accuracy stays away from 1.0 (the generator is not trivially told apart) and from 0.0, and
// most modes get samples (mode coverage measured: generated points near each mode).
import { describe, expect, test } from 'vitest';
import { Input, layers, Model, ops, tensor, type Tensor } from '../../src/index.js';
import { Gan } from '../../examples/shared/gan.js';

const MODES = 8;
const RADIUS = 2;
const STD = 0.05;
const mode = (k: number): [number, number] => [RADIUS * Math.cos((2 * Math.PI * k) / MODES), RADIUS * Math.sin((2 * Math.PI * k) / MODES)];

/** n points of the mixture, mode k = i mod 8, from the library's seeded normal generator. */
function mixture(n: number, seed: number): Tensor {
  const noise = ops.randomNormal([n, 2], 0, STD, { seed });
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [mx, my] = mode(i % MODES);
    out[2 * i] = mx + noise.data[2 * i]!;
    out[2 * i + 1] = my + noise.data[2 * i + 1]!;
  }
  return tensor(out, [n, 2]);
}

/** How many samples lie within `within` of each mode. */
function perMode(points: Tensor, within: number): number[] {
  const counts = new Array<number>(MODES).fill(0);
  for (let i = 0; i < points.shape[0]!; i++) {
    for (let k = 0; k < MODES; k++) {
      const [mx, my] = mode(k);
      if (Math.hypot(points.data[2 * i]! - mx, points.data[2 * i + 1]! - my) < within) counts[k]!++;
    }
  }
  return counts;
}

function mlp(inputs: number, outputs: number, activation: 'relu' | 'leakyRelu', seed: number, name: string): Model {
  const x = Input({ shape: [inputs] });
  let h = x;
  for (let i = 0; i < 2; i++) {
    h = layers.dense({ units: 128 }).apply(h);
    h = (activation === 'relu' ? layers.relu() : layers.leakyRelu({ alpha: 0.2 })).apply(h);
  }
  return new Model({ inputs: x, outputs: layers.dense({ units: outputs }).apply(h), seed, name });
}

describe('GAN with a custom trainStep on a 2-D mixture of 8 Gaussians', () => {
  test('the discriminator stays away from 0 and 1 and the generator covers most modes', async () => {
    const real = mixture(2048, 1);
    const gan = new Gan(mlp(8, 2, 'relu', 2, 'toy_generator'), mlp(2, 1, 'leakyRelu', 3, 'toy_discriminator'), [2], { latent: 8, learningRate: 1e-3, seed: 4 });
    gan.compile({ optimizer: 'adam' });
    const before = perMode(gan.generator.predict(gan.noise(2000, 5)) as Tensor, 0.4);
    const history = await gan.fit(real, real, { epochs: 30, batchSize: 128, shuffle: true, seed: 6, verbose: 0 });
    expect(history.history.dLoss!.length).toBe(30);
    expect(history.history.gLoss!.every(Number.isFinite)).toBe(true);
    const acc = gan.discriminatorAccuracy(mixture(1024, 7), 8);
    const counts = perMode(gan.generator.predict(gan.noise(2000, 9)) as Tensor, 0.4);
    const covered = counts.filter((c) => c >= 0.02 * 2000).length;
    const near = counts.reduce((a, b) => a + b, 0) / 2000;
    const report = `D accuracy ${acc}, samples per mode ${counts.join(' ')} (before ${before.join(' ')}), near a mode ${near}, dLoss ${history.history.dLoss!.map((v) => v.toFixed(2)).join(' ')}`;
    expect(acc, report).toBeGreaterThan(0.2);
    expect(acc, report).toBeLessThan(0.95);
    expect(covered, report).toBeGreaterThanOrEqual(6); // measured: 7 (each mode has 26 to 96 of the 2000; seeded, deterministic)
    expect(near, report).toBeGreaterThan(0.15); // measured: 0.27 within 0.4 of a mode; 0 before training
    expect(near, report).toBeGreaterThan(2 * before.reduce((a, b) => a + b, 0) / 2000);
  }, 60_000);
});
