// Parameters and gradients in wasm memory for optimizer tests.
import { heap, readF32, writeF32 } from '../../src/backend/memory.js';
import type { ParamRef } from '../../src/optimizers/optimizer.js';

/** Parameter buffers of the given values with gradient buffers beside them. */
export class FakeParams {
  readonly refs: ParamRef[];

  constructor(values: readonly ArrayLike<number>[], names = values.map((_, i) => `p${i}`)) {
    this.refs = values.map((v, i) => {
      const ptr = heap().alloc(v.length * 4);
      const gradPtr = heap().alloc(v.length * 4);
      writeF32(ptr, v);
      writeF32(gradPtr, new Float32Array(v.length));
      return { name: names[i]!, ptr, gradPtr, size: v.length };
    });
  }

  setGrads(grads: readonly ArrayLike<number>[]): void {
    this.refs.forEach((r, i) => writeF32(r.gradPtr, grads[i]!));
  }

  values(): Float32Array[] {
    return this.refs.map((r) => readF32(r.ptr, r.size));
  }

  grads(): Float32Array[] {
    return this.refs.map((r) => readF32(r.gradPtr, r.size));
  }

  free(): void {
    for (const r of this.refs) {
      heap().free(r.ptr);
      heap().free(r.gradPtr);
    }
  }
}
