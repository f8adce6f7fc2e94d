// Bindings of assembly/optim.ts: the fused optimizer updates, their flag bits, and the
// hyperparameter structs (layouts read from the module's exported constants). An optimizer
// writes its struct once, when it is built (`writeStruct`); each step passes only pointers and
// the per-step scalars. Every update is elementwise, so large ones split over the thread pool
// (split.ts) with bit-identical results.
import { i32 } from '../backend/memory.js';
import { SLOT } from '../backend/thread-worker.js';
import { threadPool } from '../backend/threads.js';
import { CONSTANTS, wasm } from './exports.js';
import { partStart, pointwiseParts, splitPointwise } from './split.js';
import type { StructLayout } from './structs.js';

export { writeStruct } from './structs.js';

/** Flag bits of the updates, read from the module. */
export const SGD_FLAGS = { momentum: CONSTANTS.SGD_MOMENTUM, nesterov: CONSTANTS.SGD_NESTEROV, first: CONSTANTS.SGD_FIRST } as const;
export const ADAM_FLAGS = { amsgrad: CONSTANTS.ADAM_AMSGRAD, l2: CONSTANTS.ADAM_L2 } as const;
export const RMSPROP_FLAGS = { centered: CONSTANTS.RMSPROP_CENTERED, momentum: CONSTANTS.RMSPROP_MOMENTUM } as const;

export const ADAM_HYPER: StructLayout<'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'eps' | 'weightDecay', 'flags'> = {
  bytes: CONSTANTS.ADAM_HYPER_BYTES,
  f32: {
    beta1: CONSTANTS.ADAM_HYPER_BETA1, oneMinusBeta1: CONSTANTS.ADAM_HYPER_ONE_MINUS_BETA1, beta2: CONSTANTS.ADAM_HYPER_BETA2,
    oneMinusBeta2: CONSTANTS.ADAM_HYPER_ONE_MINUS_BETA2, eps: CONSTANTS.ADAM_HYPER_EPS, weightDecay: CONSTANTS.ADAM_HYPER_WEIGHT_DECAY,
  },
  i32: { flags: CONSTANTS.ADAM_HYPER_FLAGS },
};

export const RMSPROP_HYPER: StructLayout<'alpha' | 'oneMinusAlpha' | 'eps' | 'weightDecay' | 'momentum', 'flags'> = {
  bytes: CONSTANTS.RMSPROP_HYPER_BYTES,
  f32: {
    alpha: CONSTANTS.RMSPROP_HYPER_ALPHA, oneMinusAlpha: CONSTANTS.RMSPROP_HYPER_ONE_MINUS_ALPHA, eps: CONSTANTS.RMSPROP_HYPER_EPS,
    weightDecay: CONSTANTS.RMSPROP_HYPER_WEIGHT_DECAY, momentum: CONSTANTS.RMSPROP_HYPER_MOMENTUM,
  },
  i32: { flags: CONSTANTS.RMSPROP_HYPER_FLAGS },
};

export const ADADELTA_HYPER: StructLayout<'rho' | 'oneMinusRho' | 'eps' | 'weightDecay'> = {
  bytes: CONSTANTS.ADADELTA_HYPER_BYTES,
  f32: {
    rho: CONSTANTS.ADADELTA_HYPER_RHO, oneMinusRho: CONSTANTS.ADADELTA_HYPER_ONE_MINUS_RHO, eps: CONSTANTS.ADADELTA_HYPER_EPS,
    weightDecay: CONSTANTS.ADADELTA_HYPER_WEIGHT_DECAY,
  },
  i32: {},
};

