// Index ops: gather (rows of x picked by float ids along an axis: embeddings) and oneHot. Ids
// are data, so these are kernels of their own (assembly/shape.ts), not strided copies. An id that
// is not an integer in range gives zeros (gather) or an all-zero row (oneHot); ids get no gradient.
import { ShapeError, ValueError } from '../core/errors.js';
import { sizeOf } from '../core/tensor.js';
import type { OutputSpec, SymbolicTensor } from '../layers/layer.js';
import type { NodeIO } from '../layers/node-io.js';
import { gatherBackward, gatherForward, oneHot } from '../kernels/shape.js';
import { BATCH, Op, fullShape, runtimeShape, runtimeSize, showShape, specOf, where } from './op.js';
import { axisIndex } from './shape.js';

/** [outer, axisLen, inner] of x around `axis`, and the id count, at one batch size. */
interface GatherDims {
  outer: number;
  axisLen: number;
  inner: number;
  count: number;
}

/** gather(x, ids, axis): out = x[..., ids[...], ...] (ids' shape replaces the axis). */
export class GatherOp extends Op {
  private readonly dims = new WeakMap<NodeIO, GatherDims>();
  constructor(readonly axis: number) {
    super('gather', { axis });
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const x = fullShape(inputs[0]!);
    const ids = fullShape(inputs[1]!);
    const axis = axisIndex(who, this.axis, x.length);
    if (x[axis] === BATCH) throw new ShapeError(`${who}: cannot gather along the batch axis of x ${showShape(x)} (ids ${showShape(ids)})`);
    return [specOf([...x.slice(0, axis), ...ids, ...x.slice(axis + 1)], who)];
  }
  protected override setup(io: NodeIO, batch: number): void {
    const x = runtimeShape(io.inputs[0]!, batch);
    const axis = axisIndex(this.op, this.axis, x.length);
    this.dims.set(io, { outer: sizeOf(x.slice(0, axis)), axisLen: x[axis]!, inner: sizeOf(x.slice(axis + 1)), count: runtimeSize(io.inputs[1]!, batch) });
  }
  protected run(io: NodeIO): void {
    const d = this.dims.get(io)!;
    gatherForward(io.output.ptr, io.inputs[0]!.ptr, io.inputs[1]!.ptr, d.outer, d.count, d.axisLen, d.inner);
  }
  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const d = this.dims.get(io)!;
    gatherBackward(x.grad, io.output.grad, io.inputs[1]!.ptr, d.outer, d.count, d.axisLen, d.inner);
  }
}

/** oneHot(ids, depth): a new last axis of `depth` entries, 1 at the id (no gradient). */
export class OneHotOp extends Op {
  constructor(readonly depth: number) {
    super('oneHot', { depth });
    if (!Number.isInteger(depth) || depth < 1) throw new ValueError(`${where('oneHot')}: depth must be a positive integer, got ${String(depth)}`);
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    return [specOf([...fullShape(inputs[0]!), this.depth], where(this.op))];
  }
  protected run(io: NodeIO, ctx: { batch: number }): void {
    oneHot(io.output.ptr, io.inputs[0]!.ptr, runtimeSize(io.inputs[0]!, ctx.batch), this.depth);
  }
  protected grad(): void {}
}
