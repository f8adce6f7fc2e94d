// A built-in loss as a differentiable op: loss(yTrue, yPred) over a batch is a scalar (the mean
// over samples, as compile's loss reports it), computed and differentiated by the loss's fused
// kernel. Custom losses, extra terms and `valueAndGrad` objectives use it.
import { f32 } from '../backend/memory.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { Tensor, sameShape } from '../core/tensor.js';
import { SymbolicTensor, type OutputSpec } from '../layers/layer.js';
import type { CallContext, NodeIO, StateRequest } from '../layers/node-io.js';
import { fill } from '../kernels/memory.js';
import { clipScale } from '../kernels/optim.js';
import { accumulate } from '../kernels/graph.js';
import type { Loss, LossCall } from '../losses/loss.js';
import { get as getLoss } from '../losses/index.js';
import { lossValue } from '../losses/evaluate.js';
import { anySymbolic, toSymbolicTensor, type Operand } from './dispatch.js';
import { Op, where } from './op.js';

/** loss(yTrue, yPred) as an unbatched scalar; the gradient flows into yPred (targets get none). */
export class LossOp extends Op {
  /** One reusable kernel call per plan node (no object per step). */
  private readonly calls = new WeakMap<NodeIO, LossCall>();

  constructor(readonly loss: Loss) {
    super('loss', { loss: loss.name, config: loss.getConfig() });
  }

  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const [yTrue, yPred] = inputs as [SymbolicTensor, SymbolicTensor];
    const who = where(`ops.loss(${this.loss.name})`);
    if (!yTrue.batched || !yPred.batched) throw new ShapeError(`${who}: yTrue and yPred must be batches (with a batch axis), got ${yTrue.toString()} and ${yPred.toString()}`);
    const need = this.loss.targetSampleShape(yPred.shape);
    if (!sameShape(need, yTrue.shape) && need.reduce((a, b) => a * b, 1) !== yTrue.shape.reduce((a, b) => a * b, 1)) {
      throw new ShapeError(`${who}: predictions [*, ${yPred.shape.join(', ')}] need targets [*, ${need.join(', ')}], got ${yTrue.toString()}`);
    }
    return [{ shape: [], batched: false }];
  }

  override requests(io: { inputs: readonly SymbolicTensor[] }, maxBatch: number): Record<string, StateRequest> {
    return { dpred: { floats: maxBatch * io.inputs[1]!.shape.reduce((a, b) => a * b, 1) } };
  }

  private call(io: NodeIO, batch: number): LossCall {
    let c = this.calls.get(io);
    if (c === undefined) this.calls.set(io, (c = { yTrue: io.inputs[0]!.ptr, yPred: io.inputs[1]!.ptr, dPred: 0, batch, sampleShape: io.inputs[1]!.shape }));
    c.batch = batch;
    return c;
  }

  protected run(io: NodeIO, ctx: CallContext): void {
    const c = this.call(io, ctx.batch);
    c.dPred = 0;
    f32()[io.output.ptr >>> 2] = this.loss.compute(c);
  }

  protected grad(io: NodeIO, ctx: CallContext): void {
    const pred = io.inputs[1]!;
    if (pred.grad === 0) return;
    const g = f32()[io.output.grad >>> 2]!;
    const c = this.call(io, ctx.batch);
    if (g === 1) {
      c.dPred = pred.grad; // the kernel accumulates
      this.loss.compute(c);
      return;
    }
    const n = ctx.batch * pred.size;
    const scratch = io.state.dpred!;
    fill(scratch, 0, n);
    c.dPred = scratch;
    this.loss.compute(c);
    clipScale(scratch, n, g, Infinity);
    accumulate(pred.grad, scratch, n);
  }
}


/**
 * A built-in loss of targets and predictions: `ops.loss('sparseCategoricalCrossentropy', y, p)`
 * (a name, a loss object from `losses`). On symbolic batches it records a scalar node (the mean
 * over samples, as `compile` reports it) whose gradient comes from the loss's fused kernel; on
 * Tensors it returns the value.
 */
export function loss(lossSpec: Loss | string, yTrue: Tensor, yPred: Tensor): number;
export function loss(lossSpec: Loss | string, yTrue: Operand, yPred: Operand): SymbolicTensor;
export function loss(lossSpec: Loss | string, yTrue: Operand, yPred: Operand): number | SymbolicTensor {
  let l: Loss;
  try {
    l = getLoss(lossSpec);
  } catch (err) {
    throw new ValueError(`${where('ops.loss')}: ${(err as Error).message}`);
  }
  if (!anySymbolic(yTrue, yPred)) {
    if (!(yTrue instanceof Tensor) || !(yPred instanceof Tensor)) throw new ValueError(`ops.loss: yTrue and yPred must be Tensors or symbolic tensors`);
    return lossValue(l, yTrue, yPred);
  }
  return new LossOp(l).record([toSymbolicTensor(yTrue, 'loss', 'yTrue'), toSymbolicTensor(yPred, 'loss', 'yPred')])[0]!;
}
