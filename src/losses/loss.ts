// The contract between losses and the training loop. Buffers live in wasm memory (byte offsets);
// a loss computes its value and its gradient in one fused kernel call.

/** One pointer-level loss evaluation over a batch. */
export interface LossCall {
  /** Targets: same shape as yPred, or for sparse losses the class indices (stored as f32), one per row. */
  yTrue: number;
  /** Predictions (or logits for `fromLogits` losses), `batch` samples of `sampleShape`. */
  yPred: number;
  /** Where d(reported loss)/d(yPred) is accumulated (`+=`); 0 skips the gradient. */
  dPred: number;
  /** Samples in the batch. */
  batch: number;
  /** Shape of one sample of yPred, e.g. `[10]` or `[28, 28, 3]`. */
  sampleShape: readonly number[];
  /** Optional per-sample weights (`batch` floats) or 0 (all ones). */
  sampleWeights?: number;
  /** Optional output: where the `batch` per-sample losses (before weighting) are written, or 0. */
  sampleLosses?: number;
}

/** A loss function object, as passed to `model.compile({ loss })`. */
export interface Loss {
  /** Registered name in camelCase, e.g. `'sparseCategoricalCrossentropy'`. */
  readonly name: string;
  /** The constructor options, so `losses.get(name, config)` rebuilds it. */
  getConfig(): Record<string, unknown>;
  /** The shape one sample of yTrue must have for this yPred sample shape (sparse losses drop the class axis). */
  targetSampleShape(predSampleShape: readonly number[]): number[];
  /**
   * Reported loss: the mean over samples of the per-sample loss (weighted by sampleWeights, still
   * divided by `batch`, as Keras's sum_over_batch_size); accumulates its gradient into dPred.
   */
  compute(call: LossCall): number;
}
