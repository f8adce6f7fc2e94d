// assembly/attention.ts against the f64 reference on odd sizes: the masked, causal, scaled score
// softmax and its backward.
import { describe, expect, test } from 'vitest';
import { heap } from '../../src/backend/memory.js';
import { ATTENTION_SHAPE, attentionSoftmaxBackward, attentionSoftmaxForward } from '../../src/kernels/attention.js';
import { allocStruct, freeStructs, writeStruct } from '../../src/kernels/structs.js';
import { attentionSoftmaxBackwardRef, attentionSoftmaxForwardRef, type SoftmaxGeometry } from '../reference/attention.js';
import { expectClose, fromWasm, randomArray, toWasm } from '../util.js';

const SIZES = [1, 3, 5, 7, 17, 33, 65];

type MaskKind = 'none' | 'full' | 'keys';

/** A 0/1 mask with about a third zeros; 'full' is [batch, tq, tk], 'keys' is [batch, tk]. */
function maskFor(kind: MaskKind, batch: number, tq: number, tk: number, seed: number): Pick<SoftmaxGeometry, 'mask' | 'maskBatchStride' | 'maskRowStride'> {
  if (kind === 'none') return { mask: undefined, maskBatchStride: 0, maskRowStride: 0 };
  const per = kind === 'full' ? tq * tk : tk;
  const mask = Float32Array.from(randomArray(batch * per, seed, 0, 1), (u) => (u < 0.33 ? 0 : 1));
  return { mask, maskBatchStride: per, maskRowStride: kind === 'full' ? tk : 0 };
}

function runForward(scores: Float32Array, g: SoftmaxGeometry): Float32Array {
  const n = scores.length;
  const ps = toWasm(scores);
  const pp = heap().alloc(n * 4);
  const pm = g.mask === undefined ? 0 : toWasm(g.mask);
  const pk = g.keys === undefined ? 0 : toWasm(g.keys);
  const shape = allocStruct(ATTENTION_SHAPE.bytes, 'attention test');
  writeStruct(shape, ATTENTION_SHAPE, {
    batch: g.batch, heads: g.heads, tq: g.tq, tk: g.tk, scale: g.scale,
    maskBatchStride: g.maskBatchStride, maskRowStride: g.maskRowStride, causal: g.causal ? 1 : 0,
  });
  attentionSoftmaxForward(pp, ps, pm, pk, shape);
  const out = fromWasm(pp, n);
  freeStructs(heap(), [shape]);
  for (const p of [ps, pp, pm, pk]) if (p !== 0) heap().free(p);
  return out;
}

describe('f32_attention_softmax_forward', () => {
  for (const kind of ['none', 'full', 'keys'] as const) {
    for (const causal of [false, true]) {
      for (const padded of [false, true]) {
        test(`matches the reference on odd sizes (mask ${kind}, causal ${causal}, key padding mask ${padded})`, () => {
          for (const tq of SIZES) {
            for (const tk of SIZES) {
              const batch = 1 + (tq % 3);
              const heads = 1 + (tk % 2);
              const scores = randomArray(batch * heads * tq * tk, tq * 97 + tk, -6, 6);
              const keys = padded ? maskFor('keys', batch, tq, tk, 7 * tq + tk).mask : undefined;
              const g: SoftmaxGeometry = { batch, heads, tq, tk, scale: 0.7, causal, ...maskFor(kind, batch, tq, tk, tq + 31 * tk), keys };
              const got = runForward(scores, g);
              expectClose(got, attentionSoftmaxForwardRef(scores, g), `forward tq=${tq} tk=${tk} mask=${kind} causal=${causal} keys=${padded}`, 2e-6, 1e-7);
            }
          }
        });
      }
    }
  }

  test('masked keys get exactly 0 and a fully masked row is all zeros', () => {
    const scores = Float32Array.from([3, 1, 2, 5, 4, 0]);
    const mask = [0, 1, 0, 0, 0, 0];
    const got = runForward(scores, { batch: 1, heads: 1, tq: 2, tk: 3, scale: 1, causal: false, mask, maskBatchStride: 6, maskRowStride: 3 });
    expect(Array.from(got)).toEqual([0, 1, 0, 0, 0, 0]);
  });

  test('a key padding mask and an attention mask combine: a key is attended only where both are 1', () => {
    const scores = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const keys = [1, 0, 1];
    const mask = [1, 1, 0, 0, 1, 0];
    const got = runForward(scores, { batch: 1, heads: 1, tq: 2, tk: 3, scale: 1, causal: false, mask, maskBatchStride: 6, maskRowStride: 3, keys });
    expect(Array.from(got)).toEqual([1, 0, 0, 0, 0, 0]);
    const keysOnly = runForward(scores, { batch: 1, heads: 1, tq: 2, tk: 3, scale: 1, causal: false, mask: undefined, maskBatchStride: 0, maskRowStride: 0, keys: [0, 0, 0] });
    expect(Array.from(keysOnly)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('causal: query i gives keys after i probability 0', () => {
    const got = runForward(randomArray(16, 5), { batch: 1, heads: 1, tq: 4, tk: 4, scale: 1, causal: true, mask: undefined, maskBatchStride: 0, maskRowStride: 0 });
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(got[i * 4 + j]).toBe(0);
    expect(got[0]).toBe(1);
  });

  test('is stable for large scores (no overflow to NaN)', () => {
    const got = runForward(Float32Array.from([1e4, 1e4 - 1, -1e4]), { batch: 1, heads: 1, tq: 1, tk: 3, scale: 1, causal: false, mask: undefined, maskBatchStride: 0, maskRowStride: 0 });
    expectClose(got, [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1)), 0], 'large scores', 1e-6, 1e-7);
  });
});

describe('f32_attention_softmax_backward', () => {
  test('accumulates scale * p * (dp - sum(dp * p)) on odd sizes', () => {
    for (const rows of SIZES) {
      for (const cols of SIZES) {
        const n = rows * cols;
        const probs = runForward(randomArray(n, rows * 13 + cols, -3, 3), { batch: 1, heads: 1, tq: rows, tk: cols, scale: 1, causal: false, mask: undefined, maskBatchStride: 0, maskRowStride: 0 });
        const dprobs = randomArray(n, rows + 7 * cols);
        const ds0 = randomArray(n, rows * cols + 11);
        const p = [ds0, dprobs, probs].map(toWasm);
        const shape = allocStruct(ATTENTION_SHAPE.bytes, 'attention test');
        writeStruct(shape, ATTENTION_SHAPE, { batch: 1, heads: rows, tq: 1, tk: cols, scale: 0.35, maskBatchStride: 0, maskRowStride: 0, causal: 0 });
        attentionSoftmaxBackward(p[0]!, p[1]!, p[2]!, shape);
        freeStructs(heap(), [shape]);
        expectClose(fromWasm(p[0]!, n), attentionSoftmaxBackwardRef(ds0, dprobs, probs, rows, cols, Math.fround(0.35)), `backward rows=${rows} cols=${cols}`, 1e-5, 1e-6);
        for (const q of p) heap().free(q);
      }
    }
  });
});
