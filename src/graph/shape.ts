// Shape ops on symbolic tensors (full shapes, the batch axis first when there is one):
// reshape, expandDims and squeeze share the input's buffers (no kernel runs); transpose, slice
// and tile are one strided copy forward and one strided accumulate backward (assembly/shape.ts,
// assembly/reduce.ts's f32_sum_backward), their structs written when the batch size changes.
import { ShapeError, ValueError } from '../core/errors.js';
import { sizeOf } from '../core/tensor.js';
import type { OutputSpec, SymbolicTensor } from '../layers/layer.js';
import type { NodeIO, StateRequest } from '../layers/node-io.js';
import { stridedCopy } from '../kernels/shape.js';
import { sumBackward } from '../kernels/reduce.js';
import { STRIDED_BYTES, contiguousStrides, mergeAxes, writeStrided, type StridedLayout } from '../ops/strided.js';
import { BATCH, Op, fullShape, runtimeShape, showShape, specOf, where } from './op.js';

/** One strided struct. */
export const STRUCT: StateRequest = { floats: STRIDED_BYTES / 4 };

/** An axis in [-rank, rank) as a non-negative index; throws naming `who`. */
export function axisIndex(who: string, axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(`${who}: ${what} ${String(axis)} is out of range for a tensor of rank ${rank} (valid: ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Throws unless `v` is an array of integers (each >= `min`). */
export function intList(who: string, what: string, v: unknown, min: number): number[] {
  if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d) && d >= min)) {
    throw new ValueError(`${who}: ${what} must be an array of integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return [...(v as number[])];
}

/**
 * The struct of a copy between a block of `shape` inside a contiguous tensor of `whole` (starting
 * at `begin`) and a contiguous tensor of `shape`: `blockFirst` puts the block in stream 0 (concat,
 * stack: the block is written) else in stream 1 (slice, split: the block is read). Returns the
 * layout and the block's offset in floats.
 */
export function blockLayout(who: string, whole: readonly number[], shape: readonly number[], begin: readonly number[], blockFirst: boolean): { layout: StridedLayout; offset: number } {
  const big = contiguousStrides(whole);
  const own = contiguousStrides(shape);
  let offset = 0;
  begin.forEach((b, i) => (offset += b * big[i]!));
  return { layout: mergeAxes(who, shape, blockFirst ? [big, own] : [own, big]), offset };
}

/** dx += dy over a struct whose stream 0 is y's walk and stream 1 x's. */
export function copyBackward(dx: number, dy: number, struct: number): void {
  sumBackward(dx, dy, struct, 1, 1);
}

// ---------------------------------------------------------------------------------------------
// Views: the output is the input's buffers with another shape

/** The full shape of `reshape(x, target)`: -1 leads for a batched x (the batch axis stays); one other -1 is inferred. */
export function reshapeTarget(who: string, full: readonly number[], target: readonly number[]): number[] {
  const batched = full[0] === BATCH;
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new ValueError(`${who}: the new shape must be an array of integers >= -1, got ${JSON.stringify(target)}`);
  }
  if (batched && target[0] !== -1) {
    throw new ShapeError(`${who}: x ${showShape(full)} has a batch axis, which stays: the new shape must start with -1, got [${target.join(', ')}]`);
  }
  const own = batched ? target.slice(1) : [...target];
  const size = sizeOf(batched ? full.slice(1) : full);
  const free = own.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError(`${who}: at most one axis of the new shape [${target.join(', ')}] may be -1 (inferred)${batched ? ' besides the batch axis' : ''}`);
  const known = sizeOf(own.filter((d) => d !== -1));
  const inferred = free === 1 && known > 0 && size % known === 0 ? size / known : -1;
  const out = own.map((d) => (d === -1 ? inferred : d));
  if (out.includes(-1) || sizeOf(out) !== size) {
    throw new ShapeError(`${who}: cannot reshape ${showShape(full)} to [${target.join(', ')}] (${size} values${batched ? ' per sample' : ''})`);
  }
  return batched ? [BATCH, ...out] : out;
}

/** reshape (attrs.shape), expandDims (attrs.axis) or squeeze (attrs.axis, null: every axis of size 1). */
export class ReshapeOp extends Op {
  constructor(kind: 'reshape' | 'expandDims' | 'squeeze', readonly attrs: { shape?: readonly number[]; axis?: number | readonly number[] | null }) {
    super(kind, kind === 'reshape' ? { shape: attrs.shape } : { axis: attrs.axis ?? null });
  }
  override get aliasesInput(): 'output' {
    return 'output';
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const full = fullShape(inputs[0]!);
    if (this.op === 'reshape') return [specOf(reshapeTarget(who, full, this.attrs.shape!), who)];
    if (this.op === 'expandDims') {
      const axis = axisIndex(who, this.attrs.axis as number, full.length + 1);
      return [specOf([...full.slice(0, axis), 1, ...full.slice(axis)], who)];
    }
    const axes = this.attrs.axis === null || this.attrs.axis === undefined ? full.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
      : (typeof this.attrs.axis === 'number' ? [this.attrs.axis] : this.attrs.axis).map((a) => axisIndex(who, a, full.length));
    for (const a of axes) if (full[a] !== 1) throw new ShapeError(`${who}: axis ${a} of ${showShape(full)} has size ${full[a] === BATCH ? '* (the batch axis)' : full[a]}, not 1`);
    return [specOf(full.filter((_, i) => !axes.includes(i)), who)];
  }
  protected run(): void {}
  protected grad(): void {}
}

