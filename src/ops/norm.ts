// Batch and layer normalisation: the bindings of assembly/norm.ts.
//
// Layout: x is [..., channels], seen as [rows, channels] with rows = the product of the other
// axes (an NHWC batch is rows = N*H*W). Batch norm normalises each channel over the rows; layer
// norm each row over its channels. Conventions are Keras's (momentum = the fraction of the old
// moving statistic kept, epsilon 1e-3) with PyTorch's unbiased moving variance; see
// assembly/norm.ts for the formulas.
//
// Pointer level (what layers call): offsets are bytes in wasm memory; temporaries come from the
// scratch arena, so nothing is allocated per step once it has grown.
import { ShapeError, ValueError, formatShape } from '../errors.js';
import { checkOptions } from '../errors.js';
import {
  batchNormBackward, batchNormInferenceBackward, batchNormInferenceForward, batchNormScratchBytes, batchNormTrainForward,
  layerNormBackward, layerNormForward,
} from '../kernels/norm.js';
import { fill } from '../kernels/memory.js';
import { checkFloats, pointerChecksEnabled } from '../kernels/bounds.js';
import { readF32, scratch, withScratch, writeF32 } from '../backend/memory.js';
import { Tensor, expectRank, sizeOf } from '../tensor.js';

/** Keras's BatchNormalization and LayerNormalization defaults. */
export const NORM_DEFAULTS = { momentum: 0.99, epsilon: 1e-3 } as const;

interface Geometry {
  /** Rows: the product of every axis but the last. */
  rows: number;
  /** Channels: the last axis. */
  channels: number;
}

/** What every forward call has: buffers of floats at byte offsets, and the geometry. */
interface NormForwardBase extends Geometry {
  /** Output [rows, channels]; may be x. */
  y: number;
  x: number;
  /** [channels] */
  gamma: number;
  beta: number;
  /** Added to the variance; default 1e-3. */
  epsilon?: number;
}

/** What every backward call has; dx, dgamma and dbeta are accumulated into. */
interface NormBackwardBase extends Geometry {
  /** [rows, channels]; must not be dy or x. */
  dx: number;
  dgamma: number;
  dbeta: number;
  dy: number;
  x: number;
  gamma: number;
}

/** The moving statistics of a batch norm layer, [channels] each. */
interface MovingStats {
  movingMean: number;
  movingVar: number;
}

/** Saved by a training forward for its backward: mean and 1 / sqrt(var + epsilon). */
interface SavedStats {
  /** [channels] for batch norm, [rows] for layer norm. */
  saveMean: number;
  saveInvStd: number;
}

/** Batch norm training forward; the moving statistics are updated in place. */
export interface BatchNormTrainForwardCall extends NormForwardBase, MovingStats, SavedStats {
  /** Fraction of the old moving statistic kept; default 0.99. */
  momentum?: number;
}

/** Batch norm inference forward (moving statistics). */
export interface BatchNormInferenceForwardCall extends NormForwardBase, MovingStats {}

/** Batch norm backward after a training forward. */
export interface BatchNormBackwardCall extends NormBackwardBase, SavedStats {}

/** Batch norm backward after an inference forward (a frozen layer being fine-tuned). */
export interface BatchNormInferenceBackwardCall extends NormBackwardBase, MovingStats {
  epsilon?: number;
}

/** Layer norm forward over the last axis; saves per-row statistics. */
export interface LayerNormForwardCall extends NormForwardBase, SavedStats {}

/** Layer norm backward. */
export interface LayerNormBackwardCall extends NormBackwardBase, SavedStats {}

/** The batch-norm kernels that take a scratch buffer of `batchNormScratchBytes(channels)`. */
type ScratchOp = 'inferenceForward' | 'backward' | 'inferenceBackward';

/**
 * Checks (when pointer checks are on) that every buffer of a call lies in a live allocation:
 * rows x channels floats for the activations, `channels` for the per-channel vectors and
 * `stats` (channels for batch norm, rows for layer norm) for the saved statistics.
 */
type NormBuffer = keyof (NormForwardBase & NormBackwardBase & MovingStats & SavedStats);
/** A buffer a kernel reads or writes, and what its length counts: 0 rows·channels, 1 channels, 2 statistics. */
type BufferUse = readonly [NormBuffer, 0 | 1 | 2];
const X: BufferUse = ['x', 0];
const GAMMA: BufferUse = ['gamma', 1];
const FORWARD: readonly BufferUse[] = [['y', 0], X, GAMMA, ['beta', 1]];
const BACKWARD: readonly BufferUse[] = [['dx', 0], ['dy', 0], X, GAMMA, ['dgamma', 1], ['dbeta', 1]];
const MOVING: readonly BufferUse[] = [['movingMean', 1], ['movingVar', 1]];
const SAVED: readonly BufferUse[] = [['saveMean', 2], ['saveInvStd', 2]];
const BUFFERS = {
  batchNormTrainForwardPtr: [...FORWARD, ...MOVING, ...SAVED],
  batchNormInferenceForwardPtr: [...FORWARD, ...MOVING],
  batchNormBackwardPtr: [...BACKWARD, ...SAVED],
  batchNormInferenceBackwardPtr: [...BACKWARD, ...MOVING],
  layerNormForwardPtr: [...FORWARD, ...SAVED],
  layerNormBackwardPtr: [...BACKWARD, ...SAVED],
} as const;

