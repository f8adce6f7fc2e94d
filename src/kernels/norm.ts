// Bindings of assembly/norm.ts: batch normalisation (training, inference, both backwards) and
// layer normalisation over [rows, channels]. The kernels that need scratch get it from the arena
// here, in the frame that calls the export (an extra JS frame per call made V8 allocate per step).
import { scratch } from '../backend/memory.js';
import { wasm } from './exports.js';

/** Scratch bytes the batch-norm kernels that take one need for `channels`. */
function scratchBytes(channels: number): number {
  return wasm().f32_batch_norm_scratch_bytes(channels);
}

/** Training forward with batch statistics; saves mean and 1/std, updates the moving statistics. */
export function batchNormTrainForward(
  y: number, saveMean: number, saveInvStd: number, movingMean: number, movingVar: number, x: number, gamma: number, beta: number,
  rows: number, channels: number, momentum: number, epsilon: number,
): void {
  wasm().f32_batch_norm_train_forward(y, saveMean, saveInvStd, movingMean, movingVar, x, gamma, beta, rows, channels, momentum, epsilon);
}

/** Inference forward with the moving statistics. */
export function batchNormInferenceForward(
  y: number, x: number, gamma: number, beta: number, movingMean: number, movingVar: number,
  rows: number, channels: number, epsilon: number,
): void {
  const w = wasm();
  const arena = scratch();
  const mark = arena.mark();
  try {
    const work = arena.alloc(scratchBytes(channels));
    w.f32_batch_norm_inference_forward(y, x, gamma, beta, movingMean, movingVar, rows, channels, epsilon, work);
  } finally {
    arena.reset(mark);
  }
}

/** dx, dgamma, dbeta += gradients of the training forward. */
export function batchNormBackward(
  dx: number, dgamma: number, dbeta: number, dy: number, x: number, gamma: number, saveMean: number, saveInvStd: number,
  rows: number, channels: number,
): void {
  const w = wasm();
  const arena = scratch();
  const mark = arena.mark();
  try {
    const work = arena.alloc(scratchBytes(channels));
    w.f32_batch_norm_backward(dx, dgamma, dbeta, dy, x, gamma, saveMean, saveInvStd, rows, channels, work);
  } finally {
    arena.reset(mark);
  }
}

/** dx, dgamma, dbeta += gradients of the inference forward. */
export function batchNormInferenceBackward(
  dx: number, dgamma: number, dbeta: number, dy: number, x: number, gamma: number, movingMean: number, movingVar: number,
  rows: number, channels: number, epsilon: number,
): void {
  const w = wasm();
  const arena = scratch();
  const mark = arena.mark();
  try {
    const work = arena.alloc(scratchBytes(channels));
    w.f32_batch_norm_inference_backward(dx, dgamma, dbeta, dy, x, gamma, movingMean, movingVar, rows, channels, epsilon, work);
  } finally {
    arena.reset(mark);
  }
}

/** Layer norm forward over each row's channels; saves per-row mean and 1/std. */
export function layerNormForward(
  y: number, saveMean: number, saveInvStd: number, x: number, gamma: number, beta: number, rows: number, channels: number, epsilon: number,
): void {
  wasm().f32_layer_norm_forward(y, saveMean, saveInvStd, x, gamma, beta, rows, channels, epsilon);
}

/** dx, dgamma, dbeta += gradients of the layer norm forward. */
export function layerNormBackward(
  dx: number, dgamma: number, dbeta: number, dy: number, x: number, gamma: number, saveMean: number, saveInvStd: number,
  rows: number, channels: number,
): void {
  wasm().f32_layer_norm_backward(dx, dgamma, dbeta, dy, x, gamma, saveMean, saveInvStd, rows, channels);
}
