// The penalty of Keras's `activityRegularizer` option: regulariser(output) / batch size, a scalar
// loss term computed from a layer's output and added to the model's loss.
import { ShapeError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import { accumulate } from '../kernels/graph.js';
import { fill } from '../kernels/memory.js';
import { clipScale } from '../kernels/optim.js';
import { f32 } from '../backend/memory.js';
import type { Regularizer } from '../regularizers.js';
import { Layer, type GraphNode, type OutputSpec, type SymbolicTensor } from './layer.js';
import type { CallContext, NodeIO, StateRequest } from './node-io.js';

/** regulariser(x) / batch over a batch of x, as an unbatched scalar; its gradient flows into x. */
export class ActivityPenalty extends Layer {
  readonly className = 'ActivityPenalty';
  constructor(readonly regularizer: Regularizer, owner: string) {
    super({ name: `${owner}/activity_regularizer` }, 'activity_regularizer');
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length !== 1) throw new ShapeError(`${this.name}: expects 1 input, got ${inputShapes.length}`);
    return [];
  }
  override computeOutputSpecs(inputShapes: readonly Shape[]): OutputSpec[] {
    return [{ shape: this.computeOutputShape(inputShapes), batched: false }];
  }
  override stateRequests(inputShapes: readonly Shape[], _out: Shape, maxBatch: number): Record<string, StateRequest> {
    return { scratch: { floats: maxBatch * inputShapes[0]!.reduce((a, b) => a * b, 1) } };
  }
  forward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    f32()[io.output.ptr >>> 2] = this.regularizer.apply(x.ptr, 0, ctx.batch * x.size) / ctx.batch;
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const n = ctx.batch * x.size;
    const scratch = io.state.scratch!;
    fill(scratch, 0, n);
    this.regularizer.apply(x.ptr, scratch, n);
    clipScale(scratch, n, f32()[io.output.grad >>> 2]! / ctx.batch, Infinity);
    accumulate(x.grad, scratch, n);
  }
}

/** Penalty terms of the layers with `activityRegularizer` among `nodes` (one per node, made once). */
export function activityTerms(nodes: readonly GraphNode[]): SymbolicTensor[] {
  const out: SymbolicTensor[] = [];
  for (const node of nodes) {
    const reg = node.layer.activityRegularizer;
    if (reg === undefined || node.layer instanceof ActivityPenalty) continue;
    let term = penalties.get(node);
    if (term === undefined) {
      term = new ActivityPenalty(reg, node.layer.name).applyAll([node.output])[0]!;
      penalties.set(node, term);
    }
    out.push(term);
  }
  return out;
}

const penalties = new WeakMap<GraphNode, SymbolicTensor>();
