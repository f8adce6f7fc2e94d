// Elementwise ops on tensors with NumPy broadcasting, and their gradients: the kernels of
// assembly/elementwise.ts behind validation. Three layers, so a traced graph can reuse the two
// lower ones with buffers it laid out once: shape inference (pure), pointer-level calls (one
// kernel call on buffers and a shape struct already in wasm memory), eager tensor ops (copy in,
// call, copy out, scratch released).
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import * as kernels from '../kernels/elementwise.js';
import { withScratch, writeF32, readF32, f32 } from '../backend/memory.js';
import { Tensor, sizeOf, sameShape, describeValue, type Shape } from '../core/tensor.js';
import { STRIDED_BYTES, broadcastLayout, broadcastShapes, writeStrided, type StridedLayout } from './strided.js';
import { sumBackwardPtr } from './reduce.js';

/** Binary ops with broadcasting. Comparisons give 1 or 0 and have no gradient. */
export type BinaryOpName =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual';
/** Unary ops (clip takes its bounds separately). */
export type UnaryOpName = 'neg' | 'abs' | 'square' | 'sqrt' | 'rsqrt' | 'exp' | 'log' | 'log1p' | 'clip';

/** The binary ops, for validation. */
const BINARY: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'];
const COMPARISONS: readonly BinaryOpName[] = ['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'];
const UNARY: readonly UnaryOpName[] = ['neg', 'abs', 'square', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'clip'];

// ---------------------------------------------------------------------------------------------
// Shape inference (pure)

/** The output shape of a binary op on shapes `a` and `b` (NumPy broadcasting; errors name `op` and both shapes). */
export function binaryShape(op: string, a: Shape, b: Shape): number[] {
  return broadcastShapes(op, [a, b]);
}

/** The struct layout of a binary op (streams: 0 output, 1 a, 2 b) or of where (0 output, 1 cond, 2 a, 3 b). */
export function elementwiseLayout(op: string, outShape: Shape, inputs: readonly Shape[]): StridedLayout {
  return broadcastLayout(op, outShape, inputs);
}

// ---------------------------------------------------------------------------------------------
// Pointer level: buffers and the struct (`writeStrided`) already in wasm memory

/** y = op(a, b) over the struct at `shape`. */
export function binaryForwardPtr(op: BinaryOpName, y: number, a: number, b: number, shape: number): void {
  kernels.binaryForward(op, y, a, b, shape);
}

/**
 * dx += the gradient of `op` for operand 0 (a) or 1 (b), summed over that operand's broadcast
 * axes (same struct as the forward). Comparisons have no gradient: nothing is added.
 */
export function binaryBackwardPtr(op: BinaryOpName, dx: number, dy: number, a: number, b: number, shape: number, operand: 0 | 1): void {
  if (op === 'add' || op === 'sub') sumBackwardPtr(dx, dy, shape, op === 'sub' && operand === 1 ? -1 : 1, 1 + operand);
  else if (!COMPARISONS.includes(op)) kernels.binaryBackward(op as 'mul' | 'div' | 'pow' | 'maximum' | 'minimum', dx, dy, a, b, shape, operand);
}

/** y = cond != 0 ? a : b over the struct at `shape` (streams 0 y, 1 cond, 2 a, 3 b). */
export function whereForwardPtr(y: number, cond: number, a: number, b: number, shape: number): void {
  kernels.whereForward(y, cond, a, b, shape);
}

/** dx += dy where cond != 0 (operand 0, a) or cond == 0 (operand 1, b), summed over broadcast axes. */
export function whereBackwardPtr(dx: number, dy: number, cond: number, shape: number, operand: 0 | 1): void {
  kernels.whereBackward(dx, dy, cond, shape, operand);
}

/** y = op(x) over the struct at `shape` (streams 0 y, 1 x; clip: 2 lo, 3 hi, one float each, stride 0). */
export function unaryForwardPtr(op: UnaryOpName, y: number, x: number, shape: number, lo = 0, hi = 0): void {
  kernels.unaryForward(op, y, x, shape, lo, hi);
}

/** dx += dy * op'(x), from the saved input x and output y. */
export function unaryBackwardPtr(op: UnaryOpName, dx: number, dy: number, x: number, y: number, shape: number): void {
  kernels.unaryBackward(op, dx, dy, x, y, shape);
}

// ---------------------------------------------------------------------------------------------
// Eager tensor ops

function operand(op: string, name: string, v: Tensor | number): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number') return new Tensor(Float32Array.of(v), []);
  throw new ValueError(`${op}: ${name} must be a Tensor or a number, got ${describeValue(v)}`);
}

/**
 * Runs `fn` with the inputs copied into scratch, a struct for `layout` and result buffers of
 * `outputs` floats (zeroed when `accumulate`: backward kernels add into them); returns them read back.
 */
