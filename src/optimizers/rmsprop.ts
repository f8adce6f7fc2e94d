// RMSprop (torch.optim.RMSprop): one fused kernel, `f32_rmsprop_update`.
import type { Kernels } from '../backend/wasm.js';
import { checkFlag } from '../errors.js';
import { BASE_KEYS, BaseOptimizer, checkKeys, checkOption, type OptimizerOptions, type ParamEntry } from './base.js';

/** Flag bits of `f32_rmsprop_update` (mirror assembly/optim.ts). */
const RMSPROP_CENTERED = 1;
const RMSPROP_MOMENTUM = 2;

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

  protected update(k: Kernels, { ref, slots }: ParamEntry, lr: number): void {
    const gradAvg = this.centered ? slots[1]! : 0;
    const buf = this.momentum > 0 ? slots[slots.length - 1]! : 0;
    const flags = (this.centered ? RMSPROP_CENTERED : 0) | (this.momentum > 0 ? RMSPROP_MOMENTUM : 0);
    k.f32_rmsprop_update!(ref.ptr, ref.gradPtr, slots[0]!, gradAvg, buf, ref.size, lr, this.alpha, 1 - this.alpha, this.epsilon, this.weightDecay, this.momentum, flags);
  }

  protected ownConfig(): Record<string, unknown> {
    return { alpha: this.alpha, epsilon: this.epsilon, weightDecay: this.weightDecay, momentum: this.momentum, centered: this.centered };
  }
}
