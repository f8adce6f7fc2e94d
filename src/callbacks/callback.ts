// The contract between callbacks and the training loop (Keras 3 semantics: epochs and batches
// are 0-based; logs hold 'loss', metric names and their 'val_' twins).
import type { Tensor } from '../core/tensor.js';
import type { Optimizer } from '../optimizers/optimizer.js';

/** Named numbers reported by `fit` and `evaluate`: `loss`, `accuracy`, `val_loss`, ... */
export type Logs = Record<string, number>;

/** What a callback may touch on the model being trained. */
export interface TrainingModel {
  /** Set to true to end `fit` after the current batch. */
  stopTraining: boolean;
  readonly optimizer: Optimizer | undefined;
  /** All weights (trainable and not) in Keras order, copied out. */
  getWeights(): Tensor[];
  /** Puts back weights in `getWeights()`'s order and shapes. */
  setWeights(weights: readonly Tensor[]): void;
  /** The model as bytes (what `io.save(model)` returns). */
  save(): Uint8Array;
}

/** What `fit` was asked to do, handed to callbacks before training starts. */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch; undefined when `fit` trains on a dataset without `stepsPerEpoch` (Keras passes None). */
  steps: number | undefined;
  /** Training samples per epoch; undefined for a dataset. */
  samples: number | undefined;
  /** `fit`'s batchSize; undefined for a dataset (its batches come as they are). */
  batchSize: number | undefined;
  verbose: number;
  /** Names that will appear in the epoch logs, e.g. ['loss', 'accuracy', 'val_loss', 'val_accuracy']. */
  metrics: string[];
  /**
   * The seed of the run (always set by `fit`): fit's `seed` option, else the model's seed. Passing
   * it as the model's or fit's `seed` repeats the run (`history.params.seed` keeps it).
   */
  seed?: number;
  /** True when that seed was drawn at random because none was given (set by `fit`). */
  seedDrawn?: boolean;
}

/** Base class of every callback; each hook may be async, and `fit` awaits it. */
export abstract class Callback {
  /** The model being trained (set by `fit` before onTrainBegin). */
  model: TrainingModel | undefined;
  /** What `fit` was asked to do (set by `fit` before onTrainBegin). */
  params: TrainingParams | undefined;

  /** Called by `fit` with the model being trained. */
  setModel(model: TrainingModel): void {
    this.model = model;
  }
  /** Called by `fit` with its epochs, steps, batch size and metric names. */
  setParams(params: TrainingParams): void {
    this.params = params;
  }
  /** Before the first epoch. */
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  /** After the last epoch (also after an early stop). */
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  /** Before each epoch (0-based). */
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  /** After each epoch, with its logs (`loss`, metrics, `val_*`); callbacks may add entries. */
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  /** Before each training batch (0-based within the epoch). */
  onBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  /** After each training batch, with its logs (`loss` and metrics so far). */
  onBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
}

/** Records every epoch's logs; `fit` always attaches one and returns it. */
export class History extends Callback {
  /** Epoch indices seen, in order. */
  readonly epoch: number[] = [];
  /** Each log name's values, one per epoch. */
  readonly history: Record<string, number[]> = {};

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
