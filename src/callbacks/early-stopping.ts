// EarlyStopping with Keras 3's semantics (keras.callbacks.EarlyStopping).
import type { Tensor } from '../core/tensor.js';
import type { Logs } from './callback.js';
import { MonitorCallback, monitorFields, type MonitorOptions } from './monitor.js';
import { finite, flag, integer, optionsSchema } from '../core/options.js';

/** Options of `callbacks.earlyStopping` (Keras 3's, camelCase). */
export interface EarlyStoppingOptions extends MonitorOptions {
  /** Smallest change that counts as an improvement (absolute value taken). Default 0. */
  minDelta?: number;
  /** Epochs without improvement after which training stops. Default 0. */
  patience?: number;
  /** Training stops unless the monitored value improves on this (see Keras). Default none. */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before monitoring starts (warm-up). Default 0. */
  startFromEpoch?: number;
}

const schema = optionsSchema<EarlyStoppingOptions>()({
  ...monitorFields,
  minDelta: finite({ fallback: 0 }),
  patience: integer({ fallback: 0 }),
  baseline: finite(),
  restoreBestWeights: flag(false),
  startFromEpoch: integer({ fallback: 0 }),
});

/**
 * Stops training when the monitored quantity stops improving, exactly as Keras 3 does:
 *
 * - at each monitored epoch (epoch >= startFromEpoch) `wait` grows by one; an improvement on the
 *   best value (by more than minDelta) records it as best and resets `wait`, but only if it also
 *   improves on `baseline` when one is given; otherwise, once `wait >= patience` (and epoch > 0),
 *   `model.stopTraining` is set and `stoppedEpoch` records the epoch;
 * - with restoreBestWeights, the weights of the best epoch are put back in onTrainEnd whether or
 *   not training stopped early (Keras 3; Keras 2 restored only on an early stop). When no epoch
 *   improves, the first monitored epoch's weights count as the best;
 * - a monitor missing from the epoch logs is an error listing the available names (Keras only
 *   warns);
 * - all state (wait, best, bestEpoch, stoppedEpoch, the saved weights) resets in onTrainBegin, so
 *   one instance can serve several `fit` calls.
 */
export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs without improvement so far. */
  wait = 0;
  /** The best monitored value of this run (±Infinity before the first). */
  best: number;
  /** The epoch that set `model.stopTraining` (0 when training was not stopped). */
  stoppedEpoch = 0;
  /** The epoch of the best value (the one whose weights restoreBestWeights puts back). */
  bestEpoch = 0;
  private bestWeights: Tensor[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    const o = schema.parse('earlyStopping', options);
    super('earlyStopping', o, o.minDelta);
    this.patience = o.patience;
    this.baseline = o.baseline;
    this.restoreBestWeights = o.restoreBestWeights;
    this.startFromEpoch = o.startFromEpoch;
    this.best = this.worst();
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.best = this.worst();
    this.bestWeights = undefined;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const current = this.monitorValue(epoch, logs);
    if (epoch < this.startFromEpoch) return;
    const model = this.requireModel();
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0) this.say(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      this.say(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.requireModel().setWeights(this.bestWeights);
    }
  }
}
