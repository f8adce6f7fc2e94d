// Custom layers (Keras's subclassing API): a layer written as `build` (add weights) and `call`
// (ops on symbolic tensors). `apply` traces `call` once per use into graph nodes; the plan runs
// those nodes, so a custom layer needs no hand-written backward and allocates nothing per step.
import { ShapeError, ValueError } from '../core/errors.js';
export type { AddWeightOptions } from './layer.js';
import type { Shape } from '../core/tensor.js';
import type { Rng } from '../random.js';
import { GraphNode, Layer as LayerBase, SymbolicTensor, describeOperand, withTrace, type TracedCall } from './layer.js';
import type { BaseLayerConfig } from './layer-helpers.js';
import { activityTerms } from './activity.js';
import type { CallContext, NodeIO } from './node-io.js';
import type { Weight } from './weight.js';

/** What `call` receives besides its inputs. */
export interface CallOptions {
  /**
   * True when the layer runs in training mode (fit, trainStep). Reading it makes the layer trace
   * `call` twice, once per mode; ops such as dropout read the mode by themselves.
   */
  readonly training: boolean;
}


/** `MyLayer` -> `my_layer` (Keras's default layer names). */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() || 'layer';
}

/**
 * Base class of user layers. Override `build(inputShape)` to add weights with `addWeight`, and
 * `call(inputs, { training })` to compute the output from `ops` on symbolic tensors and weights:
 *
 * ```ts
 * class Scale extends Layer {
 *   w!: Weight;
 *   build(shape: Shape) { this.w = this.addWeight('w', [shape.at(-1)!], { initializer: 'ones' }); }
 *   call(x: SymbolicTensor) { return ops.mul(x, this.w); }
 * }
 * layers.registerLayer(Scale); // to load saved models that use it
 * ```
 *
 * The gradient comes from the ops (no backward to write). Layers applied inside `call` (created in
 * the constructor, like Keras sublayers) contribute their weights to this layer's `weights`.
 * `build` receives the per-sample input shape (an array of them for several inputs). A subclass
 * may instead implement `computeOutputShape`, `forward` and `backward` on plan buffers, as the
 * built-in layers do.
 */
export class Layer<C extends BaseLayerConfig = BaseLayerConfig> extends LayerBase<C> {
  /** The class name saved with the model: a static `className` if the class has one, else its name. */
  readonly className: string;

  constructor(config?: C, namePrefix?: string) {
    super((config ?? {}) as C, namePrefix ?? snakeCase(new.target.name));
    const ctor = new.target as unknown as { className?: string; name: string };
    this.className = ctor.className ?? ctor.name;
  }

  override get inputCount(): number {
    return traced(this) ? -2 : 1;
  }

  /**
   * Computes the output from ops on symbolic tensors (override it). `inputs` is one tensor, or an
   * array when the layer is applied to several; return a tensor or an array of them.
   */
  call?(inputs: SymbolicTensor | SymbolicTensor[], options: CallOptions): SymbolicTensor | SymbolicTensor[];

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    if (traced(this)) throw new ValueError(`${this.name}: the output shape of a custom layer comes from tracing call(); apply it to a SymbolicTensor`);
    throw new ValueError(`${this.name}: a custom layer must override call() (or computeOutputShape, forward and backward); got inputs ${JSON.stringify(inputShapes)}`);
  }

  forward(_io: NodeIO, _ctx: CallContext): void {
    throw new ValueError(`${this.name}: a custom layer without call() must implement forward()`);
  }

  backward(_io: NodeIO, _ctx: CallContext): void {
    throw new ValueError(`${this.name}: a custom layer without call() must implement backward()`);
  }

  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    if (!traced(this)) return super.applyAll(inputs);
    const list = this.checkApplyInputs(inputs);
    this.ensureBuilt(list.map((t) => t.shape));
    const arg = list.length === 1 ? list[0]! : list;
    let readTraining = false;
    const training = traceCall(this, arg, list, {
      get training() {
        readTraining = true;
        return true;
      },
    });
    const inference = readTraining ? traceCall(this, arg, list, { training: false }) : training;
    if (inference.outputs.length !== training.outputs.length || inference.outputs.some((t, i) => !sameSpec(t, training.outputs[i]!))) {
      throw new ShapeError(`${this.name}.call: returns different shapes in training and inference mode`);
    }
    adoptSublayerWeights(this, training);
    const node = new GraphNode(this, list, training.outputs.map((t) => ({ shape: t.shape, batched: t.batched })));
    node.inner = { training, inference };
    return node.outputs;
  }

  override get trainableWeights(): Weight[] {
    return this.trainable ? this.weights.filter((w) => w.trainable && (sublayerOf(this).get(w)?.trainable ?? true)) : [];
  }

  override get nonTrainableWeights(): Weight[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  override initializeWeights(rng: Rng): void {
    super.initializeWeights(rng);
    for (const sub of new Set(sublayerOf(this).values())) sub.weightsInitialized = true;
  }
}

