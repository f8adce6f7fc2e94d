// Activations: the pointer-level API that layers call (buffers already in wasm memory) and the
// tensor-level ops (`ops.relu(x)`, `ops.activation('gelu', x)`, ...) for users and tests.
// Kernels: assembly/activation.ts.
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { elementwiseKernels, preluBackward as preluBackwardKernel, preluForward as preluForwardKernel, rowKernels, type ElementwiseKernels, type RowKernels } from '../kernels/activation.js';
import { checkFloats } from '../kernels/bounds.js';
import { readF32, withScratch, writeF32 } from '../backend/memory.js';
import { Tensor } from '../core/tensor.js';

/** Every activation by its registered (camelCase) name. */
export type ActivationName = 'linear' | 'step' | 'sigmoid' | 'hardSigmoid' | 'tanh' | 'relu' | 'relu6'
  | 'leakyRelu' | 'elu' | 'selu' | 'gelu' | 'geluTanh' | 'swish' | 'silu' | 'mish' | 'softplus' | 'softsign'
  | 'softmax' | 'logSoftmax';

/** An activation with its parameter (`alpha` for `leakyRelu` and `elu` only). */
export interface ActivationSpec { name: ActivationName; alpha?: number }

/** What a backward pass reads: the saved input `x`, the saved output `y`, or both. */
export interface ActivationReads { x: boolean; y: boolean }

interface Entry {
  /** Its kernels: a row of src/kernels/activation.ts's elementwise table, or (softmax family) of its row table. */
  kernel: keyof ElementwiseKernels | keyof RowKernels;
  reads: ActivationReads;
  /** Default alpha when the activation takes one. */
  alpha?: number;
  /** Softmax family: works over rows of the last axis. */
  rows?: boolean;
  /** Gradient zero everywhere: no backward kernel. */
  noGradient?: boolean;
}

const X = { x: true, y: false };
const Y = { x: false, y: true };
const XY = { x: true, y: true };
const NONE = { x: false, y: false };

/**
 * The registry: kernel stem, which saved values the backward reads, default parameter.
 * `leakyRelu` defaults to alpha 0.2 as Keras's `activations.leaky_relu` function; the Keras
 * `LeakyReLU` layer's default is 0.3 (the layer passes its own alpha). `elu` defaults to 1.
 * `hardSigmoid` is Keras 2 / TF.js's max(0, min(1, 0.2 x + 0.5)). `swish` and `silu` are the
 * same function, x sigmoid(x).
 */
const ACTIVATIONS: Record<ActivationName, Entry> = {
  linear: { kernel: 'linear', reads: NONE },
  step: { kernel: 'step', reads: NONE, noGradient: true },
  sigmoid: { kernel: 'sigmoid', reads: Y },
  hardSigmoid: { kernel: 'hardSigmoid', reads: X },
  tanh: { kernel: 'tanh', reads: Y },
  relu: { kernel: 'relu', reads: X },
  relu6: { kernel: 'relu6', reads: X },
  leakyRelu: { kernel: 'leakyRelu', reads: X, alpha: 0.2 },
  elu: { kernel: 'elu', reads: XY, alpha: 1 },
  selu: { kernel: 'selu', reads: XY },
  gelu: { kernel: 'gelu', reads: X },
  geluTanh: { kernel: 'geluTanh', reads: X },
  swish: { kernel: 'swish', reads: X },
  silu: { kernel: 'swish', reads: X },
  mish: { kernel: 'mish', reads: X },
  softplus: { kernel: 'softplus', reads: X },
  softsign: { kernel: 'softsign', reads: X },
  softmax: { kernel: 'softmax', reads: Y, rows: true },
  logSoftmax: { kernel: 'logSoftmax', reads: Y, rows: true },
};

/** The registered activation names, in a stable order. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

function entry(spec: ActivationSpec): Entry {
  const e = (ACTIVATIONS as Record<string, Entry | undefined>)[spec.name];
  if (e === undefined || !Object.prototype.hasOwnProperty.call(ACTIVATIONS, spec.name)) {
    throw new ValueError(`activation: unknown activation '${String(spec.name)}'; valid names are ${ACTIVATION_NAMES.join(', ')}`);
  }
  return e;
}

/**
 * Validates an activation name or spec and fills in its default parameter. `undefined` means
 * `'linear'`. Throws a ValueError listing the valid names for an unknown one.
 */
