// Transcendentals for the kernels, computed here and never by the host, so every runtime gives
// the same bits. Each function has a vector form (`*_f32x4`, four lanes) and a scalar twin
// (`*_f32`) performing the same f32 operations in the same order, so a SIMD main loop and its
// scalar tail agree bit for bit. No fused multiply-add is used (wasm has none outside relaxed
// SIMD), which is what keeps the two forms identical.
//
// The error bound above each function holds over all inputs against the f64 truth: it is what
// test/kernels/math.test.ts asserts on a dense grid plus random points over the whole range, and
// bench/RESULTS.md lists the maximum measured on a 1M-point sweep. "ulp" is the f32 spacing at
// the true value (constant 2^-149 below the smallest normal).
//
// Helpers exported for other kernel files (names are stable):
//   exp_f32x4 / exp_f32, log_f32x4 / log_f32, log1p_f32x4 / log1p_f32, expm1_f32x4 / expm1_f32,
//   tanh_f32x4 / tanh_f32, erf_f32x4 / erf_f32, sigmoid_f32x4 / sigmoid_f32,
//   softplus_f32x4 / softplus_f32; row helpers hsum_f32x4, hmax_f32x4, rowMax, rowExpShifted,
//   rowLogSumExpShifted; called (not inlined) forms expV/expS, logV/logS, ... for cold code.
// Array kernels for tests and benchmarks: f32_math__simd(fn, y, x, n), f32_math__scalar(...),
// with fn one of the MATH_* codes.

// ---------------------------------------------------------------------------------------------
// Shared constants

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split for Cody-Waite reduction: LN2_HI has few mantissa bits, so n * LN2_HI is exact.
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const SQRT_HALF: f32 = 0.707106781186547524;
const F32_MIN_NORMAL: f32 = 1.17549435e-38;

// ---------------------------------------------------------------------------------------------
// exp(x)
// Max error 1 ulp on normal results (x in [-87.3, 88.7]); gradual underflow is rounded once
// (results in the subnormal range are within 1 subnormal step). x > 88.7228 -> +Inf,
// x < -103.98 -> +0, exp(±0) = 1, exp(-Inf) = 0, exp(+Inf) = +Inf, exp(NaN) = NaN.
// Method: x = n ln2 + r, |r| <= ln2/2 (Cody-Waite), degree-7 polynomial for e^r (Cephes expf
// coefficients), then scaling by 2^n in two halves so both overflow and gradual underflow come
// out of the multiplications themselves.

const EXP_MAX: f32 = 89.0;     // above ln(FLT_MAX): the scaling overflows to +Inf
const EXP_MIN: f32 = -104.0;   // below ln(smallest subnormal / 2): the scaling gives +0
/** 1.5 * 2^23: adding it rounds any |v| < 2^22 to an integer held in the low mantissa bits. */
const ROUND_MAGIC: f32 = 12582912.0;
const ROUND_MAGIC_BITS: i32 = 0x4b400000;
const EXP_P0: f32 = 1.9875691500e-4;
const EXP_P1: f32 = 1.3981999507e-3;
const EXP_P2: f32 = 8.3334519073e-3;
const EXP_P3: f32 = 4.1665795894e-2;
const EXP_P4: f32 = 1.6666665459e-1;
const EXP_P5: f32 = 5.0000001201e-1;

