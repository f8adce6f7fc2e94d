// Merge layers for residual and U-Net graphs: add and concatenate.
import { copy } from '../kernels/memory.js';
import { accumulate, concatBackward, concatForward } from '../kernels/graph.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { sameShape, type Shape } from '../core/tensor.js';
import { Layer, type SymbolicTensor } from './layer.js';
import { layerOptions, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO } from './node-io.js';

/** Elementwise sum of two or more inputs of the same shape (residual connections). */
export class Add extends Layer<BaseLayerConfig> {
  readonly className = 'Add';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BaseLayerConfig>()();
  constructor(config: BaseLayerConfig = {}) {
    super(config, 'add');
  }
  override get inputCount(): number {
    return -1;
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length < 2) throw new ValueError(`${this.name}: expects at least 2 inputs, got ${inputShapes.length}`);
    const first = inputShapes[0]!;
    for (const s of inputShapes) {
      if (!sameShape(s, first)) throw new ShapeError(`${this.name}: inputs must have the same shape, got ${inputShapes.map(formatSample).join(' and ')}`);
    }
    return first;
  }
  forward(io: NodeIO, ctx: CallContext): void {
    const n = ctx.batch * io.output.size;
    copy(io.z, io.inputs[0]!.ptr, n);
    for (let i = 1; i < io.inputs.length; i++) accumulate(io.z, io.inputs[i]!.ptr, n);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const n = ctx.batch * io.output.size;
    for (let i = 0; i < io.inputs.length; i++) {
      const grad = io.inputs[i]!.grad;
      if (grad !== 0) accumulate(grad, io.dz, n);
    }
  }
}

/** Options of `layers.concatenate`. */
export interface ConcatenateConfig extends BaseLayerConfig {
  /** Axis to join along, counting the batch axis as 0; default -1 (channels, for U-Net skips). */
  axis?: number;
}

/** Joins inputs along one axis; every other axis must match. */
export class Concatenate extends Layer<ConcatenateConfig> {
  readonly className = 'Concatenate';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<ConcatenateConfig>()('axis');
  constructor(config: ConcatenateConfig = {}) {
    super(config, 'concatenate');
    const axis = config.axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0) throw new ValueError(`${this.name}: axis must be a non-zero integer (0 is the batch axis), got ${String(axis)}`);
  }
  override get inputCount(): number {
    return -1;
  }
  /** The axis within a sample (0-based, batch excluded). */
  private sampleAxis(rank: number): number {
    const axis = this.config.axis ?? -1;
    const a = axis < 0 ? rank + axis : axis - 1;
    if (a < 0 || a >= rank) throw new ShapeError(`${this.name}: axis ${axis} is out of range for inputs of rank ${rank + 1}`);
    return a;
  }
  /** The inputs' mask; joining masked sequences along their time axis is refused. */
  protected override mergeMasks(inputs: readonly SymbolicTensor[]): SymbolicTensor | undefined {
    const mask = super.mergeMasks(inputs);
    if (mask !== undefined && this.sampleAxis(inputs[0]!.shape.length) === 0) {
      throw new ValueError(`${this.name}: cannot join masked sequences along their time axis (axis ${this.config.axis ?? -1}); join along the features`);
    }
    return mask;
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length < 2) throw new ValueError(`${this.name}: expects at least 2 inputs, got ${inputShapes.length}`);
    const first = inputShapes[0]!;
    const a = this.sampleAxis(first.length);
    let total = 0;
    for (const s of inputShapes) {
      if (s.length !== first.length || s.some((d, i) => i !== a && d !== first[i])) {
        throw new ShapeError(`${this.name}: inputs must match on every axis but ${this.config.axis ?? -1}, got ${inputShapes.map(formatSample).join(' and ')}`);
      }
      total += s[a]!;
    }
    return first.map((d, i) => (i === a ? total : d));
  }
  forward(io: NodeIO, ctx: CallContext): void {
    this.copy(io, ctx, false);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    this.copy(io, ctx, true);
  }
  /** Each input's rows go to (forward) or come back from (backward) its column range of the output. */
  private copy(io: NodeIO, ctx: CallContext, backward: boolean): void {
    const out = io.output.shape;
    const a = this.sampleAxis(out.length);
    const rows = ctx.batch * productOf(out, 0, a);
    const inner = productOf(out, a + 1, out.length);
    const yWidth = out[a]! * inner;
    let offset = 0;
    for (let i = 0; i < io.inputs.length; i++) {
      const x = io.inputs[i]!;
      const width = x.shape[a]! * inner;
      if (!backward) concatForward(io.z, x.ptr, rows, width, yWidth, offset);
      else if (x.grad !== 0) concatBackward(x.grad, io.dz, rows, width, yWidth, offset);
      offset += width;
    }
  }
}

/** Product of shape[from..to) without slicing (this runs every step). */
function productOf(shape: Shape, from: number, to: number): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i]!;
  return n;
}
