// f64 references for assembly/math.ts. Tests may use the host's Math (they are not library
// numerics); erf has no Math.erf, so it is computed here to ~1e-15.

/** erf(x) in f64: Taylor series for |x| < 3, continued fraction for erfc beyond. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 3) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= -(a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  if (a === Infinity) return Math.sign(x);
  // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))) (Lentz)
  let f = a;
  let c = a;
  let d = 0;
  for (let k = 1; k < 300; k++) {
    const an = k / 2;
    d = a + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = a + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** The f64 value of every function assembly/math.ts provides, by its MATH_* code order. */
export const MATH_REFERENCE = {
  exp: (x: number) => Math.exp(x),
  log: (x: number) => Math.log(x),
  log1p: (x: number) => Math.log1p(x),
  expm1: (x: number) => Math.expm1(x),
  tanh: (x: number) => Math.tanh(x),
  erf,
  sigmoid: (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  softplus: (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
} as const;

export type MathName = keyof typeof MATH_REFERENCE;

/** The f32 spacing (ulp) at |v|: the distance from |v| rounded to f32 to the next f32 up. */
export function ulpOf(v: number): number {
  const a = Math.fround(Math.abs(v));
  if (a === Infinity) return Infinity;
  const buf = new Float32Array(1);
  const bits = new Uint32Array(buf.buffer);
  buf[0] = a;
  bits[0]! += 1;
  return buf[0]! - a;
}

/** Error of an f32 result `got` against the f64 truth `want`, in f32 ulps of the truth. */
export function ulpError(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (got === want || got === Math.fround(want)) return 0;
  if (!Number.isFinite(want) || !Number.isFinite(got)) return Infinity;
  // Below the smallest normal the spacing is constant (2^-149).
  const ulp = Math.max(ulpOf(want), 2 ** -149);
  return Math.abs(got - want) / ulp;
}
