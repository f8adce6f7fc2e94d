// The demo's Fashion-MNIST classifier (examples/shared/fashion-cnn.mjs) trained briefly for the
// examples that need one (adversarial examples, sample quality), and small helpers on its logits.
import * as tl from '../../src/api.js';
import type { Sequential, Tensor } from '../../src/api.js';
import { compileFashionCnn, fashionCnn } from './fashion-cnn.mjs';

/** Trains a new demo CNN on (x, y) for `epochs`; returns it and the seconds it took. */
export async function trainDemoClassifier(x: Tensor, y: Tensor, options: { epochs: number; batchSize: number; seed: number; verbose: 0 | 1 | 2 }): Promise<{ model: Sequential; seconds: number }> {
  const t0 = performance.now();
  // fashion-cnn.mjs's types name the built package (dist/); this example runs on src/: cast.
  const model = compileFashionCnn(tl as never, fashionCnn(tl as never, { seed: options.seed })) as unknown as Sequential;
  await model.fit(x, y, { epochs: options.epochs, batchSize: options.batchSize, seed: options.seed, verbose: options.verbose, shuffle: true });
  return { model, seconds: (performance.now() - t0) / 1000 };
}

/** The index of the largest value of each row of [n, k] scores. */
export function argmaxRows(scores: Tensor): number[] {
  const [n, k] = scores.shape as [number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (scores.data[i * k + j]! > scores.data[i * k + best]!) best = j;
    out.push(best);
  }
  return out;
}

/** The fraction of rows of [n, k] scores whose argmax is the label. */
export function accuracy(scores: Tensor, labels: Tensor): number {
  const predicted = argmaxRows(scores);
  let right = 0;
  predicted.forEach((p, i) => { if (p === labels.data[i]) right++; });
  return right / predicted.length;
}
