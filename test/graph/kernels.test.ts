// The kernels added for the ops (assembly/shape.ts, assembly/softmax.ts) against scalar
// references on odd sizes: strided copy (a transpose and a tile) and its accumulate, gather and
// scatter-add with repeated and invalid ids, one-hot, and the masked softmax over a middle axis.
import { describe, expect, test } from 'vitest';
import { heap } from '../../src/backend/memory.js';
import { sumBackward } from '../../src/kernels/reduce.js';
import { gatherBackward, gatherForward, oneHot, stridedCopy } from '../../src/kernels/shape.js';
import { softmaxAxisBackward, softmaxAxisForward } from '../../src/kernels/softmax.js';
import { STRIDED_BYTES, contiguousStrides, mergeAxes, writeStrided } from '../../src/ops/strided.js';
import { fromWasm, randomArray, toWasm } from '../util.js';

const SIZES = [1, 3, 5, 7, 17, 33, 65];

function struct(dims: number[], strides: number[][]): number {
  const g = heap().alloc(STRIDED_BYTES);
  writeStrided(g, mergeAxes('test', dims, strides));
  return g;
}

describe('f32_strided_copy and its accumulate', () => {
  test('transpose [a, b] -> [b, a] and back', () => {
    for (const a of SIZES) for (const b of [1, 3, 5, 7]) {
      const x = randomArray(a * b, a + b);
      const px = toWasm(x);
      const py = toWasm(new Float32Array(a * b));
      const g = struct([b, a], [[a, 1], [1, b]]); // iterate y [b, a] contiguously, x with swapped strides
      stridedCopy(py, px, g);
      const y = fromWasm(py, a * b);
      for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) expect(y[j * a + i]).toBe(x[i * b + j]);
      const dx0 = randomArray(a * b, 7);
      const pdx = toWasm(dx0);
      sumBackward(pdx, py, g, 1, 1); // dx += y read back transposed: dx0 + x
      const dx = fromWasm(pdx, a * b);
      for (let i = 0; i < a * b; i++) expect(dx[i]).toBe(Math.fround(dx0[i]! + x[i]!));
      for (const p of [px, py, g, pdx]) heap().free(p);
    }
  });
  test('tile [n] x reps (stride 0) and the summing backward', () => {
    for (const n of SIZES) for (const reps of [1, 3, 5]) {
      const x = randomArray(n, n);
      const px = toWasm(x);
      const py = toWasm(new Float32Array(n * reps));
      const g = struct([reps, n], [contiguousStrides([reps, n]), [0, 1]]);
      stridedCopy(py, px, g);
      const y = fromWasm(py, n * reps);
      for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) expect(y[r * n + i]).toBe(x[i]);
      const pdx = toWasm(new Float32Array(n));
      sumBackward(pdx, py, g, 1, 1);
      const dx = fromWasm(pdx, n);
      for (let i = 0; i < n; i++) expect(dx[i]! - reps * x[i]!).toBeCloseTo(0, 5);
      for (const p of [px, py, g, pdx]) heap().free(p);
    }
  });
});

