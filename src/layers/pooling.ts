// Pooling and resizing layers (NHWC): max/average pooling, their global forms, upsampling and
// zero padding. Each keeps one geometry per batch size.
import { ValueError } from '../core/errors.js';
import { avgPool2dBackwardPtr, avgPool2dForwardPtr, globalPool2dGeometry, maxPool2dBackwardPtr, maxPool2dForwardPtr, pool2dGeometry, type PoolGeometry } from '../ops/pool.js';
import { resizeBackwardPtr, resizeForwardPtr, upSampling2dGeometry, zeroPadding2dGeometry, cropping2dGeometry, type Border2d, type ResizeGeometry } from '../ops/resize.js';
import type { Shape } from '../core/tensor.js';
import { maxPoolBackwardReluWrite } from '../kernels/pool-relu.js';
import { pair } from '../ops/geometry.js';
import { singleInput } from './layer.js';
import { layerOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO } from './node-io.js';
import { WindowedLayer, type WindowGeometry } from './windowed-layer.js';

/** A single-input NHWC layer: the subclass gives the geometry of the whole [batch, ...sample] shape. */
abstract class Windowed<C extends BaseLayerConfig, G extends WindowGeometry> extends WindowedLayer<C, G> {
  protected abstract geometry(inputShape: Shape): G;
  protected geometryFor(batch: number, sample: Shape): G {
    return this.geometry([batch, ...sample]);
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes, [4], ' [batch, height, width, channels]');
    const g = this.geometry([1, ...s]);
    g.release();
    return g.outputShape.slice(1);
  }
}

/** Options of the windowed pooling layers (Keras names). */
export interface Pooling2DConfig extends BaseLayerConfig {
  /** Window, or [height, width]; default 2. */
  poolSize?: number | readonly [number, number];
  /** Default: poolSize. */
  strides?: number | readonly [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
}

/** Max over each window; the gradient goes to the first maximum. */
export class MaxPooling2D extends Windowed<Pooling2DConfig, PoolGeometry> {
  readonly className = 'MaxPooling2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Pooling2DConfig>()('poolSize', 'strides', 'padding');
  constructor(config: Pooling2DConfig = {}) {
    super(config, 'max_pooling2d');
  }
  protected geometry(inputShape: Shape): PoolGeometry {
    return pool2dGeometry(inputShape, { poolSize: this.config.poolSize ?? 2, strides: this.config.strides, padding: this.config.padding }, this.name);
  }
  /** Windows that tile the input (stride = window) let the plan fuse the ReLU before the pool into its backward. */
  get fusesReluBackward(): boolean {
    const k = pair(this.config.poolSize ?? 2, 'poolSize', this.name);
    const s = this.config.strides === undefined ? k : pair(this.config.strides, 'strides', this.name);
    return s[0] === k[0] && s[1] === k[1];
  }
  forward(io: NodeIO, ctx: CallContext): void {
    maxPool2dForwardPtr(this.geom(ctx), this.forwardPtrs(io));
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const g = this.geom(ctx);
    if (io.reluGradWrite === true) maxPoolBackwardReluWrite(x.grad, io.dz, x.ptr, g.ptr(), g.inputSize, g.outputSize);
    else maxPool2dBackwardPtr(g, this.backwardPtrs(io));
  }
}

/** Mean over each window (padded cells not counted, as TensorFlow). */
export class AveragePooling2D extends Windowed<Pooling2DConfig, PoolGeometry> {
  readonly className = 'AveragePooling2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Pooling2DConfig>()('poolSize', 'strides', 'padding');
  constructor(config: Pooling2DConfig = {}) {
    super(config, 'average_pooling2d');
  }
  protected geometry(inputShape: Shape): PoolGeometry {
    return pool2dGeometry(inputShape, { poolSize: this.config.poolSize ?? 2, strides: this.config.strides, padding: this.config.padding }, this.name);
  }
  forward(io: NodeIO, ctx: CallContext): void {
    avgPool2dForwardPtr(this.geom(ctx), this.forwardPtrs(io));
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) avgPool2dBackwardPtr(this.geom(ctx), this.backwardPtrs(io));
  }
}

