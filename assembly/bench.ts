// Benchmark-only kernels: not used by the library, exported so bench/ can measure the machine.

/**
 * The machine's WASM SIMD peak probe: 12 independent chains acc = acc * 0.5 + 1 in f32x4 (one
 * mul and one add per chain per step, no loads), run `steps` times. 96 flops per step; the
 * chains converge to 2, so no overflow or denormals. Returns a lane sum so nothing is dead code.
 */
export function f32_peak_probe__simd(steps: i32): f32 {
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1);
  let a0 = f32x4.splat(0.0), a1 = f32x4.splat(0.1), a2 = f32x4.splat(0.2), a3 = f32x4.splat(0.3);
  let a4 = f32x4.splat(0.4), a5 = f32x4.splat(0.5), a6 = f32x4.splat(0.6), a7 = f32x4.splat(0.7);
  let a8 = f32x4.splat(0.8), a9 = f32x4.splat(0.9), a10 = f32x4.splat(1.0), a11 = f32x4.splat(1.1);
  for (let i = 0; i < steps; i++) {
    a0 = f32x4.add(f32x4.mul(a0, half), one);
    a1 = f32x4.add(f32x4.mul(a1, half), one);
    a2 = f32x4.add(f32x4.mul(a2, half), one);
    a3 = f32x4.add(f32x4.mul(a3, half), one);
    a4 = f32x4.add(f32x4.mul(a4, half), one);
    a5 = f32x4.add(f32x4.mul(a5, half), one);
    a6 = f32x4.add(f32x4.mul(a6, half), one);
    a7 = f32x4.add(f32x4.mul(a7, half), one);
    a8 = f32x4.add(f32x4.mul(a8, half), one);
    a9 = f32x4.add(f32x4.mul(a9, half), one);
    a10 = f32x4.add(f32x4.mul(a10, half), one);
    a11 = f32x4.add(f32x4.mul(a11, half), one);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
