// Small kernels the layer graph needs that belong to no other family (this file was layers.ts,
// which held no layer): elementwise accumulation (residual adds, gradient fan-in), strided row copies (concatenation), bias gradients and the
// weight-regulariser penalty. Plain loops with SIMD bodies; scalar tails.
import { addRow } from './geometry';

/** dst[0..n) += src[0..n). Used by `add` (forward and backward) and gradient fan-in. */
export function f32_accumulate(dst: usize, src: usize, n: i32): void {
  addRow(dst, src, n);
}

/**
 * Concatenation along the last axis, one input at a time: y[r, offset + j] = x[r, j] for
 * r < rows, j < width; y rows are `yWidth` floats long.
 */
export function f32_concat_forward(y: usize, x: usize, rows: i32, width: i32, yWidth: i32, offset: i32): void {
  for (let r = 0; r < rows; r++) {
    memory.copy(y + ((<usize>r * yWidth + offset) << 2), x + ((<usize>r * width) << 2), <usize>width << 2);
  }
}

/** Backward of `f32_concat_forward`: dx[r, j] += dy[r, offset + j]. */
export function f32_concat_backward(dx: usize, dy: usize, rows: i32, width: i32, yWidth: i32, offset: i32): void {
  for (let r = 0; r < rows; r++) {
    f32_accumulate(dx + ((<usize>r * width) << 2), dy + ((<usize>r * yWidth + offset) << 2), width);
  }
}

/** Bias gradient: db[j] += sum over r < rows of dy[r, j]; dy is rows x n. */
export function f32_bias_backward(db: usize, dy: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) f32_accumulate(db, dy + ((<usize>r * n) << 2), n);
}

/**
 * Weight regulariser: returns l1·Σ|w| + l2·Σw² (accumulated in f64) and, when dw != 0,
 * accumulates its gradient dw += l1·sign(w) + 2·l2·w (sign(0) = 0, as Keras).
 */
export function f32_l1l2_penalty(dw: usize, w: usize, n: i32, l1: f32, l2: f32): f64 {
  let abs: f64 = 0;
  let sq: f64 = 0;
  const twoL2 = f32x4.splat(2 * l2);
  const l1v = f32x4.splat(l1);
  const zero = f32x4.splat(0);
  let i = 0;
  if (dw != 0) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const wv = v128.load(w + o);
      // sign(w) as ±1 or 0: (w > 0) - (w < 0) via masks on 1.0.
      const one = f32x4.splat(1);
      const sign = f32x4.sub(v128.and(f32x4.gt(wv, zero), one), v128.and(f32x4.lt(wv, zero), one));
      const g = f32x4.add(f32x4.mul(l1v, sign), f32x4.mul(twoL2, wv));
      v128.store(dw + o, f32x4.add(v128.load(dw + o), g));
    }
    for (let j = i; j < n; j++) {
      const o = <usize>j << 2;
      const wv = load<f32>(w + o);
      const sign: f32 = wv > 0 ? 1 : wv < 0 ? -1 : 0;
      store<f32>(dw + o, load<f32>(dw + o) + l1 * sign + 2 * l2 * wv);
    }
  }
  for (let j = 0; j < n; j++) {
    const wv = <f64>load<f32>(w + (<usize>j << 2));
    abs += Math.abs(wv);
    sq += wv * wv;
  }
  return <f64>l1 * abs + <f64>l2 * sq;
}
