// Bindings of assembly/optim.ts: the fused optimizer updates, their flag bits, and the
// hyperparameter structs (layouts read from the module's exported constants). An optimizer
// writes its struct once, when it is built (`writeStruct`); each step passes only pointers and
// the per-step scalars.
import { CONSTANTS, wasm } from './exports.js';
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
  wasm().f32_sgd_update(param, grad, buf, n, lr, momentum, oneMinusDampening, weightDecay, flags);
}

/** Adam / AdamW on one parameter: binding an ADAM_BINDING struct, hyper an ADAM_HYPER struct. */
export function adamUpdate(binding: number, hyper: number, stepSize: number, paramScale: number, biasCorrection2Sqrt: number): void {
  wasm().f32_adam_update(binding, hyper, stepSize, paramScale, biasCorrection2Sqrt);
}

/** Adagrad with clr = lr / (1 + (t - 1)·lrDecay). */
export function adagradUpdate(param: number, grad: number, sum: number, n: number, clr: number, eps: number, weightDecay: number): void {
  wasm().f32_adagrad_update(param, grad, sum, n, clr, eps, weightDecay);
}

/** RMSprop; gradAvg and buf are 0 unless centered / momentum; hyper an RMSPROP_HYPER struct. */
export function rmspropUpdate(param: number, grad: number, squareAvg: number, gradAvg: number, buf: number, n: number, hyper: number, lr: number): void {
  wasm().f32_rmsprop_update(param, grad, squareAvg, gradAvg, buf, n, hyper, lr);
}

/** Adadelta; hyper an ADADELTA_HYPER struct. */
export function adadeltaUpdate(param: number, grad: number, squareAvg: number, accDelta: number, n: number, hyper: number, lr: number): void {
  wasm().f32_adadelta_update(param, grad, squareAvg, accDelta, n, hyper, lr);
}

/** Adamax with clr = lr / (1 - beta1^t); hyper an ADAMAX_HYPER struct. */
export function adamaxUpdate(param: number, grad: number, m: number, u: number, n: number, hyper: number, clr: number): void {
  wasm().f32_adamax_update(param, grad, m, u, n, hyper, clr);
}

/** NAdam with the host-computed coefficients; hyper a NADAM_HYPER struct. */
export function nadamUpdate(param: number, grad: number, m: number, v: number, n: number, hyper: number, gradCoef: number, momentumCoef: number, biasCorrection2: number): void {
  wasm().f32_nadam_update(param, grad, m, v, n, hyper, gradCoef, momentumCoef, biasCorrection2);
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
