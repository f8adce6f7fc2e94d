// Batch and layer normalisation: the bindings of assembly/norm.ts.
//
// Layout: x is [..., channels], seen as [rows, channels] with rows = the product of the other
// axes (an NHWC batch is rows = N*H*W). Batch norm normalises each channel over the rows; layer
// norm each row over its channels. Conventions are Keras's (momentum = the fraction of the old
// moving statistic kept, epsilon 1e-3) with PyTorch's unbiased moving variance; see
// assembly/norm.ts for the formulas.
//
// The pointer level (what layers call) is in norm-pointer.ts, re-exported here; this file holds
// the tensor-level ops.
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { checkOptions } from '../core/errors.js';
import { fill } from '../kernels/memory.js';
import { readF32, withScratch, writeF32 } from '../backend/memory.js';
import { Tensor, expectRank, sizeOf } from '../core/tensor.js';

import {
  NORM_DEFAULTS, batchNormBackwardPtr, batchNormInferenceBackwardPtr, batchNormInferenceForwardPtr, batchNormTrainForwardPtr,
  layerNormBackwardPtr, layerNormForwardPtr, type NormGeometry,
} from './norm-pointer.js';

export * from './norm-pointer.js';

// ---- Tensor level ----

/** Per-channel parameters of the tensor-level normalisation ops (defaults: gamma 1, beta 0). */
export interface NormParams {
  /** Scale, [channels]; default ones. */
  gamma?: Tensor;
  /** Offset, [channels]; default zeros. */
  beta?: Tensor;
  /** Default 1e-3 (Keras). */
  epsilon?: number;
}

/** Statistics for `ops.batchNormalization` (inference). */
export interface BatchNormParams extends NormParams {
  /** [channels] */
  mean: Tensor;
  /** [channels] */
  variance: Tensor;
}

/** Options of `ops.batchNormalizationTraining`. */
export interface BatchNormTrainingParams extends NormParams {
  /** [channels]; default zeros (Keras's initial moving mean). */
  movingMean?: Tensor;
  /** [channels]; default ones. */
  movingVariance?: Tensor;
  /** Fraction of the old moving statistic kept, in [0, 1]; default 0.99. */
  momentum?: number;
}

/** Result of `ops.batchNormalizationTraining`. */
export interface BatchNormTrainingResult {
  y: Tensor;
  /** Batch mean and biased batch variance per channel. */
  mean: Tensor;
  variance: Tensor;
  /** The updated moving statistics (new tensors; the inputs are not modified). */
  movingMean: Tensor;
  movingVariance: Tensor;
}

/** Gradients of a normalisation op. */
export interface NormGradients {
  dx: Tensor;
  dgamma: Tensor;
  dbeta: Tensor;
}

function geometry(x: Tensor, minRank: number, who: string): NormGeometry {
  const shape = expectRank(x, Array.from({ length: 8 - minRank + 1 }, (_, i) => minRank + i), `${who}: x`);
  const channels = shape[shape.length - 1]!;
  if (channels === 0) throw new ShapeError(`${who}: x ${formatShape(shape)} has no channels (last axis is 0)`);
  return { rows: sizeOf(shape.slice(0, -1)), channels };
}

/** The data of a [channels] parameter, or `fallback` filled when it is absent. */
function channelParam(t: Tensor | undefined, channels: number, fallback: number, who: string, name: string): Float32Array {
  if (t === undefined) return new Float32Array(channels).fill(fallback);
  if (!(t instanceof Tensor)) throw new ValueError(`${who}: ${name} must be a Tensor, got ${typeof t}`);
  if (t.rank !== 1 || t.size !== channels) {
    throw new ShapeError(`${who}: ${name} must have shape [${channels}] (the channels of x), got ${formatShape(t.shape)}`);
  }
  return t.data;
}

function positive(v: number | undefined, fallback: number, who: string, name: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new ValueError(`${who}: ${name} must be a positive number, got ${String(v)}`);
  return v;
}

function sameShape(a: Tensor, b: Tensor, who: string): void {
  if (!(a instanceof Tensor)) throw new ValueError(`${who}: dy must be a Tensor, got ${typeof a}`);
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`${who}: dy ${formatShape(a.shape)} must have the shape of x ${formatShape(b.shape)}`);
  }
}

