// Batch and layer normalisation over the last axis (channels-last, Keras defaults).
import { ShapeError, ValueError } from '../core/errors.js';
import type { InitializerLike } from '../initializers.js';
import type { RegularizerLike } from '../regularizers.js';
import {
  batchNormBackwardPtr,
  batchNormInferenceBackwardPtr,
  batchNormInferenceForwardPtr,
  batchNormTrainForwardPtr,
  layerNormBackwardPtr,
  layerNormForwardPtr,
  type BatchNormBackwardCall,
  type BatchNormInferenceBackwardCall,
  type BatchNormTrainForwardCall,
  type LayerNormBackwardCall,
} from '../ops/norm.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import { Layer, singleInput, type Weight } from './layer.js';
import { layerOptions, fillPtr, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO, StateRequest } from './node-io.js';

/** Options shared by batch and layer normalisation. */
export interface NormConfig extends BaseLayerConfig {
  /** The normalised axis: only the last one (-1, the channels; or its positive index counting the batch axis as 0). */
  axis?: number;
  epsilon?: number;
  /** Learn beta (an offset). Default true. */
  center?: boolean;
  /** Learn gamma (a scale). Default true. */
  scale?: boolean;
  betaInitializer?: InitializerLike;
  gammaInitializer?: InitializerLike;
  betaRegularizer?: RegularizerLike;
  gammaRegularizer?: RegularizerLike;
}

/** Every field any norm op reads: one object per layer, refilled each step (the ops read it synchronously). */
type NormCall = BatchNormTrainForwardCall & BatchNormInferenceBackwardCall & BatchNormBackwardCall & LayerNormBackwardCall & { beta: number; epsilon: number };

/** Shared by both: gamma/beta weights (or constant ones/zeros when not learned), channel checks. */
abstract class Normalization<C extends NormConfig> extends Layer<C> {
  protected gamma!: { ptr: number; weightIndex: number };
  protected beta!: { ptr: number; weightIndex: number };
  private readonly kernelCall: NormCall = {
    rows: 0, channels: 0, y: 0, x: 0, gamma: 0, beta: 0, epsilon: 0, momentum: 0, movingMean: 0, movingVar: 0,
    saveMean: 0, saveInvStd: 0, dx: 0, dgamma: 0, dbeta: 0, dy: 0,
  };

  protected checkAxis(): void {
    const axis = this.config.axis ?? -1;
    if (typeof axis !== 'number' || !Number.isSafeInteger(axis) || axis === 0) {
      throw new ValueError(`${this.name}: axis must be a non-zero integer (the last axis: -1), got ${typeof axis === 'bigint' ? `${String(axis)}n` : String(axis)}`);
    }
    const eps = this.config.epsilon ?? 1e-3;
    if (typeof eps !== 'number' || !(eps > 0)) throw new ValueError(`${this.name}: epsilon must be a positive number, got ${String(eps)}`);
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes);
    if (s.length < 1) throw new ShapeError(`${this.name}: expected input of rank >= 2, got ${formatSample(s)}`);
    // Keras counts the batch axis: on [*, 3] axis 1 is the last axis, as is -1.
    const axis = this.config.axis ?? -1;
    const rank = s.length + 1;
    if ((axis < 0 ? axis + rank : axis) !== rank - 1) {
      throw new ValueError(`${this.name}: only the last axis (-1 or ${rank - 1} for input ${formatSample(s)}) is supported, got axis ${axis}`);
    }
    return s;
  }

  /** Adds gamma then beta (Keras order), or owned constant buffers when they are not learned. */
  protected addScaleOffset(channels: number): void {
    if (this.config.scale ?? true) {
      this.gamma = { ptr: this.addWeight('gamma', [channels], this.config.gammaInitializer ?? 'ones', { regularizer: this.config.gammaRegularizer }).ptr, weightIndex: this.weights.length - 1 };
    } else {
      const ptr = this.allocOwned(channels);
      fillPtr(ptr, 1, channels);
      this.gamma = { ptr, weightIndex: -1 };
    }
    if (this.config.center ?? true) {
      this.beta = { ptr: this.addWeight('beta', [channels], this.config.betaInitializer ?? 'zeros', { regularizer: this.config.betaRegularizer }).ptr, weightIndex: this.weights.length - 1 };
    } else {
      const ptr = this.allocOwned(channels);
      fillPtr(ptr, 0, channels);
      this.beta = { ptr, weightIndex: -1 };
    }
  }

  /**
   * The layer's call object filled for this step: geometry (rows of the last axis), x, gamma, beta,
   * epsilon and the saved statistics; for `backward` also dx, dy and the gamma/beta gradients
   * (the plan's sink when not learned, frozen or not needed). Allocates nothing.
   */
  protected prepare(io: NodeIO, ctx: CallContext, backward: boolean): NormCall {
    const c = this.kernelCall;
    const x = io.inputs[0]!;
    c.channels = io.output.shape[io.output.shape.length - 1]!;
    c.rows = (ctx.batch * io.output.size) / c.channels;
    c.y = io.z;
    c.x = x.ptr;
    c.gamma = this.gamma.ptr;
    c.beta = this.beta.ptr;
    c.epsilon = this.epsilon;
    c.saveMean = io.state.saveMean ?? 0;
    c.saveInvStd = io.state.saveInvStd ?? 0;
    if (backward) {
      c.dx = x.grad || io.sink;
      c.dy = io.dz;
      c.dgamma = (this.gamma.weightIndex >= 0 ? io.weightGrads[this.gamma.weightIndex] ?? 0 : 0) || io.sink;
      c.dbeta = (this.beta.weightIndex >= 0 ? io.weightGrads[this.beta.weightIndex] ?? 0 : 0) || io.sink;
    }
    return c;
  }

  protected get epsilon(): number {
    return this.config.epsilon ?? 1e-3;
  }
}

