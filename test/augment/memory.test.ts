import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { expect, test } from 'vitest';
import { augment, Rng } from '../../src/index.js';
import { heap, memoryBytes } from '../../src/backend/memory.js';
import { randomArray, toWasm } from '../util.js';

test('applyInPlacePtr keeps wasm memory and the JS heap flat over 2,000 steps of every step kind', () => {
  const pipeline = augment.sequence([
    augment.randomFlip(), augment.randomRotation(0.1), augment.randomZoom(0.1), augment.randomTranslation(0.1, 0.1),
    augment.randomShear(0.1, { fillMode: 'constant' }), augment.randomCrop(8, 8, { padding: 2 }), augment.gaussianNoise(0.05),
    augment.randomBrightness(0.1), augment.randomContrast(0.2), augment.randomErasing(), augment.cutout(3),
    augment.randomResizedCrop(8, 8),
  ]);
  const ptr = toWasm(randomArray(4 * 8 * 8 * 3, 1, 0, 1));
  const rng = new Rng(1);
  const steps = (count: number) => {
    for (let s = 0; s < count; s++) pipeline.applyInPlacePtr(ptr, [s % 4 === 3 ? 3 : 4, 8, 8, 3], rng); // a smaller last batch, as in fit
  };
  try {
    steps(200); // warm up: buffers, plans, JIT tiers
    const wasmBefore = memoryBytes();
    const blocksBefore = heap().blockCount;
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // Smallest growth of three rounds: V8's own bookkeeping makes single readings noisy, while
    // anything kept per step (2,000 x arrays or closures) would grow every round.
    const growth: number[] = [];
    for (let round = 0; round < 3; round++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      steps(2000);
      gc();
      growth.push(process.memoryUsage().heapUsed - before);
    }
    expect(memoryBytes()).toBe(wasmBefore);
    expect(heap().blockCount).toBe(blocksBefore);
    expect(Math.min(...growth), `JS heap growth per round: ${growth.join(", ")} bytes`).toBeLessThan(64 * 1024);
  } finally {
    heap().free(ptr);
  }
});
