// Convolution calls split over the thread pool. Every conv export takes (part, parts) last and
// computes its own share (assembly/conv.ts: output pixel rows, rows of Winograd tiles, dx rows or
// images for input gradients, filter columns or channel groups for filter gradients, never the
// reduction), so every output element is computed by one part exactly as one thread computes it.
// Here: how many parts a call is worth, and the argument slots of each part with its own scratch.
import { i32 } from '../backend/memory.js';
import { SLOT } from '../backend/thread-worker.js';
import type { ThreadPool } from '../backend/threads.js';
import { wasm } from './exports.js';
import { GEOMETRY_OFFSETS } from './geometry.js';
import { windowCells } from './parts.js';

/** The convolution kinds. */
export type ConvKernelKind = 'conv2d' | 'depthwiseConv2d' | 'conv2dTranspose';
/** The passes of a convolution. */
export type ConvPass = 'forward' | 'input' | 'filter';

/**
 * `minPartMadds`: the fewest multiply-adds (direct-convolution count) worth a part of their own,
 * the same threshold as GEMM_SPLIT for the same reason (a dispatch round trip costs 35-45 µs on
 * the loaded test machine). Tests lower it to split tiny convolutions.
 */
export const CONV_SPLIT = { minPartMadds: 1 << 18 };

const KIND_CODE: Record<ConvKernelKind, number> = { conv2d: 0, depthwiseConv2d: 1, conv2dTranspose: 2 };
const PASS_CODE: Record<ConvPass, number> = { forward: 0, input: 1, filter: 2 };

/** Parts for one conv call at geometry `g` on `threads` threads: 1 when too small, never more than its units. */
export function convParts(threads: number, kind: ConvKernelKind, pass: ConvPass, g: number): number {
  const perTap = kind === 'depthwiseConv2d' ? 1 : i32()[(g + GEOMETRY_OFFSETS.inC) >>> 2]!;
  const madds = windowCells(g) * perTap;
  const byWork = Math.floor(madds / CONV_SPLIT.minPartMadds);
  if (threads < 2 || byWork < 2) return 1;
  return Math.max(1, Math.min(threads, byWork, wasm().f32_conv_split_units(KIND_CODE[kind], PASS_CODE[pass], g)));
}

/** A conv export: its argument order depends on kind and pass (see splitConv). */
export type ConvExport = (...args: number[]) => void;

/** The export that runs `pass` of `kind` (each kernel name written once, here). */
export function convKernel(kind: ConvKernelKind, pass: ConvPass): ConvExport {
  const w = wasm();
  if (pass === 'forward') {
    return kind === 'conv2d' ? w.f32_conv2d_forward : kind === 'depthwiseConv2d' ? w.f32_depthwise_conv2d_forward : w.f32_conv2d_transpose_forward;
  }
  if (pass === 'input') {
    return kind === 'conv2d' ? w.f32_conv2d_backward_input : kind === 'depthwiseConv2d' ? w.f32_depthwise_conv2d_backward_input : w.f32_conv2d_transpose_backward_input;
  }
  return kind === 'conv2d' ? w.f32_conv2d_backward_filter : kind === 'depthwiseConv2d' ? w.f32_depthwise_conv2d_backward_filter : w.f32_conv2d_transpose_backward_filter;
}

/**
 * Runs one conv call (runConv's a..e at geometry g) in `parts` parts: part 0 on this thread with
 * scratch `work` (`bytes` long), part p on worker p with a scratch block of its own.
 */
export function splitConv(
  pool: ThreadPool, parts: number, kind: ConvKernelKind, pass: ConvPass,
  a: number, b: number, c: number, d: number, e: number, g: number, work: number, bytes: number,
): void {
  const index = pool.index(convKernel(kind, pass));
  const scratched = kind !== 'depthwiseConv2d';
  const s = pool.slots;
  for (let p = 0; p < parts; p++) {
    // Scratch first: a larger block may grow memory (the slots are not wasm memory).
    const part = p === 0 || bytes === 0 ? work : pool.scratch(p, bytes);
    const o = p * SLOT;
    s[o] = index;
    s[o + 1] = a;
    s[o + 2] = b;
    s[o + 3] = c;
    let i = o + 4;
    // The export's argument order: forward (.., bias, g, activation[, scratch]); gradients
    // (.., g[, scratch][, db for the conv2d filter gradient]).
    if (pass === 'forward') {
      s[i++] = d;
      s[i++] = g;
      s[i++] = e;
    } else {
      s[i++] = g;
    }
    if (scratched) s[i++] = part;
    if (pass === 'filter' && kind === 'conv2d') s[i++] = d;
    s[i++] = p;
    s[i] = parts;
  }
  pool.run(parts);
}
