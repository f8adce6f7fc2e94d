import { describe, expect, test } from 'vitest';
import { ops, tensor, ShapeError } from '../../src/index.js';
import { gemmReference } from '../reference/gemm.js';
import { expectClose, randomArray } from '../util.js';

describe('ops.matmul', () => {
  test('multiplies rank-2 tensors', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor([7, 8, 9, 10, 11, 12], [3, 2]);
    const c = ops.matmul(a, b);
    expect(c.shape).toEqual([2, 2]);
    expect(Array.from(c.data)).toEqual([58, 64, 139, 154]);
  });

  test('honours transposeA, transposeB and a fused bias', () => {
    const [m, n, k] = [5, 7, 3];
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const a = tensor(randomArray(m * k, 1), transposeA ? [k, m] : [m, k]);
        const b = tensor(randomArray(k * n, 2), transposeB ? [n, k] : [k, n]);
        const bias = tensor(randomArray(n, 3));
        const got = ops.matmul(a, b, { transposeA, transposeB, bias });
        const want = gemmReference({
          m, n, k, a: a.data, lda: transposeA ? m : k, transposeA, b: b.data, ldb: transposeB ? k : n, transposeB,
          c: new Float32Array(m * n), ldc: n, accumulate: false, bias: bias.data,
        });
        expectClose(got.data, want, `matmul tA=${transposeA} tB=${transposeB}`);
      }
    }
  });

  test('multiplies batched rank-3 tensors', () => {
    const a = tensor(randomArray(3 * 4 * 5, 4), [3, 4, 5]);
    const b = tensor(randomArray(3 * 5 * 2, 5), [3, 5, 2]);
    const c = ops.matmul(a, b);
    expect(c.shape).toEqual([3, 4, 2]);
    for (let i = 0; i < 3; i++) {
      const want = gemmReference({
        m: 4, n: 2, k: 5, a: a.data.subarray(i * 20, i * 20 + 20), lda: 5, transposeA: false,
        b: b.data.subarray(i * 10, i * 10 + 10), ldb: 2, transposeB: false, c: new Float32Array(8), ldc: 2, accumulate: false,
      });
      expectClose(c.data.subarray(i * 8, i * 8 + 8), want, `batch ${i}`);
    }
  });

  test('names both shapes when inner sizes differ', () => {
    expect(() => ops.matmul(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(8), [4, 2])))
      .toThrow(/matmul: inner sizes differ: a \[2, 3\] gives k=3, b \[4, 2\] gives k=4/);
    expect(() => ops.matmul(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(8), [4, 2]))).toThrow(ShapeError);
  });

  test('rejects wrong ranks, mixed ranks, batch mismatch and a bad bias', () => {
    const v = tensor([1, 2, 3]);
    const m = tensor(new Float32Array(6), [3, 2]);
    expect(() => ops.matmul(v, m)).toThrow(/matmul: a: expected rank 2 or 3, got shape \[3\]/);
    expect(() => ops.matmul(tensor(new Float32Array(6), [1, 2, 3]), m)).toThrow(/both be rank 2 or both rank 3/);
    expect(() => ops.matmul(tensor(new Float32Array(12), [2, 2, 3]), tensor(new Float32Array(18), [3, 3, 2]))).toThrow(/batch sizes differ/);
    expect(() => ops.matmul(tensor(new Float32Array(6), [2, 3]), m, { bias: tensor([1, 2, 3]) })).toThrow(/bias \[3\] must have 2 values/);
    expect(() => ops.matmul({} as never, m)).toThrow(/matmul: a: expected a Tensor/);
  });
});

describe('ops.matmul options (issue 15)', () => {
  const a = tensor([1, 2, 3, 4], [2, 2]);
  const b = tensor([5, 6, 7, 8], [2, 2]);
  test('null, a number, an unknown key or a non-boolean flag is a clear error naming matmul', () => {
    expect(() => ops.matmul(a, b, null as never)).toThrow('matmul: options must be an object, got null');
    expect(() => ops.matmul(a, b, 5 as never)).toThrow('matmul: options must be an object, got 5');
    expect(() => ops.matmul(a, b, { transposea: true } as never)).toThrow("matmul: unknown option 'transposea' (did you mean 'transposeA'?); accepted: transposeA, transposeB, bias");
    expect(() => ops.matmul(a, b, { transposeA: 'false' as never })).toThrow('matmul: transposeA must be true or false, got false');
    expect(Array.from(ops.matmul(a, b, { transposeA: true }).data)).toEqual([26, 30, 38, 44]);
  });
});
