// Bindings of assembly/pool-relu.ts: max-pool backward fused with the preceding ReLU's backward.
import { checkFloats } from './bounds.js';
import { wasm } from './exports.js';

/**
 * dz = relu'(y) · (dy routed to the first max of each window), every one of `inputSize` cells
 * written (no zeroing needed before, nothing accumulated): what max-pool backward then ReLU
 * backward give into zeroed buffers, bit for bit.
 */
export function maxPoolBackwardReluWrite(dz: number, dy: number, y: number, g: number, inputSize: number, outputSize: number): void {
  checkFloats('maxPoolBackwardReluWrite', 'dz', dz, inputSize);
  checkFloats('maxPoolBackwardReluWrite', 'dy', dy, outputSize);
  checkFloats('maxPoolBackwardReluWrite', 'y', y, inputSize);
  wasm().f32_max_pool2d_backward_relu_write(dz, dy, y, g);
}
