// SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD).
import { ValueError, checkFlag } from '../core/errors.js';
import { SGD_FLAGS, sgdUpdate } from '../kernels/optim.js';
import { BASE_KEYS, BaseOptimizer, checkKeys, checkOption, type OptimizerOptions, type ParamEntry } from './base.js';

/** Options of `optimizers.sgd`; defaults are torch's, except learningRate (torch has none). */
export interface SGDOptions extends OptimizerOptions {
  /** Step size. Default 0.01 (Keras's default; torch.optim.SGD requires one). */
  learningRate?: OptimizerOptions['learningRate'];
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Dampening of the gradient's contribution to momentum. Default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient: g + weightDecay·p. Default 0. */
  weightDecay?: number;
}

const KEYS = [...BASE_KEYS, 'momentum', 'dampening', 'nesterov', 'weightDecay'];

/**
 * Stochastic gradient descent, exactly torch.optim.SGD:
 * `d = g + wd·p; buf = momentum·buf + (1 - dampening)·d` (buf = d on the first step);
 * `d = nesterov ? d + momentum·buf : buf; p -= lr·d`.
 * Batch GD, SGD and mini-batch GD are this optimizer with `fit`'s batchSize set to the dataset
 * size, 1, or in between.
 */
export class SGD extends BaseOptimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(options: SGDOptions = {}) {
    checkKeys('sgd', options, KEYS);
    super('sgd', options, 0.01);
    this.momentum = checkOption('sgd', 'momentum', options.momentum ?? 0, 0);
    this.dampening = checkOption('sgd', 'dampening', options.dampening ?? 0, 0);
    this.nesterov = checkFlag('sgd', 'nesterov', options.nesterov ?? false);
    this.weightDecay = checkOption('sgd', 'weightDecay', options.weightDecay ?? 0, 0);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ValueError(`sgd: nesterov needs momentum > 0 and dampening 0, got momentum ${this.momentum} and dampening ${this.dampening}`);
    }
  }

  protected slotNames(): readonly string[] {
    return this.momentum !== 0 ? ['momentum'] : [];
  }

  protected update({ ref, slots, steps }: ParamEntry, lr: number): void {
    const flags = (this.momentum !== 0 ? SGD_FLAGS.momentum : 0) | (this.nesterov ? SGD_FLAGS.nesterov : 0) | (steps === 0 ? SGD_FLAGS.first : 0);
    sgdUpdate(ref.ptr, ref.gradPtr, slots[0] ?? 0, ref.size, lr, this.momentum, 1 - this.dampening, this.weightDecay, flags);
  }

  protected ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }
}
