// The public shape, index and matrix ops (re-exported by ops.ts): on Tensors they compute now
// (through the op's own kernels when src/ops has no tensor-level twin), on symbolic operands
// they record a node.
import * as eager from '../ops/index.js';
import { ValueError, checkFlag, checkOptions } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { anySymbolic, toSymbolic, toSymbolicTensor, type Operand } from './dispatch.js';
import { evaluate } from './eager.js';
import { GatherOp, OneHotOp } from './gather.js';
import { ConcatOp, SplitOp } from './join.js';
import { MatmulOp } from './matmul.js';
import type { Op } from './op.js';
import { where } from './op.js';
import { ReshapeOp, SliceOp, TileOp, TransposeOp } from './shape.js';
import { BinaryOp } from './elementwise.js';

/** Runs `op` on `operands`: now when none is symbolic, else recorded; returns every output. */
export function apply(op: Op, operands: readonly Operand[], names: readonly string[]): (Tensor | SymbolicTensor)[] {
  if (!anySymbolic(...operands)) {
    operands.forEach((v, i) => {
      if (!(v instanceof Tensor)) throw new ValueError(`${where(`ops.${op.op}`)}: ${names[i] ?? 'x'} must be a Tensor, SymbolicTensor or Weight, got ${typeof v === 'number' ? `the number ${v}` : String(v)}`);
    });
    return evaluate(op, operands as Tensor[]);
  }
  return op.record(operands.map((v, i) => toSymbolicTensor(v, op.op, names[i] ?? 'x')));
}

function one(op: Op, operands: readonly Operand[], names: readonly string[]): Tensor & SymbolicTensor {
  return apply(op, operands, names)[0] as Tensor & SymbolicTensor;
}

/** What the shape and matrix ops take: a Tensor (now), a symbolic tensor or a weight (recorded); not a bare number. */
export type TensorOperand = Exclude<Operand, number>;

/** The result type of an op: a Tensor for Tensor operands, a SymbolicTensor otherwise. */
export type Result<X> = [X] extends [Tensor] ? Tensor : SymbolicTensor;

/** Options of `ops.matmul` on any operands. */
export interface MatmulOpOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Added to every row of the result (a vector of n). */
  bias?: Operand;
}

/**
 * Matrix product [..., m, k] x [..., k, n] of symbolic operands (the leading axes broadcast,
 * NumPy's matmul); the flags transpose the last two axes of an operand. On Tensors it is the
 * tensor-level matmul (rank 2, or rank 3 with equal batches). A batched symbolic x [*, k] times a weight
 * [k, n] is a Dense layer's product (one GEMM for the whole batch, forward and backward).
 */
export function matmul<A extends TensorOperand, B extends TensorOperand>(a: A, b: B, options: MatmulOpOptions = {}): Result<A | B> {
  // Tensors only: the tensor-level matmul (rank 2 or 3, same rank), as before.
  if (!anySymbolic(a, b, options?.bias)) return eager.matmul(a as unknown as Tensor, b as unknown as Tensor, options as eager.MatmulOptions) as Result<A | B>;
  const who = where('matmul');
  const { transposeA = false, transposeB = false, bias } = checkOptions(who, options, 'options', ['transposeA', 'transposeB', 'bias']);
  checkFlag(who, 'transposeA', transposeA);
  checkFlag(who, 'transposeB', transposeB);
  const product = one(new MatmulOp(transposeA, transposeB), [a, b], ['a', 'b']);
  if (bias === undefined) return product as Result<A | B>;
  return new BinaryOp('add').record([product, toSymbolic(bias, 'matmul', 'bias')])[0] as Result<A | B>;
}

/** x with a new full shape (the batch axis, if any, stays: the shape starts with -1 then); one other -1 is inferred. No copy. */
export function reshape<X extends TensorOperand>(x: X, shape: readonly number[]): Result<X> {
  return one(new ReshapeOp('reshape', { shape: [...shape] }), [x], ['x']) as Result<X>;
}

/** x with a new axis of size 1 at `axis`. No copy. */
export function expandDims<X extends TensorOperand>(x: X, axis: number): Result<X> {
  return one(new ReshapeOp('expandDims', { axis }), [x], ['x']) as Result<X>;
}

/** x without the axes of size 1 in `axis` (default: every one). No copy. */
export function squeeze<X extends TensorOperand>(x: X, axis?: number | readonly number[]): Result<X> {
  return one(new ReshapeOp('squeeze', { axis: axis === undefined ? null : axis }), [x], ['x']) as Result<X>;
}

/** Permutes the axes: output axis i is input axis perm[i] (default: reversed). The batch axis must stay first. */
export function transpose<X extends TensorOperand>(x: X, perm?: readonly number[]): Result<X> {
  return one(new TransposeOp(perm === undefined ? null : [...perm]), [x], ['x']) as Result<X>;
}

/** Alias of `transpose` with explicit axes (PyTorch's permute). */
export function permute<X extends TensorOperand>(x: X, perm: readonly number[]): Result<X> {
  return transpose(x, perm);
}

/** The block of x starting at `begin` with `size` entries per axis (-1: to the end; the batch axis: begin 0, size -1). */
export function slice<X extends TensorOperand>(x: X, begin: readonly number[], size: readonly number[]): Result<X> {
  return one(new SliceOp([...begin], [...size]), [x], ['x']) as Result<X>;
}

/** x repeated reps[i] times along each axis i (1 for the batch axis). */
export function tile<X extends TensorOperand>(x: X, reps: readonly number[]): Result<X> {
  return one(new TileOp([...reps]), [x], ['x']) as Result<X>;
}

function list(who: string, xs: unknown): Operand[] {
  if (!Array.isArray(xs) || xs.length === 0) throw new ValueError(`${where(`ops.${who}`)}: expected a non-empty array of tensors, got ${String(xs)}`);
  return xs as Operand[];
}

/** Joins tensors along an existing axis (not the batch axis). */
export function concat<X extends TensorOperand>(xs: readonly X[], axis = -1): Result<X> {
  const items = list('concat', xs);
  return one(new ConcatOp('concat', axis), items, items.map((_, i) => `xs[${i}]`)) as Result<X>;
}

/** Joins same-shaped tensors along a new axis. */
export function stack<X extends TensorOperand>(xs: readonly X[], axis = 0): Result<X> {
  const items = list('stack', xs);
  return one(new ConcatOp('stack', axis), items, items.map((_, i) => `xs[${i}]`)) as Result<X>;
}

/** Splits x along `axis` into `sections` equal parts, or parts of the listed sizes. */
export function split<X extends TensorOperand>(x: X, sections: number | readonly number[], axis = -1): Result<X>[] {
  return apply(new SplitOp(typeof sections === 'number' ? sections : [...sections], axis), [x], ['x']) as Result<X>[];
}

/** x[..., ids, ...] along `axis`: ids (floats holding integers) replace that axis (embeddings: gather(table, ids)). Out-of-range ids give zeros. */
export function gather<X extends TensorOperand, I extends TensorOperand>(x: X, ids: I, axis = 0): Result<X | I> {
  return one(new GatherOp(axis), [x, ids], ['x', 'ids']) as Result<X | I>;
}

/** A new last axis of `depth` entries: 1 at each id, else 0 (all zero for an id out of range). */
export function oneHot<I extends TensorOperand>(ids: I, depth: number): Result<I> {
  return one(new OneHotOp(depth), [ids], ['ids']) as Result<I>;
}
