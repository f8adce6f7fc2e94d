// Label encoding and feature scaling. Scalers are fitted on training data and then applied,
// unchanged, to validation and test data (fit on train, apply to test).
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { given, optionsSchema } from '../core/options.js';
import { Tensor, expectRank } from '../core/tensor.js';

/**
 * One-hot encodes integer labels: `[n]` -> `[n, numClasses]` with a 1 in column `labels[i]`.
 * Labels must be integers in [0, numClasses).
 */
export function oneHot(labels: Tensor | ArrayLike<number>, numClasses: number): Tensor {
  const who = 'data.oneHot';
  let values: ArrayLike<number>;
  if (labels instanceof Tensor) {
    if (labels.rank !== 1 && !(labels.rank === 2 && labels.shape[1] === 1)) {
      throw new ShapeError(`${who}: expected labels of shape [n] or [n, 1], got ${formatShape(labels.shape)}`);
    }
    values = labels.data;
  } else if (labels !== null && typeof labels === 'object' && typeof labels.length === 'number') {
    values = labels;
  } else {
    throw new ValueError(`${who}: expected a Tensor or an array of labels, got ${typeof labels}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`${who}: numClasses must be a positive integer, got ${numClasses}`);
  }
  const n = values.length;
  const out = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = values[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new ValueError(`${who}: label ${i} is ${c}; expected an integer in [0, ${numClasses})`);
    }
    out[i * numClasses + c] = 1;
  }
  return new Tensor(out, [n, numClasses]);
}

/** A fitted per-feature affine map `(x - offset) / scale`, over the last axis. */
export class Scaler {
  constructor(
    /** 'standardize' or 'normalize'. */
    readonly kind: 'standardize' | 'normalize',
    /** Subtracted per feature: the mean, or the minimum minus `range[0] * scale`. */
    readonly offset: Float32Array,
    /** Divided by per feature: the standard deviation, or `(max - min) / (range[1] - range[0])`. */
    readonly scale: Float32Array,
  ) {}

  /** Number of features (the size of the last axis). */
  get features(): number {
    return this.offset.length;
  }

  /** Applies the fitted map to a tensor whose last axis has `features` entries. */
  apply(x: Tensor): Tensor {
    const d = this.check(x, 'apply');
    const out = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) out[i] = (x.data[i]! - this.offset[i % d]!) / this.scale[i % d]!;
    return new Tensor(out, x.shape);
  }

  /** Undoes `apply`. */
  invert(x: Tensor): Tensor {
    const d = this.check(x, 'invert');
    const out = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) out[i] = x.data[i]! * this.scale[i % d]! + this.offset[i % d]!;
    return new Tensor(out, x.shape);
  }

  /** A plain object for saving; `Scaler.fromJSON` restores it. */
  toJSON(): { kind: Scaler['kind']; offset: number[]; scale: number[] } {
    return { kind: this.kind, offset: [...this.offset], scale: [...this.scale] };
  }

  /** Restores a scaler saved with `toJSON`. */
  static fromJSON(json: { kind: Scaler['kind']; offset: number[]; scale: number[] }): Scaler {
    if (json?.offset?.length !== json?.scale?.length || (json.kind !== 'standardize' && json.kind !== 'normalize')) {
      throw new ValueError('Scaler.fromJSON: expected { kind, offset, scale } with offset and scale of equal length');
    }
    return new Scaler(json.kind, Float32Array.from(json.offset), Float32Array.from(json.scale));
  }

  private check(x: Tensor, method: string): number {
    const shape = expectRank(x, [1, 2, 3, 4, 5], `Scaler.${method}`);
    const d = this.features;
    if (shape[shape.length - 1] !== d) {
      throw new ShapeError(`Scaler.${method}: fitted on ${d} features (last axis), got shape ${formatShape(shape)}`);
    }
    return d;
  }
}

/** Per-feature statistics over all axes but the last, accumulated in f64. */
function featureStats(x: Tensor, who: string): { d: number; mean: Float64Array; std: Float64Array; min: Float64Array; max: Float64Array } {
  const shape = expectRank(x, [2, 3, 4, 5], who);
  const d = shape[shape.length - 1]!;
  const rows = x.size / d;
  if (rows === 0 || d === 0) throw new ShapeError(`${who}: cannot fit on an empty tensor ${formatShape(shape)}`);
  const mean = new Float64Array(d);
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i]!;
    if (!Number.isFinite(v)) throw new ValueError(`${who}: value ${i} is ${v}; expected finite numbers`);
    const f = i % d;
    mean[f]! += v;
    if (v < min[f]!) min[f] = v;
    if (v > max[f]!) max[f] = v;
  }
  for (let f = 0; f < d; f++) mean[f]! /= rows;
  const std = new Float64Array(d);
  for (let i = 0; i < x.size; i++) {
    const e = x.data[i]! - mean[i % d]!;
    std[i % d]! += e * e;
  }
  for (let f = 0; f < d; f++) std[f] = Math.sqrt(std[f]! / rows);
  return { d, mean, std, min, max };
}

/**
 * Fits a standardiser on `x` (rank >= 2; features on the last axis, e.g. image channels): each
 * feature gets zero mean and unit (population) standard deviation. Constant features keep scale 1.
 *
 * ```ts
 * const scaler = data.standardize(xTrain);
 * const xTrainS = scaler.apply(xTrain), xTestS = scaler.apply(xTest);
 * ```
 */
export function standardize(x: Tensor): Scaler {
  const { mean, std } = featureStats(x, 'data.standardize');
  return new Scaler('standardize', Float32Array.from(mean), Float32Array.from(std, (s) => (s > 0 ? s : 1)));
}

const normalizeSchema = optionsSchema<{ range?: readonly [number, number] }>()({ range: given<readonly [number, number]>() });

/**
 * Fits a min-max normaliser on `x` (rank >= 2, features on the last axis) mapping each feature's
 * training range onto `range` (default [0, 1]). Constant features map to `range[0]`.
 */
export function normalize(x: Tensor, options: { range?: readonly [number, number] } = {}): Scaler {
  const who = 'data.normalize';
  const range: unknown = normalizeSchema.parse(who, options).range ?? [0, 1];
  const lo = Array.isArray(range) && range.length === 2 ? range[0] : NaN;
  const hi = Array.isArray(range) && range.length === 2 ? range[1] : NaN;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new ValueError(`${who}: range must be [lo, hi] with lo < hi, got ${Array.isArray(range) ? `[${range.join(', ')}]` : JSON.stringify(range)}`);
  }
  const { d, min, max } = featureStats(x, who);
  const offset = new Float32Array(d);
  const scale = new Float32Array(d);
  for (let f = 0; f < d; f++) {
    const s = max[f]! > min[f]! ? (max[f]! - min[f]!) / (hi - lo) : 1;
    scale[f] = s;
    offset[f] = min[f]! - lo * s;
  }
  return new Scaler('normalize', offset, scale);
}
