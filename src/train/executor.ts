// One batch size of one model: the plan's buffers, the weight gradients, the loss and regulariser
// terms and the optimizer binding. Every batch comes in as an argument (rows of tensors, copied
// into the plan here); the executor knows neither the model nor the epoch loop.
import { f32 } from '../backend/memory.js';
import { allFinite } from '../kernels/optim.js';
import type { Cursor } from '../data/feed.js';
import type { Layer, SymbolicTensor } from '../layers/layer.js';
import type { CallContext } from '../layers/node-io.js';
import type { Loss, LossCall } from '../losses/loss.js';
import type { Metric, MetricCall } from '../metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Rng } from '../random.js';
import type { Tensor } from '../core/tensor.js';
import type { WeightGradients } from './gradients.js';
import { Plan, type PlanGraph } from './plan.js';

/** The graph an executor runs: the plan's view of it and its layers (whose regularisers it adds). */
export interface ExecutorGraph extends PlanGraph {
  readonly layers: readonly Layer[];
  /** The first output. */
  readonly output: SymbolicTensor;
}

/** What `compile` resolved: optimizer, loss, metrics and the per-sample size of the targets. */
export interface Objective {
  readonly optimizer: Optimizer;
  readonly loss: Loss;
  readonly metrics: readonly Metric[];
  readonly targetSize: number;
}

/** The `augment` option of `fit`: applied in place to each training batch (never to validation). */
export interface BatchAugmenter {
  applyInPlacePtr(ptr: number, shape: [number, number, number, number], rng: Rng): void;
}

/** How a training step treats its batch; the trainer keeps one per fit (no object per step). */
export interface StepSettings {
  /** Weight of each class in the loss and metrics (undefined: every sample weighs 1). */
  classWeight: Readonly<Record<number, number>> | undefined;
  /** In-place augmentation of the image input, drawn from `augmentRng`. */
  augment: BatchAugmenter | undefined;
  augmentRng: Rng | undefined;
  /** Dropout and other training-time noise. */
  dropoutRng: Rng;
}

const NO_GRADS: readonly number[] = [];

/** The plan of one batch size with everything a step needs; free() returns its memory. */
export class Executor {
  private readonly plan: Plan;
  private readonly ctx: CallContext;
  /** Reused for every loss and metric evaluation (no object per step). */
  private readonly lossCall: LossCall = { yTrue: 0, yPred: 0, dPred: 0, batch: 0, sampleShape: [], sampleWeights: 0 };
  private readonly metricCall: MetricCall = { yTrue: 0, yPred: 0, batch: 0, predShape: [], targetSize: 0, sampleWeights: 0 };
  /** What the last trainStep found non-finite when it returned NaN: the loss, the targets or the gradients. */
  private nonFinite: 'loss' | 'targets' | 'gradients' = 'loss';
  /** [n, h, w, c] of an image input (augmentation), n set per batch. */
  private readonly imageShape: [number, number, number, number] | undefined;

  /**
   * @param grads the model's weight gradients: a training executor; undefined for inference.
   * @param objective what compile resolved (undefined before compile: inference without loss).
   */
  constructor(
    private readonly graph: ExecutorGraph,
    readonly maxBatch: number,
    private readonly objective: Objective | undefined,
    private readonly grads: WeightGradients | undefined,
    rng: Rng,
    who = 'plan',
  ) {
    this.plan = new Plan(graph, maxBatch, objective?.targetSize ?? 0, grads?.byWeight, false, who);
    this.ctx = { training: false, batch: 0, rng };
    const image = graph.inputs.length === 1 && graph.inputs[0]!.shape.length === 3 ? graph.inputs[0]!.shape : undefined;
    this.imageShape = image === undefined ? undefined : [0, image[0]!, image[1]!, image[2]!];
  }

  /** Whether this executor computes gradients (a training plan). */
  get training(): boolean {
    return this.grads !== undefined;
  }

  /** Bytes of wasm memory the plan holds. */
  get bytes(): number {
    return this.plan.bytes;
  }

  /**
   * One optimisation step on `batch`: copy it in (with class weights), augment it, forward, loss
   * (+ regularisers), backward, optimizer update. Returns the loss; a non-finite loss returns
   * before the backward pass, so the update is not applied, and so do NaN/Inf targets or
   * gradients (returning NaN; `nonFiniteCause` says which).
   */
  trainStep(batch: Cursor, settings: StepSettings): number {
    const count = batch.count;
    this.load(batch.xs, batch.y, batch.order, batch.start, count, settings.classWeight);
    if (settings.augment !== undefined) {
      this.imageShape![0] = count;
      settings.augment.applyInPlacePtr(this.plan.inputs[0]!.ptr, this.imageShape!, settings.augmentRng!);
    }
    const plan = this.plan;
    const grads = this.grads!;
    const ctx = this.ctx;
    this.nonFinite = 'loss';
    ctx.training = true;
    ctx.batch = count;
    ctx.rng = settings.dropoutRng;
    plan.zeroGrads();
    grads.zero();
    plan.forward(ctx);
    let loss = this.computeLoss(count, plan.output.grad, settings.classWeight !== undefined);
    const layers = this.graph.layers;
    for (let i = 0; i < layers.length; i++) loss += layers[i]!.regularize(grads.byLayer.get(layers[i]!)!);
    if (!Number.isFinite(loss)) return loss;
    // Hinge and margin losses clamp NaN away, so a finite loss can hide NaN targets, and NaN
    // gradients: one pass over the targets, and one over the whole gradient block after backward.
    if (plan.targetSize > 0 && !allFinite(plan.yTrue, count * plan.targetSize)) {
      this.nonFinite = 'targets';
      return Number.NaN;
    }
    plan.backward(ctx);
    if (!grads.allFinite()) {
      this.nonFinite = 'gradients';
      return Number.NaN;
    }
    this.objective!.optimizer.step();
    return loss;
  }

