// One batch size of one model: the plan's buffers, the weight gradients, the loss and regulariser
// terms and the optimizer binding. Every batch comes in as an argument (rows of tensors, copied
// into the plan here); the executor knows neither the model nor the epoch loop.
import { f32 } from '../backend/memory.js';
import { ValueError } from '../core/errors.js';
import { allFinite } from '../kernels/optim.js';
import type { Cursor } from '../data/feed.js';
import type { Layer, SymbolicTensor } from '../layers/layer.js';
import type { CallContext } from '../layers/node-io.js';
import type { LossCall } from '../losses/loss.js';
import { clipScale } from '../kernels/optim.js';
import { HeadMetric, ValueMean, type Head, type MetricTerm } from './heads.js';
import type { Slot } from '../layers/node-io.js';
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
  /** Metric terms of the whole model (`model.addMetric`). */
  readonly metrics?: readonly { name: string; term: SymbolicTensor }[];
}

/** What `compile` resolved: optimizer, the objective of each output, metrics and the floats of a packed target row. */
export interface Objective {
  readonly optimizer: Optimizer;
  readonly heads: readonly Head[];
  /** Metrics written with ops (compile's metric functions, `model.addMetric`): computed in the plan, reported, never differentiated. */
  readonly metricTerms: readonly MetricTerm[];
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
  private readonly heads: readonly Head[];
  /** Per head: its output's and targets' buffers, its traced loss term's (or undefined) and its output's mask. */
  private readonly headSlots: Array<{ output: Slot; target: Slot; term: Slot | undefined; mask: MaskedHead | undefined }>;
  /** Loss terms other than the heads' (addLoss, activity regularisers): they count with weight 1. */
  private readonly extraTerms: Slot[];
  /** Each head's loss in the last step (for its `<output>_loss` log). */
  /** Each head's loss, then each metric term's value, in the last step (their logs read them). */
  private readonly values: Float64Array;
  private readonly metricSlots: Slot[];

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
    const heads = objective?.heads ?? [];
    this.heads = heads;
    const terms = heads.flatMap((h) => (h.term === undefined ? [] : [h.term]));
    this.plan = new Plan(
      {
        inputs: [...graph.inputs, ...heads.map((h) => h.target)],
        outputs: graph.outputs,
        nodes: graph.nodes,
        lossNodes: [...(graph.lossNodes ?? []), ...heads.flatMap((h) => h.termNodes), ...(objective?.metricTerms ?? []).flatMap((m) => m.nodes)],
        losses: [...(graph.losses ?? []), ...terms],
      },
      maxBatch,
      heads.length > 0 ? 1 : 0,
      grads?.byWeight,
      false,
      who,
    );
    const plan = this.plan;
    this.headSlots = heads.map((h) => {
      const output = plan.slot(h.output)!, target = plan.slot(h.target)!;
      return { output, target, term: h.term === undefined ? undefined : plan.slot(h.term), mask: maskedHead(h, h.output.mask === undefined ? undefined : plan.slot(h.output.mask), output, target, who) };
    });
    const headTerms = new Set(this.headSlots.map((h) => h.term));
    this.extraTerms = plan.losses.filter((t) => !headTerms.has(t));
    const metricTerms = objective?.metricTerms ?? [];
    this.values = new Float64Array(heads.length + metricTerms.length);
    this.metricSlots = metricTerms.map((m) => plan.slot(m.term)!);
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
    let loss = this.computeLoss(count, true, settings.classWeight !== undefined);
    const layers = this.graph.layers;
    for (let i = 0; i < layers.length; i++) loss += layers[i]!.regularize(grads.byLayer.get(layers[i]!)!);
    if (!Number.isFinite(loss)) return loss;
    // Hinge and margin losses clamp NaN away, so a finite loss can hide NaN targets, and NaN
    // gradients: one pass over the targets, and one over the whole gradient block after backward.
    const slots = this.headSlots;
    for (let h = 0; h < slots.length; h++) {
      if (!allFinite(slots[h]!.target.ptr, count * slots[h]!.target.size)) {
        this.nonFinite = 'targets';
        return Number.NaN;
      }
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
    let loss = this.computeLoss(batch.count, false, false);
    const layers = this.graph.layers;
    for (let i = 0; i < layers.length; i++) loss += layers[i]!.regularize(NO_GRADS);
    return loss;
  }

