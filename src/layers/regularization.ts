// Training-only noise layers: dropout and Gaussian noise. They read `ctx.training`; in inference
// they copy their input through.
import { copy } from '../kernels/memory.js';
import { accumulate } from '../kernels/graph.js';
import { ValueError } from '../core/errors.js';
import { dropoutBackwardPtr, dropoutForwardPtr, gaussianNoiseForwardPtr, type DropoutBackwardCall, type DropoutForwardCall, type GaussianNoiseForwardCall } from '../ops/random.js';
import type { Shape } from '../core/tensor.js';
import { Layer, singleInput } from './layer.js';
import { layerOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO, StateRequest } from './node-io.js';

/** Options of `layers.dropout`. */
export interface DropoutConfig extends BaseLayerConfig {
  /** Fraction of the inputs zeroed in training, in [0, 1). */
  rate: number;
}

/** Inverted dropout: in training, zeroes each value with probability `rate` and scales the rest by 1/(1-rate). */
export class Dropout extends Layer<DropoutConfig> {
  readonly className = 'Dropout';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<DropoutConfig>()('rate');
  constructor(config: DropoutConfig) {
    super(config, 'dropout');
    if (typeof config.rate !== 'number' || !(config.rate >= 0 && config.rate < 1)) throw new ValueError(`${this.name}: rate must be a number in [0, 1), got ${String(config.rate)}`);
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return singleInput(this, inputShapes);
  }
  override stateRequests(_inputs: readonly Shape[], output: Shape, maxBatch: number): Record<string, StateRequest> {
    return { mask: { floats: maxBatch * output.reduce((a, b) => a * b, 1) } };
  }
  /** One call object per layer, refilled each training step (the dropout ops read it synchronously). */
  private kernelCall: (DropoutForwardCall & DropoutBackwardCall) | undefined;
  private prepare(io: NodeIO, ctx: CallContext): DropoutForwardCall & DropoutBackwardCall {
    const c = (this.kernelCall ??= { y: 0, x: 0, dx: 0, dy: 0, mask: 0, n: 0, rate: 0, rng: ctx.rng });
    const x = io.inputs[0]!;
    c.y = io.z;
    c.x = x.ptr;
    c.dx = x.grad;
    c.dy = io.dz;
    c.mask = io.state.mask!;
    c.n = ctx.batch * io.output.size;
    c.rate = this.config.rate;
    c.rng = ctx.rng;
    return c;
  }
  forward(io: NodeIO, ctx: CallContext): void {
    if (ctx.training && this.config.rate > 0) dropoutForwardPtr(this.prepare(io, ctx));
    else copy(io.z, io.inputs[0]!.ptr, ctx.batch * io.output.size);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    if (ctx.training && this.config.rate > 0) dropoutBackwardPtr(this.prepare(io, ctx));
    else accumulate(x.grad, io.dz, ctx.batch * io.output.size);
  }
}

/** Options of `layers.gaussianNoise`. */
export interface GaussianNoiseConfig extends BaseLayerConfig {
  /** Standard deviation of the noise added in training. */
  stddev: number;
}

/** Adds zero-mean Gaussian noise in training (a regulariser); the identity in inference. */
export class GaussianNoise extends Layer<GaussianNoiseConfig> {
  readonly className = 'GaussianNoise';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<GaussianNoiseConfig>()('stddev');
  constructor(config: GaussianNoiseConfig) {
    super(config, 'gaussian_noise');
    if (typeof config.stddev !== 'number' || !(config.stddev >= 0) || !Number.isFinite(config.stddev)) {
      throw new ValueError(`${this.name}: stddev must be a finite number >= 0, got ${String(config.stddev)}`);
    }
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return singleInput(this, inputShapes);
  }
  /** One call object per layer, refilled each training step (the noise op reads it synchronously). */
  private kernelCall: GaussianNoiseForwardCall | undefined;
  forward(io: NodeIO, ctx: CallContext): void {
    const n = ctx.batch * io.output.size;
    const x = io.inputs[0]!;
    if (!ctx.training) {
      copy(io.z, x.ptr, n);
      return;
    }
    const c = (this.kernelCall ??= { y: 0, x: 0, n: 0, stddev: 0, rng: ctx.rng });
    c.y = io.z;
    c.x = x.ptr;
    c.n = n;
    c.stddev = this.config.stddev;
    c.rng = ctx.rng;
    gaussianNoiseForwardPtr(c);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) accumulate(x.grad, io.dz, ctx.batch * io.output.size);
  }
}
