// Shape logic of the strided kernels (assembly/strided.ts): NumPy broadcasting, reduction axes,
// and the i32 shape struct the walker reads. Everything here except `writeStrided` is pure (no
// wasm), so a traced graph can infer shapes and lay out structs once, before any kernel runs.
import { ShapeError, formatShape } from '../core/errors.js';
import { i32 } from '../backend/memory.js';
import type { Shape } from '../core/tensor.js';

/** Most axes the struct describes after merging (MAX_DIMS in assembly/strided.ts). */
export const MAX_DIMS = 8;
/** Streams in the struct: the target and three inputs (STREAMS in assembly/strided.ts). */
export const STREAMS = 4;
/** Bytes of one shape struct: rank, dims[MAX_DIMS], then MAX_DIMS strides per stream. */
export const STRIDED_BYTES = 4 * (1 + MAX_DIMS + STREAMS * MAX_DIMS);

/** An iteration shape and, per stream, its strides in elements (0 on a broadcast or reduced axis). */
export interface StridedLayout {
  readonly dims: readonly number[];
  readonly strides: readonly (readonly number[])[];
}

/** How broadcasting errors show shapes and dimensions (symbolic shapes show the batch axis). */
export interface ShapeFormat {
  shape(s: Shape): string;
  dim(d: number): string;
}

const PLAIN: ShapeFormat = { shape: formatShape, dim: String };

/**
 * NumPy broadcasting of `shapes` (right-aligned; a dimension of 1 stretches). Throws a ShapeError
 * naming `op`, every shape and the first axis that does not match.
 */
export function broadcastShapes(op: string, shapes: readonly Shape[], show: ShapeFormat = PLAIN): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && v !== d) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map((x) => show.shape(x)).join(' and ')} cannot be broadcast together ` +
            `(axis ${i - rank}: ${show.dim(d)} vs ${show.dim(v)}; each dimension must match or be 1)`,
        );
      }
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Row-major strides of a contiguous `shape`, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Strides of a contiguous `shape` read as the broadcast `outShape` (0 where it stretches or is missing). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = contiguousStrides(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((d, i) => {
    const j = i - offset;
    return j < 0 || (shape[j] === 1 && d !== 1) ? 0 : own[j]!;
  });
}

/**
 * The reduction axes of `axis` (a number, a list, or undefined for all axes) on a tensor of
 * `rank`, sorted, negatives counted from the end. Throws a ShapeError naming `op` for an axis
 * out of range, a repeated axis, or a non-integer.
 */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new ShapeError(`${op}: axis must be a number, an array of numbers or undefined, got ${String(axis)}`);
  const seen = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new ShapeError(`${op}: axis ${String(a)} is out of range for a tensor of rank ${rank} (valid: ${-rank}..${rank - 1})`);
    }
    const n = a < 0 ? a + rank : a;
    if (seen.has(n)) throw new ShapeError(`${op}: axis ${n} is listed twice in [${list.join(', ')}]`);
    seen.add(n);
  }
  return [...seen].sort((p, q) => p - q);
}

/** The shape after reducing `axes` (sorted, normalised): removed, or kept as 1 with `keepDims`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Drops axes of size 1 and merges neighbours that every stream walks as one (stride[i] ==
 * stride[i+1] * dims[i+1]): [N, H, W, C] + [C] becomes [N*H*W, C]. Throws a ShapeError naming
 * `op` if more than MAX_DIMS axes remain.
 */
export function mergeAxes(op: string, dims: Shape, strides: readonly (readonly number[])[]): StridedLayout {
  const keep = dims.map((_, i) => i).filter((i) => dims[i] !== 1);
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const i of keep) {
    const last = outDims.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[i]! * outDims[last]!)) {
      outDims[last]! *= dims[i]!;
      strides.forEach((s, k) => (outStrides[k]![last] = s[i]!));
      continue;
    }
    outDims.push(dims[i]!);
    strides.forEach((s, k) => outStrides[k]!.push(s[i]!));
  }
  if (outDims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  if (outDims.length > MAX_DIMS) {
    throw new ShapeError(`${op}: shape ${formatShape(dims)} needs ${outDims.length} axes after merging; at most ${MAX_DIMS} are supported`);
  }
  return { dims: outDims, strides: outStrides };
}

/** Layout of a broadcasting op: stream 0 the contiguous output `outShape`, then one per input. */
export function broadcastLayout(op: string, outShape: Shape, inputs: readonly Shape[]): StridedLayout {
  return mergeAxes(op, outShape, [contiguousStrides(outShape), ...inputs.map((s) => broadcastStrides(s, outShape))]);
}

/** Layout of a reduction of `shape` over `axes`: stream 0 the result (0 on reduced axes), stream 1 the input. */
export function reduceLayout(op: string, shape: Shape, axes: readonly number[]): StridedLayout {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return mergeAxes(op, shape, [broadcastStrides(kept, shape), contiguousStrides(shape)]);
}

/** Writes `layout` as the i32 struct of assembly/strided.ts at byte offset `ptr` (STRIDED_BYTES long). */
export function writeStrided(ptr: number, layout: StridedLayout): void {
  const view = i32();
  const base = ptr >>> 2;
  view.fill(0, base, base + STRIDED_BYTES / 4);
  view[base] = layout.dims.length;
  layout.dims.forEach((d, i) => (view[base + 1 + i] = d));
  layout.strides.forEach((s, k) => s.forEach((v, i) => (view[base + 1 + MAX_DIMS + k * MAX_DIMS + i] = v)));
}
