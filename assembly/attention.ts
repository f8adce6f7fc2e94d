// Attention score softmax with its masks, fused: forward and backward over [batch, heads, tq, tk]
// score rows (one row per query, one column per key).
//
//   f32_attention_softmax_forward(probs, scores, mask, keys, shape)
//     probs[b,h,i,:] = softmax_j(scale * scores[b,h,i,j]) over the keys j that are attended:
//     mask[b, i, j] != 0 (mask 0 = no mask; per-sample strides in the struct, so a key mask
//     [batch, tk] is a row stride of 0), keys[b, j] != 0 (keys 0 = none: the padding mask the
//     value carries, [batch, tk]) and, with causal, j <= i (Keras's lower-triangular mask). Keys not attended get probability 0; a row with no attended key is all zeros (Keras
//     multiplies the softmax by the mask, so a fully masked row is zero there too).
//     probs may alias scores.
//   f32_attention_softmax_backward(dscores, dprobs, probs, shape)
//     dscores += scale * probs * (dprobs - sum_j(dprobs * probs)) over the same rows; masked keys
//     have probs 0 and get no gradient, so the backward needs no mask. (The scale travels in the
//     struct: a float argument would be boxed by the JS engine on every call.)
//
// Numerically stable: the row maximum of the scaled, masked scores is subtracted before exp
// (exp from math.ts: 1 ulp, the same bits in the SIMD main loop and the scalar tail).
import { hsum_f32x4, rowExpShifted, rowMax } from './math';

/** An attention softmax call's geometry (the ABI: field order = byte offset / 4). */
@unmanaged class AttentionShape {
  batch: i32;
  heads: i32;
  /** Queries (score rows per head). */
  tq: i32;
  /** Keys (floats per score row). */
  tk: i32;
  /** Floats between the masks of consecutive samples (tq * tk for [tq, tk] masks, tk for key masks). */
  maskBatchStride: i32;
  /** Floats between the mask rows of consecutive queries (tk, or 0 for a key mask shared by all queries). */
  maskRowStride: i32;
  /** Non-zero: query i attends keys j <= i only. */
  causal: i32;
  /** Multiplies every score before the softmax (1 / sqrt(keyDim)). */
  scale: f32;
}
export const ATTENTION_SHAPE_BYTES: i32 = offsetof<AttentionShape>();
export const ATTENTION_SHAPE_BATCH: i32 = offsetof<AttentionShape>('batch');
export const ATTENTION_SHAPE_HEADS: i32 = offsetof<AttentionShape>('heads');
export const ATTENTION_SHAPE_TQ: i32 = offsetof<AttentionShape>('tq');
export const ATTENTION_SHAPE_TK: i32 = offsetof<AttentionShape>('tk');
export const ATTENTION_SHAPE_MASK_BATCH_STRIDE: i32 = offsetof<AttentionShape>('maskBatchStride');
export const ATTENTION_SHAPE_MASK_ROW_STRIDE: i32 = offsetof<AttentionShape>('maskRowStride');
export const ATTENTION_SHAPE_CAUSAL: i32 = offsetof<AttentionShape>('causal');
export const ATTENTION_SHAPE_SCALE: i32 = offsetof<AttentionShape>('scale');

/**
 * y[j] = scale * x[j] where mask[j] != 0 and keys[j] != 0, else -Inf, for j < n (a mask pointer
 * of 0 is no mask).
 */
