import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { reduceGradRef, reduceRef, weightedSum, type Shape } from '../reference/elementwise.js';
import { numericGradient } from '../reference/activation.js';
import { expectClose, fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import { STRIDED_BYTES, reduceLayout, writeStrided } from '../../src/ops/strided.js';

/** The manifest of assembly/reduce.ts: one row per reduction, its kernels and its tolerance. */
export const REDUCE = [
  { op: 'sum', forward: 'f32_sum_forward', backward: 'f32_sum_backward', rtol: 1e-6, atol: 2e-6 },
  { op: 'mean', forward: 'f32_sum_forward', backward: 'f32_sum_backward', rtol: 1e-6, atol: 2e-7 },
  { op: 'max', forward: 'f32_max_forward', backward: 'f32_extremum_backward', rtol: 0, atol: 0, quantised: true },
  { op: 'min', forward: 'f32_min_forward', backward: 'f32_extremum_backward', rtol: 0, atol: 0, quantised: true },
  { op: 'variance', forward: 'f32_variance_forward', backward: 'f32_variance_backward', rtol: 2e-6, atol: 2e-7 },
] as const;
type Row = (typeof REDUCE)[number];

const SIZES = [1, 3, 5, 7, 17, 33, 65];
const size = (s: Shape) => s.reduce((p, d) => p * d, 1);

/** Shapes around an odd size n and every set of axes worth reducing: inner, outer, middle, several, all. */
function cases(n: number): Array<[Shape, number[]]> {
  return [
    [[n], [0]],
    [[5, n], [1]],
    [[5, n], [0]],
    [[5, n], [0, 1]],
    [[3, n, 5], [1]],
    [[3, n, 5], [0, 2]],
    [[2, 3, n, 1], [0, 2]],
    [[n, 1, 3], [1]],
  ];
}

function input(row: Row, n: number, seed: number): Float32Array {
  const x = randomArray(n, seed, -2, 2);
  if ('quantised' in row) for (let i = 0; i < n; i++) x[i] = Math.round(x[i]!); // ties of the extreme
  return x;
}

/** Runs `fn(struct, ...pointers)` on copies of `arrays` in wasm memory; returns them read back. */
function onWasm(shape: Shape, axes: number[], arrays: ArrayLike<number>[], fn: (g: number, ...ptrs: number[]) => void): Float32Array[] {
  const g = heap().alloc(STRIDED_BYTES);
  const ptrs = arrays.map((a) => toWasm(a));
  try {
    writeStrided(g, reduceLayout('test', shape, axes));
    fn(g, ...ptrs);
    return ptrs.map((p, i) => fromWasm(p, arrays[i]!.length));
  } finally {
    heap().free(g);
    for (const p of ptrs) heap().free(p);
  }
}

function forward(row: Row, x: Float32Array, shape: Shape, axes: number[]): Float32Array[] {
  const outputs = size(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
  const count = x.length / outputs;
  return onWasm(shape, axes, [new Float32Array(outputs), x, new Float32Array(outputs)], (g, py, px, pm) => {
    if (row.op === 'variance') k().f32_variance_forward!(py, pm, px, g);
    else if (row.op === 'sum' || row.op === 'mean') k().f32_sum_forward!(py, px, g, row.op === 'mean' ? 1 / count : 1);
    else k()[row.forward]!(py, px, g);
  });
}

test('every exported f32_* kernel of assembly/reduce.ts has a manifest row', () => {
  const source = readFileSync('assembly/reduce.ts', 'utf8');
  const exported = [...source.matchAll(/^export function (f32_\w+)/gm)].map((m) => m[1]!).sort();
  expect(exported).toEqual([...new Set(REDUCE.flatMap((r) => [r.forward, r.backward]))].sort());
});

describe.each(REDUCE.map((r) => [r.op, r] as const))('%s', (op, row) => {
  test(`${row.forward} matches the f64 reference over every kind of axis set, odd sizes`, () => {
    for (const n of SIZES) {
      for (const [shape, axes] of cases(n)) {
        const x = input(row, size(shape), n + 1);
        const [y, , mean] = forward(row, x, shape, axes);
        const what = `${row.forward} (${op}) x [${shape}] axes [${axes}]`;
        expectClose(y!, reduceRef(op, x, shape, axes), what, row.rtol, row.atol);
        if (op === 'variance') expectClose(mean!, reduceRef('mean', x, shape, axes), `${what}: saved mean`, 1e-6, 2e-7);
      }
    }
  });

  test(`${row.backward} accumulates the reference gradient`, () => {
    for (const n of SIZES) {
      for (const [shape, axes] of cases(n)) {
        const x = input(row, size(shape), n + 2);
        const [y, , mean] = forward(row, x, shape, axes);
        const dy = randomArray(y!.length, n + 3);
        const count = x.length / y!.length;
        const [dx] = onWasm(shape, axes, [new Float32Array(x.length).fill(0.5), dy, x, op === 'variance' ? mean! : y!, new Float32Array(y!.length)],
          (g, pdx, pdy, px, psaved, pwork) => {
            if (op === 'sum' || op === 'mean') k().f32_sum_backward!(pdx, pdy, g, op === 'mean' ? 1 / count : 1, 1);
            else if (op === 'variance') k().f32_variance_backward!(pdx, pdy, px, psaved, g);
            else k().f32_extremum_backward!(pdx, pdy, px, psaved, g, pwork);
          });
        const want = Array.from(reduceGradRef(op, x, shape, axes, dy), (v) => v + 0.5);
        expectClose(dx!, want, `${row.backward} (${op}) x [${shape}] axes [${axes}]`, 1e-5, 1e-6);
      }
    }
  });
});

describe('reductions: long rows, NaN, ties', () => {
  test('a sum over 100003 values stays within the blocked bound', () => {
    const x = randomArray(100_003, 9, 0, 1);
    const [y] = forward(REDUCE[0], x, [100_003], [0]);
    expectClose(y!, reduceRef('sum', x, [100_003], [0]), 'f32_sum_forward n=100003', 2e-6, 0);
  });

  test('max and min propagate NaN; their gradient goes to the NaN entries', () => {
    const x = [1, NaN, 3, 2, 2, 0];
    const [y] = forward(REDUCE[2], Float32Array.from(x), [2, 3], [1]);
    expect(Number.isNaN(y![0]!)).toBe(true);
    expect(y![1]).toBe(2);
    const [dx] = onWasm([2, 3], [1], [new Float32Array(6), [1, 1], x, y!, new Float32Array(2)], (g, pdx, pdy, px, py, pw) =>
      k().f32_extremum_backward!(pdx, pdy, px, py, g, pw));
    expect(Array.from(dx!)).toEqual([0, 1, 0, 0.5, 0.5, 0]);
  });
});

describe('the f64 reduction references against central finite differences', () => {
  // max/min only away from ties: continuous inputs. Shape [3, 4, 5] over the middle and outer axes.
  const shape: Shape = [3, 4, 5];
  test.each(REDUCE.map((r) => [r.op] as const))('%s', (op) => {
    for (const axes of [[1], [0, 2], [0, 1, 2]]) {
      const x = Float64Array.from(randomArray(60, 51));
      const dy = randomArray(60 / size(axes.map((a) => shape[a]!)), 52);
      const want = numericGradient((p) => weightedSum(reduceRef(op, p, shape, axes), dy), x);
      expectClose(reduceGradRef(op, x, shape, axes, dy), want, `${op} axes [${axes}]`, 1e-6, 1e-7);
    }
  });
});
