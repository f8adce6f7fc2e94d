// The bad values the suite draws from, by what the argument should have been, and small helpers
// to build valid tensors and mutate options. Everything here is deterministic given fast-check's seed.
import fc from 'fast-check';
import { tensor, type Tensor } from '../../../src/index.js';

/** Not a Tensor at all. */
export const notATensor = fc.constantFrom<unknown>(null, undefined, 3, 'x', [1, 2, 3], new Float32Array(4), { shape: [2], data: new Float32Array(2) });

/** Dimensions no shape may have: negative, fractional, NaN, infinite, beyond wasm32, not numbers. */
export const badDim = fc.constantFrom<unknown>(-1, -7, 1.5, Number.NaN, Infinity, 2 ** 31, 1e12, '2', null, true, 2n);

// An option given as null means "not given" (the library reads options with ??, as undefined), so
// null is not among the bad values of options; it is among those of required arguments.

/** Values a positive-integer option (units, filters, epochs, ...) must refuse; 1e12 cannot fit in memory. */
export const badPositiveInt = fc.constantFrom<unknown>(0, -1, 2.5, Number.NaN, Infinity, '3', true, 2n, 1e12, [2]);

/** Values a probability/rate in [0, 1) must refuse. */
export const badRate = fc.constantFrom<unknown>(-0.1, 1, 1.5, Number.NaN, Infinity, '0.5', null, 2n);

/** Values a boolean option must refuse. */
export const badBoolean = fc.constantFrom<unknown>('false', 'true', 0, 1, 'yes', 2n);

/** Values a finite number must refuse. */
export const badNumber = fc.constantFrom<unknown>(Number.NaN, Infinity, -Infinity, '1', true, 2n, [1]);

/** An options argument that is not an object. */
export const notAnObject = fc.constantFrom<unknown>(5, 'options', true, [1], 2n);

/** A key one typo away from `key`: a letter dropped, doubled or its case changed. */
export function typo(key: string): fc.Arbitrary<string> {
  return fc.nat({ max: key.length - 1 }).chain((i) =>
    fc.constantFrom(
      key.slice(0, i) + key.slice(i + 1),
      key.slice(0, i + 1) + key.slice(i),
      key.slice(0, i) + (key[i] === key[i]!.toUpperCase() ? key[i]!.toLowerCase() : key[i]!.toUpperCase()) + key.slice(i + 1),
    ),
  ).filter((k) => k !== key && k.length > 0);
}

/** Options with one known key replaced by a typo of it (the value kept). */
export function withTypo(options: Record<string, unknown>, keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.constantFrom(...keys).chain((key) =>
    typo(key).map((wrong) => {
      const out: Record<string, unknown> = { ...options };
      const value = key in out ? out[key] : true;
      delete out[key];
      out[wrong] = value;
      return out;
    }),
  );
}

/** A seeded float tensor of `shape` with values in [-2, 2). */
export function makeTensor(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0 || 1;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 4 - 2;
  }
  return tensor(data, shape);
}

/** Small shapes of rank `lo`..`hi` with dimensions 1..`max`. */
export function smallShape(lo: number, hi: number, max = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max }), { minLength: lo, maxLength: hi });
}

/** Throws unless `got` and `want` agree to `tol` (relative to max(1, |want|)). */
export function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, want ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (!(Math.abs(got[i]! - w) <= tol * Math.max(1, Math.abs(w)))) throw new Error(`${what}: [${i}] is ${got[i]}, want ${w}`);
  }
}

/** Throws unless `shape` equals `want`. */
export function expectShape(shape: readonly number[], want: readonly number[], what: string): void {
  if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) throw new Error(`${what}: shape [${shape.join(', ')}], want [${want.join(', ')}]`);
}
