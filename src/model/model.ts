// The functional Model (and, in sequential.ts, its linear special case): graph, weights, summary,
// compile, and the training/inference entry points. The numerics run on an execution plan
// (plan.ts) in wasm memory; this file moves batches in and out and drives the loop.
import { f32, heap, onCollect } from '../backend/memory.js';
import { kernels } from '../backend/wasm.js';
import { History, type Callback, type Logs, type TrainingModel, type TrainingParams } from '../callbacks/callback.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';
import type { Loss, LossCall } from '../losses/loss.js';
import { get as getLoss } from '../losses/index.js';
import { getMetric, type Metric, type MetricCall } from '../metrics.js';
import type { Optimizer, ParamRef } from '../optimizers/optimizer.js';
import { get as getOptimizer } from '../optimizers/index.js';
import { ProgressBar } from '../callbacks/progress-bar.js';
import { Rng, StreamPurpose, streamId } from '../random.js';
import { Tensor, describeValue, sizeOf, type Shape } from '../tensor.js';
import { InputLayer } from '../layers/core.js';
import { formatSample, trainableVersion, type CallContext, type Layer, type SymbolicTensor } from '../layers/layer.js';
import { buildGraph, type Graph } from './graph.js';
import { Plan } from '../train/plan.js';
import { summarize, type SummaryOptions } from './summary.js';
import { saveModel } from './format.js';
import { StreamFeed, TensorFeed, isBatchSource, type BatchFeed, type BatchSource } from '../data/feed.js';

/** Options of `model.compile`. */
export interface CompileOptions {
  /** An optimizer object or a name (`'adam'`, `'sgd'`, ...). */
  optimizer: Optimizer | string;
  /** A loss object or a name (`'sparseCategoricalCrossentropy'`, `'meanSquaredError'`, ...). */
  loss: Loss | string;
  /** Metric objects or names (`'accuracy'`, `'mse'`, ...), reported as `name` and `val_name`. */
  metrics?: ReadonlyArray<Metric | string>;
}

/** The `augment` option of `fit`: applied in place to each training batch (never to validation). */
export interface BatchAugmenter {
  applyInPlacePtr(ptr: number, shape: [number, number, number, number], rng: Rng): void;
}

/** Options of `model.fit`. */
export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Tensors only (a dataset brings its own batches). Default 32; the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** 0 silent, 1 progress bar (per-epoch lines when not a TTY), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Tensors only: the fraction of the samples (taken from the end, before shuffling, as Keras) held out for validation. */
  validationSplit?: number;
  /** Validation inputs and targets, or a dataset of `{ x, y }` batches (wins over validationSplit). */
  validationData?: readonly [Tensor | readonly Tensor[], Tensor] | BatchSource;
  /**
   * Training on a dataset: batches per epoch (Keras's steps_per_epoch). Without it an epoch is one
   * full pass over the dataset; with it the iteration goes on across epochs, starting a new pass
   * when one ends (so an endless generator works). Not for tensors.
   */
  stepsPerEpoch?: number;
  /** Tensors only (shuffle a dataset itself): reshuffle the training samples every epoch. Default true. */
  shuffle?: boolean;
  /** Seeds initialisation (if the model is not initialised yet), shuffling, dropout and augmentation. */
  seed?: number;
  callbacks?: readonly Callback[];
  /** Epoch to start counting from (resuming). Default 0. */
  initialEpoch?: number;
  /** Weight of each class in the loss and metrics: `{ 0: 1, 1: 5 }`. */
  classWeight?: Readonly<Record<number, number>>;
  /** In-place batch augmentation (e.g. `augment.sequence([...])`), for image inputs [n, h, w, c]. */
  augment?: BatchAugmenter;
  /**
   * What a NaN or infinite loss does, and equally NaN/Inf targets or gradients (checked every
   * step, since some losses stay finite on NaN data). The bad batch's update is never applied. `'throw'` (default)
   * throws an error naming the epoch and batch, unless a callback sets `model.stopTraining` in
   * that batch's `onBatchEnd` (which sees `logs.loss` = NaN; `callbacks.terminateOnNaN()` does):
   * then training ends gracefully. `'stop'` always ends gracefully; `'skip'` drops the batch and
   * goes on.
   */
  onNonFiniteLoss?: 'throw' | 'stop' | 'skip';
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Tensors only: samples per batch (default 32). */
  batchSize?: number;
  /** Datasets only: evaluate this many batches instead of one full pass. */
  steps?: number;
}

/** Options of `predict`. */
export interface PredictOptions {
  batchSize?: number;
}

interface Compiled {
  optimizer: Optimizer;
  loss: Loss;
  metricSpecs: ReadonlyArray<Metric | string>;
  metrics: Metric[];
  targetShape: Shape;
  targetSize: number;
}

/** Trainable parameters and their gradient buffers (one block, zeroed with one fill). */
interface TrainState {
  version: number;
  layers: readonly Layer[];
  params: ParamRef[];
  weightGrads: Map<Layer, number[]>;
  block: number;
  floats: number;
}

/** Wasm memory a model owns; freed through `onCollect` when the model is collected. */
class Resources {
  readonly plans = new Map<string, Plan>();
  gradBlock = 0;
  private readonly heapAtStart = heap();
  clearPlans(): void {
    for (const p of this.plans.values()) p.free();
    this.plans.clear();
  }
  freeGrads(): void {
    if (heap() === this.heapAtStart) heap().free(this.gradBlock);
    this.gradBlock = 0;
  }
  free(): void {
    if (heap() !== this.heapAtStart) return; // the module was re-initialised: its memory is gone
    this.clearPlans();
    this.freeGrads();
  }
}

/** Frees a collected model's plans and gradients (see `onCollect`). */
function freeResources(r: Resources): void {
  r.free();
}

let modelCounter = 0;
let defaultSeedCounter = 0;

/** Options of the `Model` constructor. */
export interface ModelConfig {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor;
  name?: string;
  /** Seeds initialisation, shuffling and dropout (default: a per-process counter). */
  seed?: number;
}

function checkSeed(seed: unknown, who: string): number {
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) throw new ValueError(`${who}: seed must be a non-negative integer, got ${String(seed)}`);
  return seed as number;
}

