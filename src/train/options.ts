// The options of compile, fit, evaluate and predict: their types (public, re-exported by the
// package) and their schemas (checked at every call; unknown keys throw with a did-you-mean).
import type { Callback } from '../callbacks/callback.js';
import { custom, flag, given, integer, oneOf, optionError, optionsSchema } from '../core/options.js';
import type { BatchSource } from '../data/feed.js';
import { ValueError } from '../core/errors.js';
import type { LossSpec, MetricSpec, PerOutput, Targets } from './heads.js';
import type { Metric } from '../metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../core/tensor.js';
import type { BatchAugmenter } from './executor.js';

export type { BatchAugmenter } from './executor.js';

/** Options of `model.compile`. */
export interface CompileOptions {
  /** An optimizer object or a name (`'adam'`, `'sgd'`, ...). */
  optimizer: Optimizer | string;
  /**
   * A loss object, a name (`'sparseCategoricalCrossentropy'`, `'meanSquaredError'`, ...) or a
   * function of ops `(yTrue, yPred) => scalar or per-sample values` (averaged). A model with
   * several outputs takes one per output: an array in output order or an object by output name
   * (one value applies to every output).
   */
  loss?: PerOutput<LossSpec>;
  /** Several outputs: the weight of each output's loss in the total (default 1 each). */
  lossWeights?: PerOutput<number>;
  /**
   * Metric objects or names (`'accuracy'`, `'mse'`, ...), reported as `name` and `val_name`; with
   * several outputs, per output (array of lists, or object by output name), reported as
   * `<output>_<name>`.
   */
  metrics?: PerOutput<ReadonlyArray<MetricSpec>>;
}

/** Options of `model.fit`. */
export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Tensors only (a dataset brings its own batches). Default 32; the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** 0 silent, 1 progress bar (per-epoch lines when not a TTY), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Tensors only: the fraction of the samples (taken from the end, before shuffling, as Keras) held out for validation. */
  validationSplit?: number;
  /** Validation inputs and targets, or a dataset of `{ x, y }` batches (wins over validationSplit). */
  validationData?: readonly [Tensor | readonly Tensor[], Targets] | BatchSource;
  /**
   * Training on a dataset: batches per epoch (Keras's steps_per_epoch). Without it an epoch is one
   * full pass over the dataset; with it the iteration goes on across epochs, starting a new pass
   * when one ends (so an endless generator works). Not for tensors.
   */
  stepsPerEpoch?: number;
  /** Tensors only (shuffle a dataset itself): reshuffle the training samples every epoch. Default true. */
  shuffle?: boolean;
  /** Seeds initialisation (if the model is not initialised yet), shuffling, dropout and augmentation. */
  seed?: number;
  callbacks?: readonly Callback[];
  /** Epoch to start counting from (resuming). Default 0. */
  initialEpoch?: number;
  /** Weight of each class in the loss and metrics: `{ 0: 1, 1: 5 }`. */
  classWeight?: Readonly<Record<number, number>>;
  /** In-place batch augmentation (e.g. `augment.sequence([...])`), for image inputs [n, h, w, c]. */
  augment?: BatchAugmenter;
  /**
   * What a NaN or infinite loss does, and equally NaN/Inf targets or gradients (checked every
   * step, since some losses stay finite on NaN data). The bad batch's update is never applied. `'throw'` (default)
   * throws an error naming the epoch and batch, unless a callback sets `model.stopTraining` in
   * that batch's `onBatchEnd` (which sees `logs.loss` = NaN; `callbacks.terminateOnNaN()` does):
   * then training ends gracefully. `'stop'` always ends gracefully; `'skip'` drops the batch and
   * goes on.
   */
  onNonFiniteLoss?: 'throw' | 'stop' | 'skip';
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Tensors only: samples per batch (default 32). */
  batchSize?: number;
  /**
   * Datasets only: evaluate this many batches instead of one full pass. If the data ends first,
   * evaluation stops there (never a second pass, as Keras) and `onWarning` is told.
   */
  steps?: number;
  /**
   * Receives warnings (steps beyond the end of the data). Default: a `warning: ...` line where
   * fit's progress goes (stdout in Node and Deno, the console elsewhere).
   */
  onWarning?: (message: string) => void;
}

/** Options of `predict`. */
export interface PredictOptions {
  batchSize?: number;
}

/** A seed: a non-negative safe integer. */
export const seedOption = integer({ expected: 'a non-negative integer' });

const positive = integer({ min: 1 });

/** compile's values are resolved by `optimizers.get`, `losses.get` and `metrics` (their errors are wrapped). */
export const compileSchema = optionsSchema<CompileOptions>()({
  optimizer: given<Optimizer | string>(),
  loss: given<PerOutput<LossSpec>>(),
  lossWeights: given<PerOutput<number>>(),
  metrics: custom((v, who, key): PerOutput<ReadonlyArray<MetricSpec>> => (v !== null && typeof v === 'object' ? (v as PerOutput<ReadonlyArray<MetricSpec>>) : optionError(who, key, 'an array (or per output)', typeof v, String))),
});

/** batchSize, validationSplit and shuffle are left undefined when not given: a dataset rejects them. */
export const fitSchema = optionsSchema<FitOptions>()({
  epochs: integer({ min: 1, fallback: 1 }),
  initialEpoch: integer({ fallback: 0 }),
  verbose: oneOf([0, 1, 2], 1),
  onNonFiniteLoss: oneOf(['throw', 'stop', 'skip'], 'throw'),
  callbacks: custom((v, who): readonly Callback[] => {
    if (!Array.isArray(v) || v.some((cb) => cb === null || typeof cb !== 'object' || typeof (cb as Callback).onEpochEnd !== 'function')) {
      throw new ValueError(`${who}: callbacks must be an array of Callback objects`);
    }
    return v as Callback[];
  }, [] as readonly Callback[]),
  augment: custom((v, who, key): BatchAugmenter => (typeof (v as Partial<BatchAugmenter>)?.applyInPlacePtr === 'function' ? (v as BatchAugmenter) : optionError(who, key, 'an augmentation pipeline (with applyInPlacePtr)', typeof v, String))),
  classWeight: custom((v, who): Readonly<Record<number, number>> => {
    if (v === null || typeof v !== 'object') throw new ValueError(`${who}: classWeight must be an object { class: weight }`);
    return v as Readonly<Record<number, number>>;
  }),
  batchSize: positive,
  validationSplit: given<number>(),
  validationData: given<NonNullable<FitOptions['validationData']>>(),
  stepsPerEpoch: positive,
  shuffle: flag(),
  seed: seedOption,
});

export const evaluateSchema = optionsSchema<EvaluateOptions>()({
  batchSize: positive,
  steps: positive,
  onWarning: custom((v, who, key): ((message: string) => void) => (typeof v === 'function' ? (v as (message: string) => void) : optionError(who, key, 'a function (message: string) => void', v))),
});

export const predictSchema = optionsSchema<PredictOptions>()({ batchSize: integer({ min: 1, fallback: 32 }) });