export const ADAMAX_HYPER: StructLayout<'beta1' | 'oneMinusBeta1' | 'beta2' | 'eps' | 'weightDecay'> = {
  bytes: CONSTANTS.ADAMAX_HYPER_BYTES,
  f32: {
    beta1: CONSTANTS.ADAMAX_HYPER_BETA1, oneMinusBeta1: CONSTANTS.ADAMAX_HYPER_ONE_MINUS_BETA1, beta2: CONSTANTS.ADAMAX_HYPER_BETA2,
    eps: CONSTANTS.ADAMAX_HYPER_EPS, weightDecay: CONSTANTS.ADAMAX_HYPER_WEIGHT_DECAY,
  },
  i32: {},
};

export const NADAM_HYPER: StructLayout<'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'eps' | 'weightDecay'> = {
  bytes: CONSTANTS.NADAM_HYPER_BYTES,
  f32: {
    beta1: CONSTANTS.NADAM_HYPER_BETA1, oneMinusBeta1: CONSTANTS.NADAM_HYPER_ONE_MINUS_BETA1, beta2: CONSTANTS.NADAM_HYPER_BETA2,
    oneMinusBeta2: CONSTANTS.NADAM_HYPER_ONE_MINUS_BETA2, eps: CONSTANTS.NADAM_HYPER_EPS, weightDecay: CONSTANTS.NADAM_HYPER_WEIGHT_DECAY,
  },
  i32: {},
};

/** SGD (torch.optim.SGD); flags from SGD_FLAGS. */
export function sgdUpdate(param: number, grad: number, buf: number, n: number, lr: number, momentum: number, oneMinusDampening: number, weightDecay: number, flags: number): void {
  const kernel = wasm().f32_sgd_update;
  const parts = pointwiseParts(n);
  if (parts > 1) splitPointwise(kernel, parts, 3, 0b111, param, grad, buf, n, lr, momentum, oneMinusDampening, weightDecay, flags);
  else kernel(param, grad, buf, n, lr, momentum, oneMinusDampening, weightDecay, flags);
}

/** The pointer fields of an ADAM_BINDING struct (vmax is 0 without amsgrad). */
const ADAM_POINTERS = ['param', 'grad', 'm', 'v', 'vmax'] as const;

/**
 * Adam / AdamW on one parameter: binding an ADAM_BINDING struct, hyper an ADAM_HYPER struct.
 * Large parameters split over the thread pool, each part with a binding struct of its own range.
 */
export function adamUpdate(binding: number, hyper: number, stepSize: number, paramScale: number, biasCorrection2Sqrt: number): void {
  const kernel = wasm().f32_adam_update;
  const n = i32()[(binding + ADAM_BINDING.i32.n) >>> 2]!;
  const parts = pointwiseParts(n);
  if (parts <= 1) {
    kernel(binding, hyper, stepSize, paramScale, biasCorrection2Sqrt);
    return;
  }
  // Each part gets its own binding struct: the same buffers advanced to its range.
  const pool = threadPool()!;
  for (let p = 0; p < parts; p++) pool.scratch(p, ADAM_BINDING.bytes);
  const ints = i32();
  const fields = ADAM_BINDING.i32;
  const index = pool.index(kernel);
  for (let p = 0; p < parts; p++) {
    const lo = partStart(p, parts, n);
    const part = pool.scratch(p, ADAM_BINDING.bytes);
    for (const field of ADAM_POINTERS) {
      const ptr = ints[(binding + fields[field]) >>> 2]!;
      ints[(part + fields[field]) >>> 2] = ptr === 0 ? 0 : ptr + lo * 4;
    }
    ints[(part + fields.n) >>> 2] = partStart(p + 1, parts, n) - lo;
    const o = p * SLOT;
    pool.slots[o] = index;
    pool.slots[o + 1] = part;
    pool.slots[o + 2] = hyper;
    pool.slots[o + 3] = stepSize;
    pool.slots[o + 4] = paramScale;
    pool.slots[o + 5] = biasCorrection2Sqrt;
  }
  pool.run(parts);
}

