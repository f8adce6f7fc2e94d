// Bindings of assembly/shape.ts: the strided copy of the shape ops, gather and one-hot.
import { wasm } from './exports.js';

/** y = x over the struct at `shape` (y walked with stream 0's strides, x with stream 1's). */
export function stridedCopy(y: number, x: number, shape: number): void {
  wasm().f32_strided_copy(y, x, shape);
}

/** y[o, j, :] = x[o, ids[j], :] (x is [outer, axisLen, inner], y [outer, count, inner]); invalid ids give zeros. */
export function gatherForward(y: number, x: number, ids: number, outer: number, count: number, axisLen: number, inner: number): void {
  wasm().f32_gather_forward(y, x, ids, outer, count, axisLen, inner);
}

/** dx[o, ids[j], :] += dy[o, j, :]. */
export function gatherBackward(dx: number, dy: number, ids: number, outer: number, count: number, axisLen: number, inner: number): void {
  wasm().f32_gather_backward(dx, dy, ids, outer, count, axisLen, inner);
}

/** y[i, :] = one-hot of ids[i] over `depth` classes (zeros for an invalid id). */
export function oneHot(y: number, ids: number, n: number, depth: number): void {
  wasm().f32_one_hot(y, ids, n, depth);
}
