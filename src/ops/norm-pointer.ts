// Batch and layer normalisation on buffers already in wasm memory (what layers call): offsets
// are bytes; temporaries come from the scratch arena, so nothing is allocated per step once it
// has grown. With pointer checks on, every buffer must lie in a live allocation.
import {
  batchNormBackward, batchNormInferenceBackward, batchNormInferenceForward, batchNormTrainForward,
  layerNormBackward, layerNormForward,
} from '../kernels/norm.js';
import { checkFloats, pointerChecksEnabled } from '../kernels/bounds.js';

/** Keras's BatchNormalization and LayerNormalization defaults. */
export const NORM_DEFAULTS = { momentum: 0.99, epsilon: 1e-3 } as const;

export interface NormGeometry {
  /** Rows: the product of every axis but the last. */
  rows: number;
  /** Channels: the last axis. */
  channels: number;
}

/** What every forward call has: buffers of floats at byte offsets, and the geometry. */
interface NormForwardBase extends NormGeometry {
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
interface NormBackwardBase extends NormGeometry {
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
  batchNormInferenceForward(c.y, c.x, c.gamma, c.beta, c.movingMean, c.movingVar, c.rows, c.channels, c.epsilon ?? NORM_DEFAULTS.epsilon);
}

/** dx, dgamma, dbeta += the gradients of the training forward (batch statistics depend on x). */
export function batchNormBackwardPtr(c: BatchNormBackwardCall): void {
  checkCall('batchNormBackwardPtr', c, c.channels);
  batchNormBackward(c.dx, c.dgamma, c.dbeta, c.dy, c.x, c.gamma, c.saveMean, c.saveInvStd, c.rows, c.channels);
}

/** dx, dgamma, dbeta += the gradients of the inference forward (statistics are constants). */
export function batchNormInferenceBackwardPtr(c: BatchNormInferenceBackwardCall): void {
  checkCall('batchNormInferenceBackwardPtr', c, c.channels);
  batchNormInferenceBackward(c.dx, c.dgamma, c.dbeta, c.dy, c.x, c.gamma, c.movingMean, c.movingVar, c.rows, c.channels, c.epsilon ?? NORM_DEFAULTS.epsilon);
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

