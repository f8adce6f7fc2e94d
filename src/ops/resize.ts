// Spatial resizing of NHWC tensors: upSampling2d (nearest, integer factors), zeroPadding2d and
// cropping2d, forward and backward (row copies; mirrors assembly/resize.ts).
//
// Geometry (pure TS, validated, errors name the caller): `upSampling2dGeometry(inputShape,
// { size })`, `zeroPadding2dGeometry(inputShape, { padding })`, `cropping2dGeometry(inputShape,
// { cropping })` (Keras's argument forms: n, [h, w] or [[top, bottom], [left, right]]).
// Pointer level (byte offsets of wasm buffers, nothing allocated per call):
//   resizeForwardPtr(g, { y, x })     y = the resized x
//   resizeBackwardPtr(g, { dx, dy })  dx += the gradient (sums of dy blocks / the dy window)
// with `upSampling2dForwardPtr`, `zeroPadding2dBackwardPtr`, ... as kind-checked aliases.
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { checkOptions } from '../core/errors.js';
import { resizeKernels } from '../kernels/resize.js';
import { checkFloats } from '../kernels/bounds.js';
import { Tensor, type Shape } from '../core/tensor.js';
import { Geometry, checkImageShape, checkInt, expectImage, expectShape, pair, runOp } from './geometry.js';

/** The resize kinds. */
export type ResizeKind = 'upSampling2d' | 'zeroPadding2d' | 'cropping2d';
/** The geometry of a resize (from upSampling2dGeometry, zeroPadding2dGeometry or cropping2dGeometry). */
export type ResizeGeometry = Geometry<ResizeKind>;

/** Keras's forms of a 2-D border: n, [h, w] (symmetric) or [[top, bottom], [left, right]]. */
export type Border2d = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

function border(v: unknown, what: string, who: string): [number, number, number, number] {
  if (Array.isArray(v) && v.length === 2 && Array.isArray(v[0]) && Array.isArray(v[1])) {
    const [[t, b], [l, r]] = v as [[unknown, unknown], [unknown, unknown]];
    if ((v[0] as unknown[]).length === 2 && (v[1] as unknown[]).length === 2) {
      return [checkInt(t, what, who, 0), checkInt(b, what, who, 0), checkInt(l, what, who, 0), checkInt(r, what, who, 0)];
    }
  }
  if (typeof v !== 'number' && !(Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === 'number'))) {
    throw new ValueError(`${who}: ${what} must be n, [height, width] or [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(v)}`);
  }
  const [h, w] = pair(v, what, who, 0);
  return [h, h, w, w];
}

function make(kind: ResizeKind, input: readonly number[], outH: number, outW: number, pads: [number, number, number, number], kH = 1, kW = 1): ResizeGeometry {
  const [batch, inH, inW, c] = input as [number, number, number, number];
  return new Geometry(kind, [...input], [batch, outH, outW, c], undefined, pads, {
    batch, inH, inW, inC: c, outH, outW, outC: c, kH, kW, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: pads[0], padBottom: pads[1], padLeft: pads[2], padRight: pads[3], depthMultiplier: 1,
  });
}

/** Geometry of nearest up-sampling by integer factors `size` (default 2): [n, h, w, c] -> [n, h*sH, w*sW, c]. */
export function upSampling2dGeometry(inputShape: Shape, options: { size?: number | readonly [number, number]; interpolation?: 'nearest' } = {}, who = 'upSampling2d'): ResizeGeometry {
  const input = checkImageShape(inputShape, 'input', who);
  checkOptions(who, options);
  if (options.interpolation !== undefined && options.interpolation !== 'nearest') {
    throw new ValueError(`${who}: interpolation must be 'nearest', got ${JSON.stringify(options.interpolation)}`);
  }
  const [sH, sW] = pair(options.size ?? 2, 'size', who);
  return make('upSampling2d', input, input[1] * sH, input[2] * sW, [0, 0, 0, 0], sH, sW);
}

/** Geometry of zero padding (default 1 on every side): [n, h, w, c] -> [n, h+top+bottom, w+left+right, c]. */
export function zeroPadding2dGeometry(inputShape: Shape, options: { padding?: Border2d } = {}, who = 'zeroPadding2d'): ResizeGeometry {
  const input = checkImageShape(inputShape, 'input', who);
  const pads = border(checkOptions(who, options).padding ?? 1, 'padding', who);
  return make('zeroPadding2d', input, input[1] + pads[0] + pads[1], input[2] + pads[2] + pads[3], pads);
}

/** Geometry of cropping (default 0): [n, h, w, c] -> [n, h-top-bottom, w-left-right, c]. */
export function cropping2dGeometry(inputShape: Shape, options: { cropping?: Border2d } = {}, who = 'cropping2d'): ResizeGeometry {
  const input = checkImageShape(inputShape, 'input', who);
  const crops = border(checkOptions(who, options).cropping ?? 0, 'cropping', who);
  const outH = input[1] - crops[0] - crops[1];
  const outW = input[2] - crops[2] - crops[3];
  if (outH < 1 || outW < 1) {
    throw new ShapeError(`${who}: cropping [[${crops[0]}, ${crops[1]}], [${crops[2]}, ${crops[3]}]] leaves nothing of the input ${formatShape(inputShape)}`);
  }
  return make('cropping2d', input, outH, outW, crops);
}