function run(layout: StridedLayout, inputs: readonly Float32Array[], outputs: readonly number[], accumulate: boolean,
  fn: (shape: number, ins: number[], outs: number[]) => void): Float32Array[] {
  return withScratch((alloc) => {
    const shape = alloc(STRIDED_BYTES);
    const ins = inputs.map((d) => alloc(d.length * 4));
    const outs = outputs.map((n) => alloc(n * 4));
    writeStrided(shape, layout);
    inputs.forEach((d, i) => writeF32(ins[i]!, d));
    if (accumulate) outputs.forEach((n, i) => f32().fill(0, outs[i]! >>> 2, (outs[i]! >>> 2) + n));
    fn(shape, ins, outs);
    return outputs.map((n, i) => readF32(outs[i]!, n));
  });
}

/** op(a, b) with broadcasting; numbers count as scalars. */
export function binary(op: BinaryOpName, a: Tensor | number, b: Tensor | number): Tensor {
  if (!BINARY.includes(op)) throw new ValueError(`binary: unknown op '${String(op)}'; expected one of ${BINARY.join(', ')}`);
  const ta = operand(op, 'a', a);
  const tb = operand(op, 'b', b);
  const shape = binaryShape(op, ta.shape, tb.shape);
  const size = sizeOf(shape);
  if (size === 0) return new Tensor(new Float32Array(0), shape);
  const [y] = run(elementwiseLayout(op, shape, [ta.shape, tb.shape]), [ta.data, tb.data], [size], false, (g, [pa, pb], [py]) =>
    binaryForwardPtr(op, py!, pa!, pb!, g));
  return new Tensor(y!, shape);
}

function expectGradient(op: string, dy: Tensor, shape: Shape): void {
  if (!(dy instanceof Tensor)) throw new ValueError(`${op}: dy must be a Tensor, got ${describeValue(dy)}`);
  if (!sameShape(dy.shape, shape)) throw new ShapeError(`${op}: dy must have the output's shape ${formatShape(shape)}, got ${formatShape(dy.shape)}`);
}

/**
 * Gradients of `binary(op, a, b)` given the output gradient `dy`: [da, db], each of its operand's
 * shape (the broadcast axes summed). maximum/minimum split dy evenly on ties, as torch does;
 * comparisons give zeros.
 */
export function binaryBackward(op: BinaryOpName, a: Tensor | number, b: Tensor | number, dy: Tensor): [Tensor, Tensor] {
  const who = `${op} backward`;
  if (!BINARY.includes(op)) throw new ValueError(`binaryBackward: unknown op '${String(op)}'`);
  const ta = operand(who, 'a', a);
  const tb = operand(who, 'b', b);
  const shape = binaryShape(who, ta.shape, tb.shape);
  expectGradient(who, dy, shape);
  if (dy.size === 0) return [new Tensor(new Float32Array(ta.size), ta.shape), new Tensor(new Float32Array(tb.size), tb.shape)];
  const [da, db] = run(elementwiseLayout(who, shape, [ta.shape, tb.shape]), [ta.data, tb.data, dy.data], [ta.size, tb.size], true,
    (g, [pa, pb, pdy], [pda, pdb]) => {
      binaryBackwardPtr(op, pda!, pdy!, pa!, pb!, g, 0);
      binaryBackwardPtr(op, pdb!, pdy!, pa!, pb!, g, 1);
    });
  return [new Tensor(da!, ta.shape), new Tensor(db!, tb.shape)];
}

/** cond != 0 ? a : b elementwise, all three broadcast together (cond is a 0/1 mask, e.g. from `greater`). */
export function where(cond: Tensor | number, a: Tensor | number, b: Tensor | number): Tensor {
  const [tc, ta, tb] = [operand('where', 'cond', cond), operand('where', 'a', a), operand('where', 'b', b)];
  const shape = broadcastShapes('where', [tc.shape, ta.shape, tb.shape]);
  const size = sizeOf(shape);
  if (size === 0) return new Tensor(new Float32Array(0), shape);
  const [y] = run(elementwiseLayout('where', shape, [tc.shape, ta.shape, tb.shape]), [tc.data, ta.data, tb.data], [size], false,
    (g, [pc, pa, pb], [py]) => whereForwardPtr(py!, pc!, pa!, pb!, g));
  return new Tensor(y!, shape);
}

/** Gradients of `where(cond, a, b)`: [da, db] (cond gets none). */
export function whereBackward(cond: Tensor | number, a: Tensor | number, b: Tensor | number, dy: Tensor): [Tensor, Tensor] {
  const who = 'where backward';
  const [tc, ta, tb] = [operand(who, 'cond', cond), operand(who, 'a', a), operand(who, 'b', b)];
  const shape = broadcastShapes(who, [tc.shape, ta.shape, tb.shape]);
  expectGradient(who, dy, shape);
  if (dy.size === 0) return [new Tensor(new Float32Array(ta.size), ta.shape), new Tensor(new Float32Array(tb.size), tb.shape)];
  const [da, db] = run(elementwiseLayout(who, shape, [tc.shape, ta.shape, tb.shape]), [tc.data, dy.data], [ta.size, tb.size], true,
    (g, [pc, pdy], [pda, pdb]) => {
      whereBackwardPtr(pda!, pdy!, pc!, g, 0);
      whereBackwardPtr(pdb!, pdy!, pc!, g, 1);
    });
  return [new Tensor(da!, ta.shape), new Tensor(db!, tb.shape)];
}

