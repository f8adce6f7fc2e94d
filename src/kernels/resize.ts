// Bindings of assembly/resize.ts: nearest up-sampling, zero padding and cropping over the
// geometry struct, forward and backward.
import { wasm, type WasmExports } from './exports.js';

/** Forward: y = resize(x). */
export type ResizeForward = (y: number, x: number, g: number) => void;
/** Backward: dx += gradient for dy. */
export type ResizeBackward = (dx: number, dy: number, g: number) => void;

/** Every resize kind's kernels. */
export interface ResizeKernelTable {
  upSampling2d: { forward: ResizeForward; backward: ResizeBackward };
  zeroPadding2d: { forward: ResizeForward; backward: ResizeBackward };
  cropping2d: { forward: ResizeForward; backward: ResizeBackward };
}

function table(w: WasmExports): ResizeKernelTable {
  return {
    upSampling2d: { forward: w.f32_upsampling2d_forward, backward: w.f32_upsampling2d_backward },
    zeroPadding2d: { forward: w.f32_zero_padding2d_forward, backward: w.f32_zero_padding2d_backward },
    cropping2d: { forward: w.f32_cropping2d_forward, backward: w.f32_cropping2d_backward },
  };
}

let resolved: { owner: WasmExports; table: ResizeKernelTable } | undefined;

/** The resize kernels of the installed module, by kind. */
export function resizeKernels(): ResizeKernelTable {
  const w = wasm();
  if (resolved === undefined || resolved.owner !== w) resolved = { owner: w, table: table(w) };
  return resolved.table;
}