export function resolveActivation(a: ActivationName | ActivationSpec | undefined): ActivationSpec {
  if (a === undefined) return { name: 'linear' };
  const spec: ActivationSpec = typeof a === 'string' ? { name: a } : a;
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
    throw new ValueError(`activation: expected a name or { name, alpha }, got ${a === null ? 'null' : typeof a}`);
  }
  const e = entry(spec);
  if (e.alpha === undefined) {
    if (spec.alpha !== undefined) throw new ValueError(`activation: '${spec.name}' takes no alpha (only leakyRelu and elu do), got alpha ${spec.alpha}`);
    return { name: spec.name };
  }
  const alpha = spec.alpha ?? e.alpha;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new ValueError(`activation: '${spec.name}' needs a finite alpha, got ${String(alpha)}`);
  }
  return { name: spec.name, alpha };
}

/** Which saved buffers `activationBackwardPtr` reads for this activation (the layer saves only those). */
export function activationReads(spec: ActivationSpec): ActivationReads {
  return { ...entry(spec).reads };
}

function rowsOf(spec: ActivationSpec, n: number, lastDim: number): number {
  if (!Number.isInteger(lastDim) || lastDim <= 0 || n % lastDim !== 0) {
    throw new ShapeError(`${spec.name}: ${n} values do not split into rows of lastDim=${lastDim}`);
  }
  return n / lastDim;
}

/** y = f(x) over n floats; softmax/logSoftmax work over rows of `lastDim`. y may alias x. */
export function activationForwardPtr(spec: ActivationSpec, y: number, x: number, n: number, lastDim: number): void {
  const e = entry(spec);
  const rows = e.rows ? rowsOf(spec, n, lastDim) : 0;
  checkFloats(spec.name, 'y', y, n);
  checkFloats(spec.name, 'x', x, n);
  if (e.rows) rowKernels()[e.kernel as keyof RowKernels].forward(y, x, rows, lastDim);
  else elementwiseKernels()[e.kernel as keyof ElementwiseKernels].forward(y, x, n, spec.alpha ?? e.alpha ?? 0);
}

/** dx += dy * f'(x); x and y are the saved input and output (either may be needed). */
export function activationBackwardPtr(spec: ActivationSpec, dx: number, dy: number, x: number, y: number, n: number, lastDim: number): void {
  const e = entry(spec);
  if (e.noGradient) return;
  const rows = e.rows ? rowsOf(spec, n, lastDim) : 0;
  const who = spec.name;
  checkFloats(who, 'dx', dx, n);
  checkFloats(who, 'dy', dy, n);
  if (e.reads.x) checkFloats(who, 'x', x, n);
  if (e.reads.y) checkFloats(who, 'y', y, n);
  if (e.rows) {
    rowKernels()[e.kernel as keyof RowKernels].backward(dx, dy, y, rows, lastDim);
    return;
  }
  const backward = elementwiseKernels()[e.kernel as keyof ElementwiseKernels].backward;
  if (backward !== undefined) backward(dx, dy, x, y, n, spec.alpha ?? e.alpha ?? 0);
}

/** PReLU forward: y = x > 0 ? x : alpha[c] x with c the index along the last axis (`channels` long). */
export function preluForwardPtr(y: number, x: number, alpha: number, n: number, channels: number): void {
  checkChannels(n, channels);
  checkFloats('prelu', 'y', y, n);
  checkFloats('prelu', 'x', x, n);
  checkFloats('prelu', 'alpha', alpha, channels);
  preluForwardKernel(y, x, alpha, n, channels);
}