describe('gather, scatter-add and one-hot', () => {
  test('gather along a middle axis with repeated and invalid ids', () => {
    for (const count of SIZES) for (const inner of [1, 3, 7]) {
      const outer = 3;
      const len = 5;
      const ids = Float32Array.from(randomArray(count, count + inner, -1, 6), (v, i) => (i % 4 === 3 ? v : Math.floor(v)));
      const x = randomArray(outer * len * inner, 3);
      const dy = randomArray(outer * count * inner, 4);
      const [pids, px, py, pdy] = [ids, x, new Float32Array(outer * count * inner), dy].map(toWasm);
      const pdx = toWasm(new Float32Array(outer * len * inner));
      gatherForward(py!, px!, pids!, outer, count, len, inner);
      gatherBackward(pdx, pdy!, pids!, outer, count, len, inner);
      const y = fromWasm(py!, outer * count * inner);
      const dx = fromWasm(pdx, outer * len * inner);
      const want = new Float64Array(outer * len * inner);
      for (let o = 0; o < outer; o++) for (let j = 0; j < count; j++) for (let c = 0; c < inner; c++) {
        const id = ids[j]!;
        const valid = Number.isInteger(id) && id >= 0 && id < len;
        expect(y[(o * count + j) * inner + c]).toBe(valid ? x[(o * len + id) * inner + c] : 0);
        if (valid) want[(o * len + id) * inner + c] = want[(o * len + id) * inner + c]! + dy[(o * count + j) * inner + c]!;
      }
      for (let i = 0; i < dx.length; i++) expect(dx[i]! - want[i]!).toBeCloseTo(0, 5);
      for (const p of [pids, px, py, pdy, pdx]) heap().free(p!);
    }
  });
  test('oneHot', () => {
    for (const n of SIZES) for (const depth of [1, 3, 5]) {
      const ids = Float32Array.from(randomArray(n, n, -1, depth + 1), (v, i) => (i % 3 === 2 ? v : Math.floor(v)));
      const pids = toWasm(ids);
      const py = toWasm(new Float32Array(n * depth).fill(7));
      oneHot(py, pids, n, depth);
      const y = fromWasm(py, n * depth);
      for (let i = 0; i < n; i++) for (let d = 0; d < depth; d++) expect(y[i * depth + d]).toBe(ids[i] === d ? 1 : 0);
      heap().free(pids);
      heap().free(py);
    }
  });
});

describe('f32_softmax_axis_forward / backward', () => {
  test('masked softmax and log-softmax over the middle axis of [outer, n, inner]', () => {
    for (const n of SIZES) for (const inner of [1, 3, 5]) for (const log of [false, true]) {
      const outer = 3;
      const size = outer * n * inner;
      const x = randomArray(size, n * inner, -4, 4);
      const mask = Float32Array.from(randomArray(size, n + inner), (v) => (v > -0.4 ? 1 : 0));
      for (let i = 0; i < n; i++) mask[i * inner] = 0; // the first row of the first block fully masked
      const dy = randomArray(size, 5);
      const dx0 = randomArray(size, 6);
      const [px, pm, py, pdy, pdx] = [x, mask, new Float32Array(size), dy, dx0].map(toWasm);
      softmaxAxisForward(py!, px!, pm!, outer, n, inner, log);
      softmaxAxisBackward(pdx!, pdy!, py!, pm!, outer, n, inner, log);
      const y = fromWasm(py!, size);
      const dx = fromWasm(pdx!, size);
      for (let o = 0; o < outer; o++) for (let c = 0; c < inner; c++) {
        const at = (i: number) => (o * n + i) * inner + c;
        const kept = Array.from({ length: n }, (_, i) => mask[at(i)] !== 0);
        const m = Math.max(...kept.map((k, i) => (k ? x[at(i)]! : -Infinity)));
        const sum = kept.reduce((s, k, i) => s + (k ? Math.exp(x[at(i)]! - m) : 0), 0);
        const p = kept.map((k, i) => (k ? Math.exp(x[at(i)]! - m) / sum : 0));
        const dot = kept.reduce((s, k, i) => s + (k ? (log ? dy[at(i)]! : dy[at(i)]! * p[i]!) : 0), 0);
        for (let i = 0; i < n; i++) {
          const want = !kept[i] ? 0 : log ? Math.log(p[i]!) : p[i]!;
          expect(Math.abs(y[at(i)]! - want)).toBeLessThan(2e-6 * (1 + Math.abs(want)));
          const g = !kept[i] ? 0 : log ? dy[at(i)]! - p[i]! * dot : p[i]! * (dy[at(i)]! - dot);
          expect(Math.abs(dx[at(i)]! - (dx0[at(i)]! + g))).toBeLessThan(1e-5);
        }
      }
      for (const q of [px, pm, py, pdy, pdx]) heap().free(q!);
    }
  });
});
