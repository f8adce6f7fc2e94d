// f32_all_finite (assembly/optim.ts) against its scalar reference, on odd sizes so the SIMD
// tail is exercised: a NaN or ±Inf at every position must be seen.
import { describe, expect, test } from 'vitest';
import { heap } from '../../src/backend/memory.js';
import { k, randomArray, toWasm } from '../util.js';

const reference = (x: Float32Array): number => (x.every((v) => Number.isFinite(v)) ? 1 : 0);

describe('f32_all_finite', () => {
  test.each([1, 3, 5, 7, 17, 33, 65])('matches the scalar reference with a bad value at every position, n=%i', (n) => {
    const x = randomArray(n, n, -3, 3);
    x[0] = 3e38; // huge but finite
    const ptr = toWasm(x);
    try {
      expect(k().f32_all_finite!(ptr, n)).toBe(reference(x));
      for (let at = 0; at < n; at++) {
        for (const bad of [Number.NaN, Infinity, -Infinity]) {
          const y = x.slice();
          y[at] = bad;
          const p = toWasm(y);
          try {
            expect(k().f32_all_finite!(p, n), `n=${n}, x[${at}]=${bad}`).toBe(reference(y));
          } finally {
            heap().free(p);
          }
        }
      }
    } finally {
      heap().free(ptr);
    }
  });

  test('an empty range is finite, and only the first n values are read', () => {
    const x = new Float32Array([1, 2, 3, Number.NaN]);
    const ptr = toWasm(x);
    try {
      expect(k().f32_all_finite!(ptr, 0)).toBe(1);
      expect(k().f32_all_finite!(ptr, 3)).toBe(1);
      expect(k().f32_all_finite!(ptr, 4)).toBe(0);
    } finally {
      heap().free(ptr);
    }
  });
});
