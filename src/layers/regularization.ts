// Training-only noise layers: dropout and Gaussian noise. They read `ctx.training`; in inference
// they copy their input through.
import { kernels } from '../backend/wasm.js';
import { ValueError } from '../errors.js';
import { dropoutBackwardPtr, dropoutForwardPtr, gaussianNoiseForwardPtr } from '../ops/random.js';
import type { Shape } from '../tensor.js';
import { Layer, singleInput, type BaseLayerConfig, type CallContext, type NodeIO, type StateRequest } from './layer.js';

/** Options of `layers.dropout`. */
export interface DropoutConfig extends BaseLayerConfig {
  /** Fraction of the inputs zeroed in training, in [0, 1). */
  rate: number;
}

/** Inverted dropout: in training, zeroes each value with probability `rate` and scales the rest by 1/(1-rate). */
export class Dropout extends Layer<DropoutConfig> {
  readonly className = 'Dropout';
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
  forward(io: NodeIO, ctx: CallContext): void {
    const n = ctx.batch * io.output.size;
    const x = io.inputs[0]!;
    if (ctx.training && this.config.rate > 0) dropoutForwardPtr({ y: io.z, mask: io.state.mask!, x: x.ptr, n, rate: this.config.rate, rng: ctx.rng });
    else kernels().f32_copy!(io.z, x.ptr, n);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const n = ctx.batch * io.output.size;
    if (ctx.training && this.config.rate > 0) dropoutBackwardPtr({ dx: x.grad, dy: io.dz, mask: io.state.mask!, n });
    else kernels().f32_accumulate!(x.grad, io.dz, n);
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
  constructor(config: GaussianNoiseConfig) {
    super(config, 'gaussian_noise');
    if (typeof config.stddev !== 'number' || !(config.stddev >= 0) || !Number.isFinite(config.stddev)) {
      throw new ValueError(`${this.name}: stddev must be a finite number >= 0, got ${String(config.stddev)}`);
    }
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return singleInput(this, inputShapes);
  }
  forward(io: NodeIO, ctx: CallContext): void {
    const n = ctx.batch * io.output.size;
    const x = io.inputs[0]!;
    if (ctx.training) gaussianNoiseForwardPtr({ y: io.z, x: x.ptr, n, stddev: this.config.stddev, rng: ctx.rng });
    else kernels().f32_copy!(io.z, x.ptr, n);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad !== 0) kernels().f32_accumulate!(x.grad, io.dz, ctx.batch * io.output.size);
  }
}
