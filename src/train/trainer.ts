// The trainer (Keras 3's Trainer): what compile resolved, the generators of shuffling, dropout and
// augmentation, the executors, and the loops of evaluate, predict and the single-batch entry
// points. fit's epoch loop is in fit.ts. It reaches the model only through a TrainingHost.
import type { Logs, TrainingModel } from '../callbacks/callback.js';
import { defaultSink } from '../callbacks/progress-bar.js';
import { StreamFeed, TensorFeed, isBatchSource, type BatchFeed, type BatchSource, type Cursor } from '../data/feed.js';
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { formatSample } from '../layers/layer-helpers.js';
import type { Loss } from '../losses/loss.js';
import { get as getLoss } from '../losses/index.js';
import type { Metric } from '../metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { get as getOptimizer } from '../optimizers/index.js';
import { Rng, StreamPurpose, streamId } from '../random.js';
import { Tensor, describeValue, sizeOf, type Shape } from '../core/tensor.js';
import type { Executor, ExecutorGraph, Objective, StepSettings } from './executor.js';
import { Executors } from './executors.js';
import { resolveHeads, type Head, type Targets } from './heads.js';
import { drive } from './hooks.js';
import { compileSchema, evaluateSchema, predictSchema, type CompileOptions, type EvaluateOptions, type PredictOptions } from './options.js';

/** What the trainer needs of its model; the model hands one over at construction. */
export interface TrainingHost {
  /** The model as callbacks see it (`stopTraining`, weights, save). */
  readonly model: TrainingModel & { readonly name: string; readonly seed: number; readonly seedDrawn: boolean };
  /** The graph, or undefined while a Sequential model has no input shape. */
  graph(): ExecutorGraph | undefined;
  /** The graph, building a deferred Sequential model from `sampleShape`; else throws naming `who`. */
  requireGraph(who: string, sampleShape?: Shape): ExecutorGraph;
  /** Initialises every weight that has no value yet, from `seed` (default: the model's seed). */
  initialize(seed?: number): void;
  /** The model's own training step when a subclass overrides `trainStep` (Keras 3's train_step), else undefined. */
  customStep(): ((x: Tensor | Tensor[], y: Tensor | undefined) => number | Logs) | undefined;
}

/** What compile resolved, plus what checking targets needs. */
export interface Compiled extends Objective {
  /** compile's options as given (re-resolved when the graph changes; saved with the model). */
  readonly spec: { loss: CompileOptions['loss'] | undefined; lossWeights: CompileOptions['lossWeights']; metrics: CompileOptions['metrics'] };
  readonly metrics: Metric[];
  /** The first output's built-in loss (undefined for a loss function). */
  readonly loss: Loss | undefined;
}

/** The generators of one model's training (each its own stream of the seed). */
export interface TrainingRngs {
  readonly shuffle: Rng;
  readonly dropout: Rng;
  readonly augment: Rng;
}

function makeRngs(seed: number): TrainingRngs {
  const root = new Rng(seed);
  return {
    shuffle: root.split(streamId(StreamPurpose.shuffle)),
    dropout: root.split(streamId(StreamPurpose.dropout)),
    augment: root.split(streamId(StreamPurpose.augment)),
  };
}

/** One model's training and inference machinery. */
export class Trainer {
  compiled: Compiled | undefined;
  rngs: TrainingRngs;
  /** The model's wasm memory for running it (freed with the model: see `onCollect`). */
  readonly executors = new Executors();
  /** The executor of the last trainStep (trainOnBatch reads its predictions for the metrics). */
  private lastExecutor: Executor | undefined;
  /** The settings of trainStep: no class weights, no augmentation. */
  private readonly plainStep: StepSettings;
  /** What the model is running (fit, or evaluate on a dataset), so a second call is refused. */
  private running: 'fit' | 'evaluate' | undefined;
  /** trainStep's batch, reused (no object per step). */
  private readonly stepBatch: Cursor = { xs: [], y: undefined as unknown as Tensor, order: undefined, start: 0, count: 0 };

