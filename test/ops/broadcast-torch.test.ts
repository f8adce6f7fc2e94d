// PyTorch 1.13 fixtures (scripts/fixtures/broadcast.py): broadcasting ops and reductions, values
// and autograd gradients, pinning the conventions (ties split evenly, pow's zero cases, clamp
// inclusive at its bounds, population variance).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ops, tensor } from '../../src/index.js';
import { expectClose } from '../util.js';

interface Case {
  kind: 'binary' | 'reduce' | 'where' | 'clip';
  [key: string]: unknown;
}
const fixture = JSON.parse(readFileSync('test/fixtures/broadcast/torch.json', 'utf8')) as { torch: string; cases: Case[] };
/** A fixture array; null stands for NaN (JSON has none). */
const arr = (v: unknown) => (v as Array<number | null>).map((x) => x ?? NaN);

test('the fixture was made by torch 1.13 and covers every kind', () => {
  expect(fixture.torch).toMatch(/^1\.13/);
  expect(new Set(fixture.cases.map((c) => c.kind))).toEqual(new Set(['binary', 'reduce', 'where', 'clip']));
});

describe('binary ops with broadcasting', () => {
  test.each(fixture.cases.filter((c) => c.kind === 'binary').map((c, i) => [`${String(c.op)} #${i}`, c] as const))('%s', (_, c) => {
    const op = c.op as 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
    const a = tensor(arr(c.a), arr(c.aShape));
    const b = tensor(arr(c.b), arr(c.bShape));
    const what = `${op} a [${arr(c.aShape)}] b [${arr(c.bShape)}]`;
    expectClose(ops[op](a, b).data, arr(c.y), what, 2e-6, 1e-6);
    const y = ops[op](a, b);
    const [da, db] = ops.binaryBackward(op, a, b, tensor(arr(c.dy), y.shape));
    expectClose(da.data, arr(c.da), `${what} da`, 1e-5, 1e-5);
    expectClose(db.data, arr(c.db), `${what} db`, 1e-5, 1e-5);
  });
});

describe('reductions', () => {
  test.each(fixture.cases.filter((c) => c.kind === 'reduce').map((c) => [`${String(c.op)} axis ${JSON.stringify(c.axis)} keepDims ${String(c.keepDims)}`, c] as const))('%s', (what, c) => {
    const op = c.op as 'sum' | 'mean' | 'max' | 'min' | 'variance';
    const x = tensor(arr(c.x), arr(c.shape));
    const axis = (c.axis ?? undefined) as number | number[] | undefined;
    const keepDims = c.keepDims as boolean;
    const y = ops[op](x, axis, keepDims);
    expect(y.shape).toEqual(arr(c.yShape));
    expectClose(y.data, arr(c.y), what, 2e-6, 1e-6);
    expectClose(ops.reduceBackward(op, x, tensor(arr(c.dy), y.shape), axis, keepDims).data, arr(c.dx), `${what} dx`, 1e-5, 1e-6);
  });
});

test('where and clip', () => {
  for (const c of fixture.cases) {
    if (c.kind === 'where') {
      const [cond, a, b] = [tensor(arr(c.c), arr(c.cShape)), tensor(arr(c.a), arr(c.aShape)), tensor(arr(c.b), arr(c.bShape))];
      const y = ops.where(cond, a, b);
      expectClose(y.data, arr(c.y), 'where', 1e-6, 1e-7);
      const [da, db] = ops.whereBackward(cond, a, b, tensor(arr(c.dy), y.shape));
      expectClose(da.data, arr(c.da), 'where da', 1e-6, 1e-6);
      expectClose(db.data, arr(c.db), 'where db', 1e-6, 1e-6);
    } else if (c.kind === 'clip') {
      const x = tensor(arr(c.x));
      expectClose(ops.clip(x, c.lo as number, c.hi as number).data, arr(c.y), 'clip', 0, 0);
      expectClose(ops.unaryBackward('clip', x, tensor(new Float32Array(x.size).fill(1)), c.lo as number, c.hi as number).data, arr(c.dx), 'clip dx', 0, 0);
    }
  }
});
