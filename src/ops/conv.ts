// Convolutions: conv2d, depthwiseConv2d and conv2dTranspose, forward and backward (NHWC).
//
// Two levels of API:
//   1. Geometry (pure TS, validated, errors name the caller): `conv2dGeometry(inputShape,
//      filterShape, options, who)`, `depthwiseConv2dGeometry(...)`, `conv2dTransposeGeometry(...)`
//      return a `ConvGeometry` with outputShape, padding [top, bottom, left, right] and a cached
//      wasm struct. Layers build one per input shape and keep it.
//   2. Pointer level, on buffers already in wasm memory (byte offsets), nothing allocated per
//      call except arena scratch: `convForwardPtr(g, { y, x, w, bias?, activation? })` (y =),
//      `convBackwardInputPtr(g, { dx, dy, w })` (dx +=), `convBackwardFilterPtr(g, { dw, dy, x })`
//      (dw +=), `convBackwardBiasPtr(g, { db, dy })` (db += sum over N, H, W of dy). They dispatch
//      on g.kind; `conv2dForwardPtr`, `depthwiseConv2dForwardPtr`, `conv2dTransposeForwardPtr`,
//      ... are the same functions that also check the kind.
//   3. Tensor level (`ops.conv2d`, `ops.conv2dBackpropInput`, ...): validate, copy in, run, copy out.
// Layouts: x/y NHWC; conv2d filter [kH, kW, inC, outC]; depthwise [kH, kW, inC, depthMultiplier]
// (output channel c*dm + m); transpose [kH, kW, outC, inC] (Keras).
import { ShapeError, ValueError, formatShape, checkOptions } from '../core/errors.js';
import { convBiasBackward, runConv } from '../kernels/conv.js';
import { checkFloats } from '../kernels/bounds.js';
import { Tensor, type Shape } from '../core/tensor.js';
import {
  Geometry, checkImageShape, checkPadding, expectImage, expectShape, pair, runOp, windowAxis,
  type Padding,
} from './geometry.js';

export type { Padding } from './geometry.js';

/** The convolution kinds. */
export type ConvKind = 'conv2d' | 'depthwiseConv2d' | 'conv2dTranspose';

/** A convolution's geometry. For conv2dTranspose the wasm struct is that of the conv2d whose input-gradient it is. */
export type ConvGeometry = Geometry<ConvKind>;

/** Activation fused into the forward epilogue. */
export type ConvActivation = 'linear' | 'relu';

/** Window options shared by every convolution. */
export interface ConvOptions {
  /** Stride (or [strideH, strideW]); default 1. */
  strides?: number | readonly [number, number];
  /** 'valid' (default), 'same' or [top, bottom, left, right]. */
  padding?: Padding;
  /** Dilation (or [dH, dW]); default 1. */
  dilationRate?: number | readonly [number, number];
  /**
   * conv2dTranspose only (Keras's `output_padding`): rows/columns added at the bottom/right of
   * the output, each below the stride (or [h, w]). Default: Keras's sizes ('valid':
   * in * stride + max(span - stride, 0); 'same': in * stride).
   */
  outputPadding?: number | readonly [number, number];
}

/** The option keys each convolution accepts (forward ops add bias and activation). */
const WINDOW_KEYS = ['strides', 'padding', 'dilationRate', 'bias', 'activation'];
const TRANSPOSE_KEYS = [...WINDOW_KEYS, 'outputPadding'];

function checkFilter(filterShape: unknown, layout: string, who: string): [number, number, number, number] {
  if (!Array.isArray(filterShape) || filterShape.length !== 4 || !filterShape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    const got = Array.isArray(filterShape) ? formatShape(filterShape) : String(filterShape);
    throw new ShapeError(`${who}: expected a filter of rank 4 ${layout} with positive sizes, got ${got}`);
  }
  return filterShape as [number, number, number, number];
}