// ---------------------------------------------------------------------------------------------
// Copies

/** transpose(x, perm): output axis i is input axis perm[i] (default: reversed). */
export class TransposeOp extends Op {
  constructor(readonly perm: readonly number[] | null) {
    super('transpose', { perm });
  }
  private permOf(who: string, rank: number): number[] {
    if (this.perm === null) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const p = intList(who, 'perm', this.perm, -rank).map((a) => axisIndex(who, a, rank, 'perm entry'));
    if (p.length !== rank || new Set(p).size !== rank) throw new ShapeError(`${who}: perm [${this.perm.join(', ')}] must list each of the ${rank} axes once`);
    return p;
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const full = fullShape(inputs[0]!);
    return [specOf(this.permOf(who, full.length).map((a) => full[a]!), who)];
  }
  override requests(): Record<string, StateRequest> {
    return { shape: STRUCT };
  }
  protected override setup(io: NodeIO, batch: number): void {
    const x = runtimeShape(io.inputs[0]!, batch);
    const p = this.permOf(this.op, x.length);
    const out = p.map((a) => x[a]!);
    const own = contiguousStrides(x);
    writeStrided(io.state.shape!, mergeAxes(this.op, out, [contiguousStrides(out), p.map((a) => own[a]!)]));
  }
  protected run(io: NodeIO): void {
    stridedCopy(io.output.ptr, io.inputs[0]!.ptr, io.state.shape!);
  }
  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) copyBackward(x.grad, io.output.grad, io.state.shape!);
  }
}

/** slice(x, begin, size): size -1 runs to the end of the axis; the batch axis is kept whole. */
export class SliceOp extends Op {
  private readonly offsets = new WeakMap<NodeIO, number>();
  constructor(readonly begin: readonly number[], readonly size: readonly number[]) {
    super('slice', { begin, size });
  }
  private sizes(who: string, full: readonly number[]): number[] {
    const begin = intList(who, 'begin', this.begin, 0);
    const size = intList(who, 'size', this.size, -1);
    if (begin.length !== full.length || size.length !== full.length) {
      throw new ShapeError(`${who}: begin [${begin.join(', ')}] and size [${size.join(', ')}] need one entry per axis of ${showShape(full)}`);
    }
    return full.map((d, i) => {
      if (d === BATCH) {
        if (begin[i] !== 0 || size[i] !== -1) throw new ShapeError(`${who}: the batch axis of ${showShape(full)} is kept whole (begin 0, size -1), got begin ${begin[i]}, size ${size[i]}`);
        return BATCH;
      }
      const s = size[i] === -1 ? d - begin[i]! : size[i]!;
      if (begin[i]! + s > d) throw new ShapeError(`${who}: begin ${begin[i]} + size ${s} exceeds axis ${i} of ${showShape(full)}`);
      return s;
    });
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    return [specOf(this.sizes(who, fullShape(inputs[0]!)), who)];
  }
  override requests(): Record<string, StateRequest> {
    return { shape: STRUCT };
  }
  protected override setup(io: NodeIO, batch: number): void {
    const x = runtimeShape(io.inputs[0]!, batch);
    const { layout, offset } = blockLayout(this.op, x, runtimeShape(io.output, batch), this.begin, false);
    writeStrided(io.state.shape!, layout);
    this.offsets.set(io, offset * 4);
  }
  protected run(io: NodeIO): void {
    stridedCopy(io.output.ptr, io.inputs[0]!.ptr + this.offsets.get(io)!, io.state.shape!);
  }
  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) copyBackward(x.grad + this.offsets.get(io)!, io.output.grad, io.state.shape!);
  }
}

/** tile(x, reps): axis i repeated reps[i] times (the batch axis: 1). */
export class TileOp extends Op {
  constructor(readonly reps: readonly number[]) {
    super('tile', { reps });
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const full = fullShape(inputs[0]!);
    const reps = intList(who, 'reps', this.reps, 0);
    if (reps.length !== full.length) throw new ShapeError(`${who}: reps [${reps.join(', ')}] needs one entry per axis of ${showShape(full)}`);
    return [specOf(full.map((d, i) => {
      if (d === BATCH && reps[i] !== 1) throw new ShapeError(`${who}: the batch axis of ${showShape(full)} cannot be tiled (reps ${reps[i]})`);
      return d === BATCH ? BATCH : d * reps[i]!;
    }), who)];
  }
  override requests(): Record<string, StateRequest> {
    return { shape: STRUCT };
  }
  protected override setup(io: NodeIO, batch: number): void {
    // Iterate [r0, d0, r1, d1, ...]: the output walks it contiguously, x with stride 0 on each r.
    const x = runtimeShape(io.inputs[0]!, batch);
    const own = contiguousStrides(x);
    const dims = x.flatMap((d, i) => [this.reps[i]!, d]);
    writeStrided(io.state.shape!, mergeAxes(this.op, dims, [contiguousStrides(dims), x.flatMap((_, i) => [0, own[i]!])]));
  }
  protected run(io: NodeIO): void {
    stridedCopy(io.output.ptr, io.inputs[0]!.ptr, io.state.shape!);
  }
  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) copyBackward(x.grad, io.output.grad, io.state.shape!);
  }
}
