// Bindings of assembly/attention.ts: the fused, masked attention score softmax and its backward.
import { CONSTANTS, wasm } from './exports.js';
import type { StructLayout } from './structs.js';

/** The layout of an attention softmax call's AttentionShape struct (assembly/attention.ts). */
export const ATTENTION_SHAPE: StructLayout<'scale', 'batch' | 'heads' | 'tq' | 'tk' | 'maskBatchStride' | 'maskRowStride' | 'causal'> = {
  bytes: CONSTANTS.ATTENTION_SHAPE_BYTES,
  f32: { scale: CONSTANTS.ATTENTION_SHAPE_SCALE },
  i32: {
    batch: CONSTANTS.ATTENTION_SHAPE_BATCH,
    heads: CONSTANTS.ATTENTION_SHAPE_HEADS,
    tq: CONSTANTS.ATTENTION_SHAPE_TQ,
    tk: CONSTANTS.ATTENTION_SHAPE_TK,
    maskBatchStride: CONSTANTS.ATTENTION_SHAPE_MASK_BATCH_STRIDE,
    maskRowStride: CONSTANTS.ATTENTION_SHAPE_MASK_ROW_STRIDE,
    causal: CONSTANTS.ATTENTION_SHAPE_CAUSAL,
  },
};

/**
 * probs[b, h, i, :] = softmax over the attended keys of scale * scores[b, h, i, :] ([batch,
 * heads, tq, tk]); keys with mask 0 (mask: byte offset or 0 for none, strides in the struct),
 * with keys[b, j] 0 (a [batch, tk] padding mask, or 0 for none) or, when causal, after the query
 * get 0; a row with no attended key is all zeros. `shape` points to an ATTENTION_SHAPE struct.
 */
export function attentionSoftmaxForward(probs: number, scores: number, mask: number, keys: number, shape: number): void {
  wasm().f32_attention_softmax_forward(probs, scores, mask, keys, shape);
}

/** dscores += scale * probs * (dprobs - sum(dprobs * probs)) over the score rows of the ATTENTION_SHAPE struct at `shape`. */
export function attentionSoftmaxBackward(dscores: number, dprobs: number, probs: number, shape: number): void {
  wasm().f32_attention_softmax_backward(dscores, dprobs, probs, shape);
}
