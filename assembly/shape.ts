// Kernels of the shape ops on symbolic tensors (src/graph/shape.ts, join.ts, gather.ts).
//
//   f32_strided_copy(y, x, shape)     y = x, each walked with its own strides (stream 0 y, stream 1
//                                     x, the struct of strided.ts). One kernel serves transpose,
//                                     slice, concat, stack, split and tile (x with stride 0 on the
//                                     repeated axes). The backward of every one of them is
//                                     f32_sum_backward(dx, dy, shape, 1, 1) on the same struct:
//                                     dx += dy walked the other way (sums where x was repeated).
//   f32_gather_forward(y, x, ids, outer, count, axisLen, inner)
//                                     y[o, j, :] = x[o, ids[j], :] (ids are f32; an id that is
//                                     not an integer in [0, axisLen) gives a row of zeros, as
//                                     JAX's gather with fill mode)
//   f32_gather_backward(dx, dy, ids, outer, count, axisLen, inner)
//                                     dx[o, ids[j], :] += dy[o, j, :] (invalid ids add nothing)
//   f32_one_hot(y, ids, n, depth)     y[i, :] = the one-hot row of ids[i] (zeros for an invalid id,
//                                     as tf.one_hot)
import { walk, Store } from './strided';
import { addRow } from './geometry';

/** x as is. */
class Copy {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return x; }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return x; }
  @inline inputs(): i32 { return 1; }
}

/** y = x over the struct at `shape` (y with stream 0's strides, x with stream 1's). */
export function f32_strided_copy(y: usize, x: usize, shape: usize): void {
  walk<Copy, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0);
}

// @ts-ignore: decorator
@inline function validId(id: f32, limit: i32): bool {
  // NaN fails both compares; a non-integer fails the truncation round trip.
  return id >= 0 && id < <f32>limit && <f32>(<i32>id) == id;
}

/** y[o, j, :] = x[o, ids[j], :]; rows of invalid ids are zero. */
export function f32_gather_forward(y: usize, x: usize, ids: usize, outer: i32, count: i32, axisLen: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * <usize>axisLen * rowBytes;
    const yo = y + <usize>o * <usize>count * rowBytes;
    for (let j = 0; j < count; j++) {
      const id = load<f32>(ids + (<usize>j << 2));
      const dst = yo + <usize>j * rowBytes;
      if (validId(id, axisLen)) memory.copy(dst, xo + <usize>(<i32>id) * rowBytes, rowBytes);
      else memory.fill(dst, 0, rowBytes);
    }
  }
}

/** dx[o, ids[j], :] += dy[o, j, :] (repeated ids add up; invalid ids add nothing). */
export function f32_gather_backward(dx: usize, dy: usize, ids: usize, outer: i32, count: i32, axisLen: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = dx + <usize>o * <usize>axisLen * rowBytes;
    const yo = dy + <usize>o * <usize>count * rowBytes;
    for (let j = 0; j < count; j++) {
      const id = load<f32>(ids + (<usize>j << 2));
      if (validId(id, axisLen)) addRow(xo + <usize>(<i32>id) * rowBytes, yo + <usize>j * rowBytes, inner);
    }
  }
}

/** y[i, k] = 1 if k == ids[i] else 0, for i < n and k < depth. */
export function f32_one_hot(y: usize, ids: usize, n: i32, depth: i32): void {
  const rowBytes = <usize>depth << 2;
  memory.fill(y, 0, <usize>n * rowBytes);
  for (let i = 0; i < n; i++) {
    const id = load<f32>(ids + (<usize>i << 2));
    if (validId(id, depth)) store<f32>(y + <usize>i * rowBytes + (<usize>(<i32>id) << 2), 1);
  }
}