/** Copies arrays into scratch, runs `fn` with their offsets, returns the arrays read back from `outs`. */
function inScratch(inputs: Float32Array[], outSizes: number[], fn: (ins: number[], outs: number[]) => void): Float32Array[] {
  return withScratch((alloc) => {
    const ins = inputs.map((a) => {
      const p = alloc(a.length * 4);
      writeF32(p, a);
      return p;
    });
    const outs = outSizes.map((n) => {
      const p = alloc(n * 4);
      fill(p, 0, n);
      return p;
    });
    fn(ins, outs);
    return outs.map((p, i) => readF32(p, outSizes[i]!));
  });
}

/**
 * Batch normalisation with given statistics (inference, like `tf.batchNorm`):
 * y = (x - mean) / sqrt(variance + epsilon) * gamma + beta over the last axis of x (rank >= 2).
 */
export function batchNormalization(x: Tensor, params: BatchNormParams): Tensor {
  const who = 'batchNormalization';
  const g = geometry(x, 2, who);
  checkOptions(who, params, 'params { mean, variance }');
  const mean = channelParam(params.mean ?? missing(who, 'mean'), g.channels, 0, who, 'mean');
  const variance = channelParam(params.variance ?? missing(who, 'variance'), g.channels, 1, who, 'variance');
  const gamma = channelParam(params.gamma, g.channels, 1, who, 'gamma');
  const beta = channelParam(params.beta, g.channels, 0, who, 'beta');
  const epsilon = positive(params.epsilon, NORM_DEFAULTS.epsilon, who, 'epsilon');
  const [y] = inScratch([x.data, gamma, beta, mean, variance], [x.size], ([px, pg, pb, pm, pv], [py]) =>
    batchNormInferenceForwardPtr({ y: py!, x: px!, gamma: pg!, beta: pb!, movingMean: pm!, movingVar: pv!, ...g, epsilon }),
  );
  return new Tensor(y!, x.shape);
}

function missing(who: string, name: string): never {
  throw new ValueError(`${who}: params.${name} is required (a Tensor of shape [channels])`);
}

/**
 * Batch normalisation in training mode over the last axis of x (rank >= 2): normalises with the
 * batch statistics and returns them with the updated moving statistics (Keras momentum; the
 * moving variance takes the unbiased batch variance, as in PyTorch).
 */
export function batchNormalizationTraining(x: Tensor, params: BatchNormTrainingParams = {}): BatchNormTrainingResult {
  const who = 'batchNormalizationTraining';
  const g = geometry(x, 2, who);
  checkOptions(who, params, 'params');
  const gamma = channelParam(params.gamma, g.channels, 1, who, 'gamma');
  const beta = channelParam(params.beta, g.channels, 0, who, 'beta');
  const movingMean = channelParam(params.movingMean, g.channels, 0, who, 'movingMean');
  const movingVar = channelParam(params.movingVariance, g.channels, 1, who, 'movingVariance');
  const epsilon = positive(params.epsilon, NORM_DEFAULTS.epsilon, who, 'epsilon');
  const momentum = params.momentum ?? NORM_DEFAULTS.momentum;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new ValueError(`${who}: momentum must be a number in [0, 1], got ${String(momentum)}`);
  }
  if (g.rows === 0) throw new ShapeError(`${who}: x ${formatShape(x.shape)} has no rows to take statistics over`);
  const [y, mean, , mm, mv] = inScratch([x.data, gamma, beta], [x.size, g.channels, g.channels, g.channels, g.channels], ([px, pg, pb], [py, pm, ps, pmm, pmv]) => {
    writeF32(pmm!, movingMean);
    writeF32(pmv!, movingVar);
    batchNormTrainForwardPtr({ y: py!, x: px!, gamma: pg!, beta: pb!, movingMean: pmm!, movingVar: pmv!, saveMean: pm!, saveInvStd: ps!, ...g, momentum, epsilon });
  });
  const variance = new Float32Array(g.channels); // biased, from the kernel's mean, summed in f64
  const acc = new Float64Array(g.channels);
  for (let i = 0; i < x.size; i++) {
    const d = x.data[i]! - mean![i % g.channels]!;
    acc[i % g.channels]! += d * d; // d * d, not d ** 2: the host's pow is not specified to the last bit
  }
  for (let ch = 0; ch < g.channels; ch++) variance[ch] = acc[ch]! / g.rows;
  const c = [g.channels];
  return { y: new Tensor(y!, x.shape), mean: new Tensor(mean!, c), variance: new Tensor(variance, c), movingMean: new Tensor(mm!, c), movingVariance: new Tensor(mv!, c) };
}

