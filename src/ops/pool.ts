// Pooling: maxPool2d, avgPool2d and the global pools, forward and backward (NHWC).
//
// Geometry (pure TS, validated, errors name the caller): `pool2dGeometry(inputShape, options,
// who)` (poolSize, strides default = poolSize, padding 'valid' | 'same') and
// `globalPool2dGeometry(inputShape, who)` (one window over the whole image, output [batch, c]).
// Pointer level, on wasm buffers (byte offsets), nothing allocated per call:
//   maxPool2dForwardPtr(g, { y, x })          y = max over each window
//   maxPool2dBackwardPtr(g, { dx, dy, x })    dx += dy routed to the FIRST max of each window
//                                             (recomputed from x: no index buffer is saved)
//   avgPool2dForwardPtr(g, { y, x })          y = mean over the window's real cells
//   avgPool2dBackwardPtr(g, { dx, dy })       dx += dy / (real cells), spread over the window
// 'same' windows never count padded cells (TensorFlow's divisor). The global pools use the same
// functions with a global geometry. Tensor-level ops (`ops.maxPool2d`, ...) wrap them.
import { ValueError, checkOptions } from '../core/errors.js';
import { avgPool2dBackward as avgBackwardKernel, avgPool2dForward as avgForwardKernel, maxPool2dBackward as maxBackwardKernel, maxPool2dForward as maxForwardKernel } from '../kernels/pool.js';
import { checkFloats } from '../kernels/bounds.js';
import { Tensor, type Shape } from '../core/tensor.js';
import { Geometry, checkImageShape, checkPadding, expectImage, expectShape, pair, runOp, windowAxis } from './geometry.js';

/** A pooling geometry (windowed or global). */
export type PoolGeometry = Geometry<'pool2d' | 'globalPool2d'>;

/** Options of the windowed pools (Keras names). */
export interface Pool2dOptions {
  /** Window size (or [h, w]); default 2. */
  poolSize?: number | readonly [number, number];
  /** Stride (or [h, w]); default = poolSize. */
  strides?: number | readonly [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
}

/** Geometry of a windowed 2-D pool on an NHWC input. */
export function pool2dGeometry(inputShape: Shape, options: Pool2dOptions = {}, who = 'pool2d'): PoolGeometry {
  const [batch, inH, inW, c] = checkImageShape(inputShape, 'input', who);
  checkOptions(who, options, 'options', ['poolSize', 'strides', 'padding']);
  const [kH, kW] = pair(options.poolSize ?? 2, 'poolSize', who);
  const [sH, sW] = pair(options.strides ?? [kH, kW], 'strides', who);
  const padding = checkPadding(options.padding ?? 'valid', who, false);
  const rows = windowAxis(inH, kH, sH, 1, padding, 0, who);
  const cols = windowAxis(inW, kW, sW, 1, padding, 1, who);
  return new Geometry('pool2d', [batch, inH, inW, c], [batch, rows.out, cols.out, c], undefined, [rows.before, rows.after, cols.before, cols.after], {
    batch, inH, inW, inC: c, outH: rows.out, outW: cols.out, outC: c, kH, kW, strideH: sH, strideW: sW,
    dilationH: 1, dilationW: 1, padTop: rows.before, padBottom: rows.after, padLeft: cols.before, padRight: cols.after, depthMultiplier: 1,
  });
}

/** Geometry of a global pool: [batch, h, w, c] -> [batch, c]. */
export function globalPool2dGeometry(inputShape: Shape, who = 'globalPool2d'): PoolGeometry {
  const [batch, inH, inW, c] = checkImageShape(inputShape, 'input', who);
  return new Geometry('globalPool2d', [batch, inH, inW, c], [batch, c], undefined, [0, 0, 0, 0], {
    batch, inH, inW, inC: c, outH: 1, outW: 1, outC: c, kH: inH, kW: inW, strideH: inH, strideW: inW,
    dilationH: 1, dilationW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, depthMultiplier: 1,
  });
}

function checkPoolGeometry(g: PoolGeometry, who: string): number {
  if (!(g instanceof Geometry) || (g.kind !== 'pool2d' && g.kind !== 'globalPool2d')) {
    throw new ValueError(`${who}: expected a pooling geometry (from pool2dGeometry or globalPool2dGeometry), got ${g instanceof Geometry ? `a ${g.kind} geometry` : String(g)}`);
  }
  return g.ptr();
}

/** y = max over each window of x (wasm buffers). */
export function maxPool2dForwardPtr(g: PoolGeometry, call: { y: number; x: number }): void {
  const gp = checkPoolGeometry(g, 'maxPool2dForwardPtr');
  checkFloats('maxPool2dForwardPtr', 'y', call.y, g.outputSize);
  checkFloats('maxPool2dForwardPtr', 'x', call.x, g.inputSize);
  maxForwardKernel(call.y, call.x, gp);
}

/** dx += dy at the first maximum of each window, recomputed from the saved input x. */
export function maxPool2dBackwardPtr(g: PoolGeometry, call: { dx: number; dy: number; x: number }): void {
  const gp = checkPoolGeometry(g, 'maxPool2dBackwardPtr');
  checkFloats('maxPool2dBackwardPtr', 'dx', call.dx, g.inputSize);
  checkFloats('maxPool2dBackwardPtr', 'dy', call.dy, g.outputSize);
  checkFloats('maxPool2dBackwardPtr', 'x', call.x, g.inputSize);
  maxBackwardKernel(call.dx, call.dy, call.x, gp);
}

/** y = mean over each window's real cells. */
export function avgPool2dForwardPtr(g: PoolGeometry, call: { y: number; x: number }): void {
  const gp = checkPoolGeometry(g, 'avgPool2dForwardPtr');
  checkFloats('avgPool2dForwardPtr', 'y', call.y, g.outputSize);
  checkFloats('avgPool2dForwardPtr', 'x', call.x, g.inputSize);
  avgForwardKernel(call.y, call.x, gp);
}

/** dx += dy / (real cells of the window) over each window. */
export function avgPool2dBackwardPtr(g: PoolGeometry, call: { dx: number; dy: number }): void {
  const gp = checkPoolGeometry(g, 'avgPool2dBackwardPtr');
  checkFloats('avgPool2dBackwardPtr', 'dx', call.dx, g.inputSize);
  checkFloats('avgPool2dBackwardPtr', 'dy', call.dy, g.outputSize);
  avgBackwardKernel(call.dx, call.dy, gp);
}

function input(x: Tensor, who: string): Shape {
  return expectImage(x, 'input', who);
}

/** Max pooling: x [batch, h, w, c] -> [batch, outH, outW, c]. */
export function maxPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  const g = pool2dGeometry(input(x, 'maxPool2d'), options, 'maxPool2d');
  return runOp(g, [x.data], g.outputSize, g.outputShape, (y, [px]) => maxPool2dForwardPtr(g, { y, x: px! }));
}