/** Adagrad with clr = lr / (1 + (t - 1)·lrDecay). */
export function adagradUpdate(param: number, grad: number, sum: number, n: number, clr: number, eps: number, weightDecay: number): void {
  const kernel = wasm().f32_adagrad_update;
  const parts = pointwiseParts(n);
  if (parts > 1) splitPointwise(kernel, parts, 3, 0b111, param, grad, sum, n, clr, eps, weightDecay);
  else kernel(param, grad, sum, n, clr, eps, weightDecay);
}

/** RMSprop; gradAvg and buf are 0 unless centered / momentum; hyper an RMSPROP_HYPER struct. */
export function rmspropUpdate(param: number, grad: number, squareAvg: number, gradAvg: number, buf: number, n: number, hyper: number, lr: number): void {
  const kernel = wasm().f32_rmsprop_update;
  const parts = pointwiseParts(n);
  if (parts > 1) splitPointwise(kernel, parts, 5, 0b11111, param, grad, squareAvg, gradAvg, buf, n, hyper, lr);
  else kernel(param, grad, squareAvg, gradAvg, buf, n, hyper, lr);
}

/** Adadelta; hyper an ADADELTA_HYPER struct. */
export function adadeltaUpdate(param: number, grad: number, squareAvg: number, accDelta: number, n: number, hyper: number, lr: number): void {
  const kernel = wasm().f32_adadelta_update;
  const parts = pointwiseParts(n);
  if (parts > 1) splitPointwise(kernel, parts, 4, 0b1111, param, grad, squareAvg, accDelta, n, hyper, lr);
  else kernel(param, grad, squareAvg, accDelta, n, hyper, lr);
}

/** Adamax with clr = lr / (1 - beta1^t); hyper an ADAMAX_HYPER struct. */
export function adamaxUpdate(param: number, grad: number, m: number, u: number, n: number, hyper: number, clr: number): void {
  const kernel = wasm().f32_adamax_update;
  const parts = pointwiseParts(n);
  if (parts > 1) splitPointwise(kernel, parts, 4, 0b1111, param, grad, m, u, n, hyper, clr);
  else kernel(param, grad, m, u, n, hyper, clr);
}

/** NAdam with the host-computed coefficients; hyper a NADAM_HYPER struct. */
export function nadamUpdate(param: number, grad: number, m: number, v: number, n: number, hyper: number, gradCoef: number, momentumCoef: number, biasCorrection2: number): void {
  const kernel = wasm().f32_nadam_update;
  const parts = pointwiseParts(n);
  if (parts > 1) splitPointwise(kernel, parts, 4, 0b1111, param, grad, m, v, n, hyper, gradCoef, momentumCoef, biasCorrection2);
  else kernel(param, grad, m, v, n, hyper, gradCoef, momentumCoef, biasCorrection2);
}

/** Σ x² over n floats, accumulated in f64. */
export function sumSquares(x: number, n: number): number {
  return wasm().f32_sum_squares(x, n);
}

/** In place: x = clamp(x·scale, -clipValue, clipValue). */
export function clipScale(x: number, n: number, scale: number, clipValue: number): void {
  wasm().f32_clip_scale(x, n, scale, clipValue);
}

/** Byte offsets of Adam's per-parameter binding struct (param, grad, m, v, vmax pointers; n). */
export const ADAM_BINDING: StructLayout<never, 'param' | 'grad' | 'm' | 'v' | 'vmax' | 'n'> = {
  bytes: CONSTANTS.ADAM_BINDING_BYTES,
  f32: {},
  i32: {
    param: CONSTANTS.ADAM_BINDING_PARAM, grad: CONSTANTS.ADAM_BINDING_GRAD, m: CONSTANTS.ADAM_BINDING_M,
    v: CONSTANTS.ADAM_BINDING_V, vmax: CONSTANTS.ADAM_BINDING_VMAX, n: CONSTANTS.ADAM_BINDING_N,
  },
};

/** True when x[0..n) holds no NaN or Inf (one fused pass: the NaN guard on targets and gradients). */
export function allFinite(x: number, n: number): boolean {
  return wasm().f32_all_finite(x, n) !== 0;
}
