// The library's health check after a bad call: a known model's predictions and a known matmul
// must come out right, and the heap must hold what it held before. Shared by the hardening suites.
import { expect } from 'vitest';
import { Sequential, layers, ops, tensor, type Tensor } from '../../src/index.js';
import { heap, scratch } from '../../src/backend/memory.js';

/** A small conv + dense model with fixed weights (seeded), and an input for it. */
export function knownModel(): { model: Sequential; x: Tensor } {
  const model = new Sequential(
    [
      layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2] }),
      layers.flatten(),
      layers.dense({ units: 4, activation: 'tanh' }),
      layers.dense({ units: 2 }),
    ],
    { seed: 7 },
  );
  const x = tensor(Float32Array.from({ length: 3 * 6 * 6 * 2 }, (_, i) => Math.sin(i)), [3, 6, 6, 2]);
  return { model, x };
}

/** The heap's bookkeeping, to compare before and after a failed call. */
export function heapState(): { allocated: number; blocks: number; scratch: number } {
  return { allocated: heap().allocatedBytes, blocks: heap().blockCount, scratch: scratch().reservedBytes };
}

/**
 * A matmul whose every entry is known in closed form: a[i][p] = (i + p) % 7 - 3, b = ones, so
 * c[i][j] = sum over p of a[i][p]. Checks all of c.
 */
export function checkMatmul(n: number): void {
  const a = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let p = 0; p < n; p++) a[i * n + p] = ((i + p) % 7) - 3;
  const c = ops.matmul(tensor(a, [n, n]), tensor(new Float32Array(n * n).fill(1), [n, n]));
  let bad = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let p = 0; p < n; p++) row += a[i * n + p]!;
    for (let j = 0; j < n; j++) if (c.data[i * n + j] !== row) bad++;
  }
  expect(bad, `matmul ${n}x${n}: entries that differ from the closed form`).toBe(0);
}

/** Records a known model's predictions; `check()` asserts that they and a fresh copy's are unchanged. */
export function healthCheck(matmulSize = 64): { check: () => void; model: Sequential } {
  const { model, x } = knownModel();
  const want = Array.from(model.predict(x).data);
  return {
    model,
    check(): void {
      expect(Array.from(model.predict(x).data), 'a model built before the bad call').toEqual(want);
      const again = knownModel();
      expect(Array.from(again.model.predict(again.x).data), 'a model built after the bad call').toEqual(want);
      checkMatmul(matmulSize);
    },
  };
}
