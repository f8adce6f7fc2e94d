// The gradient buffers of a model's trainable weights: one wasm block, zeroed with one fill per
// step, registered with the optimizer. Every training executor of a model shares them.
import { heap } from '../backend/memory.js';
import { fill } from '../kernels/memory.js';
import { allFinite } from '../kernels/optim.js';
import { trainableVersion, type Layer, type Weight } from '../layers/layer.js';
import type { Optimizer, ParamRef } from '../optimizers/optimizer.js';

/** Trainable parameters and their gradient buffers. */
export class WeightGradients {
  /** The `trainable` flags' version these buffers were laid out for. */
  readonly version = trainableVersion;
  /** Parameters as the optimizer sees them (name, value, gradient, size). */
  readonly params: ParamRef[] = [];
  /** Gradient pointer of each weight of each layer (0: not trainable). */
  readonly byLayer = new Map<Layer, number[]>();
  /** Gradient pointer of each trainable weight (what plans read). */
  readonly byWeight = new Map<Weight, number>();
  /** Floats in the block (each buffer padded to 4). */
  readonly floats: number;
  private block: number;

  /** Lays out the buffers for `layers` and builds the optimizer's slots for them. */
  constructor(readonly layers: readonly Layer[], optimizer: Optimizer, who = 'weight gradients') {
    let floats = 0;
    const offsets: Array<{ layer: Layer; index: number; offset: number }> = [];
    for (const layer of layers) {
      const trainable = new Set(layer.trainableWeights);
      layer.weights.forEach((w, index) => {
        if (!trainable.has(w)) return;
        offsets.push({ layer, index, offset: floats });
        floats += Math.ceil(w.size / 4) * 4;
      });
    }
    this.floats = floats;
    this.block = floats > 0 ? heap().alloc(floats * 4, who) : 0;
    for (const layer of layers) this.byLayer.set(layer, layer.weights.map(() => 0));
    for (const { layer, index, offset } of offsets) {
      const w = layer.weights[index]!;
      const gradPtr = this.block + offset * 4;
      this.byLayer.get(layer)![index] = gradPtr;
      this.byWeight.set(w, gradPtr);
      this.params.push({ name: `${layer.name}/${w.name}`, ptr: w.ptr, gradPtr, size: w.size });
    }
    optimizer.build(this.params);
  }

  /** Whether these buffers still match the layers and their `trainable` flags. */
  matches(layers: readonly Layer[]): boolean {
    return this.version === trainableVersion && this.layers === layers;
  }

  /** Zeroes every gradient (one fill; backward kernels accumulate). */
  zero(): void {
    if (this.floats > 0) fill(this.block, 0, this.floats);
  }

  /** Whether every gradient is finite (one pass over the block). */
  allFinite(): boolean {
    return this.floats === 0 || allFinite(this.block, this.floats);
  }

  /** Returns the block to the heap (idempotent). */
  free(): void {
    if (this.block !== 0) heap().free(this.block);
    this.block = 0;
  }
}