function windowOptions(options: ConvOptions, who: string, transpose = false) {
  checkOptions(who, options, 'options', transpose ? TRANSPOSE_KEYS : WINDOW_KEYS);
  return {
    strides: pair(options.strides ?? 1, 'strides', who),
    dilation: pair(options.dilationRate ?? 1, 'dilationRate', who),
    padding: checkPadding(options.padding ?? 'valid', who),
  };
}

/** conv2d / depthwise geometry from the input and the window. */
function forwardGeometry(
  kind: ConvKind, inputShape: Shape, filterShape: Shape, kH: number, kW: number, outC: number, dm: number,
  options: ConvOptions, who: string,
): ConvGeometry {
  const [batch, inH, inW, inC] = inputShape as [number, number, number, number];
  const { strides, dilation, padding } = windowOptions(options, who);
  const rows = windowAxis(inH, kH, strides[0], dilation[0], padding, 0, who);
  const cols = windowAxis(inW, kW, strides[1], dilation[1], padding, 1, who);
  return new Geometry(kind, [...inputShape], [batch, rows.out, cols.out, outC], [...filterShape], [rows.before, rows.after, cols.before, cols.after], {
    batch, inH, inW, inC, outH: rows.out, outW: cols.out, outC, kH, kW,
    strideH: strides[0], strideW: strides[1], dilationH: dilation[0], dilationW: dilation[1],
    padTop: rows.before, padBottom: rows.after, padLeft: cols.before, padRight: cols.after, depthMultiplier: dm,
  });
}

/**
 * Geometry of conv2d: input [batch, h, w, inC], filter [kH, kW, inC, outC].
 * Output size per axis: floor((in + padTotal - dilation*(k-1) - 1) / stride) + 1.
 */
export function conv2dGeometry(inputShape: Shape, filterShape: Shape, options: ConvOptions = {}, who = 'conv2d'): ConvGeometry {
  const input = checkImageShape(inputShape, 'input', who);
  const [kH, kW, fInC, outC] = checkFilter(filterShape, '[kernelHeight, kernelWidth, inChannels, outChannels]', who);
  if (fInC !== input[3]) {
    throw new ShapeError(`${who}: filter ${formatShape(filterShape)} expects ${fInC} input channels but the input ${formatShape(inputShape)} has ${input[3]}`);
  }
  return forwardGeometry('conv2d', input, filterShape, kH, kW, outC, 1, options, who);
}

/** Geometry of depthwiseConv2d: input [batch, h, w, c], filter [kH, kW, c, depthMultiplier], output channels c*dm. */
export function depthwiseConv2dGeometry(inputShape: Shape, filterShape: Shape, options: ConvOptions = {}, who = 'depthwiseConv2d'): ConvGeometry {
  const input = checkImageShape(inputShape, 'input', who);
  const [kH, kW, fInC, dm] = checkFilter(filterShape, '[kernelHeight, kernelWidth, inChannels, depthMultiplier]', who);
  if (fInC !== input[3]) {
    throw new ShapeError(`${who}: filter ${formatShape(filterShape)} expects ${fInC} input channels but the input ${formatShape(inputShape)} has ${input[3]}`);
  }
  return forwardGeometry('depthwiseConv2d', input, filterShape, kH, kW, fInC * dm, dm, options, who);
}

/**
 * Geometry of conv2dTranspose: input [batch, h, w, inC], filter [kH, kW, outC, inC] (Keras).
 * Output size (Keras; span = dilation*(k-1) + 1, op = outputPadding): 'valid' (in-1)*stride +
 * span + op, op defaulting to max(stride - span, 0), i.e. in*stride + max(span - stride, 0);
 * 'same' in*stride, or with op (in-1)*stride + span - 2*floor(span/2) + op; explicit
 * [top, bottom, left, right] (in-1)*stride + span - top - bottom + op (op default 0). The
 * paddings of 'same' are those of the conv2d from this output back to the input (TensorFlow).
 */
