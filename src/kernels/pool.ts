// Bindings of assembly/pool.ts: max and average 2-D pooling over the geometry struct.
import { wasm } from './exports.js';

/** y = max over each window. */
export function maxPool2dForward(y: number, x: number, g: number): void {
  wasm().f32_max_pool2d_forward(y, x, g);
}

/** dx += dy at the first maximum of each window (recomputed from x). */
export function maxPool2dBackward(dx: number, dy: number, x: number, g: number): void {
  wasm().f32_max_pool2d_backward(dx, dy, x, g);
}

/** y = mean over each window's real cells. */
export function avgPool2dForward(y: number, x: number, g: number): void {
  wasm().f32_avg_pool2d_forward(y, x, g);
}

/** dx += dy / (real cells) over each window. */
export function avgPool2dBackward(dx: number, dy: number, g: number): void {
  wasm().f32_avg_pool2d_backward(dx, dy, g);
}
