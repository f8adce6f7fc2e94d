import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { losses, tensor } from '../../src/api.js';
import { expectClose } from '../util.js';

interface LossCase {
  kind: 'loss'; name: string; config: Record<string, number | boolean>; note: string;
  trueShape: number[]; predShape: number[]; yTrue: number[]; yPred: number[]; value: number; grad: number[];
}
const fixture = JSON.parse(readFileSync('test/fixtures/elementwise/torch.json', 'utf8')) as { format: number; cases: Array<{ kind: string }> };
const cases = fixture.cases.filter((c): c is LossCase => c.kind === 'loss');

describe('losses against PyTorch 1.13 (test/fixtures/elementwise/torch.json)', () => {
  test('the fixture is format 1 and covers the reductions it pins', () => {
    expect(fixture.format).toBe(1);
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });
  test.each(cases.map((c) => [`${c.name} ${JSON.stringify(c.config)}`, c] as const))('%s: value and gradient', (label, c) => {
    const { value, gradient } = losses.evaluateLoss(losses.get(c.name, c.config), tensor(c.yTrue, c.trueShape), tensor(c.yPred, c.predShape));
    expect(Math.abs(value - c.value), `${label} value ${value} vs torch ${c.value} ${c.note}`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(c.value)));
    expectClose(gradient.data, c.grad, `${label} gradient vs torch`, 1e-4, 1e-6);
  });
});