export function conv2dTransposeGeometry(inputShape: Shape, filterShape: Shape, options: ConvOptions = {}, who = 'conv2dTranspose'): ConvGeometry {
  const [batch, inH, inW, inC] = checkImageShape(inputShape, 'input', who);
  const [kH, kW, outC, fInC] = checkFilter(filterShape, '[kernelHeight, kernelWidth, outChannels, inChannels]', who);
  if (fInC !== inC) {
    throw new ShapeError(`${who}: filter ${formatShape(filterShape)} expects ${fInC} input channels (its last axis) but the input ${formatShape(inputShape)} has ${inC}`);
  }
  const { strides, dilation, padding } = windowOptions(options, who, true);
  const extra = options.outputPadding === undefined ? undefined : pair(options.outputPadding, 'outputPadding', who, 0);
  if (extra !== undefined && (extra[0] >= strides[0] || extra[1] >= strides[1])) {
    throw new ValueError(`${who}: outputPadding must be smaller than the stride along each axis (Keras), got outputPadding [${extra.join(', ')}] with strides [${strides.join(', ')}]`);
  }
  const axis = (size: number, k: number, s: number, d: number, a: 0 | 1) => {
    const span = d * (k - 1) + 1;
    const op = extra?.[a];
    if (padding === 'valid') return { out: (size - 1) * s + span + (op ?? Math.max(s - span, 0)), before: 0, after: 0 };
    if (padding === 'same') {
      const out = op === undefined ? size * s : (size - 1) * s + span - 2 * Math.floor(span / 2) + op;
      const total = Math.max((size - 1) * s + span - out, 0);
      return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
    }
    const before = padding[a * 2]!;
    const after = padding[a * 2 + 1]!;
    const out = (size - 1) * s + span - before - after + (op ?? 0);
    if (out < 1) throw new ShapeError(`${who}: padding ${before} + ${after} leaves no output along ${a === 0 ? 'height' : 'width'} (${out})`);
    return { out, before, after };
  };
  const rows = axis(inH, kH, strides[0], dilation[0], 0);
  const cols = axis(inW, kW, strides[1], dilation[1], 1);
  // The struct describes the conv2d from the output (its input) to this input (its output).
  return new Geometry('conv2dTranspose', [batch, inH, inW, inC], [batch, rows.out, cols.out, outC], [...filterShape], [rows.before, rows.after, cols.before, cols.after], {
    batch, inH: rows.out, inW: cols.out, inC: outC, outH: inH, outW: inW, outC: inC, kH, kW,
    strideH: strides[0], strideW: strides[1], dilationH: dilation[0], dilationW: dilation[1],
    padTop: rows.before, padBottom: rows.after, padLeft: cols.before, padRight: cols.after, depthMultiplier: 1,
  });
}

/** The convolution kinds a geometry may have. */
const KINDS: Record<ConvKind, true> = { conv2d: true, depthwiseConv2d: true, conv2dTranspose: true };

const ACTIVATIONS: Record<ConvActivation, number> = { linear: 0, relu: 1 };

function checkGeometry(g: ConvGeometry, who: string, kind?: ConvKind): void {
  if (!(g instanceof Geometry) || !Object.hasOwn(KINDS, g.kind)) {
    throw new ValueError(`${who}: expected a convolution geometry (from conv2dGeometry, depthwiseConv2dGeometry or conv2dTransposeGeometry), got ${String(g)}`);
  }
  if (kind !== undefined && g.kind !== kind) throw new ValueError(`${who}: expected a ${kind} geometry, got a ${g.kind} geometry`);
}

/**
 * Calls the kernel of `op` for this geometry: kernel(a, b, c, d, struct, e, scratch) for the
 * forward (d = bias, e = activation) and kernel(a, b, c, struct, scratch) for the gradients;
 * wasm ignores the trailing scratch where a kernel takes none. No JS allocation per call.
 */
