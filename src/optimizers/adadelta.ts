// Adadelta (torch.optim.Adadelta): one fused kernel, `f32_adadelta_update`.
import { ADADELTA_HYPER, adadeltaUpdate, writeStruct } from '../kernels/optim.js';
import { BASE_KEYS, BaseOptimizer, checkKeys, checkOption, type OptimizerOptions, type ParamEntry } from './base.js';

/** Options of `optimizers.adadelta` (torch's defaults). */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Scales the delta. Default 1.0. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of the running averages. Default 0.9. */
  rho?: number;
  /** Added inside both square roots. Default 1e-6. */
  epsilon?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

const KEYS = [...BASE_KEYS, 'rho', 'epsilon', 'weightDecay'];

/**
 * Adadelta, exactly torch.optim.Adadelta: `g += wd·p; sq = ρ·sq + (1-ρ)·g²;
 * δ = sqrt(acc + ε)/sqrt(sq + ε)·g; acc = ρ·acc + (1-ρ)·δ²; p -= lr·δ`.
 */
export class Adadelta extends BaseOptimizer {
  readonly name = 'adadelta';
  readonly rho: number;
  readonly epsilon: number;
  readonly weightDecay: number;

  constructor(options: AdadeltaOptions = {}) {
    checkKeys('adadelta', options, KEYS);
    super('adadelta', options, 1.0);
    this.rho = checkOption('adadelta', 'rho', options.rho ?? 0.9, 0, 1);
    this.epsilon = checkOption('adadelta', 'epsilon', options.epsilon ?? 1e-6, 0);
    this.weightDecay = checkOption('adadelta', 'weightDecay', options.weightDecay ?? 0, 0);
  }

  protected slotNames(): readonly string[] {
    return ['squareAvg', 'accDelta'];
  }

  protected override hyperBytes(): number {
    return ADADELTA_HYPER.bytes;
  }

  protected override writeHyper(ptr: number): void {
    writeStruct(ptr, ADADELTA_HYPER, { rho: this.rho, oneMinusRho: 1 - this.rho, eps: this.epsilon, weightDecay: this.weightDecay });
  }

  protected update({ ref, slots }: ParamEntry, lr: number): void {
    adadeltaUpdate(ref.ptr, ref.gradPtr, slots[0]!, slots[1]!, ref.size, this.hyper, lr);
  }

  protected ownConfig(): Record<string, unknown> {
    return { rho: this.rho, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }
}