/** Runs a training forward and the backward in scratch: the gradients for dy. */
function normGradients(axis: 'batch' | 'layer', dy: Tensor, x: Tensor, params: NormParams): NormGradients {
  const who = axis === 'batch' ? 'batchNormalizationGrad' : 'layerNormalizationGrad';
  const g = geometry(x, axis === 'batch' ? 2 : 1, who);
  sameShape(dy, x, who);
  checkOptions(who, params, 'params');
  const gamma = channelParam(params.gamma, g.channels, 1, who, 'gamma');
  const epsilon = positive(params.epsilon, NORM_DEFAULTS.epsilon, who, 'epsilon');
  const c = g.channels;
  const saved = axis === 'batch' ? c : g.rows;
  const [, , , dx, dgamma, dbeta] = inScratch(
    [x.data, dy.data, gamma, new Float32Array(c), new Float32Array(c), new Float32Array(c)],
    [x.size, saved, saved, x.size, c, c],
    ([px, pdy, pg, pb, pmm, pmv], [py, pm, ps, pdx, pdg, pdb]) => {
      const forward = { y: py!, x: px!, gamma: pg!, beta: pb!, saveMean: pm!, saveInvStd: ps!, ...g, epsilon };
      const backward = { dx: pdx!, dgamma: pdg!, dbeta: pdb!, dy: pdy!, x: px!, gamma: pg!, saveMean: pm!, saveInvStd: ps!, ...g };
      if (axis === 'batch') {
        batchNormTrainForwardPtr({ ...forward, movingMean: pmm!, movingVar: pmv! });
        batchNormBackwardPtr(backward);
      } else {
        layerNormForwardPtr(forward);
        layerNormBackwardPtr(backward);
      }
    },
  );
  return { dx: new Tensor(dx!, x.shape), dgamma: new Tensor(dgamma!, [c]), dbeta: new Tensor(dbeta!, [c]) };
}

/**
 * Gradients of `batchNormalizationTraining` (batch statistics) for an upstream gradient dy:
 * { dx, dgamma, dbeta }.
 */
export function batchNormalizationGrad(dy: Tensor, x: Tensor, params: NormParams = {}): NormGradients {
  return normGradients('batch', dy, x, params);
}

/**
 * Layer normalisation over the last axis of x (Keras `LayerNormalization(axis=-1)`):
 * y = (x - mean_row) / sqrt(var_row + epsilon) * gamma + beta, biased variance per row.
 */
export function layerNormalization(x: Tensor, params: NormParams = {}): Tensor {
  const who = 'layerNormalization';
  const g = geometry(x, 1, who);
  checkOptions(who, params, 'params');
  const gamma = channelParam(params.gamma, g.channels, 1, who, 'gamma');
  const beta = channelParam(params.beta, g.channels, 0, who, 'beta');
  const epsilon = positive(params.epsilon, NORM_DEFAULTS.epsilon, who, 'epsilon');
  const [y] = inScratch([x.data, gamma, beta], [x.size, g.rows, g.rows], ([px, pg, pb], [py, pm, ps]) =>
    layerNormForwardPtr({ y: py!, x: px!, gamma: pg!, beta: pb!, saveMean: pm!, saveInvStd: ps!, ...g, epsilon }),
  );
  return new Tensor(y!, x.shape);
}

/** Gradients of `layerNormalization` for an upstream gradient dy: { dx, dgamma, dbeta }. */
export function layerNormalizationGrad(dy: Tensor, x: Tensor, params: NormParams = {}): NormGradients {
  return normGradients('layer', dy, x, params);
}
