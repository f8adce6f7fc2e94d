// `optimizers.*`: factories with torch's defaults, and `get(name, config)` to rebuild one from its
// name and `getConfig()`.
import { ValueError } from '../core/errors.js';
import type { Optimizer } from './optimizer.js';
import { SGD, type SGDOptions } from './sgd.js';
import { Adam, AdamW, type AdamOptions } from './adam.js';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { Adadelta, type AdadeltaOptions } from './adadelta.js';
import { Adamax, NAdam, type AdamaxOptions, type NAdamOptions } from './adamax.js';

export type { Optimizer, OptimizerState, ParamRef } from './optimizer.js';
export type { OptimizerOptions } from './base.js';
export { BaseOptimizer } from './base.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, NAdam, type AdamaxOptions, type NAdamOptions } from './adamax.js';

/** SGD (momentum, dampening, nesterov, weightDecay); learningRate default 0.01. See {@link SGD}. */
export function sgd(options: SGDOptions = {}): SGD {
  return new SGD(options);
}

/** Adam (amsgrad, L2 weightDecay); learningRate default 1e-3. See {@link Adam}. */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}

/** AdamW (decoupled weightDecay, default 0.01); learningRate default 1e-3. See {@link AdamW}. */
export function adamw(options: AdamOptions = {}): AdamW {
  return new AdamW(options);
}

/** Adagrad (lrDecay, weightDecay, initialAccumulatorValue, epsilon); learningRate default 1e-2. See {@link Adagrad}. */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  return new Adagrad(options);
}

/** RMSprop (alpha, epsilon, weightDecay, momentum, centered); learningRate default 1e-2. See {@link RMSprop}. */
export function rmsprop(options: RMSpropOptions = {}): RMSprop {
  return new RMSprop(options);
}

/** Adadelta (rho, epsilon, weightDecay); learningRate default 1.0. See {@link Adadelta}. */
export function adadelta(options: AdadeltaOptions = {}): Adadelta {
  return new Adadelta(options);
}

/** Adamax (beta1, beta2, epsilon, weightDecay); learningRate default 2e-3. See {@link Adamax}. */
export function adamax(options: AdamaxOptions = {}): Adamax {
  return new Adamax(options);
}

/** NAdam (beta1, beta2, epsilon, weightDecay, momentumDecay); learningRate default 2e-3. See {@link NAdam}. */
export function nadam(options: NAdamOptions = {}): NAdam {
  return new NAdam(options);
}

const FACTORIES: Record<string, (config: Record<string, unknown>) => Optimizer> = {
  sgd: (c) => sgd(c),
  adam: (c) => adam(c),
  adamw: (c) => adamw(c),
  adagrad: (c) => adagrad(c),
  rmsprop: (c) => rmsprop(c),
  adadelta: (c) => adadelta(c),
  adamax: (c) => adamax(c),
  nadam: (c) => nadam(c),
};

/**
 * An optimizer from its name (case-insensitive, e.g. `'adam'`) and optional config (what
 * `getConfig()` returned), or the given optimizer itself. Unknown names list the valid ones.
 */
export function get(identifier: string | Optimizer, config: Record<string, unknown> = {}): Optimizer {
  if (typeof identifier === 'object' && identifier !== null && typeof identifier.step === 'function') return identifier;
  if (typeof identifier !== 'string') {
    throw new ValueError(`optimizers.get: expected an optimizer name or an optimizer, got ${String(identifier)}`);
  }
  const make = FACTORIES[identifier.toLowerCase()];
  if (make === undefined) {
    throw new ValueError(`optimizers.get: unknown optimizer '${identifier}'; valid names are ${Object.keys(FACTORIES).join(', ')}`);
  }
  return make(config);
}
