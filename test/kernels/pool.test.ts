import { describe, expect, test } from 'vitest';
import { maxPoolRef, maxPoolBackwardRef, avgPoolRef, avgPoolBackwardRef } from '../reference/pool.js';
import { finiteDifferences, sampleCases, caseName, type ConvCase } from '../reference/conv.js';
import { expectClose, fromWasm, randomArray, toWasm } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import {
  pool2dGeometry, globalPool2dGeometry, maxPool2dForwardPtr, maxPool2dBackwardPtr, avgPool2dForwardPtr,
  avgPool2dBackwardPtr, type PoolGeometry,
} from '../../src/ops/pool.js';

function geometryOf(c: ConvCase): PoolGeometry {
  const padding = typeof c.padding === 'string' ? c.padding : 'same';
  // The dilation axis picks the default strides (= poolSize) half of the time.
  return pool2dGeometry([c.batch, c.h, c.w, c.c], { poolSize: c.kernel, strides: c.dilation === 2 ? undefined : c.stride, padding });
}

const fits = (c: ConvCase) => {
  try {
    geometryOf(c);
    return true;
  } catch {
    return false;
  }
};

/** Distinct values (a shuffled ramp) so no max-pool window has a tie. */
function distinct(n: number, seed: number): Float32Array {
  const order = randomArray(n, seed);
  const idx = [...order.keys()].sort((a, b) => order[a]! - order[b]!);
  const out = new Float32Array(n);
  idx.forEach((at, rank) => (out[at] = rank / n - 0.5));
  return out;
}

/** Runs the four pooling kernels on one geometry against the f64 references. */
function checkPool(g: PoolGeometry, x: Float32Array, seed: number, label: string): void {
  const s = g.struct;
  const dy = randomArray(g.outputSize, seed + 1);
  const dx0 = randomArray(g.inputSize, seed + 2);
  const ptrs = [x, dy, dx0, dx0, new Float32Array(g.outputSize)].map(toWasm);
  const [px, pdy, pdxMax, pdxAvg, py] = ptrs as [number, number, number, number, number];
  try {
    maxPool2dForwardPtr(g, { y: py, x: px });
    expectClose(fromWasm(py, g.outputSize), maxPoolRef(s, x).y, `${label} max forward`, 0, 0);
    maxPool2dBackwardPtr(g, { dx: pdxMax, dy: pdy, x: px });
    expectClose(fromWasm(pdxMax, g.inputSize), maxPoolBackwardRef(s, dy, x).map((v, i) => v + dx0[i]!), `${label} max backward (+=)`, 1e-6, 1e-6);
    avgPool2dForwardPtr(g, { y: py, x: px });
    expectClose(fromWasm(py, g.outputSize), avgPoolRef(s, x), `${label} avg forward`, 1e-5, 1e-6);
    avgPool2dBackwardPtr(g, { dx: pdxAvg, dy: pdy });
    expectClose(fromWasm(pdxAvg, g.inputSize), avgPoolBackwardRef(s, dy).map((v, i) => v + dx0[i]!), `${label} avg backward (+=)`, 1e-5, 1e-6);
  } finally {
    ptrs.forEach((p) => heap().free(p));
    g.release();
  }
}

describe('f32_max_pool2d_* and f32_avg_pool2d_*', () => {
  const cases = sampleCases(40, 11, fits);

  test('match the f64 reference on sampled shapes (valid and same, strides default and explicit)', () => {
    cases.forEach((c, i) => checkPool(geometryOf(c), randomArray(c.batch * c.h * c.w * c.c, 30 + i), 30 + i, `pool ${caseName(c)}`));
  });

  test('max-pool backward routes a tie to the first maximum in window order', () => {
    // One channel, 2x2 window, all equal: the gradient goes to the top-left cell.
    const g = pool2dGeometry([1, 2, 4, 5], { poolSize: 2 });
    checkPool(g, new Float32Array(40).fill(0.25), 1, 'ties');
    const x = toWasm(new Float32Array(40).fill(0.25));
    const dy = toWasm(new Float32Array(10).fill(1));
    const dx = toWasm(new Float32Array(40));
    maxPool2dBackwardPtr(g, { dx, dy, x });
    const got = fromWasm(dx, 40);
    expect(Array.from(got.slice(0, 10))).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(got.reduce((a, b) => a + b, 0)).toBe(10);
    [x, dy, dx].forEach((p) => heap().free(p));
    g.release();
  });

  test('avg-pool "same" divides by the number of real cells', () => {
    const g = pool2dGeometry([1, 3, 3, 1], { poolSize: 2, padding: 'same' });
    const px = toWasm([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const py = toWasm(new Float32Array(4));
    avgPool2dForwardPtr(g, { y: py, x: px });
    expect(Array.from(fromWasm(py, 4))).toEqual([3, 4.5, 7.5, 9]);
    [px, py].forEach((p) => heap().free(p));
    g.release();
  });

  test.each([[1, 1, 1, 1], [3, 7, 5, 13], [2, 1, 8, 4], [1, 13, 13, 3]])('global pools on [%i, %i, %i, %i]', (n, h, w, c) => {
    checkPool(globalPool2dGeometry([n, h, w, c]), randomArray(n * h * w * c, h), 7 * h + c, `global ${n}x${h}x${w}x${c}`);
  });
});

describe('reference pooling gradients', () => {
  const cases = sampleCases(8, 5, (c) => c.batch * c.h * c.w * c.c <= 300 && fits(c));
  test('max and average backward equal finite differences of the forward (distinct inputs)', () => {
    cases.forEach((c, n) => {
      const g = geometryOf(c);
      const s = g.struct;
      const x = distinct(g.inputSize, n + 1);
      const r = randomArray(g.outputSize, n + 2);
      const all = [...x.keys()];
      const fdMax = finiteDifferences((v) => maxPoolRef(s, v).y, x, r, all, 1e-5);
      expectClose(fdMax, maxPoolBackwardRef(s, r, x), `max ${caseName(c)} vs FD`, 1e-6, 1e-7);
      const fdAvg = finiteDifferences((v) => avgPoolRef(s, v), x, r, all);
      expectClose(fdAvg, avgPoolBackwardRef(s, r), `avg ${caseName(c)} vs FD`, 1e-6, 1e-7);
    });
  });
});
