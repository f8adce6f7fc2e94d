// `callbacks.*`: Keras 3's training callbacks as factories, and their classes.
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { LearningRateScheduler, ReduceLROnPlateau, type EpochSchedule, type LearningRateSchedulerOptions, type ReduceLROnPlateauOptions } from './learning-rate.js';
import { TerminateOnNaN, type TerminateOnNaNOptions } from './terminate-on-nan.js';
import { ModelCheckpoint, type ModelCheckpointOptions } from './checkpoint.js';
import { LambdaCallback, Logger, type LambdaCallbackOptions, type LoggerOptions } from './logger.js';

export { Callback, History, type Logs, type TrainingModel, type TrainingParams } from './callback.js';
export { MonitorCallback, type MonitorMode, type MonitorOptions, type Printer } from './monitor.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { ReduceLROnPlateau, LearningRateScheduler, type ReduceLROnPlateauOptions, type LearningRateSchedulerOptions, type EpochSchedule } from './learning-rate.js';
export { TerminateOnNaN, type TerminateOnNaNOptions } from './terminate-on-nan.js';
export { ModelCheckpoint, type ModelCheckpointOptions, type CheckpointSink } from './checkpoint.js';
export { Logger, LambdaCallback, type LoggerOptions, type LogRow, type LambdaCallbackOptions } from './logger.js';

/** Stops training when the monitored quantity stops improving (Keras 3 semantics). See {@link EarlyStopping}. */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

/** Reduces the learning rate when the monitored quantity plateaus. See {@link ReduceLROnPlateau}. */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(options);
}

/** Sets the learning rate at each epoch's start to `schedule(epoch, lr)`. See {@link LearningRateScheduler}. */
export function learningRateScheduler(schedule: EpochSchedule, options: LearningRateSchedulerOptions = {}): LearningRateScheduler {
  return new LearningRateScheduler(schedule, options);
}

/** Stops training after a batch whose loss is NaN or infinite. See {@link TerminateOnNaN}. */
export function terminateOnNaN(options: TerminateOnNaNOptions = {}): TerminateOnNaN {
  return new TerminateOnNaN(options);
}

/** Hands `model.save()` bytes to `onSave` every epoch, or only on improvement. See {@link ModelCheckpoint}. */
export function modelCheckpoint(options: ModelCheckpointOptions): ModelCheckpoint {
  return new ModelCheckpoint(options);
}

/** Records each epoch's logs as rows and CSV text (Keras's CSVLogger). See {@link Logger}. */
export function logger(options: LoggerOptions = {}): Logger {
  return new Logger(options);
}

/** A callback from plain functions. See {@link LambdaCallback}. */
export function lambdaCallback(hooks: LambdaCallbackOptions = {}): LambdaCallback {
  return new LambdaCallback(hooks);
}