/** Gradient of maxPool2d with respect to x: dy routed to the first maximum of each window. */
export function maxPool2dBackward(dy: Tensor, x: Tensor, options: Pool2dOptions = {}): Tensor {
  const g = pool2dGeometry(input(x, 'maxPool2dBackward'), options, 'maxPool2dBackward');
  expectShape(dy, g.outputShape, 'dy', 'maxPool2dBackward');
  return runOp(g, [dy.data, x.data], g.inputSize, g.inputShape, (dx, [pdy, px]) => maxPool2dBackwardPtr(g, { dx, dy: pdy!, x: px! }));
}

/** Average pooling ('same' divides by the number of real cells): x [batch, h, w, c] -> [batch, outH, outW, c]. */
export function avgPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  const g = pool2dGeometry(input(x, 'avgPool2d'), options, 'avgPool2d');
  return runOp(g, [x.data], g.outputSize, g.outputShape, (y, [px]) => avgPool2dForwardPtr(g, { y, x: px! }));
}

/** Gradient of avgPool2d with respect to its input of shape `inputShape`. */
export function avgPool2dBackward(dy: Tensor, inputShape: Shape, options: Pool2dOptions = {}): Tensor {
  const g = pool2dGeometry(inputShape, options, 'avgPool2dBackward');
  expectShape(dy, g.outputShape, 'dy', 'avgPool2dBackward');
  return runOp(g, [dy.data], g.inputSize, g.inputShape, (dx, [pdy]) => avgPool2dBackwardPtr(g, { dx, dy: pdy! }));
}

/** Mean over height and width: [batch, h, w, c] -> [batch, c]. */
export function globalAveragePooling2d(x: Tensor): Tensor {
  const g = globalPool2dGeometry(input(x, 'globalAveragePooling2d'), 'globalAveragePooling2d');
  return runOp(g, [x.data], g.outputSize, g.outputShape, (y, [px]) => avgPool2dForwardPtr(g, { y, x: px! }));
}

/** Gradient of globalAveragePooling2d: dy [batch, c] spread evenly over an input of `inputShape`. */
export function globalAveragePooling2dBackward(dy: Tensor, inputShape: Shape): Tensor {
  const g = globalPool2dGeometry(inputShape, 'globalAveragePooling2dBackward');
  expectShape(dy, g.outputShape, 'dy', 'globalAveragePooling2dBackward');
  return runOp(g, [dy.data], g.inputSize, g.inputShape, (dx, [pdy]) => avgPool2dBackwardPtr(g, { dx, dy: pdy! }));
}

/** Max over height and width: [batch, h, w, c] -> [batch, c]. */
export function globalMaxPooling2d(x: Tensor): Tensor {
  const g = globalPool2dGeometry(input(x, 'globalMaxPooling2d'), 'globalMaxPooling2d');
  return runOp(g, [x.data], g.outputSize, g.outputShape, (y, [px]) => maxPool2dForwardPtr(g, { y, x: px! }));
}

/** Gradient of globalMaxPooling2d: dy [batch, c] routed to the first maximum of each channel of x. */
export function globalMaxPooling2dBackward(dy: Tensor, x: Tensor): Tensor {
  const g = globalPool2dGeometry(input(x, 'globalMaxPooling2dBackward'), 'globalMaxPooling2dBackward');
  expectShape(dy, g.outputShape, 'dy', 'globalMaxPooling2dBackward');
  return runOp(g, [dy.data, x.data], g.inputSize, g.inputShape, (dx, [pdy, px]) => maxPool2dBackwardPtr(g, { dx, dy: pdy!, x: px! }));
}