  /** The outputs of rows `start..start+count` of `xs` in inference mode, written into `outs` (one per model output) at row `start`. */
  predictStep(xs: readonly Tensor[], start: number, count: number, outs: readonly Float32Array[]): void {
    this.load(xs, undefined, undefined, start, count, undefined);
    this.forward(count);
    const outputs = this.plan.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const size = outputs[i]!.size;
      const at = outputs[i]!.ptr >>> 2;
      outs[i]!.set(f32().subarray(at, at + count * size), start * size);
    }
  }

  /** Adds the last step's `count` predictions (and class weights when `weighted`) to `metrics`. */
  updateMetrics(metrics: readonly Metric[], count: number, weighted: boolean): void {
    const call = this.metricCall;
    for (let i = 0; i < metrics.length; i++) {
      const m = metrics[i]!;
      const h = m instanceof HeadMetric ? m.head : 0;
      call.batch = count;
      call.sampleWeights = weighted ? this.plan.sampleWeights : 0;
      if (m instanceof ValueMean) {
        m.value = this.values[m.source] ?? NaN;
      } else if (h < this.headSlots.length) {
        const s = this.headSlots[h]!;
        call.yTrue = s.target.ptr;
        call.yPred = s.output.ptr;
        call.predShape = s.output.shape;
        call.targetSize = s.target.size;
        if (s.mask !== undefined) {
          // Each step counts as a sample weighted by its mask: padded steps do not count.
          if (weighted) throw maskWeightError(this.heads[h]!);
          call.predShape = s.mask.stepShape;
          call.targetSize = s.mask.stepTarget;
          call.batch = count * s.mask.steps;
          call.sampleWeights = s.mask.slot.ptr;
        }
      }
      m.update(call);
    }
  }

  /**
   * A built-in loss over the unmasked steps of a masked output: each step is a sample weighted by
   * its mask, and the mean is over the unmasked steps (so a padded batch gives the loss and the
   * gradients of the same samples unpadded).
   */
  private maskedLoss(head: Head, mask: MaskedHead, output: Slot, target: Slot, count: number, gradients: boolean, weighted: boolean): number {
    if (weighted) throw maskWeightError(head);
    const call = this.lossCall, rows = count * mask.steps;
    call.yTrue = target.ptr;
    call.yPred = output.ptr;
    call.dPred = gradients ? output.grad : 0;
    call.batch = rows;
    call.sampleShape = mask.stepShape;
    call.sampleWeights = mask.slot.ptr;
    const value = head.loss!.compute(call);
    const mem = f32(), M = mask.slot.ptr >>> 2;
    let valid = 0;
    for (let i = 0; i < rows; i++) valid += mem[M + i]!;
    // The kernel divided by every step; rescale to the unmasked ones (none: loss and gradient 0).
    const scale = valid === 0 ? 0 : rows / valid;
    if (gradients && head.weight * scale !== 1) clipScale(output.grad, count * output.size, head.weight * scale, Infinity);
    return value * scale;
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

  /**
   * The loss of the last forward pass: each head's (weighted) plus every other loss term. With
   * `gradients`, also seeds the backward pass: built-in losses accumulate into their output's
   * gradient (scaled by the head's weight), traced terms get their weight as gradient.
   */
  private computeLoss(count: number, gradients: boolean, weighted: boolean): number {
    const plan = this.plan;
    const call = this.lossCall;
    const mem = f32();
    let total = 0;
    for (let h = 0; h < this.heads.length; h++) {
      const head = this.heads[h]!;
      const s = this.headSlots[h]!;
      let value: number;
      if (head.loss !== undefined && s.mask !== undefined) {
        value = this.maskedLoss(head, s.mask, s.output, s.target, count, gradients, weighted);
      } else if (head.loss !== undefined) {
        call.yTrue = s.target.ptr;
        call.yPred = s.output.ptr;
        call.dPred = gradients ? s.output.grad : 0;
        call.batch = count;
        call.sampleShape = s.output.shape;
        call.sampleWeights = weighted ? plan.sampleWeights : 0;
        value = head.loss.compute(call);
        if (gradients && head.weight !== 1) clipScale(s.output.grad, count * s.output.size, head.weight, Infinity);
      } else {
        value = mem[s.term!.ptr >>> 2]!;
        if (gradients) mem[s.term!.grad >>> 2] = head.weight;
      }
      this.values[h] = value;
      total += head.weight * value;
    }
    const metricSlots = this.metricSlots;
    for (let i = 0; i < metricSlots.length; i++) this.values[this.heads.length + i] = termMean(mem, metricSlots[i]!, count);
    const terms = this.extraTerms;
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i]!;
      const n = t.batched ? count : 1;
      total += termMean(mem, t, count);
      // d(mean)/d(term_j) = 1/n, written from JS (a float passed to a wasm export may be boxed).
      const g = t.grad >>> 2;
      if (gradients) for (let j = 0; j < n; j++) mem[g + j] = 1 / n;
    }
    return total;
  }

  /** Copies samples `order[start..start+count)` (or start.. without order) into the plan's inputs and targets. */
  private load(xs: readonly Tensor[], y: Tensor | undefined, order: Int32Array | undefined, start: number, count: number, classWeight: Readonly<Record<number, number>> | undefined): void {
    const plan = this.plan;
    const mem = f32();
    for (let i = 0; i < xs.length; i++) copyRows(mem, plan.inputs[i]!.ptr >>> 2, xs[i]!.data, plan.inputs[i]!.size, order, start, count);
    const heads = this.heads;
    if (y === undefined || heads.length === 0) return;
    const width = this.objective!.targetSize;
    for (let h = 0; h < heads.length; h++) {
      const target = this.headSlots[h]!.target;
      if (heads.length === 1) copyRows(mem, target.ptr >>> 2, y.data, target.size, order, start, count);
      else copyColumns(mem, target.ptr >>> 2, y.data, width, heads[h]!.targetOffset, target.size, order, start, count);
    }
    if (classWeight !== undefined) {
      const w0 = plan.sampleWeights >>> 2;
      const t0 = this.headSlots[0]!.target.ptr >>> 2;
      const size = this.headSlots[0]!.target.size;
      for (let i = 0; i < count; i++) {
        const label = size === 1 ? Math.round(mem[t0 + i]!) : argmaxAt(mem, t0 + i * size, size);
        mem[w0 + i] = classWeight[label] ?? 1;
      }
    }
  }
}

