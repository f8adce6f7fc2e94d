import { ShapeError, ValueError, formatShape } from './errors.js';

/** A tensor's dimensions, outermost first (row-major; images are NHWC). */
export type Shape = readonly number[];

/**
 * The most elements one tensor may have: a float32 tensor must fit in wasm32 memory (4 GiB), and
 * every element count must fit the kernels' i32 sizes.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 30;

/**
 * A float32 tensor: a shape and a JS-owned `Float32Array` in row-major order.
 * It owns nothing in wasm memory, so it never needs `dispose()`. A tensor is frozen: its shape
 * and data never go out of step, so ops can trust `data.length === product(shape)`.
 */
export class Tensor {
  readonly shape: Shape;
  readonly data: Float32Array;

  /**
   * Wraps `data` (used as is, not copied) with `shape`. Throws a `ShapeError` unless every
   * dimension is a non-negative integer and `data.length` is the product of the dimensions.
   * `tensor(data, shape)` also accepts plain arrays.
   */
  constructor(data: Float32Array, shape: Shape) {
    if (!(data instanceof Float32Array)) throw new ValueError(`Tensor: data must be a Float32Array, got ${describeValue(data)}`);
    checkShape(shape, 'Tensor');
    const expected = sizeOf(shape);
    if (data.length !== expected) {
      throw new ShapeError(`Tensor: shape ${formatShape(shape)} needs ${expected} values, got a Float32Array of ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    Object.freeze(this);
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

/**
 * Throws a `ShapeError` naming `who` unless every dimension is a non-negative integer and the
 * element count is at most `MAX_TENSOR_ELEMENTS` (what wasm32 memory can hold).
 */
export function checkShape(shape: Shape, who: string): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${who}: shape must be an array of integers, got ${describeValue(shape)}`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${who}: shape ${`[${shape.map((d) => String(d)).join(', ')}]`} has dimension ${describeDim(d)}; dimensions must be non-negative integers`);
    }
  }
  const n = sizeOf(shape);
  if (n > MAX_TENSOR_ELEMENTS) {
    throw new ShapeError(
      `${who}: shape ${formatShape(shape)} has ${n} elements (${n * 4} bytes of float32); ` +
        `a tensor holds at most ${MAX_TENSOR_ELEMENTS} elements (4 GiB, the wasm32 memory limit)`,
    );
  }
}

function describeDim(d: unknown): string {
  return typeof d === 'number' ? String(d) : `${String(d)} (${typeof d})`;
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
  const values = data instanceof Float32Array ? data : toFloat32(data as ArrayLike<unknown>);
  const dims = shape === undefined ? [values.length] : shape;
  checkShape(dims, 'tensor');
  const expected = sizeOf(dims);
  if (expected !== values.length) {
    throw new ShapeError(`tensor: shape ${formatShape(dims)} needs ${expected} values, got ${values.length}`);
  }
  return new Tensor(values, dims);
}

/** Copies array-like `data` into a Float32Array; every entry must be a number (no silent NaN or 0). */
function toFloat32(data: ArrayLike<unknown>): Float32Array {
  const n = data.length;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_TENSOR_ELEMENTS) {
    throw new ValueError(`tensor: data has length ${String(n)}; expected an integer from 0 to ${MAX_TENSOR_ELEMENTS}`);
  }
  if (ArrayBuffer.isView(data) && !(data instanceof BigInt64Array || data instanceof BigUint64Array)) return Float32Array.from(data as ArrayLike<number>);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (typeof v !== 'number') throw new ValueError(`tensor: data[${i}] is ${v === null ? 'null' : typeof v}; every value must be a number`);
    out[i] = v;
  }
  return out;
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
