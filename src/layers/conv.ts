// Convolution layers (NHWC, Keras layouts): conv2d (kernel HWIO), depthwiseConv2d
// ([kh, kw, inC, depthMultiplier]) and conv2dTranspose ([kh, kw, filters, inC]).
import { ShapeError, ValueError } from '../core/errors.js';
import type { InitializerLike } from '../initializers.js';
import { checkPadding, pair } from '../ops/geometry.js';
import type { RegularizerLike } from '../regularizers.js';
import {
  conv2dGeometry,
  conv2dTransposeGeometry,
  depthwiseConv2dGeometry,
  type ConvGeometry,
  type ConvOptions,
  type Padding,
} from '../ops/conv.js';
import type { Shape } from '../core/tensor.js';
import { activationStage, type ActivationLike } from './activations.js';
import { ConvStep } from './conv-step.js';
import { GeometryCache } from './geometry-cache.js';
import { Layer, singleInput } from './layer.js';
import { layerOptions, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { ActivationStage, CallContext, NodeIO } from './node-io.js';

/** Options shared by the convolution layers (Keras names). */
export interface ConvBaseConfig extends BaseLayerConfig {
  /** Window size, or [height, width]. */
  kernelSize: number | readonly [number, number];
  /** Default 1. */
  strides?: number | readonly [number, number];
  /** 'valid' (default), 'same' (TensorFlow: extra pixel bottom/right) or [top, bottom, left, right]. */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: number | readonly [number, number];
  activation?: ActivationLike;
  /** Default true. */
  useBias?: boolean;
  biasInitializer?: InitializerLike;
  biasRegularizer?: RegularizerLike;
  /** Only 'channelsLast' (NHWC) is supported. */
  dataFormat?: 'channelsLast';
}

type Kind = 'conv2d' | 'depthwiseConv2d' | 'conv2dTranspose';

/** Shared body: geometry per batch size, fused bias and relu, backward to input, kernel and bias. */
abstract class ConvBase<C extends ConvBaseConfig> extends Layer<C> {
  protected abstract readonly kind: Kind;
  private readonly stage: ActivationStage | undefined;
  private readonly geometries: GeometryCache<ConvGeometry>;

  constructor(config: C, prefix: string) {
    super(config, prefix);
    if (config.kernelSize === undefined) throw new ValueError(`${this.name}: kernelSize is required`);
    // The window is checked here, not first when the layer is built (strides 2n, kernelSize 0, ...).
    pair(config.kernelSize, 'kernelSize', this.name);
    pair(config.strides ?? 1, 'strides', this.name);
    pair(config.dilationRate ?? 1, 'dilationRate', this.name);
    checkPadding(config.padding ?? 'valid', this.name);
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
      throw new ValueError(`${this.name}: only dataFormat 'channelsLast' (NHWC) is supported, got ${String(config.dataFormat)}`);
    }
    this.stage = activationStage(config.activation, this.name);
    this.geometries = new GeometryCache((batch) => this.geometry([batch, ...this.inputShapes![0]!]));
    this.onDispose(this.geometries.disposer());
  }

  override get activation(): ActivationStage | undefined {
    return this.stage;
  }

  /** ReLU runs in the convolution's epilogue (the backward reads relu(z) > 0 from the output). */
  override get fusedActivation(): boolean {
    return this.stage?.name === 'relu';
  }

  protected get windowOptions(): ConvOptions {
    const c = this.config;
    return { strides: c.strides ?? 1, padding: c.padding ?? 'valid', dilationRate: c.dilationRate ?? 1 };
  }

  /** The filter shape for this many input channels. */
  protected abstract filterShape(inC: number): number[];

  private geometry(inputShape: Shape): ConvGeometry {
    const filter = this.filterShape(inputShape[3]!);
    if (this.kind === 'conv2d') return conv2dGeometry(inputShape, filter, this.windowOptions, this.name);
    if (this.kind === 'depthwiseConv2d') return depthwiseConv2dGeometry(inputShape, filter, this.windowOptions, this.name);
    return conv2dTransposeGeometry(inputShape, filter, this.windowOptions, this.name);
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes, [4], ' [batch, height, width, channels]');
    if (this.inputShapes !== undefined && s[2] !== this.inputShapes[0]![2]) {
      throw new ShapeError(`${this.name}: expected input with ${this.inputShapes[0]![2]} channels, got ${formatSample(s)}`);
    }
    return this.geometry([1, ...s]).outputShape.slice(1);
  }

  private readonly step = new ConvStep();

  forward(io: NodeIO, ctx: CallContext): void {
    this.step.forward(this.geometries.get(ctx.batch), io, this.weights[0]!.ptr, this.weights[1]?.ptr ?? 0, this.fusedActivation);
  }

  backward(io: NodeIO, ctx: CallContext): void {
    this.step.backward(this.geometries.get(ctx.batch), io, this.weights[0]!.ptr);
  }
}

