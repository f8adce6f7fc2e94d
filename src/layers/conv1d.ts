// Conv1D over [batch, steps, channels] (Keras kernel layout [kernelSize, inChannels, filters]),
// run by the conv2d kernels on a [batch, 1, steps, channels] view with a [1, k, inC, filters]
// kernel: both views have the same memory layout, so nothing is copied. Causal padding is
// dilation*(k-1) zeros on the left of the time axis.
import { ValueError } from '../core/errors.js';
import type { InitializerLike } from '../initializers.js';
import { conv2dGeometry, type ConvGeometry } from '../ops/conv.js';
import type { Padding } from '../ops/geometry.js';
import type { RegularizerLike } from '../regularizers.js';
import type { Shape } from '../core/tensor.js';
import { activationStage, type ActivationLike } from './activations.js';
import { ConvStep } from './conv-step.js';
import { GeometryCache } from './geometry-cache.js';
import { positiveInt } from './positive-int.js';
import { Layer, singleInput } from './layer.js';
import { layerOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { ActivationStage, CallContext, NodeIO } from './node-io.js';

/** Options of `layers.conv1d` (Keras names). */
export interface Conv1DConfig extends BaseLayerConfig {
  filters: number;
  /** Window length along the steps. */
  kernelSize: number;
  /** Default 1. */
  strides?: number;
  /** 'valid' (default), 'same' (TensorFlow: the extra step on the right) or 'causal' (left only: output t sees inputs <= t). */
  padding?: 'valid' | 'same' | 'causal';
  /** Default 1. */
  dilationRate?: number;
  activation?: ActivationLike;
  /** Default true. */
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike;
  biasRegularizer?: RegularizerLike;
}


/** 1-D convolution: [*, steps, inC] -> [*, outSteps, filters]; kernel [k, inC, filters], bias [filters]. */
export class Conv1D extends Layer<Conv1DConfig> {
  readonly className = 'Conv1D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Conv1DConfig>()('filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer');
  private readonly stage: ActivationStage | undefined;
  private readonly geometries: GeometryCache<ConvGeometry>;
  private readonly k: number;
  private readonly stride: number;
  private readonly dilation: number;
  private readonly padding: Padding;

  constructor(config: Conv1DConfig) {
    super(config, 'conv1d');
    positiveInt(this.name, 'filters', config.filters);
    this.k = positiveInt(this.name, 'kernelSize', config.kernelSize);
    this.stride = positiveInt(this.name, 'strides', config.strides ?? 1);
    this.dilation = positiveInt(this.name, 'dilationRate', config.dilationRate ?? 1);
    const p = config.padding ?? 'valid';
    if (p !== 'valid' && p !== 'same' && p !== 'causal') throw new ValueError(`${this.name}: padding must be 'valid', 'same' or 'causal', got ${JSON.stringify(p)}`);
    this.padding = p === 'causal' ? [0, 0, this.dilation * (this.k - 1), 0] : p;
    this.stage = activationStage(config.activation, this.name);
    this.geometries = new GeometryCache((batch) => this.geometry(batch, this.inputShapes![0]!));
    this.onDispose(this.geometries.disposer());
  }

  override get activation(): ActivationStage | undefined {
    return this.stage;
  }

  /** ReLU runs in the convolution's epilogue, as in Conv2D. */
  override get fusedActivation(): boolean {
    return this.stage?.name === 'relu';
  }

  private geometry(batch: number, [steps, inC]: Shape): ConvGeometry {
    return conv2dGeometry([batch, 1, steps!, inC!], [1, this.k, inC!, this.config.filters], { strides: [1, this.stride], dilationRate: [1, this.dilation], padding: this.padding }, this.name);
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes, [3], ' [batch, steps, channels]');
    const g = this.geometry(1, s);
    return [g.outputShape[2]!, g.outputShape[3]!];
  }

  protected override build([input]: readonly Shape[]): void {
    this.addWeight('kernel', [this.k, input![1]!, this.config.filters], this.config.kernelInitializer ?? 'glorotUniform', { regularizer: this.config.kernelRegularizer });
    if (this.config.useBias ?? true) this.addWeight('bias', [this.config.filters], this.config.biasInitializer ?? 'zeros', { regularizer: this.config.biasRegularizer });
  }

  private readonly step = new ConvStep();

  forward(io: NodeIO, ctx: CallContext): void {
    this.step.forward(this.geometries.get(ctx.batch), io, this.weights[0]!.ptr, this.weights[1]?.ptr ?? 0, this.fusedActivation);
  }

  backward(io: NodeIO, ctx: CallContext): void {
    this.step.backward(this.geometries.get(ctx.batch), io, this.weights[0]!.ptr);
  }
}
