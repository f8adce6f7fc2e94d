// The public activation, softmax, convolution, pooling, normalisation, dropout and random ops
// (re-exported by ops.ts): eager on Tensors (src/ops), recorded on symbolic operands.
import * as eager from '../ops/index.js';
import { ValueError } from '../core/errors.js';
import { Tensor, type Shape } from '../core/tensor.js';
import { SymbolicTensor } from '../layers/layer.js';
import type { ActivationName } from '../ops/activation.js';
import type { ConvOptions } from '../ops/conv.js';
import type { Pool2dOptions } from '../ops/pool.js';
import { anySymbolic, toSymbolic, toSymbolicTensor, type Operand } from './dispatch.js';
import { ActivationOp, SoftmaxOp } from './activation.js';
import { Conv2DOp, DropoutOp, LayerNormOp, Pool2DOp, RandomOp, SymbolicShape } from './nn.js';
import { apply, type Result, type TensorOperand } from './ops-shape.js';
import { constantTensor } from './sources.js';
import { where } from './op.js';
import { BinaryOp, UnaryOp } from './elementwise.js';

export { SymbolicShape } from './nn.js';

/** An activation on a Tensor (now) or a symbolic operand (recorded). */
export interface ActivationFn {
  (x: Tensor): Tensor;
  (x: Operand): SymbolicTensor;
}

/** An activation with a parameter (leakyRelu, elu). */
export interface ParamActivationFn {
  (x: Tensor, alpha?: number): Tensor;
  (x: Operand, alpha?: number): SymbolicTensor;
}

function activationOp(name: ActivationName, now: (x: Tensor, alpha?: number) => Tensor): ParamActivationFn {
  return ((x: Operand, alpha?: number) => {
    if (!anySymbolic(x)) return alpha === undefined ? now(x as Tensor) : now(x as Tensor, alpha);
    return new ActivationOp(name, alpha).record([toSymbolicTensor(x, name, 'x')])[0]!;
  }) as ParamActivationFn;
}

/** Identity. */
export const linear: ActivationFn = activationOp('linear', eager.linear);
/** 1 where x > 0, else 0 (no gradient). */
export const step: ActivationFn = activationOp('step', eager.step);
/** 1 / (1 + e^-x). */
export const sigmoid: ActivationFn = activationOp('sigmoid', eager.sigmoid);
/** max(0, min(1, 0.2 x + 0.5)). */
export const hardSigmoid: ActivationFn = activationOp('hardSigmoid', eager.hardSigmoid);
/** Hyperbolic tangent. */
export const tanh: ActivationFn = activationOp('tanh', eager.tanh);
/** max(0, x). */
export const relu: ActivationFn = activationOp('relu', eager.relu);
/** min(max(0, x), 6). */
export const relu6: ActivationFn = activationOp('relu6', eager.relu6);
/** x > 0 ? x : alpha x (alpha default 0.2). */
export const leakyRelu: ParamActivationFn = activationOp('leakyRelu', eager.leakyRelu);
/** x > 0 ? x : alpha (e^x - 1) (alpha default 1). */
export const elu: ParamActivationFn = activationOp('elu', eager.elu);
/** Scaled ELU. */
export const selu: ActivationFn = activationOp('selu', eager.selu);
/** x Φ(x) (exact, erf). */
export const gelu: ActivationFn = activationOp('gelu', eager.gelu);
/** GELU's tanh approximation. */
export const geluTanh: ActivationFn = activationOp('geluTanh', eager.geluTanh);
/** x sigmoid(x). */
export const swish: ActivationFn = activationOp('swish', eager.swish);
/** x sigmoid(x) (same as swish). */
export const silu: ActivationFn = activationOp('silu', eager.silu);
/** x tanh(softplus(x)). */
export const mish: ActivationFn = activationOp('mish', eager.mish);
/** log(1 + e^x). */
export const softplus: ActivationFn = activationOp('softplus', eager.softplus);
/** x / (1 + |x|). */
export const softsign: ActivationFn = activationOp('softsign', eager.softsign);

function softmaxOp(kind: 'softmax' | 'logSoftmax', x: Operand, axis: number, mask: Operand | undefined): Tensor | SymbolicTensor {
  if (!anySymbolic(x, mask) && mask === undefined && x instanceof Tensor && (axis === -1 || axis === x.rank - 1)) return eager[kind](x);
  return apply(new SoftmaxOp(kind, axis), mask === undefined ? [x] : [x, mask], ['x', 'mask'])[0]!;
}