/** The resize kinds a geometry may have. */
const KINDS: Record<ResizeKind, true> = { upSampling2d: true, zeroPadding2d: true, cropping2d: true };

function checkGeometry(g: ResizeGeometry, who: string, kind?: ResizeKind): number {
  if (!(g instanceof Geometry) || !Object.hasOwn(KINDS, g.kind)) {
    throw new ValueError(`${who}: expected a resize geometry (upSampling2dGeometry, zeroPadding2dGeometry or cropping2dGeometry), got ${g instanceof Geometry ? `a ${g.kind} geometry` : String(g)}`);
  }
  if (kind !== undefined && g.kind !== kind) throw new ValueError(`${who}: expected a ${kind} geometry, got a ${g.kind} geometry`);
  return g.ptr();
}

/** y = resize(x) on wasm buffers. */
export function resizeForwardPtr(g: ResizeGeometry, call: { y: number; x: number }, who = 'resizeForwardPtr', kind?: ResizeKind): void {
  const gp = checkGeometry(g, who, kind);
  checkFloats(who, 'y', call.y, g.outputSize);
  checkFloats(who, 'x', call.x, g.inputSize);
  resizeKernels()[g.kind].forward(call.y, call.x, gp);
}

/** dx += gradient of the resize for the output gradient dy. */
export function resizeBackwardPtr(g: ResizeGeometry, call: { dx: number; dy: number }, who = 'resizeBackwardPtr', kind?: ResizeKind): void {
  const gp = checkGeometry(g, who, kind);
  checkFloats(who, 'dx', call.dx, g.inputSize);
  checkFloats(who, 'dy', call.dy, g.outputSize);
  resizeKernels()[g.kind].backward(call.dx, call.dy, gp);
}

type Fwd = (g: ResizeGeometry, call: { y: number; x: number }) => void;
type Bwd = (g: ResizeGeometry, call: { dx: number; dy: number }) => void;
const pointerPair = (kind: ResizeKind): [Fwd, Bwd] => {
  // The names are built once here, not in the closures: these run every training step.
  const forwardName = `${kind}ForwardPtr`;
  const backwardName = `${kind}BackwardPtr`;
  return [(g, c) => resizeForwardPtr(g, c, forwardName, kind), (g, c) => resizeBackwardPtr(g, c, backwardName, kind)];
};

/** Pointer API of upSampling2d (kind-checked): y = up-sampled x; dx += block sums of dy. */
export const [upSampling2dForwardPtr, upSampling2dBackwardPtr] = pointerPair('upSampling2d');
/** Pointer API of zeroPadding2d (kind-checked): y = padded x; dx += the interior of dy. */
export const [zeroPadding2dForwardPtr, zeroPadding2dBackwardPtr] = pointerPair('zeroPadding2d');
/** Pointer API of cropping2d (kind-checked): y = the window of x; dx += dy placed back. */
export const [cropping2dForwardPtr, cropping2dBackwardPtr] = pointerPair('cropping2d');

function forward(g: ResizeGeometry, x: Tensor): Tensor {
  return runOp(g, [x.data], g.outputSize, g.outputShape, (y, [px]) => resizeForwardPtr(g, { y, x: px! }, g.kind));
}

function backward(g: ResizeGeometry, dy: Tensor, who: string): Tensor {
  expectShape(dy, g.outputShape, 'dy', who);
  return runOp(g, [dy.data], g.inputSize, g.inputShape, (dx, [pdy]) => resizeBackwardPtr(g, { dx, dy: pdy! }, who));
}

/** Nearest up-sampling: each pixel repeated size[0] x size[1] times. */
export function upSampling2d(x: Tensor, options: { size?: number | readonly [number, number]; interpolation?: 'nearest' } = {}): Tensor {
  return forward(upSampling2dGeometry(expectImage(x, 'input', 'upSampling2d'), options), x);
}

/** Gradient of upSampling2d: each input pixel gets the sum of its block of dy. */
export function upSampling2dBackward(dy: Tensor, inputShape: Shape, options: { size?: number | readonly [number, number] } = {}): Tensor {
  return backward(upSampling2dGeometry(inputShape, options, 'upSampling2dBackward'), dy, 'upSampling2dBackward');
}

/** Zero padding of height and width. */
export function zeroPadding2d(x: Tensor, options: { padding?: Border2d } = {}): Tensor {
  return forward(zeroPadding2dGeometry(expectImage(x, 'input', 'zeroPadding2d'), options), x);
}

/** Gradient of zeroPadding2d: the interior of dy. */
export function zeroPadding2dBackward(dy: Tensor, inputShape: Shape, options: { padding?: Border2d } = {}): Tensor {
  return backward(zeroPadding2dGeometry(inputShape, options, 'zeroPadding2dBackward'), dy, 'zeroPadding2dBackward');
}

/** Cropping of height and width. */
export function cropping2d(x: Tensor, options: { cropping?: Border2d } = {}): Tensor {
  return forward(cropping2dGeometry(expectImage(x, 'input', 'cropping2d'), options), x);
}

/** Gradient of cropping2d: dy placed back, zeros on the cropped border. */
export function cropping2dBackward(dy: Tensor, inputShape: Shape, options: { cropping?: Border2d } = {}): Tensor {
  return backward(cropping2dGeometry(inputShape, options, 'cropping2dBackward'), dy, 'cropping2dBackward');
}
