// Bindings of assembly/graph.ts: the small kernels of the layer graph.
import { wasm } from './exports.js';

/** dst[0..n) += src[0..n) (residual adds, gradient fan-in). */
export function accumulate(dst: number, src: number, n: number): void {
  wasm().f32_accumulate(dst, src, n);
}

/** y[r, offset + j] = x[r, j] for r < rows, j < width; y rows are yWidth floats. */
export function concatForward(y: number, x: number, rows: number, width: number, yWidth: number, offset: number): void {
  wasm().f32_concat_forward(y, x, rows, width, yWidth, offset);
}

/** dx[r, j] += dy[r, offset + j]. */
export function concatBackward(dx: number, dy: number, rows: number, width: number, yWidth: number, offset: number): void {
  wasm().f32_concat_backward(dx, dy, rows, width, yWidth, offset);
}

/** db[j] += sum over r < rows of dy[r, j]. */
export function biasBackward(db: number, dy: number, rows: number, n: number): void {
  wasm().f32_bias_backward(db, dy, rows, n);
}

/** Returns l1·Σ|w| + l2·Σw² and, when dw != 0, adds its gradient into dw. */
export function l1l2Penalty(dw: number, w: number, n: number, l1: number, l2: number): number {
  return wasm().f32_l1l2_penalty(dw, w, n, l1, l2);
}
