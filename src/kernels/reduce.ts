// Bindings of assembly/reduce.ts: sum (scaled), max, min and variance over a strided struct,
// forward and backward.
import { wasm } from './exports.js';

/** y = scale·Σ x over the reduced axes. */
export function sumForward(y: number, x: number, shape: number, scale: number): void {
  wasm().f32_sum_forward(y, x, shape, scale);
}

/** dx += scale·dy, dx walked with stream `dxStream`'s strides. */
export function sumBackward(dx: number, dy: number, shape: number, scale: number, dxStream: number): void {
  wasm().f32_sum_backward(dx, dy, shape, scale, dxStream);
}

/** y = max (or min) over the reduced axes. */
export function extremumForward(op: 'max' | 'min', y: number, x: number, shape: number): void {
  if (op === 'max') wasm().f32_max_forward(y, x, shape);
  else wasm().f32_min_forward(y, x, shape);
}

/** dx += dy at the first extremum; scratch: 4 bytes per output. */
export function extremumBackward(dx: number, dy: number, x: number, y: number, shape: number, scratch: number): void {
  wasm().f32_extremum_backward(dx, dy, x, y, shape, scratch);
}

/** y = variance, mean written to `mean`. */
export function varianceForward(y: number, mean: number, x: number, shape: number): void {
  wasm().f32_variance_forward(y, mean, x, shape);
}

/** dx += gradient of the variance from the saved mean. */
export function varianceBackward(dx: number, dy: number, x: number, mean: number, shape: number): void {
  wasm().f32_variance_backward(dx, dy, x, mean, shape);
}