/**
 * Softmax over `axis` (default the last). Entries where `mask` (broadcast to x) is 0 get
 * probability 0 and no gradient; a row with every entry masked is all zeros, not NaN.
 */
export function softmax<X extends TensorOperand>(x: X, axis = -1, mask?: Operand): Result<X> {
  return softmaxOp('softmax', x, axis, mask) as Result<X>;
}

/** log(softmax(x)) over `axis`, computed stably; masked entries are 0 (not -Inf) and get no gradient. */
export function logSoftmax<X extends TensorOperand>(x: X, axis = -1, mask?: Operand): Result<X> {
  return softmaxOp('logSoftmax', x, axis, mask) as Result<X>;
}

/** Options of `ops.conv2d` on any operands: the window, and an optional bias operand. */
export interface Conv2dOpOptions extends ConvOptions {
  bias?: Operand;
}

/** 2-D convolution of NHWC x [*, h, w, inC] with a filter [kH, kW, inC, outC] (Keras layouts), plus an optional bias [outC]. */
export function conv2d(x: Tensor, filter: Tensor, options?: eager.ConvForwardOptions): Tensor;
export function conv2d(x: Operand, filter: Operand, options?: Conv2dOpOptions): SymbolicTensor;
export function conv2d(x: Operand, filter: Operand, options: Conv2dOpOptions | eager.ConvForwardOptions = {}): Tensor | SymbolicTensor {
  if (!anySymbolic(x, filter, options?.bias)) return eager.conv2d(x as Tensor, filter as Tensor, options as eager.ConvForwardOptions);
  const { bias, ...window } = options;
  if ('activation' in window) throw new ValueError(`${where('ops.conv2d')}: a symbolic conv2d takes no activation; apply ops.relu to its result`);
  return apply(new Conv2DOp(window), bias === undefined ? [x, filter] : [x, filter, bias as Operand], ['x', 'filter', 'bias'])[0]!;
}

/** Max over each window of NHWC x. */
export function maxPool2d<X extends TensorOperand>(x: X, options: Pool2dOptions = {}): Result<X> {
  if (!anySymbolic(x)) return eager.maxPool2d(x as unknown as Tensor, options) as Result<X>;
  return apply(new Pool2DOp('maxPool2d', options), [x], ['x'])[0] as Result<X>;
}

/** Mean over each window of NHWC x (the padding cells of 'same' do not count). */
export function avgPool2d<X extends TensorOperand>(x: X, options: Pool2dOptions = {}): Result<X> {
  if (!anySymbolic(x)) return eager.avgPool2d(x as unknown as Tensor, options) as Result<X>;
  return apply(new Pool2DOp('avgPool2d', options), [x], ['x'])[0] as Result<X>;
}

/** Parameters of `ops.layerNormalization` on any operands. */
export interface LayerNormOpParams {
  /** Scale [channels]; default ones. */
  gamma?: Operand;
  /** Offset [channels]; default zeros. */
  beta?: Operand;
  /** Default 1e-3 (Keras). */
  epsilon?: number;
}

/** (x - mean) / sqrt(var + epsilon) * gamma + beta over the last axis, per row. */
export function layerNormalization<X extends TensorOperand>(x: X, params: LayerNormOpParams = {}): Result<X> {
  const { gamma, beta, epsilon } = params;
  if (!anySymbolic(x, gamma, beta)) return eager.layerNormalization(x as unknown as Tensor, params as eager.NormParams) as Result<X>;
  const sx = toSymbolicTensor(x, 'layerNormalization', 'x');
  const c = sx.shape.at(-1) ?? 0;
  const filled = (v: Operand | undefined, value: number): Operand => v ?? new Tensor(new Float32Array(c).fill(value), [c]);
  return apply(new LayerNormOp(epsilon), [sx, filled(gamma, 1), filled(beta, 0)], ['x', 'gamma', 'beta'])[0] as Result<X>;
}

/** Parameters of `ops.batchNormalization` on any operands (Keras's `ops.batch_normalization`). */
export interface BatchNormOpParams {
  /** Statistics broadcast against x, e.g. [channels] or from `ops.mean(x, axes, true)`. */
  mean: Operand;
  variance: Operand;
  gamma?: Operand;
  beta?: Operand;
  /** Default 1e-3 (Keras). */
  epsilon?: number;
}

/**
 * (x - mean) / sqrt(variance + epsilon) * gamma + beta with the given statistics (broadcast).
 * Symbolic statistics (batch statistics: `ops.mean(x, [0, 1, 2], true)`) are differentiated
 * through, as a batch norm layer in training; the composition is of elementwise ops.
 */