function callKernel(g: ConvGeometry, op: 'forward' | 'input' | 'filter', a: number, b: number, c: number, d = 0, e = 0): void {
  runConv(g.kind, op, a, b, c, d, e, g.ptr());
}

/** Pointer-level forward call: byte offsets in wasm memory. */
export interface ConvForwardCall {
  /** Output [batch, outH, outW, outC] (overwritten). */
  y: number;
  /** Input [batch, inH, inW, inC]. */
  x: number;
  /** Filter in the kind's layout. */
  w: number;
  /** Bias [outC], or 0 / undefined for none. */
  bias?: number;
  /** Fused epilogue; default 'linear'. */
  activation?: ConvActivation;
}

/** y = act(conv(x, w) + bias) on wasm buffers. */
export function convForwardPtr(g: ConvGeometry, call: ConvForwardCall, who = 'convForwardPtr', kind?: ConvKind): void {
  checkGeometry(g, who, kind);
  const name = call.activation ?? 'linear';
  const act = Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
  if (act === undefined) throw new ValueError(`${who}: activation must be 'linear' or 'relu', got ${JSON.stringify(call.activation)}`);
  checkFloats(who, 'y', call.y, g.outputSize);
  checkFloats(who, 'x', call.x, g.inputSize);
  checkFloats(who, 'w', call.w, g.filterSize);
  if (call.bias !== undefined && call.bias !== 0) checkFloats(who, 'bias', call.bias, g.outputShape[3]!);
  callKernel(g, 'forward', call.y, call.x, call.w, call.bias ?? 0, act);
}

/** dx += input gradient of the convolution (dy given, w the filter). */
export function convBackwardInputPtr(g: ConvGeometry, call: { dx: number; dy: number; w: number }, who = 'convBackwardInputPtr', kind?: ConvKind): void {
  checkGeometry(g, who, kind);
  checkFloats(who, 'dx', call.dx, g.inputSize);
  checkFloats(who, 'dy', call.dy, g.outputSize);
  checkFloats(who, 'w', call.w, g.filterSize);
  callKernel(g, 'input', call.dx, call.dy, call.w);
}

/**
 * dw += filter gradient of the convolution (dy given, x the saved input); with `db` (non-zero)
 * also db += the bias gradient, summed inside conv2d's filter-gradient pass (one read of dy less).
 */
export function convBackwardFilterPtr(g: ConvGeometry, call: { dw: number; dy: number; x: number; db?: number }, who = 'convBackwardFilterPtr', kind?: ConvKind): void {
  checkGeometry(g, who, kind);
  checkFloats(who, 'dw', call.dw, g.filterSize);
  checkFloats(who, 'dy', call.dy, g.outputSize);
  checkFloats(who, 'x', call.x, g.inputSize);
  const db = call.db ?? 0;
  if (db !== 0) checkFloats(who, 'db', db, g.outputShape[3]!);
  callKernel(g, 'filter', call.dw, call.dy, call.x, db);
  if (db !== 0 && g.kind !== 'conv2d') convBackwardBiasPtr(g, { db, dy: call.dy }, who, kind);
}

/** db += sum over batch, height and width of dy (dy is the output gradient, [.., outC]). */
export function convBackwardBiasPtr(g: ConvGeometry, call: { db: number; dy: number }, who = 'convBackwardBiasPtr', kind?: ConvKind): void {
  checkGeometry(g, who, kind);
  const shape = g.outputShape; // indexed, not destructured: this runs every training step
  checkFloats(who, 'db', call.db, shape[3]!);
  checkFloats(who, 'dy', call.dy, g.outputSize);
  convBiasBackward(call.db, call.dy, shape[0]! * shape[1]! * shape[2]!, shape[3]!);
}

type Fwd = (g: ConvGeometry, call: ConvForwardCall) => void;
type BwdIn = (g: ConvGeometry, call: { dx: number; dy: number; w: number }) => void;
type BwdW = (g: ConvGeometry, call: { dw: number; dy: number; x: number; db?: number }) => void;
type BwdB = (g: ConvGeometry, call: { db: number; dy: number }) => void;