/** e^x in each lane (see the error bound above). */
// @ts-ignore: decorator
@inline export function exp_f32x4(v: v128): v128 {
  // pmin/pmax (one instruction each) keep a NaN in v: the comparison is false and v passes.
  const x = f32x4.pmax(f32x4.pmin(v, f32x4.splat(EXP_MAX)), f32x4.splat(EXP_MIN));
  // Round x log2(e) to an integer by adding 1.5 * 2^23: nf is the rounded value (ties to even,
  // as nearest), and the bits of the sum minus the bits of the magic are n as an integer.
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const nf = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(nf, f32x4.splat(LN2_HI))), f32x4.mul(nf, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(EXP_P0), r), f32x4.splat(EXP_P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  // 2^n = 2^n1 * 2^n2 with n1 = floor(n / 2): both halves are normal for n in [-150, 128].
  const n = i32x4.sub(t, i32x4.splat(ROUND_MAGIC_BITS));
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** Scalar twin of exp_f32x4: the same operations, the same bits. */
// @ts-ignore: decorator
@inline export function exp_f32(v: f32): f32 {
  if (v != v) return v;
  const x = max<f32>(min<f32>(v, EXP_MAX), EXP_MIN);
  const t = x * LOG2E + ROUND_MAGIC;
  const nf = t - ROUND_MAGIC;
  const r = (x - nf * LN2_HI) - nf * LN2_LO;
  let p = EXP_P0 * r + EXP_P1;
  p = p * r + EXP_P2;
  p = p * r + EXP_P3;
  p = p * r + EXP_P4;
  p = p * r + EXP_P5;
  p = (p * (r * r) + r) + 1;
  const n = reinterpret<i32>(t) - ROUND_MAGIC_BITS;
  const n1 = n >> 1;
  const n2 = n - n1;
  return (p * reinterpret<f32>((n1 + 127) << 23)) * reinterpret<f32>((n2 + 127) << 23);
}

// ---------------------------------------------------------------------------------------------
// log(x)
// Max error 1 ulp for every positive finite x, subnormals included. log(1) = 0, log(±0) = -Inf,
// log(x < 0) = NaN, log(+Inf) = +Inf, log(NaN) = NaN.
// Method: x = m 2^e with m in [sqrt(1/2), sqrt(2)) (subnormals pre-scaled by 2^23), f = m - 1,
// log(1 + f) = f - f^2/2 + f^3 P(f) with a degree-8 P (Cephes logf coefficients), and e ln 2
// added in two parts.

const LOG_P0: f32 = 7.0376836292e-2;
const LOG_P1: f32 = -1.1514610310e-1;
const LOG_P2: f32 = 1.1676998740e-1;
const LOG_P3: f32 = -1.2420140846e-1;
const LOG_P4: f32 = 1.4249322787e-1;
const LOG_P5: f32 = -1.6668057665e-1;
const LOG_P6: f32 = 2.0000714765e-1;
const LOG_P7: f32 = -2.4999993993e-1;
const LOG_P8: f32 = 3.3333331174e-1;

/** log(1 + f) - f for f in [sqrt(1/2) - 1, sqrt(2) - 1], without the e ln 2 parts. */
// @ts-ignore: decorator
@inline function logPoly_f32x4(f: v128, z: v128): v128 {
  let p = f32x4.add(f32x4.mul(f32x4.splat(LOG_P0), f), f32x4.splat(LOG_P1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(LOG_P2));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(LOG_P3));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(LOG_P4));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(LOG_P5));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(LOG_P6));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(LOG_P7));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(LOG_P8));
  return f32x4.mul(f32x4.mul(p, f), z);
}

/** log of positive normal finite lanes xs, minus `adjust` ln 2 (the subnormal pre-scale). */
// @ts-ignore: decorator
@inline function logCore_f32x4(xs: v128, adjust: v128): v128 {
  let e = i32x4.sub(i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(126)), adjust);
  const m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const small = f32x4.lt(m, f32x4.splat(SQRT_HALF));
  e = i32x4.add(e, small); // small lanes are -1: m doubles, e drops by one
  const f = f32x4.sub(f32x4.add(m, v128.and(m, small)), f32x4.splat(1));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  let y = logPoly_f32x4(f, z);
  y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  const r = f32x4.add(f, y);
  return f32x4.add(r, f32x4.mul(ef, f32x4.splat(LN2_HI)));
}

/** Natural logarithm in each lane (see the error bound above). */
// @ts-ignore: decorator
@inline export function log_f32x4(x: v128): v128 {
  const subnormal = f32x4.lt(x, f32x4.splat(F32_MIN_NORMAL));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, subnormal);
  const r = logCore_f32x4(xs, v128.and(subnormal, i32x4.splat(23)));
  // Outside (0, +Inf): 0 -> -Inf, +Inf -> +Inf, negative or NaN -> NaN.
  const inf = f32x4.splat(Infinity);
  const regular = v128.and(f32x4.gt(x, f32x4.splat(0)), f32x4.lt(x, inf));
  let special = v128.bitselect(f32x4.splat(-Infinity), f32x4.splat(NaN), f32x4.eq(x, f32x4.splat(0)));
  special = v128.bitselect(inf, special, f32x4.eq(x, inf));
  return v128.bitselect(r, special, regular);
}