export function batchNormalization(x: Tensor, params: eager.BatchNormParams): Tensor;
export function batchNormalization(x: Operand, params: BatchNormOpParams): SymbolicTensor;
export function batchNormalization(x: Operand, params: BatchNormOpParams | eager.BatchNormParams): Tensor | SymbolicTensor {
  const p = params !== null && typeof params === 'object' ? (params as BatchNormOpParams) : undefined;
  if (!anySymbolic(x, p?.mean, p?.variance, p?.gamma, p?.beta)) return eager.batchNormalization(x as Tensor, params as eager.BatchNormParams); // its checks name the problem
  if (p === undefined) throw new ValueError(`${where('ops.batchNormalization')}: params { mean, variance } must be an object, got ${String(params)}`);
  const { mean, variance, gamma, beta, epsilon = 1e-3 } = p;
  if (!(typeof epsilon === 'number' && epsilon > 0)) throw new ValueError(`${where('ops.batchNormalization')}: epsilon must be a positive number, got ${String(epsilon)}`);
  const who = 'batchNormalization';
  const bin = (kind: 'add' | 'sub' | 'mul', a: Operand, b: Operand, name: string): SymbolicTensor =>
    new BinaryOp(kind).record([toSymbolic(a, who, 'x'), toSymbolic(b, who, name)])[0]!;
  const invStd = new UnaryOp('rsqrt').record([bin('add', variance, epsilon, 'variance')])[0]!;
  let y = bin('mul', bin('sub', x, mean, 'mean'), invStd, 'variance');
  if (gamma !== undefined) y = bin('mul', y, gamma, 'gamma');
  return beta === undefined ? y : bin('add', y, beta, 'beta');
}

/** Inverted dropout: while training, zeroes a `rate` fraction and scales the rest by 1 / (1 - rate); the identity otherwise. */
export function dropout<X extends TensorOperand>(x: X, rate: number, options: eager.DropoutOptions = {}): Result<X> {
  if (!anySymbolic(x)) return eager.dropout(x as unknown as Tensor, rate, options) as Result<X>;
  return new DropoutOp(rate).record([toSymbolicTensor(x, 'dropout', 'x')])[0] as Result<X>;
}

/** The shape of a symbolic tensor, for `ops.randomNormal(ops.shapeOf(t))` (a fresh draw every step). */
export function shapeOf(t: SymbolicTensor): SymbolicShape {
  if (!(t instanceof SymbolicTensor)) throw new ValueError(`${where('ops.shapeOf')}: expected a SymbolicTensor, got ${String(t)}`);
  return new SymbolicShape(t);
}

/** Normal draws of `shape` (a Tensor now), or of a symbolic shape (`shapeOf`: drawn every step from the plan's seeded generator). */
export function randomNormal(shape: Shape, mean?: number, stddev?: number, options?: eager.RandomOptions): Tensor;
export function randomNormal(shape: SymbolicShape, mean?: number, stddev?: number): SymbolicTensor;
export function randomNormal(shape: Shape | SymbolicShape, mean = 0, stddev = 1, options: eager.RandomOptions = {}): Tensor | SymbolicTensor {
  if (!(shape instanceof SymbolicShape)) return eager.randomNormal(shape, mean, stddev, options);
  return new RandomOp('randomNormal', mean, stddev).record([shape.of])[0]!;
}

/** Uniform draws in [minval, maxval) of `shape` (now) or of a symbolic shape (every step). */
export function randomUniform(shape: Shape, minval?: number, maxval?: number, options?: eager.RandomOptions): Tensor;
export function randomUniform(shape: SymbolicShape, minval?: number, maxval?: number): SymbolicTensor;
export function randomUniform(shape: Shape | SymbolicShape, minval = 0, maxval = 1, options: eager.RandomOptions = {}): Tensor | SymbolicTensor {
  if (!(shape instanceof SymbolicShape)) return eager.randomUniform(shape, minval, maxval, options);
  return new RandomOp('randomUniform', minval, maxval).record([shape.of])[0]!;
}

/** Normal draws of t's shape, every step (the reparameterisation trick: z = mean + exp(0.5 logVar) * eps). */
export function randomNormalLike(t: SymbolicTensor, mean = 0, stddev = 1): SymbolicTensor {
  return randomNormal(shapeOf(t), mean, stddev);
}

/** Uniform draws of t's shape in [minval, maxval), every step. */
export function randomUniformLike(t: SymbolicTensor, minval = 0, maxval = 1): SymbolicTensor {
  return randomUniform(shapeOf(t), minval, maxval);
}
