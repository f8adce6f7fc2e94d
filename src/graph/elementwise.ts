// Elementwise ops on symbolic tensors: binary ops and `where` with NumPy broadcasting (the batch
// axis broadcasts like any axis), and the unary ops; one strided struct per node, written when
// the batch size changes.
import type { SymbolicTensor, OutputSpec } from '../layers/layer.js';
import type { CallContext, NodeIO, StateRequest } from '../layers/node-io.js';
import { binaryBackwardPtr, binaryForwardPtr, elementwiseLayout, unaryBackwardPtr, unaryForwardPtr, whereBackwardPtr, whereForwardPtr, type BinaryOpName, type UnaryOpName } from '../ops/elementwise.js';
import { STRIDED_BYTES, broadcastShapes, writeStrided } from '../ops/strided.js';
import { f32 } from '../backend/memory.js';
import { BATCH, Op, fullShape, runtimeShape, runtimeSize, showShape, specOf } from './op.js';

const STRUCT: StateRequest = { floats: STRIDED_BYTES / 4 };

/** NumPy broadcasting of full symbolic shapes (the batch axis matches only itself or 1). */
export function broadcastFull(who: string, shapes: readonly (readonly number[])[]): number[] {
  return broadcastShapes(who, shapes, { shape: showShape, dim: (d) => (d === BATCH ? 'the batch axis' : String(d)) });
}

/** Writes the broadcast struct of a node: stream 0 the output, then one per input. */
function writeBroadcast(who: string, io: NodeIO, batch: number): void {
  const out = runtimeShape(io.output, batch);
  writeStrided(io.state.shape!, elementwiseLayout(who, out, io.inputs.map((s) => runtimeShape(s, batch))));
}

/** a op b with broadcasting; comparisons give 0/1 and pass no gradient. */
export class BinaryOp extends Op {
  constructor(readonly kind: BinaryOpName) {
    super(kind);
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    return [specOf(broadcastFull(this.op, inputs.map(fullShape)), this.op)];
  }
  override requests(): Record<string, StateRequest> {
    return { shape: STRUCT };
  }
  protected override setup(io: NodeIO, batch: number): void {
    writeBroadcast(this.op, io, batch);
  }
  protected run(io: NodeIO): void {
    binaryForwardPtr(this.kind, io.output.ptr, io.inputs[0]!.ptr, io.inputs[1]!.ptr, io.state.shape!);
  }
  protected grad(io: NodeIO): void {
    const [a, b] = io.inputs as [NodeIO['output'], NodeIO['output']];
    if (a.grad !== 0) binaryBackwardPtr(this.kind, a.grad, io.output.grad, a.ptr, b.ptr, io.state.shape!, 0);
    if (b.grad !== 0) binaryBackwardPtr(this.kind, b.grad, io.output.grad, a.ptr, b.ptr, io.state.shape!, 1);
  }
}

/** cond != 0 ? a : b with broadcasting; cond gets no gradient. */
export class WhereOp extends Op {
  constructor() {
    super('where');
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    return [specOf(broadcastFull('where', inputs.map(fullShape)), 'where')];
  }
  override requests(): Record<string, StateRequest> {
    return { shape: STRUCT };
  }
  protected override setup(io: NodeIO, batch: number): void {
    writeBroadcast('where', io, batch);
  }
  protected run(io: NodeIO): void {
    const [c, a, b] = io.inputs;
    whereForwardPtr(io.output.ptr, c!.ptr, a!.ptr, b!.ptr, io.state.shape!);
  }
  protected grad(io: NodeIO): void {
    const [c, a, b] = io.inputs;
    if (a!.grad !== 0) whereBackwardPtr(a!.grad, io.output.grad, c!.ptr, io.state.shape!, 0);
    if (b!.grad !== 0) whereBackwardPtr(b!.grad, io.output.grad, c!.ptr, io.state.shape!, 1);
  }
}

/** op(x) elementwise (clip with its bounds). */
export class UnaryOp extends Op {
  constructor(readonly kind: UnaryOpName, readonly lo = 0, readonly hi = 0) {
    super(kind, kind === 'clip' ? { lo, hi } : {});
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    return [specOf(fullShape(inputs[0]!), this.op)];
  }
  override requests(): Record<string, StateRequest> {
    return { shape: STRUCT, bounds: { floats: 2 } };
  }
  protected override setup(io: NodeIO, batch: number): void {
    const n = runtimeSize(io.output, batch);
    writeStrided(io.state.shape!, { dims: [n], strides: [[1], [1], [0], [0]] });
    const mem = f32();
    mem[io.state.bounds! >>> 2] = this.lo;
    mem[(io.state.bounds! >>> 2) + 1] = this.hi;
  }
  protected run(io: NodeIO): void {
    unaryForwardPtr(this.kind, io.output.ptr, io.inputs[0]!.ptr, io.state.shape!, io.state.bounds!, io.state.bounds! + 4);
  }
  protected grad(io: NodeIO, _ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) unaryBackwardPtr(this.kind, x.grad, io.output.grad, x.ptr, io.output.ptr, io.state.shape!);
  }
}