/** PReLU backward: dx += dy (x > 0 ? 1 : alpha[c]); dalpha[c] += sum of dy x where x <= 0. */
export function preluBackwardPtr(dx: number, dalpha: number, dy: number, x: number, alpha: number, n: number, channels: number): void {
  checkChannels(n, channels);
  checkFloats('prelu backward', 'dx', dx, n);
  checkFloats('prelu backward', 'dalpha', dalpha, channels);
  checkFloats('prelu backward', 'dy', dy, n);
  checkFloats('prelu backward', 'x', x, n);
  checkFloats('prelu backward', 'alpha', alpha, channels);
  preluBackwardKernel(dx, dalpha, dy, x, alpha, n, channels);
}

function checkChannels(n: number, channels: number): void {
  if (!Number.isInteger(channels) || channels <= 0 || n % channels !== 0) {
    throw new ShapeError(`prelu: ${n} values do not split into rows of channels=${channels}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Tensor-level ops

function lastDimOf(x: Tensor, who: string): number {
  if (!(x instanceof Tensor)) throw new ValueError(`${who}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.rank === 0) throw new ShapeError(`${who}: expected a tensor of rank >= 1, got shape ${formatShape(x.shape)}`);
  return x.shape[x.rank - 1]!;
}

/** Applies an activation elementwise (softmax/logSoftmax over the last axis); returns a new tensor. */
export function activation(a: ActivationName | ActivationSpec, x: Tensor): Tensor {
  const spec = resolveActivation(a);
  const lastDim = lastDimOf(x, spec.name);
  const out = new Float32Array(x.size);
  if (x.size === 0) return new Tensor(out, x.shape);
  withScratch((alloc) => {
    const p = alloc(x.size * 4);
    writeF32(p, x.data);
    activationForwardPtr(spec, p, p, x.size, lastDim);
    readF32(p, x.size, out);
  });
  return new Tensor(out, x.shape);
}

/** The gradient with respect to x of an activation, given dy (same shape as x): dx = dy * f'(x). */
export function activationBackward(a: ActivationName | ActivationSpec, dy: Tensor, x: Tensor): Tensor {
  const spec = resolveActivation(a);
  const lastDim = lastDimOf(x, `${spec.name} backward`);
  if (!(dy instanceof Tensor) || formatShape(dy.shape) !== formatShape(x.shape)) {
    throw new ShapeError(`${spec.name} backward: dy ${dy instanceof Tensor ? formatShape(dy.shape) : String(dy)} must have the shape of x ${formatShape(x.shape)}`);
  }
  const n = x.size;
  const out = new Float32Array(n);
  if (n === 0) return new Tensor(out, x.shape);
  withScratch((alloc) => {
    const px = alloc(n * 4), py = alloc(n * 4), pdy = alloc(n * 4), pdx = alloc(n * 4);
    writeF32(px, x.data);
    writeF32(pdy, dy.data);
    writeF32(pdx, out);
    activationForwardPtr(spec, py, px, n, lastDim);
    activationBackwardPtr(spec, pdx, pdy, px, py, n, lastDim);
    readF32(pdx, n, out);
  });
  return new Tensor(out, x.shape);
}

/** linear(x) = x (a copy). */
export const linear = (x: Tensor): Tensor => activation('linear', x);
/** step(x) = x > 0 ? 1 : 0. */
export const step = (x: Tensor): Tensor => activation('step', x);
/** sigmoid(x) = 1 / (1 + e^-x), exact to a few ulp at any magnitude. */
export const sigmoid = (x: Tensor): Tensor => activation('sigmoid', x);
/** hardSigmoid(x) = max(0, min(1, 0.2 x + 0.5)) (Keras 2 / TF.js). */
export const hardSigmoid = (x: Tensor): Tensor => activation('hardSigmoid', x);
/** tanh(x). */
export const tanh = (x: Tensor): Tensor => activation('tanh', x);
/** relu(x) = max(x, 0). */
export const relu = (x: Tensor): Tensor => activation('relu', x);
/** relu6(x) = min(max(x, 0), 6). */
export const relu6 = (x: Tensor): Tensor => activation('relu6', x);
/** leakyRelu(x) = x > 0 ? x : alpha x; alpha defaults to 0.2 (Keras's function; its layer uses 0.3). */
export const leakyRelu = (x: Tensor, alpha = 0.2): Tensor => activation({ name: 'leakyRelu', alpha }, x);
/** elu(x) = x > 0 ? x : alpha (e^x - 1); alpha defaults to 1. */
export const elu = (x: Tensor, alpha = 1): Tensor => activation({ name: 'elu', alpha }, x);
/** selu(x) = scale * elu(x, alpha) with the self-normalising constants (1.0507..., 1.6733...). */
export const selu = (x: Tensor): Tensor => activation('selu', x);
/** gelu(x) = x Phi(x), the exact erf form. */
export const gelu = (x: Tensor): Tensor => activation('gelu', x);
/** geluTanh(x) = x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2, the tanh approximation. */
export const geluTanh = (x: Tensor): Tensor => activation('geluTanh', x);
/** swish(x) = x sigmoid(x) (the same as silu). */
export const swish = (x: Tensor): Tensor => activation('swish', x);
/** silu(x) = x sigmoid(x). */
export const silu = (x: Tensor): Tensor => activation('silu', x);
/** mish(x) = x tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => activation('mish', x);
/** softplus(x) = log(1 + e^x), without overflow at any magnitude. */
export const softplus = (x: Tensor): Tensor => activation('softplus', x);
/** softsign(x) = x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => activation('softsign', x);
/** Softmax over the last axis (max subtracted first: stable at any magnitude). */
export const softmax = (x: Tensor): Tensor => activation('softmax', x);
/** Log-softmax over the last axis: x - logsumexp(x), never log(softmax(x)). */
export const logSoftmax = (x: Tensor): Tensor => activation('logSoftmax', x);

function checkPrelu(x: Tensor, alpha: Tensor, who: string): number {
  const channels = lastDimOf(x, who);
  if (!(alpha instanceof Tensor) || alpha.size !== channels) {
    throw new ShapeError(`${who}: alpha ${alpha instanceof Tensor ? formatShape(alpha.shape) : String(alpha)} must have ${channels} values (the last axis of x ${formatShape(x.shape)})`);
  }
  return channels;
}

/** PReLU with one learned slope per position of the last axis: alpha has `x.shape[-1]` values. */
export function prelu(x: Tensor, alpha: Tensor): Tensor {
  const channels = checkPrelu(x, alpha, 'prelu');
  const out = new Float32Array(x.size);
  if (x.size === 0) return new Tensor(out, x.shape);
  withScratch((alloc) => {
    const px = alloc(x.size * 4), pa = alloc(channels * 4);
    writeF32(px, x.data);
    writeF32(pa, alpha.data);
    preluForwardPtr(px, px, pa, x.size, channels);
    readF32(px, x.size, out);
  });
  return new Tensor(out, x.shape);
}

/** Gradients of PReLU: `dx` (shape of x) and `dalpha` (shape of alpha). */
export function preluBackward(dy: Tensor, x: Tensor, alpha: Tensor): { dx: Tensor; dalpha: Tensor } {
  const channels = checkPrelu(x, alpha, 'prelu backward');
  if (!(dy instanceof Tensor) || formatShape(dy.shape) !== formatShape(x.shape)) {
    throw new ShapeError(`prelu backward: dy ${dy instanceof Tensor ? formatShape(dy.shape) : String(dy)} must have the shape of x ${formatShape(x.shape)}`);
  }
  const n = x.size;
  const dx = new Float32Array(n);
  const dalpha = new Float32Array(channels);
  if (n > 0) {
    withScratch((alloc) => {
      const px = alloc(n * 4), pdy = alloc(n * 4), pdx = alloc(n * 4), pa = alloc(channels * 4), pda = alloc(channels * 4);
      writeF32(px, x.data);
      writeF32(pdy, dy.data);
      writeF32(pdx, dx);
      writeF32(pa, alpha.data);
      writeF32(pda, dalpha);
      preluBackwardPtr(pdx, pda, pdy, px, pa, n, channels);
      readF32(pdx, n, dx);
      readF32(pda, channels, dalpha);
    });
  }
  return { dx: new Tensor(dx, x.shape), dalpha: new Tensor(dalpha, alpha.shape) };
}