/** Scalar twin of logCore_f32x4. */
// @ts-ignore: decorator
@inline function logCore_f32(xs: f32, adjust: i32): f32 {
  const bits = reinterpret<i32>(xs);
  let e = (bits >>> 23) - 126 - adjust;
  const m = reinterpret<f32>((bits & 0x007fffff) | 0x3f000000);
  let f: f32;
  if (m < SQRT_HALF) {
    e -= 1;
    f = (m + m) - 1;
  } else {
    f = m - 1;
  }
  const ef = <f32>e;
  const z = f * f;
  let p = LOG_P0 * f + LOG_P1;
  p = p * f + LOG_P2;
  p = p * f + LOG_P3;
  p = p * f + LOG_P4;
  p = p * f + LOG_P5;
  p = p * f + LOG_P6;
  p = p * f + LOG_P7;
  p = p * f + LOG_P8;
  let y = (p * f) * z;
  y = y + ef * LN2_LO;
  y = y - z * 0.5;
  return (f + y) + ef * LN2_HI;
}

/** Scalar twin of log_f32x4. */
// @ts-ignore: decorator
@inline export function log_f32(x: f32): f32 {
  if (!(x > 0)) return x == 0 ? -Infinity : NaN;
  if (x == Infinity) return x;
  const subnormal = x < F32_MIN_NORMAL;
  return logCore_f32(subnormal ? x * 8388608.0 : x, subnormal ? 23 : 0);
}

// ---------------------------------------------------------------------------------------------
// log1p(x) = log(1 + x)
// Max error 3 ulp for x > -1. log1p(±0) = ±0, log1p(-1) = -Inf, log1p(x < -1) = NaN,
// log1p(+Inf) = +Inf, log1p(NaN) = NaN.
// Method (Goldberg): u = 1 + x; if u == 1 the answer is x, else log(u) * x / (u - 1), which
// cancels the rounding error made in forming u.

/** log(1 + x) in each lane, accurate for tiny x. */
// @ts-ignore: decorator
@inline export function log1p_f32x4(x: v128): v128 {
  const u = f32x4.add(x, f32x4.splat(1));
  const d = f32x4.sub(u, f32x4.splat(1));
  const r = f32x4.mul(log_f32x4(u), f32x4.div(x, d));
  const inf = f32x4.splat(Infinity);
  return v128.bitselect(x, r, v128.or(f32x4.eq(d, f32x4.splat(0)), f32x4.eq(x, inf)));
}

/** Scalar twin of log1p_f32x4. */
// @ts-ignore: decorator
@inline export function log1p_f32(x: f32): f32 {
  const u = x + 1;
  const d = u - 1;
  if (d == 0 || x == Infinity) return x;
  return log_f32(u) * (x / d);
}

// ---------------------------------------------------------------------------------------------
// expm1(x) = e^x - 1
// Max error 2 ulp. expm1(±0) = ±0, expm1(x <= -17.4) = -1, expm1(-Inf) = -1,
// expm1(x > 88.72) = +Inf, expm1(NaN) = NaN.
// Method: exp's reduction x = n ln2 + r; with q = e^r - 1 (exp's polynomial before its + 1) and
// s = 2^n, e^x - 1 = s q + (s - 1): exact q for n = 0 (no cancellation near 0), and s - 1 exact.
// x is clamped to [-30, 89] (expm1(-30) is -1 in f32); above 40 the -1 is below half an ulp, so
// the result is e^x = (q + 1) 2^(n - 64) 2^64, which overflows to +Inf where e^x does.

const EXPM1_MIN: f32 = -30.0;
const EXPM1_BIG: f32 = 40.0;
const TWO_64: f32 = 18446744073709551616.0;