  constructor(readonly host: TrainingHost, seed: number) {
    this.rngs = makeRngs(seed);
    this.plainStep = { classWeight: undefined, augment: undefined, augmentRng: undefined, dropoutRng: this.rngs.dropout };
  }

  private get name(): string {
    return this.host.model.name;
  }

  /** New generators from `seed` (fit's seed option). */
  reseed(seed: number): void {
    this.rngs = makeRngs(seed);
    this.plainStep.dropoutRng = this.rngs.dropout;
  }

  /**
   * Runs `run` as this model's one fit or dataset evaluate: their executors, gradients, optimizer
   * state and metrics are shared, so interleaving two would corrupt both. A second call, and a
   * compile/trainStep meanwhile, are refused; predict and evaluate on tensors (synchronous, so
   * they cannot interleave with a step) stay allowed, e.g. from callbacks.
   */
  async exclusive<T>(what: 'fit' | 'evaluate', run: () => Promise<T>): Promise<T> {
    this.refuseWhileRunning(what);
    this.running = what;
    try {
      return await run();
    } finally {
      this.running = undefined;
    }
  }

  /** Throws if a fit or dataset evaluate is running (`who` is the refused call). */
  refuseWhileRunning(who: string): void {
    if (this.running === undefined) return;
    throw new ValueError(
      `${this.name}.${who}: ${this.name} is already running ${this.running}(); await it first ` +
        '(a model runs one fit or dataset evaluate at a time; predict and evaluate on tensors may be called meanwhile)',
    );
  }

  // ---- compile ----------------------------------------------------------------------------

  /** Resolves and installs the optimizer, loss and metrics; drops every executor. */
  compile(options: CompileOptions): void {
    this.refuseWhileRunning('compile');
    const who = `${this.name}.compile`;
    const o = compileSchema.parse(who, options);
    if (o.optimizer === undefined) throw new ValueError(`${who}: optimizer is required (e.g. 'adam')`);
    if (o.loss === undefined && this.host.customStep() === undefined) throw new ValueError(`${who}: loss is required (e.g. 'sparseCategoricalCrossentropy'), unless the model overrides trainStep`);
    let optimizer: Optimizer;
    try {
      optimizer = getOptimizer(o.optimizer);
    } catch (err) {
      throw new ValueError(`${who}: ${(err as Error).message}`);
    }
    const spec = { loss: o.loss, lossWeights: o.lossWeights, metrics: o.metrics };
    const compiled = this.resolve(optimizer, spec);
    this.executors.clear();
    this.compiled = compiled;
  }

  /** After the graph changed (Sequential add/pop): drops the executors and re-resolves the heads. */
  invalidate(): void {
    this.executors.clear();
    if (this.compiled !== undefined) this.compiled = this.resolve(this.compiled.optimizer, this.compiled.spec);
  }

  requireCompiled(who: string): Compiled {
    if (this.compiled === undefined) throw new ValueError(`${this.name}.${who}: the model is not compiled; call model.compile({ optimizer, loss }) first`);
    return this.compiled;
  }

  private resolve(optimizer: Optimizer, spec: Compiled['spec']): Compiled {
    const graph = this.host.graph();
    const who = `${this.name}.compile`;
    if (spec.loss === undefined) return { optimizer, spec, heads: [], metrics: [], metricTerms: [], targetSize: 0, loss: undefined };
    if (graph === undefined) {
      // A Sequential model without an input shape: heads are resolved once it is built; check the loss now.
      if (typeof spec.loss === 'string' || (typeof spec.loss === 'object' && spec.loss !== null && !Array.isArray(spec.loss) && typeof (spec.loss as Loss).compute === 'function')) {
        try {
          getLoss(spec.loss as Loss | string);
        } catch (err) {
          throw new ValueError(`${who}: ${(err as Error).message}`);
        }
      }
      return { optimizer, spec, heads: [], metrics: [], metricTerms: [], targetSize: 0, loss: undefined };
    }
    const { heads, metrics, metricTerms } = resolveHeads(graph.outputs, spec.loss, spec.lossWeights, spec.metrics, who, graph.metrics ?? []);
    const targetSize = heads.reduce((n, h) => n + h.targetSize, 0);
    return { optimizer, spec, heads, metrics, metricTerms, targetSize, loss: heads[0]?.loss };
  }

