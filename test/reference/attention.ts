// Naive f64 references of the attention kernels (assembly/attention.ts) and of a whole
// multi-head attention forward in Keras's weight layout: the oracle for the kernel and layer tests.

/** Geometry of a masked attention softmax over [batch, heads, tq, tk] score rows. */
export interface SoftmaxGeometry {
  batch: number;
  heads: number;
  tq: number;
  tk: number;
  scale: number;
  causal: boolean;
  /** Per-sample mask floats (length batch * maskBatchStride), or undefined for none. */
  mask?: ArrayLike<number> | undefined;
  maskBatchStride: number;
  maskRowStride: number;
  /** A [batch, tk] padding mask combined with `mask` (the value's mask), or undefined. */
  keys?: ArrayLike<number> | undefined;
}

/** probs over attended keys (mask != 0, keys != 0 and, if causal, j <= i); 0 elsewhere; all-masked rows 0. */
export function attentionSoftmaxForwardRef(scores: ArrayLike<number>, g: SoftmaxGeometry): Float64Array {
  const out = new Float64Array(g.batch * g.heads * g.tq * g.tk);
  for (let b = 0; b < g.batch; b++) {
    for (let h = 0; h < g.heads; h++) {
      for (let i = 0; i < g.tq; i++) {
        const row = ((b * g.heads + h) * g.tq + i) * g.tk;
        const attend = (j: number): boolean => (!g.causal || j <= i) && (g.mask === undefined || g.mask[b * g.maskBatchStride + i * g.maskRowStride + j] !== 0) && (g.keys === undefined || g.keys[b * g.tk + j] !== 0);
        let top = -Infinity;
        for (let j = 0; j < g.tk; j++) if (attend(j)) top = Math.max(top, g.scale * scores[row + j]!);
        if (top === -Infinity) continue;
        let sum = 0;
        for (let j = 0; j < g.tk; j++) if (attend(j)) sum += Math.exp(g.scale * scores[row + j]! - top);
        for (let j = 0; j < g.tk; j++) if (attend(j)) out[row + j] = Math.exp(g.scale * scores[row + j]! - top) / sum;
      }
    }
  }
  return out;
}

/** dscores0 + scale * p * (dp - sum(dp * p)) per row. */
export function attentionSoftmaxBackwardRef(dscores0: ArrayLike<number>, dprobs: ArrayLike<number>, probs: ArrayLike<number>, rows: number, cols: number, scale: number): Float64Array {
  const out = Float64Array.from(dscores0);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dprobs[r * cols + j]! * probs[r * cols + j]!;
    for (let j = 0; j < cols; j++) out[r * cols + j] = out[r * cols + j]! + scale * probs[r * cols + j]! * (dprobs[r * cols + j]! - dot);
  }
  return out;
}
