// Bindings of assembly/norm.ts: batch normalisation (training, inference, both backwards) and
// layer normalisation over [rows, channels]. The kernels that need scratch get it from the arena
// here, in the frame that calls the export (an extra JS frame per call made V8 allocate per step).
// With a thread pool, batch norm's training forward and backward run as a per-channel reduction
// split over blocks of channels, then a per-row pass split over rows (assembly/norm.ts).
import { scratch } from '../backend/memory.js';
import { wasm } from './exports.js';
import { partsFor, runParts } from './parts.js';

const REDUCTION = 0;
const ROWS = 1;

/** Parts of one of batch norm's split kernels over [rows, channels]. */
function normParts(pass: number, rows: number, channels: number): number {
  const parts = partsFor(rows * channels);
  return parts > 1 ? Math.max(1, Math.min(parts, wasm().f32_batch_norm_split_units(pass, rows, channels))) : 1;
}

/** Scratch bytes the batch-norm kernels that take one need for `channels`. */
function scratchBytes(channels: number): number {
  return wasm().f32_batch_norm_scratch_bytes(channels);
}

/** Training forward with batch statistics; saves mean and 1/std, updates the moving statistics. */
export function batchNormTrainForward(
  y: number, saveMean: number, saveInvStd: number, movingMean: number, movingVar: number, x: number, gamma: number, beta: number,
  rows: number, channels: number, momentum: number, epsilon: number,
): void {
  const w = wasm();
  const statistics = normParts(REDUCTION, rows, channels);
  const normalize = normParts(ROWS, rows, channels);
  if (statistics <= 1 && normalize <= 1) {
    w.f32_batch_norm_train_forward(y, saveMean, saveInvStd, movingMean, movingVar, x, gamma, beta, rows, channels, momentum, epsilon);
    return;
  }
  const stats = w.f32_batch_norm_train_statistics;
  if (statistics > 1) runParts(stats, statistics, 9, saveMean, saveInvStd, movingMean, movingVar, x, rows, channels, momentum, epsilon);
  else stats(saveMean, saveInvStd, movingMean, movingVar, x, rows, channels, momentum, epsilon, 0, 1);
  const rowsPass = w.f32_batch_norm_normalize;
  if (normalize > 1) runParts(rowsPass, normalize, 8, y, x, saveMean, saveInvStd, gamma, beta, rows, channels);
  else rowsPass(y, x, saveMean, saveInvStd, gamma, beta, rows, channels, 0, 1);
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
    const sums = normParts(REDUCTION, rows, channels);
    const perRow = normParts(ROWS, rows, channels);
    if (sums <= 1 && perRow <= 1) {
      w.f32_batch_norm_backward(dx, dgamma, dbeta, dy, x, gamma, saveMean, saveInvStd, rows, channels, work);
      return;
    }
    // Both halves share `work`: the sums write its per-channel terms, the row pass reads them.
    const sumsPass = w.f32_batch_norm_backward_sums;
    if (sums > 1) runParts(sumsPass, sums, 9, dgamma, dbeta, dy, x, saveMean, saveInvStd, rows, channels, work);
    else sumsPass(dgamma, dbeta, dy, x, saveMean, saveInvStd, rows, channels, work, 0, 1);
    const rowsPass = w.f32_batch_norm_backward_rows;
    if (perRow > 1) runParts(rowsPass, perRow, 9, dx, dy, x, gamma, saveMean, saveInvStd, rows, channels, work);
    else rowsPass(dx, dy, x, gamma, saveMean, saveInvStd, rows, channels, work, 0, 1);
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