function sameSpec(a: SymbolicTensor, b: SymbolicTensor): boolean {
  return a.batched === b.batched && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/** Which sublayer owns each weight a traced layer took from its sublayers (for their `trainable` flags). */
const sublayerWeights = new WeakMap<LayerBase, Map<Weight, LayerBase>>();

function sublayerOf(layer: LayerBase): Map<Weight, LayerBase> {
  let m = sublayerWeights.get(layer);
  if (m === undefined) sublayerWeights.set(layer, (m = new Map()));
  return m;
}

/** True when the layer computes its output with `call` (traced) rather than forward/backward. */
function traced(layer: Layer): boolean {
  return typeof (layer as { call?: unknown }).call === 'function';
}

/** Runs `call` once under a trace and checks what it returned and what it read. */
function traceCall(layer: Layer, arg: SymbolicTensor | SymbolicTensor[], inputs: readonly SymbolicTensor[], options: CallOptions): TracedCall {
  const trace: TracedCall = { owner: layer.name, nodes: [], outputs: [], losses: [], sublayers: [] };
  const out = withTrace(trace, () => layer.call!(arg, options));
  const outputs = out instanceof SymbolicTensor ? [out] : Array.isArray(out) ? out : undefined;
  if (outputs === undefined || outputs.length === 0 || !outputs.every((t) => t instanceof SymbolicTensor)) {
    throw new ValueError(`${layer.name}.call: must return a SymbolicTensor built from its inputs with ops (or an array of them), got ${Array.isArray(out) ? `[${out.map(describeOperand).join(', ')}]` : describeOperand(out)}`);
  }
  trace.outputs = outputs;
  // Every tensor the recorded nodes read must be an input or made inside the call: a tensor
  // captured from elsewhere would be a hidden input the saved model could not rebuild.
  const known = new Set<SymbolicTensor>(inputs);
  for (const node of trace.nodes) {
    for (const t of node.inputs) {
      if (!known.has(t)) throw new ValueError(`${layer.name}.call: uses ${t.toString()}, which is neither an input of the layer nor computed inside call()`);
    }
    for (const t of node.outputs) known.add(t);
  }
  for (const t of [...outputs, ...trace.losses]) {
    if (!known.has(t)) throw new ValueError(`${layer.name}.call: returns or adds ${t.toString()}, which is neither an input of the layer nor computed inside call()`);
  }
  return trace;
}

/** Sublayers' weights join this layer's (Keras tracks sublayers the same way). */
function adoptSublayerWeights(layer: Layer, trace: TracedCall): void {
  for (const sub of trace.sublayers) {
    for (const w of sub.weights) {
      if (layer.weights.includes(w)) continue;
      layer.weights.push(w);
      sublayerOf(layer).set(w, sub);
    }
  }
}