  /** The executor for `batch` samples (training ones compute gradients). */
  executor(batch: number, training: boolean): Executor {
    return this.executors.get(this.host.graph()!, this.compiled, batch, training, this.rngs.dropout, this.name);
  }

  // ---- data -------------------------------------------------------------------------------

  /** Validates model inputs (a Tensor or one per input) and returns them as a list. */
  checkInputs(x: Tensor | readonly Tensor[], who: string): Tensor[] {
    const xs = x instanceof Tensor ? [x] : Array.isArray(x) ? [...x] : undefined;
    if (xs === undefined || xs.length === 0 || !allTensors(xs)) {
      throw new ValueError(`${this.name}.${who}: x must be a Tensor (or an array of Tensors, one per input), got ${x === null ? 'null' : typeof x}`);
    }
    const graph = this.host.graph() ?? this.host.requireGraph(who, xs[0]!.shape.slice(1));
    if (xs.length !== graph.inputs.length) throw new ValueError(`${this.name}.${who}: the model has ${graph.inputs.length} inputs, got ${xs.length} tensors`);
    const n = xs[0]!.shape[0];
    for (let i = 0; i < xs.length; i++) {
      const t = xs[i]!;
      const input = graph.inputs[i]!;
      if (!matchesSample(t.shape, input.shape)) throw new ShapeError(`${this.consumerName(input)}: expected input ${formatSample(input.shape)}, got ${formatShape(t.shape)}`);
      if (t.shape[0] !== n) throw new ShapeError(`${this.name}.${who}: inputs have different numbers of samples: ${formatShape(xs[0]!.shape)} and ${formatShape(t.shape)}`);
    }
    return xs;
  }

  /**
   * Validates targets against the heads and the number of samples; several outputs take an array
   * (output order) or an object by output name, packed here into one row per sample.
   */
  checkTargets(y: Targets | undefined, n: number, c: Compiled, who: string): Tensor {
    const heads = c.heads;
    if (heads.length === 0 && this.host.customStep() !== undefined) {
      // A custom trainStep without a compiled loss takes whatever targets it wants (or none).
      if (y === undefined) return new Tensor(new Float32Array(0), [n, 0]);
      if (!(y instanceof Tensor) || y.rank < 1 || y.shape[0] !== n) throw new ShapeError(`${this.name}.${who}: y must be a Tensor with ${n} samples (or undefined)`);
      return y;
    }
    if (heads.length > 1 && !(y instanceof Tensor) && y !== undefined) return packTargets(y, n, heads, `${this.name}.${who}`);
    if (!(y instanceof Tensor)) throw new ValueError(`${this.name}.${who}: y must be a Tensor, got ${y === null ? 'null' : typeof y}`);
    if (heads.length > 1) throw new ValueError(`${this.name}.${who}: the model has ${heads.length} outputs (${heads.map((h) => h.name).join(', ')}); pass y as an array or an object by output name`);
    if (y.rank < 1 || y.shape[0] !== n) {
      throw new ShapeError(`${this.name}.${who}: x has ${n} samples but y has ${y.rank < 1 ? 'no batch axis' : y.shape[0]} (y shape ${formatShape(y.shape)})`);
    }
    if (y.size !== n * c.targetSize) throw new ShapeError(`${this.name}.${who}: ${this.targetNeed(c)}, got y ${formatShape(y.shape)}`);
    return y;
  }

  private targetNeed(c: Compiled): string {
    const h = c.heads[0]!;
    return `loss ${h.lossName} on output ${formatSample(h.output.shape)} needs targets ${formatSample(h.targetShape)}`;
  }

  /** The first layer reading an input (error messages name it, as Keras does). */
  private consumerName(input: SymbolicTensor): string {
    const node = this.host.graph()!.nodes.find((n) => n.inputs.includes(input));
    return node?.layer.name ?? input.node.layer.name;
  }

