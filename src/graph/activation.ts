// Activations as ops on symbolic tensors: every activation of src/ops/activation.ts through its
// own kernels (forward and the accumulating backward), and softmax / logSoftmax over any axis
// with an optional mask (assembly/softmax.ts).
import { ShapeError } from '../core/errors.js';
import { sizeOf } from '../core/tensor.js';
import type { OutputSpec, SymbolicTensor } from '../layers/layer.js';
import type { CallContext, NodeIO, StateRequest } from '../layers/node-io.js';
import { stridedCopy } from '../kernels/shape.js';
import { softmaxAxisBackward, softmaxAxisForward } from '../kernels/softmax.js';
import { activationBackwardPtr, activationForwardPtr, resolveActivation, type ActivationName, type ActivationSpec } from '../ops/activation.js';
import { broadcastLayout, writeStrided } from '../ops/strided.js';
import { broadcastFull } from './elementwise.js';
import { Op, fullShape, runtimeShape, runtimeSize, showShape, specOf, where } from './op.js';
import { STRUCT, axisIndex } from './shape.js';

/** An elementwise activation (not the softmax family: see SoftmaxOp). */
export class ActivationOp extends Op {
  readonly spec: ActivationSpec;
  constructor(name: ActivationName, alpha?: number) {
    const spec = resolveActivation(alpha === undefined ? name : { name, alpha });
    super(name, spec.alpha === undefined ? {} : { alpha: spec.alpha });
    this.spec = spec;
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    return [specOf(fullShape(inputs[0]!), where(this.op))];
  }
  protected run(io: NodeIO, ctx: CallContext): void {
    const n = runtimeSize(io.output, ctx.batch);
    activationForwardPtr(this.spec, io.output.ptr, io.inputs[0]!.ptr, n, 1);
  }
  protected grad(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    activationBackwardPtr(this.spec, x.grad, io.output.grad, x.ptr, io.output.ptr, runtimeSize(io.output, ctx.batch), 1);
  }
}

/** [outer, n, inner] around the axis at one batch size. */
interface AxisDims {
  outer: number;
  n: number;
  inner: number;
}

/** softmax or logSoftmax over `axis`; a second input is a mask (0: masked) broadcast to x. */
export class SoftmaxOp extends Op {
  private readonly dims = new WeakMap<NodeIO, AxisDims>();
  constructor(kind: 'softmax' | 'logSoftmax', readonly axis: number) {
    super(kind, { axis });
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const x = fullShape(inputs[0]!);
    if (x.length === 0) throw new ShapeError(`${who}: x must have at least one axis, got shape []`);
    axisIndex(who, this.axis, x.length);
    if (inputs.length > 1) {
      const mask = fullShape(inputs[1]!);
      const b = broadcastFull(who, [x, mask]);
      if (b.length !== x.length || b.some((d, i) => d !== x[i])) throw new ShapeError(`${who}: the mask ${showShape(mask)} must broadcast to x ${showShape(x)}`);
    }
    return [specOf(x, who)];
  }
  override requests(io: { inputs: readonly SymbolicTensor[] }, maxBatch: number): Record<string, StateRequest> {
    if (io.inputs.length < 2) return {};
    const x = io.inputs[0]!;
    return { shape: STRUCT, mask: { floats: (x.batched ? maxBatch : 1) * sizeOf(x.shape) } };
  }
  protected override setup(io: NodeIO, batch: number): void {
    const x = runtimeShape(io.inputs[0]!, batch);
    const axis = axisIndex(this.op, this.axis, x.length);
    this.dims.set(io, { outer: sizeOf(x.slice(0, axis)), n: x[axis]!, inner: sizeOf(x.slice(axis + 1)) });
    if (io.inputs.length > 1) writeStrided(io.state.shape!, broadcastLayout(this.op, x, [runtimeShape(io.inputs[1]!, batch)]));
  }
  /** The mask broadcast to x's shape (copied every step: the mask is data), or 0. */
  private mask(io: NodeIO, copy: boolean): number {
    if (io.inputs.length < 2) return 0;
    if (copy) stridedCopy(io.state.mask!, io.inputs[1]!.ptr, io.state.shape!);
    return io.state.mask!;
  }
  protected run(io: NodeIO): void {
    const d = this.dims.get(io)!;
    softmaxAxisForward(io.output.ptr, io.inputs[0]!.ptr, this.mask(io, true), d.outer, d.n, d.inner, this.op === 'logSoftmax');
  }
  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const d = this.dims.get(io)!;
    softmaxAxisBackward(x.grad, io.output.grad, io.output.ptr, this.mask(io, false), d.outer, d.n, d.inner, this.op === 'logSoftmax');
  }
}