function pointerSet(kind: ConvKind): [Fwd, BwdIn, BwdW, BwdB] {
  // The names are built once here, not in the closures: these run every training step.
  const names = [`${kind}ForwardPtr`, `${kind}BackwardInputPtr`, `${kind}BackwardFilterPtr`, `${kind}BackwardBiasPtr`] as const;
  return [
    (g, c) => convForwardPtr(g, c, names[0], kind),
    (g, c) => convBackwardInputPtr(g, c, names[1], kind),
    (g, c) => convBackwardFilterPtr(g, c, names[2], kind),
    (g, c) => convBackwardBiasPtr(g, c, names[3], kind),
  ];
}

/** conv2d pointer API: y = act(conv2d(x, w) + bias); dx +=; dw +=; db +=. */
export const [conv2dForwardPtr, conv2dBackwardInputPtr, conv2dBackwardFilterPtr, conv2dBackwardBiasPtr] = pointerSet('conv2d');
/** depthwiseConv2d pointer API (same calls as conv2d). */
export const [depthwiseConv2dForwardPtr, depthwiseConv2dBackwardInputPtr, depthwiseConv2dBackwardFilterPtr, depthwiseConv2dBackwardBiasPtr] =
  pointerSet('depthwiseConv2d');
/** conv2dTranspose pointer API (x is the transpose's input, y its output). */
export const [conv2dTransposeForwardPtr, conv2dTransposeBackwardInputPtr, conv2dTransposeBackwardFilterPtr, conv2dTransposeBackwardBiasPtr] =
  pointerSet('conv2dTranspose');

// ---------------------------------------------------------------------------------------------
// Tensor level.

/** Options of the forward convolution ops. */
export interface ConvForwardOptions extends ConvOptions {
  /** Bias [outC] added to every output pixel (fused). */
  bias?: Tensor;
  /** Fused activation; default 'linear'. */
  activation?: ConvActivation;
}

const GEOMETRIES: Record<ConvKind, (i: Shape, f: Shape, o: ConvOptions, who: string) => ConvGeometry> = {
  conv2d: conv2dGeometry,
  depthwiseConv2d: depthwiseConv2dGeometry,
  conv2dTranspose: conv2dTransposeGeometry,
};

function forwardOp(kind: ConvKind, x: Tensor, filter: Tensor, options: ConvForwardOptions): Tensor {
  const who = kind;
  const inputShape = expectImage(x, 'input', who);
  if (!(filter instanceof Tensor)) throw new ValueError(`${who}: filter must be a Tensor, got ${typeof filter}`);
  const g = GEOMETRIES[kind](inputShape, filter.shape, options ?? {}, who);
  const outC = g.outputShape[3]!;
  const bias = options?.bias === undefined ? undefined : expectShape(options.bias, [outC], 'bias', who);
  const activation = options?.activation ?? 'linear';
  if (!Object.hasOwn(ACTIVATIONS, activation)) throw new ValueError(`${who}: activation must be 'linear' or 'relu', got ${JSON.stringify(activation)}`);
  const inputs = bias ? [x.data, filter.data, bias.data] : [x.data, filter.data];
  return runOp(g, inputs, g.outputSize, g.outputShape, (y, [px, pw, pb]) => convForwardPtr(g, { y, x: px!, w: pw!, bias: pb ?? 0, activation }, who));
}

function backpropInputOp(kind: ConvKind, dy: Tensor, filter: Tensor, inputShape: Shape, options: ConvOptions, who: string): Tensor {
  if (!(filter instanceof Tensor)) throw new ValueError(`${who}: filter must be a Tensor, got ${typeof filter}`);
  const g = GEOMETRIES[kind](inputShape, filter.shape, options ?? {}, who);
  expectShape(dy, g.outputShape, 'dy', who);
  return runOp(g, [dy.data, filter.data], g.inputSize, g.inputShape, (dx, [pdy, pw]) => convBackwardInputPtr(g, { dx, dy: pdy!, w: pw! }, who));
}