  /**
   * A feed over a stream, checked against this (compiled) model; a Sequential model without an
   * input shape is built from the first batch (read ahead, and kept for the first step).
   */
  async streamFeed(source: BatchSource, steps: number | undefined, who: string, onePass = false): Promise<StreamFeed> {
    const feed = new StreamFeed(source, steps, `${this.name}.${who}`, onePass);
    const graph = this.host.graph() ?? this.host.requireGraph(who, await feed.firstSampleShape());
    const c = this.compiled!;
    feed.spec = {
      inputs: graph.inputs.map((t) => ({ shape: t.shape, shown: formatSample(t.shape), consumer: this.consumerName(t) })),
      targetSize: c.targetSize,
      targetNeed: this.targetNeed(c),
    };
    return feed;
  }

  // ---- loops ------------------------------------------------------------------------------

  /** `evaluate` on tensors (synchronous) or a stream (a promise; every error is a rejection). */
  evaluate(x: Tensor | readonly Tensor[] | BatchSource, y: Targets | undefined, options: EvaluateOptions): Logs | Promise<Logs> {
    if (isBatchSource(x)) return this.exclusive('evaluate', () => this.evaluateStream(x, y, options));
    const c = this.requireCompiled('evaluate');
    const who = `${this.name}.evaluate`;
    const o = evaluateSchema.parse(who, options);
    if (o.steps !== undefined) throw new ValueError(`${who}: steps applies to datasets; with tensors every sample is evaluated`);
    const xs = this.checkInputs(x as Tensor | readonly Tensor[], 'evaluate');
    const ys = this.checkTargets(y, xs[0]!.shape[0]!, this.compiled ?? c, 'evaluate');
    this.host.initialize();
    return drive(this.evaluateFeed(new TensorFeed(xs, ys, o.batchSize ?? 32, false), 0)) as Logs;
  }

  private async evaluateStream(x: BatchSource, y: Targets | undefined, options: EvaluateOptions): Promise<Logs> {
    this.requireCompiled('evaluate');
    const who = `${this.name}.evaluate`;
    const o = evaluateSchema.parse(who, options);
    if (y !== undefined) throw new ValueError(`${who}: with a dataset, the targets come from its { x, y } batches; pass undefined as y, got ${describeValue(y)}`);
    if (o.batchSize !== undefined) throw new ValueError(`${who}: batchSize does not apply to a dataset (its batches are used as they come)`);
    // One pass at most: steps beyond the data stop at its end with a warning (Keras), never a
    // second pass (an endless loop for steps: 1e9).
    const feed = await this.streamFeed(x, o.steps, 'evaluate', true);
    this.host.initialize();
    const logs = await drive(this.evaluateFeed(feed, 0));
    if (feed.ranOutAfter !== undefined) {
      const warn = o.onWarning ?? ((message: string) => defaultSink().line(`warning: ${message}`));
      warn(`${who}: the data ran out after ${feed.ranOutAfter} batches of the ${o.steps} steps asked for; evaluated those ${feed.ranOutAfter}`);
    }
    return logs;
  }