/** Options of `layers.conv2d`. */
export interface Conv2DConfig extends ConvBaseConfig {
  filters: number;
  kernelInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike;
}

function checkFilters(layer: Layer, filters: unknown): void {
  if (!Number.isSafeInteger(filters) || (filters as number) <= 0) throw new ValueError(`${layer.name}: filters must be a positive integer, got ${String(filters)}`);
}

function kernelDims(size: number | readonly [number, number]): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/** 2-D convolution over NHWC images; kernel [kh, kw, inChannels, filters], bias [filters]. */
export class Conv2D extends ConvBase<Conv2DConfig> {
  readonly className = 'Conv2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Conv2DConfig>()('filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias', 'biasInitializer', 'biasRegularizer', 'dataFormat', 'kernelInitializer', 'kernelRegularizer');
  protected readonly kind = 'conv2d';
  constructor(config: Conv2DConfig) {
    super(config, 'conv2d');
    checkFilters(this, config.filters);
  }
  protected filterShape(inC: number): number[] {
    return [...kernelDims(this.config.kernelSize), inC, this.config.filters];
  }
  protected override build([input]: readonly Shape[]): void {
    this.addWeight('kernel', this.filterShape(input![2]!), this.config.kernelInitializer ?? 'glorotUniform', { regularizer: this.config.kernelRegularizer });
    if (this.config.useBias ?? true) this.addWeight('bias', [this.config.filters], this.config.biasInitializer ?? 'zeros', { regularizer: this.config.biasRegularizer });
  }
}

/** Options of `layers.depthwiseConv2d`. */
export interface DepthwiseConv2DConfig extends ConvBaseConfig {
  /** Output channels per input channel. Default 1. */
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerLike;
  depthwiseRegularizer?: RegularizerLike;
}

/** Depthwise 2-D convolution: each input channel convolved with its own depthMultiplier filters. */
export class DepthwiseConv2D extends ConvBase<DepthwiseConv2DConfig> {
  readonly className = 'DepthwiseConv2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<DepthwiseConv2DConfig>()('depthMultiplier', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias', 'biasInitializer', 'biasRegularizer', 'dataFormat', 'depthwiseInitializer', 'depthwiseRegularizer');
  protected readonly kind = 'depthwiseConv2d';
  constructor(config: DepthwiseConv2DConfig) {
    super(config, 'depthwise_conv2d');
    const dm = config.depthMultiplier ?? 1;
    if (!Number.isSafeInteger(dm) || dm <= 0) throw new ValueError(`${this.name}: depthMultiplier must be a positive integer, got ${String(dm)}`);
  }
  protected filterShape(inC: number): number[] {
    return [...kernelDims(this.config.kernelSize), inC, this.config.depthMultiplier ?? 1];
  }
  protected override build([input]: readonly Shape[]): void {
    const inC = input![2]!;
    this.addWeight('depthwise_kernel', this.filterShape(inC), this.config.depthwiseInitializer ?? 'glorotUniform', { regularizer: this.config.depthwiseRegularizer });
    if (this.config.useBias ?? true) this.addWeight('bias', [inC * (this.config.depthMultiplier ?? 1)], this.config.biasInitializer ?? 'zeros', { regularizer: this.config.biasRegularizer });
  }
}

/** Options of `layers.conv2dTranspose`. */
export interface Conv2DTransposeConfig extends ConvBaseConfig {
  filters: number;
  /** Keras's `output_padding`: extra output rows/columns (bottom/right), each below the stride; default Keras's sizes. */
  outputPadding?: number | readonly [number, number];
  kernelInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike;
}

/** Transposed 2-D convolution (learned upsampling); kernel [kh, kw, filters, inChannels]. */
export class Conv2DTranspose extends ConvBase<Conv2DTransposeConfig> {
  readonly className = 'Conv2DTranspose';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Conv2DTransposeConfig>()('filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias', 'biasInitializer', 'biasRegularizer', 'dataFormat', 'kernelInitializer', 'kernelRegularizer', 'outputPadding');
  protected readonly kind = 'conv2dTranspose';
  protected override get windowOptions(): ConvOptions {
    const outputPadding = this.config.outputPadding;
    return outputPadding === undefined ? super.windowOptions : { ...super.windowOptions, outputPadding };
  }
  constructor(config: Conv2DTransposeConfig) {
    super(config, 'conv2d_transpose');
    checkFilters(this, config.filters);
  }
  protected filterShape(inC: number): number[] {
    return [...kernelDims(this.config.kernelSize), this.config.filters, inC];
  }
  protected override build([input]: readonly Shape[]): void {
    this.addWeight('kernel', this.filterShape(input![2]!), this.config.kernelInitializer ?? 'glorotUniform', { regularizer: this.config.kernelRegularizer });
    if (this.config.useBias ?? true) this.addWeight('bias', [this.config.filters], this.config.biasInitializer ?? 'zeros', { regularizer: this.config.biasRegularizer });
  }
}
