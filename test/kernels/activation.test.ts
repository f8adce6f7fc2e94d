import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  ACTIVATION_REF, logSoftmaxBackwardRef, logSoftmaxRef, numericGradient, softmaxBackwardRef, softmaxRef,
} from '../reference/activation.js';
import { expectClose, fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap } from '../../src/backend/memory.js';

/**
 * The manifest of assembly/activation.ts: one row per elementwise activation (forward and, unless
 * `forwardOnly`, backward kernel), with the domain swept and the tolerances of the kernel against
 * the f64 reference. `reads` says which saved values the backward kernel takes.
 */
export const ELEMENTWISE = [
  { name: 'linear', stem: 'linear', reads: '', domain: 8, rtol: 0, atol: 0 },
  { name: 'step', stem: 'step', reads: '', domain: 8, rtol: 0, atol: 0, forwardOnly: true },
  { name: 'sigmoid', stem: 'sigmoid', reads: 'y', domain: 30, rtol: 1e-6, atol: 1e-7 },
  { name: 'hardSigmoid', stem: 'hard_sigmoid', reads: 'x', domain: 4, rtol: 1e-6, atol: 1e-7 },
  { name: 'tanh', stem: 'tanh', reads: 'y', domain: 12, rtol: 1e-6, atol: 1e-7 },
  { name: 'relu', stem: 'relu', reads: 'x', domain: 8, rtol: 0, atol: 0 },
  { name: 'relu6', stem: 'relu6', reads: 'x', domain: 8, rtol: 0, atol: 0 },
  { name: 'leakyRelu', stem: 'leaky_relu', reads: 'x', domain: 8, rtol: 1e-7, atol: 0, alpha: 0.3 },
  { name: 'elu', stem: 'elu', reads: 'xy', domain: 8, rtol: 1e-6, atol: 1e-7, alpha: 0.7 },
  { name: 'selu', stem: 'selu', reads: 'xy', domain: 8, rtol: 1e-6, atol: 1e-7 },
  { name: 'gelu', stem: 'gelu', reads: 'x', domain: 8, rtol: 1e-6, atol: 3e-6 },
  { name: 'geluTanh', stem: 'gelu_tanh', reads: 'x', domain: 8, rtol: 1e-6, atol: 1e-6 },
  { name: 'swish', stem: 'swish', reads: 'x', domain: 20, rtol: 1e-6, atol: 1e-7 },
  { name: 'mish', stem: 'mish', reads: 'x', domain: 20, rtol: 1e-6, atol: 1e-7 },
  { name: 'softplus', stem: 'softplus', reads: 'x', domain: 30, rtol: 1e-6, atol: 1e-7 },
  { name: 'softsign', stem: 'softsign', reads: 'x', domain: 30, rtol: 1e-6, atol: 1e-7 },
] as const;
type Row = (typeof ELEMENTWISE)[number];

/** Row-wise kernels and PReLU, tested by their own suites below. */
export const ROWWISE = ['f32_softmax_forward__simd', 'f32_softmax_backward__simd', 'f32_log_softmax_forward__simd',
  'f32_log_softmax_backward__simd', 'f32_prelu_forward__simd', 'f32_prelu_backward__simd'] as const;

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 17, 33, 65, 1001]; // tails of the 8-wide loop: 0-7

function forwardSymbol(row: Row): string { return `f32_${row.stem}_forward__simd`; }
function backwardSymbol(row: Row): string { return `f32_${row.stem}_backward__simd`; }
const alphaOf = (row: Row): number => ('alpha' in row ? row.alpha : 0);

function withBuffers<T>(arrays: ArrayLike<number>[], fn: (...ptrs: number[]) => T): T {
  const ptrs = arrays.map((a) => toWasm(a));
  try {
    return fn(...ptrs);
  } finally {
    for (const p of ptrs) heap().free(p);
  }
}

function runForward(row: Row, x: Float32Array, inPlace = false): Float32Array {
  return withBuffers([x, new Float32Array(x.length)], (px, py) => {
    const out = inPlace ? px : py;
    k()[forwardSymbol(row)]!(out, px, x.length, alphaOf(row));
    return fromWasm(out, x.length);
  });
}

test('every exported f32_* kernel of assembly/activation.ts has a manifest row', () => {
  const source = readFileSync('assembly/activation.ts', 'utf8');
  const exported = [...source.matchAll(/^export function (f32_\w+)/gm)].map((m) => m[1]!).sort();
  const manifest = [
    ...ELEMENTWISE.flatMap((r) => ('forwardOnly' in r ? [forwardSymbol(r)] : [forwardSymbol(r), backwardSymbol(r)])),
    ...ROWWISE,
  ].sort();
  expect(exported).toEqual(manifest);
  for (const symbol of manifest) expect(typeof k()[symbol], symbol).toBe('function');
});

