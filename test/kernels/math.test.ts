import { describe, expect, test } from 'vitest';
import { MATH_REFERENCE, ulpError, type MathName } from '../reference/math.js';
import { fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap } from '../../src/backend/memory.js';

/** The MATH_* codes of assembly/math.ts, in order. */
const CODES: Record<MathName, number> = { exp: 0, log: 1, log1p: 2, expm1: 3, tanh: 4, erf: 5, sigmoid: 6, softplus: 7 };

/**
 * The bounds stated above each function in assembly/math.ts, and the range swept.
 * `ulp` is in f32 ulps of the true value; `abs` (erf only) an absolute bound that also passes.
 */
const BOUNDS: Record<MathName, { ulp: number; abs?: number; lo: number; hi: number; log?: boolean }> = {
  exp: { ulp: 1, lo: -104, hi: 89 },
  log: { ulp: 1, lo: 1e-45, hi: 3.4e38, log: true },
  log1p: { ulp: 3, lo: -0.9999999, hi: 1e30, log: true },
  expm1: { ulp: 2, lo: -30, hi: 88.7 },
  tanh: { ulp: 2, lo: -12, hi: 12 },
  erf: { ulp: 4, abs: 5e-7, lo: -6, hi: 6 },
  sigmoid: { ulp: 3, lo: -110, hi: 40 },
  softplus: { ulp: 3, lo: -110, hi: 110 },
};

function run(symbol: 'f32_math__simd' | 'f32_math__scalar', name: MathName, x: Float32Array): Float32Array {
  const px = toWasm(x);
  const py = heap().alloc(x.length * 4);
  try {
    k()[symbol]!(CODES[name], py, px, x.length);
    return fromWasm(py, x.length);
  } finally {
    heap().free(px);
    heap().free(py);
  }
}

/** A dense grid over [lo, hi] (geometric from lo > 0 when `log`, both signs for log1p), plus random points. */
function sweep(name: MathName): Float32Array {
  const { lo, hi, log } = BOUNDS[name];
  const n = 30001;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    if (name === 'log1p') out[i] = i % 2 === 0 ? -0.9999999 * t ** 3 : 1e-8 * Math.exp(t * Math.log(hi / 1e-8));
    else out[i] = log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
  }
  out.set(randomArray(n, 77, name === 'log' || name === 'log1p' ? 0 : -8, 8), n);
  return out;
}

describe('f32_math__simd', () => {
  test.each(Object.keys(CODES) as MathName[])('%s stays within its stated error bound over its whole range', (name) => {
    const x = sweep(name);
    const y = run('f32_math__simd', name, x);
    const { ulp, abs } = BOUNDS[name];
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = MATH_REFERENCE[name](x[i]!);
      const err = ulpError(y[i]!, want);
      const ok = err <= ulp || (abs !== undefined && Math.abs(y[i]! - want) <= abs);
      if (!ok) throw new Error(`${name}(${x[i]}) = ${y[i]}, want ${want}: ${err.toFixed(2)} ulp > ${ulp}`);
      worst = Math.max(worst, abs !== undefined && Math.abs(x[i]!) >= 1 ? 0 : err);
    }
    expect(worst).toBeLessThanOrEqual(ulp);
  });

  // Inputs with their exact answers; `null` means "the f64 reference, within the stated bound".
  const R = null;
  const specials: Array<[MathName, number[], Array<number | null>]> = [
    ['exp', [0, -0, 1, -1, 1000, -1000, Infinity, -Infinity, NaN, 88.72283, 88.7229, -87.33, -103.2, -104.5],
      [1, 1, R, R, Infinity, 0, Infinity, 0, NaN, R, Infinity, R, R, 0]],
    ['log', [0, -0, 1, -1, 1000, -1000, Infinity, -Infinity, NaN, 1e-45, 3.4028234663852886e38],
      [-Infinity, -Infinity, 0, NaN, R, NaN, Infinity, NaN, NaN, R, R]],
    ['log1p', [0, -0, 1, -1, 1000, -1000, Infinity, -Infinity, NaN, 1e-30, -1.5],
      [0, -0, R, -Infinity, R, NaN, Infinity, NaN, NaN, R, NaN]],
    ['expm1', [0, -0, 1, -1, 1000, -1000, Infinity, -Infinity, NaN, 1e-30],
      [0, -0, R, R, Infinity, -1, Infinity, -1, NaN, R]],
    ['tanh', [0, -0, 1000, -1000, Infinity, -Infinity, NaN, 9.1, -9.1, 1e-30, -1e-30],
      [0, -0, 1, -1, 1, -1, NaN, 1, -1, R, R]],
    ['erf', [0, -0, 1000, -1000, Infinity, -Infinity, NaN, 4, -4.5, 1e-30],
      [0, -0, 1, -1, 1, -1, NaN, 1, -1, R]],
    ['sigmoid', [0, -0, 1000, -1000, Infinity, -Infinity, NaN, 30, -30, 100, -100],
      [0.5, 0.5, 1, 0, 1, 0, NaN, 1, R, 1, R]],
    ['softplus', [0, -0, 1000, -1000, Infinity, -Infinity, NaN, 30, -30, 100, -100],
      [R, R, 1000, 0, Infinity, 0, NaN, 30, R, 100, R]],
  ];
  test.each(specials)('%s handles ±0, ±1000, ±Inf, NaN and the range ends', (name, xs, want) => {
    const x = Float32Array.from(xs);
    const got = run('f32_math__simd', name, x);
    const gotScalar = run('f32_math__scalar', name, x);
    for (let i = 0; i < xs.length; i++) {
      const w = want[i];
      const ok = w === null
        ? ulpError(got[i]!, MATH_REFERENCE[name](x[i]!)) <= BOUNDS[name].ulp
        : Object.is(got[i], w) || (Number.isNaN(w) && Number.isNaN(got[i]!));
      if (!ok) throw new Error(`${name}(${Object.is(xs[i], -0) ? '-0' : xs[i]}) = ${got[i]}, want ${w ?? MATH_REFERENCE[name](x[i]!)}`);
      expect(Object.is(gotScalar[i], got[i]) || (Number.isNaN(got[i]!) && Number.isNaN(gotScalar[i]!))).toBe(true);
    }
  });
});

describe('f32_math__scalar', () => {
  test.each(Object.keys(CODES) as MathName[])('%s gives the same bits as the SIMD form on odd sizes', (name) => {
    for (const n of [1, 2, 3, 5, 7, 17, 33, 65, 1001]) {
      const x = randomArray(n, n, name === 'log' ? 0 : -40, 40);
      const simd = run('f32_math__simd', name, x);
      const scalar = run('f32_math__scalar', name, x);
      const a = new Uint32Array(simd.buffer);
      const b = new Uint32Array(scalar.buffer);
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) throw new Error(`${name} n=${n}: index ${i} simd ${simd[i]} scalar ${scalar[i]}`);
    }
  });
});
