// Options of the recurrent layers (simpleRnn, lstm, gru): the config type, the accepted option
// names, their checks, and the elementwise-activation rule of the gates.
import { ValueError } from '../core/errors.js';
import { resolveActivation, type ActivationSpec } from '../ops/activation.js';
import type { InitializerLike } from '../initializers.js';
import type { RegularizerLike } from '../regularizers.js';
import type { ActivationLike } from './activations.js';
import type { BaseLayerConfig } from './layer-helpers.js';

/** Options shared by `layers.simpleRnn`, `layers.lstm` and `layers.gru`. */
export interface RecurrentConfig extends BaseLayerConfig {
  /** Size of the hidden state. */
  units: number;
  /** Activation of the candidate / output (default `'tanh'`). */
  activation?: ActivationLike;
  /** Default true. */
  useBias?: boolean;
  /** True: output every step `[batch, time, units]`; false (default): the last `[batch, units]`. */
  returnSequences?: boolean;
  /** Not supported yet (needs layers with several outputs); only false is accepted. */
  returnState?: boolean;
  /** Process the sequence from its last step to its first; a returned sequence is in processing order (Keras). */
  goBackwards?: boolean;
  /** Fraction of the input features dropped in training: one mask per sequence, reused at every step. */
  dropout?: number;
  /** Fraction of the state entering the recurrent matmul dropped in training (one mask per sequence). */
  recurrentDropout?: number;
  /**
   * Keep the last state of each sample as the initial state of the same sample in the next batch
   * (reset with `resetStates()`); needs a fixed batch size given as `batchInputShape[0]`.
   */
  stateful?: boolean;
  kernelInitializer?: InitializerLike;
  recurrentInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike;
  recurrentRegularizer?: RegularizerLike;
  biasRegularizer?: RegularizerLike;
}

export function resolveFor(layer: string, a: ActivationLike | undefined, fallback: ActivationLike): ActivationSpec {
  let spec: ActivationSpec;
  try {
    spec = resolveActivation(a ?? fallback);
  } catch (err) {
    throw new ValueError(`${layer}: ${(err as Error).message}`);
  }
  // Gates run one activation call over all gate columns at once, so only elementwise
  // activations fit; a row-wise one would mix the gates.
  if (spec.name === 'softmax' || spec.name === 'logSoftmax') {
    throw new ValueError(`${layer}: activation '${spec.name}' works over rows, not elementwise; recurrent layers take elementwise activations (tanh, sigmoid, relu, ...)`);
  }
  return spec;
}

export const COMMON = ['units', 'activation', 'useBias', 'returnSequences', 'returnState', 'goBackwards', 'dropout', 'recurrentDropout', 'stateful', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer'] as const;

/** Throws naming the layer on a bad units, flag, dropout rate, returnState, or a stateful layer without a batch size. */
export function checkRecurrentConfig(config: RecurrentConfig, name: string): void {
  if (!Number.isSafeInteger(config.units) || config.units <= 0) throw new ValueError(`${name}: units must be a positive integer, got ${String(config.units)}`);
  for (const flag of ['returnSequences', 'useBias', 'goBackwards', 'stateful', 'returnState'] as const) {
    const v = config[flag];
    if (v !== undefined && typeof v !== 'boolean') throw new ValueError(`${name}: ${flag} must be a boolean, got ${String(v)}`);
  }
  for (const rate of ['dropout', 'recurrentDropout'] as const) {
    const v = config[rate];
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v < 1))) throw new ValueError(`${name}: ${rate} must be a number in [0, 1), got ${String(v)}`);
  }
  if (config.stateful === true) {
    const batch = config.batchInputShape?.[0];
    if (typeof batch !== 'number') {
      throw new ValueError(`${name}: stateful: true needs a fixed batch size; give batchInputShape: [batch, time, features] (got ${config.batchInputShape === undefined ? 'none' : JSON.stringify(config.batchInputShape)})`);
    }
  }
}
