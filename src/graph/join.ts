// Ops that join tensors or split one: concat, stack and split along a (non-batch) axis. Each
// piece is one strided copy between its own buffer and its block of the whole (blockLayout in
// shape.ts); the backward copies the gradient blocks back (accumulating).
import { ShapeError, ValueError } from '../core/errors.js';
import type { OutputSpec, SymbolicTensor } from '../layers/layer.js';
import type { NodeIO, StateRequest } from '../layers/node-io.js';
import { stridedCopy } from '../kernels/shape.js';
import { STRIDED_BYTES, writeStrided } from '../ops/strided.js';
import { BATCH, Op, fullShape, runtimeShape, showDim, showShape, specOf, where } from './op.js';
import { axisIndex, blockLayout, copyBackward } from './shape.js';

/** Byte offsets of each piece's block in the whole, per node. */
type Offsets = WeakMap<NodeIO, Int32Array>;

function structs(count: number): Record<string, StateRequest> {
  return { shape: { floats: (count * STRIDED_BYTES) / 4 } };
}

/** The begin index of each piece along `axis`. */
function begins(pieces: readonly (readonly number[])[], axis: number): number[][] {
  let at = 0;
  return pieces.map((p) => {
    const b = p.map((_, i) => (i === axis ? at : 0));
    at += p[axis]!;
    return b;
  });
}

/** Writes one struct per piece (the whole and the pieces as runtime shapes); returns the byte offsets. */
function writePieces(who: string, struct: number, whole: readonly number[], pieces: readonly (readonly number[])[], axis: number, blockFirst: boolean): Int32Array {
  const at = begins(pieces, axis);
  return Int32Array.from(pieces.map((p, i) => {
    const { layout, offset } = blockLayout(who, whole, p, at[i]!, blockFirst);
    writeStrided(struct + i * STRIDED_BYTES, layout);
    return offset * 4;
  }));
}

/** concat(xs, axis) (stack: each x gains a new axis of size 1 at `axis` first). */
export class ConcatOp extends Op {
  private readonly offsets: Offsets = new WeakMap();
  constructor(kind: 'concat' | 'stack', readonly axis: number) {
    super(kind, { axis });
  }
  /** The pieces' full shapes as joined (stack inserts the new axis) and the normalised axis. */
  private pieces(who: string, shapes: readonly (readonly number[])[]): { pieces: number[][]; axis: number } {
    if (shapes.length === 0) throw new ValueError(`${who}: needs at least one tensor`);
    const rank = shapes[0]!.length + (this.op === 'stack' ? 1 : 0);
    const axis = axisIndex(who, this.axis, rank);
    const pieces = this.op === 'stack' ? shapes.map((s) => [...s.slice(0, axis), 1, ...s.slice(axis)]) : shapes.map((s) => [...s]);
    const first = pieces[0]!;
    for (const p of pieces) {
      const bad = p.length !== first.length || p.some((d, i) => i !== axis && d !== first[i]) || (this.op === 'stack' && p.some((d, i) => d !== first[i]));
      if (bad) throw new ShapeError(`${who}: shapes ${shapes.map(showShape).join(' and ')} do not match${this.op === 'stack' ? '' : ` outside axis ${axis}`}`);
    }
    if (first[axis] === BATCH) throw new ShapeError(`${who}: cannot join along the batch axis (shapes ${shapes.map(showShape).join(', ')})`);
    return { pieces, axis };
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const { pieces, axis } = this.pieces(who, inputs.map(fullShape));
    const out = [...pieces[0]!];
    out[axis] = pieces.reduce((n, p) => n + p[axis]!, 0);
    return [specOf(out, who)];
  }
  override requests(io: { inputs: readonly SymbolicTensor[] }): Record<string, StateRequest> {
    return structs(io.inputs.length);
  }
  protected override setup(io: NodeIO, batch: number): void {
    const { pieces, axis } = this.pieces(this.op, io.inputs.map((s) => runtimeShape(s, batch)));
    this.offsets.set(io, writePieces(this.op, io.state.shape!, runtimeShape(io.output, batch), pieces, axis, true));
  }
  protected run(io: NodeIO): void {
    const off = this.offsets.get(io)!;
    for (let i = 0; i < io.inputs.length; i++) stridedCopy(io.output.ptr + off[i]!, io.inputs[i]!.ptr, io.state.shape! + i * STRIDED_BYTES);
  }
  protected grad(io: NodeIO): void {
    const off = this.offsets.get(io)!;
    for (let i = 0; i < io.inputs.length; i++) {
      const x = io.inputs[i]!;
      if (x.grad !== 0) copyBackward(x.grad, io.output.grad + off[i]!, io.state.shape! + i * STRIDED_BYTES);
    }
  }
}

/** split(x, sizes or count, axis): several outputs, in order along `axis`. */
export class SplitOp extends Op {
  private readonly offsets: Offsets = new WeakMap();
  constructor(readonly sections: number | readonly number[], readonly axis: number) {
    super('split', { sections, axis });
  }
  private sizes(who: string, full: readonly number[]): { sizes: number[]; axis: number } {
    const axis = axisIndex(who, this.axis, full.length);
    const d = full[axis]!;
    if (d === BATCH) throw new ShapeError(`${who}: cannot split the batch axis of ${showShape(full)}`);
    const s = this.sections;
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < 1 || d % s !== 0) throw new ShapeError(`${who}: axis ${axis} of ${showShape(full)} (size ${showDim(d)}) does not split into ${String(s)} equal parts`);
      return { sizes: new Array<number>(s).fill(d / s), axis };
    }
    if (!Array.isArray(s) || s.length === 0 || !s.every((v) => Number.isInteger(v) && v >= 0) || s.reduce((a, b) => a + b, 0) !== d) {
      throw new ShapeError(`${who}: sizes ${JSON.stringify(s)} must be non-negative integers adding up to axis ${axis} of ${showShape(full)} (${d})`);
    }
    return { sizes: [...s], axis };
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const full = fullShape(inputs[0]!);
    const { sizes, axis } = this.sizes(who, full);
    return sizes.map((n) => specOf(full.map((d, i) => (i === axis ? n : d)), who));
  }
  override requests(io: { outputs: readonly SymbolicTensor[] }): Record<string, StateRequest> {
    return structs(io.outputs.length);
  }
  protected override setup(io: NodeIO, batch: number): void {
    const x = runtimeShape(io.inputs[0]!, batch);
    const { axis } = this.sizes(this.op, x);
    this.offsets.set(io, writePieces(this.op, io.state.shape!, x, io.outputs.map((s) => runtimeShape(s, batch)), axis, false));
  }
  protected run(io: NodeIO): void {
    const off = this.offsets.get(io)!;
    for (let i = 0; i < io.outputs.length; i++) stridedCopy(io.outputs[i]!.ptr, io.inputs[0]!.ptr + off[i]!, io.state.shape! + i * STRIDED_BYTES);
  }
  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const off = this.offsets.get(io)!;
    for (let i = 0; i < io.outputs.length; i++) {
      const y = io.outputs[i]!;
      if (y.grad !== 0) copyBackward(x.grad + off[i]!, y.grad, io.state.shape! + i * STRIDED_BYTES);
    }
  }
}
