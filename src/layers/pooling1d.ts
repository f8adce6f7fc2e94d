// Sequence pooling and resizing on [batch, steps, channels], run by the 2-D pooling and resize
// kernels on a [batch, 1, steps, channels] view (same memory layout, nothing copied):
// max/average pooling, their global forms, upSampling1d, and repeatVector ([batch, features]
// seen as [batch, 1, 1, features], upsampled n times along the height: [batch, n, features]).
import { avgPool2dBackwardPtr, avgPool2dForwardPtr, globalPool2dGeometry, maxPool2dBackwardPtr, maxPool2dForwardPtr, pool2dGeometry, type PoolGeometry } from '../ops/pool.js';
import { resizeBackwardPtr, resizeForwardPtr, upSampling2dGeometry, type ResizeGeometry } from '../ops/resize.js';
import type { Shape } from '../core/tensor.js';
import { f32 } from '../backend/memory.js';
import { positiveInt } from './positive-int.js';
import { singleInput } from './layer.js';
import { layerOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO } from './node-io.js';
import { WindowedLayer, type WindowGeometry } from './windowed-layer.js';

/** A single-input layer that runs a 2-D kernel on a 4-D view of its input. */
abstract class Viewed<C extends BaseLayerConfig, G extends WindowGeometry> extends WindowedLayer<C, G> {
  /** Input rank with the batch axis (3 for sequences, 2 for repeatVector). */
  protected readonly rank: number = 3;
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes, [this.rank], this.rank === 3 ? ' [batch, steps, channels]' : ' [batch, features]');
    const g = this.geometryFor(1, s);
    g.release();
    const out = g.outputShape;
    // [1, 1, steps, c] -> [steps, c]; global pools give [1, c] -> [c]; repeatVector [1, n, 1, f] -> [n, f].
    return out.length === 2 ? [out[1]!] : this.rank === 2 ? [out[1]!, out[3]!] : [out[2]!, out[3]!];
  }
}

/** Options of `maxPooling1d` / `averagePooling1d` (Keras names). */
export interface Pooling1DConfig extends BaseLayerConfig {
  /** Window length; default 2. */
  poolSize?: number;
  /** Default: poolSize. */
  strides?: number;
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
}


/** A pool on the view: max or mean over each window, chosen by the subclass. */
abstract class MaxOrMean<C extends BaseLayerConfig> extends Viewed<C, PoolGeometry> {
  protected abstract readonly max: boolean;
  forward(io: NodeIO, ctx: CallContext): void {
    if (this.max) maxPool2dForwardPtr(this.geom(ctx), this.forwardPtrs(io));
    else avgPool2dForwardPtr(this.geom(ctx), this.forwardPtrs(io));
  }
  backward(io: NodeIO, ctx: CallContext): void {
    if (io.inputs[0]!.grad === 0) return;
    if (this.max) maxPool2dBackwardPtr(this.geom(ctx), this.backwardPtrs(io));
    else avgPool2dBackwardPtr(this.geom(ctx), this.backwardPtrs(io));
  }
}

/** A windowed pool along the steps. */
abstract class Pool1D extends MaxOrMean<Pooling1DConfig> {
  private readonly size: number;
  private readonly stride: number;
  constructor(config: Pooling1DConfig, prefix: string) {
    super(config, prefix);
    this.size = positiveInt(this.name, 'poolSize', config.poolSize ?? 2);
    this.stride = positiveInt(this.name, 'strides', config.strides ?? this.size);
  }
  protected geometryFor(batch: number, [steps, c]: Shape): PoolGeometry {
    return pool2dGeometry([batch, 1, steps!, c!], { poolSize: [1, this.size], strides: [1, this.stride], padding: this.config.padding }, this.name);
  }
}

/** Max over windows of steps: [*, steps, c] -> [*, outSteps, c]; the gradient goes to the first maximum. */
export class MaxPooling1D extends Pool1D {
  readonly className = 'MaxPooling1D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Pooling1DConfig>()('poolSize', 'strides', 'padding');
  protected readonly max = true;
  constructor(config: Pooling1DConfig = {}) {
    super(config, 'max_pooling1d');
  }
}

/** Mean over windows of steps (padded steps not counted, as TensorFlow). */
export class AveragePooling1D extends Pool1D {
  readonly className = 'AveragePooling1D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<Pooling1DConfig>()('poolSize', 'strides', 'padding');
  protected readonly max = false;
  constructor(config: Pooling1DConfig = {}) {
    super(config, 'average_pooling1d');
  }
}

/** A pool over all steps: [*, steps, c] -> [*, c]; with a mask, over the unmasked steps only (0 when none). */
abstract class GlobalPool1D extends MaxOrMean<BaseLayerConfig> {
  protected geometryFor(batch: number, [steps, c]: Shape): PoolGeometry {
    return globalPool2dGeometry([batch, 1, steps!, c!], this.name);
  }
  override get consumesMask(): boolean {
    return true;
  }
  override forward(io: NodeIO, ctx: CallContext): void {
    if (io.mask === undefined) super.forward(io, ctx);
    else maskedPool(io, ctx.batch, this.max, false);
  }
  override backward(io: NodeIO, ctx: CallContext): void {
    if (io.mask === undefined) super.backward(io, ctx);
    else if (io.inputs[0]!.grad !== 0) maskedPool(io, ctx.batch, this.max, true);
  }
}

