// Gradient checks of the elementwise and reduction ops on odd shapes: broadcasting with the
// operands in every position (batch axis, middle, trailing, scalar, a weight), reductions over
// every axis including the batch axis, masks from comparisons and where.
import { describe, test } from 'vitest';
import { ops } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { gradCheck, param, rand } from './gradcheck.js';

type S = SymbolicTensor;
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;

describe('elementwise ops: broadcasting in every position', () => {
  test.each(BINARY)('%s', (kind) => {
    const f = ops[kind] as (a: unknown, b: unknown) => S;
    // div: b positive; the extrema: both operands in the same range (no ties at these seeds)
    const [lo, hi] = kind === 'div' ? [1.5, 2.5] : [-1, 1];
    const eps = kind === 'maximum' || kind === 'minimum' ? 1e-3 : 1e-2;
    gradCheck(`${kind} [*,5,7] . [*,1,7]`, (a, b) => f(a, b), [rand([3, 5, 7], 1), rand([3, 1, 7], 2, lo, hi)], [], { eps });
    gradCheck(`${kind} [*,1,7] . [*,5,1]`, (a, b) => f(a, b), [rand([3, 1, 7], 3), rand([3, 5, 1], 4, lo, hi)], [], { eps });
    const u = param([1, 7], 6);
    gradCheck(`${kind} weight [1,7] . [*,5,1]`, (b) => f(u.w, b), [rand([3, 5, 1], 5, lo, hi)], [u], { eps });
    const w = param([5, 1], 7, lo, hi);
    gradCheck(`${kind} [*,5,7] . weight [5,1]`, (a) => f(a, w.w), [rand([3, 5, 7], 8)], [w], { eps });
    const v = param([7], 9, lo, hi);
    const scaled = (a: S): S => (kind === 'div' ? ops.add(ops.mul(a, 0.5), 2) : ops.mul(a, 0.5));
    gradCheck(`${kind} weight [7] . [*,5,7]`, (a) => f(v.w, scaled(a)), [rand([3, 5, 7], 13)], [v], { eps });
    gradCheck(`${kind} with a scalar`, (a) => f(a, 0.3), [rand([3, 5], 11)], [], { eps });
  });
  test('pow with a broadcast exponent', () => {
    gradCheck('pow', (a, b) => ops.pow(a, b), [rand([3, 5, 7], 1, 0.5, 2), rand([3, 1, 7], 2, 0.5, 2)]);
  });
  test.each(['neg', 'abs', 'square', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p'] as const)('unary %s', (kind) => {
    gradCheck(kind, (a) => (ops[kind] as (x: S) => S)(a), [rand([3, 5, 7], 1, 0.3, 2)]);
  });
  test('clip, comparisons as masks, where with broadcasting', () => {
    gradCheck('clip', (a) => ops.clip(a, -0.5, 0.45), [rand([3, 5, 7], 1)], [], { eps: 1e-3 });
    gradCheck('mask from greater', (a, b) => ops.mul(a, ops.greater(a, b)), [rand([3, 5, 7], 1), rand([3, 1, 7], 2)], [], { wrt: [0] });
    gradCheck('where', (c, a, b) => ops.where(ops.greater(c, 0), ops.square(a), b), [rand([3, 5, 1], 1), rand([3, 1, 7], 2), rand([3, 5, 7], 3)], [], { wrt: [1, 2] });
    const w = param([7], 4);
    gradCheck('where with a weight and a scalar', (c, a) => ops.where(ops.less(c, 0), w.w, ops.mul(a, 2)), [rand([3, 5, 1], 5), rand([3, 5, 7], 6)], [w], { wrt: [1] });
  });
});

describe('reductions over every axis', () => {
  const KINDS = ['sum', 'mean', 'max', 'min', 'variance'] as const;
  const AXES: (number | number[] | undefined)[] = [0, 1, 2, -1, [0, 2], [1, 2], undefined];
  test.each(KINDS)('%s', (kind) => {
    const f = ops[kind] as (x: S, axis?: number | number[], keepDims?: boolean) => S;
    for (const axis of AXES) {
      for (const keepDims of [false, true]) {
        gradCheck(`${kind} axis ${JSON.stringify(axis)} keepDims ${keepDims}`, (x) => f(x, axis, keepDims), [rand([3, 5, 7], 12)], [], { eps: 1e-3 });
      }
    }
  });
});
