// assembly/embedding.ts against a scalar reference on odd sizes: gather with id validation,
// scatter-add with repeated ids.
import { describe, expect, test } from 'vitest';
import { heap } from '../../src/backend/memory.js';
import { embeddingBackward, embeddingForward } from '../../src/kernels/embedding.js';
import { fromWasm, randomArray, toWasm } from '../util.js';

const SIZES = [1, 3, 5, 7, 17, 33, 65];

/** Ids in [0, inputDim), deterministic, with repeats whenever n > inputDim. */
function idsFor(n: number, inputDim: number, seed: number): Float32Array {
  const r = randomArray(n, seed, 0, 1);
  return Float32Array.from(r, (v) => Math.min(inputDim - 1, Math.floor(v * inputDim)));
}

describe('f32_embedding_forward / f32_embedding_backward', () => {
  test('gather and scatter-add match the scalar reference on odd sizes', () => {
    for (const n of SIZES) {
      for (const dim of SIZES) {
        const inputDim = 1 + ((n * 7 + dim) % 13);
        const ids = idsFor(n, inputDim, n * 100 + dim);
        const table = randomArray(inputDim * dim, n + dim);
        const dy = randomArray(n * dim, n * dim + 3);
        const dtable0 = randomArray(inputDim * dim, n + 2 * dim);
        const p = [ids, table, new Float32Array(n * dim), dy, dtable0].map(toWasm);
        expect(embeddingForward(p[2]!, p[0]!, p[1]!, n, dim, inputDim)).toBe(-1);
        embeddingBackward(p[4]!, p[3]!, p[0]!, n, dim);
        const y = fromWasm(p[2]!, n * dim);
        const dtable = fromWasm(p[4]!, inputDim * dim);
        const wantDtable = Float64Array.from(dtable0);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < dim; j++) {
            expect(y[i * dim + j]).toBe(table[ids[i]! * dim + j]);
            const at = ids[i]! * dim + j;
            wantDtable[at] = wantDtable[at]! + dy[i * dim + j]!;
          }
        }
        for (let i = 0; i < dtable.length; i++) expect(Math.abs(dtable[i]! - wantDtable[i]!)).toBeLessThan(1e-5);
        for (const q of p) heap().free(q);
      }
    }
  });

  test('the forward returns the index of the first id that is not an integer in [0, inputDim)', () => {
    const dim = 3;
    const table = toWasm(randomArray(5 * dim, 1));
    const y = heap().alloc(7 * dim * 4);
    for (const bad of [-1, 5, 2.5, Number.NaN, Infinity, -0.5, 1e9]) {
      const ids = toWasm([0, 4, 1, 3, bad, 2, bad]);
      expect(embeddingForward(y, ids, table, 7, dim, 5), String(bad)).toBe(4);
      heap().free(ids);
    }
    const ok = toWasm([0, 4, -0, 3]);
    expect(embeddingForward(y, ok, table, 4, dim, 5)).toBe(-1);
    heap().free(ok);
    heap().free(y);
    heap().free(table);
  });
});