describe.each(ELEMENTWISE.map((r) => [forwardSymbol(r), r] as const))('%s', (symbol, row) => {
  const ref = ACTIVATION_REF[row.name]!;
  test('matches the f64 reference on odd sizes, in place too', () => {
    for (const n of SIZES) {
      const x = randomArray(n, n + 3, -row.domain, row.domain);
      const want = Array.from(x, (v) => ref.f(v, Math.fround(alphaOf(row))));
      expectClose(runForward(row, x), want, `${symbol} n=${n}`, row.rtol, row.atol);
      expectClose(runForward(row, x, true), want, `${symbol} in place n=${n}`, row.rtol, row.atol);
    }
  });
  test('stays finite and exact at ±0, ±30, ±100, ±1000 and ±Inf', () => {
    const x = Float32Array.from([0, -0, 30, -30, 100, -100, 1000, -1000, Infinity, -Infinity, 1e-30, -1e-30]);
    const got = runForward(row, x);
    const want = Array.from(x, (v) => ref.f(v, Math.fround(alphaOf(row))));
    expectClose(got, want, `${symbol} at large magnitudes`, Math.max(row.rtol, 1e-6), 1e-30);
  });
  test('propagates NaN', () => {
    const got = runForward(row, Float32Array.from([NaN, 1, NaN, 2, NaN]));
    // step maps NaN to 0 (x > 0 is false), as a comparison does everywhere.
    expect(Number.isNaN(got[0]!) || row.name === 'step').toBe(true);
    expect(Number.isNaN(got[4]!) || row.name === 'step').toBe(true);
  });
});

describe.each(ELEMENTWISE.filter((r) => !('forwardOnly' in r)).map((r) => [backwardSymbol(r), r] as const))('%s', (symbol, row) => {
  const ref = ACTIVATION_REF[row.name]!;
  test('reference derivative agrees with central finite differences away from kinks', () => {
    const alpha = alphaOf(row);
    const x = Array.from(randomArray(64, 5, -row.domain / 2, row.domain / 2)).filter((v) => (ref.kinks ?? []).every((kk) => Math.abs(v - kk) > 1e-3));
    const numeric = numericGradient((p) => p.reduce((s, v) => s + ref.f(v, alpha), 0), x);
    expectClose(x.map((v) => ref.df!(v, alpha)), numeric, `${row.name}' vs finite differences`, 1e-6, 1e-7);
  });
  test('accumulates dy * f\'(x) into dx on odd sizes, reading only what it needs', () => {
    for (const n of SIZES) {
      const x = randomArray(n, n + 11, -row.domain, row.domain);
      const y = runForward(row, x);
      const dy = randomArray(n, n + 12);
      const dx0 = randomArray(n, n + 13);
      const alpha = Math.fround(alphaOf(row));
      const want = Array.from(x, (v, i) => dx0[i]! + dy[i]! * ref.df!(v, alpha));
      const got = withBuffers([dx0, dy, x, y], (pdx, pdy, px, py) => {
        // Pass 0 for the saved buffer the kernel does not read: it must not touch it.
        k()[symbol]!(pdx, pdy, row.reads.includes('x') ? px : 0, row.reads.includes('y') ? py : 0, n, alphaOf(row));
        return fromWasm(pdx, n);
      });
      expectClose(got, want, `${symbol} n=${n}`, 1e-5, 2e-6);
    }
  });
});

describe('f32_softmax_forward__simd', () => {
  test('gives 0.775 for the first entry of [3.2, 1.3, 0.2, 0.8] (the course example)', () => {
    const got = withBuffers([[3.2, 1.3, 0.2, 0.8]], (p) => {
      k().f32_softmax_forward__simd!(p, p, 1, 4);
      return fromWasm(p, 4);
    });
    expect(got[0]).toBeCloseTo(0.775, 3);
    expectClose(got, softmaxRef([3.2, 1.3, 0.2, 0.8], 4), 'softmax course example', 2e-7, 1e-8);
  });
});