/** e^x - 1 in each lane, accurate for tiny x. */
// @ts-ignore: decorator
@inline export function expm1_f32x4(v: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(v, f32x4.splat(EXP_MAX)), f32x4.splat(EXPM1_MIN)); // NaN passes
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const nf = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(nf, f32x4.splat(LN2_HI))), f32x4.mul(nf, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(EXP_P0), r), f32x4.splat(EXP_P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EXP_P5));
  const q = f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r);
  const n = i32x4.sub(t, i32x4.splat(ROUND_MAGIC_BITS)); // [-44, 128]
  const sc = i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23); // 2^n, valid for n <= 127
  const small = f32x4.add(f32x4.mul(sc, q), f32x4.sub(sc, f32x4.splat(1)));
  const shi = i32x4.shl(i32x4.add(n, i32x4.splat(127 - 64)), 23); // 2^(n - 64)
  const big = f32x4.mul(f32x4.mul(f32x4.add(q, f32x4.splat(1)), shi), f32x4.splat(TWO_64));
  const out = v128.bitselect(big, small, f32x4.gt(x, f32x4.splat(EXPM1_BIG)));
  return v128.or(out, v128.and(x, i32x4.splat(0x80000000))); // the sign of x: expm1(-0) = -0
}

/** Scalar twin of expm1_f32x4. */
// @ts-ignore: decorator
@inline export function expm1_f32(v: f32): f32 {
  if (v != v) return v;
  const x = max<f32>(min<f32>(v, EXP_MAX), EXPM1_MIN);
  const t = x * LOG2E + ROUND_MAGIC;
  const nf = t - ROUND_MAGIC;
  const r = (x - nf * LN2_HI) - nf * LN2_LO;
  let p = EXP_P0 * r + EXP_P1;
  p = p * r + EXP_P2;
  p = p * r + EXP_P3;
  p = p * r + EXP_P4;
  p = p * r + EXP_P5;
  const q = p * (r * r) + r;
  const n = reinterpret<i32>(t) - ROUND_MAGIC_BITS;
  let out: f32;
  if (x > EXPM1_BIG) {
    out = ((q + 1) * reinterpret<f32>((n + (127 - 64)) << 23)) * TWO_64;
  } else {
    const sc = reinterpret<f32>((n + 127) << 23);
    out = sc * q + (sc - 1);
  }
  return reinterpret<f32>(reinterpret<i32>(out) | (reinterpret<i32>(x) & 0x80000000));
}

// ---------------------------------------------------------------------------------------------
// tanh(x)
// Max error 2 ulp. tanh(±0) = ±0, tanh(±Inf) = ±1, |x| >= 9.01 -> ±1 exactly, tanh(NaN) = NaN.
// Method (Cephes tanhf): |x| < 0.625: odd polynomial x + x^3 P(x^2) of degree 11; otherwise
// 1 - 2 / (e^{2|x|} + 1) with the sign of x (e^{2|x|} = +Inf gives exactly 1).

const TANH_SPLIT: f32 = 0.625;
const TANH_P0: f32 = -5.70498872745e-3;
const TANH_P1: f32 = 2.06390887954e-2;
const TANH_P2: f32 = -5.37397155531e-2;
const TANH_P3: f32 = 1.33314422036e-1;
const TANH_P4: f32 = -3.33332819422e-1;

/** Hyperbolic tangent in each lane. */
// @ts-ignore: decorator
@inline export function tanh_f32x4(x: v128): v128 {
  const a = f32x4.abs(x);
  const s = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(TANH_P0), s), f32x4.splat(TANH_P1));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(TANH_P2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(TANH_P3));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(TANH_P4));
  const near = f32x4.add(f32x4.mul(f32x4.mul(p, s), x), x);
  const e = exp_f32x4(f32x4.add(a, a));
  const far = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  // near has the sign of x except tanh(-0), far is >= 0: or-ing in the sign bit fixes both.
  const r = v128.bitselect(near, far, f32x4.lt(a, f32x4.splat(TANH_SPLIT)));
  return v128.or(r, v128.and(x, i32x4.splat(0x80000000)));
}

/** Scalar twin of tanh_f32x4. */
// @ts-ignore: decorator
@inline export function tanh_f32(x: f32): f32 {
  const a = abs<f32>(x);
  if (a < TANH_SPLIT) {
    const s = x * x;
    let p = TANH_P0 * s + TANH_P1;
    p = p * s + TANH_P2;
    p = p * s + TANH_P3;
    p = p * s + TANH_P4;
    const near = (p * s) * x + x;
    return reinterpret<f32>(reinterpret<i32>(near) | (reinterpret<i32>(x) & 0x80000000));
  }
  const e = exp_f32(a + a);
  const far: f32 = 1 - 2 / (e + 1);
  return reinterpret<f32>(reinterpret<i32>(far) | (reinterpret<i32>(x) & 0x80000000));
}

