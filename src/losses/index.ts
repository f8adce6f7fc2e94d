// `losses.*`: the loss factories, `losses.get(name, config)` and tensor-level evaluation.
import type { Tensor } from '../core/tensor.js';
import type { Loss } from './loss.js';
import { evaluateLoss, type LossEvalOptions } from './evaluate.js';

export type { Loss, LossCall } from './loss.js';
export {
  type LossName, type CrossentropyOptions, type BinaryCrossentropyOptions, LOSS_NAMES, get,
  meanSquaredError, meanAbsoluteError, rootMeanSquaredError, meanBiasError, huber, smoothL1, logCosh,
  meanSquaredLogarithmicError, meanAbsolutePercentageError, poisson, quantile, binaryCrossentropy,
  categoricalCrossentropy, sparseCategoricalCrossentropy, pixelwiseCrossentropy, kullbackLeiblerDivergence,
  hinge, perceptron, squaredHinge, categoricalHinge, multiclassHinge, contrastive, tripletMargin, marginRanking, dice,
} from './registry.js';
export { evaluateLoss, type LossEvalOptions, type LossEvaluation } from './evaluate.js';

/** The loss value (mean over samples) of `loss` (a Loss or a registered name) on tensors. */
export function compute(loss: Loss | string, yTrue: Tensor, yPred: Tensor, options: LossEvalOptions = {}): number {
  return evaluateLoss(loss, yTrue, yPred, options).value;
}
