// Adamax and NAdam (torch.optim.Adamax, torch.optim.NAdam): Adam's family, one fused kernel each.
import { ADAMAX_HYPER, NADAM_HYPER, adamaxUpdate, nadamUpdate, writeStruct } from '../kernels/optim.js';
import { BASE_KEYS, BaseOptimizer, checkKeys, checkOption, type OptimizerOptions, type ParamEntry } from './base.js';
import { pow, powInt } from '../core/math.js';

/** Options of `optimizers.adamax` and `optimizers.nadam` (torch's defaults). */
export interface AdamaxOptions extends OptimizerOptions {
  /** Default 2e-3. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

/** Options of `optimizers.nadam`: Adamax's plus the momentum schedule's decay. */
export interface NAdamOptions extends AdamaxOptions {
  /** ψ in mu_t = β1·(1 - 0.5·0.96^(t·ψ)). Default 4e-3. */
  momentumDecay?: number;
}

const KEYS = [...BASE_KEYS, 'beta1', 'beta2', 'epsilon', 'weightDecay'];

/** What Adamax and NAdam share: options, validation, slots m and v/u. */
abstract class AdamFamily extends BaseOptimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;

  protected constructor(who: string, options: AdamaxOptions, keys: readonly string[]) {
    checkKeys(who, options, keys);
    super(who, options, 2e-3);
    this.beta1 = checkOption(who, 'beta1', options.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = checkOption(who, 'beta2', options.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = checkOption(who, 'epsilon', options.epsilon ?? 1e-8, 0);
    this.weightDecay = checkOption(who, 'weightDecay', options.weightDecay ?? 0, 0);
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }
}

/**
 * Adamax, exactly torch.optim.Adamax: `g += wd·p; m = β1·m + (1-β1)·g; u = max(β2·u, |g| + ε);
 * p -= lr/(1-β1^t)·m/u`.
 */
export class Adamax extends AdamFamily {
  readonly name = 'adamax';
  constructor(options: AdamaxOptions = {}) {
    super('adamax', options, KEYS);
  }

  protected slotNames(): readonly string[] {
    return ['m', 'u'];
  }

  protected override hyperBytes(): number {
    return ADAMAX_HYPER.bytes;
  }

  protected override writeHyper(ptr: number): void {
    writeStruct(ptr, ADAMAX_HYPER, { beta1: this.beta1, oneMinusBeta1: 1 - this.beta1, beta2: this.beta2, eps: this.epsilon, weightDecay: this.weightDecay });
  }

  protected update({ ref, slots, steps }: ParamEntry, lr: number): void {
    const clr = lr / (1 - powInt(this.beta1, steps + 1));
    adamaxUpdate(ref.ptr, ref.gradPtr, slots[0]!, slots[1]!, ref.size, this.hyper, clr);
  }
}

/**
 * NAdam, torch.optim.NAdam's documented algorithm: `mu_t = β1·(1 - 0.5·0.96^(t·ψ))`,
 * `m, v` as in Adam, `denom = sqrt(v/(1-β2^t)) + ε`,
 * `p -= lr·(1-mu_t)/(1-Π mu_1..t)·g/denom + lr·mu_{t+1}/(1-Π mu_1..t+1)·m/denom`.
 * (PyTorch 1.13's code multiplies mu_t twice into the second product, which 2.0 fixed; this
 * follows the documentation and PyTorch >= 2.0.) 0.96^x is computed with the library's
 * deterministic `pow`, not the host's.
 */
export class NAdam extends AdamFamily {
  readonly name = 'nadam';
  readonly momentumDecay: number;

  constructor(options: NAdamOptions = {}) {
    super('nadam', options, [...KEYS, 'momentumDecay']);
    this.momentumDecay = checkOption('nadam', 'momentumDecay', options.momentumDecay ?? 4e-3, 0);
  }

  protected slotNames(): readonly string[] {
    return ['m', 'v'];
  }

  private mu(t: number): number {
    return this.beta1 * (1 - 0.5 * pow(0.96, t * this.momentumDecay));
  }

  protected override hyperBytes(): number {
    return NADAM_HYPER.bytes;
  }

  protected override writeHyper(ptr: number): void {
    writeStruct(ptr, NADAM_HYPER, {
      beta1: this.beta1, oneMinusBeta1: 1 - this.beta1, beta2: this.beta2, oneMinusBeta2: 1 - this.beta2, eps: this.epsilon, weightDecay: this.weightDecay,
    });
  }

  protected update(entry: ParamEntry, lr: number): void {
    const { ref, slots } = entry;
    const t = entry.steps + 1;
    const mu = this.mu(t);
    const muNext = this.mu(t + 1);
    entry.aux *= mu; // product of mu_1..t
    const gradCoef = (-lr * (1 - mu)) / (1 - entry.aux);
    const momentumCoef = (-lr * muNext) / (1 - entry.aux * muNext);
    nadamUpdate(ref.ptr, ref.gradPtr, slots[0]!, slots[1]!, ref.size, this.hyper, gradCoef, momentumCoef, 1 - powInt(this.beta2, t));
  }

  protected override restoreAux(entry: ParamEntry): void {
    entry.aux = 1;
    for (let t = 1; t <= entry.steps; t++) entry.aux *= this.mu(t);
  }

  protected override ownConfig(): Record<string, unknown> {
    return { ...super.ownConfig(), momentumDecay: this.momentumDecay };
  }
}