function checkUnary(op: UnaryOpName, x: Tensor, lo: number, hi: number): void {
  if (!UNARY.includes(op)) throw new ValueError(`unary: unknown op '${String(op)}'; expected one of ${UNARY.join(', ')}`);
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: x must be a Tensor, got ${describeValue(x)}`);
  if (op === 'clip' && !(typeof lo === 'number' && typeof hi === 'number' && !Number.isNaN(lo) && !Number.isNaN(hi) && lo <= hi)) {
    throw new ValueError(`clip: expected numbers lo <= hi, got lo=${String(lo)}, hi=${String(hi)}`);
  }
}

/** The rank-1 struct of a unary op over n elements (clip's bounds: streams 2, 3 with stride 0). */
function unaryLayout(n: number): StridedLayout {
  return { dims: [n], strides: [[1], [1], [0], [0]] };
}

/** op(x) elementwise; `lo`, `hi` are clip's bounds. */
export function unary(op: UnaryOpName, x: Tensor, lo = 0, hi = 0): Tensor {
  checkUnary(op, x, lo, hi);
  if (x.size === 0) return new Tensor(new Float32Array(0), x.shape);
  const [y] = run(unaryLayout(x.size), [x.data, Float32Array.of(lo), Float32Array.of(hi)], [x.size], false, (g, [px, plo, phi], [py]) =>
    unaryForwardPtr(op, py!, px!, g, plo!, phi!));
  return new Tensor(y!, x.shape);
}

/** The gradient of `unary(op, x, lo, hi)` given the output gradient `dy` (same shape as x). */
export function unaryBackward(op: UnaryOpName, x: Tensor, dy: Tensor, lo = 0, hi = 0): Tensor {
  checkUnary(op, x, lo, hi);
  expectGradient(`${op} backward`, dy, x.shape);
  if (x.size === 0) return new Tensor(new Float32Array(0), x.shape);
  const [dx] = run(unaryLayout(x.size), [x.data, dy.data, Float32Array.of(lo), Float32Array.of(hi)], [x.size, x.size], true,
    (g, [px, pdy, plo, phi], [pdx, py]) => {
      unaryForwardPtr(op, py!, px!, g, plo!, phi!);
      unaryBackwardPtr(op, pdx!, pdy!, px!, py!, g);
    });
  return new Tensor(dx!, x.shape);
}

/** a + b with NumPy broadcasting (numbers are scalars). */
export const add = (a: Tensor | number, b: Tensor | number): Tensor => binary('add', a, b);
/** a - b with broadcasting. */
export const sub = (a: Tensor | number, b: Tensor | number): Tensor => binary('sub', a, b);
/** a * b with broadcasting. */
export const mul = (a: Tensor | number, b: Tensor | number): Tensor => binary('mul', a, b);
/** a / b with broadcasting (IEEE: x / 0 is ±Inf or NaN). */
export const div = (a: Tensor | number, b: Tensor | number): Tensor => binary('div', a, b);
/** a ** b with broadcasting; a negative base needs an integer exponent (else NaN), as in NumPy. */
export const pow = (a: Tensor | number, b: Tensor | number): Tensor => binary('pow', a, b);
/** The larger of a and b elementwise (NaN propagates). */
export const maximum = (a: Tensor | number, b: Tensor | number): Tensor => binary('maximum', a, b);
/** The smaller of a and b elementwise (NaN propagates). */
export const minimum = (a: Tensor | number, b: Tensor | number): Tensor => binary('minimum', a, b);
/** 1 where a > b, else 0. */
export const greater = (a: Tensor | number, b: Tensor | number): Tensor => binary('greater', a, b);
/** 1 where a >= b, else 0. */
export const greaterEqual = (a: Tensor | number, b: Tensor | number): Tensor => binary('greaterEqual', a, b);
/** 1 where a < b, else 0. */
export const less = (a: Tensor | number, b: Tensor | number): Tensor => binary('less', a, b);
/** 1 where a <= b, else 0. */
export const lessEqual = (a: Tensor | number, b: Tensor | number): Tensor => binary('lessEqual', a, b);
/** 1 where a == b, else 0 (NaN equals nothing). */
export const equal = (a: Tensor | number, b: Tensor | number): Tensor => binary('equal', a, b);
/** 1 where a != b, else 0 (NaN differs from everything). */
export const notEqual = (a: Tensor | number, b: Tensor | number): Tensor => binary('notEqual', a, b);
/** -x. */
export const neg = (x: Tensor): Tensor => unary('neg', x);
/** |x|. */
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** x * x. */
export const square = (x: Tensor): Tensor => unary('square', x);
/** √x (NaN for x < 0). */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** 1 / √x. */
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
/** e^x, computed in wasm (the same bits in every runtime). */
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** Natural log, computed in wasm. */
export const log = (x: Tensor): Tensor => unary('log', x);
/** log(1 + x), accurate for small x. */
export const log1p = (x: Tensor): Tensor => unary('log1p', x);
/** min(max(x, lo), hi); the gradient passes where lo <= x <= hi. */
export const clip = (x: Tensor, lo: number, hi: number): Tensor => unary('clip', x, lo, hi);
