// Bindings of assembly/conv.ts: conv2d, depthwise conv2d and conv2d transpose, each with the
// geometry struct (src/kernels/geometry.ts) and, where it needs one, a scratch-size export.
import { wasm, type WasmExports } from './exports.js';

/** Forward kernel: y = act(conv(x, w) + bias) (activation 0 linear, 1 relu). */
export type ConvForwardKernel = (y: number, x: number, w: number, bias: number, g: number, activation: number, scratch: number) => void;
/** Gradient kernel: out += gradient from (dy, operand). */
export type ConvGradientKernel = (out: number, dy: number, operand: number, g: number, scratch: number) => void;
/** Scratch bytes a kernel needs for a geometry. */
export type ScratchBytes = (g: number) => number;

/** One pass of one convolution kind: its kernel and its scratch size (undefined: none). */
export interface ConvPass<K> {
  kernel: K;
  scratchBytes: ScratchBytes | undefined;
}

/** The three passes of a convolution kind. */
export interface ConvKernels {
  forward: ConvPass<ConvForwardKernel>;
  input: ConvPass<ConvGradientKernel>;
  filter: ConvPass<ConvGradientKernel>;
}

/** Every convolution kind's kernels (a conv2d transpose's forward is a conv2d input gradient). */
export interface ConvKernelTable {
  conv2d: ConvKernels;
  depthwiseConv2d: ConvKernels;
  conv2dTranspose: ConvKernels;
}

function table(w: WasmExports): ConvKernelTable {
  // conv2dTranspose's forward and filter gradient are a conv2d's input and filter gradients.
  const inputScratch = w.f32_conv2d_backward_input_scratch_bytes;
  const filterScratch = w.f32_conv2d_backward_filter_scratch_bytes;
  return {
    conv2d: {
      forward: { kernel: w.f32_conv2d_forward, scratchBytes: w.f32_conv2d_forward_scratch_bytes },
      input: { kernel: w.f32_conv2d_backward_input, scratchBytes: inputScratch },
      filter: { kernel: w.f32_conv2d_backward_filter, scratchBytes: filterScratch },
    },
    depthwiseConv2d: {
      forward: { kernel: w.f32_depthwise_conv2d_forward, scratchBytes: undefined },
      input: { kernel: w.f32_depthwise_conv2d_backward_input, scratchBytes: undefined },
      filter: { kernel: w.f32_depthwise_conv2d_backward_filter, scratchBytes: undefined },
    },
    conv2dTranspose: {
      forward: { kernel: w.f32_conv2d_transpose_forward, scratchBytes: inputScratch },
      input: { kernel: w.f32_conv2d_transpose_backward_input, scratchBytes: w.f32_conv2d_transpose_backward_input_scratch_bytes },
      filter: { kernel: w.f32_conv2d_transpose_backward_filter, scratchBytes: filterScratch },
    },
  };
}

let resolved: { owner: WasmExports; table: ConvKernelTable } | undefined;

/** The convolution kernels of the installed module, by kind and pass. */
export function convKernels(): ConvKernelTable {
  const w = wasm();
  if (resolved === undefined || resolved.owner !== w) resolved = { owner: w, table: table(w) };
  return resolved.table;
}

/** db[j] += Σ over the m rows of dy[r, j] (bias gradient of every convolution). */
export function convBiasBackward(db: number, dy: number, m: number, n: number): void {
  wasm().f32_conv2d_bias_backward(db, dy, m, n);
}
