// Tensor-level loss evaluation for users and tests: the value, the per-sample values and the
// gradient with respect to yPred, from one fused kernel call. Layers and fit() call
// `Loss.compute` on buffers already in wasm memory instead.
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { readF32, withScratch, writeF32 } from '../backend/memory.js';
import { Tensor, describeValue, sameShape } from '../core/tensor.js';
import type { Loss } from './loss.js';
import { get } from './registry.js';

/** Options of the tensor-level loss functions. */
export interface LossEvalOptions {
  /** One weight per sample ([batch]); the reported loss is still divided by batch (Keras). */
  sampleWeights?: Tensor;
}

/** The results of one loss evaluation. */
export interface LossEvaluation {
  /** The reported loss: mean over samples of the (weighted) per-sample loss. */
  value: number;
  /** Per-sample losses before weighting, shape [batch]. */
  perSample: Tensor;
  /** d(value)/d(yPred), the shape of yPred. */
  gradient: Tensor;
}

/**
 * Evaluates a loss (a Loss object or a registered name) on tensors. yPred is [batch, ...sample];
 * yTrue must be [batch, ...loss.targetSampleShape(sample)]; a trailing axis of 1 may be added or
 * dropped (labels [N, 1] for sparse losses, targets [N] for predictions [N, 1]), as Keras allows.
 */
export function evaluateLoss(loss: Loss | string, yTrue: Tensor, yPred: Tensor, options: LossEvalOptions = {}): LossEvaluation {
  const l = get(loss);
  const who = l.name;
  if (!(yPred instanceof Tensor) || !(yTrue instanceof Tensor)) {
    throw new ValueError(`${who}: yTrue and yPred must be Tensors, got ${describeValue(yTrue)} and ${describeValue(yPred)}`);
  }
  if (options === null || typeof options !== 'object') throw new ValueError(`${who}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  if (yPred.rank === 0) throw new ShapeError(`${who}: yPred must have a batch axis, got shape ${formatShape(yPred.shape)}`);
  const batch = yPred.shape[0]!;
  const sampleShape = yPred.shape.slice(1);
  const want = [batch, ...l.targetSampleShape(sampleShape)];
  // A trailing axis of 1 on either side is the same data (labels [N, 1], or [N] for predictions [N, 1]).
  const squeezed = want.length > 1 && want[want.length - 1] === 1 ? want.slice(0, -1) : undefined;
  if (!sameShape(yTrue.shape, want) && !sameShape(yTrue.shape, [...want, 1]) && !(squeezed && sameShape(yTrue.shape, squeezed))) {
    throw new ShapeError(`${who}: yTrue ${formatShape(yTrue.shape)} does not match yPred ${formatShape(yPred.shape)}; expected yTrue ${formatShape(want)}`);
  }
  const weights = options.sampleWeights;
  if (weights !== undefined && (!(weights instanceof Tensor) || weights.size !== batch)) {
    throw new ShapeError(`${who}: sampleWeights must be a Tensor of ${batch} values (one per sample), got ${weights instanceof Tensor ? formatShape(weights.shape) : String(weights)}`);
  }
  if (batch === 0) throw new ShapeError(`${who}: the batch is empty (yPred ${formatShape(yPred.shape)})`);
  const gradient = new Float32Array(yPred.size);
  const perSample = new Float32Array(batch);
  const value = withScratch((alloc) => {
    const pt = alloc(yTrue.size * 4), pp = alloc(yPred.size * 4), pd = alloc(yPred.size * 4), ps = alloc(batch * 4);
    const pw = weights ? alloc(batch * 4) : 0;
    writeF32(pt, yTrue.data);
    writeF32(pp, yPred.data);
    writeF32(pd, gradient);
    if (weights) writeF32(pw, weights.data);
    const v = l.compute({ yTrue: pt, yPred: pp, dPred: pd, batch, sampleShape, sampleWeights: pw, sampleLosses: ps });
    readF32(pd, yPred.size, gradient);
    readF32(ps, batch, perSample);
    return v;
  });
  return { value, perSample: new Tensor(perSample, [batch]), gradient: new Tensor(gradient, yPred.shape) };
}

/** The reported loss value (mean over samples). */
export function lossValue(loss: Loss | string, yTrue: Tensor, yPred: Tensor, options: LossEvalOptions = {}): number {
  return evaluateLoss(loss, yTrue, yPred, options).value;
}

/** d(loss)/d(yPred) of the reported loss, the shape of yPred. */
export function lossGradient(loss: Loss | string, yTrue: Tensor, yPred: Tensor, options: LossEvalOptions = {}): Tensor {
  return evaluateLoss(loss, yTrue, yPred, options).gradient;
}

/** The per-sample losses, shape [batch]. */
export function lossPerSample(loss: Loss | string, yTrue: Tensor, yPred: Tensor, options: LossEvalOptions = {}): Tensor {
  return evaluateLoss(loss, yTrue, yPred, options).perSample;
}