function intOption(value: unknown, dflt: number, min: number, who: string): number {
  if (value === undefined) return dflt;
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new ValueError(`${who} must be an integer >= ${min}, got ${String(value)}`);
  return value as number;
}

/**
 * A functional model: `new Model({ inputs: Input({ shape }), outputs: layer.apply(...) })`.
 * Compile it, then `fit`, `evaluate`, `predict`; weights live in wasm memory and are freed when
 * the model and its layers are garbage collected.
 */
export class Model implements TrainingModel {
  readonly name: string;
  /** Set by a callback (or yourself) to end `fit` after the current batch. */
  stopTraining = false;
  /** The seed of initialisation, shuffling and dropout. */
  readonly seed: number;
  protected graph: Graph | undefined;
  private compiled: Compiled | undefined;
  private train: TrainState | undefined;
  private readonly resources = new Resources();
  private rngs: { shuffle: Rng; dropout: Rng; augment: Rng };
  private readonly ctx: CallContext;
  /** The plan of the last trainStep (trainOnBatch reads its predictions for the metrics). */
  private lastPlan: Plan | undefined;
  /** Reused for every loss evaluation (no object per step). */
  private readonly lossCall: LossCall = { yTrue: 0, yPred: 0, dPred: 0, batch: 0, sampleShape: [], sampleWeights: 0 };
  /** What this model is running (fit, or evaluate on a dataset), so a second call is refused. */
  private running: 'fit' | 'evaluate' | undefined;
  /** What the last `step` found non-finite when it returned NaN: the loss, the targets or the gradients. */
  private nonFinite: 'loss' | 'targets' | 'gradients' = 'loss';

  constructor(config: ModelConfig, namePrefix = 'model') {
    if (config === null || typeof config !== 'object') throw new ValueError(`${namePrefix}: config must be an object`);
    this.name = config.name ?? `${namePrefix}_${++modelCounter}`;
    this.seed = config.seed === undefined ? 0x5eed + 7919 * defaultSeedCounter++ : checkSeed(config.seed, this.name);
    this.rngs = Model.makeRngs(this.seed);
    this.ctx = { training: false, batch: 0, rng: this.rngs.dropout };
    onCollect(this, this.resources, freeResources);
    this.explicitSeed = config.seed !== undefined;
    if (config.outputs !== undefined || config.inputs !== undefined) {
      const inputs = config.inputs instanceof Array ? config.inputs : [config.inputs as SymbolicTensor];
      this.graph = buildGraph(inputs, config.outputs, this.name);
      if (this.explicitSeed) this.ensureInitialized();
    }
  }

  /**
   * Whether the seed was given: then weights are initialised as soon as the graph is known;
   * otherwise on first use, from `fit`'s seed when it has one.
   */
  protected readonly explicitSeed: boolean;

  private static makeRngs(seed: number): { shuffle: Rng; dropout: Rng; augment: Rng } {
    const root = new Rng(seed);
    return {
      shuffle: root.split(streamId(StreamPurpose.shuffle)),
      dropout: root.split(streamId(StreamPurpose.dropout)),
      augment: root.split(streamId(StreamPurpose.augment)),
    };
  }

  // ---- graph --------------------------------------------------------------------------------

  /** The layers in execution order (input layers excluded). */
  get layers(): Layer[] {
    return [...(this.graph?.layers ?? [])];
  }

  /** Per-sample shapes of the inputs (undefined before a Sequential model knows its input). */
  get inputShapes(): Shape[] | undefined {
    return this.graph?.inputs.map((t) => t.shape);
  }

  /** Per-sample shape of the output. */
  get outputShape(): Shape | undefined {
    return this.graph?.output.shape;
  }