  /**
   * The evaluation loop over any feed, as a generator that yields only the promises of a stream:
   * `drive` runs it synchronously for tensors and asynchronously for streams.
   */
  *evaluateFeed(feed: BatchFeed, epoch: number): Generator<Promise<unknown>, Logs, unknown> {
    const c = this.compiled!;
    const cur = feed.cursor;
    for (const m of c.metrics) m.reset();
    feed.begin();
    let executor: Executor | undefined;
    let lossSum = 0;
    let n = 0;
    try {
      for (let s = 0; ; s++) {
        const more = feed.next(epoch, s);
        if (!(typeof more === 'boolean' ? more : yield more)) break;
        executor ??= this.executor(cur.count, false);
        lossSum += executor.testStep(cur) * cur.count;
        executor.updateMetrics(c.metrics, cur.count, false);
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

  /** The model's outputs for every sample (inference mode), one Tensor [n, ...outputShape] per output. */
  predict(x: Tensor | readonly Tensor[], options: PredictOptions): Tensor[] {
    const xs = this.checkInputs(x, 'predict');
    const batchSize = predictSchema.parse(`${this.name}.predict`, options).batchSize;
    this.host.initialize();
    const n = xs[0]!.shape[0]!;
    const shapes = this.host.graph()!.outputs.map((t) => t.shape);
    const outs = shapes.map((s) => new Float32Array(n * sizeOf(s)));
    if (n > 0) {
      const executor = this.executor(Math.min(batchSize, n), false);
      for (let start = 0; start < n; start += executor.maxBatch) executor.predictStep(xs, start, Math.min(executor.maxBatch, n - start), outs);
    }
    return outs.map((o, i) => new Tensor(o, [n, ...shapes[i]!]));
  }

  /** One step on one batch (the public trainStep); a non-finite loss throws and is not applied. */
  trainStep(x: Tensor | readonly Tensor[], y: Targets): number {
    this.refuseWhileRunning('trainStep');
    const c = this.requireCompiled('trainStep');
    const xs = this.checkInputs(x, 'trainStep');
    const n = xs[0]!.shape[0]!;
    const ys = this.checkTargets(y, n, this.compiled ?? c, 'trainStep');
    if (n === 0) throw new ValueError(`${this.name}.trainStep: empty batch`);
    this.host.initialize();
    const executor = this.executor(n, true);
    const batch = this.stepBatch;
    batch.xs = xs;
    batch.y = ys;
    batch.count = n;
    const loss = executor.trainStep(batch, this.plainStep);
    if (!Number.isFinite(loss)) throw new ValueError(`${this.name}.trainStep: ${executor.nonFiniteCause(loss)}; the update was not applied`);
    this.lastExecutor = executor;
    return loss;
  }

  /** trainStep plus this batch's metrics: `{ loss, accuracy, ... }`. */
  trainOnBatch(x: Tensor | readonly Tensor[], y: Targets): Logs {
    this.refuseWhileRunning('trainOnBatch');
    const loss = this.trainStep(x, y);
    const c = this.compiled!;
    const n = (x instanceof Tensor ? x : x[0]!).shape[0]!;
    for (const m of c.metrics) m.reset();
    this.lastExecutor!.updateMetrics(c.metrics, n, false);
    const logs: Logs = { loss };
    for (const m of c.metrics) logs[m.name] = m.result();
    return logs;
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

/** Targets of several outputs (array in output order, or object by output name) packed into one row per sample. */
function packTargets(y: readonly Tensor[] | Readonly<Record<string, Tensor>>, n: number, heads: readonly Head[], who: string): Tensor {
  const list = Array.isArray(y) ? y : heads.map((h) => (y as Readonly<Record<string, Tensor>>)[h.name]);
  if (y === null || typeof y !== 'object') throw new ValueError(`${who}: y must be an array of Tensors (one per output) or an object by output name`);
  if (Array.isArray(y) && y.length !== heads.length) throw new ValueError(`${who}: the model has ${heads.length} outputs, y has ${y.length} tensors`);
  if (!Array.isArray(y)) {
    for (const key of Object.keys(y)) if (!heads.some((h) => h.name === key)) throw new ValueError(`${who}: y names '${key}', which is not an output; outputs: ${heads.map((h) => h.name).join(', ')}`);
  }
  const width = heads.reduce((s, h) => s + h.targetSize, 0);
  const out = new Float32Array(n * width);
  heads.forEach((h, k) => {
    const t = list[k];
    if (!(t instanceof Tensor)) throw new ValueError(`${who}: no targets for output ${h.name} (expected a Tensor)`);
    if (t.rank < 1 || t.shape[0] !== n || t.size !== n * h.targetSize) {
      throw new ShapeError(`${who}: output ${h.name} needs targets ${formatSample(h.targetShape)} for ${n} samples, got ${formatShape(t.shape)}`);
    }
    for (let i = 0; i < n; i++) out.set(t.data.subarray(i * h.targetSize, (i + 1) * h.targetSize), i * width + h.targetOffset);
  });
  return new Tensor(out, [n, width]);
}
