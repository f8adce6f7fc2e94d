// RMSprop (torch.optim.RMSprop): one fused kernel, `f32_rmsprop_update`.
import { checkFlag } from '../core/errors.js';
import { RMSPROP_FLAGS, RMSPROP_HYPER, rmspropUpdate, writeStruct } from '../kernels/optim.js';
import { BASE_KEYS, BaseOptimizer, checkKeys, checkOption, type OptimizerOptions, type ParamEntry } from './base.js';

/** Options of `optimizers.rmsprop` (torch's defaults). */
export interface RMSpropOptions extends OptimizerOptions {
  /** Default 1e-2. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha?: number;
  /** Added to the denominator. Default 1e-8. */
  epsilon?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Normalise by the estimated variance (subtract the squared mean gradient). Default false. */
  centered?: boolean;
}

const KEYS = [...BASE_KEYS, 'alpha', 'epsilon', 'weightDecay', 'momentum', 'centered'];

/**
 * RMSprop, exactly torch.optim.RMSprop: `g += wd·p; sq = α·sq + (1-α)·g²`; centered:
 * `ga = α·ga + (1-α)·g`, `avg = sqrt(sq - ga²) + ε` (else `sqrt(sq) + ε`); with momentum
 * `buf = μ·buf + g/avg; p -= lr·buf`, else `p -= lr·g/avg`.
 */
export class RMSprop extends BaseOptimizer {
  readonly name = 'rmsprop';
  readonly alpha: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    checkKeys('rmsprop', options, KEYS);
    super('rmsprop', options, 1e-2);
    this.alpha = checkOption('rmsprop', 'alpha', options.alpha ?? 0.99, 0, 1);
    this.epsilon = checkOption('rmsprop', 'epsilon', options.epsilon ?? 1e-8, 0);
    this.weightDecay = checkOption('rmsprop', 'weightDecay', options.weightDecay ?? 0, 0);
    this.momentum = checkOption('rmsprop', 'momentum', options.momentum ?? 0, 0);
    this.centered = checkFlag('rmsprop', 'centered', options.centered ?? false);
  }

  /** Slot order is fixed (squareAvg, gradAvg, momentum); unused ones are not allocated. */
  protected slotNames(): readonly string[] {
    const names = ['squareAvg'];
    if (this.centered) names.push('gradAvg');
    if (this.momentum > 0) names.push('momentum');
    return names;
  }

  protected override hyperBytes(): number {
    return RMSPROP_HYPER.bytes;
  }

  protected override writeHyper(ptr: number): void {
    writeStruct(ptr, RMSPROP_HYPER, {
      alpha: this.alpha, oneMinusAlpha: 1 - this.alpha, eps: this.epsilon, weightDecay: this.weightDecay, momentum: this.momentum,
      flags: (this.centered ? RMSPROP_FLAGS.centered : 0) | (this.momentum > 0 ? RMSPROP_FLAGS.momentum : 0),
    });
  }

  protected update({ ref, slots }: ParamEntry, lr: number): void {
    const gradAvg = this.centered ? slots[1]! : 0;
    const buf = this.momentum > 0 ? slots[slots.length - 1]! : 0;
    rmspropUpdate(ref.ptr, ref.gradPtr, slots[0]!, gradAvg, buf, ref.size, this.hyper, lr);
  }

  protected ownConfig(): Record<string, unknown> {
    return { alpha: this.alpha, epsilon: this.epsilon, weightDecay: this.weightDecay, momentum: this.momentum, centered: this.centered };
  }
}