  /** The layer with this name. */
  getLayer(name: string): Layer {
    const layer = this.graph?.layers.find((l) => l.name === name);
    if (layer === undefined) throw new ValueError(`${this.name}.getLayer: no layer named ${JSON.stringify(name)}; layers: ${this.layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /** The graph, building a deferred model from the data's shapes if needed (Sequential). */
  protected requireGraph(who: string, _sampleShape?: Shape): Graph {
    if (this.graph === undefined) throw new ValueError(`${this.name}.${who}: the model has no input shape yet; give the first layer inputShape or call build()`);
    return this.graph;
  }

  /** Called when the graph changes (Sequential add/pop): drops plans and training state. */
  protected invalidate(): void {
    this.resources.clearPlans();
    this.resources.freeGrads();
    this.train = undefined;
    if (this.compiled !== undefined) this.compiled = this.resolveCompiled(this.compiled.optimizer, this.compiled.loss, this.compiled.metricSpecs);
  }

  /** Initialises every layer that has no values yet, from `seed` (stream per layer index). */
  protected ensureInitialized(seed = this.seed): void {
    const layers = this.graph!.layers;
    let root: Rng | undefined; // made only when a layer needs it: trainStep calls this every step
    for (let i = 0; i < layers.length; i++) {
      if (!layers[i]!.weightsInitialized) layers[i]!.initializeWeights((root ??= new Rng(seed)).split(streamId(StreamPurpose.initializer, i)));
    }
  }

  // ---- weights ------------------------------------------------------------------------------

  /** Every weight of every layer (trainable or not) in Keras order, copied out. */
  getWeights(): Tensor[] {
    const graph = this.requireGraph('getWeights');
    this.ensureInitialized();
    return graph.layers.flatMap((l) => l.getWeights());
  }

  /** Sets every weight from a list in `getWeights()` order; shapes must match. */
  setWeights(weights: readonly Tensor[]): void {
    const graph = this.requireGraph('setWeights');
    const total = graph.layers.reduce((n, l) => n + l.weights.length, 0);
    if (!Array.isArray(weights) || weights.length !== total) {
      throw new ValueError(`${this.name}.setWeights: expected ${total} tensors (as getWeights returns), got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    let at = 0;
    for (const layer of graph.layers) {
      layer.setWeights(weights.slice(at, at + layer.weights.length));
      at += layer.weights.length;
    }
  }

  /** Number of weight scalars. */
  countParams(): number {
    return (this.graph?.layers ?? []).reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * A Keras-like table of layers, output shapes and parameter counts with totals; returned as a
   * string, and printed (console.log) only with `{ print: true }`.
   */
  summary(options: SummaryOptions = {}): string {
    const graph = this.requireGraph('summary');
    return summarize(this.name, graph, this.isSequential, options);
  }

  /** True for Sequential models (summary leaves out the "connected to" column). */
  protected get isSequential(): boolean {
    return false;
  }

  // ---- compile ------------------------------------------------------------------------------

  /** Sets the optimizer, loss and metrics used by fit/evaluate/trainOnBatch. */
  compile(options: CompileOptions): void {
    this.refuseWhileRunning('compile');
    if (options === null || typeof options !== 'object') throw new ValueError(`${this.name}.compile: pass { optimizer, loss, metrics? }`);
    if (options.optimizer === undefined) throw new ValueError(`${this.name}.compile: optimizer is required (e.g. 'adam')`);
    if (options.loss === undefined) throw new ValueError(`${this.name}.compile: loss is required (e.g. 'sparseCategoricalCrossentropy')`);
    let optimizer: Optimizer;
    let loss: Loss;
    try {
      optimizer = getOptimizer(options.optimizer as string | Optimizer);
    } catch (err) {
      throw new ValueError(`${this.name}.compile: ${(err as Error).message}`);
    }
    try {
      loss = getLoss(options.loss as string | Loss);
    } catch (err) {
      throw new ValueError(`${this.name}.compile: ${(err as Error).message}`);
    }
    const specs = options.metrics ?? [];
    if (!Array.isArray(specs)) throw new ValueError(`${this.name}.compile: metrics must be an array, got ${typeof specs}`);
    this.resources.clearPlans();
    this.train = undefined;
    this.compiled = this.resolveCompiled(optimizer, loss, specs);
  }

  /** The compiled optimizer (undefined before compile). */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** The compiled loss (undefined before compile). */
  get loss(): Loss | undefined {
    return this.compiled?.loss;
  }

  private resolveCompiled(optimizer: Optimizer, loss: Loss, metricSpecs: ReadonlyArray<Metric | string>): Compiled {
    const out = this.graph?.output.shape;
    const targetShape = out === undefined ? [] : loss.targetSampleShape(out);
    const targetSize = sizeOf(targetShape);
    const lossConfig = loss.getConfig();
    const context = { lossName: loss.name, fromLogits: lossConfig.fromLogits === true, predSize: out === undefined ? 0 : sizeOf(out), targetSize };
    const metrics = out === undefined ? [] : metricSpecs.map((m) => getMetric(m, context));
    const names = new Set<string>(['loss']);
    for (const m of metrics) {
      if (names.has(m.name)) throw new ValueError(`${this.name}.compile: two metrics are named ${m.name}`);
      names.add(m.name);
    }
    return { optimizer, loss, metricSpecs, metrics, targetShape, targetSize };
  }

  private requireCompiled(who: string): Compiled {
    if (this.compiled === undefined) throw new ValueError(`${this.name}.${who}: the model is not compiled; call model.compile({ optimizer, loss }) first`);
    return this.compiled;
  }

  // ---- data ---------------------------------------------------------------------------------

  /** Validates model inputs (a Tensor or one per input) and returns them as a list. */
  private checkInputs(x: Tensor | readonly Tensor[], who: string): Tensor[] {
    const xs = x instanceof Tensor ? [x] : Array.isArray(x) ? [...x] : undefined;
    if (xs === undefined || xs.length === 0 || !allTensors(xs)) {
      throw new ValueError(`${this.name}.${who}: x must be a Tensor (or an array of Tensors, one per input), got ${x === null ? 'null' : typeof x}`);
    }
    const graph = this.graph ?? this.requireGraph(who, xs[0]!.shape.slice(1));
    if (xs.length !== graph.inputs.length) throw new ValueError(`${this.name}.${who}: the model has ${graph.inputs.length} inputs, got ${xs.length} tensors`);
    const n = xs[0]!.shape[0];
    for (let i = 0; i < xs.length; i++) {
      const t = xs[i]!;
      const input = graph.inputs[i]!;
      if (!matchesSample(t.shape, input.shape)) {
        throw new ShapeError(`${this.consumerName(input)}: expected input ${formatSample(input.shape)}, got ${formatShape(t.shape)}`);
      }
      if (t.shape[0] !== n) throw new ShapeError(`${this.name}.${who}: inputs have different numbers of samples: ${formatShape(xs[0]!.shape)} and ${formatShape(t.shape)}`);
    }
    return xs;
  }

  /** The first layer reading an input (error messages name it, as Keras does). */
  private consumerName(input: SymbolicTensor): string {
    const node = this.graph!.nodes.find((n) => n.inputs.includes(input));
    return node?.layer.name ?? input.node.layer.name;
  }

  /** Validates targets against the loss and the number of samples. */
  private checkTargets(y: Tensor, n: number, c: Compiled, who: string): void {
    if (!(y instanceof Tensor)) throw new ValueError(`${this.name}.${who}: y must be a Tensor, got ${y === null ? 'null' : typeof y}`);
    if (y.rank < 1 || y.shape[0] !== n) {
      throw new ShapeError(`${this.name}.${who}: x has ${n} samples but y has ${y.rank < 1 ? 'no batch axis' : y.shape[0]} (y shape ${formatShape(y.shape)})`);
    }
    if (y.size !== n * c.targetSize) {
      throw new ShapeError(
        `${this.name}.${who}: loss ${c.loss.name} on output ${formatSample(this.graph!.output.shape)} needs targets ${formatSample(c.targetShape)}, got y ${formatShape(y.shape)}`,
      );
    }
  }

  /** The plan for `batch` (training plans carry gradients); cached. */
  private plan(batch: number, training: boolean): Plan {
    const key = `${training ? 't' : 'i'}${batch}`;
    const state = training ? this.trainState() : undefined; // may drop stale training plans
    let p = this.resources.plans.get(key);
    if (p !== undefined) return p;
    // A training plan at least as large serves a smaller batch (and inference) on the same buffers.
    for (const [k, other] of this.resources.plans) if (k.startsWith('t') && other.maxBatch >= batch) return other;
    const graph = this.graph!;
    p = new Plan(graph, batch, this.compiled?.targetSize ?? 0, state?.weightGrads);
    // Keep at most 3 inference plans (oldest dropped first); a training plan may be in use by a
    // running fit, so those stay until the model is recompiled, rebuilt or collected.
    if (!training) {
      const inference = [...this.resources.plans.keys()].filter((k) => k.startsWith('i'));
      if (inference.length >= 3) {
        this.resources.plans.get(inference[0]!)!.free();
        this.resources.plans.delete(inference[0]!);
      }
    }
    this.resources.plans.set(key, p);
    return p;
  }

  /** Gradient buffers of the trainable weights, registered with the optimizer; rebuilt when `trainable` flags change. */
  private trainState(): TrainState {
    const t = this.train;
    return t !== undefined && t.version === trainableVersion && t.layers === this.graph!.layers ? t : this.buildTrainState();
  }

  /** Frees the training plans and gradients and makes them again (the trainable set or the graph changed). */
  private buildTrainState(): TrainState {
    const graph = this.graph!;
    const c = this.compiled!;
    for (const [key, p] of [...this.resources.plans]) {
      if (key.startsWith('t')) {
        p.free();
        this.resources.plans.delete(key);
      }
    }
    this.resources.freeGrads();
    const weightGrads = new Map<Layer, number[]>();
    let floats = 0;
    const offsets: Array<{ layer: Layer; index: number; offset: number }> = [];
    for (const layer of graph.layers) {
      const trainable = new Set(layer.trainableWeights);
      layer.weights.forEach((w, index) => {
        if (!trainable.has(w)) return;
        offsets.push({ layer, index, offset: floats });
        floats += Math.ceil(w.size / 4) * 4;
      });
    }
    const block = floats > 0 ? heap().alloc(floats * 4) : 0;
    this.resources.gradBlock = block;
    const params: ParamRef[] = [];
    for (const layer of graph.layers) weightGrads.set(layer, layer.weights.map(() => 0));
    for (const { layer, index, offset } of offsets) {
      const w = layer.weights[index]!;
      const gradPtr = block + offset * 4;
      weightGrads.get(layer)![index] = gradPtr;
      params.push({ name: `${layer.name}/${w.name}`, ptr: w.ptr, gradPtr, size: w.size });
    }
    c.optimizer.build(params);
    this.train = { version: trainableVersion, layers: graph.layers, params, weightGrads, block, floats };
    return this.train;
  }

  /** Copies samples `order[start..start+count)` (or start.. when order is undefined) into the plan. */
  private loadBatch(plan: Plan, xs: readonly Tensor[], y: Tensor | undefined, order: Int32Array | undefined, start: number, count: number, classWeight?: Readonly<Record<number, number>>): void {
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

  // ---- training -----------------------------------------------------------------------------

  /**
   * One optimisation step on the batch already in the plan: forward, loss (+ regularisers),
   * backward, optimizer update. Returns the loss; a non-finite loss returns before the update,
   * and so do NaN/Inf targets or gradients (returning NaN; `nonFinite` says which).
   */
  private step(plan: Plan, batch: number, weighted: boolean): number {
    const c = this.compiled!;
    const state = this.train!;
    const ctx = this.ctx;
    const k = kernels();
    this.nonFinite = 'loss';
    ctx.training = true;
    ctx.batch = batch;
    ctx.rng = this.rngs.dropout;
    plan.zeroGrads();
    if (state.floats > 0) kernels().f32_fill!(state.block, 0, state.floats);
    plan.forward(ctx);
    const call = this.lossCall;
    call.yTrue = plan.yTrue;
    call.yPred = plan.output.ptr;
    call.dPred = plan.output.grad;
    call.batch = batch;
    call.sampleShape = plan.output.shape;
    call.sampleWeights = weighted ? plan.sampleWeights : 0;
    let loss = c.loss.compute(call);
    const layers = this.graph!.layers;
    for (let i = 0; i < layers.length; i++) loss += layers[i]!.regularize(state.weightGrads.get(layers[i]!)!);
    if (!Number.isFinite(loss)) return loss;
    // Hinge and margin losses clamp NaN away, so a finite loss can hide NaN targets, and NaN
    // gradients: one pass over the targets, and one over the whole gradient block after backward.
    if (plan.targetSize > 0 && k.f32_all_finite!(plan.yTrue, batch * plan.targetSize) === 0) {
      this.nonFinite = 'targets';
      return Number.NaN;
    }
    plan.backward(ctx);
    if (state.floats > 0 && k.f32_all_finite!(state.block, state.floats) === 0) {
      this.nonFinite = 'gradients';
      return Number.NaN;
    }
    c.optimizer.step();
    return loss;
  }

  private nonFiniteCause(loss: number): string {
    if (this.nonFinite === 'targets') return `the loss became NaN (the batch's targets contain NaN or Inf)`;
    return this.nonFinite === 'loss' ? `the loss became ${loss}` : `the gradients of the batch contain NaN or Inf`;
  }

  /** Forward in inference mode on the batch in the plan; returns the loss if targets are loaded. */
  private infer(plan: Plan, batch: number, withLoss: boolean, weighted = false): number {
    const ctx = this.ctx;
    ctx.training = false;
    ctx.batch = batch;
    plan.forward(ctx);
    if (!withLoss) return 0;
    const c = this.compiled!;
    const call = this.lossCall;
    call.yTrue = plan.yTrue;
    call.yPred = plan.output.ptr;
    call.dPred = 0;
    call.batch = batch;
    call.sampleShape = plan.output.shape;
    call.sampleWeights = weighted ? plan.sampleWeights : 0;
    let loss = c.loss.compute(call);
    const layers = this.graph!.layers;
    for (let i = 0; i < layers.length; i++) loss += layers[i]!.regularize(NO_GRADS);
    return loss;
  }

  private updateMetrics(plan: Plan, batch: number, weighted: boolean, call: MetricCall): void {
    const metrics = this.compiled!.metrics;
    call.yTrue = plan.yTrue;
    call.yPred = plan.output.ptr;
    call.batch = batch;
    call.predShape = plan.output.shape;
    call.targetSize = plan.targetSize;
    call.sampleWeights = weighted ? plan.sampleWeights : 0;
    for (let i = 0; i < metrics.length; i++) metrics[i]!.update(call);
  }

  /**
   * Trains for a number of epochs and returns the History (its `history` holds every epoch's logs).
   *
   * `x` is the inputs (a Tensor, or one per model input) with targets `y`, or a stream of batches
   * with `y` undefined: a `data.Dataset` or any `AsyncIterable`/`Iterable` of `{ x, y }`, e.g.
   * `model.fit(ds, undefined, { epochs: 5, validationData: valDs })`. As in Keras, each full
   * iteration of a stream is one epoch unless `stepsPerEpoch` is given; the model is compiled for
   * the first batch's size and later batches may be smaller (not larger). Callbacks then see
   * `params.steps` = `stepsPerEpoch` (undefined without it, as Keras's None) and `params.samples`
   * and `params.batchSize` undefined. `batchSize`, `shuffle` and `validationSplit` do not apply to
   * a stream (shuffle the dataset itself) and throw.
   */
  fit(x: Tensor | readonly Tensor[] | BatchSource, y?: Tensor, options: FitOptions = {}): Promise<History> {
    return this.exclusive('fit', () => this.runFit(x, y, options));
  }

  /**
   * Runs `run` as this model's one fit or dataset evaluate: their plans, gradients, optimizer
   * state and metrics are shared, so interleaving two would corrupt both. A second call, and a
   * compile/trainStep meanwhile, are refused; predict and evaluate on tensors (synchronous, so
   * they cannot interleave with a step) stay allowed, e.g. from callbacks.
   */
  private async exclusive<T>(what: 'fit' | 'evaluate', run: () => Promise<T>): Promise<T> {
    this.refuseWhileRunning(what);
    this.running = what;
    try {
      return await run();
    } finally {
      this.running = undefined;
    }
  }

  private refuseWhileRunning(who: string): void {
    if (this.running === undefined) return;
    throw new ValueError(
      `${this.name}.${who}: ${this.name} is already running ${this.running}(); await it first ` +
        '(a model runs one fit or dataset evaluate at a time; predict and evaluate on tensors may be called meanwhile)',
    );
  }

  private async runFit(x: Tensor | readonly Tensor[] | BatchSource, y: Tensor | undefined, options: FitOptions): Promise<History> {
    let c = this.requireCompiled('fit');
    if (options === null || typeof options !== 'object') throw new ValueError(`${this.name}.fit: options must be an object`);
    const who = `${this.name}.fit`;
    const epochs = intOption(options.epochs, 1, 1, `${who}: epochs`);
    const initialEpoch = intOption(options.initialEpoch, 0, 0, `${who}: initialEpoch`);
    const verbose = options.verbose ?? 1;
    if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ValueError(`${who}: verbose must be 0, 1 or 2, got ${String(verbose)}`);
    const onNonFinite = options.onNonFiniteLoss ?? 'throw';
    if (!['throw', 'stop', 'skip'].includes(onNonFinite)) throw new ValueError(`${who}: onNonFiniteLoss must be 'throw', 'stop' or 'skip', got ${String(onNonFinite)}`);
    const callbacks = options.callbacks ?? [];
    if (!Array.isArray(callbacks) || callbacks.some((cb) => cb === null || typeof cb !== 'object' || typeof cb.onEpochEnd !== 'function')) {
      throw new ValueError(`${who}: callbacks must be an array of Callback objects`);
    }
    if (options.augment !== undefined && typeof options.augment?.applyInPlacePtr !== 'function') {
      throw new ValueError(`${who}: augment must be an augmentation pipeline (with applyInPlacePtr), got ${typeof options.augment}`);
    }
    const classWeight = options.classWeight;
    if (classWeight !== undefined && (classWeight === null || typeof classWeight !== 'object')) throw new ValueError(`${who}: classWeight must be an object { class: weight }`);

    let train: { xs: Tensor[]; y: Tensor } | StreamFeed;
    let batchSize: number | undefined;
    let val: BatchFeed | undefined;
    if (isBatchSource(x)) {
      if (y !== undefined) throw new ValueError(`${who}: with a dataset, the targets come from its { x, y } batches; pass undefined as y, got ${describeValue(y)}`);
      for (const name of ['batchSize', 'validationSplit', 'shuffle'] as const) {
        if (options[name] !== undefined) {
          throw new ValueError(`${who}: ${name} does not apply to a dataset (its batches are used as they come; batch and shuffle the dataset itself, and pass validationData instead of validationSplit)`);
        }
      }
      const stepsPerEpoch = options.stepsPerEpoch === undefined ? undefined : intOption(options.stepsPerEpoch, 1, 1, `${who}: stepsPerEpoch`);
      train = await this.streamFeed(x, stepsPerEpoch, 'fit');
      c = this.compiled!; // re-resolved if the first batch just built a deferred Sequential
    } else {
      if (options.stepsPerEpoch !== undefined) throw new ValueError(`${who}: stepsPerEpoch applies to datasets; with tensors every epoch covers all samples in batches of batchSize`);
      let xs = this.checkInputs(x, 'fit');
      let n = xs[0]!.shape[0]!;
      c = this.compiled!; // re-resolved if checkInputs just built a deferred Sequential
      this.checkTargets(y as Tensor, n, c, 'fit');
      let ys = y as Tensor;
      batchSize = intOption(options.batchSize, 32, 1, `${who}: batchSize`);
      // Validation data: explicit (below), or the last fraction of the samples (before shuffling).
      if (options.validationData === undefined && options.validationSplit !== undefined && options.validationSplit !== 0) {
        const split = options.validationSplit;
        if (typeof split !== 'number' || !(split > 0 && split < 1)) throw new ValueError(`${who}: validationSplit must be in [0, 1), got ${String(split)}`);
        const at = Math.floor(n * (1 - split));
        if (at < 1 || at >= n) throw new ValueError(`${who}: validationSplit ${split} of ${n} samples leaves an empty training or validation set`);
        val = new TensorFeed(xs.map((t) => sliceRows(t, at, n)), sliceRows(ys, at, n), batchSize, false);
        xs = xs.map((t) => sliceRows(t, 0, at));
        ys = sliceRows(ys, 0, at);
        n = at;
      }
      if (n === 0) throw new ValueError(`${who}: no training samples`);
      train = { xs, y: ys };
    }
    if (options.validationData !== undefined) {
      const vd = options.validationData;
      if (isBatchSource(vd)) {
        val = await this.streamFeed(vd, undefined, 'fit (validationData)');
      } else {
        if (!Array.isArray(vd) || vd.length !== 2) throw new ValueError(`${who}: validationData must be [x, y] or a dataset of { x, y } batches`);
        const vxs = this.checkInputs(vd[0] as Tensor | Tensor[], 'fit (validationData)');
        this.checkTargets(vd[1] as Tensor, vxs[0]!.shape[0]!, c, 'fit (validationData)');
        val = new TensorFeed(vxs, vd[1] as Tensor, batchSize ?? 32, false);
      }
    }

    if (options.seed !== undefined) {
      const seed = checkSeed(options.seed, who);
      this.ensureInitialized(seed);
      this.rngs = Model.makeRngs(seed);
    } else {
      this.ensureInitialized();
    }
    const feed: BatchFeed = train instanceof StreamFeed
      ? train
      : new TensorFeed(train.xs, train.y, batchSize!, true, options.shuffle ?? true ? this.rngs.shuffle : undefined);
    const weighted = classWeight !== undefined;
    const metricNames = ['loss', ...c.metrics.map((m) => m.name)];
    const params: TrainingParams = {
      epochs,
      steps: feed.steps,
      samples: feed.samples,
      batchSize,
      verbose,
      metrics: [...metricNames, ...(val ? metricNames.map((k) => `val_${k}`) : [])],
    };
    // History goes after the user's callbacks (Keras 3), so what they write into the epoch logs
    // (learning_rate from reduceLROnPlateau and learningRateScheduler) is recorded.
    const history = new History();
    const all: Callback[] = [...callbacks, history];
    if (verbose > 0) all.push(new ProgressBar(verbose));
    for (const cb of all) {
      cb.setModel(this);
      cb.setParams(params);
    }
    const inputShape = this.graph!.inputs.length === 1 && this.graph!.inputs[0]!.shape.length === 3 ? this.graph!.inputs[0]!.shape : undefined;
    const augShape: [number, number, number, number] | undefined = inputShape ? [0, inputShape[0]!, inputShape[1]!, inputShape[2]!] : undefined;
    if (options.augment !== undefined && augShape === undefined) {
      throw new ValueError(`${who}: augment needs one image input [n, h, w, c], got ${this.graph!.inputs.map((t) => formatShape([-1, ...t.shape]).replace('-1', 'n')).join(', ')}`);
    }

    const batchLogs: Logs = {};
    const metricCall: MetricCall = { yTrue: 0, yPred: 0, batch: 0, predShape: [], targetSize: 0, sampleWeights: 0 };
    const cur = feed.cursor;
    let plan: Plan | undefined;
    let epochLogs: Logs = {};
    this.stopTraining = false;
    try {
      await runHooks(all, 'onTrainBegin');
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        await runHooks(all, 'onEpochBegin', epoch);
        for (const m of c.metrics) m.reset();
        feed.begin();
        let lossSum = 0;
        let seen = 0;
        for (let s = 0; ; s++) {
          const more = feed.next(epoch, s); // a promise only for streams
          if (!(typeof more === 'boolean' ? more : await more)) break;
          const count = cur.count;
          plan ??= this.plan(count, true); // sized by the first batch, reused for every later one
          const begun = runHooks(all, 'onBatchBegin', s, batchLogs); // no promise unless a hook is async
          if (begun !== undefined) await begun;
          this.loadBatch(plan, cur.xs, cur.y, cur.order, cur.start, count, classWeight);
          if (options.augment !== undefined) {
            augShape![0] = count;
            options.augment.applyInPlacePtr(plan.inputs[0]!.ptr, augShape!, this.rngs.augment);
          }
          const loss = this.step(plan, count, weighted);
          if (Number.isFinite(loss)) {
            lossSum += loss * count;
            seen += count;
            this.updateMetrics(plan, count, weighted, metricCall);
            batchLogs.loss = lossSum / seen;
          } else {
            // The update was not applied. Callbacks see the bad loss; one that sets stopTraining
            // (callbacks.terminateOnNaN) ends training gracefully instead of the error.
            batchLogs.loss = onNonFinite === 'skip' ? (seen > 0 ? lossSum / seen : NaN) : loss;
          }
          for (let i = 0; i < c.metrics.length; i++) batchLogs[c.metrics[i]!.name] = c.metrics[i]!.result(); // no iterator per batch
          const ended = runHooks(all, 'onBatchEnd', s, batchLogs);
          if (ended !== undefined) await ended;
          if (!Number.isFinite(loss) && onNonFinite !== 'skip') {
            if (onNonFinite === 'stop') this.stopTraining = true;
            if (!this.stopTraining) {
              throw new ValueError(
                `${who}: ${this.nonFiniteCause(loss)} at epoch ${epoch + 1}, batch ${s + 1}${feed.steps === undefined ? '' : ` of ${feed.steps}`}; the update was not applied ` +
                  `(lower the learning rate, check the data, or pass onNonFiniteLoss: 'stop' | 'skip', or a terminateOnNaN callback)`,
              );
            }
          }
          if (this.stopTraining) break;
        }
        epochLogs = { loss: seen > 0 ? lossSum / seen : NaN };
        for (const m of c.metrics) epochLogs[m.name] = m.result();
        if (val !== undefined) {
          const v = await drive(this.evaluateFeed(val, epoch));
          for (const [k, value] of Object.entries(v)) epochLogs[`val_${k}`] = value;
        }
        await runHooks(all, 'onEpochEnd', epoch, epochLogs);
      }
    } finally {
      await feed.close();
    }
    await runHooks(all, 'onTrainEnd', epochLogs);
    return history;
  }

  /**
   * Loss and metrics over all samples, in inference mode: `{ loss, accuracy, ... }`. Given a
   * dataset (a `data.Dataset` or any async/sync iterable of `{ x, y }` batches, with `y`
   * undefined) it runs one full pass, or `options.steps` batches, and returns a promise.
   */
  evaluate(x: Tensor | readonly Tensor[], y: Tensor, options?: EvaluateOptions): Logs;
  evaluate(dataset: BatchSource, y?: undefined, options?: EvaluateOptions): Promise<Logs>;
  evaluate(x: Tensor | readonly Tensor[] | BatchSource, y?: Tensor, options: EvaluateOptions = {}): Logs | Promise<Logs> {
    if (isBatchSource(x)) return this.exclusive('evaluate', () => this.evaluateDataset(x, y, options));
    const c = this.requireCompiled('evaluate');
    const who = `${this.name}.evaluate`;
    if (options === null || typeof options !== 'object') throw new ValueError(`${who}: options must be an object`);
    if (options.steps !== undefined) throw new ValueError(`${who}: steps applies to datasets; with tensors every sample is evaluated`);
    const xs = this.checkInputs(x, 'evaluate');
    this.checkTargets(y as Tensor, xs[0]!.shape[0]!, this.compiled ?? c, 'evaluate');
    const batchSize = intOption(options.batchSize, 32, 1, `${who}: batchSize`);
    this.ensureInitialized();
    return drive(this.evaluateFeed(new TensorFeed(xs, y as Tensor, batchSize, false), 0)) as Logs;
  }

  /** `evaluate` on a stream (every error is a rejection, as for `fit`). */
  private async evaluateDataset(x: BatchSource, y: Tensor | undefined, options: EvaluateOptions): Promise<Logs> {
    this.requireCompiled('evaluate');
    const who = `${this.name}.evaluate`;
    if (options === null || typeof options !== 'object') throw new ValueError(`${who}: options must be an object`);
    if (y !== undefined) throw new ValueError(`${who}: with a dataset, the targets come from its { x, y } batches; pass undefined as y, got ${describeValue(y)}`);
    if (options.batchSize !== undefined) throw new ValueError(`${who}: batchSize does not apply to a dataset (its batches are used as they come)`);
    const steps = options.steps === undefined ? undefined : intOption(options.steps, 1, 1, `${who}: steps`);
    const feed = await this.streamFeed(x, steps, 'evaluate');
    this.ensureInitialized();
    return drive(this.evaluateFeed(feed, 0));
  }

  /**
   * The evaluation loop over any feed, as a generator that yields only the promises of a stream:
   * `drive` runs it synchronously for tensors and asynchronously for streams.
   */
  private *evaluateFeed(feed: BatchFeed, epoch: number): Generator<Promise<unknown>, Logs, unknown> {
    const c = this.compiled!;
    const cur = feed.cursor;
    const call: MetricCall = { yTrue: 0, yPred: 0, batch: 0, predShape: [], targetSize: 0, sampleWeights: 0 };
    for (const m of c.metrics) m.reset();
    feed.begin();
    let plan: Plan | undefined;
    let lossSum = 0;
    let n = 0;
    try {
      for (let s = 0; ; s++) {
        const more = feed.next(epoch, s);
        if (!(typeof more === 'boolean' ? more : yield more)) break;
        plan ??= this.plan(cur.count, false);
        this.loadBatch(plan, cur.xs, cur.y, cur.order, cur.start, cur.count);
        lossSum += this.infer(plan, cur.count, true) * cur.count;
        this.updateMetrics(plan, cur.count, false, call);
        n += cur.count;
      }
    } finally {
      const closed = feed.close();
      if (closed !== undefined) yield closed;
    }
    const logs: Logs = { loss: n > 0 ? lossSum / n : NaN };
    for (const m of c.metrics) logs[m.name] = m.result();
    return logs;
  }

  /**
   * A feed over a stream, checked against this (compiled) model; a Sequential model without an
   * input shape is built from the first batch (read ahead, and kept for the first step).
   */
  private async streamFeed(source: BatchSource, steps: number | undefined, who: string): Promise<StreamFeed> {
    const feed = new StreamFeed(source, steps, `${this.name}.${who}`);
    const graph = this.graph ?? this.requireGraph(who, await feed.firstSampleShape());
    const c = this.compiled!;
    feed.spec = {
      inputs: graph.inputs.map((t) => ({ shape: t.shape, consumer: this.consumerName(t) })),
      targetShape: c.targetShape,
      targetSize: c.targetSize,
      lossName: c.loss.name,
      outputShape: graph.output.shape,
    };
    return feed;
  }

  /** The model's output for every sample (inference mode), as one Tensor [n, ...outputShape]. */
  predict(x: Tensor | readonly Tensor[], options: PredictOptions = {}): Tensor {
    const xs = this.checkInputs(x, 'predict');
    const batchSize = intOption(options.batchSize, 32, 1, `${this.name}.predict: batchSize`);
    this.ensureInitialized();
    const n = xs[0]!.shape[0]!;
    const graph = this.graph!;
    const outSize = sizeOf(graph.output.shape);
    const out = new Float32Array(n * outSize);
    if (n > 0) {
      const plan = this.plan(Math.min(batchSize, n), false);
      for (let start = 0; start < n; start += plan.maxBatch) {
        const count = Math.min(plan.maxBatch, n - start);
        this.loadBatch(plan, xs, undefined, undefined, start, count);
        this.infer(plan, count, false);
        out.set(f32().subarray(plan.output.ptr >>> 2, (plan.output.ptr >>> 2) + count * outSize), start * outSize);
      }
    }
    return new Tensor(out, [n, ...graph.output.shape]);
  }

  /**
   * The lower-level hook for custom loops: one step (forward, loss, backward, optimizer update)
   * on this batch. Returns the loss (with regularisers); a non-finite loss throws and is not applied.
   */
  trainStep(x: Tensor | readonly Tensor[], y: Tensor): number {
    this.refuseWhileRunning('trainStep');
    this.requireCompiled('trainStep');
    const xs = this.checkInputs(x, 'trainStep');
    const c = this.compiled!;
    const n = xs[0]!.shape[0]!;
    this.checkTargets(y, n, c, 'trainStep');
    if (n === 0) throw new ValueError(`${this.name}.trainStep: empty batch`);
    this.ensureInitialized();
    const plan = this.plan(n, true);
    this.loadBatch(plan, xs, y, undefined, 0, n);
    const loss = this.step(plan, n, false);
    if (!Number.isFinite(loss)) throw new ValueError(`${this.name}.trainStep: ${this.nonFiniteCause(loss)}; the update was not applied`);
    this.lastPlan = plan;
    return loss;
  }

  /** trainStep plus this batch's metrics: `{ loss, accuracy, ... }`. */
  trainOnBatch(x: Tensor | readonly Tensor[], y: Tensor): Logs {
    this.refuseWhileRunning('trainOnBatch');
    const loss = this.trainStep(x, y);
    const c = this.compiled!;
    const plan = this.lastPlan!;
    const n = (x instanceof Tensor ? x : x[0]!).shape[0]!;
    for (const m of c.metrics) m.reset();
    this.updateMetrics(plan, n, false, { yTrue: 0, yPred: 0, batch: 0, predShape: [], targetSize: 0, sampleWeights: 0 });
    const logs: Logs = { loss };
    for (const m of c.metrics) logs[m.name] = m.result();
    return logs;
  }

  /** Loss and metrics of one batch in inference mode (no update). */
  testOnBatch(x: Tensor | readonly Tensor[], y: Tensor): Logs {
    return this.evaluate(x, y, { batchSize: Math.max(1, (x instanceof Tensor ? x : x[0]!)?.shape[0] ?? 1) });
  }

  // ---- saving -------------------------------------------------------------------------------

  /** The model as bytes: what `io.save(model)` returns (config, weights and optimizer state). */
  save(options: { includeOptimizer?: boolean } = {}): Uint8Array {
    this.requireGraph('save');
    this.ensureInitialized();
    return saveModel(this, options);
  }

  /** The architecture as JSON-friendly data (what io saves beside the weights). */
  toConfig(): Record<string, unknown> {
    const graph = this.requireGraph('toConfig');
    const index = new Map<SymbolicTensor, [string, number]>();
    const nodeCount = new Map<Layer, number>();
    const inputs = graph.inputs.map((t) => {
      index.set(t, [t.node.layer.name, 0]);
      return { name: t.node.layer.name, className: 'InputLayer', config: t.node.layer.getConfig() };
    });
    const nodes = graph.nodes.map((node) => {
      const k = nodeCount.get(node.layer) ?? 0;
      nodeCount.set(node.layer, k + 1);
      index.set(node.output, [node.layer.name, k]);
      return { layer: node.layer.name, inbound: node.inputs.map((t) => index.get(t)!) };
    });
    return {
      className: this.isSequential ? 'Sequential' : 'Model',
      name: this.name,
      seed: this.seed,
      inputs,
      layers: graph.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
      nodes,
      output: index.get(graph.output)!,
      compile: this.compiled ? { optimizer: { name: this.compiled.optimizer.name, config: this.compiled.optimizer.getConfig() }, loss: { name: this.compiled.loss.name, config: this.compiled.loss.getConfig() }, metrics: this.compiled.metricSpecs.map((m) => (typeof m === 'string' ? m : m.name)) } : undefined,
    };
  }

  /** Parameters the optimizer updates, by name (for io). */
  get trainableParams(): readonly ParamRef[] {
    return this.train?.params ?? [];
  }

  /** Makes sure the optimizer has built its slots (io restores optimizer state into them). */
  prepareOptimizer(): void {
    this.requireCompiled('prepareOptimizer');
    this.ensureInitialized();
    this.trainState();
  }

  /** Bytes of wasm memory held by this model's plans and gradients (weights excluded). */
  get planBytes(): number {
    let total = 0;
    for (const p of this.resources.plans.values()) total += p.bytes;
    return total + (this.train?.floats ?? 0) * 4;
  }

  /** InputLayer of each model input. */
  get inputLayers(): InputLayer[] {
    return (this.graph?.inputs ?? []).map((t) => t.node.layer as InputLayer);
  }
}

/** Whether every element is a Tensor (a loop, not `every` with a closure: trainStep checks this every step). */
function allTensors(xs: readonly unknown[]): boolean {
  for (let i = 0; i < xs.length; i++) if (!(xs[i] instanceof Tensor)) return false;
  return true;
}

/** Whether `shape` is [batch, ...sample] (compared in place: trainStep checks this every step). */
function matchesSample(shape: Shape, sample: Shape): boolean {
  if (shape.length !== sample.length + 1) return false;
  for (let j = 0; j < sample.length; j++) if (shape[j + 1] !== sample[j]) return false;
  return true;
}

const NO_GRADS: readonly number[] = [];

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/**
 * Calls one hook on every callback in order. Synchronous hooks cost no promise: a promise is made
 * (and awaited by the caller) only from the first hook that returns one.
 */
function runHooks(callbacks: readonly Callback[], hook: Hook, arg?: number | Logs, logs?: Logs, from = 0): Promise<void> | undefined {
  for (let i = from; i < callbacks.length; i++) {
    const cb = callbacks[i]!;
    const r = (cb[hook] as (a?: unknown, b?: unknown) => void | Promise<void>).call(cb, arg, logs);
    if (r !== undefined && typeof (r as Promise<void>).then === 'function') return continueHooks(r as Promise<void>, callbacks, hook, arg, logs, i + 1);
  }
  return undefined;
}

/**
 * The rest of runHooks after a hook returned a promise. Kept out of runHooks so its synchronous
 * path (every batch) captures nothing: a closure there makes V8 allocate its context on every call.
 */
function continueHooks(pending: Promise<void>, callbacks: readonly Callback[], hook: Hook, arg: number | Logs | undefined, logs: Logs | undefined, next: number): Promise<void> {
  return pending.then(() => runHooks(callbacks, hook, arg, logs, next));
}

/**
 * Runs a loop written as a generator that yields only promises (of a stream): synchronously to its
 * result when it yields none, otherwise as a promise of it.
 */
function drive<T>(gen: Generator<Promise<unknown>, T, unknown>, at: IteratorResult<Promise<unknown>, T> = gen.next()): T | Promise<T> {
  if (at.done) return at.value;
  return at.value.then(
    (v) => drive(gen, gen.next(v)),
    (err: unknown) => drive(gen, gen.throw(err)),
  );
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

/** Rows [from, to) of a tensor (copied). */
function sliceRows(t: Tensor, from: number, to: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
  return new Tensor(t.data.slice(from * row, to * row), [to - from, ...t.shape.slice(1)]);
}
