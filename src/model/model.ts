// The functional Model (and, in sequential.ts, its linear special case): the graph, the weights,
// the config and the summary. Training and inference belong to its trainer (src/train/), which
// this file hands every call of compile, fit, evaluate, predict and the single-batch steps.
import { onCollect, releaseNow } from '../backend/memory.js';
import type { History, Logs, TrainingModel } from '../callbacks/callback.js';
import { given, optionsSchema, text } from '../core/options.js';
import { freshSeed } from '../core/seed.js';
import { isBatchSource, type BatchSource } from '../data/feed.js';
import { ValueError } from '../core/errors.js';
import { InputLayer } from '../layers/core.js';
import type { Layer, SymbolicTensor, Weight } from '../layers/layer.js';
import { applyGraph, graphConfig, savedCompile } from './call.js';
import type { Loss } from '../losses/loss.js';
import type { Optimizer, ParamRef } from '../optimizers/optimizer.js';
import { Rng, StreamPurpose, streamId } from '../random.js';
import type { Tensor, Shape } from '../core/tensor.js';
import { freeExecutors } from '../train/executors.js';
import { fit } from '../train/fit.js';
import type { CompileOptions, EvaluateOptions, FitOptions, PredictOptions } from '../train/options.js';
import { seedOption } from '../train/options.js';
import type { Targets } from '../train/heads.js';
import { Trainer } from '../train/trainer.js';
import { saveModel } from './format.js';
import { buildGraph, type Graph } from './graph.js';
import { Uses } from './ownership.js';
import { summarize, type SummaryOptions } from './summary.js';

export type { BatchAugmenter, CompileOptions, EvaluateOptions, FitOptions, PredictOptions } from '../train/options.js';

let modelCounter = 0;

/** Options of the `Model` constructor. */
export interface ModelConfig {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** One output, or several (`predict` then returns one Tensor per output, `compile` takes a loss per output). */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  name?: string;
  /**
   * Seeds initialisation, shuffling and dropout. Default: a fresh seed drawn with
   * `crypto.getRandomValues`, readable as `model.seed` (pass it back to repeat the run).
   */
  seed?: number;
}

const configSchema = optionsSchema<ModelConfig>()({
  inputs: given<SymbolicTensor | readonly SymbolicTensor[]>(),
  outputs: given<SymbolicTensor | readonly SymbolicTensor[]>(),
  name: text(),
  seed: seedOption,
});

const saveSchema = optionsSchema<{ includeOptimizer?: boolean }>()({ includeOptimizer: given<boolean>() });

/**
 * A functional model: `new Model({ inputs: Input({ shape }), outputs: layer.apply(...) })`.
 * Compile it, then `fit`, `evaluate`, `predict`; weights live in wasm memory and are freed when
 * the model and its layers are garbage collected.
 */
export class Model<Y extends Tensor | Tensor[] = Tensor> implements TrainingModel {
  readonly name: string;
  /** Set by a callback (or yourself) to end `fit` after the current batch. */
  stopTraining = false;
  /**
   * The seed of initialisation, shuffling and dropout: the one given, or one drawn at random
   * (`crypto.getRandomValues`) when none was, so every unseeded run differs and can be repeated
   * with `{ seed: model.seed }`.
   */
  readonly seed: number;
  /** True when `seed` was drawn at random (no seed given). */
  readonly seedDrawn: boolean;
  protected graph: Graph | undefined;
  /**
   * Whether the seed was given: then weights are initialised as soon as the graph is known;
   * otherwise on first use, from `fit`'s seed when it has one.
   */
  protected readonly explicitSeed: boolean;
  private readonly trainer: Trainer;
  /** The layers and the (self-made) optimizer this model uses: what dispose() may free. */
  private readonly uses = new Uses();
  /** Whether compile made the optimizer from a name (then no one else holds it). */
  private ownsOptimizer = false;
  private disposed = false;

  constructor(config: ModelConfig, namePrefix = 'model') {
    if (config === null || typeof config !== 'object') throw new ValueError(`${namePrefix}: config must be an object`);
    const c = configSchema.parse(typeof config.name === 'string' ? config.name : namePrefix, config);
    this.name = c.name ?? `${namePrefix}_${++modelCounter}`;
    this.explicitSeed = c.seed !== undefined;
    this.seed = c.seed ?? freshSeed(this.name);
    this.seedDrawn = !this.explicitSeed;
    this.trainer = new Trainer(
      {
        model: this,
        graph: () => this.graph,
        requireGraph: (who, sampleShape) => this.requireGraph(who, sampleShape),
        initialize: (seed) => this.ensureInitialized(seed),
        customStep: () => (this.trainStep === Model.prototype.trainStep ? undefined : (x, y) => this.trainStep(x, y as Tensor)),
      },
      this.seed,
    );
    if (c.outputs !== undefined || c.inputs !== undefined) {
      const inputs = c.inputs instanceof Array ? c.inputs : [c.inputs as SymbolicTensor];
      this.graph = buildGraph(inputs, c.outputs as SymbolicTensor | readonly SymbolicTensor[], this.name);
      if (this.explicitSeed) this.ensureInitialized();
    }
    onCollect(this, this.trainer.executors, freeExecutors);
    this.trackUses();
  }

