// Validation of augmentation strength arguments.
import { ValueError, showValue } from '../core/errors.js';

/** A strength: `f` means the range [-f, f]; `[lo, hi]` is used as it is. */
export type Factor = number | readonly [number, number];

/**
 * Resolves a factor to [lo, hi] with lo <= hi, each within [min, max].
 * `name` is the argument's name for errors (`randomRotation: factor ...`).
 */
export function toRange(factor: Factor, who: string, name: string, min = -Infinity, max = Infinity): [number, number] {
  let range: [number, number];
  if (typeof factor === 'number') {
    if (!(factor >= 0) || !Number.isFinite(factor)) throw new ValueError(`${who}: ${name} must be a finite number >= 0 or [lo, hi], got ${factor}`);
    range = [-factor, factor];
  } else if (Array.isArray(factor) && factor.length === 2 && factor.every((v) => Number.isFinite(v))) {
    range = [factor[0], factor[1]];
    if (range[0] > range[1]) throw new ValueError(`${who}: ${name} [${range.join(', ')}] must have lo <= hi`);
  } else {
    throw new ValueError(`${who}: ${name} must be a number or a [lo, hi] pair of finite numbers, got ${showValue(factor)}`);
  }
  if (range[0] < min || range[1] > max) {
    throw new ValueError(`${who}: ${name} [${range.join(', ')}] must lie within [${min}, ${max}]`);
  }
  return range;
}

/** Throws unless v is a positive integer. */
export function positiveInt(v: number, who: string, name: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(`${who}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** Throws unless [lo, hi] is an increasing pair within [min, max]. */
export function interval(v: readonly [number, number], who: string, name: string, min: number, max: number): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] >= min) || !(v[1] <= max) || !(v[0] <= v[1])) {
    throw new ValueError(`${who}: ${name} must be [lo, hi] with ${min} <= lo <= hi <= ${max}, got ${showValue(v)}`);
  }
  return [v[0], v[1]];
}