// ---------------------------------------------------------------------------------------------
// erf(x)
// Max absolute error 5e-7 (8 ulp of values near 1, worst near |x| = 3.3-3.6); 4 ulp for |x| < 1.
// erf(±0) = ±0, erf(±Inf) = ±1, |x| >= 4 -> ±1 (clamped), erf(NaN) = NaN.
// Method: rational minimax x P(x^2) / Q(x^2) on [-4, 4] with a degree-13 odd numerator and a
// degree-8 even denominator (the coefficients Eigen and TensorFlow use for float erf).

const ERF_CLAMP: f32 = 4.0;
const ERF_A1: f32 = -1.60960333262415e-2;
const ERF_A3: f32 = -2.95459980854025e-3;
const ERF_A5: f32 = -7.34990630326855e-4;
const ERF_A7: f32 = -5.69250639462346e-5;
const ERF_A9: f32 = -2.10102402082508e-6;
const ERF_A11: f32 = 2.77068142495902e-8;
const ERF_A13: f32 = -2.72614225801306e-10;
const ERF_B0: f32 = -1.42647390514189e-2;
const ERF_B2: f32 = -7.37332916720468e-3;
const ERF_B4: f32 = -1.68282697438203e-3;
const ERF_B6: f32 = -2.13374055278905e-4;
const ERF_B8: f32 = -1.45660718464996e-5;

/** Error function in each lane. */
// @ts-ignore: decorator
@inline export function erf_f32x4(v: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(v, f32x4.splat(ERF_CLAMP)), f32x4.splat(-ERF_CLAMP)); // NaN passes
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(x2, f32x4.splat(ERF_A13)), f32x4.splat(ERF_A11));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(ERF_A9));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(ERF_A7));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(ERF_A5));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(ERF_A3));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(ERF_A1));
  p = f32x4.mul(x, p);
  let q = f32x4.add(f32x4.mul(x2, f32x4.splat(ERF_B8)), f32x4.splat(ERF_B6));
  q = f32x4.add(f32x4.mul(x2, q), f32x4.splat(ERF_B4));
  q = f32x4.add(f32x4.mul(x2, q), f32x4.splat(ERF_B2));
  q = f32x4.add(f32x4.mul(x2, q), f32x4.splat(ERF_B0));
  return f32x4.div(p, q);
}

/** Scalar twin of erf_f32x4. */
// @ts-ignore: decorator
@inline export function erf_f32(v: f32): f32 {
  const x = max<f32>(min<f32>(v, ERF_CLAMP), -ERF_CLAMP);
  const x2 = x * x;
  let p = x2 * ERF_A13 + ERF_A11;
  p = x2 * p + ERF_A9;
  p = x2 * p + ERF_A7;
  p = x2 * p + ERF_A5;
  p = x2 * p + ERF_A3;
  p = x2 * p + ERF_A1;
  p = x * p;
  let q = x2 * ERF_B8 + ERF_B6;
  q = x2 * q + ERF_B4;
  q = x2 * q + ERF_B2;
  q = x2 * q + ERF_B0;
  return p / q;
}

// ---------------------------------------------------------------------------------------------
// sigmoid(x) = 1 / (1 + e^-x)
// Max error 3 ulp over all of f32, the subnormal tail (x < -87.3) included: with e = e^-|x|,
// sigmoid = (x >= 0 ? 1 : e) / (1 + e) (one rounding after exp), so nothing overflows and tiny
// results keep their relative precision. sigmoid(±Inf) = 1 / 0, sigmoid(NaN) = NaN.

/** Logistic sigmoid in each lane. */
// @ts-ignore: decorator
@inline export function sigmoid_f32x4(x: v128): v128 {
  const e = exp_f32x4(f32x4.neg(f32x4.abs(x)));
  const num = v128.bitselect(f32x4.splat(1), e, f32x4.ge(x, f32x4.splat(0)));
  return f32x4.div(num, f32x4.add(f32x4.splat(1), e));
}

/** Scalar twin of sigmoid_f32x4. */
// @ts-ignore: decorator
@inline export function sigmoid_f32(x: f32): f32 {
  const e = exp_f32(-abs<f32>(x));
  return (x >= 0 ? <f32>1 : e) / (1 + e);
}