function backpropFilterOp(kind: ConvKind, x: Tensor, dy: Tensor, filterShape: Shape, options: ConvOptions, who: string): Tensor {
  const g = GEOMETRIES[kind](expectImage(x, 'input', who), filterShape, options ?? {}, who);
  expectShape(dy, g.outputShape, 'dy', who);
  const size = filterShape.reduce((a, b) => a * b, 1);
  return runOp(g, [dy.data, x.data], size, g.filterShape!, (dw, [pdy, px]) => convBackwardFilterPtr(g, { dw, dy: pdy!, x: px! }, who));
}

/**
 * 2-D convolution: x [batch, h, w, inC], filter [kH, kW, inC, outC] -> [batch, outH, outW, outC],
 * with optional fused bias and ReLU.
 */
export function conv2d(x: Tensor, filter: Tensor, options: ConvForwardOptions = {}): Tensor {
  return forwardOp('conv2d', x, filter, options);
}

/** Gradient of conv2d with respect to its input (shape `inputShape`), given dy and the filter. */
export function conv2dBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, options: ConvOptions = {}): Tensor {
  return backpropInputOp('conv2d', dy, filter, inputShape, options, 'conv2dBackpropInput');
}

/** Gradient of conv2d with respect to its filter (shape `filterShape`), given x and dy. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, options: ConvOptions = {}): Tensor {
  return backpropFilterOp('conv2d', x, dy, filterShape, options, 'conv2dBackpropFilter');
}

/** Bias gradient of any NHWC convolution: the sum of dy [batch, h, w, c] over batch, h and w -> [c]. */
export function conv2dBackpropBias(dy: Tensor): Tensor {
  const [batch, h, w, c] = expectImage(dy, 'dy', 'conv2dBackpropBias');
  return runOp(undefined, [dy.data], c, [c], (db, [pdy]) => convBiasBackward(db, pdy!, batch * h * w, c));
}

/** Depthwise 2-D convolution: x [batch, h, w, c], filter [kH, kW, c, dm] -> [batch, outH, outW, c*dm]. */
export function depthwiseConv2d(x: Tensor, filter: Tensor, options: ConvForwardOptions = {}): Tensor {
  return forwardOp('depthwiseConv2d', x, filter, options);
}

/** Gradient of depthwiseConv2d with respect to its input. */
export function depthwiseConv2dBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, options: ConvOptions = {}): Tensor {
  return backpropInputOp('depthwiseConv2d', dy, filter, inputShape, options, 'depthwiseConv2dBackpropInput');
}

/** Gradient of depthwiseConv2d with respect to its filter. */
export function depthwiseConv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, options: ConvOptions = {}): Tensor {
  return backpropFilterOp('depthwiseConv2d', x, dy, filterShape, options, 'depthwiseConv2dBackpropFilter');
}

/** Transposed 2-D convolution: x [batch, h, w, inC], filter [kH, kW, outC, inC] -> [batch, outH, outW, outC]. */
export function conv2dTranspose(x: Tensor, filter: Tensor, options: ConvForwardOptions = {}): Tensor {
  return forwardOp('conv2dTranspose', x, filter, options);
}

/** Gradient of conv2dTranspose with respect to its input x (shape `inputShape`). */
export function conv2dTransposeBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, options: ConvOptions = {}): Tensor {
  return backpropInputOp('conv2dTranspose', dy, filter, inputShape, options, 'conv2dTransposeBackpropInput');
}

/** Gradient of conv2dTranspose with respect to its filter. */
export function conv2dTransposeBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, options: ConvOptions = {}): Tensor {
  return backpropFilterOp('conv2dTranspose', x, dy, filterShape, options, 'conv2dTransposeBackpropFilter');
}
