// A layer's GEMM operand packed once for inference (the panel layout of assembly/gemm.ts's
// f32_gemm_packed), repacked only when the weights change (src/backend/weights-version.ts).
// Packing reads and writes the whole kernel, so it pays only when the packed copy is reused: the
// first inference call after a change runs the plain GEMM and the second one packs. A training
// loop that predicts between steps never packs; a predict loop packs once.
import { weightsVersion } from '../backend/weights-version.js';
import { packGemmB, packedBFloats } from '../kernels/gemm.js';

/** op(B) of a layer's GEMM (k x n, B stored k x n or, transposed, n x k), packed on demand. */
export class PackedGemmB {
  private ptr = 0;
  /** Weights version the packed copy holds (-1: none). */
  private packedAt = -1;
  /** Weights version the last call saw. */
  private seenAt = -1;

  /** @param alloc allocates a buffer of this many floats owned (and freed) by the layer. */
  constructor(private readonly alloc: (floats: number) => number) {}

  /**
   * The packed operand for an inference call on B at `b`, or 0: run the plain GEMM (the weights
   * changed since the last call, so packing would not pay yet). Never returns a stale copy.
   */
  get(b: number, ldb: number, transposeB: boolean, k: number, n: number): number {
    const v = weightsVersion();
    if (v === this.packedAt) return this.ptr;
    if (v !== this.seenAt) {
      this.seenAt = v;
      return 0;
    }
    if (this.ptr === 0) this.ptr = this.alloc(packedBFloats(k, n));
    packGemmB(this.ptr, b, ldb, transposeB, k, n);
    this.packedAt = v;
    return this.ptr;
  }
}
