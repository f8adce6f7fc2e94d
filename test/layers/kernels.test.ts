// assembly/layers.ts against the f64 references on sizes around the SIMD width.
import { describe, expect, test } from 'vitest';
import { heap } from '../../src/backend/memory.js';
import * as ref from '../reference/layers.js';
import { expectClose, fromWasm, k, randomArray, toWasm } from '../util.js';

const SIZES = [1, 2, 3, 4, 5, 7, 17, 33, 65];

function withBuffers<T>(arrays: ArrayLike<number>[], fn: (ptrs: number[]) => T): T {
  const ptrs = arrays.map((a) => toWasm(a));
  try {
    return fn(ptrs);
  } finally {
    for (const p of ptrs) heap().free(p);
  }
}

describe('f32_accumulate', () => {
  for (const n of SIZES) {
    test(`dst += src, n=${n}`, () => {
      const dst = randomArray(n, n);
      const src = randomArray(n, n + 100);
      withBuffers([dst, src], ([d, s]) => {
        k().f32_accumulate!(d!, s!, n);
        expectClose(fromWasm(d!, n), ref.accumulate(dst, src), `f32_accumulate n=${n}`);
      });
    });
  }
});

describe('f32_concat_forward / f32_concat_backward', () => {
  for (const [rows, width, yWidth, offset] of [[1, 1, 2, 1], [3, 5, 12, 4], [2, 7, 7, 0], [5, 3, 17, 14]] as const) {
    test(`rows=${rows} width=${width} yWidth=${yWidth} offset=${offset}`, () => {
      const y = randomArray(rows * yWidth, 1);
      const x = randomArray(rows * width, 2);
      const dx = randomArray(rows * width, 3);
      withBuffers([y, x, dx], ([py, px, pdx]) => {
        k().f32_concat_forward!(py!, px!, rows, width, yWidth, offset);
        expectClose(fromWasm(py!, rows * yWidth), ref.concatForward(y, x, rows, width, yWidth, offset), 'f32_concat_forward');
        k().f32_concat_backward!(pdx!, py!, rows, width, yWidth, offset);
        expectClose(fromWasm(pdx!, rows * width), ref.concatBackward(dx, ref.concatForward(y, x, rows, width, yWidth, offset), rows, width, yWidth, offset), 'f32_concat_backward');
      });
    });
  }
});

describe('f32_bias_backward', () => {
  for (const n of SIZES) {
    test(`db += column sums, rows=3 n=${n}`, () => {
      const db = randomArray(n, 5);
      const dy = randomArray(3 * n, 6);
      withBuffers([db, dy], ([pdb, pdy]) => {
        k().f32_bias_backward!(pdb!, pdy!, 3, n);
        expectClose(fromWasm(pdb!, n), ref.biasBackward(db, dy, 3, n), `f32_bias_backward n=${n}`);
      });
    });
  }
});

describe('f32_l1l2_penalty', () => {
  for (const n of SIZES) {
    test(`penalty and gradient, n=${n}`, () => {
      const w = randomArray(n, 7);
      if (n > 2) w[2] = 0; // sign(0) = 0
      const dw = randomArray(n, 8);
      withBuffers([w, dw], ([pw, pdw]) => {
        const got = k().f32_l1l2_penalty!(pdw!, pw!, n, 0.01, 0.02);
        const want = ref.l1l2(dw, w, 0.01, 0.02);
        expect(Math.abs(got - want.penalty)).toBeLessThan(1e-7 + 1e-6 * want.penalty);
        expectClose(fromWasm(pdw!, n), want.dw, `f32_l1l2_penalty dw n=${n}`);
        // dw = 0 returns the penalty without writing a gradient.
        expect(Math.abs(k().f32_l1l2_penalty!(0, pw!, n, 0.01, 0.02) - want.penalty)).toBeLessThan(1e-7 + 1e-6 * want.penalty);
      });
    });
  }
});