// @ts-ignore: decorator
@inline function scaleMasked(y: usize, x: usize, mask: usize, keys: usize, n: i32, scale: f32): void {
  if (mask == 0) {
    mask = keys;
    keys = 0;
  }
  const s = f32x4.splat(scale);
  const negInf = f32x4.splat(-Infinity);
  const zero = f32x4.splat(0);
  let j = 0;
  if (mask == 0) {
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(y + o, f32x4.mul(v128.load(x + o), s));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(y + o, load<f32>(x + o) * scale);
    }
    return;
  }
  if (keys == 0) {
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const attend = f32x4.ne(v128.load(mask + o), zero);
      v128.store(y + o, v128.bitselect(f32x4.mul(v128.load(x + o), s), negInf, attend));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(y + o, load<f32>(mask + o) != 0 ? load<f32>(x + o) * scale : -Infinity);
    }
    return;
  }
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    const attend = v128.and(f32x4.ne(v128.load(mask + o), zero), f32x4.ne(v128.load(keys + o), zero));
    v128.store(y + o, v128.bitselect(f32x4.mul(v128.load(x + o), s), negInf, attend));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(y + o, load<f32>(mask + o) != 0 && load<f32>(keys + o) != 0 ? load<f32>(x + o) * scale : -Infinity);
  }
}

/** y[j] *= k for j < n. */
// @ts-ignore: decorator
@inline function scaleRow(y: usize, n: i32, k: f32): void {
  const kv = f32x4.splat(k);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(y + o, f32x4.mul(v128.load(y + o), kv));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(y + o, load<f32>(y + o) * k);
  }
}

/** Masked, scaled, numerically stable softmax over every score row (see the top of the file). */
export function f32_attention_softmax_forward(probs: usize, scores: usize, mask: usize, keys: usize, shape: usize): void {
  const g = changetype<AttentionShape>(shape);
  const heads = g.heads;
  const tq = g.tq;
  const tk = g.tk;
  const rowBytes = <usize>tk << 2;
  for (let b = 0; b < g.batch; b++) {
    const maskSample: usize = mask == 0 ? 0 : mask + (<usize>b * <usize>g.maskBatchStride << 2);
    const keySample: usize = keys == 0 ? 0 : keys + (<usize>b * <usize>tk << 2);
    for (let h = 0; h < heads; h++) {
      const head = <usize>(b * heads + h) * <usize>tq;
      for (let i = 0; i < tq; i++) {
        const s = scores + (head + <usize>i) * rowBytes;
        const p = probs + (head + <usize>i) * rowBytes;
        const m: usize = mask == 0 ? 0 : maskSample + (<usize>i * <usize>g.maskRowStride << 2);
        // Causal: keys after i are never attended, so the row is only its first i + 1 columns.
        const n = g.causal != 0 ? min<i32>(i + 1, tk) : tk;
        scaleMasked(p, s, m, keySample, n, g.scale);
        const top = rowMax(p, n);
        if (top == -Infinity) {
          memory.fill(p, 0, rowBytes);
          continue;
        }
        const sum = rowExpShifted(p, p, n, top);
        scaleRow(p, n, 1 / sum);
        if (n < tk) memory.fill(p + (<usize>n << 2), 0, <usize>(tk - n) << 2);
      }
    }
  }
}

/** dscores += scale * probs * (dprobs - sum(dprobs * probs)) over every score row of `shape`. */
export function f32_attention_softmax_backward(dscores: usize, dprobs: usize, probs: usize, shape: usize): void {
  const g = changetype<AttentionShape>(shape);
  const rows = g.batch * g.heads * g.tq;
  const cols = g.tk;
  const scale = g.scale;
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * rowBytes;
    const ds = dscores + at;
    const dp = dprobs + at;
    const p = probs + at;
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(dp + o), v128.load(p + o)));
    }
    let dot = hsum_f32x4(acc);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      dot += load<f32>(dp + o) * load<f32>(p + o);
    }
    const dotV = f32x4.splat(dot);
    const s = f32x4.splat(scale);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const g = f32x4.mul(f32x4.mul(v128.load(p + o), f32x4.sub(v128.load(dp + o), dotV)), s);
      v128.store(ds + o, f32x4.add(v128.load(ds + o), g));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(ds + o, load<f32>(ds + o) + load<f32>(p + o) * (load<f32>(dp + o) - dot) * scale);
    }
  }
}
