// What a layer and a model's execution plan exchange: the plan's buffers (`Slot`, `NodeIO`), the
// per-node state a layer asks for (`StateRequest`), the per-step context (`CallContext`) and the
// activation the plan runs after a layer's forward (`ActivationStage`).
import type { Shape } from '../core/tensor.js';
import type { Rng } from '../random.js';

/** One buffer of an execution plan: a batch of values and, when training, their gradient. */
export interface Slot {
  /** Byte offset of `maxBatch` samples of `shape` (of one `shape` when not batched). */
  readonly ptr: number;
  /** Byte offset of the gradient (same size), or 0 when no gradient flows here. */
  readonly grad: number;
  /** Per-sample shape. */
  readonly shape: Shape;
  /** Floats per sample (per tensor when not batched). */
  readonly size: number;
  /** False for a tensor without batch axis (a weight, a reduction over the batch): `shape` is its full shape. */
  readonly batched: boolean;
}

/** A per-node buffer a layer asks its plan for (sizes in floats, for the plan's largest batch). */
export interface StateRequest {
  floats: number;
  /** True for gradient buffers: zeroed with the others before every backward pass. */
  grad?: boolean;
}

/** What forward and backward of one node see: its buffers, the batch size and per-node state. */
export interface NodeIO {
  readonly inputs: readonly Slot[];
  /** The mask of the first input ([batch, time] of 1 or 0) for a layer that consumes masks, when the input has one. */
  readonly mask?: Slot | undefined;
  readonly output: Slot;
  /** Every output (`output` is the first; layers with several outputs write the others). */
  readonly outputs: readonly Slot[];
  /** Pre-activation output (equals output.ptr when the layer's activation is linear). */
  readonly z: number;
  /** Gradient of the pre-activation output (equals output.grad for linear), 0 if none. */
  readonly dz: number;
  /** Gradient buffer of each weight (same order as `layer.weights`), 0 when frozen or inferring. */
  readonly weightGrads: readonly number[];
  /** Byte offsets of the buffers requested by `stateRequests`, by name. */
  readonly state: Readonly<Record<string, number>>;
  /**
   * A write-only buffer as large as any input or weight of the plan (training plans only), for
   * kernels that always write a gradient the plan does not need (an input without `grad`, a frozen
   * weight): pass `x.grad || io.sink`.
   */
  readonly sink: number;
  /**
   * Set by the plan on a pool that follows a ReLU only it reads (`ReluBackwardFusing`): the first
   * input's `grad` is then the ReLU's input gradient, which backward writes whole, relu' applied.
   */
  readonly reluGradWrite?: boolean;
}

/** A layer whose backward can also do the preceding ReLU's (max pooling whose windows tile the input). */
export interface ReluBackwardFusing {
  readonly fusesReluBackward: boolean;
}

/** Per-step context: training flag, batch size and the random stream of this step. */
export interface CallContext {
  /** True inside fit/trainOnBatch/trainStep; layers such as dropout read it (never their type). */
  training: boolean;
  /** Samples in this batch (at most the plan's batch size). */
  batch: number;
  /** The model's generator (dropout masks, noise). */
  rng: Rng;
}

/** The activation fused into a layer, applied by the plan between forward and the next node. */
export interface ActivationStage {
  /** Name saved in the config, e.g. `'relu'`. */
  readonly name: string;
  /** y = act(z) over n floats whose last axis has `lastDim` entries (softmax needs it). */
  forward(y: number, z: number, n: number, lastDim: number): void;
  /** dz += act'(z) · dy. */
  backward(dz: number, dy: number, z: number, y: number, n: number, lastDim: number): void;
}
