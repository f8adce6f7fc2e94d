// Reductions of symbolic tensors over any axes (the batch axis included: reducing it removes the
// batch), with keepDims; one strided struct per node, written when the batch size changes.
import { ShapeError } from '../core/errors.js';
import type { OutputSpec, SymbolicTensor } from '../layers/layer.js';
import type { NodeIO, StateRequest } from '../layers/node-io.js';
import { reduceBackwardPtr, reduceForwardPtr, sumBackwardPtr, type ReduceOpName } from '../ops/reduce.js';
import { sumForward } from '../kernels/reduce.js';
import { STRIDED_BYTES, normalizeAxes, reduceLayout, reducedShape, writeStrided } from '../ops/strided.js';
import { Op, fullShape, runtimeShape, showShape, specOf } from './op.js';

/** op over `axis` (undefined: every axis) of one input. */
export class ReduceOp extends Op {
  /** Inputs per output and, for sum/mean, the scale, at each batch size's setup, by node. The scale
   * is kept as a stored number: a double computed per step and passed to a wasm export may be boxed. */
  private readonly counts = new WeakMap<NodeIO, { count: number; scale: number }>();

  constructor(readonly kind: ReduceOpName, readonly axis: number | readonly number[] | undefined, readonly keepDims: boolean) {
    super(kind, { axis: axis === undefined ? null : axis, keepDims });
  }

  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const full = fullShape(inputs[0]!);
    const axes = normalizeAxes(this.op, this.axis, full.length);
    if ((this.kind === 'max' || this.kind === 'min') && axes.some((a) => full[a] === 0)) {
      throw new ShapeError(`${this.op}: cannot reduce ${showShape(full)} over an empty axis`);
    }
    return [specOf(reducedShape(full, axes, this.keepDims), this.op)];
  }

  override requests(io: { inputs: readonly SymbolicTensor[]; outputs: readonly SymbolicTensor[] }, maxBatch: number): Record<string, StateRequest> {
    const out = io.outputs[0]!;
    const outFloats = (out.batched ? maxBatch : 1) * out.shape.reduce((a, b) => a * b, 1);
    const requests: Record<string, StateRequest> = { shape: { floats: STRIDED_BYTES / 4 } };
    if (this.kind !== 'sum' && this.kind !== 'mean') {
      requests.saved = { floats: outFloats };
      requests.work = { floats: outFloats };
    }
    return requests;
  }

  protected override setup(io: NodeIO, batch: number): void {
    const full = runtimeShape(io.inputs[0]!, batch);
    const axes = normalizeAxes(this.op, this.axis, full.length);
    writeStrided(io.state.shape!, reduceLayout(this.op, full, axes));
    let count = 1;
    for (const a of axes) count *= full[a]!;
    this.counts.set(io, { count, scale: this.kind === 'mean' ? 1 / count : 1 });
  }

  protected run(io: NodeIO): void {
    // variance keeps the mean, max/min a copy of the result, for the backward pass.
    const c = this.counts.get(io)!;
    if (this.kind === 'sum' || this.kind === 'mean') sumForward(io.output.ptr, io.inputs[0]!.ptr, io.state.shape!, c.scale);
    else reduceForwardPtr(this.kind, io.output.ptr, io.inputs[0]!.ptr, io.state.shape!, c.count, io.state.saved ?? 0);
  }

  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const c = this.counts.get(io)!;
    if (this.kind === 'sum' || this.kind === 'mean') {
      sumBackwardPtr(x.grad, io.output.grad, io.state.shape!, c.scale, 1);
      return;
    }
    const saved = this.kind === 'variance' ? io.state.saved! : io.output.ptr;
    reduceBackwardPtr(this.kind, x.grad, io.output.grad, x.ptr, saved, io.state.shape!, c.count, io.state.work ?? 0);
  }
}
