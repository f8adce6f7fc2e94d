import { describe, expect, test } from 'vitest';
import { ops, tensor, Tensor } from '../../src/index.js';
import { heap } from '../../src/backend/memory.js';
import { binaryGradRef, binaryRef, reduceGradRef, reduceRef, whereGradRef, whereRef, UNARY_REF } from '../reference/elementwise.js';
import { expectClose, randomArray } from '../util.js';

const t = (shape: number[], seed: number, lo = -2, hi = 2) => tensor(randomArray(shape.reduce((p, d) => p * d, 1), seed, lo, hi), shape);

describe('binary ops broadcast like NumPy', () => {
  const cases: Array<[number[], number[], number[]]> = [
    [[4, 7], [7], [4, 7]],
    [[4, 7], [4, 1], [4, 7]],
    [[3, 1, 5], [1, 6, 1], [3, 6, 5]],
    [[2, 3, 5], [], [2, 3, 5]],
    [[1], [3, 1], [3, 1]],
  ];
  test.each(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'lessEqual', 'notEqual'] as const)('%s: values and shapes', (op) => {
    for (const [as, bs, out] of cases) {
      const a = t(as, 1, op === 'pow' ? 0.5 : -2, 2);
      const b = t(bs, 2, op === 'div' || op === 'pow' ? 0.5 : -2, 2);
      const y = ops[op](a, b);
      expect(y.shape).toEqual(out);
      expectClose(y.data, binaryRef(op, a.data, as, b.data, bs), `ops.${op} [${as}] [${bs}]`, op === 'pow' ? 8e-7 : 6e-8, 0);
    }
  });

  test('numbers are scalars on either side', () => {
    const x = tensor([1, 2, 3], [3]);
    expect(Array.from(ops.sub(10, x).data)).toEqual([9, 8, 7]);
    expect(Array.from(ops.mul(x, 2).data)).toEqual([2, 4, 6]);
    expect(ops.add(1, 2).shape).toEqual([]);
  });

  test('binaryBackward sums each gradient over its operand\'s broadcast axes', () => {
    for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const) {
      const a = t([3, 1, 5], 3, 0.5, 2);
      const b = t([6, 1], 4, 0.5, 2);
      const dy = t([3, 6, 5], 5);
      const [da, db] = ops.binaryBackward(op, a, b, dy);
      const [wa, wb] = binaryGradRef(op, a.data, a.shape, b.data, b.shape, dy.data);
      expect(da.shape).toEqual([3, 1, 5]);
      expect(db.shape).toEqual([6, 1]);
      expectClose(da.data, wa, `${op} da`, 1e-5, 1e-5);
      expectClose(db.data, wb, `${op} db`, 1e-5, 1e-5);
    }
  });

  test('comparisons have no gradient', () => {
    const [da, db] = ops.binaryBackward('greater', t([2, 3], 1), t([3], 2), t([2, 3], 3));
    expect([...da.data, ...db.data].every((v) => v === 0)).toBe(true);
  });

  test('maximum splits the gradient evenly on ties (torch 1.13)', () => {
    const [da, db] = ops.binaryBackward('maximum', tensor([1, 2, 3]), tensor([1, 1, 4]), tensor([1, 1, 1]));
    expect(Array.from(da.data)).toEqual([0.5, 1, 0]);
    expect(Array.from(db.data)).toEqual([0.5, 0, 1]);
  });
});

describe('where, unary ops and clip', () => {
  test('where(mask, a, b) broadcasts all three and routes gradients', () => {
    const x = t([4, 5], 7);
    const mask = ops.greater(x, 0);
    const y = ops.where(mask, x, 0);
    expectClose(y.data, whereRef(mask.data, [4, 5], x.data, [4, 5], [0], []), 'where', 0, 0);
    const dy = t([4, 5], 8);
    const [dx, dzero] = ops.whereBackward(mask, x, 0, dy);
    const [wx, wz] = whereGradRef(mask.data, [4, 5], [4, 5], [], dy.data);
    expectClose(dx.data, wx, 'where da', 1e-6, 1e-6);
    expectClose(dzero.data, wz, 'where db (scalar)', 1e-5, 1e-5);
  });

  test.each(['neg', 'abs', 'square', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p'] as const)('%s and its backward', (op) => {
    const ref = UNARY_REF[op]!;
    const x = t([3, 7], 9, ref.domain[0], ref.domain[1]);
    expectClose(ops[op](x).data, Array.from(x.data, (v) => ref.f(v, 0, 0)), `ops.${op}`, 3.6e-7, 1e-30);
    const dy = t([3, 7], 10);
    expectClose(ops.unaryBackward(op, x, dy).data, Array.from(x.data, (v, i) => dy.data[i]! * ref.df(v, 0, 0)), `${op} backward`, 2e-6, 1e-6);
  });

  test('clip keeps NaN, and its gradient passes at the bounds (inclusive, as torch.clamp)', () => {
    const x = tensor([-2, -1, 0, 1, 2, NaN]);
    expect(Array.from(ops.clip(x, -1, 1).data)).toEqual([-1, -1, 0, 1, 1, NaN]);
    expect(Array.from(ops.unaryBackward('clip', x, tensor([1, 1, 1, 1, 1, 1]), -1, 1).data)).toEqual([0, 1, 1, 1, 0, 0]);
  });
});

