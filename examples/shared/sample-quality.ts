// A sample-quality figure that does not depend on eyes (an Inception-score-like figure): classify
// images with the demo's Fashion-MNIST classifier and report how many it classifies confidently
// and how evenly the predicted classes spread. Generated samples are compared with real test
// images through the same figures: a generator whose samples look like clothes gets confident
// predictions, one that covers every class gets a high entropy.
import { ops, type Model, type Tensor } from '../../src/api.js';
import { argmaxRows } from './classifier.js';

/** What `sampleQuality` measures on a batch of images. */
export interface SampleQuality {
  /** Fraction of images whose top softmax probability exceeds `threshold`. */
  confident: number;
  /** The confidence threshold used. */
  threshold: number;
  /** Entropy (bits) of the histogram of predicted classes: log2(10) = 3.32 when every class is predicted equally often. */
  classEntropy: number;
  /** How many images were predicted as each class. */
  histogram: number[];
}

/** Classifies `images` ([n, 28, 28, 1] in 0..1) with `classifier` (logits) and measures them. */
export function sampleQuality(classifier: Model, images: Tensor, threshold = 0.9): SampleQuality {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`sampleQuality: threshold must be in (0, 1), got ${threshold}`);
  const probs = ops.softmax(classifier.predict(images, { batchSize: 256 }));
  const [n, k] = probs.shape as [number, number];
  if (n === 0) throw new RangeError('sampleQuality: expected at least one image, got none');
  let confident = 0;
  for (let i = 0; i < n; i++) {
    let top = 0;
    for (let j = 0; j < k; j++) top = Math.max(top, probs.data[i * k + j]!);
    if (top > threshold) confident++;
  }
  const histogram = new Array<number>(k).fill(0);
  for (const c of argmaxRows(probs)) histogram[c]!++;
  let classEntropy = 0;
  for (const count of histogram) if (count > 0) classEntropy -= (count / n) * Math.log2(count / n);
  return { confident: confident / n, threshold, classEntropy, histogram };
}

/** One line: `label: 83.1% classified with confidence > ${q.threshold}, class entropy 3.21 bits (max 3.32)`. */
export function formatQuality(label: string, q: SampleQuality): string {
  return `${label}: ${(100 * q.confident).toFixed(1)}% classified with confidence > ${q.threshold}, class entropy ${q.classEntropy.toFixed(2)} bits (max ${Math.log2(q.histogram.length).toFixed(2)})`;
}
