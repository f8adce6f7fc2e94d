// layers.timeDistributed: applies one layer (Dense, Conv2D, ...) to every time step of
// [batch, time, ...] with the same weights (Keras's TimeDistributed).
//
// A plan buffer [batch, time, ...] is the same memory as [batch·time, ...], so the wrapped layer
// runs once on a batch of batch·time samples ("fold time into batch"): no copies, one kernel call
// per step instead of `time`. Every built-in layer is per-sample (or, like BatchNormalization,
// computes its statistics over the whole folded batch, as Keras's reshape path does), so folding
// is always valid; a stateful recurrent layer, whose batch size is fixed, is refused.
import { ValueError, ShapeError } from '../core/errors.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import type { Rng } from '../random.js';
import { Layer, hasCall } from './layer.js';
import { formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { ActivationStage, CallContext, NodeIO, Slot, StateRequest } from './node-io.js';

/** Applies `layer` to every step: [*, time, ...inner] -> [*, time, ...layer output]. */
export class TimeDistributed extends Layer<BaseLayerConfig> {
  readonly className = 'TimeDistributed';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options: readonly string[] = [];
  /** The wrapped layer; its weights are this layer's weights. */
  readonly layer: Layer;
  private readonly subIO = new WeakMap<NodeIO, NodeIO>();
  /** The context of the folded call (batch·time samples), refilled every call. */
  private readonly folded: CallContext = { training: false, batch: 0, rng: undefined as unknown as Rng };

  constructor(layer: Layer, config: BaseLayerConfig = {}) {
    super(config, 'time_distributed');
    if (!(layer instanceof Layer)) throw new ValueError(`${this.name}: expected a layer to wrap, got ${String(layer)}`);
    if (hasCall(layer)) throw new ValueError(`${this.name}: ${layer.name} is a custom layer traced from call(); timeDistributed wraps built-in layers (write the time axis into call() instead)`);
    if (layer.inputCount !== 1) throw new ValueError(`${this.name}: the wrapped layer must take exactly 1 input, ${layer.name} takes ${layer.inputCount}`);
    if (layer.built) throw new ValueError(`${this.name}: ${layer.name} is already built; wrap a new layer`);
    if ((layer as { stateful?: boolean }).stateful === true) throw new ValueError(`${this.name}: ${layer.name} is stateful (fixed batch size); it cannot run over batch·time samples`);
    this.layer = layer;
  }

  /** The saved form: the base options plus the wrapped layer's class name and config (Keras's `layer`). */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }

  private innerShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length !== 1) throw new ValueError(`${this.name}: expects 1 input, got ${inputShapes.length}`);
    const s = inputShapes[0]!;
    if (s.length < 2) throw new ShapeError(`${this.name}: expected input [batch, time, ...] (rank 3 or more), got ${formatSample(s)}`);
    return s.slice(1);
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const inner = this.innerShape(inputShapes);
    return [inputShapes[0]![0]!, ...this.layer.computeOutputShape([inner])];
  }

  protected override build(inputShapes: readonly Shape[]): void {
    this.layer.ensureBuilt([this.innerShape(inputShapes)]);
    this.weights.push(...this.layer.weights);
  }

  override initializeWeights(rng: Rng): void {
    this.layer.initializeWeights(rng);
    this.weightsInitialized = true;
  }

  override stateRequests(inputs: readonly Shape[], output: Shape, maxBatch: number): Record<string, StateRequest> {
    return this.layer.stateRequests([this.innerShape(inputs)], output.slice(1), maxBatch * inputs[0]![0]!);
  }

  // The folded call has the wrapped layer's memory layout, so its activation, fusion and aliasing carry over.
  override get activation(): ActivationStage | undefined {
    return this.layer.activation;
  }
  override get fusedActivation(): boolean {
    return this.layer.fusedActivation;
  }
  override get aliasesInput(): 'output' | 'preActivation' | false {
    return this.layer.aliasesInput;
  }

  /** The wrapped layer's NodeIO for this plan node: the same buffers, per-step shapes. */
  private sub(io: NodeIO): NodeIO {
    let s = this.subIO.get(io);
    if (s !== undefined) return s;
    const x = io.inputs[0]!, inShape = x.shape.slice(1), outShape = io.output.shape.slice(1);
    const input: Slot = { ptr: x.ptr, grad: x.grad, shape: inShape, size: sizeOf(inShape), batched: true };
    const output: Slot = { ptr: io.output.ptr, grad: io.output.grad, shape: outShape, size: sizeOf(outShape), batched: true };
    s = { inputs: [input], output, outputs: [output], z: io.z, dz: io.dz, weightGrads: io.weightGrads, state: io.state, sink: io.sink };
    this.subIO.set(io, s);
    return s;
  }

  private fold(io: NodeIO, ctx: CallContext): CallContext {
    const c = this.folded;
    c.training = ctx.training;
    c.batch = ctx.batch * io.inputs[0]!.shape[0]!;
    c.rng = ctx.rng;
    return c;
  }

  forward(io: NodeIO, ctx: CallContext): void {
    this.layer.forward(this.sub(io), this.fold(io, ctx));
  }

  backward(io: NodeIO, ctx: CallContext): void {
    this.layer.backward(this.sub(io), this.fold(io, ctx));
  }
}
