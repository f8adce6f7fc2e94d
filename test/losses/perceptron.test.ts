import { describe, expect, test } from 'vitest';
import { losses, tensor } from '../../src/api.js';
import { GATES, perceptronAccuracy } from '../../examples/perceptron.js';

describe('perceptron (issue 15: the course perceptron learns with fit)', () => {
  test('the loss is max(0, -y yhat) with gradient -y on a mistake; labels {0, 1} map to {-1, 1}', () => {
    // y = 1, 0, 1, 0 -> 1, -1, 1, -1; yhat 2 (right), 0.5 (wrong), 0 (a tie counts as a mistake), -1 (right).
    const { value, gradient } = losses.evaluateLoss(losses.perceptron(), tensor([1, 0, 1, 0], [4, 1]), tensor([2, 0.5, 0, -1], [4, 1]));
    expect(value).toBeCloseTo(0.5 / 4, 7);
    expect(Array.from(gradient.data)).toEqual([0, 0.25, -0.25, 0]);
  });

  test('examples/perceptron.ts learns AND and OR and fails on XOR', async () => {
    expect(await perceptronAccuracy(GATES.AND)).toBe(1);
    expect(await perceptronAccuracy(GATES.OR)).toBe(1);
    expect(await perceptronAccuracy(GATES.XOR)).toBeLessThan(1);
  });
});
