// Adagrad (torch.optim.Adagrad): one fused kernel, `f32_adagrad_update`.
import { adagradUpdate } from '../kernels/optim.js';
import { BASE_KEYS, BaseOptimizer, checkKeys, checkOption, type OptimizerOptions, type ParamEntry } from './base.js';

/** Options of `optimizers.adagrad` (torch's defaults). */
export interface AdagradOptions extends OptimizerOptions {
  /** Default 1e-2. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Learning-rate decay: step t uses lr / (1 + (t-1)·lrDecay). Default 0. */
  lrDecay?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Starting value of the squared-gradient sum. Default 0 (torch; Keras uses 0.1). */
  initialAccumulatorValue?: number;
  /** Added to the denominator. Default 1e-10. */
  epsilon?: number;
}

const KEYS = [...BASE_KEYS, 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'epsilon'];

/** Adagrad, exactly torch.optim.Adagrad: `g += wd·p; sum += g²; p -= clr·g/(sqrt(sum) + ε)`. */
export class Adagrad extends BaseOptimizer {
  readonly name = 'adagrad';
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    checkKeys('adagrad', options, KEYS);
    super('adagrad', options, 1e-2);
    this.lrDecay = checkOption('adagrad', 'lrDecay', options.lrDecay ?? 0, 0);
    this.weightDecay = checkOption('adagrad', 'weightDecay', options.weightDecay ?? 0, 0);
    this.initialAccumulatorValue = checkOption('adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0, 0);
    this.epsilon = checkOption('adagrad', 'epsilon', options.epsilon ?? 1e-10, 0);
  }

  protected slotNames(): readonly string[] {
    return ['sum'];
  }

  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected update({ ref, slots, steps }: ParamEntry, lr: number): void {
    const clr = lr / (1 + steps * this.lrDecay);
    adagradUpdate(ref.ptr, ref.gradPtr, slots[0]!, ref.size, clr, this.epsilon, this.weightDecay);
  }

  protected ownConfig(): Record<string, unknown> {
    return { lrDecay: this.lrDecay, weightDecay: this.weightDecay, initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
