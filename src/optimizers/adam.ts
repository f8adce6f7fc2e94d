// Adam and AdamW (torch.optim.Adam, torch.optim.AdamW): one fused kernel, `f32_adam_update`.
import { checkFlag } from '../core/errors.js';
import { ADAM_BINDING, ADAM_FLAGS, ADAM_HYPER, adamUpdate, writeStruct } from '../kernels/optim.js';
import { BASE_KEYS, BaseOptimizer, checkKeys, checkOption, type OptimizerOptions, type ParamEntry } from './base.js';
import { powInt } from '../core/math.js';

/** Options of `optimizers.adam` and `optimizers.adamw` (torch's defaults). */
export interface AdamOptions extends OptimizerOptions {
  /** Default 1e-3. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of the first-moment average. Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average. Default 0.999. */
  beta2?: number;
  /** Added to the denominator. Default 1e-8. */
  epsilon?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad?: boolean;
}

const KEYS = [...BASE_KEYS, 'beta1', 'beta2', 'epsilon', 'weightDecay', 'amsgrad'];

/**
 * Adam, exactly torch.optim.Adam: `g += wd·p; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 * p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + ε)` with t the parameter's step (from 1).
 */
export class Adam extends BaseOptimizer {
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  /** AdamW: decay the parameter by (1 - lr·weightDecay) instead of adding to the gradient. */
  protected readonly decoupled: boolean;

  constructor(options: AdamOptions = {}, who = 'adam', decoupled = false) {
    checkKeys(who, options, KEYS);
    super(who, options, 1e-3);
    this.decoupled = decoupled;
    this.beta1 = checkOption(who, 'beta1', options.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = checkOption(who, 'beta2', options.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = checkOption(who, 'epsilon', options.epsilon ?? 1e-8, 0);
    this.weightDecay = checkOption(who, 'weightDecay', options.weightDecay ?? (decoupled ? 0.01 : 0), 0);
    this.amsgrad = checkFlag(who, 'amsgrad', options.amsgrad ?? false);
  }

  protected slotNames(): readonly string[] {
    return this.amsgrad ? ['m', 'v', 'vmax'] : ['m', 'v'];
  }

  protected override hyperBytes(): number {
    return ADAM_HYPER.bytes;
  }

  protected override writeHyper(ptr: number): void {
    const l2 = !this.decoupled && this.weightDecay !== 0;
    writeStruct(ptr, ADAM_HYPER, {
      beta1: this.beta1, oneMinusBeta1: 1 - this.beta1, beta2: this.beta2, oneMinusBeta2: 1 - this.beta2,
      eps: this.epsilon, weightDecay: this.weightDecay, flags: (this.amsgrad ? ADAM_FLAGS.amsgrad : 0) | (l2 ? ADAM_FLAGS.l2 : 0),
    });
  }

  /** Writes the parameter's buffers into its binding struct (allocated on first use). */
  protected override bind(entry: ParamEntry): void {
    if (entry.binding === 0) entry.binding = this.allocStruct(ADAM_BINDING.bytes);
    const { ref, slots } = entry;
    writeStruct(entry.binding, ADAM_BINDING, { param: ref.ptr, grad: ref.gradPtr, m: slots[0]!, v: slots[1]!, vmax: slots[2] ?? 0, n: ref.size });
  }

  protected update({ binding, steps }: ParamEntry, lr: number): void {
    const t = steps + 1;
    const biasCorrection1 = 1 - powInt(this.beta1, t);
    const biasCorrection2 = 1 - powInt(this.beta2, t);
    const paramScale = this.decoupled ? 1 - lr * this.weightDecay : 1;
    adamUpdate(binding, this.hyper, lr / biasCorrection1, paramScale, Math.sqrt(biasCorrection2));
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay, amsgrad: this.amsgrad };
  }
}

/**
 * AdamW, exactly torch.optim.AdamW: `p *= 1 - lr·weightDecay`, then the Adam update without L2
 * (decoupled weight decay, Loshchilov & Hutter). Default weightDecay 0.01.
 */
export class AdamW extends Adam {
  override readonly name: string = 'adamw';
  constructor(options: AdamOptions = {}) {
    super(options, 'adamw', true);
  }
}