// ---------------------------------------------------------------------------------------------
// softplus(x) = log(1 + e^x)
// Max error 3 ulp. Computed as max(x, 0) + log1p(e^-|x|): no overflow for large x, and
// softplus(x) ~ e^x keeps its relative precision for very negative x.
// softplus(-Inf) = 0, softplus(+Inf) = +Inf, softplus(NaN) = NaN.

/** Softplus in each lane. log1p(e) for e = e^-|x| in [0, 1]: 1 + e is normal, so the core log serves. */
// @ts-ignore: decorator
@inline export function softplus_f32x4(x: v128): v128 {
  const e = exp_f32x4(f32x4.neg(f32x4.abs(x)));
  const u = f32x4.add(e, f32x4.splat(1));
  const d = f32x4.sub(u, f32x4.splat(1));
  const l = f32x4.mul(logCore_f32x4(u, f32x4.splat(0)), f32x4.div(e, d));
  const t = v128.bitselect(e, l, f32x4.eq(d, f32x4.splat(0))); // log1p as log1p_f32x4 computes it
  return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), t); // pmax keeps NaN; -0 vs +0 vanishes in the sum
}

/** Scalar twin of softplus_f32x4. */
// @ts-ignore: decorator
@inline export function softplus_f32(x: f32): f32 {
  if (x != x) return x;
  const e = exp_f32(-abs<f32>(x));
  const u = e + 1;
  const d = u - 1;
  const t = d == 0 ? e : logCore_f32(u, 0) * (e / d);
  return max<f32>(x, 0) + t;
}

// ---------------------------------------------------------------------------------------------
// Row reductions for softmax, log-softmax and the crossentropies. Sums run in four lanes, then
// (l0 + l1) + (l2 + l3), then the tail, always in that order: the same bits every run.

// @ts-ignore: decorator
@inline export function hsum_f32x4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline export function hmax_f32x4(v: v128): f32 {
  return max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/**
 * Maximum of one row of `cols` floats (-Inf for an empty row). pmax (one instruction) in two
 * accumulators; a NaN may be skipped here, but it still turns the row's exp-sum into NaN.
 */
// @ts-ignore: decorator
@inline export function rowMax(x: usize, cols: i32): f32 {
  let m0 = f32x4.splat(-Infinity);
  let m1 = m0;
  let c = 0;
  for (; c + 8 <= cols; c += 8) {
    const o = <usize>c << 2;
    m0 = f32x4.pmax(m0, v128.load(x + o));
    m1 = f32x4.pmax(m1, v128.load(x + o, 16));
  }
  for (; c + 4 <= cols; c += 4) m0 = f32x4.pmax(m0, v128.load(x + (<usize>c << 2)));
  let m = hmax_f32x4(f32x4.max(m0, m1));
  for (; c < cols; c++) m = max<f32>(m, load<f32>(x + (<usize>c << 2)));
  return m;
}

/**
 * y[c] = exp(x[c] - shift) over one row; returns the sum of the y[c]. y may alias x.
 * Eight lanes per iteration in two accumulators (two independent exp chains), summed as
 * hsum(acc0 + acc1), then a 4-wide step and the scalar tail: a fixed order, the same bits every run.
 */
// @ts-ignore: decorator
@inline export function rowExpShifted(y: usize, x: usize, cols: i32, shift: f32): f32 {
  const s = f32x4.splat(shift);
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let c = 0;
  for (; c + 8 <= cols; c += 8) {
    const o = <usize>c << 2;
    const e0 = exp_f32x4(f32x4.sub(v128.load(x + o), s));
    const e1 = exp_f32x4(f32x4.sub(v128.load(x + o, 16), s));
    v128.store(y + o, e0);
    v128.store(y + o, e1, 16);
    acc0 = f32x4.add(acc0, e0);
    acc1 = f32x4.add(acc1, e1);
  }
  for (; c + 4 <= cols; c += 4) {
    const o = <usize>c << 2;
    const e = exp_f32x4(f32x4.sub(v128.load(x + o), s));
    v128.store(y + o, e);
    acc0 = f32x4.add(acc0, e);
  }
  let sum = hsum_f32x4(f32x4.add(acc0, acc1));
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const e = expS(load<f32>(x + o) - shift);
    store<f32>(y + o, e);
    sum += e;
  }
  return sum;
}

