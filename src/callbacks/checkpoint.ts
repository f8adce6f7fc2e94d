// ModelCheckpoint (Keras 3) without a file system: hands `model.save()` bytes to a function.
import { ValueError } from '../errors.js';
import type { Logs } from './callback.js';
import { MonitorCallback, checkFinite, type MonitorOptions } from './monitor.js';
import { checkFlag } from '../errors.js';

/** Receives a checkpoint: the model's bytes (as `io.save(model)` returns), the 0-based epoch, the logs. */
export type CheckpointSink = (bytes: Uint8Array, epoch: number, logs: Logs) => void | Promise<void>;

/** Options of `callbacks.modelCheckpoint`. */
export interface ModelCheckpointOptions extends MonitorOptions {
  /** Where each checkpoint goes (write a file, post it, keep it in memory). Required. */
  onSave: CheckpointSink;
  /** Save only when the monitored value improves on the best so far. Default false. */
  saveBestOnly?: boolean;
  /** With saveBestOnly: the value to beat before the first save. Default none. */
  initialValueThreshold?: number;
  /** 'epoch' (default) or a number of batches between saves. */
  saveFreq?: 'epoch' | number;
}

/**
 * Saves the model at the end of every epoch (or every `saveFreq` batches), or with saveBestOnly
 * only when the monitored quantity improves (Keras 3's ModelCheckpoint). The best value persists
 * across `fit` calls, as in Keras. `fit` awaits an async onSave.
 */
export class ModelCheckpoint extends MonitorCallback {
  readonly saveBestOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  /** The best monitored value saved so far. */
  best: number;
  private readonly onSave: CheckpointSink;
  private epoch = 0;
  private batchesSinceSave = 0;

  constructor(options: ModelCheckpointOptions) {
    super('modelCheckpoint', options ?? {}, 0);
    if (typeof options?.onSave !== 'function') throw new ValueError(`modelCheckpoint: onSave must be a function (bytes, epoch, logs) => void, got ${String(options?.onSave)}`);
    this.onSave = options.onSave;
    this.saveBestOnly = checkFlag('modelCheckpoint', 'saveBestOnly', options.saveBestOnly ?? false);
    this.saveFreq = options.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch' && !(Number.isSafeInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new ValueError(`modelCheckpoint: saveFreq must be 'epoch' or a positive integer, got ${String(this.saveFreq)}`);
    }
    this.best = options.initialValueThreshold === undefined ? this.worst() : checkFinite('modelCheckpoint', 'initialValueThreshold', options.initialValueThreshold);
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override onBatchEnd(_batch: number, logs?: Logs): void | Promise<void> {
    if (this.saveFreq === 'epoch' || ++this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    return this.maybeSave(this.epoch, logs ?? {});
  }

  override onEpochEnd(epoch: number, logs?: Logs): void | Promise<void> {
    if (this.saveFreq === 'epoch') return this.maybeSave(epoch, logs ?? {});
  }

  private maybeSave(epoch: number, logs: Logs): void | Promise<void> {
    if (this.saveBestOnly) {
      const current = this.monitorValue(epoch, logs);
      if (!this.isImprovement(current, this.best)) {
        this.say(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best.toFixed(5)}`);
        return;
      }
      this.say(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best.toFixed(5)} to ${current.toFixed(5)}, saving model`);
      this.best = current;
    } else {
      this.say(`Epoch ${epoch + 1}: saving model`);
    }
    return this.onSave(this.requireModel().save(), epoch, { ...logs });
  }
}