  /** What made the last trainStep return `loss` (non-finite), for error messages. */
  nonFiniteCause(loss: number): string {
    if (this.nonFinite === 'targets') return `the loss became NaN (the batch's targets contain NaN or Inf)`;
    return this.nonFinite === 'loss' ? `the loss became ${loss}` : `the gradients of the batch contain NaN or Inf`;
  }

  /** Loss (+ regularisers) of `batch` in inference mode; the metrics can then be updated. */
  testStep(batch: Cursor): number {
    this.load(batch.xs, batch.y, batch.order, batch.start, batch.count, undefined);
    this.forward(batch.count);
    let loss = this.computeLoss(batch.count, 0, false);
    const layers = this.graph.layers;
    for (let i = 0; i < layers.length; i++) loss += layers[i]!.regularize(NO_GRADS);
    return loss;
  }

  /** The outputs of rows `start..start+count` of `xs` in inference mode, written into `out` at row `start`. */
  predictStep(xs: readonly Tensor[], start: number, count: number, out: Float32Array): void {
    this.load(xs, undefined, undefined, start, count, undefined);
    this.forward(count);
    const size = this.plan.output.size;
    const at = this.plan.output.ptr >>> 2;
    out.set(f32().subarray(at, at + count * size), start * size);
  }

  /** Adds the last step's `count` predictions (and class weights when `weighted`) to `metrics`. */
  updateMetrics(metrics: readonly Metric[], count: number, weighted: boolean): void {
    const plan = this.plan;
    const call = this.metricCall;
    call.yTrue = plan.yTrue;
    call.yPred = plan.output.ptr;
    call.batch = count;
    call.predShape = plan.output.shape;
    call.targetSize = plan.targetSize;
    call.sampleWeights = weighted ? plan.sampleWeights : 0;
    for (let i = 0; i < metrics.length; i++) metrics[i]!.update(call);
  }

  /** Returns the plan's memory to the heap (idempotent; the gradients belong to the model's cache). */
  free(): void {
    this.plan.free();
  }

  private forward(count: number): void {
    const ctx = this.ctx;
    ctx.training = false;
    ctx.batch = count;
    this.plan.forward(ctx);
  }

  private computeLoss(count: number, dPred: number, weighted: boolean): number {
    const plan = this.plan;
    const call = this.lossCall;
    call.yTrue = plan.yTrue;
    call.yPred = plan.output.ptr;
    call.dPred = dPred;
    call.batch = count;
    call.sampleShape = plan.output.shape;
    call.sampleWeights = weighted ? plan.sampleWeights : 0;
    return this.objective!.loss.compute(call);
  }

  /** Copies samples `order[start..start+count)` (or start.. without order) into the plan's inputs and targets. */
  private load(xs: readonly Tensor[], y: Tensor | undefined, order: Int32Array | undefined, start: number, count: number, classWeight: Readonly<Record<number, number>> | undefined): void {
    const plan = this.plan;
    const mem = f32();
    for (let i = 0; i < xs.length; i++) copyRows(mem, plan.inputs[i]!.ptr >>> 2, xs[i]!.data, plan.inputs[i]!.size, order, start, count);
    if (y === undefined || plan.targetSize === 0) return;
    copyRows(mem, plan.yTrue >>> 2, y.data, plan.targetSize, order, start, count);
    if (classWeight !== undefined) {
      const w0 = plan.sampleWeights >>> 2;
      const t0 = plan.yTrue >>> 2;
      const size = plan.targetSize;
      for (let i = 0; i < count; i++) {
        const label = size === 1 ? Math.round(mem[t0 + i]!) : argmaxAt(mem, t0 + i * size, size);
        mem[w0 + i] = classWeight[label] ?? 1;
      }
    }
  }
}

/** Copies rows (samples) from a JS array into wasm memory, in `order` or contiguously. */
function copyRows(mem: Float32Array, dst: number, src: Float32Array, size: number, order: Int32Array | undefined, start: number, count: number): void {
  if (order === undefined) {
    // The whole array (trainStep, predict on one batch) needs no subarray view.
    mem.set(start === 0 && count * size === src.length ? src : src.subarray(start * size, (start + count) * size), dst);
    return;
  }
  for (let i = 0; i < count; i++) {
    const s = order[start + i]! * size;
    const d = dst + i * size;
    for (let j = 0; j < size; j++) mem[d + j] = src[s + j]!;
  }
}

function argmaxAt(mem: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (mem[start + j]! > mem[start + best]!) best = j;
  return best;
}