/**
 * Global pooling over the unmasked steps of each sample: forward writes the mean or max per
 * channel (0 for a sample without steps); backward adds dy to the inputs that made each value
 * (the first maximum, or every unmasked step scaled by 1 / count).
 */
function maskedPool(io: NodeIO, batch: number, max: boolean, backward: boolean): void {
  const x = io.inputs[0]!, [T, C] = x.shape as [number, number], m = f32();
  const X = x.ptr >>> 2, DX = x.grad >>> 2, M = io.mask!.ptr >>> 2, Y = io.z >>> 2, DY = io.dz >>> 2;
  for (let i = 0; i < batch; i++) {
    let count = 0;
    for (let t = 0; t < T; t++) if (m[M + i * T + t] !== 0) count++;
    for (let c = 0; c < C; c++) {
      let best = -1, acc = 0;
      for (let t = 0; t < T; t++) {
        if (m[M + i * T + t] === 0) continue;
        const v = m[X + (i * T + t) * C + c]!;
        if (!max) acc += v;
        else if (best < 0 || v > m[X + (i * T + best) * C + c]!) best = t;
      }
      if (!backward) {
        m[Y + i * C + c] = count === 0 ? 0 : max ? m[X + (i * T + best) * C + c]! : acc / count;
      } else if (max && best >= 0) {
        m[DX + (i * T + best) * C + c] = m[DX + (i * T + best) * C + c]! + m[DY + i * C + c]!;
      } else if (!max && count > 0) {
        const g = m[DY + i * C + c]! / count;
        for (let t = 0; t < T; t++) if (m[M + i * T + t] !== 0) m[DX + (i * T + t) * C + c] = m[DX + (i * T + t) * C + c]! + g;
      }
    }
  }
}

/** Mean over the steps: [*, steps, c] -> [*, c]. */
export class GlobalAveragePooling1D extends GlobalPool1D {
  readonly className = 'GlobalAveragePooling1D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BaseLayerConfig>()();
  protected readonly max = false;
  constructor(config: BaseLayerConfig = {}) {
    super(config, 'global_average_pooling1d');
  }
}

/** Max over the steps: [*, steps, c] -> [*, c]. */
export class GlobalMaxPooling1D extends GlobalPool1D {
  readonly className = 'GlobalMaxPooling1D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BaseLayerConfig>()();
  protected readonly max = true;
  constructor(config: BaseLayerConfig = {}) {
    super(config, 'global_max_pooling1d');
  }
}

/** A nearest-neighbour repeat: forward copies, backward sums the copies. */
abstract class Repeat<C extends BaseLayerConfig> extends Viewed<C, ResizeGeometry> {
  forward(io: NodeIO, ctx: CallContext): void {
    resizeForwardPtr(this.geom(ctx), this.forwardPtrs(io), this.name);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    if (io.inputs[0]!.grad !== 0) resizeBackwardPtr(this.geom(ctx), this.backwardPtrs(io), this.name);
  }
}

/** Options of `layers.upSampling1d`. */
export interface UpSampling1DConfig extends BaseLayerConfig {
  /** Times each step is repeated; default 2. */
  size?: number;
}

/** Repeats each step `size` times: [*, steps, c] -> [*, steps * size, c]. */
export class UpSampling1D extends Repeat<UpSampling1DConfig> {
  readonly className = 'UpSampling1D';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<UpSampling1DConfig>()('size');
  private readonly size: number;
  constructor(config: UpSampling1DConfig = {}) {
    super(config, 'up_sampling1d');
    this.size = positiveInt(this.name, 'size', config.size ?? 2);
  }
  protected geometryFor(batch: number, [steps, c]: Shape): ResizeGeometry {
    return upSampling2dGeometry([batch, 1, steps!, c!], { size: [1, this.size] }, this.name);
  }
}

/** Options of `layers.repeatVector`. */
export interface RepeatVectorConfig extends BaseLayerConfig {
  /** Number of repetitions. */
  n: number;
}

/** Repeats each input vector n times: [*, features] -> [*, n, features] (encoder-decoder bridges). */
export class RepeatVector extends Repeat<RepeatVectorConfig> {
  readonly className = 'RepeatVector';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<RepeatVectorConfig>()('n');
  protected override readonly rank = 2;
  private readonly n: number;
  constructor(config: RepeatVectorConfig) {
    super(config, 'repeat_vector');
    this.n = positiveInt(this.name, 'n', config.n);
  }
  protected geometryFor(batch: number, [features]: Shape): ResizeGeometry {
    return upSampling2dGeometry([batch, 1, 1, features!], { size: [this.n, 1] }, this.name);
  }
}