/** Options of `layers.batchNormalization`. */
export interface BatchNormalizationConfig extends NormConfig {
  /** Fraction of the old moving statistic kept per training step. Default 0.99. */
  momentum?: number;
  movingMeanInitializer?: InitializerLike;
  movingVarianceInitializer?: InitializerLike;
}

/**
 * Batch normalisation over the channels (last axis): batch statistics in training (updating the
 * moving mean and variance), moving statistics in inference and when the layer is frozen
 * (`trainable = false`, as Keras). Weights: [gamma, beta, movingMean, movingVariance].
 */
export class BatchNormalization extends Normalization<BatchNormalizationConfig> {
  readonly className = 'BatchNormalization';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BatchNormalizationConfig>()('axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer', 'momentum', 'movingMeanInitializer', 'movingVarianceInitializer');
  private movingMean!: Weight;
  private movingVariance!: Weight;

  constructor(config: BatchNormalizationConfig = {}) {
    super(config, 'batch_normalization');
    this.checkAxis();
    const m = config.momentum ?? 0.99;
    if (typeof m !== 'number' || !(m >= 0 && m <= 1)) throw new ValueError(`${this.name}: momentum must be in [0, 1], got ${String(m)}`);
  }

  protected override build([input]: readonly Shape[]): void {
    const channels = input![input!.length - 1]!;
    this.addScaleOffset(channels);
    this.movingMean = this.addWeight('moving_mean', [channels], this.config.movingMeanInitializer ?? 'zeros', { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [channels], this.config.movingVarianceInitializer ?? 'ones', { trainable: false });
  }

  override stateRequests(inputs: readonly Shape[]): Record<string, StateRequest> {
    const channels = inputs[0]![inputs[0]!.length - 1]!;
    return { saveMean: { floats: channels }, saveInvStd: { floats: channels } };
  }

  private prepareStats(io: NodeIO, ctx: CallContext, backward: boolean): NormCall {
    const c = this.prepare(io, ctx, backward);
    c.movingMean = this.movingMean.ptr;
    c.movingVar = this.movingVariance.ptr;
    c.momentum = this.config.momentum ?? 0.99;
    return c;
  }

  forward(io: NodeIO, ctx: CallContext): void {
    const c = this.prepareStats(io, ctx, false);
    if (ctx.training && this.trainable) batchNormTrainForwardPtr(c);
    else batchNormInferenceForwardPtr(c);
  }

  backward(io: NodeIO, ctx: CallContext): void {
    const c = this.prepareStats(io, ctx, true);
    if (ctx.training && this.trainable) batchNormBackwardPtr(c);
    else batchNormInferenceBackwardPtr(c);
  }
}

/** Options of `layers.layerNormalization`. */
export type LayerNormalizationConfig = NormConfig;

/** Layer normalisation: each sample's last axis normalised to zero mean and unit variance, then gamma and beta. */
export class LayerNormalization extends Normalization<LayerNormalizationConfig> {
  readonly className = 'LayerNormalization';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<LayerNormalizationConfig>()('axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer');

  constructor(config: LayerNormalizationConfig = {}) {
    super(config, 'layer_normalization');
    this.checkAxis();
  }

  protected override build([input]: readonly Shape[]): void {
    this.addScaleOffset(input![input!.length - 1]!);
  }

  override stateRequests(inputs: readonly Shape[], _output: Shape, maxBatch: number): Record<string, StateRequest> {
    const s = inputs[0]!;
    const rows = (maxBatch * sizeOf(s)) / s[s.length - 1]!;
    return { saveMean: { floats: rows }, saveInvStd: { floats: rows } };
  }

  forward(io: NodeIO, ctx: CallContext): void {
    layerNormForwardPtr(this.prepare(io, ctx, false));
  }

  backward(io: NodeIO, ctx: CallContext): void {
    layerNormBackwardPtr(this.prepare(io, ctx, true));
  }
}
