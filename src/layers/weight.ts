// One weight of a layer: a block of wasm memory with its name, shape, initializer, regulariser
// and trainable flag. Custom layers use it as an operand of the differentiable ops.
import { heap, readF32 } from '../backend/memory.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';

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
