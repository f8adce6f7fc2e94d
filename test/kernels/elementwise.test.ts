import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  BINARY_REF, UNARY_REF, binaryGradRef, binaryRef, broadcastShapeRef, weightedSum, whereGradRef, whereRef, type Shape,
} from '../reference/elementwise.js';
import { numericGradient } from '../reference/activation.js';
import { expectClose, fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import { STRIDED_BYTES, broadcastLayout, writeStrided, type StridedLayout } from '../../src/ops/strided.js';

/**
 * The manifest of assembly/elementwise.ts. Binary rows: kernel stem, input domain, whether the
 * values are quantised (so ties and equal values occur), the tolerance against the f64
 * reference, and whether a backward kernel exists (add/sub use f32_sum_backward of reduce.ts).
 */
export const BINARY = [
  { op: 'add', stem: 'add', domain: [-4, 4], rtol: 6e-8, grad: 'sum' },
  { op: 'sub', stem: 'sub', domain: [-4, 4], rtol: 6e-8, grad: 'sum' },
  { op: 'mul', stem: 'mul', domain: [-4, 4], rtol: 6e-8, grad: 'kernel' },
  { op: 'div', stem: 'div', domain: [0.5, 2], signed: true, rtol: 6e-8, grad: 'kernel' },
  // pow errs by (2 + 2 |b ln a|) ulp: |b ln a| <= 2.1 on this domain.
  { op: 'pow', stem: 'pow', domain: [0.5, 2], rtol: 8e-7, grad: 'kernel' },
  { op: 'maximum', stem: 'maximum', domain: [-1, 1], quantised: true, rtol: 0, grad: 'kernel' },
  { op: 'minimum', stem: 'minimum', domain: [-1, 1], quantised: true, rtol: 0, grad: 'kernel' },
  { op: 'greater', stem: 'greater', domain: [-1, 1], quantised: true, rtol: 0, grad: 'none' },
  { op: 'greaterEqual', stem: 'greater_equal', domain: [-1, 1], quantised: true, rtol: 0, grad: 'none' },
  { op: 'less', stem: 'less', domain: [-1, 1], quantised: true, rtol: 0, grad: 'none' },
  { op: 'lessEqual', stem: 'less_equal', domain: [-1, 1], quantised: true, rtol: 0, grad: 'none' },
  { op: 'equal', stem: 'equal', domain: [-1, 1], quantised: true, rtol: 0, grad: 'none' },
  { op: 'notEqual', stem: 'not_equal', domain: [-1, 1], quantised: true, rtol: 0, grad: 'none' },
] as const;
type BinaryRow = (typeof BINARY)[number];

/** Unary rows: forward tolerance against f64 (exp/log: math.ts's 1 ulp, log1p its 3 ulp; rsqrt: two roundings). */
export const UNARY = [
  { op: 'neg', rtol: 0 }, { op: 'abs', rtol: 0 }, { op: 'square', rtol: 6e-8 }, { op: 'sqrt', rtol: 6e-8 },
  { op: 'rsqrt', rtol: 1.2e-7 }, { op: 'exp', rtol: 1.2e-7 }, { op: 'log', rtol: 1.2e-7 }, { op: 'log1p', rtol: 3.6e-7 },
  { op: 'clip', rtol: 0 },
] as const;

const SIZES = [1, 3, 5, 7, 17, 33, 65];

/** Every broadcast position, around an inner size n. */
function binaryCases(n: number): Array<[string, Shape, Shape]> {
  return [
    ['same shape', [n], [n]],
    ['same shape 3-D', [3, 2, n], [3, 2, n]],
    ['scalar b', [3, n], []],
    ['scalar a', [], [3, n]],
    ['row b', [5, n], [n]],
    ['column b', [5, n], [5, 1]],
    ['column a', [5, 1], [5, n]],
    ['middle axis b', [3, 5, n], [3, 1, n]],
    ['both broadcast', [5, 1], [1, n]],
    ['both broadcast 3-D', [3, 1, n], [1, 5, 1]],
    ['leading axes b', [2, 3, n], [3, 1]],
  ];
}

const size = (s: Shape) => s.reduce((p, d) => p * d, 1);

function operandData(row: BinaryRow, n: number, seed: number): Float32Array {
  const [lo, hi] = row.domain;
  const x = randomArray(n, seed, lo, hi);
  if ('quantised' in row) for (let i = 0; i < n; i++) x[i] = Math.round(x[i]! * 4) / 4;
  if ('signed' in row) for (let i = 0; i < n; i += 2) x[i] = -x[i]!;
  return x;
}

/** Runs `fn(struct, ...pointers)` on copies of `arrays` in wasm memory; returns the arrays read back. */
function onWasm(layout: StridedLayout, arrays: ArrayLike<number>[], fn: (g: number, ...ptrs: number[]) => void): Float32Array[] {
  const g = heap().alloc(STRIDED_BYTES);
  const ptrs = arrays.map((a) => toWasm(a));
  try {
    writeStrided(g, layout);
    fn(g, ...ptrs);
    return ptrs.map((p, i) => fromWasm(p, arrays[i]!.length));
  } finally {
    heap().free(g);
    for (const p of ptrs) heap().free(p);
  }
}

test('every exported f32_* kernel of assembly/elementwise.ts has a manifest row', () => {
  const source = readFileSync('assembly/elementwise.ts', 'utf8');
  const exported = [...source.matchAll(/^export function (f32_\w+)/gm)].map((m) => m[1]!).sort();
  const manifest = [
    ...BINARY.map((r) => `f32_${r.stem}_forward`),
    ...BINARY.filter((r) => r.grad === 'kernel').map((r) => `f32_${r.stem}_backward`),
    ...UNARY.flatMap((r) => [`f32_${r.op}_forward`, `f32_${r.op}_backward`]),
    'f32_where_forward', 'f32_where_backward',
  ].sort();
  expect(exported).toEqual(manifest);
  for (const symbol of manifest) expect(typeof k()[symbol], symbol).toBe('function');
});

describe.each(BINARY.map((r) => [`f32_${r.stem}_forward`, r] as const))('%s', (symbol, row) => {
  test('matches the f64 reference in every broadcast position, odd sizes', () => {
    for (const n of SIZES) {
      for (const [name, as, bs] of binaryCases(n)) {
        const out = broadcastShapeRef(as, bs);
        const a = operandData(row, size(as), n + 1);
        const b = operandData(row, size(bs), n + 2);
        const [y] = onWasm(broadcastLayout(row.op, out, [as, bs]), [new Float32Array(size(out)), a, b], (g, py, pa, pb) => k()[symbol]!(py, pa, pb, g));
        expectClose(y!, binaryRef(row.op, a, as, b, bs), `${symbol} ${name} a [${as}] b [${bs}]`, row.rtol, 0);
      }
    }
  });

  test('in place (y aliases a)', () => {
    const a = operandData(row, 37, 5);
    const b = operandData(row, 37, 6);
    const want = binaryRef(row.op, a, [37], b, [37]);
    const [got] = onWasm(broadcastLayout(row.op, [37], [[37], [37]]), [a, b], (g, pa, pb) => k()[symbol]!(pa, pa, pb, g));
    expectClose(got!, want, `${symbol} in place n=37`, row.rtol, 0);
  });

  if (row.grad === 'none') return;
  test('backward: the gradient of each operand, summed over its broadcast axes, accumulates into dx', () => {
    for (const n of SIZES) {
      for (const [name, as, bs] of binaryCases(n)) {
        const out = broadcastShapeRef(as, bs);
        const a = operandData(row, size(as), n + 3);
        const b = operandData(row, size(bs), n + 4);
        const dy = randomArray(size(out), n + 5);
        const want = binaryGradRef(row.op, a, as, b, bs, dy);
        for (const operand of [0, 1] as const) {
          const dxSize = operand === 0 ? a.length : b.length;
          const [dx] = onWasm(broadcastLayout(row.op, out, [as, bs]), [new Float32Array(dxSize).fill(0.5), dy, a, b], (g, pdx, pdy, pa, pb) => {
            if (row.grad === 'sum') k().f32_sum_backward!(pdx, pdy, g, row.op === 'sub' && operand === 1 ? -1 : 1, 1 + operand);
            else k()[`f32_${row.stem}_backward`]!(pdx, pdy, pa, pb, g, operand);
          });
          const what = `${row.grad === 'sum' ? 'f32_sum_backward' : `f32_${row.stem}_backward`} operand ${operand} ${name} a [${as}] b [${bs}]`;
          expectClose(dx!, Array.from(want[operand], (v) => v + 0.5), what, 1e-5, 1e-5);
        }
      }
    }
  });
});

describe('f32_pow_forward special values (NumPy/C conventions)', () => {
  test('negative bases with integer exponents, zeros, ones, NaN', () => {
    const a = [-2, -2, -0.5, 0, 0, 0, 2, 1, -3, 4];
    const b = [3, 2, 0.5, 0, 2, -1, 0, NaN, -2, 0.5];
    const want = [-8, 4, NaN, 1, 0, Infinity, 1, 1, 1 / 9, 2];
    const [y] = onWasm(broadcastLayout('pow', [10], [[10], [10]]), [new Float32Array(10), a, b], (g, py, pa, pb) => k().f32_pow_forward!(py, pa, pb, g));
    expectClose(y!, want, 'f32_pow_forward special values', 2e-7, 0);
  });

  test('backward zero cases follow torch 1.13: base grad 0 where b == 0, exponent grad 0 where a == 0 and b >= 0', () => {
    const a = [0, 0, 2, -2];
    const b = [0, 2, 0, 3];
    const layout = broadcastLayout('pow', [4], [[4], [4]]);
    const dy = [1, 1, 1, 1];
    const [da] = onWasm(layout, [new Float32Array(4), dy, a, b], (g, pdx, pdy, pa, pb) => k().f32_pow_backward!(pdx, pdy, pa, pb, g, 0));
    const [db] = onWasm(layout, [new Float32Array(4), dy, a, b], (g, pdx, pdy, pa, pb) => k().f32_pow_backward!(pdx, pdy, pa, pb, g, 1));
    expectClose(da!, [0, 0, 0, 12], 'f32_pow_backward operand 0', 1e-6, 0);
    expectClose(db!, [0, 0, Math.LN2, NaN], 'f32_pow_backward operand 1', 1e-6, 0);
  });
});

describe('f32_where_forward / f32_where_backward', () => {
  const cases = (n: number): Array<[string, Shape, Shape, Shape]> => [
    ['all same', [3, n], [3, n], [3, n]],
    ['scalar b (mask fill)', [3, n], [3, n], []],
    ['column cond', [3, 1], [3, n], [n]],
    ['row cond, scalar a', [n], [], [4, n]],
  ];
  test('forward and both gradients match the reference in every broadcast position', () => {
    for (const n of SIZES) {
      for (const [name, cs, as, bs] of cases(n)) {
        const out = broadcastShapeRef(cs, as, bs);
        const c = Float32Array.from(randomArray(size(cs), n + 7), (v) => (v > 0 ? 1 : v < -0.8 ? NaN : 0));
        const a = randomArray(size(as), n + 8);
        const b = randomArray(size(bs), n + 9);
        const layout = broadcastLayout('where', out, [cs, as, bs]);
        const what = `cond [${cs}] a [${as}] b [${bs}] (${name})`;
        const [y] = onWasm(layout, [new Float32Array(size(out)), c, a, b], (g, py, pc, pa, pb) => k().f32_where_forward!(py, pc, pa, pb, g));
        expectClose(y!, whereRef(c, cs, a, as, b, bs), `f32_where_forward ${what}`, 0, 0);
        const dy = randomArray(size(out), n + 10);
        const want = whereGradRef(c, cs, as, bs, dy);
        for (const operand of [0, 1] as const) {
          const [dx] = onWasm(layout, [new Float32Array(want[operand].length), dy, c], (g, pdx, pdy, pc) => k().f32_where_backward!(pdx, pdy, pc, g, operand));
          expectClose(dx!, want[operand], `f32_where_backward operand ${operand} ${what}`, 1e-5, 1e-5);
        }
      }
    }
  });
});

describe.each(UNARY.map((r) => [r.op, r] as const))('f32_%s_forward / backward', (op, row) => {
  const ref = UNARY_REF[op]!;
  const [lo, hi] = [-1, 1.5];
  const layout = (n: number): StridedLayout => ({ dims: [n], strides: [[1], [1], [0], [0]] });
  const input = (n: number) => {
    const x = randomArray(n, n + 11, ref.domain[0], ref.domain[1]);
    if (op === 'clip') for (let i = 0; i < n; i += 5) x[i] = i % 2 === 0 ? lo : hi; // the bounds themselves
    return x;
  };
  const forward = (x: Float32Array, inPlace: boolean) =>
    onWasm(layout(x.length), [x, new Float32Array(x.length), [lo], [hi]], (g, px, py, plo, phi) => {
      const out = inPlace ? px : py;
      if (op === 'clip') k().f32_clip_forward!(out, px, plo, phi, g);
      else k()[`f32_${op}_forward`]!(out, px, g);
    })[inPlace ? 0 : 1]!;

  test('forward matches the f64 reference on odd sizes, in place too', () => {
    for (const n of [...SIZES, 1001]) {
      const x = input(n);
      const want = Array.from(x, (v) => ref.f(v, lo, hi));
      expectClose(forward(x, false), want, `f32_${op}_forward n=${n}`, row.rtol, 1e-30);
      expectClose(forward(x.slice(), true), want, `f32_${op}_forward in place n=${n}`, row.rtol, 1e-30);
    }
  });

  test('backward accumulates dy * f\'(x) on odd sizes', () => {
    for (const n of [...SIZES, 1001]) {
      const x = input(n);
      const y = forward(x, false);
      const dy = randomArray(n, n + 12);
      const [dx] = onWasm(layout(n), [new Float32Array(n).fill(0.25), dy, x, y], (g, pdx, pdy, px, py) =>
        k()[`f32_${op}_backward`]!(pdx, pdy, px, py, g));
      expectClose(dx!, Array.from(x, (v, i) => 0.25 + dy[i]! * ref.df(v, lo, hi)), `f32_${op}_backward n=${n}`, 2e-6, 1e-6);
    }
  });
});

test('the general path: a transposed input (inner stride 5) walks element by element', () => {
  // y[j, i] = x[i, j] + 1 for x [3, 5]: x read with strides [1, 5] over the iteration shape [5, 3].
  const x = randomArray(15, 31);
  const layout: StridedLayout = { dims: [5, 3], strides: [[3, 1], [1, 5], [0, 0], [0, 0]] };
  const [y] = onWasm(layout, [new Float32Array(15), x, [1]], (g, py, px, pone) => k().f32_add_forward!(py, px, pone, g));
  const want = Array.from({ length: 15 }, (_, f) => x[(f % 3) * 5 + Math.floor(f / 3)]! + 1);
  expectClose(y!, want, 'f32_add_forward transposed x [3, 5] -> [5, 3]', 6e-8, 0);
});

describe('the f64 references against central finite differences', () => {
  const as: Shape = [3, 1];
  const bs: Shape = [1, 4];
  const dy = randomArray(12, 41);
  test.each(BINARY.filter((r) => r.grad !== 'none').map((r) => [r.op] as const))('%s, both operands broadcasting', (op) => {
    // Continuous values away from ties (maximum/minimum) and in pow's smooth domain.
    const a = Float64Array.from(randomArray(3, 42, 0.5, 2));
    const b = Float64Array.from(randomArray(4, 43, 0.6, 1.9));
    const [da, db] = binaryGradRef(op, a, as, b, bs, dy);
    expectClose(da, numericGradient((p) => weightedSum(binaryRef(op, p, as, b, bs), dy), a), `${op} da`, 1e-6, 1e-7);
    expectClose(db, numericGradient((p) => weightedSum(binaryRef(op, a, as, p, bs), dy), b), `${op} db`, 1e-6, 1e-7);
  });

  test.each(Object.keys(UNARY_REF).map((op) => [op] as const))('%s', (op) => {
    const ref = UNARY_REF[op]!;
    const x = Float64Array.from(randomArray(9, 44, ref.domain[0] / 2 + 0.1, ref.domain[1] / 2));
    const w = randomArray(9, 45);
    const want = numericGradient((p) => weightedSum(Array.from(p, (v) => ref.f(v, -1, 1.5)), w), x);
    expectClose(Array.from(x, (v, i) => w[i]! * ref.df(v, -1, 1.5)), want, `${op}'`, 1e-6, 1e-7);
  });

  test('where, cond broadcasting', () => {
    const c = [1, 0, 1];
    const a = Float64Array.from(randomArray(4, 46));
    const b = Float64Array.from(randomArray(3, 47));
    const [da, db] = whereGradRef(c, [3, 1], [1, 4], [3, 1], dy);
    expectClose(da, numericGradient((p) => weightedSum(whereRef(c, [3, 1], p, [1, 4], b, [3, 1]), dy), a), 'where da', 1e-6, 1e-7);
    expectClose(db, numericGradient((p) => weightedSum(whereRef(c, [3, 1], a, [1, 4], p, [3, 1]), dy), b), 'where db', 1e-6, 1e-7);
  });
});

test('unary gradients (flat kernels) take the scalar loop for other strides', () => {
  // dx and x every other float of 14, dy and y contiguous 7: the square gradient dx += 2 x dy.
  const x = randomArray(14, 61);
  const dy = randomArray(7, 62);
  const layout: StridedLayout = { dims: [7], strides: [[1], [2], [0], [0]] };
  const [dx] = onWasm(layout, [new Float32Array(14), dy, x, new Float32Array(7)], (g, pdx, pdy, px, py) => k().f32_square_backward!(pdx, pdy, px, py, g));
  const want = Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? 2 * x[i]! * dy[i / 2]! : 0));
  expectClose(dx!, want, 'f32_square_backward strided dx, x (stride 2)', 1e-7, 0);
});
