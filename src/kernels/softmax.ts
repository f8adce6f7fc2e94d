// Bindings of assembly/softmax.ts: (log-)softmax over one axis of [outer, n, inner], with a mask.
import { wasm } from './exports.js';

/** y = softmax (or log-softmax when `log`) of x over the middle axis; mask 0: none. */
export function softmaxAxisForward(y: number, x: number, mask: number, outer: number, n: number, inner: number, log: boolean): void {
  wasm().f32_softmax_axis_forward(y, x, mask, outer, n, inner, log ? 1 : 0);
}

/** dx += the gradient of the forward from dy and the saved output y. */
export function softmaxAxisBackward(dx: number, dy: number, y: number, mask: number, outer: number, n: number, inner: number, log: boolean): void {
  wasm().f32_softmax_axis_backward(dx, dy, y, mask, outer, n, inner, log ? 1 : 0);
}
