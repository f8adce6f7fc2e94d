// Bindings of assembly/conv.ts: conv2d, depthwise conv2d and conv2d transpose, each with the
// geometry struct (src/kernels/geometry.ts) and, where it needs one, a scratch-size export.
// `runConv` branches on kind and pass, so each call site calls one export directly (a table of
// export functions made V8 allocate on every call). With a thread pool, large calls run in parts
// (conv-split.ts); every kernel takes (part, parts) last, (0, 1) being the whole call.
import { scratch } from '../backend/memory.js';
import { threadPool } from '../backend/threads.js';
import { convKernel, convParts, splitConv, type ConvKernelKind, type ConvPass } from './conv-split.js';
import { wasm } from './exports.js';

export type { ConvKernelKind, ConvPass } from './conv-split.js';

/**
 * Scratch bytes the kernel of `pass` needs for the geometry at `g` (0: it takes none). A conv2d
 * transpose's forward and filter gradient are a conv2d's input and filter gradients.
 */
export function convScratchBytes(kind: ConvKernelKind, pass: ConvPass, g: number): number {
  if (kind === 'depthwiseConv2d') return 0;
  const w = wasm();
  if (pass === 'forward' && kind === 'conv2d') return w.f32_conv2d_forward_scratch_bytes(g);
  if (pass === 'input' && kind === 'conv2dTranspose') return w.f32_conv2d_transpose_backward_input_scratch_bytes(g);
  if (pass === 'filter') return w.f32_conv2d_backward_filter_scratch_bytes(g);
  return w.f32_conv2d_backward_input_scratch_bytes(g);
}

/**
 * Runs one pass of a convolution with its scratch reserved in the arena and released after:
 * forward y = act(conv(x, w) + bias) as (a, b, c, d, e) = (y, x, w, bias, activation 0|1),
 * input gradient dx += (a, b, c) = (dx, dy, w), filter gradient dw += (a, b, c) = (dw, dy, x), for
 * conv2d with the bias gradient db += Σ rows of dy in the same pass when d = db != 0 (others ignore d).
 * One frame around the export call: an extra JS frame per call made V8 allocate per step.
 */
export function runConv(kind: ConvKernelKind, pass: ConvPass, a: number, b: number, c: number, d: number, e: number, g: number): void {
  const arena = scratch();
  const mark = arena.mark();
  try {
    const bytes = convScratchBytes(kind, pass, g);
    const pool = threadPool();
    const parts = pool === undefined ? 1 : convParts(pool.size, kind, pass, g);
    if (parts > 1) {
      splitConv(pool!, parts, kind, pass, a, b, c, d, e, g, bytes === 0 ? 0 : arena.alloc(bytes), bytes);
      return;
    }
    const work = bytes === 0 ? 0 : arena.alloc(bytes);
    const f = convKernel(kind, pass);
    if (pass === 'forward') {
      if (kind === 'depthwiseConv2d') f(a, b, c, d, g, e, 0, 1);
      else f(a, b, c, d, g, e, work, 0, 1);
    } else if (kind === 'depthwiseConv2d') f(a, b, c, g, 0, 1);
    else if (pass === 'filter' && kind === 'conv2d') f(a, b, c, g, work, d, 0, 1);
    else f(a, b, c, g, work, 0, 1);
  } finally {
    arena.reset(mark);
  }
}

/** db[j] += Σ over the m rows of dy[r, j] (bias gradient of every convolution). */
export function convBiasBackward(db: number, dy: number, m: number, n: number): void {
  wasm().f32_conv2d_bias_backward(db, dy, m, n);
}
