// ModelCheckpoint (Keras 3) without a file system: hands `model.save()` bytes to a function.
import type { Logs } from './callback.js';
import { MonitorCallback, monitorFields, type MonitorOptions } from './monitor.js';
import { custom, finite, flag, func, optionError, optionsSchema } from '../core/options.js';

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

const schema = optionsSchema<ModelCheckpointOptions>()({
  ...monitorFields,
  onSave: func<CheckpointSink>('(bytes, epoch, logs) => void'),
  saveBestOnly: flag(false),
  initialValueThreshold: finite(),
  saveFreq: custom((v, who, key): 'epoch' | number => (v === 'epoch' || (Number.isSafeInteger(v) && (v as number) > 0) ? (v as 'epoch' | number) : optionError(who, key, "'epoch' or a positive integer", v, String)), 'epoch'),
});

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
    const o = schema.parse('modelCheckpoint', options);
    super('modelCheckpoint', o, 0);
    if (o.onSave === undefined) optionError('modelCheckpoint', 'onSave', 'a function (bytes, epoch, logs) => void', undefined, String);
    this.onSave = o.onSave;
    this.saveBestOnly = o.saveBestOnly;
    this.saveFreq = o.saveFreq;
    this.best = o.initialValueThreshold ?? this.worst();
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
