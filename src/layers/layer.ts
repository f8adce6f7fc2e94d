// The Layer base class (Keras's lifecycle: config -> build(inputShapes) -> forward/backward ->
// getConfig) and the symbolic tensors that functional models are wired from.
//
// Shapes inside the layer API are per-sample (no batch axis): Dense on [*, 784] sees [784].
// Buffers live in wasm memory: a layer's weights are allocated when it is built and belong to the
// layer (so a layer moves between models with its weights); activations, gradients and per-call
// state belong to a model's execution plan and reach the layer as a `NodeIO`.
//
// The plan-facing interfaces live in node-io.ts; the options every layer accepts and the free
// helpers for layer implementations in layer-helpers.ts.
import { heap } from '../backend/memory.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { Tensor, sameShape, type Shape } from '../core/tensor.js';
import type { InitializerLike } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerLike } from '../regularizers.js';
import type { Rng } from '../random.js';
import { checkBaseConfig, checkOptionNames, KEEPS_MASK, commonMask, describeOperand, stepMask, formatSample, hasCall, type AddWeightOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { ActivationStage, CallContext, NodeIO, StateRequest } from './node-io.js';
import { Weight, freeWithOwner, initializeWeightValues, newWeight, regularizeWeights, standaloneRng, writeWeights } from './weight.js';
import { activeTrace, type OutputSpec, type TraceRecord } from './trace.js';

export { describeOperand, hasCall, singleInput, type AddWeightOptions } from './layer-helpers.js';
export { withTrace, type OutputSpec } from './trace.js';
export { Weight } from './weight.js';

/**
 * A tensor in a functional graph: the node that produces it and its shape. A batched tensor (every
 * layer output, every `Input`) has a per-sample `shape` and a batch axis of any size in front; an
 * unbatched one (a weight, a reduction over the batch, a constant) has the full shape.
 */
export class SymbolicTensor {
  constructor(
    readonly shape: Shape,
    readonly node: GraphNode,
    readonly name: string,
    /** True when a batch axis of any size comes before `shape`. */
    readonly batched = true,
    /** Which output of its node this is. */
    readonly index = 0,
  ) {}
  /** Keras's mask, [*, time] of 1 (a step) or 0 (padding), from `maskZero` / `masking`: see `Layer.consumesMask`. */
  mask: SymbolicTensor | undefined = undefined;
  /** Axes including the batch axis. */
  get rank(): number {
    return this.shape.length + (this.batched ? 1 : 0);
  }
  toString(): string {
    const dims = this.batched ? ['*', ...this.shape] : this.shape;
    return `SymbolicTensor(${this.name}, [${dims.join(', ')}])`;
  }
}

/** What a traced call recorded (a custom layer's `call`); see trace.ts. */
export type TracedCall = TraceRecord<GraphNode, SymbolicTensor, Layer>;

/** One call of a layer on symbolic inputs. */
export class GraphNode {
  readonly outputs: SymbolicTensor[];
  /**
   * For a layer whose `call` was traced: the recorded nodes, per mode when `call` read
   * `training` (else both entries are the same trace).
   */
  inner: { training: TracedCall; inference: TracedCall } | undefined;
  /** @param masked the last input is the mask the layer consumes (`NodeIO.mask`), not saved by io. */
  constructor(
    readonly layer: Layer,
    readonly inputs: readonly SymbolicTensor[],
    outputs: Shape | readonly OutputSpec[],
    readonly masked = false,
  ) {
    const specs: readonly OutputSpec[] = isShape(outputs) ? [{ shape: outputs }] : outputs;
    this.outputs = specs.map((o, i) => new SymbolicTensor([...o.shape], this, specs.length === 1 ? layer.name : `${layer.name}[${i}]`, o.batched ?? true, i));
    currentTrace()?.nodes.push(this);
  }
  /** The first (usually only) output. */
  get output(): SymbolicTensor {
    return this.outputs[0]!;
  }
  /** The inputs the layer was applied to (without the consumed mask). */
  get dataInputs(): readonly SymbolicTensor[] {
    return this.masked ? this.inputs.slice(0, -1) : this.inputs;
  }
}

function isShape(v: Shape | readonly OutputSpec[]): v is Shape {
  return v.length === 0 || typeof v[0] === 'number';
}

/** The call being traced, if any (addLoss and the ops read it). */
export function currentTrace(): TracedCall | undefined {
  return activeTrace<TracedCall>();
}

/** Bumped whenever any layer's `trainable` changes, so models know to rebuild their training state. */
export let trainableVersion = 0;

/**
 * Base class of every layer. Subclasses implement `computeOutputShape` (validating their inputs),
 * `build` (adding weights), `forward`/`backward` on plan buffers, and keep their constructor
 * options in `config` so `getConfig()` is the saved form.
 */
export abstract class Layer<C extends BaseLayerConfig = BaseLayerConfig> {
  /** Registered class name, e.g. `'Dense'` (used by summary and io). */
  abstract readonly className: string;
  readonly name: string;
  protected readonly config: C;
  private trainableFlag: boolean;
  /** Weights in Keras order, once built. */
  readonly weights: Weight[] = [];
  /** Per-sample input shapes seen at build time. */
  inputShapes: Shape[] | undefined;
  /** Set once the weights hold initialised (or loaded) values. */
  weightsInitialized = false;
  private readonly ownedPtrs: number[] = [];
  private readonly cleanups: Array<{ release(): void }> = [];

  /**
   * Option names this layer class accepts besides `BASE_LAYER_OPTIONS` (built-in layers declare
   * them with `layerOptions`); an unknown key throws. A class without the list (a custom layer)
   * is not checked.
   */
  static readonly options: readonly string[] | undefined = undefined;

  constructor(config: C, defaultPrefix: string) {
    if (config === null || typeof config !== 'object') throw new ValueError(`${defaultPrefix}: config must be an object, got ${String(config)}`);
    checkOptionNames(config, (new.target as unknown as { options?: readonly string[] }).options, defaultPrefix);
    this.config = { ...config };
    this.name = checkBaseConfig(config, defaultPrefix);
    this.trainableFlag = config.trainable ?? true;
  }

  /** Whether the layer's weights are trained (Keras's `layer.trainable`). */
  get trainable(): boolean {
    return this.trainableFlag;
  }
  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new ValueError(`${this.name}: trainable must be a boolean, got ${String(value)}`);
    if (value !== this.trainableFlag) trainableVersion++;
    this.trainableFlag = value;
  }

  /** True once `build` has run. */
  get built(): boolean {
    return this.inputShapes !== undefined;
  }

  /** Per-sample input shape given in the config (`inputShape` or `batchInputShape`), if any. */
  get declaredInputShape(): Shape | undefined {
    if (this.config.inputShape !== undefined) return this.config.inputShape;
    if (this.config.batchInputShape !== undefined) return this.config.batchInputShape.slice(1) as number[];
    return undefined;
  }

  /** Number of inputs the layer takes (1 unless overridden; -1 for any number >= 2). */
  get inputCount(): number {
    return 1;
  }

  /**
   * The per-sample output shape for these per-sample input shapes; throws a ShapeError naming the
   * layer and the shapes when they do not fit.
   */
  abstract computeOutputShape(inputShapes: readonly Shape[]): Shape;

  /**
   * Adds the layer's weights for these per-sample input shapes (called once, by `ensureBuilt`):
   * one shape per input, or for a custom layer with `call` and one input, that one shape.
   */
  protected build(_inputShapes: Shape | readonly Shape[]): void {}

  /** Computes `io.z` (the pre-activation output) from the inputs. */
  abstract forward(io: NodeIO, ctx: CallContext): void;

  /**
   * Accumulates gradients from `io.dz`: into each input's `grad` (when non-zero) and each weight's
   * gradient in `io.weightGrads` (when non-zero). Never overwrites: every gradient is `+=`.
   */
  abstract backward(io: NodeIO, ctx: CallContext): void;

  /** Extra per-node buffers (saved statistics, masks, pre-activations) for a plan of `maxBatch`. */
  stateRequests(_inputShapes: readonly Shape[], _outputShape: Shape, _maxBatch: number, _node?: GraphNode): Record<string, StateRequest> {
    return {};
  }

  /**
   * 'output' when the output is the input itself (flatten, reshape: no copy, no kernel);
   * 'preActivation' when only the fused activation runs, reading the input as z; false otherwise.
   */
  get aliasesInput(): 'output' | 'preActivation' | false {
    return false;
  }

  /**
   * True when `forward` already applied the activation (ReLU in a convolution's epilogue): the plan
   * then skips the activation's forward and its backward reads the output in place of z.
   */
  get fusedActivation(): boolean {
    return false;
  }

  /** The activation fused after `forward` (and before `backward`), or undefined for linear. */
  get activation(): ActivationStage | undefined {
    return undefined;
  }

  /** The constructor options plus the name and trainable flag: what io saves. */
  getConfig(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...(this.config as Record<string, unknown>), name: this.name, trainable: this.trainable };
    for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
    return out;
  }

  /** Builds the layer for these per-sample input shapes if it is not built yet, or checks them. */
  ensureBuilt(inputShapes: readonly Shape[]): void {
    if (this.inputShapes !== undefined) {
      const same = inputShapes.length === this.inputShapes.length && inputShapes.every((s, i) => sameShape(s, this.inputShapes![i]!));
      if (!same) {
        throw new ShapeError(
          `${this.name}: was built for input ${this.inputShapes.map((s) => formatSample(s)).join(', ')}, ` +
            `now called on ${inputShapes.map((s) => formatSample(s)).join(', ')}`,
        );
      }
      return;
    }
    if (!hasCall(this)) this.computeOutputShape(inputShapes); // validates (a traced call checks its own)
    this.buildFor(inputShapes);
    this.inputShapes = inputShapes.map((s) => [...s]);
    freeWithOwner(this, this.ownedPtrs, this.cleanups);
  }

  /** Calls `build`; a layer with `call` gets a single shape when it has one input, as in Keras. */
  private buildFor(inputShapes: readonly Shape[]): void {
    this.build(hasCall(this) && inputShapes.length === 1 ? inputShapes[0]! : inputShapes);
  }

  /** The shapes of every output (one per output; layers with several outputs override). */
  computeOutputSpecs(inputShapes: readonly Shape[]): OutputSpec[] {
    return [{ shape: this.computeOutputShape(inputShapes) }];
  }

  /**
   * Calls the layer on symbolic tensors (functional API): checks the shapes, builds the layer, and
   * returns the symbolic output (the first one, for a layer with several: see `applyAll`).
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    return this.applyAll(inputs)[0]!;
  }

  /** `apply`, returning every output of the layer. */
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    const list = this.checkApplyInputs(inputs);
    if (list.some((t) => !t.batched)) {
      throw new ValueError(`${this.name}: expects batched tensors (with a batch axis, from Input() or a layer), got ${list.find((t) => !t.batched)!.toString()}`);
    }
    const shapes = list.map((t) => t.shape);
    const specs = this.computeOutputSpecs(shapes);
    this.ensureBuilt(shapes);
    const trace = currentTrace();
    if (trace !== undefined && !trace.sublayers.includes(this)) trace.sublayers.push(this);
    const mask = this.consumedMask(list);
    const outputs = new GraphNode(this, mask === undefined ? list : [...list, mask], specs, mask !== undefined).outputs;
    if (this.passesMask) outputs[0]!.mask = this.mergeMasks(list);
    return outputs;
  }

  /** True when a mask on the first input reaches `forward`/`backward` as `io.mask` (recurrent layers, global pooling). */
  get consumesMask(): boolean {
    return false;
  }

  /** The mask the node consumes: the first input's, checked, when `consumesMask` (attention takes the value's). */
  protected consumedMask(inputs: readonly SymbolicTensor[]): SymbolicTensor | undefined {
    return this.consumesMask ? stepMask(inputs[0]!, this.name) : undefined;
  }

  /** True when the output keeps the input's mask (Keras's `supports_masking`: the time axis stays). */
  get passesMask(): boolean {
    return KEEPS_MASK.has(this.className);
  }

  /** The output's mask from the inputs' masks: the one mask they carry (a merge of different masks overrides this). */
  protected mergeMasks(inputs: readonly SymbolicTensor[]): SymbolicTensor | undefined {
    return commonMask(inputs, this.name);
  }

  /** The `activityRegularizer` option, resolved (undefined when not given). */
  get activityRegularizer(): Regularizer | undefined {
    const spec = this.config.activityRegularizer;
    if (spec === undefined || spec === null) return undefined;
    this.activityPenalty ??= getRegularizer(spec, `${this.name}: activityRegularizer`);
    return this.activityPenalty;
  }
  private activityPenalty: Regularizer | undefined;

  /** The inputs of `apply` as a list, checked (types and count). */
  protected checkApplyInputs(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    const list = inputs instanceof SymbolicTensor ? [inputs] : inputs;
    if (!Array.isArray(list) || list.length === 0 || !list.every((t) => t instanceof SymbolicTensor)) {
      const got = Array.isArray(list) ? `[${list.map((t) => describeOperand(t)).join(', ')}]` : describeOperand(list);
      throw new ValueError(`${this.name}.apply: expected a SymbolicTensor (from Input() or another layer) or an array of them, got ${got}`);
    }
    const count = this.inputCount;
    if (count === -1 ? list.length < 2 : count >= 0 && list.length !== count) {
      throw new ValueError(`${this.name}: expects ${count === -1 ? 'at least 2 inputs' : `${count} input${count === 1 ? '' : 's'}`}, got ${list.length}`);
    }
    return [...list];
  }

  /**
   * Adds a scalar loss term (Keras's `add_loss`) computed in `call` from ops: a KL divergence, an
   * activity penalty. The term joins the model's loss (and the logs' `loss`) wherever the layer is
   * used; a batched term (one value per sample) counts with its batch mean.
   */
  addLoss(term: SymbolicTensor): void {
    const trace = currentTrace();
    if (trace === undefined) throw new ValueError(`${this.name}.addLoss: call it inside call() (or use model.addLoss for a term of the whole model)`);
    checkScalarTerm(term, `${this.name}.addLoss`);
    trace.losses.push(term);
  }

  /** The weight a node of this layer reads (the graph's weight nodes); undefined for every real layer. */
  get readsWeight(): Weight | undefined {
    return undefined;
  }

  /**
   * Adds a weight (called from `build`); Keras order is the order of these calls. The third
   * argument is the initializer, or (Keras's `add_weight`) `{ initializer, regularizer, trainable }`.
   */
  protected addWeight(name: string, shape: Shape, init?: InitializerLike | AddWeightOptions, options: { regularizer?: RegularizerLike | undefined; trainable?: boolean } = {}): Weight {
    const w = newWeight(this.name, name, shape, init, options);
    this.weights.push(w);
    this.ownedPtrs.push(w.ptr);
    return w;
  }

  /** Fills every weight from its initializer with the layer's random stream. */
  initializeWeights(rng: Rng): void {
    initializeWeightValues(this.weights, rng);
    this.weightsInitialized = true;
  }

  /** Weights that receive gradients: none when the layer is frozen. */
  get trainableWeights(): Weight[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  /** Weights that are never updated by the optimizer (statistics, or everything when frozen). */
  get nonTrainableWeights(): Weight[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : [...this.weights];
  }

  /** Number of scalars in the weights (0 before build). */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /**
   * The weights as tensors in Keras order and layout, copied out of wasm memory. A layer whose
   * model has not initialised it yet is initialised here from a per-process stream (models with a
   * seed initialise their layers as soon as they are built).
   */
  getWeights(): Tensor[] {
    if (!this.weightsInitialized && this.weights.length > 0) this.initializeWeights(standaloneRng());
    return this.weights.map((w) => new Tensor(w.read(), w.shape));
  }

  /** Replaces the weights (Keras order and layout); every shape must match. */
  setWeights(values: readonly Tensor[]): void {
    writeWeights(this.weights, values, `${this.name}.setWeights`, this.built);
    this.weightsInitialized = true;
  }

  /** Sum of the weight regularisers' penalties; accumulates their gradients where grads[i] != 0. */
  regularize(grads: readonly number[]): number {
    return regularizeWeights(this.weights, grads);
  }

  /** Registers something to release when the layer is garbage collected; it must not reference the layer. */
  protected onDispose(item: { release(): void }): void {
    this.cleanups.push(item);
  }

  /** Allocates a plan-independent buffer owned by the layer (freed with it). */
  protected allocOwned(floats: number): number {
    const p = heap().alloc(floats * 4, this.name);
    this.ownedPtrs.push(p);
    return p;
  }

  toString(): string {
    return `${this.className}(${this.name})`;
  }
}

/** Throws unless `term` is a symbolic scalar: unbatched [] or one value per sample ([*]). */
export function checkScalarTerm(term: unknown, who: string): asserts term is SymbolicTensor {
  if (!(term instanceof SymbolicTensor)) throw new ValueError(`${who}: expected a SymbolicTensor built from ops, got ${describeOperand(term)}`);
  if (term.shape.length !== 0) throw new ShapeError(`${who}: expected a scalar (shape [] or one value per sample, [*]), got ${term.toString()}; reduce it with ops.mean or ops.sum`);
}
