// The public `ops`: every eager op of src/ops, and the differentiable ones routed by their
// operands (see dispatch.ts): on Tensors they compute now, on symbolic tensors or weights they
// record a node of a traced graph (a model, a custom layer's call, a function given to grad).
import * as eager from '../ops/index.js';
import type { Tensor } from '../core/tensor.js';
import type { SymbolicTensor } from '../layers/layer.js';
import type { BinaryOpName, ReduceOpName, UnaryOpName } from '../ops/index.js';
import { anySymbolic, toSymbolic, toSymbolicTensor, type Operand } from './dispatch.js';
import { BinaryOp, UnaryOp, WhereOp } from './elementwise.js';
import { ReduceOp } from './reduce.js';

export * from '../ops/index.js';
export type { Operand } from './dispatch.js';

/** A binary op: Tensors and numbers give a Tensor; a symbolic operand records a node. */
export interface BinaryFn {
  (a: Tensor | number, b: Tensor | number): Tensor;
  (a: Operand, b: Operand): SymbolicTensor;
}

/** A unary op on a Tensor (now) or a symbolic tensor/weight (recorded). */
export interface UnaryFn {
  (x: Tensor): Tensor;
  (x: Operand): SymbolicTensor;
}

/** A reduction over `axis` (all axes when undefined). */
export interface ReduceFn {
  (x: Tensor, axis?: number | readonly number[], keepDims?: boolean): Tensor;
  (x: Operand, axis?: number | readonly number[], keepDims?: boolean): SymbolicTensor;
}

function binaryOp(kind: BinaryOpName): BinaryFn {
  return ((a: Operand, b: Operand) => {
    if (!anySymbolic(a, b)) return eager.binary(kind, a as Tensor | number, b as Tensor | number);
    return new BinaryOp(kind).record([toSymbolic(a, kind, 'a'), toSymbolic(b, kind, 'b')])[0]!;
  }) as BinaryFn;
}

function unaryOp(kind: Exclude<UnaryOpName, 'clip'>): UnaryFn {
  return ((x: Operand) => {
    if (!anySymbolic(x)) return eager.unary(kind, x as Tensor);
    return new UnaryOp(kind).record([toSymbolicTensor(x, kind, 'x')])[0]!;
  }) as UnaryFn;
}

function reduceOp(kind: ReduceOpName): ReduceFn {
  return ((x: Operand, axis?: number | readonly number[], keepDims = false) => {
    if (!anySymbolic(x)) return eager.reduce(kind, x as Tensor, axis, keepDims);
    return new ReduceOp(kind, axis, keepDims).record([toSymbolicTensor(x, kind, 'x')])[0]!;
  }) as ReduceFn;
}

/** a + b with NumPy broadcasting (numbers are scalars). */
export const add = binaryOp('add');
/** a - b with broadcasting. */
export const sub = binaryOp('sub');
/** a * b with broadcasting. */
export const mul = binaryOp('mul');
/** a / b with broadcasting (IEEE: x / 0 is ±Inf or NaN). */
export const div = binaryOp('div');
/** a ** b with broadcasting; a negative base needs an integer exponent (else NaN). */
export const pow = binaryOp('pow');
/** The larger of a and b (ties split the gradient evenly). */
export const maximum = binaryOp('maximum');
/** The smaller of a and b (ties split the gradient evenly). */
export const minimum = binaryOp('minimum');
/** 1 where a > b, else 0 (no gradient: a mask). */
export const greater = binaryOp('greater');
/** 1 where a >= b, else 0. */
export const greaterEqual = binaryOp('greaterEqual');
/** 1 where a < b, else 0. */
export const less = binaryOp('less');
/** 1 where a <= b, else 0. */
export const lessEqual = binaryOp('lessEqual');
/** 1 where a == b, else 0. */
export const equal = binaryOp('equal');
/** 1 where a != b, else 0. */
export const notEqual = binaryOp('notEqual');
/** -x. */
export const neg = unaryOp('neg');
/** |x| (gradient 0 at 0). */
export const abs = unaryOp('abs');
/** x * x. */
export const square = unaryOp('square');
/** √x. */
export const sqrt = unaryOp('sqrt');
/** 1 / √x. */
export const rsqrt = unaryOp('rsqrt');
/** e^x (computed in wasm). */
export const exp = unaryOp('exp');
/** Natural log (computed in wasm). */
export const log = unaryOp('log');
/** log(1 + x). */
export const log1p = unaryOp('log1p');
/** Sum over `axis` (all axes when undefined); `keepDims` keeps reduced axes as 1. */
export const sum = reduceOp('sum');
/** Mean over `axis`. */
export const mean = reduceOp('mean');
/** Maximum over `axis` (ties split the gradient evenly). */
export const max = reduceOp('max');
/** Minimum over `axis`. */
export const min = reduceOp('min');
/** Population variance over `axis`. */
export const variance = reduceOp('variance');

/** min(max(x, lo), hi); the gradient passes where lo <= x <= hi. */
export function clip(x: Tensor, lo: number, hi: number): Tensor;
export function clip(x: Operand, lo: number, hi: number): SymbolicTensor;
export function clip(x: Operand, lo: number, hi: number): Tensor | SymbolicTensor {
  if (!anySymbolic(x)) return eager.clip(x as Tensor, lo, hi);
  if (!(typeof lo === 'number' && typeof hi === 'number' && lo <= hi)) return eager.clip(undefined as never, lo, hi); // the eager check names the problem
  return new UnaryOp('clip', lo, hi).record([toSymbolicTensor(x, 'clip', 'x')])[0]!;
}

/** cond != 0 ? a : b, all three broadcast together; cond is a 0/1 mask (e.g. from `greater`). */
export function where(cond: Tensor | number, a: Tensor | number, b: Tensor | number): Tensor;
export function where(cond: Operand, a: Operand, b: Operand): SymbolicTensor;
export function where(cond: Operand, a: Operand, b: Operand): Tensor | SymbolicTensor {
  if (!anySymbolic(cond, a, b)) return eager.where(cond as Tensor, a as Tensor, b as Tensor);
  return new WhereOp().record([toSymbolic(cond, 'where', 'cond'), toSymbolic(a, 'where', 'a'), toSymbolic(b, 'where', 'b')])[0]!;
}

export {
  matmul, reshape, expandDims, squeeze, transpose, permute, slice, tile, concat, stack, split, gather, oneHot,
  type MatmulOpOptions, type Result, type TensorOperand,
} from './ops-shape.js';
export {
  linear, step, sigmoid, hardSigmoid, tanh, relu, relu6, leakyRelu, elu, selu, gelu, geluTanh, swish, silu, mish,
  softplus, softsign, softmax, logSoftmax, conv2d, maxPool2d, avgPool2d, layerNormalization, batchNormalization, dropout,
  shapeOf, randomNormal, randomUniform, randomNormalLike, randomUniformLike, SymbolicShape,
  type ActivationFn, type ParamActivationFn, type Conv2dOpOptions, type LayerNormOpParams, type BatchNormOpParams,
} from './ops-nn.js';