describe.each([
  ['f32_softmax', softmaxRef, softmaxBackwardRef],
  ['f32_log_softmax', logSoftmaxRef, logSoftmaxBackwardRef],
] as const)('%s_forward__simd / _backward__simd', (stem, fwdRef, bwdRef) => {
  const forward = (x: ArrayLike<number>, rows: number, cols: number): Float32Array => withBuffers([x], (p) => {
    k()[`${stem}_forward__simd`]!(p, p, rows, cols);
    return fromWasm(p, rows * cols);
  });
  test('forward matches the f64 reference over rows of odd lengths', () => {
    for (const cols of SIZES) {
      for (const rows of [1, 3]) {
        const x = randomArray(rows * cols, cols * 7 + rows, -10, 10);
        expectClose(forward(x, rows, cols), fwdRef(x, cols), `${stem} rows=${rows} cols=${cols}`, 2e-6, 1e-7);
      }
    }
  });
  test('forward is stable at ±30, ±100, ±1000', () => {
    for (const scale of [30, 100, 1000]) {
      const x = Float32Array.from([scale, -scale, 0, scale / 2, -scale, scale, 1]);
      const got = forward(x, 1, 7);
      for (const v of got) expect(Number.isFinite(v)).toBe(true);
      expectClose(got, fwdRef(x, 7), `${stem} at scale ${scale}`, 2e-6, 1e-30);
    }
  });
  test('reference backward agrees with finite differences', () => {
    const cols = 5;
    const x = Array.from(randomArray(2 * cols, 9, -3, 3));
    const dy = Array.from(randomArray(2 * cols, 10));
    const numeric = numericGradient((p) => fwdRef(p, cols).reduce((s, v, i) => s + v * dy[i]!, 0), x);
    expectClose(bwdRef(new Float64Array(x.length), dy, fwdRef(x, cols), cols), numeric, `${stem} backward vs finite differences`, 1e-6, 1e-8);
  });
  test('backward accumulates into dx over rows of odd lengths', () => {
    for (const cols of SIZES) {
      const rows = 3;
      const x = randomArray(rows * cols, cols + 40, -5, 5);
      const y = forward(x, rows, cols);
      const dy = randomArray(rows * cols, cols + 41);
      const dx0 = randomArray(rows * cols, cols + 42);
      const got = withBuffers([dx0, dy, y], (pdx, pdy, py) => {
        k()[`${stem}_backward__simd`]!(pdx, pdy, py, rows, cols);
        return fromWasm(pdx, rows * cols);
      });
      expectClose(got, bwdRef(dx0, dy, y, cols), `${stem}_backward__simd cols=${cols}`, 1e-5, 1e-6 * Math.sqrt(cols));
    }
  });
});

describe('f32_prelu_forward__simd / f32_prelu_backward__simd', () => {
  test('the reference gradients (dx and dalpha) agree with finite differences', () => {
    const channels = 3;
    const x = Array.from(randomArray(12, 21, -2, 2)).map((v) => (Math.abs(v) < 1e-3 ? 0.5 : v));
    const alpha = [0.1, 0.25, 0.4];
    const dy = Array.from(randomArray(12, 22));
    const f = (xs: ArrayLike<number>, as: ArrayLike<number>) => Array.from(xs).reduce((s, v, i) => s + dy[i]! * (v > 0 ? v : as[i % channels]! * v), 0);
    const dx = x.map((v, i) => dy[i]! * (v > 0 ? 1 : alpha[i % channels]!));
    const da = alpha.map((_, c) => x.reduce((s, v, i) => s + (i % channels === c && v <= 0 ? dy[i]! * v : 0), 0));
    expectClose(dx, numericGradient((p) => f(p, alpha), x), 'prelu dx vs finite differences', 1e-6, 1e-8);
    expectClose(da, numericGradient((p) => f(x, p), alpha), 'prelu dalpha vs finite differences', 1e-6, 1e-8);
  });
  test('match the reference for every channel count, with dalpha accumulated', () => {
    for (const channels of [1, 3, 4, 5, 17, 33]) {
      const rows = 7;
      const n = rows * channels;
      const x = randomArray(n, channels, -2, 2);
      const alpha = randomArray(channels, channels + 1, 0, 0.5);
      const dy = randomArray(n, channels + 2);
      const dx0 = randomArray(n, channels + 3);
      const da0 = randomArray(channels, channels + 4);
      const wantY = Array.from(x, (v, i) => (v > 0 ? v : alpha[i % channels]! * v));
      const wantDx = Array.from(x, (v, i) => dx0[i]! + dy[i]! * (v > 0 ? 1 : alpha[i % channels]!));
      const wantDa = Float64Array.from(da0);
      x.forEach((v, i) => { if (v <= 0) wantDa[i % channels]! += dy[i]! * v; });
      withBuffers([x, alpha, dy, dx0, da0, new Float32Array(n)], (px, pa, pdy, pdx, pda, py) => {
        k().f32_prelu_forward__simd!(py, px, pa, n, channels);
        k().f32_prelu_backward__simd!(pdx, pda, pdy, px, pa, n, channels);
        expectClose(fromWasm(py, n), wantY, `prelu forward channels=${channels}`, 1e-7, 0);
        expectClose(fromWasm(pdx, n), wantDx, `prelu dx channels=${channels}`, 1e-6, 1e-7);
        expectClose(fromWasm(pda, channels), wantDa, `prelu dalpha channels=${channels}`, 1e-5, 1e-6);
      });
    }
  });
});
