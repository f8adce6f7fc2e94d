import { expect, test } from 'vitest';
import { augment, Rng } from '../../src/index.js';
import { heap } from '../../src/backend/memory.js';
import { measureRetention, randomArray, toWasm } from '../util.js';

test('applyInPlacePtr keeps wasm memory and the JS heap flat over 2,000 steps of every step kind', async () => {
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
    const r = await measureRetention(() => steps(2000));
    expect(r.wasmAfter).toBe(r.wasmBefore);
    expect(r.blocksAfter).toBe(r.blocksBefore);
    expect(r.minGrowth, `JS heap growth per round: ${r.growth.join(', ')} bytes`).toBeLessThan(64 * 1024);
  } finally {
    heap().free(ptr);
  }
});
