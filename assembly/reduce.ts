// Reductions over any set of axes, forward and backward, through the strided walker of
// strided.ts (its header explains the shape struct and the loop structure). keepDims is shape
// bookkeeping in TypeScript: the kernels see the same struct either way.
//
// The struct of a reduction: stream 0 y (the reduced result: stride 0 on every reduced axis,
// contiguous over the kept ones), stream 1 x (the input, contiguous). Reducing the inner axis
// runs the walker's reduce path (vector accumulators, one horizontal combine per block); reducing
// an outer axis runs its map path, rows combining into the same outputs in order.
//
//   f32_sum_forward(y, x, shape, scale)        y = scale * sum x (mean: scale = 1 / count)
//   f32_sum_backward(dx, dy, shape, scale, dxStream)
//                                              dx += scale * dy, dx walked with the strides of
//                                              stream dxStream and dy with stream 0's. With
//                                              dxStream 1 it broadcasts dy back over the reduced
//                                              axes (the gradient of sum and mean); on a binary
//                                              struct (0 dy, 1 a, 2 b) it sums dy over an
//                                              operand's broadcast axes (the gradient of add, and
//                                              of sub with scale -1 for b). One kernel both ways.
//   f32_max_forward(y, x, shape), f32_min_forward(y, x, shape)    NaN propagates
//   f32_extremum_backward(dx, dy, x, y, shape, scratch)
//                                              the gradient of max and min: dy split evenly among
//                                              the entries equal to the result (NaN counts as
//                                              equal to a NaN result), as torch.amax/amin, the
//                                              full torch.max() and TF's reduce_max do. scratch:
//                                              one float per output (the tie counts).
//   f32_variance_forward(y, mean, x, shape)    population variance (divide by the count, as
//                                              keras.ops.var); mean is saved for the backward
//   f32_variance_backward(dx, dy, x, mean, shape)   dx += dy * 2 (x - mean) / count (the path
//                                              through the mean cancels: sum(x - mean) = 0)
// Backward kernels accumulate. Sums are blocked (see strided.ts), so a reduction of n elements
// along the inner axis errs by about (256 + n / 1024) ulp at worst; along an outer axis the
// rows are added in order (n ulp at worst, the naive bound).
import { walk, targetSize, walkSize, Add, Max, Min } from './strided';

/** scale * x (scale arrives as the walker's parameter). */
class Scaled {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return f32x4.mul(x, p); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return x * p; }
  @inline inputs(): i32 { return 1; }
}
/** x as is. */
class Identity {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return x; }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return x; }
  @inline inputs(): i32 { return 1; }
}
/** (x - m)^2. */
class SquaredDeviation {
  @inline f(x: v128, m: v128, c: v128, p: v128): v128 { const d = f32x4.sub(x, m); return f32x4.mul(d, d); }
  @inline f1(x: f32, m: f32, c: f32, p: f32): f32 { const d = x - m; return d * d; }
  @inline inputs(): i32 { return 2; }
}
/** dy * p * (x - m): variance's gradient with p = 2 / count. */
class DeviationGrad {
  @inline f(dy: v128, x: v128, m: v128, p: v128): v128 { return f32x4.mul(f32x4.mul(dy, p), f32x4.sub(x, m)); }
  @inline f1(dy: f32, x: f32, m: f32, p: f32): f32 { return (dy * p) * (x - m); }
  @inline inputs(): i32 { return 3; }
}
/** 1 where x equals the extreme y (or both are NaN), else 0. */
class Tie {
  @inline f(x: v128, y: v128, c: v128, p: v128): v128 {
    const nan = v128.and(f32x4.ne(x, x), f32x4.ne(y, y));
    return v128.and(v128.or(f32x4.eq(x, y), nan), f32x4.splat(1));
  }
  @inline f1(x: f32, y: f32, c: f32, p: f32): f32 { return x == y || (x != x && y != y) ? 1 : 0; }
  @inline inputs(): i32 { return 2; }
}
/** w where x is a tie of y (w = dy / count), else 0. */
class TieGrad {
  @inline f(w: v128, x: v128, y: v128, p: v128): v128 {
    const nan = v128.and(f32x4.ne(x, x), f32x4.ne(y, y));
    return v128.and(w, v128.or(f32x4.eq(x, y), nan));
  }
  @inline f1(w: f32, x: f32, y: f32, p: f32): f32 { return x == y || (x != x && y != y) ? w : 0; }
  @inline inputs(): i32 { return 3; }
}

/** y[0..n) = v. */
function fill(y: usize, n: i32, v: f32): void {
  const vv = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), v);
}

/** y = scale * (sum of x over the axes where y's stride is 0). */
export function f32_sum_forward(y: usize, x: usize, shape: usize, scale: f32): void {
  fill(y, targetSize(shape, 0), 0);
  walk<Scaled, Add>(shape, y, x, 0, 0, 0, 1, 0, 0, scale);
}

/** dx += scale * dy, dx walked with stream dxStream's strides, dy with stream 0's (see the header). */
export function f32_sum_backward(dx: usize, dy: usize, shape: usize, scale: f32, dxStream: i32): void {
  walk<Scaled, Add>(shape, dx, dy, 0, 0, dxStream, 0, 0, 0, scale);
}

/** y = max of x over the reduced axes (-Inf for none; NaN if any is NaN). */
export function f32_max_forward(y: usize, x: usize, shape: usize): void {
  fill(y, targetSize(shape, 0), -Infinity);
  walk<Identity, Max>(shape, y, x, 0, 0, 0, 1, 0, 0, 0);
}

/** y = min of x over the reduced axes (+Inf for none; NaN if any is NaN). */
export function f32_min_forward(y: usize, x: usize, shape: usize): void {
  fill(y, targetSize(shape, 0), Infinity);
  walk<Identity, Min>(shape, y, x, 0, 0, 0, 1, 0, 0, 0);
}

/** dx += dy / ties where x equals the saved extreme y (max or min). scratch: one float per output. */
export function f32_extremum_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize, scratch: usize): void {
  const outputs = targetSize(shape, 0);
  fill(scratch, outputs, 0);
  walk<Tie, Add>(shape, scratch, x, y, 0, 0, 1, 0, 0, 0);
  for (let i = 0; i < outputs; i++) { // counts -> dy / count (every output has at least one tie)
    const o = <usize>i << 2;
    store<f32>(scratch + o, load<f32>(dy + o) / load<f32>(scratch + o));
  }
  walk<TieGrad, Add>(shape, dx, scratch, x, y, 1, 0, 1, 0, 0);
}

/** mean = the mean of x over the reduced axes; y = the mean of (x - mean)^2 (population variance). */
export function f32_variance_forward(y: usize, mean: usize, x: usize, shape: usize): void {
  const outputs = targetSize(shape, 0);
  const inv: f32 = <f32>1 / <f32>(walkSize(shape) / outputs);
  f32_sum_forward(mean, x, shape, inv);
  fill(y, outputs, 0);
  walk<SquaredDeviation, Add>(shape, y, x, mean, 0, 0, 1, 0, 0, 0);
  for (let i = 0; i < outputs; i++) store<f32>(y + (<usize>i << 2), load<f32>(y + (<usize>i << 2)) * inv);
}

/** dx += dy * 2 (x - mean) / count. */
export function f32_variance_backward(dx: usize, dy: usize, x: usize, mean: usize, shape: usize): void {
  const scale: f32 = <f32>2 / <f32>(walkSize(shape) / targetSize(shape, 0));
  walk<DeviationGrad, Add>(shape, dx, dy, x, mean, 1, 0, 1, 0, scale);
}
