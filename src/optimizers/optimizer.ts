// The contract between optimizers and the training loop. Parameters, gradients and slots all
// live in wasm memory; an update is one fused kernel call per parameter buffer.

/** One trainable buffer as an optimizer sees it: f32 arrays in wasm memory, as byte offsets. */
export interface ParamRef {
  /** Unique and stable across runs, e.g. `dense_1/kernel`; slots are saved under this name. */
  readonly name: string;
  /** Byte offset of the parameter values. */
  readonly ptr: number;
  /** Byte offset of this step's gradient (already averaged over the batch, regularisers added). */
  readonly gradPtr: number;
  /** Number of floats. */
  readonly size: number;
}

/** A saved optimizer state: step count and slot contents, by parameter name and slot name. */
export interface OptimizerState {
  iterations: number;
  slots: Record<string, Record<string, Float32Array>>;
}

/** What `fit`, callbacks and `io` need from an optimizer. */
export interface Optimizer {
  /** Registered name, e.g. `'adam'`. */
  readonly name: string;
  /** The learning rate of the next step (a schedule's current value); callbacks may set it. */
  learningRate: number;
  /** Updates applied so far (PyTorch's `step`, Keras's `iterations`). */
  readonly iterations: number;
  /** Registers parameters and allocates their slots in wasm memory (lazily, once per name). */
  build(params: readonly ParamRef[]): void;
  /** Applies one update to every registered parameter from its gradient; allocates nothing. */
  step(): void;
  /** The constructor options, so `optimizers.get(name, config)` rebuilds it. */
  getConfig(): Record<string, unknown>;
  /** Copies the state out (for saving and resuming). */
  getState(): OptimizerState;
  /** Restores a state from `getState()`; params must be built first. */
  setState(state: OptimizerState): void;
}