/** Mean over height and width: [*, h, w, c] -> [*, c]. */
export class GlobalAveragePooling2D extends Windowed<BaseLayerConfig, PoolGeometry> {
  readonly className = 'GlobalAveragePooling2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BaseLayerConfig>()();
  constructor(config: BaseLayerConfig = {}) {
    super(config, 'global_average_pooling2d');
  }
  protected geometry(inputShape: Shape): PoolGeometry {
    return globalPool2dGeometry(inputShape, this.name);
  }
  forward(io: NodeIO, ctx: CallContext): void {
    avgPool2dForwardPtr(this.geom(ctx), this.forwardPtrs(io));
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) avgPool2dBackwardPtr(this.geom(ctx), this.backwardPtrs(io));
  }
}

/** Max over height and width: [*, h, w, c] -> [*, c]. */
export class GlobalMaxPooling2D extends Windowed<BaseLayerConfig, PoolGeometry> {
  readonly className = 'GlobalMaxPooling2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BaseLayerConfig>()();
  constructor(config: BaseLayerConfig = {}) {
    super(config, 'global_max_pooling2d');
  }
  protected geometry(inputShape: Shape): PoolGeometry {
    return globalPool2dGeometry(inputShape, this.name);
  }
  forward(io: NodeIO, ctx: CallContext): void {
    maxPool2dForwardPtr(this.geom(ctx), this.forwardPtrs(io));
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) maxPool2dBackwardPtr(this.geom(ctx), this.backwardPtrs(io));
  }
}

/** Shared by the resizing layers: forward copies, backward accumulates. */
abstract class Resize<C extends BaseLayerConfig> extends Windowed<C, ResizeGeometry> {
  forward(io: NodeIO, ctx: CallContext): void {
    resizeForwardPtr(this.geom(ctx), this.forwardPtrs(io), this.name);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) resizeBackwardPtr(this.geom(ctx), this.backwardPtrs(io), this.name);
  }
}

/** Options of `layers.upSampling2d`. */
export interface UpSampling2DConfig extends BaseLayerConfig {
  /** Repeat factor, or [height, width]; default 2. */
  size?: number | readonly [number, number];
  /** Only 'nearest'. */
  interpolation?: 'nearest';
}

/** Nearest-neighbour upsampling: each pixel repeated size times along height and width. */
export class UpSampling2D extends Resize<UpSampling2DConfig> {
  readonly className = 'UpSampling2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<UpSampling2DConfig>()('size', 'interpolation');
  constructor(config: UpSampling2DConfig = {}) {
    super(config, 'up_sampling2d');
    if (config.interpolation !== undefined && config.interpolation !== 'nearest') {
      throw new ValueError(`${this.name}: only interpolation 'nearest' is supported, got ${String(config.interpolation)}`);
    }
  }
  protected geometry(inputShape: Shape): ResizeGeometry {
    return upSampling2dGeometry(inputShape, { size: this.config.size ?? 2 }, this.name);
  }
}

/** Options of `layers.zeroPadding2d`. */
export interface ZeroPadding2DConfig extends BaseLayerConfig {
  /** n, [rows, cols], or [[top, bottom], [left, right]]; default 1. */
  padding?: Border2d;
}

/** Adds rows and columns of zeros around each image. */
export class ZeroPadding2D extends Resize<ZeroPadding2DConfig> {
  readonly className = 'ZeroPadding2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<ZeroPadding2DConfig>()('padding');
  constructor(config: ZeroPadding2DConfig = {}) {
    super(config, 'zero_padding2d');
  }
  protected geometry(inputShape: Shape): ResizeGeometry {
    return zeroPadding2dGeometry(inputShape, { padding: this.config.padding ?? 1 }, this.name);
  }
}

/** Options of `layers.cropping2d`. */
export interface Cropping2DConfig extends BaseLayerConfig {
  /** n, [rows, cols], or [[top, bottom], [left, right]]; default 0. */
  cropping?: Border2d;
}

/** Removes rows and columns at the borders of each image. */
export class Cropping2D extends Resize<Cropping2DConfig> {
  readonly className = 'Cropping2D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Cropping2DConfig>()('cropping');
  constructor(config: Cropping2DConfig = {}) {
    super(config, 'cropping2d');
  }
  protected geometry(inputShape: Shape): ResizeGeometry {
    return cropping2dGeometry(inputShape, { cropping: this.config.cropping ?? 0 }, this.name);
  }
}