  /**
   * Frees this model's wasm memory now instead of when it is garbage collected: its plans,
   * gradients, the optimizer compile made from a name, and the weights of every layer that no
   * other undisposed model uses. Optional (Keras users never need it): for servers that create
   * and drop many models. Idempotent; afterwards every use of the model throws, and a layer it
   * freed cannot join another model. Refused while fit or a dataset evaluate is running.
   */
  dispose(): void {
    if (this.disposed) return;
    this.trainer.refuseWhileRunning('dispose');
    this.disposed = true;
    this.uses.release(this.name);
    releaseNow(this); // executors and gradients
    this.graph = undefined;
    this.trainer.compiled = undefined;
  }

  /** Whether `dispose()` was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Throws if the model was disposed (`who` is the method called). */
  protected live(who: string): void {
    if (this.disposed) throw this.disposedError(who);
  }

  private disposedError(who: string): ValueError {
    return new ValueError(`${this.name}.${who}: the model was disposed (model.dispose()); build or load a new model`);
  }

  private trackUses(): void {
    const optimizer = this.ownsOptimizer ? this.trainer.compiled?.optimizer : undefined;
    this.uses.set(optimizer === undefined ? (this.graph?.layers ?? []) : [...(this.graph?.layers ?? []), optimizer]);
  }

  /** @internal io.load made the optimizer from the saved config: dispose() may free it. */
  adoptOptimizer(): void {
    this.ownsOptimizer = this.trainer.compiled !== undefined;
    this.trackUses();
  }

  // ---- graph --------------------------------------------------------------------------------

  /** The layers in execution order (input layers excluded). */
  get layers(): Layer[] {
    this.live('layers');
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

  /** InputLayer of each model input. */
  get inputLayers(): InputLayer[] {
    return (this.graph?.inputs ?? []).map((t) => t.node.layer as InputLayer);
  }

  /** The layer with this name. */
  /**
   * The model applied to new symbolic inputs (a model used as a layer, or inside a function given
   * to `valueAndGrad`): the same layers and weights, new nodes. Several outputs: the first; see
   * `applyAll`.
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    return this.applyAll(inputs)[0]!;
  }

  /** `apply`, returning every output. */
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    this.live('apply');
    return applyGraph(this.requireGraph('apply'), inputs, `${this.name}.apply`);
  }

  /**
   * Adds a scalar loss term computed with ops from the model's tensors (Keras's `model.add_loss`):
   * it joins the training loss and the logs' `loss`; a per-sample term counts with its batch mean.
   * Not saved with the model (add it again after loading).
   */
  addLoss(term: SymbolicTensor): void {
    this.live('addLoss');
    const g = this.requireGraph('addLoss');
    this.graph = buildGraph(g.inputs, g.outputs, this.name, [...g.explicitLosses, term], g.metrics);
    this.invalidate();
  }

  /**
   * Reports a scalar computed with ops from the model's tensors in the logs under `name` (and
   * `val_<name>`), averaged over batches; not part of the loss. Not saved with the model.
   */
  addMetric(term: SymbolicTensor, name: string): void {
    this.live('addMetric');
    const g = this.requireGraph('addMetric');
    if (typeof name !== 'string' || name === '' || name === 'loss' || g.metrics.some((m) => m.name === name)) {
      throw new ValueError(`${this.name}.addMetric: name must be a new non-empty string other than 'loss', got ${JSON.stringify(name)}`);
    }
    this.graph = buildGraph(g.inputs, g.outputs, this.name, g.explicitLosses, [...g.metrics, { name, term }]);
    this.invalidate();
  }

