// AllocationError is public, so callers can catch a failed allocation by class, not by name.
import { beforeAll, expect, test } from 'vitest';
import { AllocationError, init, layers, Sequential } from '../../src/index.js';

beforeAll(async () => {
  await init();
});

test('a layer too large for wasm memory throws the exported AllocationError naming the layer', () => {
  let caught: unknown;
  try {
    new Sequential([layers.dense({ units: 1e12, inputShape: [3], name: 'huge' })]);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AllocationError);
  expect((caught as Error).message).toMatch(/^huge\/kernel/);
});