/** A scalar term's value: the tensor, or the mean over the batch of a per-sample term. */
function termMean(mem: Float32Array, t: Slot, count: number): number {
  const n = t.batched ? count : 1;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += mem[(t.ptr >>> 2) + j]!;
  return sum / n;
}

/** Copies `width` floats at `offset` of each packed row (`rowSize` floats) into contiguous rows. */
function copyColumns(mem: Float32Array, dst: number, src: Float32Array, rowSize: number, offset: number, width: number, order: Int32Array | undefined, start: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const s = (order === undefined ? start + i : order[start + i]!) * rowSize + offset;
    const d = dst + i * width;
    for (let j = 0; j < width; j++) mem[d + j] = src[s + j]!;
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

/** A head whose output carries a mask: the mask's buffer and the per-step shapes of prediction and target. */
interface MaskedHead {
  readonly slot: Slot;
  readonly steps: number;
  readonly stepShape: readonly number[];
  readonly stepTarget: number;
}

/** The masked view of a head, or undefined when its output has no mask (or a traced loss, which sees every step). */
function maskedHead(head: Head, slot: Slot | undefined, output: Slot, target: Slot, who: string): MaskedHead | undefined {
  if (slot === undefined || head.loss === undefined) return undefined;
  const steps = output.shape[0]!;
  if (target.size % steps !== 0) throw new ValueError(`${who}: the targets of ${head.name} (${target.size} floats per sample) do not split over its ${steps} masked steps`);
  return { slot, steps, stepShape: output.shape.slice(1), stepTarget: target.size / steps };
}

function maskWeightError(head: Head): ValueError {
  return new ValueError(`fit: classWeight cannot weigh the output ${head.name}, which carries a mask (its steps are weighted by the mask); drop classWeight or the mask`);
}
