// The geometry of windowed NHWC ops (convolution, pooling, resizing) and its wasm struct.
//
// `Geometry` is computed once in pure TypeScript (validated, with errors naming the caller) and
// holds the input/output/filter shapes and the paddings. `ptr()` writes the 18-field i32 struct
// of assembly/geometry.ts into wasm memory ONCE (a heap block cached on the object, re-made only
// after a re-init), so a layer that keeps its geometry pays nothing per step; `release()` frees
// it. The tensor-level ops release theirs when they return.
import { ShapeError, ValueError, formatShape, showValue } from '../core/errors.js';
import { heap, i32, withScratch, writeF32, readF32, f32 } from '../backend/memory.js';
import { wasm, type WasmExports } from '../kernels/exports.js';
import { GEOMETRY_BYTES, GEOMETRY_OFFSETS } from '../kernels/geometry.js';
import { MAX_TENSOR_ELEMENTS, Tensor, type Shape } from '../core/tensor.js';


/** A field of the wasm geometry struct. */
export type GeometryField =
  | 'batch' | 'inH' | 'inW' | 'inC' | 'outH' | 'outW' | 'outC' | 'kH' | 'kW' | 'strideH' | 'strideW'
  | 'dilationH' | 'dilationW' | 'padTop' | 'padBottom' | 'padLeft' | 'padRight' | 'depthMultiplier';

/** The fields of the wasm geometry struct in ABI order (their byte offsets come from the module: GEOMETRY_OFFSETS). */
export const GEOMETRY_FIELDS: readonly GeometryField[] = [
  'batch', 'inH', 'inW', 'inC', 'outH', 'outW', 'outC', 'kH', 'kW', 'strideH', 'strideW',
  'dilationH', 'dilationW', 'padTop', 'padBottom', 'padLeft', 'padRight', 'depthMultiplier',
];

/** The struct's values, by field name. */
export type GeometryStruct = { readonly [F in GeometryField]: number };

/** Padding of a window: 'valid' (none), 'same' (TensorFlow: extra pixel bottom/right) or explicit [top, bottom, left, right]. */
export type Padding = 'valid' | 'same' | readonly [number, number, number, number];

/** A validated geometry: shapes, paddings and the (lazily written) wasm struct. */
export class Geometry<K extends string = string> {
  private cached = 0;
  private owner: WasmExports | undefined;
  /** Number of elements of the input, the output and the filter (0 without one). */
  readonly inputSize: number;
  readonly outputSize: number;
  readonly filterSize: number;

  constructor(
    /** The op this geometry is for (pointer functions check it). */
    readonly kind: K,
    readonly inputShape: Shape,
    readonly outputShape: Shape,
    /** The filter's shape (convolutions) or undefined. */
    readonly filterShape: Shape | undefined,
    /** [top, bottom, left, right] actually applied to the input (crops for cropping2d). */
    readonly padding: readonly [number, number, number, number],
    /** The values written to wasm. */
    readonly struct: GeometryStruct,
  ) {
    Object.freeze(this.padding);
    this.inputSize = inputShape.reduce((a, b) => a * b, 1);
    this.outputSize = outputShape.reduce((a, b) => a * b, 1);
    this.filterSize = filterShape === undefined ? 0 : filterShape.reduce((a, b) => a * b, 1);
  }

  /** Byte offset of the struct in wasm memory (written on first use, then cached). */
  ptr(): number {
    const w = wasm();
    if (this.cached !== 0 && this.owner === w) return this.cached;
    this.cached = heap().alloc(GEOMETRY_BYTES);
    this.owner = w;
    const view = i32();
    for (let i = 0; i < GEOMETRY_FIELDS.length; i++) {
      const field = GEOMETRY_FIELDS[i]!;
      view[(this.cached + GEOMETRY_OFFSETS[field]) >>> 2] = this.struct[field];
    }
    return this.cached;
  }

  /** Frees the cached struct (the geometry stays usable; `ptr()` writes it again). */
  release(): void {
    if (this.cached !== 0 && this.owner === wasm()) heap().free(this.cached);
    this.cached = 0;
    this.owner = undefined;
  }

}

/** Throws unless `v` is an integer >= min. */
export function checkInt(v: unknown, what: string, who: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new ValueError(`${who}: ${what} must be an integer >= ${min}, got ${showValue(v)}`);
  }
  return v;
}

