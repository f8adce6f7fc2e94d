import { ShapeError, ValueError, formatShape } from './errors.js';

/** A tensor's dimensions, outermost first (row-major; images are NHWC). */
export type Shape = readonly number[];

/**
 * A float32 tensor: a shape and a JS-owned `Float32Array` in row-major order.
 * It owns nothing in wasm memory, so it never needs `dispose()`.
 */
export class Tensor {
  readonly shape: Shape;
  readonly data: Float32Array;

  /** Prefer `tensor(data, shape)`, which validates; this constructor trusts its arguments. */
  constructor(data: Float32Array, shape: Shape) {
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** A tensor with the same data (copied) and a new shape of the same size. */
  reshape(shape: Shape): Tensor {
    return tensor(this.data.slice(), shape);
  }

  /** Nested JS arrays, for printing and tests. */
  toArray(): unknown {
    const build = (offset: number, dim: number): unknown => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(offset + i * stride, dim + 1));
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)})`;
  }
}

/** Product of the dimensions (1 for a scalar shape `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Whether two shapes are equal, dimension by dimension. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless every dimension is a non-negative safe integer. */
export function checkShape(shape: Shape, who: string): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${who}: shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${who}: shape ${formatShape(shape)} has dimension ${String(d)}; dimensions must be non-negative integers`);
    }
  }
}

/**
 * Creates a tensor. `data` is copied into a new `Float32Array` unless it already is one
 * (then it is used as is). Without `shape`, a flat array gives shape `[data.length]`.
 */
export function tensor(data: Float32Array | ArrayLike<number> | number, shape?: Shape): Tensor {
  if (typeof data === 'number') data = [data];
  if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
    throw new ValueError(`tensor: data must be a Float32Array or an array of numbers, got ${typeof data}`);
  }
  const values = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  const dims = shape ?? [values.length];
  checkShape(dims, 'tensor');
  const expected = sizeOf(dims);
  if (expected !== values.length) {
    throw new ShapeError(`tensor: shape ${formatShape(dims)} needs ${expected} values, got ${values.length}`);
  }
  return new Tensor(values, dims);
}

/** A tensor of zeros. */
export function zeros(shape: Shape): Tensor {
  checkShape(shape, 'zeros');
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}

/** A tensor filled with `value`. */
export function fill(shape: Shape, value: number): Tensor {
  checkShape(shape, 'fill');
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}

/** Throws a ShapeError unless `t` is a Tensor of rank `rank`; returns its shape. */
export function expectRank(t: Tensor, rank: number | readonly number[], who: string): Shape {
  if (!(t instanceof Tensor)) throw new ValueError(`${who}: expected a Tensor, got ${describeValue(t)}`);
  const ranks = typeof rank === 'number' ? [rank] : rank;
  if (!ranks.includes(t.rank)) {
    throw new ShapeError(`${who}: expected rank ${ranks.join(' or ')}, got shape ${formatShape(t.shape)}`);
  }
  return t.shape;
}

/** What a value is, for error messages: `a Tensor [2, 3]`, `null`, `an array`, `Float32Array`, `number`. */
export function describeValue(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor ${formatShape(v.shape)}`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? (v as object).constructor?.name ?? 'an object' : typeof v;
}
