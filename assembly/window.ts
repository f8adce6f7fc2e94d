// Pooling windows, shared by the pooling kernels (pool.ts) and max-pool backward's ReLU-fused form
// (pool-relu.ts): a window's bounds, and its first maximum (rows top to bottom, then columns left
// to right; a later equal value does not take over). Offsets are bytes within one NHWC image.

/** First real row/column of a window and one past its last. */
@inline
export function windowStart(o: i32, stride: i32, pad: i32): i32 {
  return max(o * stride - pad, 0);
}

@inline
export function windowEnd(o: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  return min(o * stride - pad + k, size);
}

/** Channels [c, c + 4) at byte `o` of each pixel: per lane, the offset of the pixel row holding the window's first maximum. */
@inline
export function firstMax4(image: usize, o: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, rowBytes: usize): v128 {
  const first = <i32>((<usize>(h0 * inW + w0)) * rowBytes);
  let best = v128.load(image + <usize>first + o);
  let at = i32x4.splat(first);
  for (let ih = h0; ih < h1; ih++) {
    for (let iw = w0; iw < w1; iw++) {
      const rowAt = <i32>((<usize>(ih * inW + iw)) * rowBytes);
      const v = v128.load(image + <usize>rowAt + o);
      const better = f32x4.gt(v, best);
      best = v128.bitselect(v, best, better);
      at = v128.bitselect(i32x4.splat(rowAt), at, better);
    }
  }
  return at;
}

/** One channel at byte `o`: the offset of the pixel row holding the window's first maximum. */
@inline
export function firstMax1(image: usize, o: usize, h0: i32, h1: i32, w0: i32, w1: i32, inW: i32, rowBytes: usize): i32 {
  let at = <i32>((<usize>(h0 * inW + w0)) * rowBytes);
  let best = load<f32>(image + <usize>at + o);
  for (let ih = h0; ih < h1; ih++) {
    for (let iw = w0; iw < w1; iw++) {
      const rowAt = <i32>((<usize>(ih * inW + iw)) * rowBytes);
      const v = load<f32>(image + <usize>rowAt + o);
      if (v > best) {
        best = v;
        at = rowAt;
      }
    }
  }
  return at;
}
