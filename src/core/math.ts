// Deterministic scalar math for optimizer and schedule bookkeeping on the JS side. Only
// operations IEEE 754 rounds correctly (+, -, *, /, Math.sqrt, Math.floor, Math.round) are used,
// so every runtime computes the same bits, unlike the host's Math.exp/log/pow/cos, whose last
// bits differ between engines. Accuracy: within a few ulps of the true value (tested against
// Math.* to 1e-14 relative) over the ranges schedules and optimizers use.

/** base^n for an integer n >= 0 by binary exponentiation. */
export function powInt(base: number, n: number): number {
  let result = 1;
  let b = base;
  let e = n;
  while (e > 0) {
    if (e % 2 === 1) result *= b;
    b *= b;
    e = Math.floor(e / 2);
  }
  return result;
}

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/** 2^k for an integer k, exactly (as long as the result is a normal number). */
function pow2(k: number): number {
  return k >= 0 ? powInt(2, k) : 1 / powInt(2, -k);
}

/** e^x. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x / LN2);
  const r = x - k * LN2_HI - k * LN2_LO; // |r| <= ln2 / 2
  // Taylor series to r^17/17!: remainder < 0.347^18/18! ~ 1e-24.
  let term = 1;
  let sum = 1;
  for (let i = 1; i <= 17; i++) {
    term = (term * r) / i;
    sum += term;
  }
  // Split the scaling so 2^k never overflows or underflows on its own.
  const half = Math.trunc(k / 2);
  return sum * pow2(half) * pow2(k - half);
}

/** Natural logarithm. */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let m = x;
  let e = 0;
  while (m >= 2 ** 64) { m /= 2 ** 64; e += 64; }
  while (m < 2 ** -64) { m *= 2 ** 64; e -= 64; }
  while (m >= SQRT2) { m /= 2; e++; }
  while (m < SQRT2 / 2) { m *= 2; e--; }
  // log(m) = 2·atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: series to s^31 (remainder < 1e-24).
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let power = s;
  let sum = 0;
  for (let i = 1; i <= 31; i += 2) {
    sum += power / i;
    power *= s2;
  }
  return e * LN2_HI + (e * LN2_LO + 2 * sum);
}

/** base^y for base > 0 (any real y); integer y uses exact binary exponentiation. */
export function pow(base: number, y: number): number {
  if (Number.isInteger(y) && Math.abs(y) <= 2 ** 31) return y >= 0 ? powInt(base, y) : 1 / powInt(base, -y);
  return exp(y * log(base));
}

const HALF_PI_HI = 1.57079632673412561417e0;
const HALF_PI_LO = 6.07710050650619224932e-11;

/** cos(x), accurate for |x| up to about 1e6 (schedules use [0, π]). */
export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const k = Math.round(x / (HALF_PI_HI + HALF_PI_LO));
  const r = x - k * HALF_PI_HI - k * HALF_PI_LO; // |r| <= π/4
  const r2 = r * r;
  // Taylor series of cos and sin to r^18, r^19: remainder < (π/4)^20/20! ~ 1e-21.
  let c = 1, s = r, tc = 1, ts = r;
  for (let i = 1; i <= 9; i++) {
    tc = (-tc * r2) / ((2 * i - 1) * (2 * i));
    ts = (-ts * r2) / ((2 * i) * (2 * i + 1));
    c += tc;
    s += ts;
  }
  const quadrant = ((k % 4) + 4) % 4;
  return quadrant === 0 ? c : quadrant === 1 ? -s : quadrant === 2 ? -c : s;
}