describe('reductions', () => {
  test.each(['sum', 'mean', 'max', 'min', 'variance'] as const)('%s over each axis set, with and without keepDims', (op) => {
    const x = t([3, 5, 7], 11);
    for (const [axis, axes] of [[undefined, [0, 1, 2]], [1, [1]], [-1, [2]], [[0, 2], [0, 2]]] as const) {
      const y = ops[op](x, axis);
      const kept = ops[op](x, axis, true);
      expect(kept.shape).toEqual(x.shape.map((d, i) => ((axes as readonly number[]).includes(i) ? 1 : d)));
      expect(y.shape).toEqual(x.shape.filter((_, i) => !(axes as readonly number[]).includes(i)));
      expectClose(y.data, reduceRef(op, x.data, x.shape, axes), `ops.${op} axis ${String(axis)}`, 2e-6, 1e-6);
      expect(Array.from(kept.data)).toEqual(Array.from(y.data));
      const dy = t(y.shape as number[], 12);
      const dx = ops.reduceBackward(op, x, dy, axis);
      expectClose(dx.data, reduceGradRef(op, x.data, x.shape, axes, dy.data), `${op} backward axis ${String(axis)}`, 1e-5, 1e-6);
      expect(ops.reduceBackward(op, x, dy.reshape(kept.shape), axis, true).data).toEqual(dx.data);
    }
  });

  test('max over ties splits the gradient evenly (torch.amax), and empty axes', () => {
    const x = tensor([1, 3, 3, 2, 2, 2], [2, 3]);
    expect(Array.from(ops.reduceBackward('max', x, tensor([1, 1]), 1).data)).toEqual([0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    const empty = tensor(new Float32Array(0), [2, 0]);
    expect(Array.from(ops.sum(empty, 1).data)).toEqual([0, 0]);
    expect(ops.mean(empty, 1).data.every(Number.isNaN)).toBe(true);
    expect(() => ops.max(empty, 1)).toThrow(/max: cannot reduce \[2, 0\] over an empty axis/);
  });
});

describe('bad input names the op and the shapes', () => {
  test('incompatible shapes', () => {
    expect(() => ops.add(t([2, 3], 1), t([4], 2))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast together \(axis -1: 3 vs 4/);
    expect(() => ops.where(t([2], 1), t([3], 2), 0)).toThrow(/where: shapes \[2\] and \[3\] and \[\] cannot be broadcast/);
    expect(() => ops.binaryBackward('mul', t([2, 3], 1), t([3], 2), t([3, 3], 3))).toThrow(/mul backward: dy must have the output's shape \[2, 3\], got \[3, 3\]/);
  });

  test('wrong types, axes and bounds', () => {
    expect(() => ops.mul([1, 2] as unknown as Tensor, 2)).toThrow(/mul: a must be a Tensor or a number, got an array/);
    expect(() => ops.exp(3 as unknown as Tensor)).toThrow(/exp: x must be a Tensor, got number/);
    expect(() => ops.sum(t([2, 3], 1), 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2 \(valid: -2..1\)/);
    expect(() => ops.mean(t([2, 3], 1), [1, -1])).toThrow(/mean: axis 1 is listed twice/);
    expect(() => ops.max(t([2, 3], 1), 0.5)).toThrow(/max: axis 0.5 is out of range/);
    expect(() => ops.variance(t([2], 1), 0, 'yes' as unknown as boolean)).toThrow(/variance: keepDims must be a boolean, got string/);
    expect(() => ops.clip(t([2], 1), 1, -1)).toThrow(/clip: expected numbers lo <= hi, got lo=1, hi=-1/);
    expect(() => ops.reduceBackward('sum', t([2, 3], 1), t([3], 2), 1)).toThrow(/sum backward: dy must have the result's shape \[2\], got \[3\]/);
  });

  test('more than 8 axes that cannot merge', () => {
    const a = tensor(new Float32Array(32), [2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
    const b = tensor(new Float32Array(32), [1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect(() => ops.add(a, b)).toThrow(/add: shape \[2, 2, 2, 2, 2, 2, 2, 2, 2, 2\] needs 10 axes after merging; at most 8/);
    expect(ops.add(a, a).shape).toEqual(a.shape);
  });
});

test('eager ops release their scratch: no heap block survives a call', () => {
  const x = t([8, 9], 1);
  ops.add(x, ops.sum(x, 0, true));
  const blocks = heap().blockCount;
  for (let i = 0; i < 5; i++) {
    ops.reduceBackward('max', x, ops.max(x, 1), 1);
    ops.binaryBackward('pow', ops.abs(x), t([9], 2, 0.5, 2), x);
  }
  expect(heap().blockCount).toBe(blocks);
});