/**
 * log(sum_c exp(x[c] - shift)) of one row. With shift = rowMax(x) it is stable at any magnitude,
 * and log-softmax = (x - shift) - this, which keeps full precision near the maximum.
 */
// @ts-ignore: decorator
@inline export function rowLogSumExpShifted(x: usize, cols: i32, shift: f32): f32 {
  const s = f32x4.splat(shift);
  let vsum = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= cols; c += 4) vsum = f32x4.add(vsum, exp_f32x4(f32x4.sub(v128.load(x + (<usize>c << 2)), s)));
  let sum = hsum_f32x4(vsum);
  for (; c < cols; c++) sum += expS(load<f32>(x + (<usize>c << 2)) - shift);
  return log_f32(sum);
}

// ---------------------------------------------------------------------------------------------
// Array kernels over the helpers (tests and benchmarks): y[i] = fn(x[i]); y may alias x.

export const MATH_EXP: i32 = 0;
export const MATH_LOG: i32 = 1;
export const MATH_LOG1P: i32 = 2;
export const MATH_EXPM1: i32 = 3;
export const MATH_TANH: i32 = 4;
export const MATH_ERF: i32 = 5;
export const MATH_SIGMOID: i32 = 6;
export const MATH_SOFTPLUS: i32 = 7;

// Called (not inlined) forms of the helpers, for code that is not a hot loop (the loss kernels,
// the array kernels below): the same bits as the @inline forms, one copy in the module.
export function expV(x: v128): v128 { return exp_f32x4(x); }
export function expS(x: f32): f32 { return exp_f32(x); }
export function logV(x: v128): v128 { return log_f32x4(x); }
export function logS(x: f32): f32 { return log_f32(x); }
export function log1pV(x: v128): v128 { return log1p_f32x4(x); }
export function log1pS(x: f32): f32 { return log1p_f32(x); }
export function expm1V(x: v128): v128 { return expm1_f32x4(x); }
export function expm1S(x: f32): f32 { return expm1_f32(x); }
export function tanhV(x: v128): v128 { return tanh_f32x4(x); }
export function tanhS(x: f32): f32 { return tanh_f32(x); }
export function erfV(x: v128): v128 { return erf_f32x4(x); }
export function erfS(x: f32): f32 { return erf_f32(x); }
export function sigmoidV(x: v128): v128 { return sigmoid_f32x4(x); }
export function sigmoidS(x: f32): f32 { return sigmoid_f32(x); }
export function softplusV(x: v128): v128 { return softplus_f32x4(x); }
export function softplusS(x: f32): f32 { return softplus_f32(x); }
export function rowMaxS(x: usize, cols: i32): f32 { return rowMax(x, cols); }
export function rowLogSumExpS(x: usize, cols: i32, shift: f32): f32 { return rowLogSumExpShifted(x, cols, shift); }

// @ts-ignore: decorator
@inline function mathVector(fn: i32, v: v128): v128 {
  switch (fn) {
    case MATH_EXP: return expV(v);
    case MATH_LOG: return logV(v);
    case MATH_LOG1P: return log1pV(v);
    case MATH_EXPM1: return expm1V(v);
    case MATH_TANH: return tanhV(v);
    case MATH_ERF: return erfV(v);
    case MATH_SIGMOID: return sigmoidV(v);
    default: return softplusV(v);
  }
}

// @ts-ignore: decorator
@inline function mathScalar(fn: i32, x: f32): f32 {
  switch (fn) {
    case MATH_EXP: return expS(x);
    case MATH_LOG: return logS(x);
    case MATH_LOG1P: return log1pS(x);
    case MATH_EXPM1: return expm1S(x);
    case MATH_TANH: return tanhS(x);
    case MATH_ERF: return erfS(x);
    case MATH_SIGMOID: return sigmoidS(x);
    default: return softplusS(x);
  }
}

/** y[i] = fn(x[i]) four lanes at a time, scalar twin for the 0-3 tail. fn: a MATH_* code. */
export function f32_math__simd(fn: i32, y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, mathVector(fn, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, mathScalar(fn, load<f32>(x + o)));
  }
}

/** y[i] = fn(x[i]) with the scalar twins only (the reference the SIMD kernel must match bit for bit). */
export function f32_math__scalar(fn: i32, y: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, mathScalar(fn, load<f32>(x + o)));
  }
}
