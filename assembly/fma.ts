// The one place that knows about relaxed SIMD: `madd` is a fused multiply-add in the relaxed build
// (asconfig target "relaxed": `--enable relaxed-simd`) and the separate mul then add of every other
// build, so the default tensorlane.wasm keeps its exact, reproducible arithmetic.

/**
 * c + a * b per f32 lane. Default builds: f32x4.mul rounded, then f32x4.add rounded (bit-identical
 * in every engine). Relaxed build: f32x4.relaxed_madd, which the engine may fuse (one rounding, on
 * CPUs with FMA) or not, so its results differ from the default build's in the last bits and may
 * differ between machines.
 */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