/** A number or a pair of numbers as a validated [height, width] pair of integers >= min. */
export function pair(v: unknown, what: string, who: string, min = 1): [number, number] {
  if (typeof v === 'number') return [checkInt(v, what, who, min), checkInt(v, what, who, min)];
  if (Array.isArray(v) && v.length === 2) return [checkInt(v[0], what, who, min), checkInt(v[1], what, who, min)];
  throw new ValueError(`${who}: ${what} must be an integer or [height, width], got ${showValue(v)}`);
}

/** Checks an NHWC shape [batch, height, width, channels] of positive integers. */
export function checkImageShape(shape: unknown, what: string, who: string): [number, number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    const got = Array.isArray(shape) ? formatShape(shape) : String(shape);
    throw new ShapeError(`${who}: expected ${what} of rank 4 [batch, height, width, channels] with positive sizes, got ${got}`);
  }
  return shape as [number, number, number, number];
}

/** Checks that a tensor is a Tensor with exactly `shape`. */
export function expectShape(t: unknown, shape: Shape, what: string, who: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${who}: ${what} must be a Tensor, got ${typeof t}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${who}: expected ${what} ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
  return t;
}

/** Checks a rank-4 image tensor and returns its shape. */
export function expectImage(t: unknown, what: string, who: string): [number, number, number, number] {
  if (!(t instanceof Tensor)) throw new ValueError(`${who}: ${what} must be a Tensor, got ${typeof t}`);
  return checkImageShape(t.shape, what, who);
}

/** Paddings and output size along one axis (TensorFlow semantics). */
export function windowAxis(
  size: number, k: number, stride: number, dilation: number, padding: Padding, axis: 0 | 1, who: string,
): { out: number; before: number; after: number } {
  const span = dilation * (k - 1) + 1;
  let before: number;
  let after: number;
  if (padding === 'valid') {
    before = after = 0;
  } else if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    before = Math.floor(total / 2);
    after = total - before;
  } else {
    before = padding[axis * 2]!;
    after = padding[axis * 2 + 1]!;
  }
  if (size + before + after < span) {
    const dim = axis === 0 ? 'height' : 'width';
    throw new ShapeError(
      `${who}: window ${dim} ${k}${dilation > 1 ? ` (dilated to ${span})` : ''} is larger than the padded input ${dim} ` +
        `${size + before + after} (${size} + padding ${before} + ${after})`,
    );
  }
  return { out: Math.floor((size + before + after - span) / stride) + 1, before, after };
}

/** Validates a padding option. */
export function checkPadding(padding: unknown, who: string, allowExplicit = true): Padding {
  if (padding === 'valid' || padding === 'same') return padding;
  if (allowExplicit && Array.isArray(padding) && padding.length === 4 && padding.every((p) => Number.isSafeInteger(p) && p >= 0)) {
    return padding as unknown as Padding;
  }
  const allowed = allowExplicit ? "'valid', 'same' or [top, bottom, left, right] of non-negative integers" : "'valid' or 'same'";
  throw new ValueError(`${who}: padding must be ${allowed}, got ${showValue(padding)}`);
}

/**
 * Tensor-level wrapper: copies `inputs` into scratch, zero-fills an output of `outSize` floats,
 * runs `body(outPtr, inputPtrs)`, copies the output out and releases the geometry's struct (if any).
 */
export function runOp(geometry: Geometry | undefined, inputs: Float32Array[], outSize: number, outShape: Shape, body: (out: number, ins: number[]) => void): Tensor {
  if (outSize > MAX_TENSOR_ELEMENTS) {
    geometry?.release();
    throw new ShapeError(
      `${geometry?.kind ?? 'op'}: cannot allocate ${outSize * 4} bytes for output ${formatShape(outShape)} (${outSize} values): ` +
        `a tensor holds at most ${MAX_TENSOR_ELEMENTS} values (4 GiB, the wasm32 memory limit)`,
    );
  }
  const out = new Float32Array(outSize);
  try {
    withScratch((alloc) => {
      const ins = inputs.map((data) => {
        const p = alloc(data.length * 4);
        writeF32(p, data);
        return p;
      });
      const po = alloc(outSize * 4);
      f32().fill(0, po >>> 2, (po >>> 2) + outSize);
      body(po, ins);
      readF32(po, outSize, out);
    }, geometry?.kind);
  } finally {
    geometry?.release();
  }
  return new Tensor(out, outShape);
}
