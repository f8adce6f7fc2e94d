// Reductions over any set of axes, and their gradients: the kernels of assembly/reduce.ts behind
// validation. As in elementwise.ts: pure shape inference, pointer-level calls on buffers and a
// struct already in wasm memory, then the eager tensor ops. keepDims only changes the shape.
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { extremumBackward, extremumForward, sumBackward, sumForward, varianceBackward, varianceForward } from '../kernels/reduce.js';
import { withScratch, writeF32, readF32 } from '../backend/memory.js';
import { Tensor, sizeOf, describeValue, type Shape } from '../core/tensor.js';
import { STRIDED_BYTES, normalizeAxes, reduceLayout, reducedShape, writeStrided } from './strided.js';

/** The reductions. */
export type ReduceOpName = 'sum' | 'mean' | 'max' | 'min' | 'variance';
const REDUCE_OPS: readonly ReduceOpName[] = ['sum', 'mean', 'max', 'min', 'variance'];

/** A reduction's shapes: the sorted axes, the result shape, and how many inputs feed each output. */
export interface ReduceShape {
  axes: number[];
  shape: number[];
  count: number;
}

/** Shape inference of a reduction of `shape` (pure; errors name `op`). `axis` undefined: every axis. */
export function reduceShape(op: string, shape: Shape, axis: number | readonly number[] | undefined, keepDims = false): ReduceShape {
  if (typeof keepDims !== 'boolean') throw new ValueError(`${op}: keepDims must be a boolean, got ${describeValue(keepDims)}`);
  const axes = normalizeAxes(op, axis, shape.length);
  let count = 1;
  for (const a of axes) count *= shape[a]!;
  return { axes, shape: reducedShape(shape, axes, keepDims), count };
}

// ---------------------------------------------------------------------------------------------
// Pointer level (struct: `writeStrided(ptr, reduceLayout(...))`; streams 0 result, 1 input)

/** y = op over the reduced axes; `count` inputs per output; variance also writes the mean to `mean`. */
export function reduceForwardPtr(op: ReduceOpName, y: number, x: number, shape: number, count: number, mean = 0): void {
  if (op === 'sum' || op === 'mean') sumForward(y, x, shape, op === 'mean' ? 1 / count : 1);
  else if (op === 'variance') varianceForward(y, mean, x, shape);
  else extremumForward(op, y, x, shape);
}

/**
 * dx += scale * dy, dx walked with stream `dxStream`'s strides, dy with stream 0's: the gradient
 * of sum/mean (dxStream 1) and of a broadcast operand of add/sub (its stream on a binary struct).
 */
export function sumBackwardPtr(dx: number, dy: number, shape: number, scale: number, dxStream: number): void {
  sumBackward(dx, dy, shape, scale, dxStream);
}

/**
 * dx += the gradient of `op` from dy and the saved input x and forward result y (max, min) or
 * mean (variance). max/min need `scratch`: 4 bytes per output.
 */
export function reduceBackwardPtr(op: ReduceOpName, dx: number, dy: number, x: number, saved: number, shape: number, count: number, scratch = 0): void {
  if (op === 'sum' || op === 'mean') sumBackwardPtr(dx, dy, shape, op === 'mean' ? 1 / count : 1, 1);
  else if (op === 'variance') varianceBackward(dx, dy, x, saved, shape);
  else extremumBackward(dx, dy, x, saved, shape, scratch);
}

// ---------------------------------------------------------------------------------------------
// Eager

function prepare(op: ReduceOpName, x: Tensor, axis: number | readonly number[] | undefined, keepDims: boolean): ReduceShape {
  if (!REDUCE_OPS.includes(op)) throw new ValueError(`reduce: unknown op '${String(op)}'; expected one of ${REDUCE_OPS.join(', ')}`);
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: x must be a Tensor, got ${describeValue(x)}`);
  const r = reduceShape(op, x.shape, axis, keepDims);
  if ((op === 'max' || op === 'min') && r.count === 0 && sizeOf(r.shape) > 0) {
    throw new ShapeError(`${op}: cannot reduce ${formatShape(x.shape)} over an empty axis (axes [${r.axes.join(', ')}])`);
  }
  return r;
}

/** Reduces `x` over `axis` (a number, a list, or undefined for all axes). */
export function reduce(op: ReduceOpName, x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const r = prepare(op, x, axis, keepDims);
  const size = sizeOf(r.shape);
  if (size === 0 || r.count === 0) return new Tensor(new Float32Array(size).fill(op === 'sum' ? 0 : NaN), r.shape);
  const out = new Float32Array(size);
  withScratch((alloc) => {
    const g = alloc(STRIDED_BYTES);
    const px = alloc(x.size * 4);
    const py = alloc(size * 4);
    const pm = op === 'variance' ? alloc(size * 4) : 0;
    writeStrided(g, reduceLayout(op, x.shape, r.axes));
    writeF32(px, x.data);
    reduceForwardPtr(op, py, px, g, r.count, pm);
    readF32(py, size, out);
  });
  return new Tensor(out, r.shape);
}

/**
 * The gradient of `reduce(op, x, axis, keepDims)` given the result's gradient `dy` (its shape
 * with or without the kept axes). max/min split dy evenly among the entries equal to the result,
 * as torch.amax and TF's reduce_max do.
 */
export function reduceBackward(op: ReduceOpName, x: Tensor, dy: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const who = `${op} backward`;
  const r = prepare(op, x, axis, keepDims);
  if (!(dy instanceof Tensor)) throw new ValueError(`${who}: dy must be a Tensor, got ${describeValue(dy)}`);
  if (dy.size !== sizeOf(r.shape) || dy.rank !== r.shape.length || dy.shape.some((d, i) => d !== r.shape[i])) {
    throw new ShapeError(`${who}: dy must have the result's shape ${formatShape(r.shape)}, got ${formatShape(dy.shape)}`);
  }
  const dx = new Float32Array(x.size);
  if (x.size === 0) return new Tensor(dx, x.shape);
  const size = dy.size;
  withScratch((alloc) => {
    const g = alloc(STRIDED_BYTES);
    const px = alloc(x.size * 4);
    const pdy = alloc(size * 4);
    const pdx = alloc(x.size * 4);
    const saved = op === 'sum' || op === 'mean' ? 0 : alloc(size * 4);
    const work = alloc(size * 4);
    writeStrided(g, reduceLayout(who, x.shape, r.axes));
    writeF32(px, x.data);
    writeF32(pdy, dy.data);
    writeF32(pdx, dx);
    if (op === 'variance') reduceForwardPtr(op, work, px, g, r.count, saved);
    else if (saved !== 0) reduceForwardPtr(op, saved, px, g, r.count);
    reduceBackwardPtr(op, pdx, pdy, px, saved, g, r.count, work);
    readF32(pdx, x.size, dx);
  });
  return new Tensor(dx, x.shape);
}

/** Sum over `axis` (all axes when undefined); `keepDims` keeps reduced axes as 1. */
export const sum = (x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor => reduce('sum', x, axis, keepDims);
/** Mean over `axis` (NaN over an empty axis). */
export const mean = (x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor => reduce('mean', x, axis, keepDims);
/** Maximum over `axis` (NaN if any input is NaN). */
export const max = (x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor => reduce('max', x, axis, keepDims);
/** Minimum over `axis` (NaN if any input is NaN). */
export const min = (x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor => reduce('min', x, axis, keepDims);
/** Population variance over `axis` (divides by the count, as keras.ops.var and tf.moments). */
export const variance = (x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor => reduce('variance', x, axis, keepDims);
