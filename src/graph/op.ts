// The base of the differentiable ops on symbolic tensors: an op is a weightless layer whose node
// the public `ops` functions record when an operand is symbolic (Keras 3's Operation). Shapes are
// full shapes where the batch axis, if any, is -1 until the plan runs with a batch size.
import { ShapeError, ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import { GraphNode, Layer, currentTrace, type OutputSpec, type SymbolicTensor } from '../layers/layer.js';
import type { BaseLayerConfig } from '../layers/layer-helpers.js';
import type { CallContext, NodeIO, Slot, StateRequest } from '../layers/node-io.js';

/** The batch axis in a full symbolic shape. */
export const BATCH = -1;

/** An op's saved form: its name and attributes (numbers, strings, booleans, arrays of them). */
export interface OpConfig extends BaseLayerConfig {
  op: string;
  [attr: string]: unknown;
}

/** The full shape of a symbolic tensor: [BATCH, ...shape] when batched, else its shape. */
export function fullShape(t: SymbolicTensor): number[] {
  return t.batched ? [BATCH, ...t.shape] : [...t.shape];
}

/** The output spec of a full shape; the batch axis may only lead (`who` names the op in errors). */
export function specOf(full: readonly number[], who: string): OutputSpec {
  const at = full.indexOf(BATCH);
  if (at > 0 || full.lastIndexOf(BATCH) !== at) throw new ShapeError(`${who}: the result would move the batch axis away from axis 0 (shape [${full.map(showDim).join(', ')}])`);
  return at === 0 ? { shape: full.slice(1), batched: true } : { shape: [...full], batched: false };
}

/** `*` for the batch axis in messages. */
export function showDim(d: number): string {
  return d === BATCH ? '*' : String(d);
}

/** `[*, 3, 4]`. */
export function showShape(full: readonly number[]): string {
  return `[${full.map(showDim).join(', ')}]`;
}

/** The full shape of a plan buffer at `batch` samples. */
export function runtimeShape(slot: Slot, batch: number): number[] {
  return slot.batched ? [batch, ...slot.shape] : [...slot.shape];
}

/** Floats in use in a plan buffer at `batch` samples. */
export function runtimeSize(slot: Slot, batch: number): number {
  return slot.batched ? batch * slot.size : slot.size;
}

/** Prefixes the traced layer's name (when an op is recorded inside a custom layer's call). */
export function where(who: string): string {
  const trace = currentTrace();
  return trace === undefined ? who : `${trace.owner}: ${who}`;
}

/**
 * A differentiable op. Subclasses give the output specs for symbolic inputs (validating them),
 * the buffers they need, a `setup` run whenever the batch size changes (it may allocate: structs
 * are written then), and `run`/`grad` on plan buffers, which must not allocate.
 */
export abstract class Op extends Layer<OpConfig> {
  readonly className = 'Op';
  /** Batch size each plan node was set up for. */
  private readonly preparedFor = new WeakMap<NodeIO, number>();

  constructor(readonly op: string, attrs: Record<string, unknown> = {}) {
    super({ op, ...attrs } as OpConfig, op);
  }

  override get inputCount(): number {
    return -2;
  }

  /** The output specs for these symbolic inputs; throws a ShapeError naming the op. */
  abstract outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[];

  /** Per-node buffers (structs, saved values) in floats. */
  requests(_io: { inputs: readonly SymbolicTensor[]; outputs: readonly SymbolicTensor[] }, _maxBatch: number): Record<string, StateRequest> {
    return {};
  }

  /** Prepares the node's structs for `batch` samples (called when the batch size changes). */
  protected setup(_io: NodeIO, _batch: number): void {}

  /** The forward pass on plan buffers. */
  protected abstract run(io: NodeIO, ctx: CallContext): void;

  /** Accumulates (+=) the gradient of every input that has a gradient buffer. */
  protected abstract grad(io: NodeIO, ctx: CallContext): void;

  computeOutputShape(): Shape {
    throw new ValueError(`${this.name}: an op is recorded by the ops functions, not applied like a layer`);
  }

  override computeOutputSpecs(): OutputSpec[] {
    return this.computeOutputShape() as never;
  }

  override stateRequests(_inputShapes: readonly Shape[], _outputShape: Shape, maxBatch: number, node?: GraphNode): Record<string, StateRequest> {
    return node === undefined ? {} : this.requests(node, maxBatch);
  }

  forward(io: NodeIO, ctx: CallContext): void {
    this.prepare(io, ctx.batch);
    this.run(io, ctx);
  }

  backward(io: NodeIO, ctx: CallContext): void {
    this.prepare(io, ctx.batch);
    this.grad(io, ctx);
  }

  private prepare(io: NodeIO, batch: number): void {
    if (this.preparedFor.get(io) === batch) return;
    this.setup(io, batch);
    this.preparedFor.set(io, batch);
  }

  /** Records a node of this op on `inputs` and returns its outputs (an op may be recorded again: a model applied to new inputs). */
  record(inputs: readonly SymbolicTensor[]): SymbolicTensor[] {
    return new GraphNode(this, inputs, this.outputSpecs(inputs)).outputs;
  }

  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    return this.record(this.checkApplyInputs(inputs));
  }
}
