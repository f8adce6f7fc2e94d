// examples/shared/sample-quality.ts on a classifier whose answers are known: the logit of class 9
// is 20 * 9 * (first pixel), the others 0; images with first pixel 1 are class 9 with confidence
// ~1, images with first pixel 0 tie (all 0.1, argmax class 0). Half and half: 50% confident and a
// predicted-class histogram {0: n/2, 9: n/2} of entropy exactly 1 bit.
import { describe, expect, test } from 'vitest';
import { layers, Sequential, tensor } from '../../src/index.js';
import { formatQuality, sampleQuality } from '../../examples/shared/sample-quality.js';

describe('sampleQuality', () => {
  test('confident fraction and class-histogram entropy', () => {
    const model = new Sequential([layers.flatten({ inputShape: [28, 28, 1] }), layers.dense({ units: 10 })], { seed: 1 });
    const kernel = new Float32Array(784 * 10);
    kernel[9] = 180; // row 0 (pixel 0), column 9: only class 9 reads the first pixel
    model.setWeights([tensor(kernel, [784, 10]), tensor(new Float32Array(10), [10])]);
    const n = 6;
    const images = new Float32Array(n * 784);
    for (let i = 0; i < n; i += 2) images[i * 784] = 1;
    const q = sampleQuality(model, tensor(images, [n, 28, 28, 1]));
    expect(q.confident).toBeCloseTo(0.5, 6);
    expect(q.classEntropy).toBeCloseTo(1, 6);
    expect(q.histogram).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(formatQuality('x', q)).toBe('x: 50.0% classified with confidence > 0.9, class entropy 1.00 bits (max 3.32)');
    expect(() => sampleQuality(model, tensor(images, [n, 28, 28, 1]), 1.5)).toThrow(/threshold must be in \(0, 1\)/);
  });
});
