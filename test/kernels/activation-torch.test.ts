import { readFileSync } from 'node:fs';
import { describe, test } from 'vitest';
import { ops, tensor } from '../../src/api.js';
import type { ActivationName } from '../../src/ops/activation.js';
import { expectClose } from '../util.js';

interface ActivationCase { kind: 'activation'; name: ActivationName; shape: number[]; x: number[]; y: number[]; dy: number[]; dx: number[]; alpha?: number }
const fixture = JSON.parse(readFileSync('test/fixtures/elementwise/torch.json', 'utf8')) as { format: number; cases: Array<{ kind: string }> };
const cases = fixture.cases.filter((c): c is ActivationCase => c.kind === 'activation');

describe('activations against PyTorch 1.13 (test/fixtures/elementwise/torch.json)', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s: values and autograd gradients', (name, c) => {
    const spec = c.alpha === undefined ? name : { name, alpha: c.alpha };
    const x = tensor(c.x, c.shape);
    expectClose(ops.activation(spec, x).data, c.y, `${name} forward vs torch`, 2e-6, 1e-6);
    expectClose(ops.activationBackward(spec, tensor(c.dy, c.shape), x).data, c.dx, `${name} backward vs torch`, 1e-5, 2e-6);
  });
});