/**
 * Checks (when pointer checks are on) that every buffer the kernel of `who` uses lies in a live
 * allocation: rows x channels floats for activations, `channels` for per-channel vectors and
 * `stats` (channels for batch norm, rows for layer norm) for the saved statistics.
 */
function checkCall(who: keyof typeof BUFFERS, c: NormForwardBase | NormBackwardBase, stats: number): void {
  if (!pointerChecksEnabled()) return;
  const f = c as unknown as Record<NormBuffer, number>;
  const uses = BUFFERS[who];
  for (let i = 0; i < uses.length; i++) {
    const use = uses[i]!;
    const kind = use[1];
    checkFloats(who, use[0], f[use[0]], kind === 0 ? c.rows * c.channels : kind === 1 ? c.channels : stats);
  }
}

/**
 * Runs one batch-norm kernel with its scratch reserved in the arena and released after, without
 * a closure or array per call (these run every training step).
 */
function runWithScratch(op: ScratchOp, c: BatchNormInferenceForwardCall | BatchNormBackwardCall | BatchNormInferenceBackwardCall): void {
  const arena = scratch();
  const mark = arena.mark();
  try {
    const work = arena.alloc(batchNormScratchBytes(c.channels));
    if (op === 'inferenceForward') {
      const f = c as BatchNormInferenceForwardCall;
      batchNormInferenceForward(f.y, f.x, f.gamma, f.beta, f.movingMean, f.movingVar, f.rows, f.channels, f.epsilon ?? NORM_DEFAULTS.epsilon, work);
    } else if (op === 'backward') {
      const b = c as BatchNormBackwardCall;
      batchNormBackward(b.dx, b.dgamma, b.dbeta, b.dy, b.x, b.gamma, b.saveMean, b.saveInvStd, b.rows, b.channels, work);
    } else {
      const b = c as BatchNormInferenceBackwardCall;
      batchNormInferenceBackward(
        b.dx, b.dgamma, b.dbeta, b.dy, b.x, b.gamma, b.movingMean, b.movingVar, b.rows, b.channels, b.epsilon ?? NORM_DEFAULTS.epsilon, work,
      );
    }
  } finally {
    arena.reset(mark);
  }
}

/** Batch norm with batch statistics (training); updates the moving statistics. */
export function batchNormTrainForwardPtr(c: BatchNormTrainForwardCall): void {
  checkCall('batchNormTrainForwardPtr', c, c.channels);
  batchNormTrainForward(
    c.y, c.saveMean, c.saveInvStd, c.movingMean, c.movingVar, c.x, c.gamma, c.beta,
    c.rows, c.channels, c.momentum ?? NORM_DEFAULTS.momentum, c.epsilon ?? NORM_DEFAULTS.epsilon,
  );
}

/** Batch norm with the moving statistics (inference). */
export function batchNormInferenceForwardPtr(c: BatchNormInferenceForwardCall): void {
  checkCall('batchNormInferenceForwardPtr', c, c.channels);
  runWithScratch('inferenceForward', c);
}

/** dx, dgamma, dbeta += the gradients of the training forward (batch statistics depend on x). */
export function batchNormBackwardPtr(c: BatchNormBackwardCall): void {
  checkCall('batchNormBackwardPtr', c, c.channels);
  runWithScratch('backward', c);
}

/** dx, dgamma, dbeta += the gradients of the inference forward (statistics are constants). */
export function batchNormInferenceBackwardPtr(c: BatchNormInferenceBackwardCall): void {
  checkCall('batchNormInferenceBackwardPtr', c, c.channels);
  runWithScratch('inferenceBackward', c);
}

/** Layer norm forward: each row normalised over its channels, then gamma and beta. */
export function layerNormForwardPtr(c: LayerNormForwardCall): void {
  checkCall('layerNormForwardPtr', c, c.rows);
  layerNormForward(c.y, c.saveMean, c.saveInvStd, c.x, c.gamma, c.beta, c.rows, c.channels, c.epsilon ?? NORM_DEFAULTS.epsilon);
}

/** dx, dgamma, dbeta += the gradients of layerNormForwardPtr. */
export function layerNormBackwardPtr(c: LayerNormBackwardCall): void {
  checkCall('layerNormBackwardPtr', c, c.rows);
  layerNormBackward(c.dx, c.dgamma, c.dbeta, c.dy, c.x, c.gamma, c.saveMean, c.saveInvStd, c.rows, c.channels);
}

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

function geometry(x: Tensor, minRank: number, who: string): Geometry {
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
