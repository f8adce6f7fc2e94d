// One weight of a layer: a block of wasm memory with its name, shape, initializer, regulariser
// and trainable flag. Custom layers use it as an operand of the differentiable ops.
import { heap, onCollect, readF32, writeF32 } from '../backend/memory.js';
import { weightsChanged } from '../backend/weights-version.js';
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { Tensor, sameShape, sizeOf, type Shape } from '../core/tensor.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerLike } from '../regularizers.js';
import { isWeightOptions, type AddWeightOptions } from './layer-helpers.js';
import { Rng, StreamPurpose, streamId } from '../random.js';

/** One weight of a layer in wasm memory. */
export class Weight {
  /** Marks weights for the ops (which accept them as operands without importing this class). */
  readonly isWeight = true;
  /** Byte offset of the values (owned by the layer). */
  readonly ptr: number;
  readonly size: number;
  constructor(
    readonly name: string,
    readonly shape: Shape,
    readonly initializer: Initializer,
    readonly regularizer: Regularizer | undefined,
    /** False for statistics such as BatchNorm's moving mean: never trained. */
    readonly trainable: boolean,
    /** Who allocates it (`dense_1/kernel`): named when the allocation fails. */
    owner = name,
  ) {
    this.size = sizeOf(shape);
    this.ptr = heap().alloc(this.size * 4, owner);
  }
  /** The values, copied out. */
  read(): Float32Array {
    return readF32(this.ptr, this.size);
  }
}

/** Writes `values` (Keras order and layout) into `weights`; every shape must match (`who` names the caller). */
export function writeWeights(weights: readonly Weight[], values: readonly Tensor[], who: string, built: boolean): void {
  if (!Array.isArray(values)) throw new ValueError(`${who}: expected an array of Tensors`);
  if (values.length !== weights.length) {
    throw new ValueError(`${who}: expected ${weights.length} tensors (${weights.map((w) => w.name).join(', ') || 'none'}${built ? '' : '; the layer is not built yet'}), got ${values.length}`);
  }
  values.forEach((t, i) => {
    const w = weights[i]!;
    if (!(t instanceof Tensor)) throw new ValueError(`${who}: item ${i} (${w.name}) is not a Tensor`);
    if (!sameShape(t.shape, w.shape)) throw new ShapeError(`${who}: ${w.name} must have shape ${formatShape(w.shape)}, got ${formatShape(t.shape)}`);
  });
  weightsChanged();
  values.forEach((t, i) => writeF32(weights[i]!.ptr, t.data));
}

/** Fills every weight from its initializer, drawing from `rng` in order. */
export function initializeWeightValues(weights: readonly Weight[], rng: Rng): void {
  weightsChanged();
  for (const w of weights) w.initializer.fill(w.ptr, w.shape, rng);
}

/** Sum of the weights' regulariser penalties; accumulates their gradients where grads[i] != 0 (no allocation: every step). */
export function regularizeWeights(weights: readonly Weight[], grads: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w.regularizer !== undefined) total += w.regularizer.apply(w.ptr, grads[i] ?? 0, w.size);
  }
  return total;
}

/** Seed of layers initialised outside a model (see `Layer.getWeights`). */
const STANDALONE_SEED = 0x1a7e5;
let standaloneCount = 0;

/** A fresh per-process stream for a layer initialised outside a model. */
export function standaloneRng(): Rng {
  return new Rng(STANDALONE_SEED, streamId(StreamPurpose.initializer, standaloneCount++ % (1 << 24)));
}

/** What a collected layer gives back: its weight blocks and cached geometries (see `onCollect`). */
interface OwnedMemory {
  heap: ReturnType<typeof heap>;
  ptrs: number[];
  cleanups: Array<{ release(): void }>;
}

// Weights are freed when their layer is garbage collected (users never call dispose).
function freeOwnedMemory({ heap: h, ptrs, cleanups }: OwnedMemory): void {
  if (h !== heap()) return; // the module was re-initialised: that memory is gone anyway
  for (const p of ptrs) h.free(p);
  for (const c of cleanups) c.release();
}

/** Frees `ptrs` and releases `cleanups` once `owner` (a layer) is garbage collected; neither may reference it. */
export function freeWithOwner(owner: object, ptrs: number[], cleanups: Array<{ release(): void }>): void {
  onCollect(owner, { heap: heap(), ptrs, cleanups }, freeOwnedMemory);
}

/** `layer.addWeight`'s weight: shape checked, initializer and regulariser resolved (`owner` names the layer in errors). */
export function newWeight(owner: string, name: string, shape: Shape, init: InitializerLike | AddWeightOptions | undefined, options: { regularizer?: RegularizerLike | undefined; trainable?: boolean }): Weight {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
    throw new ShapeError(`${owner}.addWeight(${JSON.stringify(name)}): shape must be a list of positive integers, got ${JSON.stringify(shape)}`);
  }
  const o = isWeightOptions(init) ? { initializer: init.initializer, regularizer: init.regularizer, trainable: init.trainable } : { initializer: init, ...options };
  const where = `${owner}/${name}`;
  const regularizer = o.regularizer === undefined || o.regularizer === null ? undefined : getRegularizer(o.regularizer, where);
  return new Weight(name, [...shape], getInitializer(o.initializer ?? 'glorotUniform', where), regularizer, o.trainable ?? true, `${where} ${formatShape(shape)}`);
}