  /** The trainable weights of every layer (what `valueAndGrad`'s `wrt` and optimizers take). */
  get trainableWeights(): Weight[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  getLayer(name: string): Layer {
    this.live('getLayer');
    const layer = this.graph?.layers.find((l) => l.name === name);
    if (layer === undefined) throw new ValueError(`${this.name}.getLayer: no layer named ${JSON.stringify(name)}; layers: ${this.layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /** The graph, building a deferred model from the data's shapes if needed (Sequential). */
  protected requireGraph(who: string, _sampleShape?: Shape): Graph {
    if (this.graph === undefined) throw new ValueError(`${this.name}.${who}: the model has no input shape yet; give the first layer inputShape or call build()`);
    return this.graph;
  }

  /** Called when the graph changes (Sequential add/pop): drops executors and training state. */
  protected invalidate(): void {
    this.trainer.invalidate();
    this.trackUses();
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
    this.live('getWeights');
    const graph = this.requireGraph('getWeights');
    this.ensureInitialized();
    return graph.layers.flatMap((l) => l.getWeights());
  }

  /** Sets every weight from a list in `getWeights()` order; shapes must match. */
  setWeights(weights: readonly Tensor[]): void {
    this.live('setWeights');
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
    this.live('countParams');
    return (this.graph?.layers ?? []).reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * A Keras-like table of layers, output shapes and parameter counts with totals; returned as a
   * string, and printed (console.log) only with `{ print: true }`.
   */
  summary(options: SummaryOptions = {}): string {
    this.live('summary');
    const graph = this.requireGraph('summary');
    return summarize(this.name, graph, this.isSequential, options);
  }

  /** True for Sequential models (summary leaves out the "connected to" column). */
  protected get isSequential(): boolean {
    return false;
  }

  // ---- training (the trainer's) -------------------------------------------------------------

  /** Sets the optimizer, loss and metrics used by fit/evaluate/trainOnBatch. */
  compile(options: CompileOptions): void {
    this.live('compile');
    this.trainer.compile(options);
    this.ownsOptimizer = typeof options.optimizer === 'string';
    this.trackUses();
  }

  /** The compiled optimizer (undefined before compile). */
  get optimizer(): Optimizer | undefined {
    this.live('optimizer');
    return this.trainer.compiled?.optimizer;
  }

  /** The compiled loss (undefined before compile). */
  get loss(): Loss | undefined {
    this.live('loss');
    return this.trainer.compiled?.loss;
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
  fit(x: Tensor | readonly Tensor[] | BatchSource, y?: Targets, options: FitOptions = {}): Promise<History> {
    if (this.disposed) return Promise.reject(this.disposedError('fit'));
    return this.trainer.exclusive('fit', () => fit(this.trainer, x, y, options));
  }

  /**
   * Loss and metrics over all samples, in inference mode: `{ loss, accuracy, ... }`. Given a
   * dataset (a `data.Dataset` or any async/sync iterable of `{ x, y }` batches, with `y`
   * undefined) it runs one full pass, or `options.steps` batches, and returns a promise.
   */
  evaluate(x: Tensor | readonly Tensor[], y: Targets, options?: EvaluateOptions): Logs;
  evaluate(dataset: BatchSource, y?: undefined, options?: EvaluateOptions): Promise<Logs>;
  evaluate(x: Tensor | readonly Tensor[] | BatchSource, y?: Targets, options: EvaluateOptions = {}): Logs | Promise<Logs> {
    if (this.disposed) {
      if (isBatchSource(x)) return Promise.reject(this.disposedError('evaluate'));
      throw this.disposedError('evaluate');
    }
    return this.trainer.evaluate(x, y, options);
  }

  /** The model's output for every sample (inference mode), as one Tensor [n, ...outputShape]. */
  predict(x: Tensor | readonly Tensor[], options: PredictOptions = {}): Y {
    this.live('predict');
    const outs = this.trainer.predict(x, options);
    return (outs.length === 1 ? outs[0]! : outs) as Y;
  }

  /**
   * The lower-level hook for custom loops: one step (forward, loss, backward, optimizer update)
   * on this batch. Returns the loss (with regularisers); a non-finite loss throws and is not applied.
   */
  trainStep(x: Tensor | readonly Tensor[], y: Targets): number {
    this.live('trainStep');
    return this.trainer.trainStep(x, y);
  }

  /** trainStep plus this batch's metrics: `{ loss, accuracy, ... }`. */
  trainOnBatch(x: Tensor | readonly Tensor[], y: Targets): Logs {
    this.live('trainOnBatch');
    return this.trainer.trainOnBatch(x, y);
  }

  /** Loss and metrics of one batch in inference mode (no update). */
  testOnBatch(x: Tensor | readonly Tensor[], y: Targets): Logs {
    return this.evaluate(x, y, { batchSize: Math.max(1, (x instanceof Array ? x[0] : x)?.shape[0] ?? 1) });
  }

  /** Parameters the optimizer updates, by name (for io). */
  get trainableParams(): readonly ParamRef[] {
    return this.trainer.executors.params;
  }

  /** Makes sure the optimizer has built its slots (io restores optimizer state into them). */
  prepareOptimizer(): void {
    this.live('prepareOptimizer');
    const c = this.trainer.requireCompiled('prepareOptimizer');
    this.ensureInitialized();
    this.trainer.executors.gradients(this.graph!, c, this.name);
  }

  /** Bytes of wasm memory held by this model's plans and gradients (weights excluded). */
  get planBytes(): number {
    return this.trainer.executors.bytes;
  }

  // ---- saving -------------------------------------------------------------------------------

  /** The model as bytes: what `io.save(model)` returns (config, weights and optimizer state). */
  save(options: { includeOptimizer?: boolean } = {}): Uint8Array {
    this.live('save');
    const o = saveSchema.parse(`${this.name}.save`, options);
    this.requireGraph('save');
    this.ensureInitialized();
    return saveModel(this, o);
  }

  /** The architecture as JSON-friendly data (what io saves beside the weights). */
  toConfig(): Record<string, unknown> {
    this.live('toConfig');
    const graph = this.requireGraph('toConfig');
    const c = this.trainer.compiled;
    return { ...graphConfig(graph, this.isSequential ? 'Sequential' : 'Model', this.name, this.seed), compile: c === undefined ? undefined : savedCompile(c) };
  }
}
